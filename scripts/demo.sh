#!/usr/bin/env bash
# The quick-start demo: installs what is missing, builds ktrdr, and runs the demo job file.
# Extra arguments go to `ktrdr run` (e.g. --progress json).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh release
exec build/release/bin/ktrdr run configs/jobs/demo.yaml "$@"
