#!/usr/bin/env bash
# Runs Coxswain from a source checkout:
#   bash scripts/run.sh serve [--port N] [--data-dir DIR] [--listen ADDR]   headless server
#   bash scripts/run.sh start [same options]                                 desktop app, or the
#                                                                            headless server when
#                                                                            Electron cannot run
# (npm run serve / npm start call this.)
#
# Before running it makes sure that:
#   - node_modules matches package-lock.json (scripts/ensure-npm.sh);
#   - out/ is built from the current sources: `electron-vite build` runs when out/.build-stamp is
#     missing or any source or config file is newer than it. A build takes a few seconds, a check
#     a few milliseconds, so an unchanged checkout starts at once.
# Everything this script prints goes to stderr; stdout carries only what Coxswain prints (serve's
# "Coxswain X serving at URL" line), so scripts can read it.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

say() { echo "run.sh: $*" >&2; }

usage() {
  echo "usage: bash scripts/run.sh {serve|start} [--port N] [--data-dir DIR] [--listen ADDR]" >&2
  exit 2
}

[[ $# -ge 1 ]] || usage
command="$1"
shift
case "$command" in
  serve | start) ;;
  *) usage ;;
esac

# 1. Dependencies.
bash scripts/ensure-npm.sh

# Node 24 comes from the `node` devDependency; the system Node may be older.
export PATH="$root/node_modules/.bin:$PATH"
node="$root/node_modules/node/bin/node"
if [[ ! -x "$node" ]]; then
  say "Node 24 is missing from node_modules (package 'node'); delete node_modules and run again"
  exit 1
fi

# 2. Build.
stamp="out/.build-stamp"
sources=(src-main src-renderer package.json package-lock.json electron.vite.config.ts tsconfig.base.json tsconfig.node.json tsconfig.web.json)
if [[ ! -f "$stamp" ]] || [[ -n "$(find "${sources[@]}" -newer "$stamp" -print -quit 2>/dev/null)" ]]; then
  say "building (electron-vite build)"
  # Stamped with the time the build started, so an edit made during the build triggers the next one.
  mkdir -p out
  started="$(mktemp out/.build-started.XXXXXX)"
  trap 'rm -f "$started"' EXIT
  "$node" node_modules/electron-vite/bin/electron-vite.js build --logLevel warn >&2
  mv "$started" "$stamp"
  trap - EXIT
fi

serve() {
  # npm runs scripts from the project root; relative paths (--data-dir) mean where the user was.
  cd "${INIT_CWD:-$root}"
  exec "$node" "$root/out/main/serve.js" "$@"
}

[[ "$command" == serve ]] && serve "$@"

# 3. `start`: Electron when it can run here, otherwise the headless server, said in one line.
# The binary is checked on disk rather than with require('electron'), which would try to
# download it from GitHub.
electron_path_file="node_modules/electron/path.txt"
why_not=""
if [[ ! -f "$electron_path_file" ]]; then
  why_not="the Electron binary is not installed ($electron_path_file missing: its download was skipped or failed)"
else
  electron_bin="$root/node_modules/electron/dist/$(cat "$electron_path_file")"
  if [[ ! -x "$electron_bin" ]]; then
    why_not="the Electron binary is not installed ($electron_bin missing)"
  elif [[ "$(uname -s)" == Linux && -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then
    why_not="there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)"
  fi
fi

if [[ -n "$why_not" ]]; then
  say "cannot open the desktop app because $why_not; running the headless server instead"
  serve "$@"
fi
exec "$electron_bin" "$root" "$@"
