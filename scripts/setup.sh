#!/usr/bin/env bash
# Installs every Debian package pixforge needs (now and for the later stages: SystemC, Verilator,
# LibTorch, Yosys, OpenSTA, Open MPI, ...), then configures and builds into build/. Idempotent: when all
# packages are present it only rebuilds what changed. Run as root on Debian 12.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git clang-format
  libsystemc-dev verilator iverilog
  libeigen3-dev libhdf5-dev zlib1g-dev libboost-test-dev
  libtorch-dev
  yosys berkeley-abc opensta qflow-tech-osu018
  libtomlplusplus-dev libcli11-dev libfmt-dev nlohmann-json3-dev libpagmo-dev
  openmpi-bin libopenmpi-dev openssh-client
  python3 python3-h5py python3-numpy python3-matplotlib python3-scipy python3-optuna
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${#missing[@]} missing packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: all ${#PACKAGES[@]} packages present"
fi

# ccache keys include the path; a base dir lets fresh clones hit the cache.
export CCACHE_BASEDIR="$PWD"
BUILD_TYPE="${BUILD_TYPE:-Release}"
if [ ! -f build/build.ninja ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE" >/dev/null
fi
cmake --build build --parallel "$(nproc)"
echo "setup: built build/bin/pixforge"
