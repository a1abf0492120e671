#!/usr/bin/env bash
# Shared by scripts/start.sh and scripts/test.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1

say() { printf '\033[1m[hocbaso]\033[0m %s\n' "$*" >&2; }

check_node() {
  command -v node >/dev/null 2>&1 || { say "Node.js 20.19 or newer is required (https://nodejs.org)."; exit 1; }
  local version
  version="$(node -p 'process.versions.node')"
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' ||
    { say "Node.js $version found; 20.19 or newer is required."; exit 1; }
}

# npm ci when node_modules is missing or older than the lock file.
install_packages() {
  check_node
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing npm packages"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

build_all() {
  say "building"
  npx turbo run build --output-logs=errors-only
}
