#!/usr/bin/env bash
# Installs ktrdr from BUILD_DIR to a temporary prefix, builds examples/primes against the
# installed SDK with find_package(KtrdrSdk), and runs a job with that plugin through the
# installed `ktrdr`. Usage: out_of_tree_plugin.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
source_dir=$1
build_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
cmake -S "$source_dir/examples/primes" -B "$work/primes" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/primes" >/dev/null

ktrdr=("$work/prefix/bin/ktrdr" --plugin-dir "$work/primes")
plugins=$(KTRDR_PLUGIN_PATH= "${ktrdr[@]}" plugins --json)
echo "$plugins" | grep -q "\"path\": \"$work/primes/libktrdr_example.so\"" ||
  { echo "the out-of-tree plugin was not found: $plugins"; exit 1; }
echo "$plugins" | grep -q '"status": "loaded"' || { echo "not loaded: $plugins"; exit 1; }

out=$(KTRDR_PLUGIN_PATH= "${ktrdr[@]}" run "$source_dir/examples/primes/jobs/primes.yaml" \
        --progress plain --set limit=10000000)
echo "$out"
echo "$out" | grep -q "664,579 primes below 10,000,000" || { echo "wrong result"; exit 1; }
