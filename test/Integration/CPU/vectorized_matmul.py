"""The weight-only lq.matmul through lpc-cpu-vectorize-matmul's kernels on
random shapes: every format it vectorizes (int4, uint4 and uint8 with zero
points, int8), scales per K-group, per row and per tensor, ragged N (tiles
of 4 rows plus a remainder), M from 1 to 5, one function with every case as
its own inputs and output. Compiled for the target given (the host's, or a
named CPU), run with 1 and 2 threads, and checked against the exact sum of
the f32 terms lhs * deq(rhs) within docs/Semantics.md's bound for reordered
sums (test/lib/fbound.py). Also prints how many cases the pass vectorized,
so a test notices when a case falls back to the reference lowering.

usage: vectorized_matmul.py WORKDIR [lpc compile flags...]
"""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
import fbound  # noqa: E402
import lqmodel  # noqa: E402
import lqops  # noqa: E402
import modelcases  # noqa: E402
import onnxtensors  # noqa: E402

work, flags = sys.argv[1], sys.argv[2:]
os.makedirs(work, exist_ok=True)
rng = np.random.default_rng(2026)

FORMATS = {
    # name: lq type, ONNX dtype, code range, zero point ("int", "float" offset
    # or None), value of a code (None: the integer itself)
    "int4": ("!lq.int<4>", onnx.TensorProto.INT4, (-8, 7), None, None),
    "uint4": ("!lq.int<4, unsigned>", onnx.TensorProto.UINT4, (0, 15), "int", None),
    "int8": ("!lq.int<8>", onnx.TensorProto.INT8, (-128, 127), None, None),
    "uint8": ("!lq.int<8, unsigned>", onnx.TensorProto.UINT8, (0, 255), "int", None),
    "uint4_off": ("!lq.int<4, unsigned>", onnx.TensorProto.UINT4, (0, 15), "float", None),
    "int8_off": ("!lq.int<8>", onnx.TensorProto.INT8, (-128, 127), "float", None),
    # 4-bit codes of other formats: the table path of 512-bit targets only
    "nf4": ("!lq.codebook<nf4>", onnx.TensorProto.UINT4, (0, 15), None,
            lambda c: np.float32(lqops.NF4[c])),
    "e2m1": ("!lq.float<e2m1>", onnx.TensorProto.UINT4, (0, 15), "float",
             lambda c: np.float32(lqmodel.decode_f32(lqmodel.e2m1(), int(c)))),
    # FP8 codes: decoded in registers on every target
    "e4m3fn": ("!lq.float<e4m3fn>", onnx.TensorProto.UINT8, (0, 255), None,
               lambda c: np.float32(lqmodel.decode_f32(lqmodel.e4m3fn(), int(c)))),
    "e5m2": ("!lq.float<e5m2>", onnx.TensorProto.UINT8, (0, 255), "float",
             lambda c: np.float32(lqmodel.decode_f32(lqmodel.e5m2(), int(c)))),
}
# Codes left out of the random weights (NaN and Inf would make most sums
# non-finite): replaced by the code of 1.0.
SPECIAL = {
    "e4m3fn": (lambda c: (c & 0x7F) == 0x7F, 0x38),
    "e5m2": (lambda c: (c & 0x7C) == 0x7C, 0x3C),
}
# format, layout (group / "row" / "tensor"), M, N, K
CASES = [
    ("int4", 32, 1, 13, 128), ("int4", 128, 3, 9, 256), ("int4", "row", 2, 4, 64),
    ("int4", "tensor", 1, 7, 96), ("uint4", 64, 5, 11, 192), ("uint4", "row", 1, 6, 128),
    ("int8", 32, 4, 5, 96), ("int8", "tensor", 1, 17, 64), ("uint8", 64, 2, 10, 128),
    ("uint8", "row", 3, 3, 160), ("int4", 256, 1, 21, 512), ("uint4", 32, 1, 1, 32),
    # a group no kernel step divides: the reference lowering, beside the kernels
    ("int4", 24, 2, 5, 96),
    ("uint4_off", 64, 2, 7, 128), ("int8_off", "row", 1, 5, 64),
    ("nf4", 32, 3, 9, 128), ("e2m1", 64, 1, 6, 192),
    ("e4m3fn", 128, 3, 9, 256), ("e4m3fn", "row", 1, 5, 64), ("e5m2", 32, 2, 7, 128),
]


