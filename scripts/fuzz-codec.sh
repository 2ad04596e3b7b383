#!/usr/bin/env bash
# Coverage-guided fuzzing of the NDJSON codec alone (LineFramer + IpcCodec) with AFL++ and SharpFuzz.
#
#   scripts/fuzz-codec.sh [minutes] [--keep-corpus]
#
# minutes        how long afl-fuzz mutates, after its calibration of the seeds (default 5)
# --keep-corpus  copy the smallest new-coverage inputs AFL found into fuzz/corpus (at most
#                OPSCLAW_FUZZ_KEEP, default 20), so the next run starts from there
#
# Installs afl++ (apt) and the sharpfuzz tool if missing, builds fuzz/OpsClaw.Fuzz Release,
# instruments a copy of OpsClaw.Actors.dll and runs afl-fuzz on fuzz/corpus. Prints AFL's figures;
# exits 1 if any input crashed the harness, after copying those inputs to fuzz/crashes/ and
# replaying each one to show its stack trace. Not part of CI: it needs minutes of a core.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

minutes=5
keep_corpus=false
for arg in "$@"; do
  case "$arg" in
    --keep-corpus) keep_corpus=true ;;
    ''|*[!0-9]*) echo "usage: $0 [minutes] [--keep-corpus]" >&2; exit 2 ;;
    *) minutes=$arg ;;
  esac
done
[ "$minutes" -ge 1 ] || { echo "minutes must be at least 1" >&2; exit 2; }
seconds=$((minutes * 60))

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# The version the package mirror serves; the harness's SharpFuzz library is the same release.
sharpfuzz_version=2.3.0
tool_dir=${OPSCLAW_FUZZ_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/opsclaw-fuzz/tools}

if ! command -v afl-fuzz >/dev/null 2>&1; then
  echo "== installing afl++"
  apt-get update -q && apt-get install -y -q afl++
fi
if [ ! -x "$tool_dir/sharpfuzz" ]; then
  echo "== installing SharpFuzz.CommandLine $sharpfuzz_version into $tool_dir"
  dotnet tool install --tool-path "$tool_dir" SharpFuzz.CommandLine --version "$sharpfuzz_version"
fi

echo "== building the harness (Release)"
dotnet build fuzz/OpsClaw.Fuzz/OpsClaw.Fuzz.csproj -c Release -nologo -v quiet
build_out=fuzz/OpsClaw.Fuzz/bin/Release/net10.0

work=$(mktemp -d -t opsclaw-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
# Instrument a copy: the build output stays clean for the replay below, and an incremental build
# never sees an already-instrumented assembly (sharpfuzz refuses to instrument twice).
cp -r "$build_out" "$work/harness"
echo "== instrumenting OpsClaw.Actors.dll (namespace OpsClaw.Actors.Protocol)"
"$tool_dir/sharpfuzz" "$work/harness/OpsClaw.Actors.dll" OpsClaw.Actors.Protocol

findings="$work/findings"
echo "== afl-fuzz for $minutes min on $(find fuzz/corpus -type f | wc -l) seeds"
# In a container: no CPU governor to read, core dumps may go elsewhere, no core to pin to (the
# cores are shared), `dotnet` itself carries no AFL instrumentation (the DLL does), and no curses UI.
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 \
  AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_FAST_CAL=1
# -V bounds the mutation time; timeout bounds the whole, calibration included, should AFL hang.
afl_status=0
timeout --kill-after=30 $((seconds + 600)) \
  afl-fuzz -i fuzz/corpus -o "$findings" -t 10000 -m none -V "$seconds" \
  -- dotnet "$work/harness/OpsClaw.Fuzz.dll" > "$work/afl.log" 2>&1 || afl_status=$?

stats="$findings/default/fuzzer_stats"
if [ ! -f "$stats" ]; then
  echo "afl-fuzz produced no statistics (exit $afl_status); its last lines:"
  tail -30 "$work/afl.log"
  exit 1
fi

afl_stat() { awk -F' *: *' -v key="$1" '$1 == key { print $2 }' "$stats"; }
run_time=$(afl_stat run_time)
execs=$(afl_stat execs_done)
# AFL++ 4 says corpus_count and saved_crashes; older releases paths_total and unique_crashes.
corpus=$(afl_stat corpus_count); corpus=${corpus:-$(afl_stat paths_total)}
crashes=$(afl_stat saved_crashes); crashes=${crashes:-$(afl_stat unique_crashes)}
hangs=$(afl_stat saved_hangs); hangs=${hangs:-$(afl_stat unique_hangs)}
echo "== AFL summary"
echo "run time:       ${run_time}s"
echo "execs done:     $execs"
echo "execs/s:        $(( ${run_time:-0} > 0 ? execs / run_time : 0 )) (AFL's last reading: $(afl_stat execs_per_sec))"
echo "corpus entries: $corpus (from $(find fuzz/corpus -type f | wc -l) seeds)"
echo "edges found:    $(afl_stat edges_found) ($(afl_stat bitmap_cvg))"
echo "crashes:        ${crashes:-0}"
echo "hangs:          ${hangs:-0}"

if $keep_corpus; then
  keep=${OPSCLAW_FUZZ_KEEP:-20}
  # Only entries that reached new edges (+cov), smallest first: the cheapest seeds that still
  # carry the coverage. Named by content hash, so running this twice adds nothing twice.
  added=0
  while IFS= read -r entry; do
    name="afl-$(sha1sum "$entry" | cut -c1-12)"
    if [ ! -e "fuzz/corpus/$name" ]; then
      cp "$entry" "fuzz/corpus/$name"
      added=$((added + 1))
    fi
  done < <(find "$findings/default/queue" -maxdepth 1 -type f -name 'id:*+cov*' -printf '%s %p\n' \
    | sort -n | head -n "$keep" | cut -d' ' -f2-)
  echo "kept $added new inputs in fuzz/corpus"
fi

if [ "${crashes:-0}" -gt 0 ]; then
  mkdir -p fuzz/crashes
  cp "$findings"/default/crashes/id:* fuzz/crashes/
  echo "== $crashes crashing input(s) copied to fuzz/crashes/; replaying the first few on the uninstrumented build"
  find "$findings/default/crashes" -name 'id:*' | sort | head -n 5 | while IFS= read -r input; do
    echo "-- $(basename "$input") ($(wc -c < "$input") bytes, first 200 shown with cat -v):"
    head -c 200 "$input" | cat -v; echo
    # In a child shell, so the harness's abort is reported there and not as noise from this one.
    bash -c 'dotnet "$1" < "$2" 2>&1' _ "$repo/$build_out/OpsClaw.Fuzz.dll" "$input" | head -n 25 || true
  done
  exit 1
fi
[ "$afl_status" -eq 0 ] || { echo "afl-fuzz exited $afl_status; its last lines:"; tail -30 "$work/afl.log"; exit 1; }
echo "no crashes"
