#!/usr/bin/env bash
# Sets up and builds lpc, then compiles and runs the bundled example ONNX
# model and prints lpc's output next to ONNX Runtime's.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .deps/venv/bin/python examples/onnx/demo.py
