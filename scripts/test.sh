#!/usr/bin/env bash
# Sets up, builds and runs the whole lpc test suite. Extra arguments go to
# lit (e.g. a test path, or --filter). LPC_SLOW_TESTS=0 skips tests marked
# slow. Ends with "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }
BUILD_DIR=${LPC_BUILD_DIR:-build}
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
targets=("$@")
if ((${#targets[@]} == 0)); then targets=("$BUILD_DIR/test"); fi
/usr/lib/llvm-22/bin/lit -sv --time-tests "${targets[@]}" 2>&1 | tee "$LOG"
lit_status=${PIPESTATUS[0]}
/usr/bin/python3 - "$LOG" "$lit_status" <<'PY'
import re, sys
counts = {}
for line in open(sys.argv[1], errors="replace"):
    m = re.match(r"\s+(Passed|Failed|Unsupported|Expectedly Failed|Unexpectedly Passed|Unresolved|Timed Out|Excluded|Skipped)\s*:\s*(\d+)", line)
    if m:
        counts[m.group(1)] = int(m.group(2))
passed = counts.get("Passed", 0)
skipped = counts.get("Unsupported", 0) + counts.get("Expectedly Failed", 0) + counts.get("Skipped", 0) + counts.get("Excluded", 0)
failed = counts.get("Failed", 0) + counts.get("Unexpectedly Passed", 0) + counts.get("Unresolved", 0) + counts.get("Timed Out", 0)
if int(sys.argv[2]) != 0 and failed == 0:
    failed = 1  # lit itself failed (e.g. a config error) without counting it
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
PY
