#!/usr/bin/env bash
# Installs what lpc needs on Debian 12 (as root), then configures and builds.
# Idempotent: packages already present are not reinstalled and the build is
# incremental.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools clang-22 lld-22
  clang-format-22 ninja-build cmake ccache
  libonnx-dev libprotobuf-dev protobuf-compiler)
PACKAGES+=(libonnx-testdata libomp-22-dev)
# oneDNN: lpc-bench's peer (bench/OneDNNPeer.cpp).
PACKAGES+=(libdnnl-dev)

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  echo "lpc setup: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The Python environment of the tests, tools and demo: a venv of the machine's
# python3 under the git-ignored .deps/, with the pinned packages of
# scripts/requirements.txt (onnx, onnxruntime, numpy, pytest, qonnx). A stamp
# holding the requirements' checksum makes a second run instant. A failed
# install stops setup (and so the test suite): the oracle tests never skip
# silently.
VENV=.deps/venv
REQS=scripts/requirements.txt
want=$(sha256sum "$REQS" | cut -d' ' -f1)
if [ "$(cat "$VENV/.lpc-stamp" 2>/dev/null)" != "$want" ]; then
  PY=${LPC_PYTHON:-$(command -v python3 || true)}
  if [ -z "$PY" ] || ! "$PY" -c 'import venv, ensurepip' 2>/dev/null; then
    echo "lpc setup: python3 has no venv/ensurepip; installing Debian's python3-venv" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
    PY=/usr/bin/python3
  fi
  echo "lpc setup: creating $VENV from $PY ($("$PY" --version 2>&1)) with $REQS" >&2
  rm -rf "$VENV"
  mkdir -p .deps
  "$PY" -m venv "$VENV"
  if ! "$VENV/bin/python" -m pip install -q --disable-pip-version-check \
      -r "$REQS" >.deps/pip.log 2>&1; then
    echo "lpc setup: error: pip install -r $REQS failed (log: .deps/pip.log):" >&2
    tail -5 .deps/pip.log >&2
    exit 1
  fi
  "$VENV/bin/python" -c 'import onnx, onnxruntime, numpy, pytest, qonnx' || {
    echo "lpc setup: error: the venv cannot import its packages" >&2
    exit 1
  }
  echo "$want" >"$VENV/.lpc-stamp"
fi

# Real exported models for test/Integration/ONNX/real-models.test: the
# rapidocr-onnxruntime wheel ships PaddleOCR's detector, classifier and
# recognizer, the silero-vad wheel Silero VAD, as ONNX files. Pinned, and
# installed without their dependencies: the test reads the model files only
# (silero-vad's dependencies, torch and torchaudio, are gigabytes). A failed
# install stops setup, as above.
MODEL_WHEELS=(rapidocr-onnxruntime==1.4.4 silero-vad==6.2.3)
if [ "$(cat "$VENV/.lpc-model-wheels" 2>/dev/null)" != "${MODEL_WHEELS[*]}" ]; then
  if ! "$VENV/bin/python" -m pip install -q --disable-pip-version-check \
      --no-deps "${MODEL_WHEELS[@]}" >.deps/pip-models.log 2>&1; then
    echo "lpc setup: error: pip install ${MODEL_WHEELS[*]} failed (log: .deps/pip-models.log):" >&2
    tail -5 .deps/pip-models.log >&2
    exit 1
  fi
  echo "${MODEL_WHEELS[*]}" >"$VENV/.lpc-model-wheels"
fi

# ONNX's node test data, written from the installed onnx wheel's test-case
# generators (the wheel ships them as code, not data files).
ONNX_VERSION=$("$VENV/bin/python" -c 'import onnx; print(onnx.__version__)')
NODE_DATA=.deps/onnx-node-data/onnx-$ONNX_VERSION
if [ ! -f "$NODE_DATA/VERSION" ]; then
  "$VENV/bin/python" scripts/onnx_node_data.py "$NODE_DATA" >&2
fi

BUILD_DIR=${LPC_BUILD_DIR:-build}
# ccache keys on relative paths under the checkout, so a fresh clone (CI's)
# reuses the objects another checkout compiled.
export CCACHE_BASEDIR="$PWD"
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  # The compiler lpc is built and tested with: LLVM 22's clang, the one
  # MLIR 22 was built with (CMakeLists.txt takes whatever it is given).
  cmake -G Ninja -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=/usr/bin/clang-22 -DCMAKE_CXX_COMPILER=/usr/bin/clang++-22 \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir >/dev/null
fi
ninja -C "$BUILD_DIR" ${LPC_NINJA_FLAGS:-} | grep -v -e '^\[' -e 'Entering directory' -e 'no work to do' || true
test "${PIPESTATUS[0]}" -eq 0
