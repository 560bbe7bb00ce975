#!/usr/bin/env bash
# Fuzzes the targets of tests/fuzz for a bounded time each, from the fuzz preset's build
# (scripts/build.sh fuzz first). Usage: tests/fuzz/run_fuzzers.sh [target…] (all by default).
#   KTRDR_FUZZ_SECONDS  seconds per target (default 30)
#   KTRDR_FUZZ_RUNS     inputs per target instead of a time: with the fixed seed, a run that is
#                       the same on every machine (what CI uses, so CI never fails on a random
#                       find; fuzz longer by time to find more)
#   KTRDR_FUZZ_SEED     libFuzzer's seed (default 1)
#   KTRDR_FUZZ_JOBS     targets run at once (default: the number of cores)
# Each target starts from a copy of its seed corpus and regression inputs in a temp dir, so the
# repository is not modified. A crash, leak, hang (an input running over 10 s) or memory blow-up
# (over 2 GiB) fails the script; the input that caused it is kept in build/fuzz/artifacts/<target>/
# and its path printed. Logs: build/fuzz/fuzz-logs/<target>.log.
set -euo pipefail
cd "$(dirname "$0")/../.."

# Each target and the longest input it is given: a few times its largest seed.
declare -A max_len=(
  [job_file]=8192
  [strategy]=8192
  [csv_bars]=16384
  [json]=8192
  [http_request]=8192
  [ndjson_stream]=16384
  [tws_frames]=8192
)

seconds=${KTRDR_FUZZ_SECONDS:-30}
if [[ -n ${KTRDR_FUZZ_RUNS:-} ]]; then
  bound=(-runs="$KTRDR_FUZZ_RUNS")
  budget="$KTRDR_FUZZ_RUNS runs"
else
  bound=(-max_total_time="$seconds")
  budget="${seconds} s"
fi
parallel=${KTRDR_FUZZ_JOBS:-$(nproc)}
build=build/fuzz
targets=("$@")
((${#targets[@]})) || mapfile -t targets < <(printf '%s\n' "${!max_len[@]}" | sort)

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$build/artifacts" "$build/fuzz-logs"

# Runs one target and reports how it went; leaves $scratch/<target>.failed when it fails.
fuzz_one() {
  local name=$1
  local corpus=$scratch/corpus/$name artifacts=$build/artifacts/$name log=$build/fuzz-logs/$name.log
  mkdir -p "$corpus" "$artifacts"
  for dir in tests/fuzz/corpus/$name tests/fuzz/regressions/$name; do
    if [[ -d $dir ]]; then cp -r "$dir"/. "$corpus"/; fi
  done
  chmod -R u+w "$corpus"
  if UBSAN_OPTIONS=print_stacktrace=1 "$build/bin/fuzz_$name" "$corpus" \
       "${bound[@]}" -seed="${KTRDR_FUZZ_SEED:-1}" -max_len="${max_len[$name]}" \
       -rss_limit_mb=2048 -timeout=10 \
       -artifact_prefix="$artifacts/" -print_final_stats=1 >"$log" 2>&1; then
    echo "fuzz_$name: ok ($(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$log" |
                              grep -o '[0-9]*$') inputs, budget ${budget})"
  else
    echo "fuzz_$name: FAILED; the end of $log:"
    tail -n 60 "$log"
    grep -h 'Test unit written to' "$log" | sed "s/^.*Test unit written to /fuzz_$name: crashing input: /"
    touch "$scratch/$name.failed"
  fi
}

for name in "${targets[@]}"; do
  if [[ -z ${max_len[$name]:-} ]]; then
    echo "run_fuzzers: unknown target '$name' (known: ${!max_len[*]})" >&2
    exit 2
  fi
  while (($(jobs -rp | wc -l) >= parallel)); do wait -n || true; done
  fuzz_one "$name" >"$scratch/$name.report" 2>&1 &
done
wait
for name in "${targets[@]}"; do cat "$scratch/$name.report"; done

if compgen -G "$scratch/*.failed" >/dev/null; then
  echo "run_fuzzers: a target failed; turn its crashing input into a regression (docs/fuzzing.md)"
  exit 1
fi
