"""QONNX models (domain qonnx.custom_op.general) with references computed by
an independent numpy implementation of the QONNX operator formulas (in f32
like QONNX's reference, with the rounding functions evaluated exactly), and
checked against the qonnx package's own reference execution
(qonnx.core.onnx_exec, pinned in scripts/requirements.txt).

usage: qonnx_models.py KIND DIR
  matrix  DIR/{intquant,bipolar,trunc,floatquant}/: one model per operator
          with one output per case, input_0.pb and ref/output_<i>.pb; prints
          the case matrix
  nan     DIR/: NaN and infinity inputs (the documented differences)
  mlp     DIR/: a 3-layer MLP with 3-bit per-channel weights and 8-bit
          activations, input_0.pb and ref/
  ir      DIR/<name>.onnx: small models for the import tests
  errors  DIR/<name>.onnx: invalid models for the diagnostics tests
usage: qonnx_models.py run LPC DIR [LPC_RUN_ARGS...]
  runs lpc on every part under DIR against ref/ and against qonnx's
  execution; prints the matrix
usage: qonnx_models.py qonnx-ref MODEL INPUT.pb OUT_DIR
  writes qonnx's execution of MODEL as OUT_DIR/output_<i>.pb
"""
import json
import os
import sys
from collections import Counter

import numpy as np
from onnx import TensorProto, helper
from onnx import numpy_helper as nh

F32 = np.float32
QDOMAIN = "qonnx.custom_op.general"
MODES = ["ROUND", "CEIL", "FLOOR", "UP", "DOWN", "HALF_UP", "HALF_DOWN"]


# ---------------------------------------------------------------------------
# The oracle: QONNX's formulas (src/qonnx/custom_op/general/*.py, docs/
# qonnx-custom-ops/*.md), f32 arithmetic; rounding evaluated in f64, where it
# is exact for f32 values.
# ---------------------------------------------------------------------------

def rnd(y, mode):
    d = np.asarray(y, np.float64)
    mode = mode.upper()
    if mode in ("ROUND", "HALF_EVEN"):
        r = np.round(d)                                  # half to even
    elif mode == "CEIL":
        r = np.ceil(d)
    elif mode == "FLOOR":
        r = np.floor(d)
    elif mode == "UP":
        r = np.sign(d) * np.ceil(np.abs(d))
    elif mode == "DOWN":
        r = np.fix(d)
    elif mode == "HALF_UP":
        r = np.sign(d) * np.floor(np.abs(d) + 0.5)
    elif mode == "HALF_DOWN":
        r = np.sign(d) * np.ceil(np.abs(d) - 0.5)
    else:
        raise ValueError(mode)
    return r.astype(F32)


def int_range(signed, narrow, bw):
    if signed:
        return -(2 ** (bw - 1)) + (1 if narrow else 0), 2 ** (bw - 1) - 1
    return 0, 2 ** bw - (2 if narrow else 1)


def clamp(y, lo, hi):
    y = np.where(y > hi, F32(hi), y)
    return np.where(y < lo, F32(lo), y).astype(F32)


def int_quant(x, s, z, bw, signed, narrow, mode):
    with np.errstate(all="ignore"):
        y = (x / s).astype(F32) + z
        if bw == 1 and signed:
            y = np.where(y >= 0, F32(1), F32(-1))
        else:
            y = rnd(clamp(y, *int_range(signed, narrow, bw)), mode)
        return ((y - z) * s).astype(F32)


def bipolar_quant(x, s):
    return (np.where(x >= 0, F32(1), F32(-1)) * s).astype(F32)


def trunc_v2(x, s, z, os_, obw, signed, narrow, mode):
    with np.errstate(all="ignore"):
        y = np.round((x / s).astype(F32) + z).astype(F32)
        ts = (F32(2) ** np.round(np.log2((os_ / s).astype(F32)))).astype(F32)
        y = (y / ts).astype(F32)
        y = rnd(clamp(y, *int_range(signed, narrow, obw)), mode)
        return ((y - (z / ts).astype(F32)) * os_).astype(F32)


def trunc_v1(x, s, z, ibw, obw, mode):
    with np.errstate(all="ignore"):
        y = np.round((x / s).astype(F32) + z).astype(F32)
        y = rnd((y / F32(2.0 ** (ibw - obw))).astype(F32), mode)
        return ((y - z) * s).astype(F32)


def float_quant(x, s, e, m, bias, max_val, has_inf, has_nan, saturation, mode):
    """QONNX float_quant with floor(log2|X|) taken exactly (frexp)."""
    with np.errstate(all="ignore"):
        X = (x / s).astype(F32)
        a = np.abs(X.astype(np.float64))
        _, ex = np.frexp(a)
        e_floor = np.where(a > 0, ex - 1, -100000).astype(np.float64)
        internal = np.maximum(e_floor - m, 1.0 - bias - m)
        isc = np.exp2(internal)
        xq = (isc * rnd(X.astype(np.float64) / isc, mode)).astype(np.float64)
        xq = np.where(np.isfinite(X), xq, np.nan)   # QONNX: Inf/isc = NaN
        full = (2.0 - 2.0 ** -m) * 2.0 ** (2 ** e - 1 - bias)
        mx = min(full, float(max_val))
        pmask, nmask = xq > mx, xq < -mx
        xq = np.clip(xq, -mx, mx)
        if not saturation:
            if has_inf:
                xq[pmask], xq[nmask] = np.inf, -np.inf
            else:
                xq[pmask | nmask] = np.nan
        return (xq.astype(F32) * s).astype(F32)


