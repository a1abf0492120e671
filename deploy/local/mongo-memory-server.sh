#!/usr/bin/env bash
# A real mongod through mongodb-memory-server, used when MONGOMS_SYSTEM_BINARY names a mongod binary.
# Usage: deploy/local/mongo-memory-server.sh start|stop|status|uri   (MONGO_PORT, default 27017)
COMPONENT=mongo-memory-server
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
MONGO_PORT="${MONGO_PORT:-${FERRETDB_PORT:-27017}}"
DIR="$STATE_DIR/mongo-memory-server"

uri() { printf 'mongodb://127.0.0.1:%s/' "$MONGO_PORT"; }

start() {
  local pid
  if pid="$(running_pid)"; then log "already running (pid $pid) at $(uri)"; return 0; fi
  [ -x "${MONGOMS_SYSTEM_BINARY:-}" ] || die "MONGOMS_SYSTEM_BINARY must name an executable mongod"
  mkdir -p "$DIR/data" "$DIR/logs"
  setsid nohup node "$LOCAL_ROOT/deploy/local/mongo-memory-server.js" "$MONGO_PORT" "$DIR/data" \
    >>"$DIR/logs/mongod.log" 2>&1 </dev/null &
  pid=$!
  printf '%s' "$pid" >"$(pid_file)"
  wait_for_port "$MONGO_PORT" 60 "$pid" || { stop_component; die "mongod did not start; see $DIR/logs"; }
  log "ready (pid $pid) at $(uri)"
}

case "${1:-}" in
  start) start ;;
  stop) stop_component ;;
  status) if pid="$(running_pid)"; then log "running (pid $pid)"; else log "stopped"; exit 3; fi ;;
  uri) uri ;;
  *) echo "usage: $0 start|stop|status|uri" >&2; exit 2 ;;
esac
