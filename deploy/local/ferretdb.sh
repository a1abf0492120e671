#!/usr/bin/env bash
# FerretDB v1.24 (SQLite backend) speaking the MongoDB wire protocol on 127.0.0.1.
# Usage: deploy/local/ferretdb.sh start|stop|status|uri
# Environment: FERRETDB_PORT (27017), FERRETDB_VERSION (v1.24.2), HOCBASO_LOCAL_DIR (.local)
COMPONENT=ferretdb
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

FERRETDB_PORT="${FERRETDB_PORT:-27017}"
FERRETDB_VERSION="${FERRETDB_VERSION:-v1.24.2}"
DIR="$STATE_DIR/ferretdb"
BIN="$DIR/bin/ferretdb-$FERRETDB_VERSION"

# The module is fetched from the Go module proxy (what `go install ...@v1.24.2` fetches) and built
# here. A plain `go install` builds a binary that panics at start because the release's
# build/version/version.txt is produced by FerretDB's release tooling, not shipped in the module;
# so the module source is copied, that one file written, and built (ADR 0003).
build() {
  [ -x "$BIN" ] && return 0
  need go "Go 1.21 or newer is required to build FerretDB (Debian: apt-get install golang)."
  mkdir -p "$DIR/bin" "$DIR/logs"
  log "building FerretDB $FERRETDB_VERSION from the Go module proxy (first run only, about a minute)"
  local module_dir src
  module_dir="$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" 2>>"$DIR/logs/build.log" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -n "$module_dir" ] || die "could not download FerretDB $FERRETDB_VERSION; see $DIR/logs/build.log"
  src="$DIR/src-$FERRETDB_VERSION"
  rm -rf "$src"
  cp -r "$module_dir" "$src"
  chmod -R u+w "$src"
  printf '%s\n' "$FERRETDB_VERSION" >"$src/build/version/version.txt"
  (cd "$src" && CGO_ENABLED=0 go build -trimpath -o "$BIN.tmp" ./cmd/ferretdb) >>"$DIR/logs/build.log" 2>&1 ||
    die "building FerretDB failed; see $DIR/logs/build.log"
  mv "$BIN.tmp" "$BIN"
  rm -rf "$src"
}

uri() { printf 'mongodb://127.0.0.1:%s/' "$FERRETDB_PORT"; }

start() {
  local pid
  if pid="$(running_pid)"; then
    log "already running (pid $pid) at $(uri)"
    return 0
  fi
  port_open "$FERRETDB_PORT" && die "port $FERRETDB_PORT is taken by another program; set FERRETDB_PORT"
  build
  mkdir -p "$DIR/data" "$DIR/logs" "$DIR/state"
  log "starting at $(uri)"
  setsid nohup "$BIN" --handler=sqlite --sqlite-url="file:$DIR/data/" --state-dir="$DIR/state" \
    --listen-addr="127.0.0.1:$FERRETDB_PORT" --debug-addr=- --telemetry=disable \
    --log-level=warn --log-format=json >>"$DIR/logs/ferretdb.log" 2>&1 </dev/null &
  pid=$!
  printf '%s' "$pid" >"$(pid_file)"
  if ! wait_for_port "$FERRETDB_PORT" 30 "$pid"; then
    tail -n 20 "$DIR/logs/ferretdb.log" >&2 || true
    stop_component
    die "FerretDB did not start; logs are in $DIR/logs"
  fi
  log "ready (pid $pid)"
}

status() {
  local pid
  if pid="$(running_pid)"; then
    log "running (pid $pid) at $(uri)"
  else
    log "stopped"
    return 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop_component ;;
  status) status ;;
  uri) uri ;;
  *) echo "usage: $0 start|stop|status|uri" >&2; exit 2 ;;
esac
