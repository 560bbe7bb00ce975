#!/usr/bin/env bash
# Every test: installs what is missing, then builds and runs
#   1. the SDK, engine, plugins (without LibTorch) and end-to-end tests under AddressSanitizer
#      + UBSan (preset asan),
#   2. the SDK's tests under ThreadSanitizer (preset tsan),
#   3. the whole suite on the optimised build (preset release), including the example plugin
#      built out of tree against the installed SDK,
#   4. the fuzz targets (preset fuzz: clang, libFuzzer, ASan + UBSan): their regression and seed
#      inputs replayed, then each target fuzzed for 20,000 inputs from a fixed seed, the same
#      on every machine (docs/fuzzing.md).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

for preset in asan tsan release fuzz; do
  echo "== $preset =="
  scripts/build.sh "$preset"
  ctest --preset "$preset" -j "$(nproc)"
done
KTRDR_FUZZ_RUNS=${KTRDR_FUZZ_RUNS:-20000} tests/fuzz/run_fuzzers.sh