# ---------------------------------------------------------------------------
# Model building
# ---------------------------------------------------------------------------

class Model:
    def __init__(self, x_shape):
        self.x_shape = list(x_shape)
        self.nodes, self.inits, self.outs, self.refs = [], [], [], []
        self.meta = []

    def const(self, value, name=None):
        name = name or "c%d" % len(self.inits)
        self.inits.append(nh.from_array(np.asarray(value), name))
        return name

    def op(self, op, ins, ref, name, meta=None, domain=QDOMAIN, **attrs):
        self.nodes.append(helper.make_node(op, ins, [name], name=name,
                                           domain=domain, **attrs))
        self.outs.append(helper.make_tensor_value_info(
            name, TensorProto.FLOAT, list(ref.shape)))
        self.refs.append(np.asarray(ref, F32))
        self.meta.append(meta)
        return name

    def save(self, d, x, qonnx_opset=1, concat=True, chunk=48):
        """Writes model.onnx, input_0.pb and ref/output_0.pb. With `concat`
        (one node per case, every case of X's shape) the cases go into
        d/part<k>/ in groups of `chunk`, concatenated along axis 0 into one
        output 'y' (lpc compiles a few dozen cases in about a second), with
        cases.json naming them."""
        if not concat:
            self.write(d, x, self.nodes, self.outs, self.refs, self.inits,
                       qonnx_opset)
            return
        inits = {t.name: t for t in self.inits}
        for k in range(0, len(self.outs), chunk):
            nodes, outs = self.nodes[k:k + chunk], self.outs[k:k + chunk]
            ref = np.concatenate(self.refs[k:k + chunk], axis=0)
            nodes = nodes + [helper.make_node(
                "Concat", [o.name for o in outs], ["y"], name="concat", axis=0)]
            need = sorted({i for n in nodes for i in n.input if i in inits})
            part = os.path.join(d, "part%02d" % (k // chunk))
            self.write(part, x, nodes,
                       [helper.make_tensor_value_info("y", TensorProto.FLOAT,
                                                      list(ref.shape))],
                       [ref], [inits[n] for n in need], qonnx_opset)
            with open(os.path.join(part, "cases.json"), "w") as f:
                json.dump({"names": [o.name for o in outs],
                           "meta": self.meta[k:k + chunk],
                           "rows": int(self.x_shape[0])}, f)

    def write(self, d, x, nodes, outs, refs, inits, qonnx_opset):
        os.makedirs(os.path.join(d, "ref"), exist_ok=True)
        g = helper.make_graph(
            nodes, "qonnx",
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, self.x_shape)],
            outs, inits)
        m = helper.make_model(g, opset_imports=[
            helper.make_opsetid("", 17), helper.make_opsetid(QDOMAIN, qonnx_opset)])
        m.ir_version = 8
        with open(os.path.join(d, "model.onnx"), "wb") as f:
            f.write(m.SerializeToString())
        with open(os.path.join(d, "input_0.pb"), "wb") as f:
            f.write(nh.from_array(np.asarray(x, F32), "x").SerializeToString())
        for i, (o, r) in enumerate(zip(outs, refs)):
            with open(os.path.join(d, "ref", "output_%d.pb" % i), "wb") as f:
                f.write(nh.from_array(r, o.name).SerializeToString())


R, C = 8, 24


def test_input(rng, finite=True):
    """Multiples of 1/16 (ties after scales 2^-3..2), random values, large
    values, signed zeros, subnormals and (unless `finite`) infinities."""
    grid = np.arange(-64, 64, dtype=np.float64) / 16
    rand = rng.standard_normal(56) * 4
    special = [1e6, -1e6, 0.0, -0.0, 3e-39, -3e-39, 1000.0, -1000.0]
    if not finite:
        special[:2] = [np.inf, -np.inf]
    x = np.concatenate([grid, rand, special]).astype(F32)
    return rng.permutation(x).reshape(R, C)


def scales(rng, kind, tie):
    """Per-tensor (t), per-column (c1: [1, C]) or per-row (c0: [R, 1])."""
    pow2 = lambda n: (2.0 ** rng.integers(-3, 2, n)).astype(F32)
    anyv = lambda n: (0.05 + rng.random(n) * 0.5).astype(F32)
    if kind == "t":
        return np.asarray(F32(0.125) if tie else F32(0.3))
    n, shape = (C, [1, C]) if kind == "c1" else (R, [R, 1])
    v = pow2(n) if tie else np.where(rng.random(n) < 0.5, pow2(n), anyv(n))
    return v.astype(F32).reshape(shape)


