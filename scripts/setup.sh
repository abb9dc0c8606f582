#!/usr/bin/env bash
# Installs what lpc needs on Debian 12 (as root), then configures and builds.
# Idempotent: packages already present are not reinstalled and the build is
# incremental.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools clang-22 lld-22
  clang-format-22 ninja-build cmake ccache python3-numpy python3-onnx
  libonnx-dev libprotobuf-dev protobuf-compiler)
PACKAGES+=(libonnx-testdata libomp-22-dev)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  echo "lpc setup: installing ${missing[*]}" >&2
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# ONNX Runtime 1.30 for the differential tests and the demo, from npm into the
# git-ignored .deps/ (--ignore-scripts: the package ships its CPU binaries).
if command -v npm >/dev/null && [ ! -d .deps/node_modules/onnxruntime-node ]; then
  mkdir -p .deps
  (cd .deps && npm install --ignore-scripts --no-audit --no-fund \
    onnxruntime-node@1.30.0 >/dev/null 2>&1) ||
    echo "lpc setup: npm install onnxruntime-node failed; ORT tests are skipped" >&2
fi

BUILD_DIR=${LPC_BUILD_DIR:-build}
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -G Ninja -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir >/dev/null
fi
ninja -C "$BUILD_DIR" ${LPC_NINJA_FLAGS:-} | grep -v -e '^\[' -e 'Entering directory' -e 'no work to do' || true
test "${PIPESTATUS[0]}" -eq 0
