#!/usr/bin/env bash
# Installs ktrdr from BUILD_DIR to a temporary prefix, builds examples/plugin-template against the
# installed SDK as a third party would (with the project's warnings as errors), runs the
# template's own tests, and runs its job file through the installed `ktrdr`.
# Usage: plugin_template.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
source_dir=$1
build_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The project's warnings (cmake/KtrdrWarnings.cmake).
warnings="-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-missing-field-initializers"

cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
cmake -S "$source_dir/examples/plugin-template" -B "$work/template" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$work/prefix" \
  "-DCMAKE_CXX_FLAGS=$warnings -Werror" >/dev/null
cmake --build "$work/template" >/dev/null
[ -x "$work/template/ktrdr_template_tests" ] ||
  { echo "the template's tests were not built (Catch2 v2 not found?)"; exit 1; }
ctest --test-dir "$work/template" --output-on-failure

out=$(KTRDR_PLUGIN_PATH= "$work/prefix/bin/ktrdr" --plugin-dir "$work/template" \
        run "$source_dir/examples/plugin-template/jobs/example.yaml" --progress plain)
echo "$out"
expected="49,999,981 averages of 20 points over 50,000,000 points, the last 25000094.75"
echo "$out" | grep -q "$expected" || { echo "wrong result"; exit 1; }