def zeropoints(rng, kind, signed, scale_shape):
    if kind == "0":
        return np.asarray(F32(0))
    if kind == "odd":
        return np.asarray(F32(-1 if signed else 3))
    if kind == "even":
        return np.asarray(F32(2))
    if kind == "frac":
        return np.asarray(F32(0.5))
    # per-channel integers (odd and even), along the scale's channel axis
    shape = list(scale_shape) if np.prod(scale_shape) > 1 else [1, C]
    lo, hi = (-3, 4) if signed else (0, 6)
    return rng.integers(lo, hi, shape).astype(F32)


def matrix_intquant(d):
    rng = np.random.default_rng(7)
    x = test_input(rng, finite=False)
    mdl = Model(x.shape)
    i = 0
    for mode in MODES:
        for signed, narrow in [(1, 0), (1, 1), (0, 0), (0, 1)]:
            for sk in ["t", "c1", "c0"]:
                for zk in ["0", "odd", "frac", "chan"]:
                    for data in ["in", "w"]:
                        bw = 1 + i % 8
                        i += 1
                        s = scales(rng, sk, tie=(i % 3 != 0))
                        z = zeropoints(rng, zk, signed, s.shape)
                        xin = "x" if data == "in" else mdl.const(x)
                        name = "iq_%s_s%dn%d_%s_z%s_b%d_%s" % (
                            mode.lower(), signed, narrow, sk, zk, bw, data)
                        ref = int_quant(x, s, z, bw, signed, narrow, mode)
                        op = "IntQuant" if i % 2 else "Quant"
                        mdl.op(op, [xin, mdl.const(s), mdl.const(z),
                                    mdl.const(F32(bw))], ref, name,
                               signed=signed, narrow=narrow,
                               rounding_mode=mode if i % 5 else mode.lower())
                        mdl.meta[-1] = ("IntQuant", mode, signed, narrow, sk, zk, bw, data)
    # widths past lq's 16-bit integer formats (f32 arithmetic), and 9-16
    for j, bw in enumerate([9, 12, 16, 17, 24, 32]):
        for mode in MODES:
            signed = j % 2
            s = scales(rng, "c1", tie=True) * F32(2.0 ** -8)
            z = np.asarray(F32(0 if mode in ("ROUND", "UP") else 5))
            name = "iq_wide_%s_s%d_b%d" % (mode.lower(), signed, bw)
            ref = int_quant(x, s, z, bw, signed, 0, mode)
            mdl.op("Quant", ["x", mdl.const(s), mdl.const(z),
                             mdl.const(np.int32(bw))], ref, name,
                   signed=signed, narrow=0, rounding_mode=mode)
            mdl.meta[-1] = ("IntQuant", mode, signed, 0, "c1", "z%d" % z, bw, "in")
    mdl.save(d, x)


def matrix_bipolar(d):
    rng = np.random.default_rng(8)
    x = test_input(rng, finite=False)
    mdl = Model(x.shape)
    for sk in ["t", "c1", "c0"]:
        for neg in [False, True]:
            for data in ["in", "w"]:
                s = scales(rng, sk, tie=False) * F32(-1 if neg else 1)
                xin = "x" if data == "in" else mdl.const(x)
                name = "bq_%s_%s_%s" % (sk, "neg" if neg else "pos", data)
                mdl.op("BipolarQuant", [xin, mdl.const(s)], bipolar_quant(x, s),
                       name)
                mdl.meta[-1] = ("BipolarQuant", "-", 1, 0, sk, "0", 1, data)
    mdl.save(d, x)


def matrix_trunc(d):
    """Trunc v2 (6 inputs) in models of qonnx opset 2, v1 in opset 1, as qonnx
    resolves the version from the opset import."""
    rng = np.random.default_rng(9)
    x = test_input(rng, finite=False) * F32(4)
    mdl = Model(x.shape)
    mdl1 = Model(x.shape)
    i = 0
    for mode in MODES:
        for signed, narrow in [(1, 0), (1, 1), (0, 0), (0, 1)]:
            for sk in ["t", "c1"]:
                for zk in ["0", "odd", "frac"]:
                    obw = 1 + i % 8
                    i += 1
                    s = np.asarray(F32(0.125))
                    # out_scale / scale = 4 (exact) or 3.1 (rounds to 4)
                    if sk == "t":
                        os_ = np.asarray(F32(0.5 if i % 2 else 0.3875))
                    else:
                        os_ = (F32(0.125) * F32(2.0) ** rng.integers(-1, 4, [1, C])
                               ).astype(F32)
                    z = zeropoints(rng, zk, signed, s.shape)
                    name = "tr2_%s_s%dn%d_%s_z%s_b%d" % (
                        mode.lower(), signed, narrow, sk, zk, obw)
                    ref = trunc_v2(x, s, z, os_, obw, signed, narrow, mode)
                    mdl.op("Trunc", ["x", mdl.const(s), mdl.const(z),
                                     mdl.const(F32(12)), mdl.const(os_),
                                     mdl.const(F32(obw))], ref, name,
                           signed=signed, narrow=narrow, rounding_mode=mode)
                    mdl.meta[-1] = ("Trunc v2", mode, signed, narrow, sk, zk, obw, "in")
        for zk in ["0", "odd", "frac"]:
            for ibw, obw in [(8, 4), (6, 6), (4, 8)]:
                s = np.asarray(F32(0.125))
                z = zeropoints(rng, zk, 1, s.shape)
                name = "tr1_%s_z%s_%d_%d" % (mode.lower(), zk, ibw, obw)
                ref = trunc_v1(x, s, z, ibw, obw, mode)
                mdl1.op("Trunc", ["x", mdl1.const(s), mdl1.const(z),
                                  mdl1.const(F32(ibw)), mdl1.const(F32(obw))],
                        ref, name, rounding_mode=mode)
                mdl1.meta[-1] = ("Trunc v1", mode, 1, 0, "t", zk, obw, "in")
    mdl.save(os.path.join(d, "v2"), x, qonnx_opset=2)
    mdl1.save(os.path.join(d, "v1"), x, qonnx_opset=1)


