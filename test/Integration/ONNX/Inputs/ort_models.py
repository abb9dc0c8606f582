"""Float models for the differential tests against ONNX Runtime (and the
bundled example): a small CNN (conv, batchnorm, pooling, resize) and a
transformer block with fused LayerNormalization or its decomposed
ReduceMean/Sub/Pow/Sqrt/Div form.

usage: ort_models.py NAME DIR     writes DIR/model.onnx and DIR/input_0.pb
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper
from onnx import numpy_helper as nh

F = TensorProto.FLOAT


class Graph:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits = [], []

    def weight(self, name, shape, scale=None):
        scale = scale or 1.0 / np.sqrt(np.prod(shape[1:]) if len(shape) > 1 else shape[0])
        a = (self.rng.standard_normal(shape) * scale).astype(np.float32)
        self.inits.append(nh.from_array(a, name))
        return name

    def const(self, name, value, dtype=np.float32):
        self.inits.append(nh.from_array(np.asarray(value, dtype), name))
        return name

    def node(self, op, ins, out, **attrs):
        self.nodes.append(helper.make_node(op, ins, [out], name=out, **attrs))
        return out

    def model(self, x_shape, y, y_shape, opset=17):
        g = helper.make_graph(self.nodes, "g",
                              [helper.make_tensor_value_info("x", F, x_shape)],
                              [helper.make_tensor_value_info(y, F, y_shape)],
                              self.inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
        m.ir_version = 8
        onnx.checker.check_model(m)
        return m


def cnn():
    g = Graph(1)
    c = g.node("Conv", ["x", g.weight("w1", [8, 3, 3, 3]), g.weight("b1", [8])], "conv1",
               pads=[1, 1, 1, 1])
    bn = g.node("BatchNormalization",
                [c, g.const("s1", 1 + 0.1 * g.rng.standard_normal(8)),
                 g.const("o1", 0.1 * g.rng.standard_normal(8)),
                 g.const("m1", 0.1 * g.rng.standard_normal(8)),
                 g.const("v1", 1 + 0.2 * g.rng.random(8))], "bn1", epsilon=1e-5)
    r = g.node("Relu", [bn], "relu1")
    p = g.node("MaxPool", [r], "pool1", kernel_shape=[2, 2], strides=[2, 2])
    c2 = g.node("Conv", [p, g.weight("w2", [8, 4, 3, 3]), g.weight("b2", [8])], "conv2",
                pads=[1, 1, 1, 1], group=2)
    r2 = g.node("Relu", [c2], "relu2")
    up = g.node("Resize", [r2, "", g.const("sc", [1, 1, 2, 2])], "up",
                mode="linear")
    a = g.node("AveragePool", [up], "pool2", kernel_shape=[3, 3], strides=[2, 2],
               pads=[1, 1, 1, 1])
    gp = g.node("GlobalAveragePool", [a], "gap")
    f = g.node("Flatten", [gp], "flat")
    fc = g.node("Gemm", [f, g.weight("wfc", [10, 8]), g.weight("bfc", [10])], "fc",
                transB=1)
    y = g.node("Softmax", [fc], "probs", axis=-1)
    return g.model([1, 3, 16, 16], y, [1, 10]), (1, 3, 16, 16)


def transformer(fused):
    T, D, H, FF = 8, 32, 2, 64
    g = Graph(2)

    def layernorm(x, name):
        scale = g.const(name + "_g", 1 + 0.1 * g.rng.standard_normal(D))
        bias = g.const(name + "_b", 0.1 * g.rng.standard_normal(D))
        if fused:
            return g.node("LayerNormalization", [x, scale, bias], name, axis=-1,
                          epsilon=1e-5)
        mean = g.node("ReduceMean", [x], name + "_mean", axes=[-1])
        d = g.node("Sub", [x, mean], name + "_d")
        sq = g.node("Pow", [d, g.const(name + "_two", 2.0)], name + "_sq")
        var = g.node("ReduceMean", [sq], name + "_var", axes=[-1])
        ve = g.node("Add", [var, g.const(name + "_eps", 1e-5)], name + "_ve")
        sd = g.node("Sqrt", [ve], name + "_sd")
        n = g.node("Div", [d, sd], name + "_n")
        return g.node("Add", [g.node("Mul", [n, scale], name + "_s"), bias], name)

    h = layernorm("x", "ln1")
    qkv = g.node("Add", [g.node("MatMul", [h, g.weight("wqkv", [D, 3 * D])], "qkv_mm"),
                         g.weight("bqkv", [3 * D], 0.1)], "qkv")
    heads = []
    for i, part in enumerate(["q", "k", "v"]):
        s = g.node("Slice", [qkv, g.const(part + "_s", [i * D], np.int64),
                             g.const(part + "_e", [(i + 1) * D], np.int64),
                             g.const(part + "_a", [2], np.int64)], part)
        r = g.node("Reshape", [s, g.const(part + "_shape", [1, T, H, D // H], np.int64)],
                   part + "_r")
        heads.append(g.node("Transpose", [r], part + "_t", perm=[0, 2, 1, 3]))
    q, k, v = heads
    kt = g.node("Transpose", [k], "kT", perm=[0, 1, 3, 2])
    sc = g.node("Div", [g.node("MatMul", [q, kt], "qk"),
                        g.const("sqrt_dk", np.sqrt(D // H))], "scores")
    pr = g.node("Softmax", [sc], "attn", axis=-1)
    o = g.node("MatMul", [pr, v], "ctx")
    o = g.node("Reshape", [g.node("Transpose", [o], "ctx_t", perm=[0, 2, 1, 3]),
                           g.const("ctx_shape", [1, T, D], np.int64)], "ctx_r")
    o = g.node("MatMul", [o, g.weight("wo", [D, D])], "proj")
    x1 = g.node("Add", ["x", o], "res1")
    h2 = layernorm(x1, "ln2")
    u = g.node("Add", [g.node("MatMul", [h2, g.weight("w1", [D, FF])], "ff1_mm"),
                       g.weight("b1", [FF], 0.1)], "ff1")
    # GELU (erf form), as exporters write it for opsets before 20.
    e = g.node("Erf", [g.node("Div", [u, g.const("sqrt2", np.sqrt(2.0))], "gelu_d")],
               "gelu_erf")
    gl = g.node("Mul", [g.node("Mul", [u, g.node("Add", [e, g.const("one", 1.0)], "gelu_a")],
                               "gelu_m"), g.const("half", 0.5)], "gelu")
    d2 = g.node("MatMul", [gl, g.weight("w2", [FF, D])], "ff2")
    y = g.node("Add", [x1, d2], "y")
    return g.model([1, T, D], y, [1, T, D]), (1, T, D)


def activations():
    """Gelu (opset 20, both approximations) and padding modes next to ops
    that ONNX 1.12's node tests do not cover."""
    g = Graph(3)
    a = g.node("Gelu", ["x"], "gelu")
    b = g.node("Gelu", ["x"], "gelu_tanh", approximate="tanh")
    c = g.node("HardSwish", ["x"], "hswish")
    p = g.node("Pad", ["x", g.const("pads", [0, 1, 0, 2], np.int64), "",
                       ], "padded", mode="reflect")
    d = g.node("Slice", [p, g.const("ps", [1], np.int64), g.const("pe", [17], np.int64),
                         g.const("pa", [1], np.int64)], "pad_slice")
    y = g.node("Concat", [a, b, c, d], "y", axis=1)
    return g.model([2, 16], y, [2, 64], opset=20), (2, 16)


MODELS = {
    "activations": activations,
    "cnn": cnn,
    "transformer_fused_ln": lambda: transformer(True),
    "transformer_decomposed_ln": lambda: transformer(False),
}

if __name__ == "__main__":
    name, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    m, shape = MODELS[name]()
    onnx.save(m, os.path.join(out, "model.onnx"))
    x = np.random.default_rng(42).standard_normal(shape).astype(np.float32)
    with open(os.path.join(out, "input_0.pb"), "wb") as f:
        f.write(nh.from_array(x, "x").SerializeToString())
