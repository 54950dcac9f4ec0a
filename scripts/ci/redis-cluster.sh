#!/usr/bin/env bash
# A local Redis Cluster of three masters (no replicas) from Debian's redis-server,
# without persistence, for the cluster suite (npm run test:cluster).
# Usage: redis-cluster.sh start <dir> <port> <port> <port>   (idempotent: starts what is
#          missing, creates the cluster if it is not formed, waits for cluster_state:ok)
#        redis-cluster.sh stop <dir>                         (stops the nodes, removes <dir>)
# Each node also listens on its port + 10000 (the cluster bus).
set -euo pipefail
command=$1 dir=$2
shift 2

state() { redis-cli -h 127.0.0.1 -p "$1" cluster info 2>/dev/null | tr -d '\r' | sed -n 's/^cluster_state://p'; }

if [ "$command" = stop ]; then
  for pidfile in "$dir"/node-*.pid; do
    [ -f "$pidfile" ] || continue
    kill "$(cat "$pidfile")" 2>/dev/null || true
    # A node writes its files until it exits: wait until its port is closed before removing them.
    port=${pidfile##*/node-} port=${port%.pid}
    for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 || break; sleep 0.1; done
  done
  rm -rf "$dir" 2>/dev/null || { sleep 0.5; rm -rf "$dir"; }
  exit 0
fi

[ "$command" = start ] && [ $# = 3 ] || { echo "usage: $0 start <dir> <port> <port> <port> | stop <dir>" >&2; exit 2; }
mkdir -p "$dir"
for port in "$@"; do
  if ! redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1; then
    redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes \
      --cluster-config-file "$dir/node-$port.conf" --cluster-node-timeout 2000 \
      --save '' --appendonly no --dir "$dir" --daemonize yes \
      --pidfile "$dir/node-$port.pid" --logfile "$dir/node-$port.log"
  fi
done
for port in "$@"; do
  for _ in $(seq 1 100); do redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
done
if [ "$(redis-cli -h 127.0.0.1 -p "$1" cluster info | tr -d '\r' | sed -n 's/^cluster_slots_assigned://p')" != 16384 ]; then
  redis-cli --cluster create $(printf '127.0.0.1:%s ' "$@") --cluster-replicas 0 --cluster-yes >"$dir/create.log"
fi
for _ in $(seq 1 100); do
  ok=1
  for port in "$@"; do [ "$(state "$port")" = ok ] || ok=0; done
  [ "$ok" = 1 ] && exit 0
  sleep 0.1
done
echo "redis cluster on ports $* did not reach cluster_state:ok (logs in $dir)" >&2
exit 1