# (E, M, bias, max_val, has_inf, has_nan, saturation)
FLOAT_FORMATS = [
    ("e4m3fn", 4, 3, 7, 448.0, 0, 1, 1),
    ("e5m2", 5, 2, 15, 57344.0, 1, 1, 1),
    ("e4m3full", 4, 3, 7, 480.0, 0, 0, 1),
    ("e2m1", 2, 1, 1, 6.0, 0, 0, 1),
    ("e3m2", 3, 2, 3, 28.0, 0, 0, 1),
    ("e4m3b4", 4, 3, 4, 1e9, 0, 0, 1),
    ("e3m0", 3, 0, 3, 16.0, 0, 0, 1),
    ("e4m3clip300", 4, 3, 7, 300.0, 0, 0, 1),
    ("e5m2inf_nosat", 5, 2, 15, 57344.0, 1, 1, 0),
    ("e4m3fn_nosat", 4, 3, 7, 448.0, 0, 1, 0),
]


def matrix_floatquant(d):
    rng = np.random.default_rng(10)
    x = test_input(rng) * F32(16)
    mdl = Model(x.shape)
    for fname, e, m, bias, mv, hinf, hnan, sat in FLOAT_FORMATS:
        for mode in MODES:
            for sk in ["t", "c1", "c0"]:
                s = scales(rng, sk, tie=True)
                name = "fq_%s_%s_%s" % (fname, mode.lower(), sk)
                ref = float_quant(x, s, e, m, bias, mv, hinf, hnan, sat, mode)
                mdl.op("FloatQuant", ["x", mdl.const(s), mdl.const(F32(e)),
                                      mdl.const(F32(m)), mdl.const(F32(bias)),
                                      mdl.const(F32(mv))], ref, name,
                       has_inf=hinf, has_nan=hnan, has_subnormal=1,
                       saturation=sat, rounding_mode=mode)
                mdl.meta[-1] = ("FloatQuant", mode, 1, 0, sk, fname, e + m + 1, "in")
    mdl.save(d, x)


def matrix(d):
    matrix_intquant(os.path.join(d, "intquant"))
    matrix_bipolar(os.path.join(d, "bipolar"))
    matrix_trunc(os.path.join(d, "trunc"))
    matrix_floatquant(os.path.join(d, "floatquant"))


def qonnx_execute(model_path, inputs):
    """Runs a model with qonnx's reference execution (its custom-op
    implementations node by node, standard nodes through ONNX Runtime);
    returns the graph outputs in order."""
    from qonnx.core.modelwrapper import ModelWrapper
    from qonnx.core.onnx_exec import execute_onnx
    from qonnx.transformation.infer_shapes import InferShapes
    m = ModelWrapper(model_path).transform(InferShapes())
    feeds = {i.name: v for i, v in zip(m.graph.input, inputs)}
    with np.errstate(all="ignore"):
        out = execute_onnx(m, feeds)
    return [np.asarray(out[o.name]) for o in m.graph.output]


def qonnx_ref(model_path, input_path, out_dir):
    from onnx import load_tensor
    outs = qonnx_execute(model_path, [nh.to_array(load_tensor(input_path))])
    os.makedirs(out_dir, exist_ok=True)
    for i, y in enumerate(outs):
        with open(os.path.join(out_dir, "output_%d.pb" % i), "wb") as f:
            f.write(nh.from_array(y.astype(F32), "output_%d" % i).SerializeToString())
    print("qonnx reference execution: wrote %d outputs" % len(outs))


def qonnx_known_difference(meta):
    """Why qonnx's execution may differ from lpc on a case, or None. qonnx
    rounds HALF_UP / HALF_DOWN as sign(y) * floor(|y| + 0.5) in
    f32, which is inexact once |y| + 0.5 exceeds 2^23 (24-bit and wider
    codes); the oracle here and lpc round exactly."""
    op, mode, signed, narrow, sk, zk, bw, data = meta
    if op == "IntQuant" and mode in ("HALF_UP", "HALF_DOWN") and bw >= 24:
        return "qonnx's f32 half rounding beyond 2^23"
    # `nan` cases (mode holds the case name) where lpc follows
    # docs/Semantics.md rather than QONNX on NaN / Inf (docs/Rationale.md).
    if op == "NaN/Inf" and mode in ("iq_z0", "tr2_z0", "fq_e4m3fn", "fq_e2m1"):
        return "lpc's documented NaN/Inf semantics"
    return None


