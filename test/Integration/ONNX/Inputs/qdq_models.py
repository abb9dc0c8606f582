"""Whole quantized ONNX models in QDQ form, as quantization tools write them.

usage: qdq_models.py NAME DIR     writes DIR/model.onnx and DIR/input_0.pb

cnn: an int8 QDQ CNN: uint8 per-tensor activations (QuantizeLinear ->
DequantizeLinear after every layer), int8 symmetric per-output-channel
weights, int32 biases with scale x_scale * w_scale, three convolutions (one
strided, one depthwise), Relu, MaxPool, GlobalAveragePool, and a Gemm
classifier whose weights are also int8 QDQ. Its activation codes use the
whole uint8 range, so ONNX Runtime's fused u8 x s8 kernels (QLinearConv)
saturate on CPUs without VNNI: compare it with ONNX Runtime run as written.
cnn-rr: the same CNN with reduce_range activations (codes in [0, 127], scales
twice as coarse), on which ONNX Runtime's fused integer kernels are exact on
any x86 CPU: the script asserts it by emulating their saturating pair sums
(test/lib/intdot.py) on every Conv and Gemm's codes for the bundled input.
mlp: a QDQ MLP of MatMul + Add layers with per-tensor int8 weights and
uint8 activations (the form lq-fuse-qdq turns into lq.matmul).
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper
from onnx import numpy_helper as nh
import onnx.version_converter
from onnx.reference import ReferenceEvaluator

import intdot

F = TensorProto.FLOAT


class QDQGraph:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits = [], []
        self.n = 0

    def name(self, base):
        self.n += 1
        return "%s_%d" % (base, self.n)

    def const(self, value, dtype, base="c"):
        name = self.name(base)
        self.inits.append(nh.from_array(np.asarray(value, dtype), name))
        return name

    def node(self, op, ins, base, **attrs):
        out = self.name(base)
        self.nodes.append(helper.make_node(op, ins, [out], name=out, **attrs))
        return out

    def qdq_act(self, x, scale, zp=128):
        """uint8 per-tensor fake quantization of an activation."""
        s = self.const(np.float32(scale), np.float32, "act_scale")
        z = self.const(np.uint8(zp), np.uint8, "act_zp")
        q = self.node("QuantizeLinear", [x, s, z], "q")
        return self.node("DequantizeLinear", [q, s, z], "dq"), scale

    def qdq_weight(self, w, axis):
        """int8 symmetric weights, per channel along `axis` (None: per
        tensor), stored as codes + DequantizeLinear."""
        if axis is None:
            s = np.float32(np.abs(w).max() / 127)
            q = np.clip(np.rint(w / s), -127, 127).astype(np.int8)
            sn = self.const(s, np.float32, "w_scale")
            zn = self.const(np.int8(0), np.int8, "w_zp")
            attrs = {}
        else:
            red = tuple(i for i in range(w.ndim) if i != axis)
            s = (np.abs(w).max(axis=red) / 127).astype(np.float32)
            shape = [1] * w.ndim
            shape[axis] = -1
            q = np.clip(np.rint(w / s.reshape(shape)), -127, 127).astype(np.int8)
            sn = self.const(s, np.float32, "w_scale")
            zn = self.const(np.zeros_like(s, np.int8), np.int8, "w_zp")
            attrs = {"axis": axis}
        qn = self.const(q, np.int8, "w_codes")
        return self.node("DequantizeLinear", [qn, sn, zn], "w", **attrs), s

    def bias(self, b, x_scale, w_scale):
        """int32 bias with scale x_scale * w_scale (per channel)."""
        s = (np.float32(x_scale) * np.asarray(w_scale, np.float32)).astype(np.float32)
        q = np.rint(b / s).astype(np.int32)
        sn = self.const(s, np.float32, "b_scale")
        zn = self.const(np.zeros_like(s, np.int32), np.int32, "b_zp")
        qn = self.const(q, np.int32, "b_codes")
        attrs = {"axis": 0} if np.ndim(s) else {}
        return self.node("DequantizeLinear", [qn, sn, zn], "b", **attrs)

    def model(self, x_shape, y, y_shape, opset=13):
        g = helper.make_graph(self.nodes, "g",
                              [helper.make_tensor_value_info("x", F, x_shape)],
                              [helper.make_tensor_value_info(y, F, y_shape)],
                              self.inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
        m.ir_version = 8
        onnx.checker.check_model(m)
        return m


def cnn(reduce_range=False):
    g = QDQGraph(7)
    rng = g.rng
    # reduce_range: activation codes in [0, 127]; the first activation's
    # zero point moves to 32 so that the input range [-1, 3] still fits, and
    # the convolutions' outputs get the range [0, 12], the classifier's
    # input [0, 2.9] (not 3: a scale ratio of exactly 4 after the 16-element
    # average pooling makes exact rounding ties, which float evaluation
    # orders break either way).
    qmax = 127 if reduce_range else 255
    out_range = 12.0 if reduce_range else 3.0
    fc_range = 2.9 if reduce_range else 2.0
    if reduce_range:
        x, xs = g.qdq_act("x", 4.0 / qmax, zp=32)
    else:
        x, xs = g.qdq_act("x", 4.0 / qmax)

    def conv(x, xs, cin, cout, k, out_scale, group=1, **attrs):
        w = rng.standard_normal([cout, cin // group, k, k]) * (1.5 / np.sqrt(cin // group * k * k))
        wn, ws = g.qdq_weight(w.astype(np.float32), 0)
        bn = g.bias(rng.standard_normal(cout) * 0.1, xs, ws)
        y = g.node("Conv", [x, wn, bn], "conv", group=group, **attrs)
        y = g.node("Relu", [y], "relu")
        return g.qdq_act(y, out_scale, zp=0)

    y, ys = conv(x, xs, 3, 8, 3, out_range / qmax, pads=[1, 1, 1, 1])
    y, ys = conv(y, ys, 8, 8, 3, out_range / qmax, group=8, pads=[1, 1, 1, 1])
    y = g.node("MaxPool", [y], "pool", kernel_shape=[2, 2], strides=[2, 2])
    y, ys = g.qdq_act(y, ys, zp=0)
    y, ys = conv(y, ys, 8, 16, 3, out_range / qmax, strides=[2, 2], pads=[1, 1, 1, 1])
    y = g.node("GlobalAveragePool", [y], "gap")
    y = g.node("Flatten", [y], "flat")
    y, ys = g.qdq_act(y, fc_range / qmax, zp=0)
    w = (rng.standard_normal([10, 16]) * 0.5).astype(np.float32)
    wn, ws = g.qdq_weight(w, None)
    bn = g.bias(rng.standard_normal(10) * 0.1, ys, ws)
    y = g.node("Gemm", [y, wn, bn], "fc", transB=1)
    x0 = rng.uniform(-1, 3, [1, 3, 16, 16]).astype(np.float32)
    return g.model([1, 3, 16, 16], y, [1, 10]), x0


def mlp():
    g = QDQGraph(11)
    rng = g.rng
    x, xs = g.qdq_act("x", 6.0 / 255)
    dims = [32, 64, 48, 16]
    for i, (din, dout) in enumerate(zip(dims, dims[1:])):
        w = (rng.standard_normal([din, dout]) / np.sqrt(din)).astype(np.float32)
        wn, ws = g.qdq_weight(w, None)
        y = g.node("MatMul", [x, wn], "mm")
        y = g.node("Add", [y, g.const(rng.standard_normal(dout) * 0.1, np.float32, "bias")], "add")
        if i + 2 < len(dims):
            y = g.node("Relu", [y], "relu")
            x, xs = g.qdq_act(y, 4.0 / 255, zp=0)
        else:
            x = y
    x0 = rng.uniform(-3, 3, [4, 32]).astype(np.float32)
    return g.model([4, 32], x, [4, 16]), x0


def integer_products(m, x):
    """For each Conv / Gemm / MatMul whose data and weight come from
    DequantizeLinear: (node, activation codes, weight codes, activation zero
    point, dtype names), with the activation codes that ONNX's reference
    evaluator computes for input x."""
    inits = {t.name: nh.to_array(t) for t in m.graph.initializer}
    producer = {o: n for n in m.graph.node for o in n.output}
    # The reference evaluator implements DequantizeLinear from opset 19 on;
    # the converted model computes the same values.
    sess = ReferenceEvaluator(onnx.version_converter.convert_version(m, 19))
    names = [o for n in m.graph.node for o in n.output]
    values = dict(zip(names, sess.run(names, {"x": x})))
    values.update(inits)
    dtype = {np.dtype(np.uint8): "uint8", np.dtype(np.int8): "int8"}
    out = []
    for n in m.graph.node:
        if n.op_type not in ("Conv", "Gemm", "MatMul"):
            continue
        dq = [producer.get(i) for i in n.input[:2]]
        if not all(d is not None and d.op_type == "DequantizeLinear" for d in dq):
            continue
        a, w = values[dq[0].input[0]], values[dq[1].input[0]]
        az = values[dq[0].input[2]] if len(dq[0].input) > 2 else 0
        out.append((n, a, w, az, dtype[a.dtype], dtype[w.dtype]))
    return out


def assert_ort_exact(m, x):
    """Asserts that every activation code feeding a Conv or Gemm of m is in
    [0, 127] on input x, and that ONNX Runtime's fused integer kernels compute
    them exactly (no int16 pair-sum saturation)."""
    for n, a, w, az, ta, tw in integer_products(m, x):
        assert ta != "uint8" or a.max() <= 127, "%s: activation codes up to %d" % (n.name, a.max())
        if n.op_type == "Conv":
            attrs = {k.name: helper.get_attribute_value(k) for k in n.attribute}
            ok = intdot.ort_conv_is_exact(a, w, az, attrs, ta, tw)
        else:
            trans_b = any(k.name == "transB" and k.i for k in n.attribute)
            ok = intdot.ort_is_exact(a, w.T if trans_b else w, ta, tw)
        assert ok, "%s: ONNX Runtime's u8 x s8 kernels would saturate" % n.name


def main():
    name, out = sys.argv[1], sys.argv[2]
    m, x = {"cnn": cnn, "cnn-rr": lambda: cnn(reduce_range=True), "mlp": mlp}[name]()
    if name == "cnn-rr":
        assert_ort_exact(m, x)
    os.makedirs(out, exist_ok=True)
    onnx.save(m, os.path.join(out, "model.onnx"))
    with open(os.path.join(out, "input_0.pb"), "wb") as f:
        f.write(nh.from_array(x, "x").SerializeToString())


if __name__ == "__main__":
    main()
