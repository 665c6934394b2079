#!/usr/bin/env bash
# Starts and stops the private mosquitto broker that MQTT Deck's tests and benchmarks talk to.
#
#   scripts/broker.sh start DIR [BASE_PORT]   (BASE_PORT defaults to 18830)
#   scripts/broker.sh stop DIR
#
# Listeners, all on 127.0.0.1 only:
#   BASE+0  MQTT over TCP, anonymous      (mosquitto_pub / mosquitto_sub)
#   BASE+1  MQTT over websockets, anonymous
#   BASE+2  MQTT over websockets, password required: user "deck", password "secret"
#
# Environment:
#   DECK_BROKER_LOG_TYPES  space-separated mosquitto log_type values
#                          (default: "error warning notice information subscribe unsubscribe";
#                          "all" also logs every packet, which is too slow for floods)
#   DECK_BROKER_MAX_INFLIGHT  QoS 1/2 messages in flight per client each way (default 1000;
#                          Mosquitto announces it to MQTT 5 clients as its Receive Maximum)
#   DECK_BROKER_PERSIST=1  keep sessions and queued messages in DIR across a stop and a start
#                          (persistence true); a start then restarts the same broker
set -euo pipefail

MOSQUITTO=${MOSQUITTO:-$(command -v mosquitto || echo /usr/sbin/mosquitto)}
READY_TIMEOUT_S=10

die() { echo "broker.sh: $*" >&2; exit 1; }

usage() { die "usage: broker.sh start DIR [BASE_PORT] | broker.sh stop DIR"; }

port_open() {
  # bash's /dev/tcp avoids depending on nc/ss being installed; the subshell closes the fd again.
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Only the pid we recorded counts, and only while it is still a mosquitto running our config:
# a stale pid file could otherwise make us signal an unrelated process that reused the pid.
our_pid() {
  local dir=$1 pid
  [ -s "$dir/mosquitto.pid" ] || return 1
  pid=$(tr -dc '0-9' <"$dir/mosquitto.pid")
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$dir/mosquitto.conf" || return 1
  echo "$pid"
}

stop_broker() {
  local dir=$1 pid i
  if pid=$(our_pid "$dir"); then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "broker.sh: mosquitto $pid ignored SIGTERM, killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
  fi
  # Mosquitto cannot always delete its own pid file once it has dropped root, so do it here.
  rm -f "$dir/mosquitto.pid"
}

start_broker() {
  local dir=$1 base=$2 p i pid
  [[ $base =~ ^[0-9]+$ ]] && ((base > 0 && base + 2 < 65536)) || die "bad BASE_PORT '$base'"
  local ports=("$base" "$((base + 1))" "$((base + 2))")

  # Restarting from the same DIR must leave exactly one broker, configured as asked now.
  stop_broker "$dir"

  # A broker left over from another DIR would answer our readiness probe and fool the tests.
  for p in "${ports[@]}"; do
    port_open "$p" && die "port $p on 127.0.0.1 is already in use (another broker? try a different BASE_PORT)"
  done

  local log_types=${DECK_BROKER_LOG_TYPES:-error warning notice information subscribe unsubscribe}
  {
    echo "# Written by scripts/broker.sh; rewritten on every start."
    echo "per_listener_settings true"
    if [ "${DECK_BROKER_PERSIST:-}" = 1 ]; then
      echo "persistence true"
      echo "persistence_location $dir/"
    else
      echo "persistence false"
    fi
    echo "pid_file $dir/mosquitto.pid"
    echo "log_dest file $dir/mosquitto.log"
    for t in $log_types; do echo "log_type $t"; done
    # Tests count connection attempts per client id in the log.
    echo "connection_messages true"
    echo "log_timestamp true"
    echo "log_timestamp_format %Y-%m-%dT%H:%M:%S"
    # Floods and benchmarks must not lose QoS 1/2 messages to the default queue limit of 1000.
    echo "max_queued_messages 1000000"
    echo "max_queued_bytes 0"
    echo "max_inflight_messages ${DECK_BROKER_MAX_INFLIGHT:-1000}"
    # Latency measurements would otherwise include Nagle delays.
    echo "set_tcp_nodelay true"
    echo
    echo "listener ${ports[0]} 127.0.0.1"
    echo "allow_anonymous true"
    echo
    # libwebsockets binds IPv6 by default and then cannot take an IPv4 address.
    echo "listener ${ports[1]} 127.0.0.1"
    echo "protocol websockets"
    echo "socket_domain ipv4"
    echo "allow_anonymous true"
    echo
    echo "listener ${ports[2]} 127.0.0.1"
    echo "protocol websockets"
    echo "socket_domain ipv4"
    echo "allow_anonymous false"
    echo "password_file $dir/passwd"
  } >"$dir/mosquitto.conf"

  rm -f "$dir/passwd"
  mosquitto_passwd -b -c "$dir/passwd" deck secret >/dev/null
  : >"$dir/mosquitto.log"

  # Started as root, mosquitto drops to user "mosquitto" right after reading its config: it must
  # still be able to reach and read these files, append to the log and remove its pid file.
  chmod 755 "$dir"
  chmod 644 "$dir/mosquitto.conf" "$dir/passwd" "$dir/mosquitto.log"
  if [ "$(id -u)" = 0 ] && id mosquitto >/dev/null 2>&1; then
    chown mosquitto "$dir" "$dir/mosquitto.log"
  fi

  # Output goes to a file, not our stdout: a daemon holding a caller's pipe open (node's execFile)
  # would keep that caller waiting forever. Config errors only ever appear there.
  "$MOSQUITTO" -c "$dir/mosquitto.conf" -d </dev/null >"$dir/mosquitto.out" 2>&1 ||
    { cat "$dir/mosquitto.out" "$dir/mosquitto.log" >&2 || true; die "mosquitto failed to start"; }

  local deadline=$((SECONDS + READY_TIMEOUT_S)) ready
  while :; do
    ready=1
    for p in "${ports[@]}"; do port_open "$p" || { ready=0; break; }; done
    ((ready)) && pid=$(our_pid "$dir") && break
    if ((SECONDS >= deadline)); then
      echo "broker.sh: mosquitto not accepting on all of ${ports[*]} after ${READY_TIMEOUT_S}s; log:" >&2
      cat "$dir/mosquitto.out" "$dir/mosquitto.log" >&2 || true
      stop_broker "$dir"
      exit 1
    fi
    sleep 0.05
  done

  echo "mosquitto pid $pid, log $dir/mosquitto.log"
  echo "mqtt      127.0.0.1:${ports[0]}"
  echo "ws        ws://127.0.0.1:${ports[1]}"
  echo "ws+auth   ws://127.0.0.1:${ports[2]}  (deck / secret)"
}

cmd=${1:-}
[ -n "$cmd" ] && [ -n "${2:-}" ] || usage
# Absolute, because the daemonised broker changes its working directory to /.
if [ "$cmd" = start ]; then mkdir -p "$2"; elif [ ! -d "$2" ]; then exit 0; fi
DIR=$(cd "$2" && pwd -P)

case $cmd in
  start) start_broker "$DIR" "${3:-18830}" ;;
  stop) stop_broker "$DIR" ;;
  *) usage ;;
esac