def bits_equal(a, b):
    """Equal f32 values (NaN matches NaN, -0 matches +0), elementwise."""
    return (a == b) | (np.isnan(a) & np.isnan(b))


def run(lpc, d, *lpc_args):
    """Runs `lpc run` on every part under DIR (lpc's own comparison with
    --rtol 0 --atol 0, then --output-dir), compares case by case and prints
    the matrix: cases and exactly matching cases per operator and rounding
    mode, then the other dimensions covered. Exit status 1 on a mismatch."""
    import subprocess
    from onnx import load_tensor
    rows, total, bad = {}, Counter(), []
    dims = {k: Counter() for k in ["signed/narrow", "scales", "zero points",
                                    "bits", "data"]}
    parts = sorted(os.path.dirname(os.path.join(r, f))
                   for r, _, fs in os.walk(d) for f in fs if f == "cases.json")
    lpc_pass = 0
    qonnx = Counter()
    for part in parts:
        with open(os.path.join(part, "cases.json")) as f:
            cases = json.load(f)
        p = subprocess.run(
            [lpc, "run", os.path.join(part, "model.onnx"),
             os.path.join(part, "input_0.pb"), "--compare-dir",
             os.path.join(part, "ref"), "--rtol", "0", "--atol", "0",
             "--output-dir", os.path.join(part, "out")] + list(lpc_args),
            capture_output=True, text=True)
        lpc_pass += "compare: PASS" in p.stdout
        if p.returncode not in (0, 2):
            print("lpc failed on %s:\n%s" % (part, p.stderr))
            sys.exit(1)
        got = nh.to_array(load_tensor(os.path.join(part, "out", "output_0.pb")))
        ref = nh.to_array(load_tensor(os.path.join(part, "ref", "output_0.pb")))
        qx = qonnx_execute(os.path.join(part, "model.onnx"), [
            nh.to_array(load_tensor(os.path.join(part, "input_0.pb")))])[0]
        r = cases["rows"]
        for i, (name, meta) in enumerate(zip(cases["names"], cases["meta"])):
            op, mode, signed, narrow, sk, zk, bw, data = meta
            g, e = got[i * r:(i + 1) * r], ref[i * r:(i + 1) * r]
            ok = bool(bits_equal(g, e).all())
            q = qx[i * r:(i + 1) * r]
            if bits_equal(g, q).all():
                qonnx["agree"] += 1
            elif qonnx_known_difference(meta):
                qonnx["known"] += 1
            else:
                qonnx["unexplained"] += 1
                bad.append("%s: qonnx's execution differs from lpc in %d of %d elements" % (
                    name, int((~bits_equal(g, q)).sum()), q.size))
            row = rows.setdefault((op, mode), [0, 0, 0])
            row[0] += 1
            row[1] += ok
            row[2] += e.size
            if not ok:
                bad.append("%s: %d of %d elements differ" % (
                    name, int((~bits_equal(g, e)).sum()), e.size))
            dims["signed/narrow"]["s%dn%d" % (signed, narrow)] += 1
            dims["scales"][sk] += 1
            dims["zero points"][zk] += 1
            dims["bits"][bw] += 1
            dims["data"][data] += 1
    print("%-13s %-10s %6s %6s %8s" % ("op", "rounding", "cases", "exact", "elements"))
    for (op, mode), (n, ok, el) in rows.items():
        print("%-13s %-10s %6d %6d %8d" % (op, mode, n, ok, el))
        total["cases"] += n
        total["exact"] += ok
    for k, c in dims.items():
        print("%s: %s" % (k, " ".join("%s=%d" % (v, c[v]) for v in sorted(c, key=str))))
    print("lpc compare: %d of %d parts PASS" % (lpc_pass, len(parts)))
    print("qonnx execution: %d cases agree with lpc, %d differ as documented, "
          "%d unexplained" % (qonnx["agree"], qonnx["known"], qonnx["unexplained"]))
    print("total: %d cases, %d exact" % (total["cases"], total["exact"]))
    for line in bad:
        print("MISMATCH %s" % line)
    sys.exit(1 if bad else 0)


