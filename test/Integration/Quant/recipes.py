"""lpc --quantize=RECIPE against an independent numpy model of every recipe.

One float model: MatMul (weights K x N), Gemm (transB, with bias) and Conv
(F x C x 3 x 3 filters). K = 160 makes the groups of 128 and 64 partial.
For each recipe the numpy model below chooses the scales (and zero points)
the way docs/Quantization.md describes and rounds with numpy (integers) or
lqmodel.py's exact minifloat encoder (E2M1, UE4M3, E8M0): its codes are
written without looking at lpc's.

- Weight-only recipes: the matmul inputs are the identity, so lpc's outputs
  are its dequantized weights (the weight-only lq.matmul sums products with
  0 and 1 exactly): they must equal numpy's bit for bit. The convolution
  runs on random data and is compared with ONNX Runtime running the float
  Conv on numpy's dequantized filters (float reassociation only).
- Recipes with integer activations: random inputs, and the expected value is
  docs/Semantics.md's dynamic_quantize and acc(i32) matmul emulated exactly
  (integer segment sums in int64, the f32 epilogue in order): bit for bit.
"""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
import intdot  # noqa: E402
import ort_run  # noqa: E402
import lqmodel  # noqa: E402
from recipes_model import F32, asymmetric, dequantized, minifloat  # noqa: E402

LPC = os.environ.get("LPC", "lpc")
WORK = sys.argv[1]
K, N, F, C = 160, 24, 8, 40
def dynamic_quantize(x, g, bits):
    """docs/Semantics.md dynamic_quantize over groups of g columns; a partial
    last group is its own group."""
    qmax = F32(2 ** (bits - 1) - 1)
    q, s = np.empty(x.shape, np.int64), []
    for j in range(0, x.shape[1], g):
        blk = x[:, j:j + g]
        a = np.abs(blk).max(axis=1, keepdims=True).astype(F32)
        s.append((a / qmax).astype(F32))
        r = np.where(a == 0, F32(0), (qmax / np.where(a == 0, F32(1), a)).astype(F32)).astype(F32)
        q[:, j:j + g] = np.clip(np.rint((blk * r).astype(F32)), -qmax, qmax)
    return q, np.hstack(s)


def int_matmul(recipe, x, w):
    """The acc(i32) result of x (M x K) by weights w (N x K)."""
    if recipe == "w4a8":
        _, codes, z, sw = asymmetric(w, 128, 4)
        g, abits = 128, 8
    else:
        bits = 8 if recipe == "w8a8" else 4
        qmax = F32(2 ** (bits - 1) - 1)
        a = np.abs(w).max(axis=1, keepdims=True)
        sw = np.where(a == 0, F32(1), (a / qmax).astype(F32)).astype(F32)
        codes = np.clip(np.rint((w / sw).astype(F32)), -qmax - 1, qmax).astype(np.int64)
        z = np.zeros_like(sw, np.int64)
        g, abits = w.shape[1], bits
    qa, sa = dynamic_quantize(x, g, abits)
    y = np.zeros((x.shape[0], w.shape[0]), F32)
    for j, k0 in enumerate(range(0, w.shape[1], g)):
        S = intdot.exact_matmul(qa[:, k0:k0 + g], (codes[:, k0:k0 + g] - z[:, j:j + 1]).T)
        term = ((S.astype(F32) * sa[:, j:j + 1]).astype(F32) * sw[None, :, j]).astype(F32)
        y = (y + term).astype(F32)
    return y


rng = np.random.default_rng(7)
W = (rng.standard_normal((K, N)) * 0.1).astype(F32)
W[:, 3] = 0  # an all-zero output channel
B = (rng.standard_normal((N, K)) * rng.uniform(0.01, 2, (N, 1))).astype(F32)
bias = rng.standard_normal(N).astype(F32)
Wc = (rng.standard_normal((F, C, 3, 3)) * 0.2).astype(F32)
graph = helper.make_graph(
    [helper.make_node("MatMul", ["x", "W"], ["y"], name="mm"),
     helper.make_node("Gemm", ["x", "B", "bias"], ["z"], name="gemm", transB=1),
     helper.make_node("Conv", ["xc", "Wc"], ["c"], name="conv", pads=[1, 1, 1, 1])],
    "recipes",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [K, K]),
     helper.make_tensor_value_info("xc", TensorProto.FLOAT, [1, C, 6, 6])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [K, N]),
     helper.make_tensor_value_info("z", TensorProto.FLOAT, [K, N]),
     helper.make_tensor_value_info("c", TensorProto.FLOAT, [1, F, 6, 6])],
    [numpy_helper.from_array(W, "W"), numpy_helper.from_array(B, "B"),
     numpy_helper.from_array(bias, "bias"), numpy_helper.from_array(Wc, "Wc")])
os.makedirs(WORK, exist_ok=True)
model = os.path.join(WORK, "float.onnx")
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), model)

xc = rng.standard_normal((1, C, 6, 6)).astype(F32)
identity = np.eye(K, dtype=F32)
xr = rng.standard_normal((K, K)).astype(F32)


def run_lpc(recipe, x, *extra):
    out = os.path.join(WORK, recipe)
    os.makedirs(out, exist_ok=True)
    ins = []
    for name, v in (("x", x), ("xc", xc)):
        ins.append(os.path.join(out, name + ".pb"))
        with open(ins[-1], "wb") as f:
            f.write(numpy_helper.from_array(v, name).SerializeToString())
    p = subprocess.run([LPC, "run", model, *ins, "--quantize=" + recipe, *extra, "--output-dir", out],
                       capture_output=True, text=True)
    if p.returncode:
        print(recipe, "lpc run failed:", p.stderr)
        return None
    return [numpy_helper.to_array(onnx.load_tensor(os.path.join(out, "output_%d.pb" % i)))
            for i in range(3)]


