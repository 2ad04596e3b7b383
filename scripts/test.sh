#!/usr/bin/env bash
# Restores, builds Release (warnings are errors) and runs every test suite, then prints one line
# "N passed, M failed" summed over all suites. Exits non-zero on a build error or any failure.
set -uo pipefail
cd "$(dirname "$0")/.."

log_dir=$(mktemp -d)
trap 'rm -rf "$log_dir"' EXIT
total_passed=0
total_failed=0
total_skipped=0
status=0

echo "== restore and build (Release, warnings are errors)"
if ! dotnet build OpsClaw.sln -c Release -nologo > "$log_dir/build.log" 2>&1; then
  grep -E "error|warning" "$log_dir/build.log" | sort -u | head -50
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi
tail -3 "$log_dir/build.log"

echo "== generated contract files match the C# types"
if ! bash scripts/generate-types.sh > "$log_dir/generate.log" 2>&1; then
  cat "$log_dir/generate.log"
  echo "scripts/generate-types.sh failed"
  total_failed=$((total_failed + 1))
  status=1
elif ! git diff --exit-code --quiet -- docs/schema packages/sdk/src/generated \
  || [ -n "$(git ls-files --others --exclude-standard -- docs/schema packages/sdk/src/generated)" ]; then
  echo "these generated files differ from a fresh 'bash scripts/generate-types.sh' (run it and commit the result):"
  git diff --name-only -- docs/schema packages/sdk/src/generated
  git ls-files --others --exclude-standard -- docs/schema packages/sdk/src/generated
  git diff --stat -- docs/schema packages/sdk/src/generated
  total_failed=$((total_failed + 1))
  status=1
else
  echo "up to date"
fi

echo "== deploy recipe (scripts/test-deploy.sh: docs/deploy/install.sh into a temporary DESTDIR)"
if bash scripts/test-deploy.sh > "$log_dir/deploy.log" 2>&1; then
  grep -E "^(skipped|verify:|→)" "$log_dir/deploy.log" || true
  tail -1 "$log_dir/deploy.log"
  total_passed=$((total_passed + 1))
else
  cat "$log_dir/deploy.log"
  total_failed=$((total_failed + 1))
  status=1
fi

echo "== dotnet tests"
dotnet test OpsClaw.sln -c Release --no-build -nologo 2>&1 | tee "$log_dir/dotnet-test.log"
dotnet_status=${PIPESTATUS[0]}
summary=$(grep -E "^(Passed|Failed)!" "$log_dir/dotnet-test.log" || true)
if [ -z "$summary" ]; then
  echo "dotnet test printed no summary (exit $dotnet_status)"
  total_failed=$((total_failed + 1))
  status=1
else
  while read -r line; do
    passed=$(sed -E 's/.*Passed: *([0-9]+).*/\1/' <<<"$line")
    failed=$(sed -E 's/.*Failed: *([0-9]+),.*/\1/' <<<"$line")
    skipped=$(sed -E 's/.*Skipped: *([0-9]+),.*/\1/' <<<"$line")
    total_skipped=$((total_skipped + skipped))
    total_passed=$((total_passed + passed))
    total_failed=$((total_failed + failed))
  done <<<"$summary"
fi
[ "$dotnet_status" -eq 0 ] || status=1

if [ -f packages/sdk/package.json ]; then
  echo "== SDK tests"
  sdk_log="$log_dir/sdk-test.log"
  (cd packages/sdk && npm ci --no-audit --no-fund && npm test) 2>&1 | tee "$sdk_log"
  sdk_status=${PIPESTATUS[0]}
  sdk_passed=$(grep -E "^# pass [0-9]+" "$sdk_log" | tail -1 | awk '{print $3}')
  sdk_failed=$(grep -E "^# fail [0-9]+" "$sdk_log" | tail -1 | awk '{print $3}')
  sdk_skipped=$(grep -E "^# skipped [0-9]+" "$sdk_log" | tail -1 | awk '{print $3}')
  total_skipped=$((total_skipped + ${sdk_skipped:-0}))
  # node --test reports the tests of a suite whose before hook failed (e.g. the host did not start) as cancelled.
  sdk_cancelled=$(grep -E "^# cancelled [0-9]+" "$sdk_log" | tail -1 | awk '{print $3}')
  sdk_failed=$((${sdk_failed:-0} + ${sdk_cancelled:-0}))
  total_passed=$((total_passed + ${sdk_passed:-0}))
  total_failed=$((total_failed + ${sdk_failed:-0}))
  if [ "$sdk_status" -ne 0 ]; then
    status=1
    [ "${sdk_failed:-0}" -gt 0 ] || total_failed=$((total_failed + 1))
  fi
fi

[ "$total_failed" -eq 0 ] || status=1
if [ "$status" -ne 0 ]; then
  # CI keeps only the tail of this output: name what failed right before the summary line.
  echo "== what failed"
  grep -E "^ +Failed [A-Za-z]" "$log_dir/dotnet-test.log" 2>/dev/null | sed -E 's/^ +//' | head -40 || true
  grep -E "^ *not ok " "${sdk_log:-/dev/null}" 2>/dev/null | head -40 || true
fi
if [ "$total_skipped" -gt 0 ]; then
  # Specs skip only for a missing precondition (e.g. not root); they say which in the output above.
  echo "$total_skipped skipped (not counted as passed; the reasons are printed above)"
fi
echo "$total_passed passed, $total_failed failed"
exit $status