def nan(d):
    """NaN and Inf inputs. Outputs (in order): IntQuant with zero point 0
    (lq.quantize: NaN -> code 0), IntQuant with zero point 3 (explicit
    arithmetic: NaN), IntQuant 1-bit signed (NaN -> -1), IntQuant of constant
    data (folded: NaN elements take the explicit path), BipolarQuant, Trunc v2
    with zero point 0 (lq: NaN -> 0), FloatQuant E4M3FN (NaN code), FloatQuant
    without NaN (NaN -> max, Inf -> max where QONNX gives NaN)."""
    x = np.array([[np.nan, -np.nan, 1.5, -2.5, np.inf, -np.inf, 0.0, 7.0]], F32)
    mdl = Model(x.shape)
    s, z0, z3 = np.asarray(F32(0.5)), np.asarray(F32(0)), np.asarray(F32(3))
    b4 = F32(4)
    IQ = {"signed": 1, "narrow": 0, "rounding_mode": "ROUND"}
    mdl.op("Quant", ["x", mdl.const(s), mdl.const(z0), mdl.const(b4)],
           int_quant(x, s, z0, 4, 1, 0, "ROUND"), "iq_z0", **IQ)
    mdl.op("Quant", ["x", mdl.const(s), mdl.const(z3), mdl.const(b4)],
           int_quant(x, s, z3, 4, 1, 0, "ROUND"), "iq_z3", **IQ)
    mdl.op("Quant", ["x", mdl.const(s), mdl.const(z0), mdl.const(F32(1))],
           int_quant(x, s, z0, 1, 1, 0, "ROUND"), "iq_b1", **IQ)
    mdl.op("Quant", [mdl.const(x), mdl.const(s), mdl.const(z0), mdl.const(b4)],
           int_quant(x, s, z0, 4, 1, 0, "ROUND"), "iq_const", **IQ)
    mdl.op("BipolarQuant", ["x", mdl.const(s)], bipolar_quant(x, s), "bq")
    mdl.op("Trunc", ["x", mdl.const(s), mdl.const(z0), mdl.const(F32(8)),
                     mdl.const(F32(2)), mdl.const(F32(4))],
           trunc_v2(x, s, z0, F32(2), 4, 1, 0, "FLOOR"), "tr2_z0",
           rounding_mode="FLOOR")
    mdl.op("FloatQuant", ["x", mdl.const(s), mdl.const(F32(4)), mdl.const(F32(3)),
                          mdl.const(F32(7)), mdl.const(F32(448))],
           float_quant(x, s, 4, 3, 7, 448, 0, 1, 1, "ROUND"), "fq_e4m3fn",
           has_inf=0, has_nan=1, has_subnormal=1, saturation=1, rounding_mode="ROUND")
    mdl.op("FloatQuant", ["x", mdl.const(s), mdl.const(F32(2)), mdl.const(F32(1)),
                          mdl.const(F32(1)), mdl.const(F32(6))],
           float_quant(x, s, 2, 1, 1, 6, 0, 0, 1, "ROUND"), "fq_e2m1",
           has_inf=0, has_nan=0, has_subnormal=1, saturation=1, rounding_mode="ROUND")
    mdl.meta = [("NaN/Inf", o.name, 1, 0, "t", "-", 0, "in") for o in mdl.outs]
    mdl.save(d, x, qonnx_opset=2)  # Trunc v2


def mlp(d):
    """x -> Quant(8b signed) -> MatMul(Quant 3b W1, per-column) + b1 -> Relu
    -> Quant(8b unsigned) -> Gemm(transB, Quant 3b W2 per-row) + b2 -> Relu
    -> Quant(8b unsigned) -> MatMul(Quant 3b W3 narrow) + b3."""
    rng = np.random.default_rng(11)
    B, D0, D1, D2, D3 = 4, 64, 48, 32, 10
    x = rng.standard_normal((B, D0)).astype(F32)
    mdl = Model(x.shape)
    nodes = mdl.nodes

    def q(inp, ref, s, z, bw, name, signed=1, narrow=0, mode="ROUND"):
        nodes.append(helper.make_node(
            "Quant", [inp, mdl.const(s, name + "_s"), mdl.const(z, name + "_z"),
                      mdl.const(F32(bw), name + "_b")], [name], name=name,
            domain=QDOMAIN, signed=signed, narrow=narrow, rounding_mode=mode))
        return name, int_quant(ref, s, z, bw, signed, narrow, mode)

    def matmul(a, b):  # k ascending from 0.0, every operation rounded to f32
        acc = np.zeros((a.shape[0], b.shape[1]), F32)
        for k in range(a.shape[1]):
            acc = (acc + (a[:, k:k + 1] * b[k:k + 1, :]).astype(F32)).astype(F32)
        return acc

    def layer(h, href, din, dout, i, gemm, relu, act_quant):
        w = (rng.standard_normal((dout, din) if gemm else (din, dout)) /
             np.sqrt(din)).astype(F32)
        w_name = mdl.const(w, "w%d" % i)
        if gemm:   # per-output-channel scale along axis 0 of the [N, K] weight
            ws = (np.abs(w).max(axis=1, keepdims=True) / 3).astype(F32)
        else:      # per-output-channel scale along axis 1 of the [K, N] weight
            ws = (np.abs(w).max(axis=0, keepdims=True) / 3).astype(F32)
        wq, wref = q(w_name, w, ws, F32(0), 3, "wq%d" % i, narrow=int(i == 3))
        bias = (rng.standard_normal(dout) * 0.1).astype(F32)
        b_name = mdl.const(bias, "b%d" % i)
        if gemm:
            y = "gemm%d" % i
            nodes.append(helper.make_node("Gemm", [h, wq, b_name], [y], name=y,
                                          transB=1))
            yref = (matmul(href, wref.T) + bias).astype(F32)
        else:
            mm = "mm%d" % i
            nodes.append(helper.make_node("MatMul", [h, wq], [mm], name=mm))
            y = "add%d" % i
            nodes.append(helper.make_node("Add", [mm, b_name], [y], name=y))
            yref = (matmul(href, wref) + bias).astype(F32)
        if relu:
            r = "relu%d" % i
            nodes.append(helper.make_node("Relu", [y], [r], name=r))
            y, yref = r, np.maximum(yref, F32(0))
        if act_quant:
            y, yref = q(y, yref, F32(act_quant), F32(0), 8, "aq%d" % i,
                        signed=0)
        return y, yref

    h, href = q("x", x, F32(1 / 32), F32(0), 8, "xq")
    h, href = layer(h, href, D0, D1, 1, False, True, 0.05)
    h, href = layer(h, href, D1, D2, 2, True, True, 0.05)
    h, href = layer(h, href, D2, D3, 3, False, False, None)
    mdl.outs.append(helper.make_tensor_value_info(h, TensorProto.FLOAT, [B, D3]))
    mdl.refs.append(href)
    mdl.save(d, x, concat=False)