def bits_equal(a, b):
    return int((a.view(np.uint32) == b.view(np.uint32)).sum()), a.size


def conv_check(recipe, got, xin=None, weights=None):
    """recipe's convolution output against ONNX Runtime's float Conv of xin
    (default xc) by numpy's dequantized filters (of recipe `weights`)."""
    xin = xc if xin is None else xin
    wq = dequantized(weights or recipe, Wc)
    g2 = helper.make_graph(
        [helper.make_node("Conv", ["xc", "Wq"], ["c"], pads=[1, 1, 1, 1])], "c",
        [helper.make_tensor_value_info("xc", TensorProto.FLOAT, [1, C, 6, 6])],
        [helper.make_tensor_value_info("c", TensorProto.FLOAT, [1, F, 6, 6])],
        [numpy_helper.from_array(wq, "Wq")])
    m2 = os.path.join(WORK, recipe, "conv_ref.onnx")
    onnx.save(helper.make_model(g2, opset_imports=[helper.make_opsetid("", 17)]), m2)
    ref = ort_run.session(m2).run(None, {"xc": xin})[0]
    err = np.abs(got - ref).max() / np.abs(ref).max()
    print("%s conv: max error %s of max |y| (%s)" % (recipe, "%.1e" % err,
          "ok" if err < 1e-5 else "MISMATCH"))


for recipe in ["w4g128", "w3g64", "w2g64", "ternary", "nf4", "mxfp4", "nvfp4"]:
    got = run_lpc(recipe, identity)
    if got is None:
        continue
    # + 0.0: the products sum from +0.0, so a -0.0 weight reads as +0.0.
    wm = (dequantized(recipe, np.ascontiguousarray(W.T)).T + F32(0)).astype(F32)
    wg = dequantized(recipe, B).T
    eq1, n1 = bits_equal(got[0], wm)
    eq2, n2 = bits_equal(got[1], (wg + bias[None, :]).astype(F32))
    print("%s mm: %d/%d weights equal, gemm: %d/%d equal" % (recipe, eq1, n1, eq2, n2))
    conv_check(recipe, got[2])

for recipe in ["w8a8", "w4a8", "w4a4"]:
    got = run_lpc(recipe, xr)
    if got is None:
        continue
    eq1, n1 = bits_equal(got[0], int_matmul(recipe, xr, np.ascontiguousarray(W.T)))
    eq2, n2 = bits_equal(got[1], (int_matmul(recipe, xr, B) + bias[None, :]).astype(F32))
    print("%s mm: %d/%d outputs equal, gemm: %d/%d equal" % (recipe, eq1, n1, eq2, n2))
    conv_check(recipe, got[2])

# fp8: static E4M3FN activation scales max|x| / 448 from lpc calibrate on the
# same inputs; the matmuls of codes by codes (acc f32) against the exact sum
# of the dequantized products, within docs/Semantics.md's reordering bound
# (the gemm reads lpc's own mm output); the convolution against ONNX Runtime
# on the dequantized input and filters.
cal = os.path.join(WORK, "cal", "set_0")
os.makedirs(cal, exist_ok=True)
for i, (name, v) in enumerate((("x", xr), ("xc", xc))):
    with open(os.path.join(cal, "input_%d.pb" % i), "wb") as f:
        f.write(numpy_helper.from_array(v, name).SerializeToString())
e4m3 = lqmodel.e4m3fn()


def static_codes(recipe, x):
    """x quantized per tensor with the static scale max|x| / max code that
    lpc calibrate's statistics give, dequantized."""
    if recipe == "fp8":
        s = F32(np.abs(x).max() / F32(448))
        rows = x.reshape(-1, x.shape[-1])
        return minifloat(e4m3, rows, np.full(rows.shape[0], s, F32)).reshape(x.shape)
    s = F32(np.abs(x).max() / F32(127))
    return (np.clip(np.rint((x / s).astype(F32)), -128, 127).astype(F32) * s).astype(F32)


def within_bound(got, a, w, add=0):
    """gamma(K + 1) * sum |p|, plus the rounding of a bias added after."""
    exact = a.astype(np.float64) @ w.astype(np.float64) + add
    mag = np.abs(a.astype(np.float64)) @ np.abs(w.astype(np.float64))
    bound = (a.shape[1] + 1) * 2.0 ** -24 * mag * 1.01 + 2.0 ** -24 * np.abs(exact)
    return bool(np.all(np.abs(got - exact) <= bound))


for recipe, weights in (("fp8", "fp8"), ("w8a8-static", "w8a8")):
    got = run_lpc(recipe, xr, "--calibration", os.path.join(WORK, "cal"))
    if got is None:
        continue
    wm = dequantized(weights, np.ascontiguousarray(W.T)).T
    wg = dequantized(weights, B).T
    ok1 = within_bound(got[0], static_codes(recipe, xr), wm)
    ok2 = within_bound(got[1], static_codes(recipe, xr), wg, bias[None, :].astype(np.float64))
    print("%s mm: %s, gemm: %s" % (recipe, "within the bound" if ok1 else "OUTSIDE",
                                   "within the bound" if ok2 else "OUTSIDE"))
    conv_check(recipe, got[2], static_codes(recipe, xc), weights)
