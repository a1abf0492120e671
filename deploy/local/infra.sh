#!/usr/bin/env bash
# The local infrastructure the services and the tests need: a Kafka broker and a MongoDB-protocol store.
# Usage: deploy/local/infra.sh start|stop|status|env
#   env  prints the export lines for KAFKA_BROKERS and MONGODB_URI (eval "$(deploy/local/infra.sh env)")
# Store choice: MONGODB_URI if given; else mongodb-memory-server when MONGOMS_SYSTEM_BINARY names a
# mongod; else FerretDB v1.24 on SQLite (the path that runs on machines without mongod).
COMPONENT=infra
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
HERE="$LOCAL_ROOT/deploy/local"

store_kind() {
  if [ -n "${MONGODB_URI:-}" ]; then echo external
  elif [ -n "${MONGOMS_SYSTEM_BINARY:-}" ] && [ -x "${MONGOMS_SYSTEM_BINARY}" ]; then echo memory-server
  else echo ferretdb
  fi
}

store() { # store start|stop|status
  case "$(store_kind)" in
    external) [ "$1" = start ] && log "using the given MONGODB_URI"; return 0 ;;
    memory-server) "$HERE/mongo-memory-server.sh" "$1" ;;
    ferretdb) "$HERE/ferretdb.sh" "$1" ;;
  esac
}

mongodb_uri() {
  case "$(store_kind)" in
    external) printf '%s' "$MONGODB_URI" ;;
    memory-server) "$HERE/mongo-memory-server.sh" uri ;;
    ferretdb) "$HERE/ferretdb.sh" uri ;;
  esac
}

case "${1:-}" in
  start)
    # Both start in parallel: the store's first build and the broker's first jar download overlap.
    store start & store_pid=$!
    "$HERE/kafka.sh" start
    wait "$store_pid"
    ;;
  stop)
    "$HERE/kafka.sh" stop
    store stop
    ;;
  status)
    rc=0
    "$HERE/kafka.sh" status || rc=$?
    store status || rc=$?
    exit "$rc"
    ;;
  env)
    printf 'export KAFKA_BROKERS=%q\n' "127.0.0.1:${KAFKA_PORT:-9092}"
    printf 'export MONGODB_URI=%q\n' "$(mongodb_uri)"
    ;;
  *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