def ir(d):
    """Small models whose imported IR the lit tests check."""
    os.makedirs(d, exist_ok=True)

    def save(name, nodes, inits, x_shape=(4, 6), out_shape=None, opset=1,
             domain=QDOMAIN):
        g = helper.make_graph(
            nodes, name,
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(x_shape))],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT,
                                           list(out_shape or x_shape))],
            [nh.from_array(np.asarray(v), k) for k, v in inits.items()])
        m = helper.make_model(g, opset_imports=[
            helper.make_opsetid("", 17), helper.make_opsetid(domain, opset)])
        m.ir_version = 8
        with open(os.path.join(d, name + ".onnx"), "wb") as f:
            f.write(m.SerializeToString())

    def node(op, ins, domain=QDOMAIN, out="y", **attrs):
        return helper.make_node(op, ins, [out], name="n", domain=domain, **attrs)

    col = np.array([[0.5, 0.25, 0.125, 1.0, 2.0, 0.5]], F32)      # [1, 6]
    row = np.array([[0.5], [0.25], [1.0], [0.125]], F32)          # [4, 1]
    w = np.array([[0.3, -1.2, 0.7, 2.5, -0.1, 0.0],
                  [1.0, -0.5, 0.25, -2.0, 0.6, -0.9],
                  [0.2, 0.4, -0.6, 0.8, -1.0, 1.2],
                  [-0.05, 0.05, 0.15, -0.15, 0.35, -0.35]], F32)
    # activation, zero point 0, per-column scale -> lq.quantize/dequantize
    save("quant_act", [node("Quant", ["x", "s", "z", "b"], signed=1, narrow=0,
                            rounding_mode="HALF_UP")],
         {"s": col, "z": F32(0), "b": F32(3)})
    # weights (constant data) -> folded 3-bit codes, per-row scale
    save("quant_weight", [node("Quant", ["w", "s", "z", "b"], signed=1, narrow=1,
                               rounding_mode="ROUND", out="y0"),
                          helper.make_node("Add", ["x", "y0"], ["y"], name="add")],
         {"w": w, "s": row, "z": F32(0), "b": np.int32(3)})
    # odd zero point on an activation: explicit x/s + z
    save("quant_zp", [node("Quant", ["x", "s", "z", "b"], signed=0, narrow=0,
                           rounding_mode="floor")],
         {"s": F32(0.25), "z": F32(3), "b": F32(4)})
    save("quant_wide", [node("Quant", ["x", "s", "z", "b"], signed=1, narrow=0)],
         {"s": F32(2.0 ** -20), "z": F32(0), "b": F32(24)})
    save("quant_b1", [node("IntQuant", ["x", "s", "z", "b"], domain="finn.custom_op.general",
                           signed=1, narrow=0)],
         {"s": F32(0.5), "z": F32(0), "b": F32(1)}, domain="finn.custom_op.general")
    save("bipolar", [node("BipolarQuant", ["x", "s"])], {"s": row})
    save("trunc_v2", [node("Trunc", ["x", "s", "z", "ib", "os", "ob"],
                           signed=1, narrow=0, rounding_mode="FLOOR")],
         {"s": F32(0.125), "z": F32(0), "ib": F32(12), "os": F32(1.0),
          "ob": F32(4)}, opset=2)
    save("trunc_v1", [node("Trunc", ["x", "s", "z", "ib", "ob"])],
         {"s": F32(0.125), "z": F32(0), "ib": F32(8), "ob": F32(4)})
    save("floatquant_fp8", [node("FloatQuant", ["x", "s", "e", "m", "bias", "mv"],
                                 has_nan=1)],
         {"s": col, "e": F32(4), "m": F32(3), "bias": F32(7), "mv": F32(448)})
    save("floatquant_e5m2", [node("FloatQuant", ["x", "s", "e", "m", "bias", "mv"],
                                  has_inf=1, has_nan=1, saturation=0)],
         {"s": F32(1), "e": F32(5), "m": F32(2), "bias": F32(15), "mv": F32(57344)})
    save("floatquant_clip", [node("FloatQuant", ["x", "s", "e", "m", "bias", "mv"])],
         {"s": F32(1), "e": F32(4), "m": F32(3), "bias": F32(7), "mv": F32(300)})


