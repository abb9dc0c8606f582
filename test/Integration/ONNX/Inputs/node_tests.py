"""Runs ONNX node test cases through `lpc run`: those scripts/setup.sh writes
from the onnx wheel, Debian's libonnx-testdata, or the wheel's PyTorch models.

usage: node_tests.py LPC DATA_DIR LIST SKIP [--jobs N] [--shard I/N]
       node_tests.py LPC DATA_DIR --expect FILE [--jobs N] [--write]

LIST names one test folder per line (DATA_DIR/<name>/model.onnx plus
test_data_set_*/input_*.pb and output_*.pb). SKIP lists folders not run, one
"<name>  # <reason>" per line; every skipped name must be in LIST. Each data
set runs as
  lpc run model.onnx input_0.pb ... --compare-dir test_data_set_K
with ONNX's backend-test tolerances (rtol 1e-3, atol 1e-7) widened to
atol 1e-6 for float32 rounding of near-zero outputs. Prints one line per
failure and a final "node tests: P passed, F failed, S skipped".

With --expect, every case folder of DATA_DIR runs, and FILE records each
one as "<name> pass" or "<name> skip  # <reason>". Any unexplained change
fails: a listed pass that fails, a listed skip that now passes, a case the
file does not list, or a listed case that is gone. --write rewrites FILE
from this run (reasons: the category of the first error, then the error),
keeping the reasons of skips that still fail.
"""
import argparse
import concurrent.futures
import glob
import os
import re
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


def read_expect(path):
    cases = {}
    for line in open(path):
        body, _, reason = line.partition("#")
        fields = body.split()
        if fields and not line.startswith("#"):
            cases[fields[0]] = (fields[1], reason.strip())
    return cases


# Why a case cannot pass, from its first error: the categories a user can
# check (each skip line starts with one).
CATEGORIES = [
    (r"STRING|cannot cast to STRING|String|Regex", "string tensors"),
    (r"Sequence|Optional|holds 0 values|UNDEFINED|SplitToSequence",
     "sequence/optional types"),
    (r"Bernoulli|Random|training_mode", "randomness"),
    (r"opset 0 |preview.training|Adagrad|Adam|Momentum|Gradient",
     "training-only or ai.onnx.ml operators (no default-domain opset)"),
    (r"FLOAT8|FLOAT4|INT4|UINT4|INT2|UINT2|FLOAT8E|f8E|f4E|BFLOAT16|bf16|"
     r"__truncsfbf2|legalize operation", "dtype lpc does not support here"),
    (r"unsupported ONNX operator", "operator lpc does not import yet"),
    (r"mismatches=|MISMATCH", "numeric mismatch (to investigate)"),
]


def categorise(why, name=""):
    if re.search(r"sequence|optional|_opt|_seq", name):
        return "sequence/optional types"
    if re.search(r"INT4|INT2|FLOAT8|FLOAT4|BFLOAT16|bfloat16|_bf16", name):
        return "dtype lpc does not support here"
    for pattern, category in CATEGORIES:
        if re.search(pattern, why):
            return category
    return "not supported yet"


def short(why):
    why = re.sub(r"^.*?model\.onnx: ", "", why)
    why = re.sub(r"^lpc run: error: \S+: ", "", why)
    return " ".join(why.split())[:160]


def run_expect(args):
    names = sorted(n for n in os.listdir(args.data_dir)
                   if os.path.isdir(os.path.join(args.data_dir, n)))
    cases = read_expect(args.expect) if os.path.exists(args.expect) else {}
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(
            lambda t: run_case(args.lpc, args.data_dir, t), names))
    if args.write:
        with open(args.expect, "w") as f:
            f.write(EXPECT_HEADER)
            for name, ok, why in results:
                if ok:
                    f.write("%s pass\n" % name)
                    continue
                old = cases.get(name)
                reason = old[1] if old and old[0] == "skip" and old[1] else \
                    "%s: %s" % (categorise(why, name), short(why))
                f.write("%s skip  # %s\n" % (name, reason))
    passed = skipped = bad = 0
    for name, ok, why in results:
        want = cases.get(name, (None, ""))[0]
        if ok:
            passed += 1
        else:
            skipped += 1
        if args.write:
            continue
        if want is None:
            bad += 1
            print("NEW %s: %s (not in %s)" % (name, "pass" if ok else why,
                                            args.expect))
        elif want == "pass" and not ok:
            bad += 1
            print("FAIL %s: %s" % (name, why))
        elif want == "skip" and ok:
            bad += 1
            print("UNEXPECTED PASS %s: listed as skip, mark it pass" % name)
    for name in sorted(set(cases) - set(names)):
        bad += 1
        print("GONE %s: listed but not in %s" % (name, args.data_dir))
    total = len(results)
    print("node cases: %d of %d pass (%.1f%%), %d skipped with a reason, "
          "%d unexplained" % (passed, total, 100.0 * passed / max(total, 1),
                              skipped, bad))
    return 1 if bad else 0


EXPECT_HEADER = """\
# Every ONNX node test case of one source, as "<name> pass" or
# "<name> skip  # <category>: <first error>". node_tests.py --expect fails on
# any change; after a change that is meant, rerun it with --write (see
# test/Integration/ONNX/node-suite-*.test) and review the diff.
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("lpc")
    ap.add_argument("data_dir")
    ap.add_argument("list", nargs="?")
    ap.add_argument("skip", nargs="?")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--shard", default="0/1")
    ap.add_argument("--expect")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    if args.expect:
        return run_expect(args)
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
