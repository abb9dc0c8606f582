"""Models with com.microsoft MatMulNBits for the lpc tests, and an
independent numpy model of the operator.

MatMulNBits (ONNX Runtime contrib op): Y = A @ W^T (+ bias), where W[n, k] =
(q[n, k] - zp[n, k // block_size]) * scale[n, k // block_size] and q is read
from B[n, k // block_size, :], a blob of block_size * bits / 8 bytes holding
the block's codes densely, least significant bit first. Packed uint8 zero
points hold the k_blocks codes of a row densely in ceil(k_blocks * bits / 8)
bytes the same way; float zero points are (N, k_blocks) of A's type.

usage:
  nbits_models.py cases DIR ZPS BITS...
      one model with the cases of the test matrix for each width in BITS and
      zero-point form in ZPS (comma-separated: none, packed, float), one
      input per case (DIR/input_<i>.pb), their names in DIR/cases.txt and the
      numpy model's outputs in DIR/numpy_ref/output_<i>.pb
      and with the bits of each byte read in reverse in DIR/msb_ref
  nbits_models.py summary FILE
      the matrix of passing cases from the output of `lpc run --compare-dir`
  nbits_models.py caught DIR OUT
      how many of lpc's outputs OUT/output_<i>.pb differ from DIR/msb_ref
  nbits_models.py bound OUT ZPS BITS...
      whether lpc's outputs OUT/output_<i>.pb for the cases of `cases ZPS
      BITS` are within docs/Semantics.md's bound for reordered f32 sums
      (test/lib/fbound.py) of the exact A @ W^T (+ bias), and how many equal
      the k-ascending numpy model bit for bit
  nbits_models.py import DIR     small models for the FileCheck tests
  nbits_models.py errors DIR     malformed nodes, DIR/<name>.onnx
  nbits_models.py block DIR [ACCURACY_LEVEL]
                                 a W4 transformer block (model.onnx, input_0.pb)
  nbits_models.py qdq DIR        com.microsoft QuantizeLinear -> DequantizeLinear
                                 for every code type, per tensor and per axis
"""
import os
import re
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper
from onnx import numpy_helper as nh

F = TensorProto.FLOAT
MS = "com.microsoft"


def pack_bits(codes, bits, nbytes):
    """Packs the last axis of `codes` densely, LSB first, into `nbytes` bytes
    (zero bits past the last code)."""
    codes = np.asarray(codes, np.int64)
    lead = codes.shape[:-1]
    bitv = (codes[..., :, None] >> np.arange(bits)) & 1  # [..., L, bits]
    bitv = bitv.reshape(lead + (-1,))
    pad = nbytes * 8 - bitv.shape[-1]
    assert pad >= 0
    bitv = np.concatenate([bitv, np.zeros(lead + (pad,), np.int64)], axis=-1)
    bitv = bitv.reshape(lead + (nbytes, 8))
    return (bitv << np.arange(8)).sum(axis=-1).astype(np.uint8)


def unpack_bits(packed, bits, count, msb_first=False):
    """The first `count` codes of the bytes on the last axis of `packed`
    (LSB first; `msb_first` reads each byte's bits in the opposite order, a
    deliberately wrong layout for the negative control)."""
    order = np.arange(8)[::-1] if msb_first else np.arange(8)
    bitv = (packed.astype(np.int64)[..., :, None] >> order) & 1
    bitv = bitv.reshape(packed.shape[:-1] + (-1,))[..., :count * bits]
    bitv = bitv.reshape(packed.shape[:-1] + (count, bits))
    return (bitv << np.arange(bits)).sum(axis=-1)


