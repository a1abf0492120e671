#!/usr/bin/env bash
# Apache Kafka 4.x broker in KRaft mode (broker and controller in one process) on 127.0.0.1.
# Usage: deploy/local/kafka.sh start|stop|status|classpath
# Environment: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), HOCBASO_LOCAL_DIR (.local)
COMPONENT=kafka
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
HERE="$LOCAL_ROOT/deploy/local/kafka"
DIR="$STATE_DIR/kafka"
CLASSPATH_FILE="$DIR/classpath.txt"

prerequisites() {
  need java "Java 17 or newer is required to run Kafka (Debian: apt-get install openjdk-17-jre-headless)."
  need mvn "Maven is required to fetch the Kafka jars from Maven Central (Debian: apt-get install maven)."
  local major
  major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
  [ "${major%%.*}" -ge 17 ] 2>/dev/null || die "Java $major found; Kafka 4 needs Java 17 or newer."
}

# Resolve the jars once per pom change (the pom's checksum is kept beside the classpath).
resolve_classpath() {
  mkdir -p "$DIR"
  local sum
  sum="$(sha256sum "$HERE/pom.xml" | cut -d' ' -f1)"
  if [ -f "$CLASSPATH_FILE" ] && [ "$(cat "$DIR/pom.sha256" 2>/dev/null)" = "$sum" ]; then
    return 0
  fi
  log "resolving the Kafka jars with Maven (first run only)"
  mvn -q -B -f "$HERE/pom.xml" dependency:build-classpath -Dmdep.outputFile="$CLASSPATH_FILE" >"$DIR/maven.log" 2>&1 ||
    die "Maven could not resolve the Kafka jars; see $DIR/maven.log"
  printf '%s' "$sum" >"$DIR/pom.sha256"
}

write_config() {
  mkdir -p "$DIR/data" "$DIR/logs"
  cat >"$DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$DIR/data
num.partitions=3
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
auto.create.topics.enable=true
group.initial.rebalance.delay.ms=0
PROPS
  cat >"$DIR/log4j2.properties" <<PROPS
status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = $DIR/logs/server.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
logger.kafka.name = org.apache.kafka
logger.kafka.level = WARN
PROPS
}

java_cmd() { # java_cmd <main class> <args...>
  java -Xms256m -Xmx768m -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$DIR/log4j2.properties" \
    -cp "$(cat "$CLASSPATH_FILE")" "$@"
}

# Storage is formatted once; its meta.properties marks it as done.
format_storage() {
  [ -f "$DIR/data/meta.properties" ] && return 0
  log "formatting KRaft storage"
  local cluster_id
  cluster_id="$(java_cmd kafka.tools.StorageTool random-uuid 2>>"$DIR/logs/format.log" | tail -n1)"
  java_cmd kafka.tools.StorageTool format -t "$cluster_id" -c "$DIR/server.properties" \
    >>"$DIR/logs/format.log" 2>&1 || die "formatting the storage failed; see $DIR/logs/format.log"
}

start() {
  local pid
  if pid="$(running_pid)"; then
    log "already running (pid $pid) on 127.0.0.1:$KAFKA_PORT"
    return 0
  fi
  port_open "$KAFKA_PORT" && die "port $KAFKA_PORT is taken by another program; set KAFKA_PORT"
  prerequisites
  resolve_classpath
  write_config
  format_storage
  log "starting on 127.0.0.1:$KAFKA_PORT"
  # setsid: the broker outlives this shell and a Ctrl-C in the terminal that started it.
  setsid nohup java -Xms256m -Xmx768m -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$DIR/log4j2.properties" \
    -cp "$(cat "$CLASSPATH_FILE")" kafka.Kafka "$DIR/server.properties" \
    >>"$DIR/logs/stdout.log" 2>&1 </dev/null &
  pid=$!
  printf '%s' "$pid" >"$(pid_file)"
  if ! wait_for_port "$KAFKA_PORT" 90 "$pid"; then
    tail -n 20 "$DIR/logs/stdout.log" "$DIR/logs/server.log" >&2 2>/dev/null || true
    stop_component
    die "Kafka did not start; logs are in $DIR/logs"
  fi
  log "ready (pid $pid)"
}

status() {
  local pid
  if pid="$(running_pid)"; then
    log "running (pid $pid) on 127.0.0.1:$KAFKA_PORT"
  else
    log "stopped"
    return 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop_component ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
