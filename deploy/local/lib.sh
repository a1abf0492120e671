#!/usr/bin/env bash
# Shared helpers for the deploy/local scripts: one place for the state folder, pid files and waiting.
set -euo pipefail

LOCAL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Data, logs and pid files live here; the folder is git-ignored.
STATE_DIR="${HOCBASO_LOCAL_DIR:-$LOCAL_ROOT/.local}"
mkdir -p "$STATE_DIR"

log() { printf '[%s] %s\n' "$COMPONENT" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "$COMPONENT" "$*" >&2; exit 1; }

need() { # need <command> <what it is for and how to install it>
  command -v "$1" >/dev/null 2>&1 || die "'$1' was not found. $2"
}

pid_file() { printf '%s/%s.pid' "$STATE_DIR" "$COMPONENT"; }

# Prints the pid when the recorded process is alive; removes a stale pid file.
running_pid() {
  local file pid
  file="$(pid_file)"
  [ -f "$file" ] || return 1
  pid="$(cat "$file" 2>/dev/null || true)"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    printf '%s' "$pid"
    return 0
  fi
  rm -f "$file"
  return 1
}

port_open() { # port_open <port>
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0 || return 1
}

wait_for_port() { # wait_for_port <port> <seconds> <pid>
  local port="$1" seconds="$2" pid="$3" i
  for ((i = 0; i < seconds * 5; i++)); do
    port_open "$port" && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}

stop_pid() { # stop_pid <pid>: TERM, wait up to 30 s, then KILL
  local pid="$1" i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 150; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  log "did not stop within 30 s, killing"
  kill -KILL "$pid" 2>/dev/null || true
}

stop_component() {
  local pid
  if pid="$(running_pid)"; then
    log "stopping (pid $pid)"
    stop_pid "$pid"
    rm -f "$(pid_file)"
  else
    log "not running"
  fi
}
