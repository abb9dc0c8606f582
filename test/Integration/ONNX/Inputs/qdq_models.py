#!/usr/bin/python3
"""Whole quantized ONNX models in QDQ form, as quantization tools write them.

usage: qdq_models.py NAME DIR     writes DIR/model.onnx and DIR/input_0.pb

cnn: an int8 QDQ CNN: uint8 per-tensor activations (QuantizeLinear ->
DequantizeLinear after every layer), int8 symmetric per-output-channel
weights, int32 biases with scale x_scale * w_scale, three convolutions (one
strided, one depthwise), Relu, MaxPool, GlobalAveragePool, and a Gemm
classifier whose weights are also int8 QDQ.
mlp: a QDQ MLP of MatMul + Add layers with per-tensor int8 weights and
uint8 activations (the form lq-fuse-qdq turns into lq.matmul).
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper
from onnx import numpy_helper as nh

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


def cnn():
    g = QDQGraph(7)
    rng = g.rng
    x, xs = g.qdq_act("x", 4.0 / 255)

    def conv(x, xs, cin, cout, k, out_scale, group=1, **attrs):
        w = rng.standard_normal([cout, cin // group, k, k]) * (1.5 / np.sqrt(cin // group * k * k))
        wn, ws = g.qdq_weight(w.astype(np.float32), 0)
        bn = g.bias(rng.standard_normal(cout) * 0.1, xs, ws)
        y = g.node("Conv", [x, wn, bn], "conv", group=group, **attrs)
        y = g.node("Relu", [y], "relu")
        return g.qdq_act(y, out_scale, zp=0)

    y, ys = conv(x, xs, 3, 8, 3, 3.0 / 255, pads=[1, 1, 1, 1])
    y, ys = conv(y, ys, 8, 8, 3, 3.0 / 255, group=8, pads=[1, 1, 1, 1])
    y = g.node("MaxPool", [y], "pool", kernel_shape=[2, 2], strides=[2, 2])
    y, ys = g.qdq_act(y, ys, zp=0)
    y, ys = conv(y, ys, 8, 16, 3, 3.0 / 255, strides=[2, 2], pads=[1, 1, 1, 1])
    y = g.node("GlobalAveragePool", [y], "gap")
    y = g.node("Flatten", [y], "flat")
    y, ys = g.qdq_act(y, 2.0 / 255, zp=0)
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


def main():
    name, out = sys.argv[1], sys.argv[2]
    m, x = {"cnn": cnn, "mlp": mlp}[name]()
    os.makedirs(out, exist_ok=True)
    onnx.save(m, os.path.join(out, "model.onnx"))
    with open(os.path.join(out, "input_0.pb"), "wb") as f:
        f.write(nh.from_array(x, "x").SerializeToString())


if __name__ == "__main__":
    main()