def errors(d):
    """Invalid models: each one's error names its node."""
    os.makedirs(d, exist_ok=True)

    def save(name, op, ins, inits, extra_inputs=(), **attrs):
        g = helper.make_graph(
            [helper.make_node(op, ins, ["y"], name="bad", domain=QDOMAIN, **attrs)],
            name,
            [helper.make_tensor_value_info(n, TensorProto.FLOAT, s)
             for n, s in [("x", [4, 6])] + list(extra_inputs)],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4, 6])],
            [nh.from_array(np.asarray(v), k) for k, v in inits.items()])
        m = helper.make_model(g, opset_imports=[
            helper.make_opsetid("", 17), helper.make_opsetid(QDOMAIN, 1)])
        m.ir_version = 8
        with open(os.path.join(d, name + ".onnx"), "wb") as f:
            f.write(m.SerializeToString())

    q = {"s": F32(0.5), "z": F32(0), "b": F32(4)}
    save("bitwidth_input", "Quant", ["x", "s", "z", "bw"], {"s": F32(0.5), "z": F32(0)},
         extra_inputs=[("bw", [])])
    save("bitwidth_frac", "Quant", ["x", "s", "z", "b"], dict(q, b=F32(2.5)))
    save("bitwidth_zero", "Quant", ["x", "s", "z", "b"], dict(q, b=F32(0)))
    save("bitwidth_big", "Quant", ["x", "s", "z", "b"], dict(q, b=F32(65)))
    save("bitwidth_vector", "Quant", ["x", "s", "z", "b"], dict(q, b=np.array([4, 4], F32)))
    save("rounding", "Quant", ["x", "s", "z", "b"], q, rounding_mode="NEAREST")
    save("signed", "Quant", ["x", "s", "z", "b"], q, signed=2)
    save("missing_zeropt", "Quant", ["x", "s"], q)
    save("int_scale", "Quant", ["x", "s", "z", "b"], dict(q, s=np.int32(2)))
    save("broadcast", "Quant", ["x", "s", "z", "b"], dict(q, s=np.ones([3], F32)))
    save("trunc_inputs", "Trunc", ["x", "s", "z", "b"], q)
    save("trunc_scale_input", "Trunc", ["x", "s", "z", "b", "os", "b"],
         q, extra_inputs=[("os", [])])
    save("trunc_ratio", "Trunc", ["x", "s", "z", "b", "os", "b"], dict(q, os=F32(-1)))
    save("bipolar_broadcast", "BipolarQuant", ["x", "s"], {"s": np.ones([3], F32)})
    save("trunc_v1_shift", "Trunc", ["x", "s", "z", "ib", "ob"],
         dict(q, ib=F32(200), ob=F32(2)))
    tq = dict(q, os=F32(1), ob=F32(2))
    save("trunc_v2_broadcast", "Trunc", ["x", "s", "z", "b", "os", "ob"],
         dict(tq, s=np.ones([3], F32)))
    save("trunc_v2_outbits", "Trunc", ["x", "s", "z", "b", "os", "ob"], dict(tq, ob=F32(0)))
    save("trunc_v2_shift", "Trunc", ["x", "s", "z", "b", "os", "ob"],
         dict(tq, s=F32(1), os=F32(3e38)))
    fq = {"s": F32(1), "e": F32(4), "m": F32(3), "bias": F32(7), "mv": F32(448)}
    save("fq_maxval", "FloatQuant", ["x", "s", "e", "m", "bias", "mv"], dict(fq, mv=F32(-1)))
    save("fq_nosat", "FloatQuant", ["x", "s", "e", "m", "bias", "mv"], fq, saturation=0)
    save("fq_nosat_max", "FloatQuant", ["x", "s", "e", "m", "bias", "mv"],
         dict(fq, mv=F32(300)), saturation=0, has_nan=1)
    save("fq_wide", "FloatQuant", ["x", "s", "e", "m", "bias", "mv"], dict(fq, e=F32(9)))
    save("fq_bias", "FloatQuant", ["x", "s", "e", "m", "bias", "mv"],
         dict(fq, bias=F32(-200)))
    save("fq_scale_shape", "FloatQuant", ["x", "s", "e", "m", "bias", "mv"],
         dict(fq, s=np.ones([2, 4, 6], F32)))


if __name__ == "__main__":
    if sys.argv[1] == "run":
        run(*sys.argv[2:])
    if sys.argv[1] == "qonnx-ref":
        qonnx_ref(*sys.argv[2:])
        sys.exit(0)
    kind, out = sys.argv[1], sys.argv[2]
    {"matrix": matrix, "nan": nan, "mlp": mlp, "ir": ir,
     "errors": errors}[kind](out)
