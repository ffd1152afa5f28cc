#!/usr/bin/env bash
# Installs what Coxswain's tests need on a fresh Debian machine: system packages (as root)
# and the npm dependencies, which include the Node 24 that runs everything.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(docker.io openssh-server openssh-client busybox-static iproute2 iptables util-linux chromium ca-certificates)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if [[ $(id -u) != 0 ]]; then
    echo "setup: missing Debian packages: ${missing[*]}; install them as root: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

bash scripts/ensure-npm.sh
