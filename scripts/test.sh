#!/usr/bin/env bash
# Every test: installs what is missing, then builds and runs
#   1. the SDK, engine, plugins (without LibTorch) and end-to-end tests under AddressSanitizer
#      + UBSan (preset asan),
#   2. the SDK's tests under ThreadSanitizer (preset tsan),
#   3. the whole suite on the optimised build (preset release), including the example plugin
#      built out of tree against the installed SDK.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

for preset in asan tsan release; do
  echo "== $preset =="
  scripts/build.sh "$preset"
  ctest --preset "$preset" -j "$(nproc)"
done
