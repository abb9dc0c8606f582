"""Executes the lq ops beyond quantize/dequantize (issue 4 families) through
the reference lowering and compares every value bit for bit with independent
Python models (test/lib/lqmodel.py, test/lib/lqops.py).

usage: lq_ops.py FAMILY
  hadamard     Hadamard of sizes 2^k, 12*2^k, 20*2^k, 28*2^k (also checked against
               a dense float64 product and H H^T = n I)
  requantize   fixed-point and float requantize under every rounding mode
  packing      pack -> unpack round trips, dense / bit-planes / tiles, widths 1-8
  codebook     NF4 quantize/dequantize, per-group SSA lookup tables
  blockscale   MXFP4, NVFP4, NF4 + double quantization and K-quant two-level matmuls
  salient      salient-channel matmul and bit-plane decomposition
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
import lqgen  # noqa: E402
import lqmodel as L  # noqa: E402
import lqops as O  # noqa: E402
import lqrun  # noqa: E402
from lqrun import tensor_type as tt  # noqa: E402

MODES = ["half_even", "half_away", "toward_zero", "floor", "ceil", "away_from_zero", "half_toward_zero"]


def hexes(a):
    return [lqgen.f32_hex(float(v)) for v in np.asarray(a, dtype=np.float32).reshape(-1)]


def ints(a):
    return [str(int(v)) for v in np.asarray(a).reshape(-1)]


def code_ints(codes, w):
    """Codes as signless iW literals."""
    return [str(c - (1 << w) if w > 1 and c >= 1 << (w - 1) else c) for c in np.asarray(codes).reshape(-1)]


class Check(object):
    def __init__(self):
        self.b = lqrun.MainBuilder()
        self.expect = []

    def f32(self, label, value, shape, want):
        self.b.print_f32(label, value, shape)
        self.expect.append((label, "f32", [float(v) for v in np.asarray(want, dtype=object).reshape(-1)]))

    def codes(self, label, value, shape, ty, width, want):
        self.b.print_codes(label, value, shape, ty, width)
        self.expect.append((label, "int", [int(v) for v in np.asarray(want).reshape(-1)]))

    def ints(self, label, value, shape, width, want):
        self.b.print_ints(label, value, shape, width)
        self.expect.append((label, "int", [int(v) for v in np.asarray(want).reshape(-1)]))

    def run(self, family):
        arrays = lqrun.run(self.b.module())
        assert len(arrays) == len(self.expect), (len(arrays), len(self.expect))
        bad = total = 0
        for (label, kind, want), got in zip(self.expect, arrays):
            assert len(got) == len(want), (label, len(got), len(want))
            for i, (g, e) in enumerate(zip(got, want)):
                total += 1
                if kind == "int":
                    ok = g == e
                else:
                    ok = (g & 0xFFFFFFFF) == L.f32_bits(e) if e == e else L.bits_f32(g & 0xFFFFFFFF) != L.bits_f32(g & 0xFFFFFFFF)
                if not ok:
                    bad += 1
                    if bad <= 12:
                        print("MISMATCH %s[%d]: got %r expected %r" % (label, i, g, e))
        print("%s: %d checks, %d values, %d mismatches" % (family, len(self.expect), total, bad))
        return bad


def f32(a):
    return np.asarray(a, dtype=np.float32)


# ------------------------------------------------------------------ families

def hadamard(rng):
    c = Check()
    b = c.b
    independent_bad = 0
    for n in (1, 2, 64, 12, 48, 96, 20, 40, 28, 112):
        H = O.hadamard_matrix(n)
        hh = np.array(H, dtype=np.int64)
        if not (hh @ hh.T == n * np.eye(n, dtype=np.int64)).all():
            independent_bad += 1
            print("H_%d is not a Hadamard matrix" % n)
        x = f32(rng.standard_normal((3, n)))
        xv = b.const_shaped(hexes(x), (3, n), "f32")
        y = b.fresh()
        b.add("%s = lq.hadamard %s : %s" % (y, xv, tt((3, n), "f32")))
        want = [O.hadamard_row(row) for row in x.tolist()]
        dense = x.astype(np.float64) @ hh.T.astype(np.float64) / np.sqrt(n)
        err = np.max(np.abs(np.array(want) - dense))
        if err > 1e-5:
            independent_bad += 1
            print("n=%d: FWHT model differs from the dense product by %g" % (n, err))
        c.f32("hadamard%d" % n, y, (3, n), want)
        # Unnormalized, twice: H H = n I, so the result is n * x (exact here).
        z1, z2 = b.fresh(), b.fresh()
        b.add("%s = lq.hadamard %s {normalize = false} : %s" % (z1, xv, tt((3, n), "f32")))
        b.add("%s = lq.hadamard %s {normalize = false} : %s" % (z2, z1, tt((3, n), "f32")))
        want2 = [O.hadamard_row(O.hadamard_row(row, False), False) for row in x.tolist()]
        c.f32("hadamard%d_twice" % n, z2, (3, n), want2)
    return c.run("hadamard") + independent_bad


def requantize(rng):
    c = Check()
    b = c.b
    acc = rng.integers(-(1 << 20), 1 << 20, size=(4, 16))
    acc[0, :4] = [0, -1, 1, (1 << 20) - 1]
    av = b.const_shaped(ints(acc), (4, 16), "i32")
    mult = rng.integers(1 << 30, (1 << 31) - 1, size=16)
    shift = rng.integers(-2, 13, size=16)
    zy = rng.integers(-5, 6, size=16)
    mv = b.const_shaped(ints(mult), (16,), "i32")
    sv = b.const_shaped(ints(shift), (16,), "i8")
    zv = b.const_shaped(ints(zy), (16,), "i8")
    out = L.IntFormat(8)
    for mode in MODES:
        y = b.fresh()
        b.add("%s = lq.requantize %s, %s shift(%s : tensor<16xi8>) zero_point(%s : tensor<16xi8>) layout <axis = 1> rounding <%s> : tensor<4x16xi32>, tensor<16xi32> -> tensor<4x16x!lq.int<8>>"
              % (y, av, mv, sv, zv, mode))
        want = [[O.requantize_fixed(int(acc[i, j]), int(mult[j]), int(shift[j]), out, 0, int(zy[j]), mode)
                 for j in range(16)] for i in range(4)]
        c.codes("fixed_" + mode, y, (4, 16), "!lq.int<8>", 8, want)
    # Float form, per tensor, input and output zero points, 4-bit unsigned out.
    m = float(np.float32(3.7e-6))
    mv = b.const_shaped(hexes([m]), (), "f32")
    zi = b.const_shaped(["1000"], (), "i32")
    zo = b.const_shaped(["8"], (), "i8")
    out = L.IntFormat(4, False)
    for mode in MODES + ["stochastic"]:
        y = b.fresh()
        b.add("%s = lq.requantize %s, %s input_zero_point(%s : tensor<i32>) zero_point(%s : tensor<i8>) layout <tensor> rounding <%s> {seed = 5 : i64} : tensor<4x16xi32>, tensor<f32> -> tensor<4x16x!lq.int<4, unsigned>>"
              % (y, av, mv, zi, zo, mode))
        want = [[O.requantize_float(int(acc[i, j]), m, out, 1000, 8, mode, 5, i * 16 + j)
                 for j in range(16)] for i in range(4)]
        c.codes("float_" + mode, y, (4, 16), "!lq.int<4, unsigned>", 4, want)
    return c.run("requantize")


def packing(rng):
    c = Check()
    b = c.b
    for w in range(1, 9):
        ty = "!lq.int<%d, unsigned>" % w
        for shape in ((4, 8), (3, 5)):
            codes = rng.integers(0, 1 << w, size=shape)
            cv = b.const_shaped(code_ints(codes, w), shape, "i%d" % w)
            q = b.fresh()
            b.add("%s = lq.bitcast %s : %s to %s" % (q, cv, tt(shape, "i%d" % w), tt(shape, ty)))
            flat = codes.reshape(-1).tolist()
            kinds = [("dense", O.pack_dense(flat, w)), ("bitplanes", O.pack_bitplanes(flat, w))]
            if shape == (4, 8):
                kinds.append(("tiles = [2, 4]", O.pack_tiles(codes.tolist(), w, 2, 4)))
            for kind, want in kinds:
                nbytes = len(want)
                p = b.fresh()
                b.add("%s = lq.pack %s packing <%s> : %s -> tensor<%dxi8>" % (p, q, kind, tt(shape, ty), nbytes))
                c.ints("pack_w%d_%s_%s" % (w, kind, shape), p, (nbytes,), 8, [O.signed_byte(v) for v in want])
                u = b.fresh()
                b.add("%s = lq.unpack %s packing <%s> : tensor<%dxi8> -> %s" % (u, p, kind, nbytes, tt(shape, ty)))
                c.codes("unpack_w%d_%s_%s" % (w, kind, shape), u, shape, ty, w, codes)
    return c.run("packing")


def codebook(rng):
    c = Check()
    b = c.b
    nf4 = O.nf4()
    x = f32(rng.standard_normal((4, 128)))
    x[0, :6] = [0.0, -0.0, np.inf, -np.inf, np.nan, 1e30]
    s = f32(np.nanmax(np.where(np.isfinite(x), np.abs(x), 0).reshape(4, 2, 64), axis=2))
    xv = b.const_shaped(hexes(x), (4, 128), "f32")
    sv = b.const_shaped(hexes(s), (4, 2), "f32")
    q = b.fresh()
    ty = "!lq.codebook<nf4>"
    b.add("%s = lq.quantize %s, %s layout <block = [1, 64]> : tensor<4x128xf32>, tensor<4x2xf32> -> %s" % (q, xv, sv, tt((4, 128), ty)))
    codes = [[O.codebook_encode(nf4, float(x[i, j]), float(s[i, j // 64])) for j in range(128)] for i in range(4)]
    c.codes("nf4_codes", q, (4, 128), ty, 4, codes)
    d = b.fresh()
    b.add("%s = lq.dequantize %s, %s layout <block = [1, 64]> : %s, tensor<4x2xf32> -> tensor<4x128xf32>" % (d, q, sv, tt((4, 128), ty)))
    c.f32("nf4_dequant", d, (4, 128), [[O.codebook_dequant(nf4, codes[i][j], float(s[i, j // 64])) for j in range(128)] for i in range(4)])
    # A learned 3-bit codebook (unsorted) in the type.
    vals = f32(rng.standard_normal(8))
    cb = O.Codebook(3, vals.tolist())
    ty3 = "!lq.codebook<3, [%s]>" % ", ".join(repr(float(v)) for v in vals)
    one = b.const_shaped(hexes([1.0]), (), "f32")
    q3 = b.fresh()
    b.add("%s = lq.quantize %s, %s layout <tensor> : tensor<4x128xf32>, tensor<f32> -> %s" % (q3, xv, one, tt((4, 128), ty3)))
    c.codes("lut3_codes", q3, (4, 128), ty3, 3, [[O.codebook_encode(cb, float(v)) for v in row] for row in x.tolist()])
    # Per-group SSA tables: 4-bit codes, a table per (row, 32 columns).
    codes4 = rng.integers(0, 16, size=(4, 64))
    tables = f32(rng.standard_normal((4, 2, 16)))
    cv = b.const_shaped(code_ints(codes4, 4), (4, 64), "i4")
    qc = b.fresh()
    b.add("%s = lq.bitcast %s : tensor<4x64xi4> to tensor<4x64x!lq.int<4, unsigned>>" % (qc, cv))
    tv = b.const_shaped(hexes(tables), (4, 2, 16), "f32")
    lk = b.fresh()
    b.add("%s = lq.lookup %s, %s layout <block = [1, 32]> : tensor<4x64x!lq.int<4, unsigned>>, tensor<4x2x16xf32> -> tensor<4x64xf32>" % (lk, qc, tv))
    c.f32("lookup", lk, (4, 64), [[float(tables[i, j // 32, codes4[i, j]]) for j in range(64)] for i in range(4)])
    return c.run("codebook")


def matmul_f32(A, B):
    """Sequential f32 sum over k, as linalg.matmul and lq.matmul acc=f32."""
    M, K, N = len(A), len(B), len(B[0])
    return [[_dot(A, B, m, n, K) for n in range(N)] for m in range(M)]


def _dot(A, B, m, n, K):
    s = 0.0
    for k in range(K):
        s = L.f32_add(s, L.f32_mul(A[m][k], B[k][n]))
    return s


def blockscale(rng):
    c = Check()
    b = c.b
    e2m1, e8m0, ue4m3, i8 = (L.fmt_from_name("e2m1"), L.fmt_from_name("e8m0"),
                             L.fmt_from_name("ue4m3"), L.IntFormat(8))
    M, K, N = 4, 64, 8
    x = f32(rng.standard_normal((M, K)))
    w = f32(rng.standard_normal((K, N)))
    xv = b.const_shaped(hexes(x), (M, K), "f32")
    wv = b.const_shaped(hexes(w), (K, N), "f32")

    # --- MXFP4: E2M1 elements, E8M0 scale per 32 along K (OCP MX: 2^(floor(log2 amax) - 2)).
    def mx_codes(a):
        e = np.floor(np.log2(np.maximum(a, 2.0 ** -126))) - 2
        return (np.clip(e, -127, 127) + 127).astype(np.int64)
    sxc = mx_codes(np.abs(x).reshape(M, 2, 32).max(axis=2))
    swc = mx_codes(np.abs(w).reshape(2, 32, N).max(axis=1))
    sx8 = b.const_shaped(code_ints(sxc, 8), (M, 2), "i8")
    sw8 = b.const_shaped(code_ints(swc, 8), (2, N), "i8")
    sx, sw = b.fresh(), b.fresh()
    b.add("%s = lq.bitcast %s : tensor<4x2xi8> to tensor<4x2x!lq.float<e8m0>>" % (sx, sx8))
    b.add("%s = lq.bitcast %s : tensor<2x8xi8> to tensor<2x8x!lq.float<e8m0>>" % (sw, sw8))
    qx, qw, y = b.fresh(), b.fresh(), b.fresh()
    b.add("%s = lq.quantize %s, %s layout <block = [1, 32]> : tensor<4x64xf32>, tensor<4x2x!lq.float<e8m0>> -> tensor<4x64x!lq.float<e2m1>>" % (qx, xv, sx))
    b.add("%s = lq.quantize %s, %s layout <block = [32, 1]> : tensor<64x8xf32>, tensor<2x8x!lq.float<e8m0>> -> tensor<64x8x!lq.float<e2m1>>" % (qw, wv, sw))
    b.add("%s = lq.matmul %s, %s scales(%s, %s) lhs_layout(<block = [1, 32]>) rhs_layout(<block = [32, 1]>) acc(f32) : tensor<4x64x!lq.float<e2m1>>, tensor<64x8x!lq.float<e2m1>>, tensor<4x2x!lq.float<e8m0>>, tensor<2x8x!lq.float<e8m0>> -> tensor<4x8xf32>" % (y, qx, qw, sx, sw))
    sxf = [[L.dequant_one(e8m0, int(v)) for v in row] for row in sxc]
    swf = [[L.dequant_one(e8m0, int(v)) for v in row] for row in swc]
    cx = L.quantize(x.tolist(), e2m1, "block=[1,32]", sxf)
    cw = L.quantize(w.tolist(), e2m1, "block=[32,1]", swf)
    c.codes("mxfp4_x", qx, (M, K), "!lq.float<e2m1>", 4, cx)
    c.f32("mxfp4_matmul", y, (M, N), L.matmul(cx, e2m1, cw, e2m1, lhs_layout="block=[1,32]", lhs_scale=sxf,
                                               rhs_layout="block=[32,1]", rhs_scale=swf, acc="f32"))

    # --- The other MX element formats share the E8M0-per-32 scales: MXFP8
    # (E4M3, E5M2), MXFP6 (E2M3, E3M2) and MXINT8 (int8 codes; OCP's implicit
    # 2^-6 is folded into the shared exponent here, so emax is 6 for it).
    for name, ty, width, emax in (("e4m3fn", "!lq.float<e4m3fn>", 8, 8), ("e5m2", "!lq.float<e5m2>", 8, 15),
                                  ("e2m3", "!lq.float<e2m3>", 6, 2), ("e3m2", "!lq.float<e3m2>", 6, 4),
                                  ("int8", "!lq.int<8>", 8, 6)):
        fmt = L.IntFormat(8) if name == "int8" else L.fmt_from_name(name)
        e = np.floor(np.log2(np.maximum(np.abs(x).reshape(M, 2, 32).max(axis=2), 2.0 ** -126))) - emax
        codes = (np.clip(e, -127, 127) + 127).astype(np.int64)
        cv = b.const_shaped(code_ints(codes, 8), (M, 2), "i8")
        sc, q, d = b.fresh(), b.fresh(), b.fresh()
        b.add("%s = lq.bitcast %s : tensor<4x2xi8> to tensor<4x2x!lq.float<e8m0>>" % (sc, cv))
        b.add("%s = lq.quantize %s, %s layout <block = [1, 32]> : tensor<4x64xf32>, tensor<4x2x!lq.float<e8m0>> -> %s" % (q, xv, sc, tt((M, K), ty)))
        b.add("%s = lq.dequantize %s, %s layout <block = [1, 32]> : %s, tensor<4x2x!lq.float<e8m0>> -> tensor<4x64xf32>" % (d, q, sc, tt((M, K), ty)))
        sf = [[L.dequant_one(e8m0, int(v)) for v in row] for row in codes]
        qc = L.quantize(x.tolist(), fmt, "block=[1,32]", sf)
        c.codes("mx_%s_codes" % name, q, (M, K), ty, width, qc)
        c.f32("mx_%s_values" % name, d, (M, K), L.dequantize(qc, fmt, "block=[1,32]", sf))

    # --- NVFP4: E2M1, UE4M3 scale per 16 times a per-tensor f32 (two levels).
    def nv(a, blocks_shape, reduce_axis, layout, shape):
        g = float(np.float32(np.abs(a).max() / (448.0 * 6.0)))
        amax = np.abs(a).reshape(blocks_shape).max(axis=reduce_axis)
        sb = (amax / 6.0 / g).astype(np.float32)
        codes = L.quantize(sb.tolist(), ue4m3, "tensor", 1.0)
        sf = L.dequantize(codes, ue4m3, "tensor", g)
        return g, np.asarray(codes), sf
    gx, cxs, sxf = nv(x, (M, 4, 16), 2, "block=[1,16]", (M, 4))
    gw, cws, swf = nv(w, (4, 16, N), 1, "block=[16,1]", (4, N))
    out = {}
    for role, g, codes, shape in (("x", gx, cxs, (M, 4)), ("w", gw, cws, (4, N))):
        # UE4M3 has no sign bit: 7-bit codes.
        cv = b.const_shaped(code_ints(codes, 7), shape, "i7")
        s8 = b.fresh()
        b.add("%s = lq.bitcast %s : %s to %s" % (s8, cv, tt(shape, "i7"), tt(shape, "!lq.float<ue4m3>")))
        gv = b.const_shaped(hexes([g]), (), "f32")
        sf = b.fresh()
        b.add("%s = lq.dequantize %s, %s layout <tensor> : %s, tensor<f32> -> %s" % (sf, s8, gv, tt(shape, "!lq.float<ue4m3>"), tt(shape, "f32")))
        out[role] = sf
    qx, qw, y = b.fresh(), b.fresh(), b.fresh()
    b.add("%s = lq.quantize %s, %s layout <block = [1, 16]> : tensor<4x64xf32>, tensor<4x4xf32> -> tensor<4x64x!lq.float<e2m1>>" % (qx, xv, out["x"]))
    b.add("%s = lq.quantize %s, %s layout <block = [16, 1]> : tensor<64x8xf32>, tensor<4x8xf32> -> tensor<64x8x!lq.float<e2m1>>" % (qw, wv, out["w"]))
    b.add("%s = lq.matmul %s, %s scales(%s, %s) lhs_layout(<block = [1, 16]>) rhs_layout(<block = [16, 1]>) acc(f32) : tensor<4x64x!lq.float<e2m1>>, tensor<64x8x!lq.float<e2m1>>, tensor<4x4xf32>, tensor<4x8xf32> -> tensor<4x8xf32>" % (y, qx, qw, out["x"], out["w"]))
    sxl, swl = np.asarray(sxf).tolist(), np.asarray(swf).tolist()
    cx = L.quantize(x.tolist(), e2m1, "block=[1,16]", sxl)
    cw = L.quantize(w.tolist(), e2m1, "block=[16,1]", swl)
    c.f32("nvfp4_scales_w", out["w"], (4, N), swl)
    c.f32("nvfp4_matmul", y, (M, N), L.matmul(cx, e2m1, cw, e2m1, lhs_layout="block=[1,16]", lhs_scale=sxl,
                                               rhs_layout="block=[16,1]", rhs_scale=swl, acc="f32"))

    # --- NF4 + double quantization: absmax per 32 along K, the scales in int8
    # with a per-tensor scale and a float offset (their mean).
    nf4 = O.nf4()
    s = f32(np.abs(w).reshape(2, 32, N).max(axis=1))
    mean = float(np.float32(s.mean()))
    c2 = float(np.float32(np.abs(s - mean).max() / 127))
    sv = b.const_shaped(hexes(s), (2, N), "f32")
    c2v = b.const_shaped(hexes([c2]), (), "f32")
    mv = b.const_shaped(hexes([mean]), (), "f32")
    sq, sd, wq = b.fresh(), b.fresh(), b.fresh()
    b.add("%s = lq.quantize %s, %s, %s layout <tensor> : tensor<2x8xf32>, tensor<f32>, tensor<f32> -> tensor<2x8x!lq.int<8>>" % (sq, sv, c2v, mv))
    b.add("%s = lq.dequantize %s, %s, %s layout <tensor> : tensor<2x8x!lq.int<8>>, tensor<f32>, tensor<f32> -> tensor<2x8xf32>" % (sd, sq, c2v, mv))
    b.add("%s = lq.quantize %s, %s layout <block = [32, 1]> : tensor<64x8xf32>, tensor<2x8xf32> -> tensor<64x8x!lq.codebook<nf4>>" % (wq, wv, sv))
    sxi = f32(np.abs(x).max(axis=1) / 127)
    sxv = b.const_shaped(hexes(sxi), (M,), "f32")
    xq, y = b.fresh(), b.fresh()
    b.add("%s = lq.quantize %s, %s layout <axis = 0> : tensor<4x64xf32>, tensor<4xf32> -> tensor<4x64x!lq.int<8>>" % (xq, xv, sxv))
    b.add("%s = lq.matmul %s, %s scales(%s, %s) lhs_layout(<axis = 0>) rhs_layout(<block = [32, 1]>) acc(f32) : tensor<4x64x!lq.int<8>>, tensor<64x8x!lq.codebook<nf4>>, tensor<4xf32>, tensor<2x8xf32> -> tensor<4x8xf32>" % (y, xq, wq, sxv, sd))
    sqc = L.quantize(s.tolist(), i8, "tensor", c2, offset=mean)
    sdv = np.asarray(L.dequantize(sqc, i8, "tensor", c2, offset=mean)).tolist()
    wcodes = [[O.codebook_encode(nf4, float(w[k, n]), float(s[k // 32, n])) for n in range(N)] for k in range(K)]
    xc = L.quantize(x.tolist(), i8, "axis=0", sxi.tolist())
    A = np.asarray(L.dequantize(xc, i8, "axis=0", sxi.tolist())).tolist()
    B = [[O.codebook_dequant(nf4, wcodes[k][n], sdv[k // 32][n]) for n in range(N)] for k in range(K)]
    c.codes("nf4dq_scale_codes", sq, (2, N), "!lq.int<8>", 8, sqc)
    c.codes("nf4dq_weights", wq, (K, N), "!lq.codebook<nf4>", 4, wcodes)
    c.f32("nf4dq_matmul", y, (M, N), matmul_f32(A, B))

    # --- K-quant style two-level: 4-bit codes with a scale and a min per 16
    # along K, both 6-bit codes under per-column super-scales d and dmin.
    u4, u6 = L.IntFormat(4, False), L.IntFormat(6, False)
    blk = w.reshape(4, 16, N)
    sc = f32((blk.max(axis=1) - blk.min(axis=1)) / 15)
    mn = f32(-blk.min(axis=1))                      # positive "min" as K-quants store it
    d = f32(sc.max(axis=0) / 63)
    dmin = f32(np.maximum(mn.max(axis=0), 1e-6) / 63)
    sc6 = L.quantize(sc.tolist(), u6, "axis=1", d.tolist())
    m6 = L.quantize(np.maximum(mn, 0).tolist(), u6, "axis=1", dmin.tolist())
    sc6v = b.const_shaped(code_ints(sc6, 6), (4, N), "i6")
    m6v = b.const_shaped(code_ints(m6, 6), (4, N), "i6")
    dv = b.const_shaped(hexes(d), (N,), "f32")
    ndv = b.const_shaped(hexes(-dmin), (N,), "f32")
    s6, mm6, scale, offset = b.fresh(), b.fresh(), b.fresh(), b.fresh()
    b.add("%s = lq.bitcast %s : tensor<4x8xi6> to tensor<4x8x!lq.int<6, unsigned>>" % (s6, sc6v))
    b.add("%s = lq.bitcast %s : tensor<4x8xi6> to tensor<4x8x!lq.int<6, unsigned>>" % (mm6, m6v))
    b.add("%s = lq.dequantize %s, %s layout <axis = 1> : tensor<4x8x!lq.int<6, unsigned>>, tensor<8xf32> -> tensor<4x8xf32>" % (scale, s6, dv))
    b.add("%s = lq.dequantize %s, %s layout <axis = 1> : tensor<4x8x!lq.int<6, unsigned>>, tensor<8xf32> -> tensor<4x8xf32>" % (offset, mm6, ndv))
    wq, y = b.fresh(), b.fresh()
    b.add("%s = lq.quantize %s, %s, %s layout <block = [16, 1]> : tensor<64x8xf32>, tensor<4x8xf32>, tensor<4x8xf32> -> tensor<64x8x!lq.int<4, unsigned>>" % (wq, wv, scale, offset))
    b.add("%s = lq.matmul %s, %s scales(%s, %s) rhs_zero_point(%s : tensor<4x8xf32>) lhs_layout(<axis = 0>) rhs_layout(<block = [16, 1]>) acc(f32) : tensor<4x64x!lq.int<8>>, tensor<64x8x!lq.int<4, unsigned>>, tensor<4xf32>, tensor<4x8xf32> -> tensor<4x8xf32>" % (y, xq, wq, sxv, scale, offset))
    scf = np.asarray(L.dequantize(sc6, u6, "axis=1", d.tolist())).tolist()
    off = np.asarray(L.dequantize(m6, u6, "axis=1", (-dmin).tolist())).tolist()
    wc = L.quantize(w.tolist(), u4, "block=[16,1]", scf, offset=off)
    c.codes("kquant_weights", wq, (K, N), "!lq.int<4, unsigned>", 4, wc)
    c.f32("kquant_matmul", y, (M, N), L.matmul(xc, i8, wc, u4, lhs_layout="axis=0", lhs_scale=sxi.tolist(),
                                                rhs_layout="block=[16,1]", rhs_scale=scf, rhs_offset=off, acc="f32"))
    return c.run("blockscale")


def salient(rng):
    c = Check()
    b = c.b
    M, K, N = 4, 64, 8
    idx = [5, 17, 40]
    x = f32(rng.standard_normal((M, K)))
    w = f32(rng.standard_normal((K, N)))
    w[idx] *= 20  # outlier input channels
    i3, i8 = L.IntFormat(3), L.IntFormat(8)
    low = w.copy()
    low[idx] = 0
    sl = f32(np.abs(low).max(axis=0) / 3)
    high = w[idx]
    sh = f32(np.abs(high).max(axis=0) / 127)
    lv = b.const_shaped(hexes(low), (K, N), "f32")
    hv = b.const_shaped(hexes(high), (3, N), "f32")
    slv = b.const_shaped(hexes(sl), (N,), "f32")
    shv = b.const_shaped(hexes(sh), (N,), "f32")
    ql, qh, dl, dh, wm = (b.fresh() for _ in range(5))
    b.add("%s = lq.quantize %s, %s layout <axis = 1> : tensor<64x8xf32>, tensor<8xf32> -> tensor<64x8x!lq.int<3>>" % (ql, lv, slv))
    b.add("%s = lq.quantize %s, %s layout <axis = 1> : tensor<3x8xf32>, tensor<8xf32> -> tensor<3x8x!lq.int<8>>" % (qh, hv, shv))
    b.add("%s = lq.dequantize %s, %s layout <axis = 1> : tensor<64x8x!lq.int<3>>, tensor<8xf32> -> tensor<64x8xf32>" % (dl, ql, slv))
    b.add("%s = lq.dequantize %s, %s layout <axis = 1> : tensor<3x8x!lq.int<8>>, tensor<8xf32> -> tensor<3x8xf32>" % (dh, qh, shv))
    b.add("%s = lq.salient_merge %s, %s indices [5, 17, 40] axis 0 : tensor<64x8xf32>, tensor<3x8xf32> -> tensor<64x8xf32>" % (wm, dl, dh))
    xv = b.const_shaped(hexes(x), (M, K), "f32")
    zero, init, filled, y = (b.fresh() for _ in range(4))
    b.add("%s = arith.constant 0.0 : f32" % zero)
    b.add("%s = tensor.empty() : tensor<4x8xf32>" % init)
    b.add("%s = linalg.fill ins(%s : f32) outs(%s : tensor<4x8xf32>) -> tensor<4x8xf32>" % (filled, zero, init))
    b.add("%s = linalg.matmul ins(%s, %s : tensor<4x64xf32>, tensor<64x8xf32>) outs(%s : tensor<4x8xf32>) -> tensor<4x8xf32>" % (y, xv, wm, filled))
    dlow = np.asarray(L.dequantize(L.quantize(low.tolist(), i3, "axis=1", sl.tolist()), i3, "axis=1", sl.tolist())).tolist()
    dhigh = np.asarray(L.dequantize(L.quantize(high.tolist(), i8, "axis=1", sh.tolist()), i8, "axis=1", sh.tolist())).tolist()
    merged = [list(r) for r in dlow]
    for j, k in enumerate(idx):
        merged[k] = dhigh[j]
    c.f32("salient_weights", wm, (K, N), merged)
    c.f32("salient_matmul", y, (M, N), matmul_f32(x.tolist(), merged))
    # Bit planes: split 3-bit codes, recombine with 2^p (exact) and with
    # per-plane, per-group scales.
    codes = rng.integers(0, 8, size=16)
    cv = b.const_shaped(code_ints(codes, 3), (16,), "i3")
    q, planes, r1, r2 = (b.fresh() for _ in range(4))
    b.add("%s = lq.bitcast %s : tensor<16xi3> to tensor<16x!lq.int<3, unsigned>>" % (q, cv))
    b.add("%s = lq.split_planes %s : tensor<16x!lq.int<3, unsigned>> -> tensor<3x16x!lq.int<1, unsigned>>" % (planes, q))
    c.codes("planes", planes, (3, 16), "!lq.int<1, unsigned>", 1, [[(int(v) >> p) & 1 for v in codes] for p in range(3)])
    pw = b.const_shaped(hexes([1.0, 2.0, 4.0]), (3,), "f32")
    b.add("%s = lq.combine_planes %s, %s layout <axis = 0> : tensor<3x16x!lq.int<1, unsigned>>, tensor<3xf32> -> tensor<16xf32>" % (r1, planes, pw))
    c.f32("planes_pow2", r1, (16,), [float(v) for v in codes])
    ps = f32(rng.standard_normal((3, 2)))
    psv = b.const_shaped(hexes(ps), (3, 2), "f32")
    b.add("%s = lq.combine_planes %s, %s layout <block = [1, 8]> : tensor<3x16x!lq.int<1, unsigned>>, tensor<3x2xf32> -> tensor<16xf32>" % (r2, planes, psv))
    want = []
    for i, v in enumerate(codes):
        acc = 0.0
        for p in range(3):
            acc = L.f32_add(acc, L.f32_mul(float(ps[p, i // 8]), float((int(v) >> p) & 1)))
        want.append(acc)
    c.f32("planes_scaled", r2, (16,), want)
    return c.run("salient")


def main():
    family = sys.argv[1]
    rng = np.random.default_rng(4)
    fn = {"hadamard": hadamard, "requantize": requantize, "packing": packing, "codebook": codebook,
          "blockscale": blockscale, "salient": salient}[family]
    sys.exit(1 if fn(rng) else 0)


if __name__ == "__main__":
    main()
