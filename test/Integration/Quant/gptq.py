"""lpc calibrate + lpc run --quantize=RECIPE --gptq against a numpy GPTQ.

A float MatMul (K = 128 inputs with correlated, unevenly scaled channels,
N = 48 outputs). lpc calibrate writes the Gram matrix X^T X of 4 input sets;
the numpy GPTQ in test/lib/recipes_model.py reads that Gram matrix from the
file and quantizes with the recipe's round-to-nearest scales. lpc's
dequantized weights (the identity input reads them out exactly) must equal
numpy's in >= 99.5 % of places (float64 operation order may flip a few
roundings), and on 2 input sets not used for calibration the layer's output
error ||X W - X W'||^2 must be no larger than with round-to-nearest."""
import json
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from recipes_model import F32, dequantized, gptq  # noqa: E402

LPC = os.environ.get("LPC", "lpc")
WORK = sys.argv[1]
K, N, ROWS = 128, 48, 128
rng = np.random.default_rng(11)
W = (rng.standard_normal((K, N)) * 0.05).astype(F32)
mix = rng.standard_normal((K, K)) * 0.3 + np.eye(K)
chan = np.exp(rng.standard_normal(K))
chan[5] = 0  # an input channel that is never active (a dead column)


def sample():
    return ((rng.standard_normal((ROWS, K)) @ mix) * chan).astype(F32)


os.makedirs(WORK, exist_ok=True)
graph = helper.make_graph(
    [helper.make_node("MatMul", ["x", "W"], ["y"], name="proj")], "gptq",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [ROWS, K])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [ROWS, N])],
    [numpy_helper.from_array(W, "W")])
model = os.path.join(WORK, "float.onnx")
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), model)


def write(path, x):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(numpy_helper.from_array(x, "x").SerializeToString())


cal = [sample() for _ in range(4)]
for s, x in enumerate(cal):
    write(os.path.join(WORK, "cal", "set_%d" % s, "input_0.pb"), x)
held_out = [sample() for _ in range(2)]
stats = os.path.join(WORK, "stats.json")
p = subprocess.run([LPC, "calibrate", model, "--data", os.path.join(WORK, "cal"), "-o", stats],
                   capture_output=True, text=True)
print(p.stderr.strip().splitlines()[-1] if p.returncode == 0 else "calibrate failed: " + p.stderr)
layer = json.load(open(stats))["activations"][0]
gram = np.array(layer["gram"]["values"]).reshape(K, K)
print("stats: layers %s, %d rows, gram %dx%d" % (layer["layers"], layer["gram"]["rows"], *gram.shape))
# The statistics against numpy over the same sets: exact extremes and
# histogram totals, the Gram matrix up to f64 summation order.
xs = np.concatenate(cal).astype(np.float64)
exact = (np.array_equal(layer["min"], xs.min(axis=0)) and np.array_equal(layer["max"], xs.max(axis=0))
         and np.array_equal(layer["absmax"], np.abs(xs).max(axis=0)))
gram_err = np.abs(gram - xs.T @ xs).max() / np.abs(xs.T @ xs).max()
hist = layer["histogram"]
counted = hist["zeros"] + sum(hist["counts"]) == xs.size and hist["zeros"] == int((xs == 0).sum())
print("stats vs numpy: min/max/absmax %s, gram rel err %.1e (%s), histogram %s" % (
    "exact" if exact else "DIFFER", gram_err, "ok" if gram_err < 1e-12 else "DIFFER",
    "ok" if counted else "DIFFER"))

identity = os.path.join(WORK, "identity.pb")
write(identity, np.eye(K, dtype=F32))


def lpc_weights(recipe, *flags):
    out = os.path.join(WORK, recipe + "".join(flags))
    p = subprocess.run([LPC, "run", model, identity, "--quantize=" + recipe, "--calibration", stats,
                        *flags, "--output-dir", out], capture_output=True, text=True)
    if p.returncode:
        print(recipe, "lpc run failed:", p.stderr)
        sys.exit(1)
    return numpy_helper.to_array(onnx.load_tensor(os.path.join(out, "output_0.pb")))


def loss(wq):
    return sum(float(((x.astype(np.float64) @ (W.astype(np.float64) - wq)) ** 2).sum()) for x in held_out)


wt = np.ascontiguousarray(W.T)
for recipe, flags in [("w4g128", ()), ("w4g128", ("--gptq-act-order",)), ("w3g64", ()),
                      ("w2g64", ()), ("ternary", ()), ("nf4", ())]:
    got = lpc_weights(recipe, "--gptq", *flags)
    want = (gptq(recipe, wt, gram, act_order=bool(flags)).T + F32(0)).astype(F32)
    equal = float((got.view(np.uint32) == want.view(np.uint32)).mean())
    rtn = dequantized(recipe, wt).T
    lg, lr = loss(got), loss(rtn)
    print("%s%s: %.2f %% of weights equal numpy's GPTQ (%s); held-out loss GPTQ/RTN %.3f (%s)" % (
        recipe, " act-order" if flags else "", 100 * equal, "ok" if equal >= 0.995 else "TOO FEW",
        lg / lr, "ok" if lg <= lr else "WORSE"))

# --report's SQNR column: the layer output's SQNR on the calibration inputs,
# from the Gram matrix, against numpy's on the inputs themselves.
xc = np.concatenate(cal).astype(np.float64)
for flags, wq in ((("--quantize=w4g128",), dequantized("w4g128", wt).T),
                  (("--quantize=w4g128", "--gptq"), gptq("w4g128", wt, gram).T)):
    report = os.path.join(WORK, "report.json")
    p = subprocess.run([LPC, "compile", model, *flags, "--calibration", stats, "--report=" + report,
                        "-o", os.path.join(WORK, "r.so")], capture_output=True, text=True)
    got = json.load(open(report))["layers"][0]["sqnr_db"] if p.returncode == 0 else float("nan")
    y = xc @ W.astype(np.float64)
    want = 10 * np.log10((y ** 2).sum() / ((y - xc @ wq.astype(np.float64)) ** 2).sum())
    print("report %s: sqnr_db %.3f, numpy %.3f (%s)" % (" ".join(flags), got, want,
          "ok" if abs(got - want) < 1e-6 * abs(want) else "DIFFER"))
