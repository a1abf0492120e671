#!/usr/bin/env bash
# `npm start`: installs what is missing, builds, starts Kafka, the store, the services and the
# gateway on http://localhost:4000/graphql, loads the demo data and prints how to log in.
# Ctrl-C stops everything it started.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

install_packages
build_all
# Infrastructure that was already running (another terminal, the tests) is left running at the end.
started_infra=false
deploy/local/infra.sh status >/dev/null 2>&1 || started_infra=true
deploy/local/infra.sh start
# The store to stop is the one chosen before the addresses are exported.
USER_MONGODB_URI="${MONGODB_URI:-}"
eval "$(deploy/local/infra.sh env)"

STATE="${HOCBASO_LOCAL_DIR:-$ROOT/.local}"
mkdir -p "$STATE/logs"

# Secrets are generated once per machine, kept out of the repository, readable by this user only.
SECRETS="$STATE/secrets.env"
if [ ! -f "$SECRETS" ]; then
  umask 077
  {
    printf 'INTERNAL_IDENTITY_SECRET=%s\n' "$(node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("hex"))')"
    printf 'SIGNING_KEY_ENCRYPTION_SECRET=%s\n' "$(node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("hex"))')"
  } >"$SECRETS"
fi
# Added after the first release: machines with an older secrets file get it on their next start.
if ! grep -q '^MINISTRY_API_TOKEN=' "$SECRETS"; then
  printf 'MINISTRY_API_TOKEN=%s\n' "$(node -e 'process.stdout.write(require("crypto").randomBytes(24).toString("hex"))')" >>"$SECRETS"
fi
set -a
source "$SECRETS"
set +a
export GATEWAY_PORT="${GATEWAY_PORT:-4000}" IDENTITY_PORT="${IDENTITY_PORT:-4001}"
export IDENTITY_BASE_URL="http://127.0.0.1:$IDENTITY_PORT" SUBGRAPH_IDENTITY_URL="http://127.0.0.1:$IDENTITY_PORT/graphql"
export ALLOW_INTROSPECTION="${ALLOW_INTROSPECTION:-true}"

CREDENTIALS="$STATE/demo-credentials.json"
say "loading demo data (once)"
DEMO_CREDENTIALS_FILE="$CREDENTIALS" node services/identity/dist/seed/seed-demo.js >>"$STATE/logs/seed.log" 2>&1 ||
  { say "loading the demo data failed; see $STATE/logs/seed.log"; exit 1; }

pids=()
stop_all() {
  trap - INT TERM EXIT
  say "stopping"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$started_infra" = true ]; then MONGODB_URI="$USER_MONGODB_URI" deploy/local/infra.sh stop || true; fi
  exit 0
}
trap stop_all INT TERM EXIT

wait_ready() { # wait_ready <name> <url> <pid>
  for _ in $(seq 1 150); do
    # A service that exits (its port taken, say) must not be mistaken for another that answers there.
    kill -0 "$3" 2>/dev/null || { say "$1 stopped while starting; see $STATE/logs/$1.log"; exit 1; }
    curl -fsS "$2" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  say "$1 did not become ready; see $STATE/logs/$1.log"
  exit 1
}

start_service() { # start_service <name> <entry> <readiness url>
  if curl -fsS "$3" >/dev/null 2>&1; then
    say "something already answers at $3 (an earlier npm start still running?); stop it first"
    exit 1
  fi
  say "starting $1"
  # Traces of a local run: one JSON line per span in .local/traces/<service>.jsonl (OTEL_TRACES_EXPORTER=none turns them off).
  OTEL_TRACES_EXPORTER="${OTEL_TRACES_EXPORTER:-file}" OTEL_TRACES_FILE="$STATE/traces/$1.jsonl" \
    node "$2" >>"$STATE/logs/$1.log" 2>&1 &
  pids+=($!)
  wait_ready "$1" "$3" "$!"
}

start_service identity services/identity/dist/index.js "http://127.0.0.1:$IDENTITY_PORT/readyz"
start_service students services/students/dist/index.js "http://127.0.0.1:${STUDENTS_PORT:-4002}/readyz"
start_service academics services/academics/dist/index.js "http://127.0.0.1:${ACADEMICS_PORT:-4003}/readyz"
start_service conduct services/conduct/dist/index.js "http://127.0.0.1:${CONDUCT_PORT:-4004}/readyz"
# The local signer's keystore (development only: production signs through a remote signing service).
export SIGNING_KEYSTORE_DIR="${SIGNING_KEYSTORE_DIR:-$STATE/keystore}"
mkdir -p "$SIGNING_KEYSTORE_DIR" && chmod 700 "$SIGNING_KEYSTORE_DIR"
start_service signatures services/signatures/dist/index.js "http://127.0.0.1:${SIGNATURES_PORT:-4005}/readyz"
# The Ministry database (CSDL ngành) is not public: its local simulator stands in for it.
export MINISTRY_SIMULATOR_PORT="${MINISTRY_SIMULATOR_PORT:-4090}"
export MINISTRY_API_URL="${MINISTRY_API_URL:-http://127.0.0.1:$MINISTRY_SIMULATOR_PORT}"
start_service ministry-simulator deploy/local/ministry-simulator/dist/main.js "http://127.0.0.1:$MINISTRY_SIMULATOR_PORT/readyz"
start_service archive services/archive/dist/index.js "http://127.0.0.1:${ARCHIVE_PORT:-4006}/readyz"
start_service gateway gateway/dist/index.js "http://127.0.0.1:$GATEWAY_PORT/readyz"

say "loading the demo school year through the gateway (first start only: classes, students, marks, conduct)"
npx tsx scripts/demo/seed-demo.ts "$CREDENTIALS" "http://127.0.0.1:$GATEWAY_PORT/graphql" "$SIGNING_KEYSTORE_DIR" >>"$STATE/logs/seed.log" 2>&1 ||
  { say "loading the demo school year failed; see $STATE/logs/seed.log"; exit 1; }

node scripts/print-welcome.js "$CREDENTIALS" "http://localhost:$GATEWAY_PORT/graphql"
say "logs: $STATE/logs. Press Ctrl-C to stop."
wait -n "${pids[@]}" || true
say "a service stopped unexpectedly; see $STATE/logs"
