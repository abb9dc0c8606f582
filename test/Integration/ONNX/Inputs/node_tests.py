"""Runs ONNX node test cases through `lpc run`: those scripts/setup.sh writes
from the onnx wheel, Debian's libonnx-testdata, or the wheel's PyTorch models.

usage: node_tests.py LPC DATA_DIR LIST SKIP [--jobs N] [--shard I/N]

LIST names one test folder per line (DATA_DIR/<name>/model.onnx plus
test_data_set_*/input_*.pb and output_*.pb). SKIP lists folders not run, one
"<name>  # <reason>" per line; every skipped name must be in LIST. Each data
set runs as
  lpc run model.onnx input_0.pb ... --compare-dir test_data_set_K
with ONNX's backend-test tolerances (rtol 1e-3, atol 1e-7) widened to
atol 1e-6 for float32 rounding of near-zero outputs. Prints one line per
failure and a final "node tests: P passed, F failed, S skipped".
"""
import argparse
import concurrent.futures
import glob
import os
import subprocess
import sys


def read_list(path):
    names = []
    for line in open(path):
        line = line.split("#", 1)[0].strip()
        if line:
            names.append(line)
    return names


def run_case(lpc, data_dir, name):
    folder = os.path.join(data_dir, name)
    model = os.path.join(folder, "model.onnx")
    sets = sorted(glob.glob(os.path.join(folder, "test_data_set_*")))
    if not os.path.exists(model) or not sets:
        return name, False, "missing model or data sets"
    for ds in sets:
        inputs = sorted(glob.glob(os.path.join(ds, "input_*.pb")),
                        key=lambda p: int(p.rsplit("_", 1)[1].split(".")[0]))
        cmd = [lpc, "run", model] + inputs + [
            "--compare-dir", ds, "--rtol", "1e-3", "--atol", "1e-6",
            "--no-parallel"]
        try:
            p = subprocess.run(cmd, capture_output=True, text=True,
                               errors="replace", timeout=300)
        except subprocess.TimeoutExpired:
            return name, False, "timeout"
        except OSError as e:
            return name, False, "cannot run lpc: %s" % e
        if p.returncode != 0:
            msg = (p.stderr.strip() or p.stdout.strip()).splitlines()
            bad = [l for l in p.stdout.splitlines() if "MISMATCH" in l or
                   ("mismatches=" in l and "mismatches=0/" not in l)]
            return name, False, (bad[0] if bad else (msg[0] if msg else
                                 "exit %d" % p.returncode))
    return name, True, ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("lpc")
    ap.add_argument("data_dir")
    ap.add_argument("list")
    ap.add_argument("skip")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--shard", default="0/1")
    args = ap.parse_args()
    names = read_list(args.list)
    skips = read_list(args.skip)
    unknown = [s for s in skips if s not in names]
    if unknown:
        print("skip list names tests not in the list:", " ".join(unknown))
        return 1
    if len(skips) * 20 > len(names):
        print("skip list too long: %d of %d (> 5%%)" % (len(skips), len(names)))
        return 1
    i, n = map(int, args.shard.split("/"))
    todo = [t for k, t in enumerate(names) if k % n == i and t not in skips]
    skipped = sum(1 for k, t in enumerate(names) if k % n == i and t in skips)
    passed = failed = 0
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for name, ok, why in pool.map(
                lambda t: run_case(args.lpc, args.data_dir, t), todo):
            if ok:
                passed += 1
            else:
                failed += 1
                print("FAIL %s: %s" % (name, why))
    print("node tests: %d passed, %d failed, %d skipped" %
          (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
