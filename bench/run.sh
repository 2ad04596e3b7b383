#!/usr/bin/env bash
# Builds Release (the host and the bench), then runs every scenario against opsclaw, raw-json and
# raw-fixed in one run, three repetitions each, and prints the table (progress goes to stderr).
# Extra arguments go to the bench, e.g. `bash bench/run.sh --reps 1 --scenarios latency`.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
echo "== build (Release)" >&2
build_log=$(mktemp)
trap 'rm -f "$build_log"' EXIT
if ! dotnet build bench/OpsClaw.Bench/OpsClaw.Bench.csproj -c Release -nologo >"$build_log" 2>&1; then
  grep -E "error|warning" "$build_log" | sort -u | head -30 >&2
  echo "build failed" >&2
  exit 1
fi

# 10,000 held connections need that many descriptors in the generator and in each server.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 10100 ]; then
  echo "warning: open-file limit is $(ulimit -n); pass --connections below it or raise it" >&2
fi

echo "== run (about 4 minutes)" >&2
bench/OpsClaw.Bench/bin/Release/net10.0/OpsClaw.Bench run \
  --opsclaw OpsClaw.Host/bin/Release/net10.0/opsclaw "$@"
echo
echo "total run time, build included: $((SECONDS - started)) s"
