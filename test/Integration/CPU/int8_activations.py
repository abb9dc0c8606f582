"""Weight-only lq.matmuls compiled with --activations=int8: lq-quantize-
activations makes lq.dynamic_quantize + integer lq.matmul acc(i32) of them,
and lpc-cpu-vectorize-matmul's integer kernel (vpdpbusd, vpmaddubsw +
vpmaddwd or widened products, by target) computes them. Random shapes:
int4, uint4 with zero points, int8, uint8 with zero points; scales per
K-group, per row and per tensor; ragged N (tiles of 4 rows plus a
remainder), M from 1 to 5, K not a multiple of the group (padded). Every
result is compared bit for bit with numpy's emulation of docs/Semantics.md:
dynamic quantization in f32, exact integer segment sums (int64), then
(f32(S_j) * sa) * sb summed j ascending in f32. Run with 1 and 2 threads;
prints how many matmuls the kernel took.

usage: int8_activations.py WORKDIR [lpc compile flags...]
"""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
import modelcases  # noqa: E402
import onnxtensors  # noqa: E402

work, flags = sys.argv[1], sys.argv[2:]
os.makedirs(work, exist_ok=True)
rng = np.random.default_rng(412)
F32 = np.float32

FORMATS = {
    # name: lq type, ONNX dtype, code range, integer zero point
    "int4": ("!lq.int<4>", onnx.TensorProto.INT4, (-8, 7), False),
    "uint4": ("!lq.int<4, unsigned>", onnx.TensorProto.UINT4, (0, 15), True),
    "int8": ("!lq.int<8>", onnx.TensorProto.INT8, (-128, 127), False),
    "uint8": ("!lq.int<8, unsigned>", onnx.TensorProto.UINT8, (0, 255), True),
    # 2-bit weights as constants in the model (the others are inputs)
    "int2": ("!lq.int<2>", None, (-2, 1), False),
    "uint2": ("!lq.int<2, unsigned>", None, (0, 3), True),
}
# format, layout (group / "row" / "tensor"), M, N, K
CASES = [
    ("int4", 64, 1, 13, 256), ("int4", 128, 3, 9, 256), ("int4", "row", 2, 4, 128),
    ("int4", "tensor", 1, 7, 192), ("uint4", 64, 5, 11, 192), ("uint4", "row", 1, 6, 128),
    ("int8", 64, 4, 5, 128), ("int8", "tensor", 1, 17, 64), ("uint8", 64, 2, 10, 128),
    ("uint8", "row", 3, 3, 192), ("int4", 256, 1, 21, 512), ("uint4", 64, 1, 1, 64),
    ("int8", 128, 1, 8, 256),
    # K not a multiple of the group: padded with zeros
    ("int4", 64, 2, 5, 200),
    # a group no 512-bit step divides: the reference lowering of acc(i32)
    # there; groups no vector width divides: the reference lowering of
    # lq.dynamic_quantize and of the matmul on every target
    ("int4", 32, 2, 6, 96), ("int4", 20, 2, 5, 80), ("uint8", "row", 1, 3, 36),
    # 2-bit weights (four codes per byte)
    ("int2", 64, 1, 9, 256), ("uint2", 128, 5, 6, 256), ("int2", "row", 2, 5, 128),
    # a batch: blocks of activation rows and a remainder, ragged N
    ("int4", 64, 37, 19, 192), ("uint8", 128, 23, 9, 256),
]


