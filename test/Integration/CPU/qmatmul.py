"""quantize -> lq.matmul -> dequantize, executed through the reference
lowering and compared bit-for-bit with lqmodel.py (an independent exact model
of docs/Semantics.md) at every stage: the codes of both operands, the matmul
output and the dequantized result.

Cases cover int3, int4 and E2M1 operands with per-tensor, per-axis, group
(1-D block) and 2-D block scales, zero points, both accumulators and a
requantized output, and the weight-only form: an unquantized f32 lhs (lhs
format "float") times int3/int4/uint4 weights with group scales and zero
points, plain and transposed.
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
import lqgen  # noqa: E402
import lqmodel as L  # noqa: E402
import lqrun  # noqa: E402

F = {
    "int3": ("!lq.int<3>", L.IntFormat(3, True, False)),
    "int4": ("!lq.int<4>", L.IntFormat(4, True, False)),
    "uint4": ("!lq.int<4, unsigned>", L.IntFormat(4, False, False)),
    "int8": ("!lq.int<8>", L.IntFormat(8, True, False)),
    "e2m1": ("!lq.float<e2m1>", L.fmt_from_name("e2m1")),
    "e4m3fn": ("!lq.float<e4m3fn>", L.fmt_from_name("e4m3fn")),
}

# name, M, K, N, (fmt, layout, zero point?) for lhs and rhs, acc, output
CASES = [
    ("int4_axis_x_int4_group32_i32", 4, 64, 8, ("int8", "axis=0", False), ("int4", "block=[32,1]", False), "i32", None),
    ("int3_tensor_x_int3_axis_i32_requant", 3, 48, 6, ("int3", "tensor", False), ("int3", "axis=1", False), "i32", ("int8", "axis=1")),
    ("uint4_zp_group16_i32", 5, 64, 4, ("uint4", "block=[1,16]", True), ("uint4", "block=[16,1]", True), "i32", None),
    ("int4_2d_block_i32", 32, 64, 32, ("int4", "block=[16,32]", False), ("int4", "block=[32,16]", False), "i32", ("int8", "tensor")),
    ("e2m1_group32_f32", 4, 64, 8, ("e2m1", "block=[1,32]", False), ("e2m1", "block=[32,1]", False), "f32", None),
    ("e2m1_2d_block_f32_requant", 16, 64, 16, ("e4m3fn", "tensor", False), ("e2m1", "block=[32,8]", False), "f32", ("int8", "axis=1")),
    ("int3_axis_k_f32", 2, 24, 5, ("int3", "axis=1", False), ("int4", "axis=1", False), "f32", None),
    # rhs stored N x K (Gemm transB / MatMulNBits): rhs_transposed.
    ("int4_group32_transposed_i32", 4, 64, 8, ("int8", "axis=0", False), ("int4", "block=[32,1]", False), "i32", None, True),
    ("uint4_zp_transposed_i32", 3, 32, 6, ("uint4", "block=[1,16]", True), ("uint4", "block=[16,1]", True), "i32", ("int8", "axis=1"), True),
    ("e2m1_2d_block_transposed_f32", 8, 64, 16, ("e2m1", "block=[1,32]", False), ("e2m1", "block=[32,8]", False), "f32", None, True),
    # Weight-only: f32 activations, quantized weights (MatMulNBits and
    # DequantizeLinear(W) -> MatMul). Layouts are of the K x N weights; a
    # transposed case stores N x K with block [1, 32].
    ("float_x_uint4_zp_group32_f32", 4, 64, 8, ("float", None, False), ("uint4", "block=[32,1]", True), "f32", None),
    ("float_x_int4_group32_transposed_f32", 3, 96, 8, ("float", None, False), ("int4", "block=[32,1]", False), "f32", None, True),
    ("float_x_uint4_zp_group32_transposed_f32", 5, 64, 6, ("float", None, False), ("uint4", "block=[32,1]", True), "f32", None, True),
    ("float_x_int3_partial_group32_f32", 2, 48, 5, ("float", None, False), ("int3", "block=[32,1]", False), "f32", None),
    ("float_x_int3_block_along_n_f32", 3, 40, 64, ("float", None, False), ("int3", "block=[1,32]", False), "f32", None),
    ("float_x_int4_axis_transposed_requant", 4, 32, 8, ("float", None, False), ("int4", "axis=1", False), "f32", ("int8", "axis=1"), True),
]


def transpose_layout(layout):
    lay = L.parse_layout(layout)
    if lay[0] == "axis":
        return "axis=%d" % (1 - lay[1])
    if lay[0] == "block":
        return "block=[%d,%d]" % (lay[1][1], lay[1][0])
    return layout


def max_of(fmt):
    if fmt.kind == "int":
        return fmt.qmax
    return max(float(v) for v in (L.decode(fmt, c) for c in range(1 << fmt.W)) if not isinstance(v, str))


def scales_for(x, fmt, layout, rng, with_zp):
    """Per-entry scale (and zero point) from the data, as f32 / ints."""
    lay = L.parse_layout(layout)
    pshape = L.layout_param_shape(lay, x.shape)
    amax = np.zeros(pshape if pshape else (), dtype=np.float64)
    amax = np.atleast_1d(amax) if pshape else np.zeros(())
    for idx in np.ndindex(*x.shape):
        p = L.layout_param_index(lay, idx)
        amax[p] = max(amax[p], abs(float(x[idx])))
    if with_zp:  # asymmetric: unsigned codes cover [min, max]
        s = np.float32(np.maximum(amax, 1e-3) * 2 / fmt.qmax)
        z = np.full(pshape, (fmt.qmax + 1) // 2, dtype=np.int64)
        z = z + rng.integers(-2, 3, size=pshape)
        return s, z
    return np.float32(np.maximum(amax, 1e-3) / max_of(fmt)), None


def hexes(a):
    return [lqgen.f32_hex(float(v)) for v in np.asarray(a, dtype=np.float32).reshape(-1)]


tensor_type = lqrun.tensor_type


def layout_mlir(layout):
    lay = L.parse_layout(layout)
    if lay[0] == "tensor":
        return "<tensor>"
    if lay[0] == "axis":
        return "<axis = %d>" % lay[1]
    return "<block = [%s]>" % ", ".join(str(b) for b in lay[1])


def run_case(case, rng):
    name, m, k, n, lhs, rhs, acc, out = case[:8]
    rt = len(case) > 8 and case[8]
    b = lqrun.MainBuilder()
    checks = []

    const = b.const_shaped
    print_codes = b.print_codes
    print_f32 = b.print_f32

    operands = {}
    for role, (fname, layout, with_zp), shape in (("lhs", lhs, (m, k)), ("rhs", rhs, (k, n))):
        if fname == "float":
            # Weight-only lhs: plain f32 values, no quantize.
            x = rng.standard_normal(shape).astype(np.float32)
            operands[role] = dict(value=const(hexes(x), shape, "f32"), ty="f32", fmt=None,
                                  codes=x.tolist(), shape=shape)
            continue
        ty, fmt = F[fname]
        x = rng.standard_normal(shape).astype(np.float32)
        s, z = scales_for(x, fmt, layout, rng, with_zp)
        pshape = L.layout_param_shape(L.parse_layout(layout), shape)
        # The IR sees a transposed rhs (N x K) with a transposed layout; the
        # model keeps K x N (the same products in the same k order).
        tr = rt and role == "rhs"
        tx = (lambda a: np.asarray(a).T) if tr else (lambda a: np.asarray(a))
        ir_shape = shape[::-1] if tr else shape
        ir_layout = transpose_layout(layout) if tr else layout
        ir_pshape = tuple(pshape[::-1]) if tr else pshape
        xv = const(hexes(tx(x)), ir_shape, "f32")
        sv = const(hexes(tx(s) if pshape else s), ir_pshape, "f32")
        zv = const([str(int(v)) for v in tx(z).reshape(-1)], ir_pshape, "i8") if with_zp else None
        q = b.fresh()
        b.add("%s = lq.quantize %s, %s%s layout %s : %s, %s%s -> %s" % (
            q, xv, sv, (", " + zv) if zv else "", layout_mlir(ir_layout), tensor_type(ir_shape, "f32"),
            tensor_type(ir_pshape, "f32"), (", " + tensor_type(ir_pshape, "i8")) if zv else "", tensor_type(ir_shape, ty)))
        print_codes(role + " codes", q, ir_shape, ty, fmt.W)
        svals = s.tolist() if pshape else float(s)
        zvals = z.tolist() if with_zp else None
        codes = L.quantize(x.tolist(), fmt, layout, svals, zvals)
        checks.append((role + " codes", "codes", tx(codes).reshape(-1).tolist()))
        operands[role] = dict(value=q, scale=sv, zp=zv, ty=ty, fmt=fmt, layout=layout, codes=codes,
                              svals=svals, zvals=zvals, pshape=ir_pshape, shape=ir_shape,
                              ir_layout=ir_layout)

    a, w = operands["lhs"], operands["rhs"]
    kwargs = dict(rhs_layout=w["layout"], rhs_scale=w["svals"], rhs_zero_point=w["zvals"], acc=acc)
    float_lhs = a["fmt"] is None
    if not float_lhs:
        kwargs.update(lhs_layout=a["layout"], lhs_scale=a["svals"], lhs_zero_point=a["zvals"])
    zps = ""
    if not float_lhs and a["zp"]:
        zps += " lhs_zero_point(%s : %s)" % (a["zp"], tensor_type(a["pshape"], "i8"))
    if w["zp"]:
        zps += " rhs_zero_point(%s : %s)" % (w["zp"], tensor_type(w["pshape"], "i8"))
    # A float lhs has no scale, layout or scale type: scales(%rhs_scale).
    if float_lhs:
        scales = w["scale"]
        scale_types = tensor_type(w["pshape"], "f32")
        lhs_layout = ""
    else:
        scales = "%s, %s" % (a["scale"], w["scale"])
        scale_types = "%s, %s" % (tensor_type(a["pshape"], "f32"), tensor_type(w["pshape"], "f32"))
        lhs_layout = " lhs_layout(%s)" % layout_mlir(a["layout"])
    y = b.fresh()
    if out is None:
        b.add("%s = lq.matmul %s, %s scales(%s)%s%s rhs_layout(%s)%s acc(%s) : %s, %s, %s -> %s" % (
            y, a["value"], w["value"], scales, zps, lhs_layout,
            layout_mlir(w["ir_layout"]), " rhs_transposed" if rt else "", acc, tensor_type(a["shape"], a["ty"]), tensor_type(w["shape"], w["ty"]),
            scale_types, tensor_type((m, n), "f32")))
        print_f32("matmul", y, (m, n))
        checks.append(("matmul", "f32", np.asarray(L.matmul(a["codes"], a["fmt"], w["codes"], w["fmt"], **kwargs)).reshape(-1).tolist()))
    else:
        ofname, olayout = out
        oty, ofmt = F[ofname]
        # Output scale: the float result's range per layout entry, from the model.
        yf = np.asarray(L.matmul(a["codes"], a["fmt"], w["codes"], w["fmt"], **kwargs), dtype=np.float32)
        so, _ = scales_for(yf, ofmt, olayout, rng, False)
        opshape = L.layout_param_shape(L.parse_layout(olayout), (m, n))
        ov = const(hexes(so), opshape, "f32")
        b.add("%s = lq.matmul %s, %s scales(%s)%s out_scale(%s : %s)%s rhs_layout(%s)%s out_layout(%s) acc(%s) : %s, %s, %s -> %s" % (
            y, a["value"], w["value"], scales, zps, ov, tensor_type(opshape, "f32"),
            lhs_layout, layout_mlir(w["ir_layout"]), " rhs_transposed" if rt else "", layout_mlir(olayout), acc,
            tensor_type(a["shape"], a["ty"]), tensor_type(w["shape"], w["ty"]),
            scale_types, tensor_type((m, n), oty)))
        print_codes("output codes", y, (m, n), oty, ofmt.W)
        sovals = so.tolist() if opshape else float(so)
        ycodes = L.matmul(a["codes"], a["fmt"], w["codes"], w["fmt"], out_fmt=ofmt, out_layout=olayout,
                          out_scale=sovals, **kwargs)
        checks.append(("output codes", "codes", np.asarray(ycodes).reshape(-1).tolist()))
        d = b.fresh()
        b.add("%s = lq.dequantize %s, %s layout %s : %s, %s -> %s" % (
            d, y, ov, layout_mlir(olayout), tensor_type((m, n), oty), tensor_type(opshape, "f32"),
            tensor_type((m, n), "f32")))
        print_f32("dequantized", d, (m, n))
        checks.append(("dequantized", "f32", np.asarray(L.dequantize(ycodes, ofmt, olayout, sovals)).reshape(-1).tolist()))

    arrays = lqrun.run(b.module())
    assert len(arrays) == len(checks), (len(arrays), len(checks))
    bad = 0
    for (label, kind, want), got in zip(checks, arrays):
        assert len(got) == len(want), (label, len(got), len(want))
        for i, (g, e) in enumerate(zip(got, want)):
            ok = g == int(e) if kind == "codes" else (g & 0xFFFFFFFF) == L.f32_bits(float(np.float32(e)))
            if not ok:
                bad += 1
                if bad <= 10:
                    print("MISMATCH %s %s[%d]: got %r expected %r" % (name, label, i, g, e))
    nonzero = sum(1 for (label, kind, want) in checks for v in want if v)
    print("%s: %d stages, %d values, %d nonzero expected, %d mismatches" % (
        name, len(checks), sum(len(c[2]) for c in checks), nonzero, bad))
    return bad


def main():
    rng = np.random.default_rng(20261123)
    bad = sum(run_case(c, rng) for c in CASES)
    print("qmatmul: %d cases, %d mismatches" % (len(CASES), bad))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
