#!/usr/bin/env bash
# Sets up and builds lpc, then compiles and runs the bundled example.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec /usr/bin/python3 examples/demo.py
