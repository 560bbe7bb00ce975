#!/usr/bin/env bash
# Installs the Debian 12 packages ktrdr builds and tests with. Idempotent: it asks apt only for
# what is missing, so a second run costs nothing.
set -euo pipefail

packages=(
  g++ cmake ninja-build git ca-certificates
  libboost-dev rapidjson-dev libyaml-cpp-dev libcli11-dev catch2 libsqlite3-dev
  curl libhowardhinnant-date-dev tzdata
  python3-pandas
  # training: LibTorch (C++), OpenBLAS (linked directly by ktrdr_training_torch, so the
  # libblas.so.3 alternative does not matter), PyTorch for bench/train_mlp.py's baseline
  libtorch-dev libopenblas0-pthread python3-torch
  # fuzzing (preset fuzz): clang 14, its libFuzzer and sanitizer runtimes (libclang_rt.*), and
  # llvm-symbolizer for readable crash stacks
  clang libclang-rt-14-dev llvm
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "installed" ]] || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