class Case:
    """One MatMulNBits node with random weights."""

    def __init__(self, rng, name, bits, bs, a_shape, n, zp="none", bias=False,
                 scale_1d=False, zp_1d=False, neg_scales=False):
        self.name, self.bits, self.bs, self.n = name, bits, bs, n
        self.a_shape = tuple(a_shape)
        k = self.k = a_shape[-1]
        kb = self.kb = (k + bs - 1) // bs
        self.q = rng.integers(0, 1 << bits, (n, k))
        # Weights of magnitude about 1/sqrt(K) whatever the width, as a
        # quantizer would choose the scales.
        s = rng.uniform(0.5, 1.5, (n, kb)) * 2.0 / (np.sqrt(k) * (1 << (bits - 1)))
        if neg_scales:
            s *= rng.choice([-1.0, 1.0], (n, kb))
        self.scales = s.astype(np.float32)
        self.zp_kind = zp
        if zp == "none":
            self.zp = np.full((n, kb), 1 << (bits - 1))
        elif zp == "packed":
            self.zp = rng.integers(0, 1 << bits, (n, kb))
        else:  # float zero points, not integers
            self.zp = (rng.uniform(0, (1 << bits) - 1, (n, kb))).astype(np.float32)
        self.bias = (rng.standard_normal(n) * 0.1).astype(np.float32) if bias else None
        self.scale_1d, self.zp_1d = scale_1d, zp_1d
        self.a = rng.standard_normal(self.a_shape).astype(np.float32)

    def inits(self):
        bits, bs, kb, n = self.bits, self.bs, self.kb, self.n
        q = np.zeros((n, kb * bs), np.int64)
        q[:, :self.k] = self.q
        b = pack_bits(q.reshape(n, kb, bs), bits, bs * bits // 8)
        out = [nh.from_array(b, self.name + "_B")]
        s = self.scales.reshape(-1) if self.scale_1d else self.scales
        out.append(nh.from_array(s, self.name + "_s"))
        ins = [self.name + "_x", self.name + "_B", self.name + "_s"]
        if self.zp_kind == "packed":
            z = pack_bits(self.zp, bits, (kb * bits + 7) // 8)
            if self.zp_1d:
                z = z.reshape(-1)
            out.append(nh.from_array(z, self.name + "_zp"))
            ins.append(self.name + "_zp")
        elif self.zp_kind == "float":
            out.append(nh.from_array(self.zp, self.name + "_zp"))
            ins.append(self.name + "_zp")
        if self.bias is not None:
            ins += ["", ""] if len(ins) == 3 else [""]
            out.append(nh.from_array(self.bias, self.name + "_bias"))
            ins.append(self.name + "_bias")
        return ins, out

    def node(self, **extra):
        ins, _ = self.inits()
        attrs = dict(K=self.k, N=self.n, bits=self.bits, block_size=self.bs)
        attrs.update(extra)
        return helper.make_node("MatMulNBits", ins, [self.name], name=self.name,
                                domain=MS, **attrs)

    def codes(self, msb_first=False):
        """The codes as read back from the packed B."""
        b = nh.to_array(self.inits()[1][0])
        q = unpack_bits(b, self.bits, self.bs, msb_first)
        return q.reshape(self.n, -1)[:, :self.k]

    def weights(self, msb_first=False):
        """W (N x K, f32) as ORT defines it: (q - zp) * scale, with a float
        zero point as q * scale + (-scale * zp)."""
        bs = self.bs
        q = self.codes(msb_first)
        s = np.repeat(self.scales, bs, axis=1)[:, :self.k]
        if self.zp_kind == "float":
            o = (-self.scales * self.zp).astype(np.float32)
            o = np.repeat(o, bs, axis=1)[:, :self.k]
            return (q.astype(np.float32) * s).astype(np.float32) + o
        z = np.repeat(self.zp, bs, axis=1)[:, :self.k]
        return (q - z).astype(np.float32) * s

    def reference(self, msb_first=False):
        """A @ W^T (+ bias) in f32, k ascending, every product and sum
        rounded to f32."""
        assert np.array_equal(self.codes(), self.q)
        w = self.weights(msb_first)
        a = self.a.reshape(-1, self.k)
        acc = np.zeros((a.shape[0], self.n), np.float32)
        for k in range(self.k):
            acc = (acc + (a[:, k:k + 1] * w[None, :, k])).astype(np.float32)
        if self.bias is not None:
            acc = (acc + self.bias).astype(np.float32)
        return acc.reshape(self.a_shape[:-1] + (self.n,))


def model(nodes, inits, inputs, outputs, opset=17):
    g = helper.make_graph(nodes, "g", inputs, outputs, inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset),
                                            helper.make_opsetid(MS, 1)])
    m.ir_version = 8
    return m