args, body, results, inputs, expected = [], [], [], [], []
for i, (fname, layout, m, n, k) in enumerate(CASES):
    lq, dtype, (lo, hi), zp_kind, value = FORMATS[fname]
    if layout == "tensor":
        sshape, lay, g = (), "<tensor>", k
    elif layout == "row":
        sshape, lay, g = (n,), "<axis = 0>", k
    else:
        sshape, lay, g = (n, k // layout), "<block = [1, %d]>" % layout, layout
    x = rng.standard_normal((m, k)).astype(np.float32)
    w = rng.integers(lo, hi + 1, size=(n, k))
    if fname in SPECIAL:
        is_special, one = SPECIAL[fname]
        w = np.where(is_special(w), one, w)
    s = (rng.uniform(0.5, 2, size=sshape) * 2.0 ** -6).astype(np.float32)
    z = None
    if zp_kind == "int":
        z = rng.integers(lo, min(hi, 127) + 1, size=sshape)
    elif zp_kind == "float":
        z = rng.standard_normal(sshape).astype(np.float32) * np.float32(0.01)
    st = "tensor<%sf32>" % "".join("%dx" % d for d in sshape)
    zt = "tensor<%s%s>" % ("".join("%dx" % d for d in sshape), "f32" if zp_kind == "float" else "i8")
    xt, wt, yt = "tensor<%dx%dxf32>" % (m, k), "tensor<%dx%dx%s>" % (n, k, lq), "tensor<%dx%dxf32>" % (m, n)
    args += ["%%x%d: %s" % (i, xt), "%%w%d: %s" % (i, wt), "%%s%d: %s" % (i, st)]
    inputs += [onnxtensors.tensor_proto("x%d" % i, onnx.TensorProto.FLOAT, x),
               onnxtensors.tensor_proto("w%d" % i, dtype, w),
               onnxtensors.tensor_proto("s%d" % i, onnx.TensorProto.FLOAT, s)]
    zp = ""
    if z is not None:
        args.append("%%z%d: %s" % (i, zt))
        inputs.append(onnxtensors.tensor_proto(
            "z%d" % i, onnx.TensorProto.FLOAT if zp_kind == "float" else onnx.TensorProto.INT8, z))
        zp = " rhs_zero_point(%%z%d : %s)" % (i, zt)
    body.append("  %%y%d = lq.matmul %%x%d, %%w%d scales(%%s%d)%s rhs_layout(%s) rhs_transposed acc(f32) "
                ": %s, %s, %s -> %s" % (i, i, i, i, zp, lay, xt, wt, st, yt))
    results.append(("%%y%d" % i, yt))
    # deq(rhs)[n, k] exactly as the reference: f32(code - zp) * scale with
    # integer zero points, value(code) * scale (+ offset) otherwise.
    def per_element(v):
        return np.broadcast_to(np.repeat(np.reshape(v, (n, -1)), g, axis=1) if sshape else v, (n, k))
    sf = per_element(s).astype(np.float32)
    vals = w.astype(np.float32) if value is None else np.vectorize(value, otypes=[np.float32])(w)
    if zp_kind == "int":
        deq = ((w - per_element(z)).astype(np.float32) * sf).astype(np.float32)
    else:
        deq = (vals * sf).astype(np.float32)
        if zp_kind == "float":
            deq = (deq + per_element(z).astype(np.float32)).astype(np.float32)
    expected.append(x.astype(np.float64)[:, None, :] * deq.astype(np.float64)[None, :, :])

model, paths = modelcases.write_model(work, args, body, results, inputs)

lib = os.path.join(work, "model.so")
subprocess.run(["lpc", "compile", model, "-o", lib] + flags, check=True)
target = subprocess.run(["lpc", "compile", model, "--emit=lq", "-o", "-"] + flags,
                        check=True, capture_output=True, text=True).stdout
vec = subprocess.run(["lpc-opt", "-", "--lpc-cpu-entry", "--lpc-cpu-vectorize-matmul"], input=target,
                     check=True, capture_output=True, text=True).stdout
print("vectorized: %d/%d matmuls" % (len(CASES) - vec.count("lq.matmul"), len(CASES)))
for threads in (1, 2):
    out = os.path.join(work, "out%d" % threads)
    subprocess.run(["lpc", "run", lib] + paths + ["--output-dir", out, "--threads", str(threads)],
                   check=True, stdout=subprocess.DEVNULL)
    bad = 0
    for i, terms in enumerate(expected):
        got = numpy_helper.to_array(onnx.load_tensor(os.path.join(out, "output_%d.pb" % i)))
        if not fbound.within(got, terms).all():
            bad += 1
            print("  case %d %s: outside the bound" % (i, CASES[i]))
    print("threads %d: %d cases, %d outside the f32 bound" % (threads, len(CASES), bad))
