#!/usr/bin/env bash
# Installs the npm dependencies (which include Node 24, the package `node`) when
# package-lock.json changed since the last install or nothing is installed yet.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=node_modules/.coxswain-lock-sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
  echo "npm ci (package-lock.json changed or nothing installed yet)" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
  echo "$want" >"$stamp"
fi

node_version=$(node_modules/.bin/node --version)
if [[ $node_version != v24.* ]]; then
  echo "expected Node 24 from the npm package 'node', found $node_version" >&2
  exit 1
fi
