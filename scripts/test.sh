#!/usr/bin/env bash
# `npm test`: installs what is missing, runs the static checks, starts the local Kafka broker and
# MongoDB-protocol store (if not already running), runs every test, and stops what it started.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

install_packages

say "static checks: lint, format, types, supergraph composition"
npm run --silent lint
npm run --silent format:check
npm run --silent typecheck
npm run --silent compose:check
build_all

started_infra=false
if ! deploy/local/infra.sh status >/dev/null 2>&1; then
  started_infra=true
fi
cleanup() {
  if [ "$started_infra" = true ] && [ -z "${KEEP_INFRA:-}" ]; then MONGODB_URI="$USER_MONGODB_URI" deploy/local/infra.sh stop || true; fi
}
trap cleanup EXIT
deploy/local/infra.sh start
# The store to stop is the one chosen before the addresses are exported.
USER_MONGODB_URI="${MONGODB_URI:-}"
eval "$(deploy/local/infra.sh env)"

say "running the tests"
# One worker: the fault tests stop and start the shared broker.
npx turbo run test --concurrency=1 --continue --output-logs=full -- "$@"
