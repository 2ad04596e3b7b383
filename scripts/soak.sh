#!/usr/bin/env bash
# Soak test: N minutes (default 2) of mixed load on a real host, reporting RSS, open fds and
# control.status over time; fails on a wrong or lost reply, on RSS growth, or on leaked fds.
# The host is the sample host (samples/OpsClaw.Samples: OpsClaw embedded as an application embeds
# it, with the echo channel of docs/extending.md beside runtime and control), for its echo clients.
#   bash scripts/soak.sh [minutes]
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-2}

dotnet build samples/OpsClaw.Samples/OpsClaw.Samples.csproj -c Release -nologo -v quiet > /dev/null
(cd packages/sdk && { [ -d node_modules ] || npm ci --no-audit --no-fund > /dev/null; } && npx tsc -p tsconfig.json)

work=$(mktemp -d /tmp/oc-soak-XXXX)
samples/OpsClaw.Samples/bin/Release/net10.0/OpsClaw.Samples "$work/s" > "$work/stdout" 2> "$work/stderr" &
pid=$!
cleanup() {
  kill -TERM "$pid" 2> /dev/null || true
  wait "$pid" 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

for _ in $(seq 1 300); do
  grep -q '^opsclaw ipc ready ' "$work/stdout" && break
  kill -0 "$pid" 2> /dev/null || { cat "$work/stderr"; echo "soak: host exited before it was ready"; exit 1; }
  sleep 0.1
done
grep -q '^opsclaw ipc ready ' "$work/stdout" || { echo "soak: host not ready in 30 s"; exit 1; }

status=0
node scripts/soak.mjs "$work/s" "$pid" "$minutes" || status=$?

kill -TERM "$pid"
if ! wait "$pid"; then
  echo "soak: host did not exit 0 after SIGTERM"; status=1
fi
trap 'rm -rf "$work"' EXIT
exit $status
