#!/usr/bin/env bash
# Builds Release (the host and the bench), then runs the benchmark and prints the table (progress
# goes to stderr).
#
#   bash bench/run.sh [args]           request/reply: every scenario against opsclaw, raw-json and
#                                      raw-fixed, three repetitions each (about 4 minutes)
#   bash bench/run.sh broker [args]    the broker: opsclaw beside NATS core and Redis pub/sub
#                                      (about 4 minutes; --quick for a smoke run of about 30 s)
#   bash bench/run.sh streams [args]   durable streams: opsclaw on SQLite and on a throwaway
#                                      PostgreSQL beside NATS JetStream (at most about 10 minutes;
#                                      --quick for a smoke run under a minute)
#   bash bench/run.sh cluster [args]   the broker's cluster: a two-node opsclaw cluster on loopback,
#                                      1 → 1 throughput and latency same-node against cross-node
#                                      (about 2 minutes; --quick for a smoke run of about 30 s)
#
# Extra arguments go to the bench, e.g. `bash bench/run.sh --reps 1 --scenarios latency` or
# `bash bench/run.sh broker --scenarios fan-out fan-in`.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS

suite=run
if [ "${1:-}" = broker ] || [ "${1:-}" = streams ] || [ "${1:-}" = cluster ]; then
  suite=$1
  shift
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
echo "== build (Release)" >&2
build_log=$(mktemp)
trap 'rm -f "$build_log"' EXIT
# One build node: the machine is shared, and the host and the bench build in sequence anyway.
if ! dotnet build bench/OpsClaw.Bench/OpsClaw.Bench.csproj -c Release -nologo -m:1 >"$build_log" 2>&1; then
  grep -E "error|warning" "$build_log" | sort -u | head -30 >&2
  echo "build failed" >&2
  exit 1
fi

# Finds a server's executable where Debian puts it (nats-server is in /usr/sbin, not on every PATH).
has() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/bin/$1" ]; }

if [ "$suite" = broker ] || [ "$suite" = streams ]; then
  servers=(redis-server nats-server)
  [ "$suite" = streams ] && servers=(nats-server)
  missing=()
  for server in "${servers[@]}"; do
    has "$server" || missing+=("$server")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    # Both are Debian packages of the same names. The bench starts its own instances in temporary
    # directories and never uses a system-wide service the package may start.
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "== installing ${missing[*]} (apt-get)" >&2
      if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >"$build_log" 2>&1; then
        tail -3 "$build_log" >&2
        echo "could not install ${missing[*]}; the bench skips what is missing" >&2
      fi
    else
      echo "missing: ${missing[*]} (as root: apt-get install -y ${missing[*]}); the bench skips what is missing" >&2
    fi
  fi
fi

if [ "$suite" = broker ]; then
  echo "== broker run (about 4 minutes; --quick: about 30 s)" >&2
  bench/OpsClaw.Bench/bin/Release/net10.0/OpsClaw.Bench broker \
    --opsclaw OpsClaw.Host/bin/Release/net10.0/opsclaw "$@"
elif [ "$suite" = cluster ]; then
  # Needs nothing but opsclaw: the bench starts both nodes on free loopback ports and stops them by pid.
  echo "== cluster run (about 2 minutes; --quick: about 30 s)" >&2
  bench/OpsClaw.Bench/bin/Release/net10.0/OpsClaw.Bench cluster \
    --opsclaw OpsClaw.Host/bin/Release/net10.0/opsclaw "$@"
elif [ "$suite" = streams ]; then
  # PostgreSQL (initdb, pg_ctl) is looked for by the bench itself in /usr/local/bin and
  # /usr/lib/postgresql/*/bin; without it the opsclaw-postgresql column is skipped with a note.
  echo "== streams run (at most about 10 minutes; --quick: under a minute)" >&2
  bench/OpsClaw.Bench/bin/Release/net10.0/OpsClaw.Bench streams \
    --opsclaw OpsClaw.Host/bin/Release/net10.0/opsclaw "$@"
else
  # 10,000 held connections need that many descriptors in the generator and in each server.
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 10100 ]; then
    echo "warning: open-file limit is $(ulimit -n); pass --connections below it or raise it" >&2
  fi

  echo "== run (about 4 minutes)" >&2
  bench/OpsClaw.Bench/bin/Release/net10.0/OpsClaw.Bench run \
    --opsclaw OpsClaw.Host/bin/Release/net10.0/opsclaw "$@"
fi
echo
echo "total run time, build included: $((SECONDS - started)) s"
