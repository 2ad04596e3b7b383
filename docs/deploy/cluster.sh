#!/usr/bin/env bash
# Starts, inspects or stops a three-node OpsClaw cluster on this machine (docs/deploy/cluster.md):
#
#   bash docs/deploy/cluster.sh start [dir]    three hosts, each in <dir>/node-N (default ./.opsclaw/cluster)
#   bash docs/deploy/cluster.sh status [dir]   node 1's view of the members
#   bash docs/deploy/cluster.sh stop [dir]     SIGTERM to each host by its pid; waits until they are gone
#
# The hosts listen on 127.0.0.1, cluster ports 4053, 4054 and 4055 (set PORTS="p1 p2 p3" for
# others); node 1 is the seed. The program is $OPSCLAW, else opsclaw on PATH, else this clone's
# Release build. CONFIG=file gives every node that --config file too (streams on a shared
# PostgreSQL database, for one; docs/deploy/cluster.md).
set -euo pipefail

command=${1:-}
dir=${2:-.opsclaw/cluster}
read -r -a ports <<<"${PORTS:-4053 4054 4055}"
if [ "${#ports[@]}" -ne 3 ]; then
  echo "cluster.sh: PORTS must hold three ports, such as \"4053 4054 4055\"" >&2
  exit 2
fi

config_args=()
if [ -n "${CONFIG:-}" ]; then
  if [ ! -r "$CONFIG" ]; then
    echo "cluster.sh: CONFIG=$CONFIG is not a readable file" >&2
    exit 2
  fi
  config_args=(--config "$(cd "$(dirname "$CONFIG")" && pwd)/$(basename "$CONFIG")")
fi

repo=$(cd "$(dirname "$0")/../.." && pwd)
opsclaw=${OPSCLAW:-$(command -v opsclaw || echo "$repo/OpsClaw.Host/bin/Release/net10.0/opsclaw")}
if [ ! -x "$opsclaw" ]; then
  echo "cluster.sh: no opsclaw program at $opsclaw; build it (dotnet build -c Release) or set OPSCLAW" >&2
  exit 2
fi

# How many members node 1 sees up (control.cluster), 0 when it does not answer.
members_up() {
  "$opsclaw" send --type control.cluster --dir "$dir/node-1/sockets" 2>/dev/null | grep -o 'status\\":\\"up' | wc -l || true
}

start() {
  for i in 1 2 3; do
    local node="$dir/node-$i"
    if [ -f "$node/pid" ] && kill -0 "$(cat "$node/pid")" 2>/dev/null; then
      echo "cluster.sh: node $i is running already (pid $(cat "$node/pid")); stop it first" >&2
      exit 1
    fi

    mkdir -p "$node"
    "$opsclaw" ipc serve-sockets --dir "$node/sockets" "${config_args[@]}" \
      --cluster-hostname 127.0.0.1 --cluster-port "${ports[$((i - 1))]}" --seed-node "127.0.0.1:${ports[0]}" \
      >"$node/host.log" 2>&1 &
    echo $! >"$node/pid"
  done

  # Each host prints its ready line once its sockets are bound; the cluster forms after that.
  for _ in $(seq 1 300); do
    ready=$(cat "$dir"/node-*/host.log 2>/dev/null | grep -c "^opsclaw ipc ready" || true)
    [ "$ready" -eq 3 ] && [ "$(members_up)" -eq 3 ] && break
    for i in 1 2 3; do
      if ! kill -0 "$(cat "$dir/node-$i/pid")" 2>/dev/null; then
        echo "cluster.sh: node $i exited; its log:" >&2
        cat "$dir/node-$i/host.log" >&2
        exit 1
      fi
    done
    sleep 0.1
  done

  if [ "$(members_up)" -ne 3 ]; then
    echo "cluster.sh: the three nodes did not form a cluster within 30 s; see $dir/node-*/host.log" >&2
    exit 1
  fi

  for i in 1 2 3; do
    echo "node $i: pid $(cat "$dir/node-$i/pid"), sockets $dir/node-$i/sockets, cluster port ${ports[$((i - 1))]}"
  done
  echo "3 members up"
}

stop() {
  local nodes=()
  for i in 1 2 3; do
    local file="$dir/node-$i/pid"
    if [ -f "$file" ] && kill -0 "$(cat "$file")" 2>/dev/null; then
      kill -TERM "$(cat "$file")"
      nodes+=("$i")
    else
      rm -f "$file"
    fi
  done

  # An orderly stop leaves the cluster and drains; bounded at 30 s. A pid file goes only once its
  # process has, so a host that hangs can still be found and killed.
  for _ in $(seq 1 300); do
    alive=0
    for i in "${nodes[@]}"; do
      if kill -0 "$(cat "$dir/node-$i/pid")" 2>/dev/null; then
        alive=1
      fi
    done
    [ "$alive" -eq 0 ] && break
    sleep 0.1
  done

  for i in "${nodes[@]}"; do
    local pid
    pid=$(cat "$dir/node-$i/pid")
    if kill -0 "$pid" 2>/dev/null; then
      echo "cluster.sh: node $i (pid $pid) did not stop within 30 s; kill -9 $pid ends it" >&2
      exit 1
    fi
    rm -f "$dir/node-$i/pid"
  done
  echo "stopped ${#nodes[@]} nodes"
}

case "$command" in
  start) start ;;
  stop) stop ;;
  status) "$opsclaw" send --type control.cluster --dir "$dir/node-1/sockets" ;;
  *)
    echo "usage: bash docs/deploy/cluster.sh start|status|stop [dir]" >&2
    exit 2
    ;;
esac
