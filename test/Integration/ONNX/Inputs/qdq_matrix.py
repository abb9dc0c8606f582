"""The quantized-operator matrix: op x dtype x layout, against exact oracles.

usage: qdq_matrix.py LPC WORK_DIR [--jobs N] [--filter RE]

Generates one small model per case (QuantizeLinear, DequantizeLinear,
DynamicQuantizeLinear, MatMulInteger, ConvInteger, QLinearMatMul,
QLinearConv over their code dtypes and scale layouts) and runs it with
`lpc run --compare-dir` against its oracle. Integer outputs must match
exactly (lpc run compares integers exactly); float outputs within rtol 1e-5 /
atol 1e-6.

Oracles:
- ONNX Runtime (test/lib/ort_run.py), for the quantize / dequantize ops and
  the QLinear ops. Codes that tests decode rather than compare as codes
  (INT4/UINT4, FLOAT8*) pass through a DequantizeLinear with scale 1 (an exact
  map from code to value).
- Exact integer arithmetic (numpy int64, test/lib/intdot.py) for
  MatMulInteger and ConvInteger. ONNX Runtime's u8 x s8 kernels saturate pair
  sums to int16 on CPUs without VNNI, so ONNX Runtime is consulted only as a
  cross-check of the numpy oracle, on the cases where intdot.ort_is_exact
  proves its kernels exact on any x86 CPU ("ort-checked" in the summary).
  "saturating" cases have data whose pair sums do overflow int16 (asserted):
  lpc must still give the exact product.
- QLinearMatMul / QLinearConv u8 x s8 and s8 x s8 cases keep ONNX Runtime as
  the oracle (its requantization order is the contract), on data for which
  intdot.ort_is_exact holds (asserted): uint8 activations <= 127, as
  ONNX Runtime's reduce_range makes them.
- The ONNX specification in numpy (cases marked "(spec)"): FLOAT4E2M1
  (opset 23), per-row MatMulInteger and per-channel ConvInteger zero points,
  which ONNX Runtime 1.32 lacks.
Prints the matrix with counts and "qdq matrix: P passed, F failed".
"""
import argparse
import collections
import concurrent.futures
import os
import re
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper
from onnx import numpy_helper as nh

import intdot
import onnxtensors
import ort_run

FLOAT = 1
# name -> (ONNX data_type, numpy storage, qmin, qmax) for integer codes.
INTS = {
    "uint8": (2, np.uint8, 0, 255), "int8": (3, np.int8, -128, 127),
    "uint16": (4, np.uint16, 0, 65535), "int16": (5, np.int16, -32768, 32767),
    "uint4": (21, np.uint8, 0, 15), "int4": (22, np.int8, -8, 7),
}
# name -> (ONNX data_type, largest finite value) for float codes.
FLOATS = {
    "e4m3fn": (17, 448.0), "e4m3fnuz": (18, 240.0), "e5m2": (19, 57344.0),
    "e5m2fnuz": (20, 57344.0),
}


def tensor(name, dtype, dims, values):
    """A TensorProto with raw_data; 4-bit codes packed low nibble first;
    float8 codes given as raw bytes."""
    t = TensorProto()
    t.name = name
    t.data_type = dtype
    t.dims.extend(dims)
    a = np.asarray(values)
    if dtype in onnxtensors.NIBBLE_TYPES:
        t.raw_data = onnxtensors.pack_nibbles(a)
    else:
        t.raw_data = a.tobytes()
    return t


