#!/bin/bash
# PID 1 of a lab node (own pid, mount, uts namespaces; the node's network namespace).
# Makes the namespaces look like a small Linux host with sshd and dockerd, then reaps
# children until SIGTERM, when it stops dockerd (and so its containers) and sshd.
#
#   node-init.sh boot NAME DIR         run as the node's init
#   node-init.sh start-docker NAME DIR start dockerd inside a running node (fault recovery)
#   node-init.sh start-sshd NAME DIR   start sshd inside a running node
set -u
action=$1 name=$2 dir=$3

start_sshd() {
  /usr/sbin/sshd -D -f "$dir/sshd_config" -E "$dir/log/sshd.log" </dev/null &
}

start_dockerd() {
  dockerd --config-file /etc/docker/daemon.json </dev/null >>"$dir/log/dockerd.log" 2>&1 &
}

stop_by_pidfile() {
  local pid
  pid=$(cat "$1" 2>/dev/null) || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
}

shutdown() {
  stop_by_pidfile /run/docker.pid
  stop_by_pidfile /run/sshd.pid
  exit 0
}

case "$action" in
  start-docker) start_dockerd; exit 0 ;;
  start-sshd) start_sshd; exit 0 ;;
  boot) ;;
  *) echo "node-init: unknown action $action" >&2; exit 2 ;;
esac

hostname "$name"
# `ip netns exec` would remount /sys and lose the cgroup mounts dockerd needs: instead give
# this network namespace a fresh sysfs by hand while keeping the cgroup tree.
cgroups=$(mktemp -d)
mount --rbind /sys/fs/cgroup "$cgroups"
umount -l /sys
mount -t sysfs sysfs /sys
mount --move "$cgroups" /sys/fs/cgroup
rmdir "$cgroups"

# A reboot starts with an empty /run, as on a real host.
find "$dir/run" -mindepth 1 -delete
mkdir -p "$dir/run/sshd"
chmod 0755 "$dir/run/sshd"
mount --bind "$dir/run" /run
mount --bind "$dir/etc-docker" /etc/docker
mount --bind "$dir/root" /root
# The lab-only root password lives in the node's own shadow file; the host's is not touched.
mount --bind "$dir/shadow" /etc/shadow
# Each machine has its own /dev/shm (tmpfs, emptied by a reboot): secret volumes live there.
mount -t tmpfs -o size=64m,mode=1777 tmpfs /dev/shm

trap shutdown TERM INT
start_sshd
start_dockerd
while :; do
  sleep 3600 &
  wait $!
done