def quantize_rows(x, g):
    """docs/Semantics.md dynamic_quantize over groups of g columns (f32)."""
    m, k = x.shape
    xs = x.reshape(m, k // g, g)
    a = np.abs(xs).max(axis=2).astype(F32)  # NaN if any element is NaN
    s = (a / F32(127)).astype(F32)
    with np.errstate(divide="ignore", over="ignore"):
        r = np.where(a == 0, F32(0), (F32(127) / a).astype(F32)).astype(F32)
    with np.errstate(invalid="ignore"):
        t = (xs * r[:, :, None]).astype(F32)
    t = np.where(np.isnan(t), F32(0), t)
    q = np.clip(np.rint(t), -127, 127).astype(np.int64)
    return q.reshape(m, k), s


def per_segment(v, n, segs):
    """Per-tensor (rank 0), per-row (rank 1) or per-group scales or zero
    points as an n x segs array."""
    v = np.asarray(v)
    return np.broadcast_to(v.reshape((n, -1)) if v.ndim else v, (n, segs))


def weight_zero_point(i, z, zt):
    """Adds case i's weight zero points (or none) as an argument and an input;
    returns the op's rhs_zero_point clause."""
    if z is None:
        return ""
    args.append("%%z%d: %s" % (i, zt))
    inputs.append(onnxtensors.tensor_proto("z%d" % i, onnx.TensorProto.INT8, z))
    return " rhs_zero_point(%%z%d : %s)" % (i, zt)


def accumulate(sums, sa, sb):
    """docs/Semantics.md's acc(i32) result from the exact segment sums
    (int64, M x N each): (f32(S_j) * sa) * sb added j ascending in f32; sa is
    M x segs, sb N x segs."""
    y = np.zeros(sums[0].shape, F32)
    for j, S in enumerate(sums):
        assert np.abs(S).max() < 2 ** 31
        with np.errstate(invalid="ignore"):
            term = ((S.astype(F32) * sa[:, j:j + 1]).astype(F32) * sb[None, :, j]).astype(F32)
        y = (y + term).astype(F32)
    return y


args, body, results, inputs, expected = [], [], [], [], []
for i, (fname, layout, m, n, k) in enumerate(CASES):
    lq, dtype, (lo, hi), has_zp = FORMATS[fname]
    if layout == "tensor":
        sshape, lay, g = (), "<tensor>", None
    elif layout == "row":
        sshape, lay, g = (n,), "<axis = 0>", None
    else:
        sshape, lay, g = (n, -(-k // layout)), "<block = [1, %d]>" % layout, layout
    x = rng.standard_normal((m, k)).astype(F32)
    if i == 1:
        x[1, :128] = 0  # a group of zeros: scale 0, codes 0
    if i == 4:
        x[1, 5] = np.nan  # NaN: the group's scale is NaN, so are the results
        x[2, 64:128] *= F32(1e-39)  # subnormal: qmax / a overflows to +Inf
        x[3, 70] = np.inf  # Inf: scale +Inf, multiplier 0, results NaN
    if i == 15:
        x[0, 20:40] = 0  # a zero group on the reference path
    w = rng.integers(lo, hi + 1, size=(n, k))
    s = (rng.uniform(0.5, 2, size=sshape) * 2.0 ** -6).astype(F32)
    z = rng.integers(lo, min(hi, 127) + 1, size=sshape) if has_zp else None
    st = "tensor<%sf32>" % "".join("%dx" % d for d in sshape)
    zt = "tensor<%si8>" % "".join("%dx" % d for d in sshape)
    xt, wt, yt = "tensor<%dx%dxf32>" % (m, k), "tensor<%dx%dx%s>" % (n, k, lq), "tensor<%dx%dxf32>" % (m, n)
    if dtype is None:
        args += ["%%x%d: %s" % (i, xt), "%%s%d: %s" % (i, st)]
        inputs += [onnxtensors.tensor_proto("x%d" % i, onnx.TensorProto.FLOAT, x),
                   onnxtensors.tensor_proto("s%d" % i, onnx.TensorProto.FLOAT, s)]
        bits = int(lq.split("<")[1].split(">")[0].split(",")[0])
        raw = np.where(w >= 1 << (bits - 1), w - (1 << bits), w)  # two's complement
        it = "tensor<%dx%dxi%d>" % (n, k, bits)
        body.append("  %%wc%d = arith.constant dense<%s> : %s" % (
            i, np.array2string(raw, separator=", ", threshold=10 ** 9).replace("\n", ""), it))
        body.append("  %%w%d = lq.bitcast %%wc%d : %s to %s" % (i, i, it, wt))
    else:
        args += ["%%x%d: %s" % (i, xt), "%%w%d: %s" % (i, wt), "%%s%d: %s" % (i, st)]
        inputs += [onnxtensors.tensor_proto("x%d" % i, onnx.TensorProto.FLOAT, x),
                   onnxtensors.tensor_proto("w%d" % i, dtype, w),
                   onnxtensors.tensor_proto("s%d" % i, onnx.TensorProto.FLOAT, s)]
    zp = weight_zero_point(i, z, zt)
    body.append("  %%y%d = lq.matmul %%x%d, %%w%d scales(%%s%d)%s rhs_layout(%s) rhs_transposed acc(f32) "
                ": %s, %s, %s -> %s" % (i, i, i, i, zp, lay, xt, wt, st, yt))
    results.append(("%%y%d" % i, yt))

    # The emulation: activations per K-group of the weights (per token when
    # the weight scales do not vary along K), K padded to whole groups.
    seg = g if g else k
    kp = -(-k // seg) * seg
    xp = np.zeros((m, kp), F32)
    xp[:, :k] = x
    wp = np.zeros((n, kp), np.int64)
    wp[:, :k] = w
    qa, sa = quantize_rows(xp, seg)
    segs = kp // seg
    sb = per_segment(s, n, segs).astype(F32)
    zb = per_segment(z if z is not None else 0, n, segs).astype(np.int64)
    expected.append(accumulate(
        [qa[:, j * seg:(j + 1) * seg] @ (wp[:, j * seg:(j + 1) * seg] - zb[:, j:j + 1]).T
         for j in range(segs)], sa, sb))

# QDQ's integer matmuls: uint8 activation codes with a per-tensor zero point
# (as lq-fuse-qdq makes them from QuantizeLinear -> DequantizeLinear ->
# MatMul), int8 or uint8 + zero-point weights: M, N, K, weight layout, format.
QDQ = [(3, 7, 128, "row", "int8"), (1, 9, 256, 64, "uint8"), (37, 5, 192, "row", "int8"),
       # K that no byte vector divides, one segment (a 3x3x3 and a 100-wide
       # convolution's im2col): the last step reads past K, masked
       (2, 6, 27, "row", "int8"), (5, 4, 100, "row", "uint8")]
for q, (m, n, k, layout, fname) in enumerate(QDQ):
    i = len(CASES) + q
    lq, dtype, (lo, hi), has_zp = FORMATS[fname]
    g = k if layout == "row" else layout
    sshape = (n,) if layout == "row" else (n, k // g)
    lay = "<axis = 0>" if layout == "row" else "<block = [1, %d]>" % g
    a = rng.integers(0, 256, size=(m, k))
    za = int(rng.integers(0, 256))
    sa = np.float32(rng.uniform(0.5, 2) * 2.0 ** -7)
    w = rng.integers(lo, hi + 1, size=(n, k))
    s = (rng.uniform(0.5, 2, size=sshape) * 2.0 ** -6).astype(F32)
    z = rng.integers(lo, min(hi, 127) + 1, size=sshape) if has_zp else None
    at, ut = "tensor<%dx%dx!lq.int<8, unsigned>>" % (m, k), "tensor<!lq.int<8, unsigned>>"
    st = "tensor<%sf32>" % "".join("%dx" % d for d in sshape)
    zt = "tensor<%si8>" % "".join("%dx" % d for d in sshape)
    wt, yt = "tensor<%dx%dx%s>" % (n, k, lq), "tensor<%dx%dxf32>" % (m, n)
    args += ["%%a%d: %s" % (i, at), "%%sa%d: tensor<f32>" % i, "%%za%d: %s" % (i, ut),
             "%%w%d: %s" % (i, wt), "%%s%d: %s" % (i, st)]
    inputs += [onnxtensors.tensor_proto("a%d" % i, onnx.TensorProto.UINT8, a),
               onnxtensors.tensor_proto("sa%d" % i, onnx.TensorProto.FLOAT, np.array(sa)),
               onnxtensors.tensor_proto("za%d" % i, onnx.TensorProto.UINT8, np.array(za)),
               onnxtensors.tensor_proto("w%d" % i, dtype, w),
               onnxtensors.tensor_proto("s%d" % i, onnx.TensorProto.FLOAT, s)]
    zp = weight_zero_point(i, z, zt)
    body.append("  %%y%d = lq.matmul %%a%d, %%w%d scales(%%sa%d, %%s%d) lhs_zero_point(%%za%d : %s)%s "
                "lhs_layout(<tensor>) rhs_layout(%s) rhs_transposed acc(i32) : %s, %s, tensor<f32>, %s -> %s"
                % (i, i, i, i, i, i, ut, zp, lay, at, wt, st, yt))
    results.append(("%%y%d" % i, yt))
    segs = k // g
    sb = per_segment(s, n, segs).astype(F32)
    zb = per_segment(z if z is not None else 0, n, segs).astype(np.int64)
    expected.append(accumulate(
        [(a[:, j * g:(j + 1) * g] - za) @ (w[:, j * g:(j + 1) * g] - zb[:, j:j + 1]).T
         for j in range(segs)], np.full((m, segs), sa, F32), sb))
CASES = CASES + [("qdq",) + c for c in QDQ]

model, paths = modelcases.write_model(work, args, body, results, inputs)

lib = os.path.join(work, "model.so")
compile_flags = ["--activations=int8"] + flags
subprocess.run(["lpc", "compile", model, "-o", lib] + compile_flags, check=True)
lqir = subprocess.run(["lpc", "compile", model, "--emit=lq", "-o", "-"] + compile_flags,
                      check=True, capture_output=True, text=True).stdout
print("integer matmuls: %d/%d" % (lqir.count("acc(i32)"), len(CASES)))
vec = subprocess.run(["lpc-opt", "-", "--lpc-cpu-entry", "--lpc-cpu-vectorize-matmul"], input=lqir,
                     check=True, capture_output=True, text=True).stdout
print("vectorized: %d/%d matmuls, %d dynamic quantizations left" % (
    len(CASES) - vec.count("lq.matmul"), len(CASES), vec.count("lq.dynamic_quantize")))
for threads in (1, 2):
    out = os.path.join(work, "out%d" % threads)
    subprocess.run(["lpc", "run", lib] + paths + ["--output-dir", out, "--threads", str(threads)],
                   check=True, stdout=subprocess.DEVNULL)
    bad = 0
    for i, want in enumerate(expected):
        got = numpy_helper.to_array(onnx.load_tensor(os.path.join(out, "output_%d.pb" % i)))
        # Bit for bit, NaN matching any NaN.
        same = (got.view(np.uint32) == want.view(np.uint32)) | (np.isnan(got) & np.isnan(want))
        if not same.all():
            bad += 1
            print("  case %d %s: %d of %d results differ (max |diff| %g)" % (
                i, CASES[i], int((~same).sum()), want.size, float(np.nanmax(np.abs(got - want)))))
    print("threads %d: %d cases, %d not bit-identical" % (threads, len(CASES), bad))