class Case:
    def __init__(self, op, dtype, layout, seed):
        self.op, self.dtype, self.layout = op, dtype, layout
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits, self.inputs, self.outputs = [], [], [], []
        self.feeds = []  # (name, TensorProto)
        self.ref = None  # [TensorProto] when the oracle is in this script
        self.ort_check = False  # also require ONNX Runtime to equal self.ref
        self.opset = 21
        self.name = "%s-%s-%s" % (op, dtype, layout)

    def init(self, t):
        self.inits.append(t)
        return t.name

    def input(self, name, dtype, arr):
        self.inputs.append(helper.make_tensor_value_info(name, dtype, arr.shape))
        t = nh.from_array(arr, name)
        self.feeds.append(t)
        return name

    def node(self, op, ins, outs, **attrs):
        self.nodes.append(helper.make_node(op, ins, outs, name=outs[0], **attrs))

    def output(self, name, dtype, shape):
        self.outputs.append(helper.make_tensor_value_info(name, dtype, shape))

    def write(self, folder):
        os.makedirs(folder, exist_ok=True)
        g = helper.make_graph(self.nodes, "g", self.inputs, self.outputs,
                              self.inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", self.opset)])
        m.ir_version = 10 if self.opset >= 21 else 9
        onnx.save(m, os.path.join(folder, "model.onnx"))
        for i, t in enumerate(self.feeds):
            with open(os.path.join(folder, "input_%d.pb" % i), "wb") as f:
                f.write(t.SerializeToString())
        if self.ref is not None:
            os.makedirs(os.path.join(folder, "ref"), exist_ok=True)
            for i, t in enumerate(self.ref):
                with open(os.path.join(folder, "ref", "output_%d.pb" % i), "wb") as f:
                    f.write(t.SerializeToString())


def layout_params(rng, shape, layout, pow2):
    """Scale shape and node attributes of a layout over data `shape`."""
    if layout == "tensor":
        return [], {}
    if layout.startswith("axis"):
        axis = int(layout[4:])
        return [shape[axis]], {"axis": axis}
    # block<B>: blocked along the last axis
    bs = int(layout[5:])
    axis = len(shape) - 1
    sshape = list(shape)
    sshape[axis] = -(-shape[axis] // bs)
    return sshape, {"axis": axis, "block_size": bs}


def scales(rng, sshape, pow2):
    if pow2:  # powers of two make x / s exact, so ties stay ties
        return (2.0 ** rng.integers(-3, 2, size=sshape)).astype(np.float32)
    return rng.uniform(0.02, 0.3, size=sshape).astype(np.float32)


def expand(s, shape, params):
    """Scale (or zero point) broadcast to the data shape."""
    if "block_size" in params:
        ax, bs = params["axis"], params["block_size"]
        return np.repeat(s, bs, axis=ax).take(range(shape[ax]), axis=ax)
    if "axis" in params:
        ax = params["axis"]
        sh = [1] * len(shape)
        sh[ax] = shape[ax]
        return s.reshape(sh)
    return s


def decode(c, y, dtype_num, shape):
    """Adds DequantizeLinear(y, 1.0) -> float output 'y_value'."""
    one = c.init(nh.from_array(np.array(1.0, np.float32), "one"))
    c.node("DequantizeLinear", [y, one], ["y_value"])
    c.output("y_value", FLOAT, shape)


def quantize_case(dtype, layout, seed, saturate=1, pow2=True):
    c = Case("QuantizeLinear", dtype, layout + ("" if saturate else "-nosat")
             + ("" if pow2 else "-anyscale"), seed)
    shape = [3, 4, 10]
    rng = c.rng
    sshape, params = layout_params(rng, shape, layout, pow2)
    s = scales(rng, sshape, pow2)
    se = expand(s, shape, params)
    if dtype in INTS:
        dnum, npt, qmin, qmax = INTS[dtype]
        zp = rng.integers(qmin, qmax + 1, size=sshape)
        if dtype.startswith("u"):
            zp = (zp // 2 + qmax // 4)  # keep room on both sides
        span = (qmax - qmin) * 0.7
        # codes around the representable range, half of them exact ties
        k = rng.integers(int(-span), int(span) + 1, size=shape) + \
            np.where(rng.random(shape) < 0.5, 0.5, rng.uniform(-0.49, 0.49, shape))
        x = (k * se).astype(np.float32)
        zt = tensor("zp", dnum, sshape, zp.astype(npt))
        ins = ["x", c.init(nh.from_array(s, "scale")), c.init(zt)]
    else:
        dnum, fmax = FLOATS[dtype]
        c.opset = 19 if layout in ("tensor", "axis0", "axis1", "axis2") else 21
        mag = np.exp(rng.uniform(np.log(fmax) - 12, np.log(fmax) + 0.5, shape))
        if not saturate:
            # Without saturation, ONNX's reference conversion (and ONNX
            # Runtime, which follows it) departs from round-to-nearest-even
            # between max and the next power of two: E4M3FN maps [480, 496)
            # to 448, E5M2 maps values that round up past 57344 to NaN, not
            # Inf. lq follows the ONNX spec text (docs/Rationale.md); the
            # matrix keeps out of that band and tests overflow above it.
            top = 2.0 ** np.ceil(np.log2(fmax))
            band = (mag >= fmax) & (mag < top)
            mag = np.where(band, top * 1.5, mag)
        x = (np.where(rng.random(shape) < 0.5, -1, 1) * mag * se).astype(np.float32)
        ins = ["x", c.init(nh.from_array(s, "scale"))]
        params = dict(params)
        params["saturate"] = saturate
        zt = TensorProto()
        zt.name, zt.data_type = "zp", dnum
        zt.dims.extend(sshape)
        zt.raw_data = bytes(int(np.prod(sshape)) if sshape else 1)
        ins.append(c.init(zt))
    c.input("x", FLOAT, x)
    if dtype in ("uint8", "int8", "uint16", "int16"):
        c.node("QuantizeLinear", ins, ["y"], **params)
        c.output("y", dnum, shape)
    else:
        c.node("QuantizeLinear", ins, ["y"], **params)
        decode(c, "y", dnum, shape)
    return c


def dequantize_case(dtype, layout, seed):
    c = Case("DequantizeLinear", dtype, layout, seed)
    shape = [3, 4, 10]
    rng = c.rng
    sshape, params = layout_params(rng, shape, layout, False)
    s = scales(rng, sshape, False)
    c.input("scale", FLOAT, s)
    if dtype in INTS:
        dnum, npt, qmin, qmax = INTS[dtype]
        q = rng.integers(qmin, qmax + 1, size=shape).astype(npt)
        zp = rng.integers(qmin, qmax + 1, size=sshape).astype(npt)
        zname = c.init(tensor("zp", dnum, sshape, zp))
        if dtype in ("uint8", "int8", "uint16", "int16"):
            c.input("q", dnum, q)
        else:
            c.init(tensor("q", dnum, shape, q))
        c.node("DequantizeLinear", ["q", "scale", zname], ["y"], **params)
    else:
        dnum, _ = FLOATS[dtype]
        c.opset = 19 if "block" not in layout else 21
        codes = rng.integers(0, 256, size=shape).astype(np.uint8)
        t = TensorProto()
        t.name, t.data_type = "q", dnum
        t.dims.extend(shape)
        t.raw_data = codes.tobytes()
        c.init(t)
        c.node("DequantizeLinear", ["q", "scale"], ["y"], **params)
    c.output("y", FLOAT, shape)
    return c


def f16_case(op, dtype, layout, seed):
    """float16 data and scales (opset 19): QuantizeLinear from float16, or
    DequantizeLinear to float16 (the scale's type)."""
    c = Case(op, dtype + "<->f16", layout, seed)
    c.opset = 19 if layout in ("tensor", "axis1") else 21
    shape = [3, 4, 10]
    rng = c.rng
    sshape, params = layout_params(rng, shape, layout, True)
    s = scales(rng, sshape, False).astype(np.float16)
    dnum, npt, qmin, qmax = INTS[dtype]
    zp = (rng.integers(qmin, qmax + 1, size=sshape) // 2).astype(npt)
    zt = tensor("zp", dnum, sshape, zp)
    if op == "QuantizeLinear":
        x = (rng.standard_normal(shape) * 20).astype(np.float16)
        c.inputs.append(helper.make_tensor_value_info("x", 10, shape))
        c.feeds.append(nh.from_array(x, "x"))
        c.node("QuantizeLinear", ["x", c.init(nh.from_array(s, "scale")), c.init(zt)],
               ["y"], **params)
        c.output("y", dnum, shape)
    else:
        c.input("q", dnum, rng.integers(qmin, qmax + 1, size=shape).astype(npt))
        c.node("DequantizeLinear", ["q", c.init(nh.from_array(s, "scale")), c.init(zt)],
               ["y"], **params)
        c.output("y", 10, shape)
    return c


def dynamic_case(kind, seed):
    c = Case("DynamicQuantizeLinear", "uint8", kind, seed)
    c.opset = 11
    rng = c.rng
    shape = [4, 9]
    if kind == "mixed":
        x = rng.normal(0, 3, shape)
    elif kind == "positive":
        x = rng.uniform(0.5, 9, shape)
    elif kind == "negative":
        x = -rng.uniform(0.5, 9, shape)
    else:  # zeros
        x = np.zeros(shape)
    c.input("x", FLOAT, x.astype(np.float32))
    c.node("DynamicQuantizeLinear", ["x"], ["y", "y_scale", "y_zero_point"])
    c.output("y", 2, shape)
    c.output("y_scale", FLOAT, [])
    c.output("y_zero_point", 2, [])
    return c


def ints(rng, dtype, shape):
    dnum, npt, qmin, qmax = INTS[dtype]
    return rng.integers(qmin, qmax + 1, size=shape).astype(npt)


def zp_tensor(c, name, dtype, shape):
    dnum = INTS[dtype][0]
    return c.init(tensor(name, dnum, shape, ints(c.rng, dtype, shape)))


def matmul_integer_case(ta, tb, layout, seed):
    """Oracle: the exact product; ONNX Runtime cross-checks it where its
    kernels cannot saturate on this data. Layout "saturating": u8 x s8 codes
    near their limits, so that pair sums overflow int16 (asserted)."""
    c = Case("MatMulInteger", ta + "x" + tb, layout, seed)
    c.opset = 10
    rng = c.rng
    batch = [2] if layout.endswith("3d") else []
    M, K, N = 5, 37, 6
    a, b = ints(rng, ta, batch + [M, K]), ints(rng, tb, [K, N])
    if layout == "saturating":
        assert (ta, tb) == ("uint8", "int8")
        a = rng.integers(200, 256, size=batch + [M, K]).astype(np.uint8)
        b = np.where(rng.random([K, N]) < 0.5, rng.integers(-128, -100, [K, N]),
                     rng.integers(100, 128, [K, N])).astype(np.int8)
    c.input("a", INTS[ta][0], a)
    c.input("b", INTS[tb][0], b)
    ins = ["a", "b"]
    az = bz = 0
    if layout.startswith("zp"):
        az = ints(rng, ta, [])
        bz = ints(rng, tb, [N] if "col" in layout else [])
        ins.append(c.init(tensor("azp", INTS[ta][0], [], az)))
        ins.append(c.init(tensor("bzp", INTS[tb][0], list(np.shape(bz)), bz)))
    c.node("MatMulInteger", ins, ["y"])
    c.output("y", 6, batch + [M, N])
    c.ref = [nh.from_array(intdot.exact_matmul(a, b, az, bz).astype(np.int32), "y")]
    c.ort_check = intdot.ort_is_exact(a, b, ta, tb)
    if layout == "saturating":
        assert not c.ort_check, "the saturating case must overflow int16 pair sums"
    return c


def matmul_integer_spec_case(ta, tb, seed):
    """Per-row a_zero_point (ONNX allows it; ONNX Runtime does not)."""
    c = Case("MatMulInteger", ta + "x" + tb + "(spec)", "zp-row-col", seed)
    c.opset = 10
    rng = c.rng
    M, K, N = 5, 37, 6
    a, b = ints(rng, ta, [M, K]), ints(rng, tb, [K, N])
    az, bz = ints(rng, ta, [M]), ints(rng, tb, [N])
    c.input("a", INTS[ta][0], a)
    c.input("b", INTS[tb][0], b)
    c.node("MatMulInteger", ["a", "b", c.init(tensor("azp", INTS[ta][0], [M], az)),
                             c.init(tensor("bzp", INTS[tb][0], [N], bz))], ["y"])
    c.output("y", 6, [M, N])
    y = intdot.exact_matmul(a, b, az[:, None], bz[None, :])
    c.ref = [nh.from_array(y.astype(np.int32), "y")]
    return c


def conv_integer_spec_case(tx, tw, layout, seed):
    """Per-output-channel w_zero_point (ONNX allows it; ONNX Runtime does
    not); the oracle is a direct convolution of the shifted codes, padding
    with x_zero_point."""
    c = Case("ConvInteger", tx + "x" + tw + "(spec)", layout + "-wzp-channel", seed)
    c.opset = 10
    rng = c.rng
    xs, ws, attrs = conv_geometry(layout)
    x, w = ints(rng, tx, xs), ints(rng, tw, ws)
    xz, wz = ints(rng, tx, []), ints(rng, tw, [ws[0]])
    c.input("x", INTS[tx][0], x)
    c.node("ConvInteger", ["x", c.init(tensor("w", INTS[tw][0], ws, w)),
                           c.init(tensor("xzp", INTS[tx][0], [], xz)),
                           c.init(tensor("wzp", INTS[tw][0], [ws[0]], wz))], ["y"], **attrs)
    c.output("y", 6, None)
    y = intdot.exact_conv(x, w, xz, wz, attrs)
    c.ref = [nh.from_array(y.astype(np.int32), "y")]
    return c


def conv_geometry(layout):
    # (x shape, w shape, attrs)
    if layout == "pad-stride":
        return [1, 3, 9, 8], [4, 3, 3, 3], {"pads": [1, 0, 1, 2], "strides": [2, 1]}
    if layout == "group":
        return [1, 4, 7, 7], [6, 2, 3, 3], {"group": 2, "pads": [1, 1, 1, 1]}
    return [2, 3, 6, 6], [5, 3, 2, 2], {}


def conv_integer_case(tx, tw, layout, seed):
    """Oracle: the exact convolution; ONNX Runtime cross-checks it where its
    kernels cannot saturate on this data."""
    c = Case("ConvInteger", tx + "x" + tw, layout, seed)
    c.opset = 10
    rng = c.rng
    xs, ws, attrs = conv_geometry(layout)
    x, w = ints(rng, tx, xs), ints(rng, tw, ws)
    xz, wz = ints(rng, tx, []), ints(rng, tw, [])
    c.input("x", INTS[tx][0], x)
    ins = ["x", c.init(tensor("w", INTS[tw][0], ws, w)),
           c.init(tensor("xzp", INTS[tx][0], [], xz)),
           c.init(tensor("wzp", INTS[tw][0], [], wz))]
    c.node("ConvInteger", ins, ["y"], **attrs)
    c.output("y", 6, None)
    c.ref = [nh.from_array(intdot.exact_conv(x, w, xz, wz, attrs).astype(np.int32), "y")]
    c.ort_check = intdot.ort_conv_is_exact(x, w, xz, attrs, tx, tw)
    return c


def activations(rng, dtype, shape):
    """Integer activation codes for the QLinear cases that keep ONNX Runtime
    as the oracle: uint8 in [0, 127] (reduce_range), so that u8 x s8 pair
    sums stay below 2^15; int8 in full range (paired with `weights`)."""
    if dtype == "uint8":
        return rng.integers(0, 128, size=shape).astype(np.uint8)
    return ints(rng, dtype, shape)


def weights(rng, ta, tw, shape):
    """Integer weight codes for the same cases: int8 weights against int8
    activations in [-64, 63], since ONNX Runtime shifts int8 activations to
    uint8 (a + 128 up to 255) before its u8 x s8 kernels."""
    if (ta, tw) == ("int8", "int8"):
        return rng.integers(-64, 64, size=shape).astype(np.int8)
    return ints(rng, tw, shape)


def qlinear_matmul_case(ta, tb, ty, layout, seed):
    c = Case("QLinearMatMul", "%sx%s->%s" % (ta, tb, ty), layout, seed)
    c.opset = 10
    rng = c.rng
    batch = [3] if "3d" in layout else []
    M, K, N = 4, 33, 7
    av, bv = activations(rng, ta, batch + [M, K]), weights(rng, ta, tb, [K, N])
    assert intdot.ort_is_exact(av, bv, ta, tb), c.name + ": ORT would saturate"
    a = c.input("a", INTS[ta][0], av)
    b = c.init(tensor("b", INTS[tb][0], [K, N], bv))
    per_col = "col" in layout
    ins = [a, c.init(nh.from_array(np.float32(rng.uniform(0.01, 0.05)), "as")),
           zp_tensor(c, "azp", ta, []), b,
           c.init(nh.from_array(rng.uniform(0.01, 0.05, [N] if per_col else []).astype(np.float32), "bs")),
           zp_tensor(c, "bzp", tb, [N] if per_col else []),
           c.init(nh.from_array(np.float32(rng.uniform(0.5, 2.0)), "ys")),
           zp_tensor(c, "yzp", ty, [])]
    c.node("QLinearMatMul", ins, ["y"])
    c.output("y", INTS[ty][0], batch + [M, N])
    return c


def qlinear_conv_case(tx, tw, ty, layout, seed):
    c = Case("QLinearConv", "%sx%s->%s" % (tx, tw, ty), layout, seed)
    c.opset = 10
    rng = c.rng
    geo = layout.replace("-channel", "").replace("-bias", "")
    xs, ws, attrs = conv_geometry(geo)
    M = ws[0]
    per_ch = "channel" in layout
    xv, wv = activations(rng, tx, xs), weights(rng, tx, tw, ws)
    xz = activations(rng, tx, [])
    assert intdot.ort_conv_is_exact(xv, wv, xz, attrs, tx, tw), \
        c.name + ": ORT would saturate"
    ins = [c.input("x", INTS[tx][0], xv),
           c.init(nh.from_array(np.float32(rng.uniform(0.01, 0.05)), "xs")),
           c.init(tensor("xzp", INTS[tx][0], [], xz)),
           c.init(tensor("w", INTS[tw][0], ws, wv)),
           c.init(nh.from_array(rng.uniform(0.005, 0.03, [M] if per_ch else []).astype(np.float32), "ws")),
           # ONNX Runtime needs symmetric int8 weights (zero point 0)
           c.init(tensor("wzp", INTS[tw][0], [M] if per_ch else [],
                         np.zeros([M] if per_ch else [], INTS[tw][1]) if tw == "int8"
                         else ints(rng, tw, [M] if per_ch else []))),
           c.init(nh.from_array(np.float32(rng.uniform(0.05, 0.3)), "ys")),
           zp_tensor(c, "yzp", ty, [])]
    if "bias" in layout:
        ins.append(c.init(tensor("B", 6, [M], rng.integers(-3000, 3000, [M]).astype(np.int32))))
    c.node("QLinearConv", ins, ["y"], **attrs)
    c.output("y", INTS[ty][0], None)
    return c


# FLOAT4E2M1: the positive values of codes 0..7 (code & 1 is the mantissa).
E2M1 = np.array([0, 0.5, 1, 1.5, 2, 3, 4, 6], np.float64)


def e2m1_round(t):
    """ONNX QuantizeLinear to FLOAT4E2M1: round to nearest, ties to the even
    mantissa, saturating at +-6 (the format has no Inf or NaN). Returns the
    decoded values (sign kept, also for zero)."""
    a = np.minimum(np.abs(t.astype(np.float64)), 6.0)
    d = np.abs(a[..., None] - E2M1)
    best = d.min(axis=-1, keepdims=True)
    cand = np.where(d == best, np.arange(8), 99)
    # among equally near codes take the even one (there are at most two)
    even = np.where(cand % 2 == 0, cand, 99).min(axis=-1)
    code = np.where(even < 99, even, cand.min(axis=-1))
    return np.copysign(E2M1[code], t).astype(np.float32)


def fp4_quantize_case(layout, seed):
    c = Case("QuantizeLinear", "float4e2m1(spec)", layout, seed)
    c.opset = 23
    shape = [3, 4, 10]
    rng = c.rng
    sshape, params = layout_params(rng, shape, layout, True)
    s = scales(rng, sshape, True)
    se = expand(s, shape, params)
    # grid points, midpoints (ties), values between them and beyond 6
    t = rng.choice(np.concatenate([E2M1, (E2M1[1:] + E2M1[:-1]) / 2,
                                   [0.2, 0.7, 1.3, 2.6, 3.4, 5.2, 7.5, 40]]),
                   size=shape)
    t = np.where(rng.random(shape) < 0.5, -t, t)
    x = (t * se).astype(np.float32)
    zt = TensorProto()
    zt.name, zt.data_type = "zp", 23
    zt.dims.extend(sshape)
    zt.raw_data = bytes(-(-int(np.prod(sshape)) // 2) if sshape else 1)
    c.input("x", FLOAT, x)
    c.node("QuantizeLinear", ["x", c.init(nh.from_array(s, "scale")), c.init(zt)],
           ["y"], **params)
    decode(c, "y", 23, shape)
    q = x / se.astype(np.float32)  # f32 division, as the op divides
    c.ref = [nh.from_array(e2m1_round(q), "y_value")]
    return c


def fp4_dequantize_case(layout, seed):
    c = Case("DequantizeLinear", "float4e2m1(spec)", layout, seed)
    c.opset = 23
    shape = [3, 4, 10]
    rng = c.rng
    sshape, params = layout_params(rng, shape, layout, False)
    s = scales(rng, sshape, False)
    c.input("scale", FLOAT, s)
    codes = rng.integers(0, 16, size=shape)
    c.init(tensor("q", 23, shape, codes))
    c.node("DequantizeLinear", ["q", "scale"], ["y"], **params)
    c.output("y", FLOAT, shape)
    value = np.where(codes >= 8, -1.0, 1.0) * E2M1[codes % 8]
    c.ref = [nh.from_array((value.astype(np.float32) *
                            expand(s, shape, params)).astype(np.float32), "y")]
    return c


def all_cases():
    cases = []
    seed = 0

    def add(c):
        cases.append(c)

    layouts = ["tensor", "axis0", "axis1", "axis2", "block4", "block3"]
    for dt in INTS:
        for lay in layouts:
            seed += 1
            add(quantize_case(dt, lay, seed))
            seed += 1
            add(dequantize_case(dt, lay, seed))
        seed += 1
        add(quantize_case(dt, "axis1", seed, pow2=False))
    for dt in FLOATS:
        for lay in layouts:
            for sat in (1, 0):
                seed += 1
                add(quantize_case(dt, lay, seed, saturate=sat))
            seed += 1
            add(dequantize_case(dt, lay, seed))
    for lay in layouts:
        seed += 1
        add(fp4_quantize_case(lay, seed))
        seed += 1
        add(fp4_dequantize_case(lay, seed))
    for op in ("QuantizeLinear", "DequantizeLinear"):
        for dt, lay in (("uint8", "tensor"), ("int8", "axis1"), ("int16", "block4")):
            seed += 1
            add(f16_case(op, dt, lay, seed))
    for kind in ("mixed", "positive", "negative", "zeros"):
        seed += 1
        add(dynamic_case(kind, seed))
    for ta, tb in (("uint8", "uint8"), ("uint8", "int8"), ("int8", "int8")):
        for lay in ("nozp", "zp-tensor", "zp-col", "zp-col-3d"):
            seed += 1
            add(matmul_integer_case(ta, tb, lay, seed))
    for lay in ("saturating", "saturating-3d"):
        seed += 1
        add(matmul_integer_case("uint8", "int8", lay, seed))
    for tx, tw in (("uint8", "uint8"), ("uint8", "int8")):
        # ONNX Runtime's ConvInteger takes only per-tensor zero points.
        for lay in ("plain", "pad-stride", "group"):
            seed += 1
            add(conv_integer_case(tx, tw, lay, seed))
    # (ONNX Runtime has no uint8 x int8 -> int8 QLinearMatMul.)
    for ta, tb in (("uint8", "uint8"), ("int8", "uint8")):
        seed += 1
        add(matmul_integer_spec_case(ta, tb, seed))
    for tx, tw in (("uint8", "uint8"), ("uint8", "int8")):
        for lay in ("plain", "pad-stride", "group"):
            seed += 1
            add(conv_integer_spec_case(tx, tw, lay, seed))
    for ta, tb, ty in (("uint8", "uint8", "uint8"), ("uint8", "int8", "uint8"),
                       ("int8", "int8", "int8")):
        for lay in ("tensor", "col", "tensor-3d", "col-3d"):
            seed += 1
            add(qlinear_matmul_case(ta, tb, ty, lay, seed))
    for tx, tw, ty in (("uint8", "uint8", "uint8"), ("uint8", "int8", "uint8"),
                       ("int8", "int8", "int8")):
        for lay in ("plain", "plain-channel", "pad-stride-bias",
                    "group-channel-bias"):
            seed += 1
            add(qlinear_conv_case(tx, tw, ty, lay, seed))
    return cases


def read_pb(path):
    t = TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return nh.to_array(t)


def run_case(args, c):
    folder = os.path.join(args.work_dir, c.name)
    c.write(folder)
    model = os.path.join(folder, "model.onnx")
    inputs = [os.path.join(folder, "input_%d.pb" % i) for i in range(len(c.feeds))]
    ref = os.path.join(folder, "ref")
    if c.ref is None or c.ort_check:
        ort_dir = ref if c.ref is None else os.path.join(folder, "ort")
        try:
            ort_run.run(model, inputs, ort_dir)
        except Exception as e:
            return c, False, "ONNX Runtime: " + (str(e).strip().splitlines() or ["?"])[0]
        if c.ort_check:
            for i, t in enumerate(c.ref):
                got = read_pb(os.path.join(ort_dir, "output_%d.pb" % i))
                if not np.array_equal(got, nh.to_array(t)):
                    return c, False, ("oracle cross-check: ONNX Runtime differs from "
                                      "the exact product on output %d" % i)
    p = subprocess.run([args.lpc, "run", model] +
                       inputs + ["--compare-dir", ref, "--rtol", "1e-5",
                                 "--atol", "1e-6"],
                       capture_output=True, text=True)
    if p.returncode != 0 or "compare: PASS" not in p.stdout:
        lines = [l for l in p.stdout.splitlines() if "mismatches=" in l and
                 "mismatches=0/" not in l] or (p.stderr.strip().splitlines() or ["?"])
        return c, False, lines[0]
    return c, True, ""


def check_hazard_model(args, cases):
    """The saturation model, tested on this host: ONNX Runtime's output for
    the saturating MatMulInteger cases must be the exact product on a VNNI
    CPU and the vpmaddubsw emulation's result without VNNI. Returns whether
    both cases behaved as predicted."""
    vnni = intdot.host_has_vnni()
    ok = True
    for c in cases:
        if not c.layout.startswith("saturating"):
            continue
        folder = os.path.join(args.work_dir, c.name)
        inputs = [os.path.join(folder, "input_%d.pb" % i) for i in range(len(c.feeds))]
        ort_run.run(os.path.join(folder, "model.onnx"), inputs, os.path.join(folder, "ort"))
        got = read_pb(os.path.join(folder, "ort", "output_0.pb"))
        a, b = (nh.to_array(t) for t in c.feeds)
        want = nh.to_array(c.ref[0]) if vnni else intdot.maddubs_matmul(a, b)
        if not np.array_equal(got, want):
            ok = False
            print("FAIL %s: ONNX Runtime's result is not the %s" % (
                c.name, "exact product" if vnni else "saturating emulation"))
    print("saturation model on this host (%s): ONNX Runtime's saturating cases "
          "as predicted: %s" % ("VNNI: exact" if vnni else "no VNNI: vpmaddubsw",
                                "yes" if ok else "no"))
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("lpc")
    ap.add_argument("work_dir")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--filter", default="")
    args = ap.parse_args()
    cases = [c for c in all_cases() if re.search(args.filter, c.name)]
    table = collections.OrderedDict()
    failed = 0
    checked = collections.Counter()
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
        for c, ok, why in ex.map(lambda c: run_case(args, c), cases):
            if c.ref is not None and c.op in ("MatMulInteger", "ConvInteger") \
                    and "(spec)" not in c.dtype:
                checked[c.ort_check] += 1
            key = (c.op, c.dtype)
            row = table.setdefault(key, collections.OrderedDict())
            lay = re.sub(r"-(nosat|anyscale)$", "", c.layout)
            p, n = row.get(lay, (0, 0))
            row[lay] = (p + ok, n + 1)
            if not ok:
                failed += 1
                print("FAIL %s: %s" % (c.name, why))
    for (op, dt), row in table.items():
        cells = "  ".join("%s %d/%d" % (lay, p, n) for lay, (p, n) in row.items())
        print("%-22s %-20s %s" % (op, dt, cells))
    print("exact integer oracle: %d cases ort-checked, %d where ONNX Runtime "
          "could saturate" % (checked[True], checked[False]))
    if not check_hazard_model(args, cases):
        failed += 1
    print("qdq matrix: %d passed, %d failed" % (len(cases) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
