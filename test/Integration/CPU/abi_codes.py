"""lq codes as model inputs: a weight-only lq.matmul whose int4 / uint4 / int8
/ int2 / uint2 weights, group scales and zero points are function arguments,
compiled by `lpc compile` and run by `lpc run` on ONNX INT4/UINT4/INT8/INT2/
UINT2 tensor files.
Values are chosen so every product and sum is exact in f32 (small integers,
power-of-two scales): the result must equal numpy's float64 bit for bit.

usage: abi_codes.py WORKDIR
"""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
import onnxtensors  # noqa: E402

work = sys.argv[1]
os.makedirs(work, exist_ok=True)
rng = np.random.default_rng(7)

CASES = [
    # name, lq format, onnx dtype, code range, zero point?, M, K, N, group
    ("int4", "!lq.int<4>", onnx.TensorProto.INT4, (-8, 7), False, 1, 96, 5, 32),
    ("uint4_zp", "!lq.int<4, unsigned>", onnx.TensorProto.UINT4, (0, 15), True, 3, 64, 7, 16),
    ("int8", "!lq.int<8>", onnx.TensorProto.INT8, (-128, 127), False, 2, 40, 3, 8),
    ("int2", "!lq.int<2>", onnx.TensorProto.INT2, (-2, 1), False, 2, 64, 3, 16),
    ("uint2_zp", "!lq.int<2, unsigned>", onnx.TensorProto.UINT2, (0, 3), True, 1, 32, 5, 8),
]


def tensor(path, name, dtype, values):
    open(path, "wb").write(onnxtensors.tensor_proto(name, dtype, values).SerializeToString())


failures = 0
for name, fmt, dtype, (lo, hi), with_zp, m, k, n, g in CASES:
    groups = k // g
    x = rng.integers(-4, 5, size=(m, k)).astype(np.float32)
    w = rng.integers(lo, hi + 1, size=(k, n))
    s = (2.0 ** rng.integers(-3, 2, size=(groups, n))).astype(np.float32)
    zp = rng.integers(lo, hi + 1, size=(groups, n)) if with_zp else None
    args = ["%%x: tensor<%dx%dxf32>" % (m, k), "%%w: tensor<%dx%dx%s>" % (k, n, fmt),
            "%%s: tensor<%dx%dxf32>" % (groups, n)]
    zp_clause = ""
    if with_zp:
        args.append("%%z: tensor<%dx%dxi8>" % (groups, n))
        zp_clause = " rhs_zero_point(%%z : tensor<%dx%dxi8>)" % (groups, n)
    mlir = """func.func @main_graph(%s) -> tensor<%dx%dxf32> {
  %%y = lq.matmul %%x, %%w scales(%%s)%s rhs_layout(<block = [%d, 1]>) acc(f32) : tensor<%dx%dxf32>, tensor<%dx%dx%s>, tensor<%dx%dxf32> -> tensor<%dx%dxf32>
  return %%y : tensor<%dx%dxf32>
}
""" % (", ".join(args), m, n, zp_clause, g, m, k, k, n, fmt, groups, n, m, n, m, n)
    d = os.path.join(work, name)
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, "model.mlir"), "w").write(mlir)
    tensor(os.path.join(d, "x.pb"), "input_0", onnx.TensorProto.FLOAT, x)
    tensor(os.path.join(d, "w.pb"), "input_1", dtype, w)
    tensor(os.path.join(d, "s.pb"), "input_2", onnx.TensorProto.FLOAT, s)
    inputs = [os.path.join(d, f) for f in ("x.pb", "w.pb", "s.pb")]
    if with_zp:
        tensor(os.path.join(d, "z.pb"), "input_3", onnx.TensorProto.INT8, zp)
        inputs.append(os.path.join(d, "z.pb"))
    lib = os.path.join(d, "model.so")
    subprocess.run(["lpc", "compile", os.path.join(d, "model.mlir"), "-o", lib], check=True)
    subprocess.run(["lpc", "run", lib] + inputs + ["--output-dir", os.path.join(d, "out")],
                   check=True, stdout=subprocess.DEVNULL)
    got = numpy_helper.to_array(onnx.load_tensor(os.path.join(d, "out", "output_0.pb")))
    wd = w - (np.repeat(zp, g, axis=0) if with_zp else 0)
    want = x.astype(np.float64) @ (wd * np.repeat(s, g, axis=0)).astype(np.float64)
    ok = got.shape == want.shape and np.array_equal(got.astype(np.float64), want)
    failures += not ok
    print("%s: %dx%d @ %dx%d group %d: %s" % (name, m, k, k, n, g, "exact" if ok else "MISMATCH"))
    if not ok:
        print("  got ", got.reshape(-1)[:8].tolist(), "\n  want", want.reshape(-1)[:8].tolist())
print("abi codes: %d cases, %d mismatches" % (len(CASES), failures))
sys.exit(1 if failures else 0)