def save_cases(out, cases, **attrs):
    nodes, inits, inputs, outputs = [], [], [], []
    for c in cases:
        nodes.append(c.node(**attrs))
        inits += c.inits()[1]
        inputs.append(helper.make_tensor_value_info(c.name + "_x", F, list(c.a_shape)))
        outputs.append(helper.make_tensor_value_info(
            c.name, F, list(c.a_shape[:-1]) + [c.n]))
    os.makedirs(out, exist_ok=True)
    onnx.save(model(nodes, inits, inputs, outputs), os.path.join(out, "model.onnx"))
    for i, c in enumerate(cases):
        with open(os.path.join(out, "input_%d.pb" % i), "wb") as f:
            f.write(nh.from_array(c.a, c.name + "_x").SerializeToString())
    with open(os.path.join(out, "cases.txt"), "w") as f:
        for c in cases:
            f.write(c.name + "\n")


def matrix_cases(bits_list, zps=("none", "packed", "float"), blocks=(16, 32, 64, 128, 256)):
    """For every width, block size and zero-point form: M = 1 with K a
    multiple of the block; M = 5 with a partial last block and a bias; a
    rank-3 A with a partial block, a bias and the 1-D scale form."""
    rng = np.random.default_rng(7)
    cases = []
    for bits in bits_list:
        for bs in blocks:
            for zp in zps:
                tag = "b%d_bs%d_%s" % (bits, bs, zp)
                cases.append(Case(rng, tag + "_m1", bits, bs, (1, 2 * bs), 8, zp))
                cases.append(Case(rng, tag + "_m5_partial_bias", bits, bs,
                                  (5, 2 * bs + bs // 2 + 3), 12, zp, bias=True,
                                  neg_scales=True))
                cases.append(Case(rng, tag + "_rank3", bits, bs, (2, 3, bs + 5), 6, zp,
                                  bias=True, scale_1d=True, zp_1d=True))
    return cases


def caught(d, out):
    """Counts the cases whose lpc output (OUT/output_<i>.pb) differs from
    the numpy model with the bits of every byte read in reverse order."""
    names = open(os.path.join(d, "cases.txt")).read().split()
    bad = 0
    for i, name in enumerate(names):
        got = nh.to_array(onnx.load_tensor(os.path.join(out, "output_%d.pb" % i)))
        wrong = nh.to_array(onnx.load_tensor(os.path.join(d, "msb_ref", "output_%d.pb" % i)))
        bad += not np.array_equal(got, wrong)
    print("wrong bit order caught: %d/%d" % (bad, len(names)))


def within_bound(out, zps, bits_list):
    """lpc's outputs against the exact sums of the f32 terms a[m, k] *
    w[n, k] (w the dequantized weights, bit-identical in every kernel) and
    the bias, within the bound of fbound.py."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "..", "..", "..", "lib"))
    import fbound
    cases = matrix_cases(bits_list, zps=zps)
    ok = same = 0
    for i, c in enumerate(cases):
        got = nh.to_array(onnx.load_tensor(os.path.join(out, "output_%d.pb" % i)))
        got = got.reshape(-1, c.n)
        a = c.a.reshape(-1, c.k).astype(np.float64)
        w = c.weights().astype(np.float64)
        terms = a[:, None, :] * w[None, :, :]
        if c.bias is not None:
            bias = np.broadcast_to(c.bias.astype(np.float64), (a.shape[0], c.n))
            terms = np.concatenate([terms, bias[..., None]], axis=-1)
        good = fbound.within(got, terms).all()
        ok += good
        same += np.array_equal(got, c.reference().reshape(-1, c.n))
        if not good:
            print("outside the bound: %s" % c.name)
    print("within the f32 bound: %d/%d" % (ok, len(cases)))
    print("bit-identical to k ascending: %d/%d" % (same, len(cases)))


def summary(path):
    """Prints a matrix bits x block size of passing cases (`k/n`) from the
    per-output lines of `lpc run --compare-dir`, plus totals per zero-point
    form and case kind."""
    line = re.compile(r"output \d+ '(b(\d+)_bs(\d+)_(\w+?)_(m1|m5_partial_bias|rank3))': "
                      r"max_abs_err=\S+ .*mismatches=(\d+)/")
    cells, kinds = {}, {}
    for l in open(path):
        m = line.search(l)
        if not m:
            continue
        bits, bs, zp, kind, bad = int(m[2]), int(m[3]), m[4], m[5], int(m[6])
        for d, key in ((cells, (bits, bs)), (kinds, (zp, kind))):
            p, t = d.get(key, (0, 0))
            d[key] = (p + (bad == 0), t + 1)
    bits = sorted({b for b, _ in cells})
    blocks = sorted({s for _, s in cells})
    print("bits\\block " + " ".join("%7d" % s for s in blocks))
    total = [0, 0]
    for b in bits:
        row = []
        for s in blocks:
            p, t = cells.get((b, s), (0, 0))
            total[0] += p
            total[1] += t
            row.append("%7s" % ("%d/%d" % (p, t)))
        print("%10d " % b + " ".join(row))
    for (zp, kind), (p, t) in sorted(kinds.items()):
        print("zp=%s %s: %d/%d" % (zp, kind, p, t))
    print("passing: %d/%d" % tuple(total))


def import_models(out):
    """Small models whose imported IR the tests check: codes q[n, k] =
    (n * K + k) mod 2^bits so that the unpacked constant is predictable."""
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(3)
    specs = {
        # name: bits, block, A shape, N, zero points, bias
        "w4_zp_bias": (4, 16, (2, 20), 3, "packed", True),
        "w4_default_zp_rank3": (4, 32, (2, 3, 32), 2, "none", False),
        "w3_float_zp": (3, 16, (1, 16), 2, "float", False),
        "w8": (8, 16, (1, 16), 1, "none", False),
        # accuracy_level 4: int8 activations per block
        "w4_acc4": (4, 16, (2, 20), 3, "packed", True),
    }
    for name, (bits, bs, a_shape, n, zp, bias) in specs.items():
        c = Case(rng, "y", bits, bs, a_shape, n, zp, bias=bias)
        c.q = (np.arange(n * c.k).reshape(n, c.k)) % (1 << bits)
        if zp == "packed":
            c.zp = (np.arange(n * c.kb).reshape(n, c.kb) + 5) % (1 << bits)
        save_cases(os.path.join(out, name), [c],
                   accuracy_level=4 if name.endswith("_acc4") else 0)


def error_models(out):
    """One malformed MatMulNBits node per model."""
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(5)

    def save(name, c, ins=None, attrs=None, drop=(), extra_inits=(),
             extra_inputs=()):
        node = c.node()
        attrs_now = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        attrs_now.update(attrs or {})
        for d in drop:
            del attrs_now[d]
        inputs, inits = c.inits()
        node = helper.make_node("MatMulNBits", ins or inputs, ["y"], name="mm",
                                domain=MS, **attrs_now)
        g_inputs = [helper.make_tensor_value_info("y_x", F, list(c.a_shape))]
        g_inputs += list(extra_inputs)
        # Graph inputs in extra_inputs replace the initializers of that name.
        inits = [t for t in inits + list(extra_inits)
                 if t.name not in [v.name for v in extra_inputs]]
        outputs = [helper.make_tensor_value_info("y", F, list(c.a_shape[:-1]) + [c.n])]
        onnx.save(model([node], inits, g_inputs, outputs),
                  os.path.join(out, name + ".onnx"))

    def case(**kw):
        args = dict(bits=4, bs=16, a_shape=(2, 32), n=4, zp="packed")
        args.update(kw)
        return Case(rng, "y", args.pop("bits"), args.pop("bs"), args.pop("a_shape"),
                    args.pop("n"), args.pop("zp"), **args)

    c = case()
    save("bits9", c, attrs={"bits": 9})
    save("bits1", c, attrs={"bits": 1})
    save("block8", c, attrs={"block_size": 8})
    save("block48", c, attrs={"block_size": 48})
    save("no_k", c, drop=["K"])
    save("no_block_size", c, drop=["block_size"])
    save("k_mismatch", c, attrs={"K": 48})
    save("n_mismatch", c, attrs={"N": 5})
    save("prepacked", c, attrs={"weight_prepacked": 1})
    # B as a graph input, not an initializer.
    save("b_input", c, extra_inputs=[helper.make_tensor_value_info(
        "y_B", TensorProto.UINT8, [4, 2, 8])])
    save("scales_input", c, extra_inputs=[helper.make_tensor_value_info(
        "y_s", F, [4, 2])])
    # Wrong shapes.
    bad = nh.from_array(np.zeros((4, 2, 7), np.uint8), "bad_B")
    save("b_shape", c, ins=["y_x", "bad_B", "y_s"], extra_inits=[bad])
    bad = nh.from_array(np.ones((4, 3), np.float32), "bad_s")
    save("scales_shape", c, ins=["y_x", "y_B", "bad_s"], extra_inits=[bad])
    bad = nh.from_array(np.zeros((4, 2), np.uint8), "bad_zp")
    save("zp_shape", c, ins=["y_x", "y_B", "y_s", "bad_zp"], extra_inits=[bad])
    bad = nh.from_array(np.zeros((4, 1), np.int8), "bad_zp")
    save("zp_int8", c, ins=["y_x", "y_B", "y_s", "bad_zp"], extra_inits=[bad])
    bad = nh.from_array(np.zeros((5,), np.float32), "bad_bias")
    save("bias_shape", c, ins=["y_x", "y_B", "y_s", "y_zp", "", "bad_bias"],
         extra_inits=[bad])
    save("k_zero", c, attrs={"K": 0})
    bad = nh.from_array(np.ones((4, 2), np.float64), "bad_s")
    save("scales_f64", c, ins=["y_x", "y_B", "bad_s"], extra_inits=[bad])
    g_in = [helper.make_tensor_value_info("y_x", TensorProto.DOUBLE, list(c.a_shape))]
    node = helper.make_node("MatMulNBits", c.inits()[0], ["y"], name="mm", domain=MS,
                            **{a.name: helper.get_attribute_value(a) for a in c.node().attribute})
    onnx.save(model([node], c.inits()[1], g_in,
                    [helper.make_tensor_value_info("y", TensorProto.DOUBLE, [2, 4])]),
              os.path.join(out, "a_f64.onnx"))
    g = nh.from_array((np.arange(32) // 16).astype(np.int32), "g_ok")
    save("g_idx_trivial", c, ins=["y_x", "y_B", "y_s", "y_zp", "g_ok"], extra_inits=[g])
    g = nh.from_array((np.arange(32) % 2).astype(np.int32), "g_bad")
    save("g_idx", c, ins=["y_x", "y_B", "y_s", "y_zp", "g_bad"], extra_inits=[g])


def quantize(rng, w, bits, bs, zero_points):
    """Quantizes W (N x K) blockwise along K like an asymmetric (or
    symmetric, zero point 2^(bits-1)) weight quantizer would; returns the
    codes, scales and zero points."""
    n, k = w.shape
    kb = (k + bs - 1) // bs
    qmax = (1 << bits) - 1
    wp = np.zeros((n, kb * bs))
    wp[:, :k] = w
    wb = wp.reshape(n, kb, bs)
    if zero_points:
        lo, hi = np.minimum(wb.min(-1), 0), np.maximum(wb.max(-1), 0)
        s = np.maximum(hi - lo, 1e-8) / qmax
        z = np.clip(np.round(-lo / s), 0, qmax)
    else:
        s = np.maximum(np.abs(wb).max(-1), 1e-8) / (1 << (bits - 1))
        z = np.full((n, kb), 1 << (bits - 1))
    s = s.astype(np.float32)
    q = np.clip(np.round(wb / s[..., None]) + z[..., None], 0, qmax).astype(np.int64)
    return q.reshape(n, kb * bs)[:, :k], s, z.astype(np.int64)


def f16_models(out):
    """float16 MatMulNBits (A, scales, float zero points and bias in float16,
    as fp16 LLM exports have them): one model of several nodes."""
    rng = np.random.default_rng(17)
    H = TensorProto.FLOAT16
    cases = [Case(rng, "h4_packed_bias", 4, 32, (3, 64), 8, zp="packed", bias=True),
             Case(rng, "h4_float_zp", 4, 16, (2, 48), 6, zp="float"),
             Case(rng, "h2_none", 2, 32, (1, 2, 64), 5),
             Case(rng, "h8_packed", 8, 64, (4, 128), 7, zp="packed", bias=True)]
    nodes, inits, inputs, outputs = [], [], [], []
    os.makedirs(out, exist_ok=True)
    for i, c in enumerate(cases):
        nodes.append(c.node(accuracy_level=1))  # f32 compute in ORT
        for t in c.inits()[1]:
            a = nh.to_array(t)
            inits.append(nh.from_array(a.astype(np.float16) if a.dtype == np.float32 else a,
                                       t.name))
        inputs.append(helper.make_tensor_value_info(c.name + "_x", H, list(c.a_shape)))
        outputs.append(helper.make_tensor_value_info(c.name, H, list(c.a_shape[:-1]) + [c.n]))
        with open(os.path.join(out, "input_%d.pb" % i), "wb") as f:
            f.write(nh.from_array(c.a.astype(np.float16), c.name + "_x").SerializeToString())
    onnx.save(model(nodes, inits, inputs, outputs), os.path.join(out, "model.onnx"))


def block_model(out, accuracy_level):
    """A pre-LN transformer block whose projections (Q, K, V, O, and the two
    MLP layers) are 4-bit MatMulNBits with block 32, half with zero points.
    ORT 1.32 quantizes A to int8 under accuracy_level 4."""
    T, D, H, FF = 8, 64, 4, 128
    rng = np.random.default_rng(11)
    nodes, inits = [], []

    def const(name, value, dtype=np.float32):
        inits.append(nh.from_array(np.asarray(value, dtype), name))
        return name

    def node(op, ins, name, domain="", **attrs):
        nodes.append(helper.make_node(op, ins, [name], name=name, domain=domain, **attrs))
        return name

    def linear(x, name, k, n, zero_points, bias=True):
        w = rng.standard_normal((n, k)) / np.sqrt(k)
        c = Case(rng, name, 4, 32, (T, k), n, "packed" if zero_points else "none",
                 bias=bias)
        c.q, c.scales, c.zp = quantize(rng, w, 4, 32, zero_points)
        ins, ts = c.inits()
        ins[0] = x
        inits.extend(ts)
        nodes.append(helper.make_node("MatMulNBits", ins, [name], name=name, domain=MS,
                                      K=k, N=n, bits=4, block_size=32,
                                      accuracy_level=accuracy_level))
        return name

    def layernorm(x, name):
        return node("LayerNormalization",
                    [x, const(name + "_g", 1 + 0.1 * rng.standard_normal(D)),
                     const(name + "_b", 0.1 * rng.standard_normal(D))], name,
                    axis=-1, epsilon=1e-5)

    x = node("Reshape", ["x", const("x_shape", [T, D], np.int64)], "x2")
    h = layernorm(x, "ln1")
    heads = []
    for i, part in enumerate(["q", "k", "v"]):
        p = linear(h, part, D, D, zero_points=(i != 1))
        r = node("Reshape", [p, const(part + "_shape", [T, H, D // H], np.int64)],
                 part + "_r")
        heads.append(node("Transpose", [r], part + "_t", perm=[1, 0, 2]))
    q, k, v = heads
    kt = node("Transpose", [k], "kT", perm=[0, 2, 1])
    sc = node("Div", [node("MatMul", [q, kt], "qk"),
                      const("sqrt_dk", np.sqrt(D // H))], "scores")
    pr = node("Softmax", [sc], "attn", axis=-1)
    o = node("MatMul", [pr, v], "ctx")
    o = node("Reshape", [node("Transpose", [o], "ctx_t", perm=[1, 0, 2]),
                         const("ctx_shape", [1, T, D], np.int64)], "ctx_r")
    # Rank-3 A into the output projection.
    o = linear(o, "o", D, D, zero_points=False)
    x1 = node("Add", [node("Reshape", [x, const("x1_shape", [1, T, D], np.int64)],
                           "x_r"), o], "res1")
    h2 = layernorm(x1, "ln2")
    u = linear(h2, "ff1", D, FF, zero_points=True)
    e = node("Erf", [node("Div", [u, const("sqrt2", np.sqrt(2.0))], "gelu_d")],
             "gelu_erf")
    gl = node("Mul", [node("Mul", [u, node("Add", [e, const("one", 1.0)], "gelu_a")],
                           "gelu_m"), const("half", 0.5)], "gelu")
    d2 = linear(gl, "ff2", FF, D, zero_points=False)
    y = node("Add", [x1, d2], "y")
    os.makedirs(out, exist_ok=True)
    m = model(nodes, inits, [helper.make_tensor_value_info("x", F, [1, T, D])],
              [helper.make_tensor_value_info(y, F, [1, T, D])])
    onnx.save(m, os.path.join(out, "model.onnx"))
    xin = np.random.default_rng(42).standard_normal((1, T, D)).astype(np.float32)
    with open(os.path.join(out, "input_0.pb"), "wb") as f:
        f.write(nh.from_array(xin, "x").SerializeToString())


def int_tensor(name, dtype, dims, values):
    """A TensorProto of integers; INT4 (22) and UINT4 (21), which
    python3-onnx 1.12 does not know, are packed two to a byte, low nibble
    first."""
    if dtype not in (21, 22):
        return helper.make_tensor(name, dtype, dims, values)
    t = TensorProto()
    t.name, t.data_type = name, dtype
    t.dims.extend(dims)
    nib = [v & 15 for v in values] + [0]
    t.raw_data = bytes(nib[i] | (nib[i + 1] << 4) for i in range(0, len(values), 2))
    return t


def qdq_model(out):
    """y_<type>_<layout> = DequantizeLinear(QuantizeLinear(x)) in the
    com.microsoft domain; codes of every type the contrib ops accept."""
    rng = np.random.default_rng(13)
    types = {  # name: ONNX dtype number, numpy type of the zero point, range
        "int8": (TensorProto.INT8, -128, 127), "uint8": (TensorProto.UINT8, 0, 255),
        "int16": (TensorProto.INT16, -32768, 32767),
        "uint16": (TensorProto.UINT16, 0, 65535),
        "int4": (22, -8, 7), "uint4": (21, 0, 15),
    }
    shape = (4, 6, 5)
    nodes, inits, outputs = [], [], []
    for tname, (dtype, lo, hi) in types.items():
        for layout in ("tensor", "axis"):
            name = "y_%s_%s" % (tname, layout)
            n = 1 if layout == "tensor" else shape[1]
            span = (hi - lo) * 0.5
            s = (rng.uniform(0.5, 1.5, n) * 4.0 / span).astype(np.float32)
            z = rng.integers(lo, hi + 1, n) // 4
            if layout == "tensor":
                sc = helper.make_tensor(name + "_s", F, [], s.tolist())
                zp = int_tensor(name + "_zp", dtype, [], z.tolist())
                attrs = {}
            else:
                sc = helper.make_tensor(name + "_s", F, [n], s.tolist())
                zp = int_tensor(name + "_zp", dtype, [n], z.tolist())
                attrs = {"axis": 1}
            inits += [sc, zp]
            q = name + "_q"
            nodes.append(helper.make_node("QuantizeLinear", ["x", sc.name, zp.name], [q],
                                          name=q, domain=MS, **attrs))
            nodes.append(helper.make_node("DequantizeLinear", [q, sc.name, zp.name],
                                          [name], name=name, domain=MS, **attrs))
            outputs.append(helper.make_tensor_value_info(name, F, list(shape)))
    os.makedirs(out, exist_ok=True)
    m = model(nodes, inits, [helper.make_tensor_value_info("x", F, list(shape))],
              outputs)
    onnx.save(m, os.path.join(out, "model.onnx"))
    # Values up to about 6 scales past the ranges (saturation) and exact
    # halves (ties) are not avoided.
    x = (rng.standard_normal(shape) * 3).astype(np.float32)
    with open(os.path.join(out, "input_0.pb"), "wb") as f:
        f.write(nh.from_array(x, "x").SerializeToString())


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "cases":
        out, zps = sys.argv[2], sys.argv[3].split(",")
        bits = [int(b) for b in sys.argv[4:]]
        cases = matrix_cases(bits, zps=zps)
        # accuracy_level 1 (f32 compute), explicitly: ORT's int8 path (4) is
        # not an oracle of MatMulNBits' f32 semantics.
        save_cases(out, cases, accuracy_level=1)
        for sub, msb in (("numpy_ref", False), ("msb_ref", True)):
            os.makedirs(os.path.join(out, sub), exist_ok=True)
            for i, c in enumerate(cases):
                with open(os.path.join(out, sub, "output_%d.pb" % i), "wb") as f:
                    f.write(nh.from_array(c.reference(msb), c.name).SerializeToString())
    elif cmd == "cases4":
        # accuracy_level 4: ORT (and lpc) quantize A to int8 per block.
        out, zps = sys.argv[2], sys.argv[3].split(",")
        bits = [int(b) for b in sys.argv[4:]]
        save_cases(out, matrix_cases(bits, zps=zps), accuracy_level=4)
    elif cmd == "summary":
        summary(sys.argv[2])
    elif cmd == "caught":
        caught(sys.argv[2], sys.argv[3])
    elif cmd == "bound":
        within_bound(sys.argv[2], sys.argv[3].split(","),
                     [int(b) for b in sys.argv[4:]])
    elif cmd == "import":
        import_models(sys.argv[2])
    elif cmd == "errors":
        error_models(sys.argv[2])
    elif cmd == "f16":
        f16_models(sys.argv[2])
    elif cmd == "qdq":
        qdq_model(sys.argv[2])
    elif cmd == "block":
        block_model(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 0)
    else:
        sys.exit("unknown command " + cmd)
