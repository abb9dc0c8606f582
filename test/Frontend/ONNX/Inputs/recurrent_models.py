"""LSTM, GRU and RNN models with the options the importer reads (directions,
activations with alpha/beta, clip, sequence_lens given at run time,
initial_h/initial_c, peepholes, input_forget, linear_before_reset), with
inputs for `lpc run` and ONNX Runtime, and malformed variants for the
importer's errors.

usage: recurrent_models.py NAME DIR
  writes DIR/model.onnx and DIR/input_<i>.pb
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper
from onnx import numpy_helper as nh

F, I32 = TensorProto.FLOAT, TensorProto.INT32
SEQ, BATCH, INPUT, HIDDEN = 5, 3, 4, 6
GATES = {"RNN": 1, "GRU": 3, "LSTM": 4}


def vi(name, dtype, shape):
    return helper.make_tensor_value_info(name, dtype, shape)


def build(op, dirs, attrs, rng, with_lens=True, with_init=True, peep=False,
          check=True, w_shape=None, lens_dtype=I32):
    g = GATES[op]
    nd = 2 if attrs.get("direction") == "bidirectional" else 1
    inits = [
        nh.from_array((0.5 * rng.standard_normal(
            w_shape or (nd, g * HIDDEN, INPUT))).astype(np.float32), "W"),
        nh.from_array((0.5 * rng.standard_normal(
            (nd, g * HIDDEN, HIDDEN))).astype(np.float32), "R"),
        nh.from_array((0.3 * rng.standard_normal(
            (nd, 2 * g * HIDDEN))).astype(np.float32), "B"),
    ]
    ins = ["x", "W", "R", "B", "lens" if with_lens else ""]
    inputs = [vi("x", F, [SEQ, BATCH, INPUT])]
    specs = [("x", rng.standard_normal((SEQ, BATCH, INPUT)).astype(np.float32))]
    if with_lens:
        inputs.append(vi("lens", lens_dtype, [BATCH]))
        specs.append(("lens", np.array([SEQ, 2, 4][:BATCH],
                                       onnx.helper.tensor_dtype_to_np_dtype(lens_dtype))))
    if with_init:
        ins.append("h0")
        inputs.append(vi("h0", F, [nd, BATCH, HIDDEN]))
        specs.append(("h0", rng.standard_normal((nd, BATCH, HIDDEN)).astype(np.float32)))
        if op == "LSTM":
            ins.append("c0")
            inputs.append(vi("c0", F, [nd, BATCH, HIDDEN]))
            specs.append(("c0", rng.standard_normal((nd, BATCH, HIDDEN)).astype(np.float32)))
    if peep:
        while len(ins) < 7:
            ins.append("")
        ins.append("P")
        inits.append(nh.from_array((0.5 * rng.standard_normal(
            (nd, 3 * HIDDEN))).astype(np.float32), "P"))
    outs = ["y", "yh"] + (["yc"] if op == "LSTM" else [])
    node = helper.make_node(op, ins, outs, name="rec", hidden_size=HIDDEN,
                            **attrs)
    outputs = [vi("y", F, [SEQ, nd, BATCH, HIDDEN]),
               vi("yh", F, [nd, BATCH, HIDDEN])]
    if op == "LSTM":
        outputs.append(vi("yc", F, [nd, BATCH, HIDDEN]))
    graph = helper.make_graph([node], "g", inputs, outputs, inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    m.ir_version = 8
    if check:
        onnx.checker.check_model(m, full_check=True)
    return m, specs


def lstm(rng):
    """Bidirectional, peepholes, clip, run-time lengths, initial states; the
    reverse direction's activations take alpha and beta."""
    return build("LSTM", 2, dict(
        direction="bidirectional", clip=2.5,
        activations=["Sigmoid", "Tanh", "Tanh",
                     "HardSigmoid", "ScaledTanh", "Softsign"],
        activation_alpha=[0.3, 0.8], activation_beta=[0.4, 1.2]),
        rng, peep=True)


def lstm_coupled(rng):
    """Reverse, input_forget (f = 1 - i), no lengths, zero initial state."""
    return build("LSTM", 1, dict(direction="reverse", input_forget=1), rng,
                 with_lens=False, with_init=False)


def gru(rng):
    """Bidirectional with linear_before_reset, run-time lengths."""
    return build("GRU", 2, dict(direction="bidirectional",
                                linear_before_reset=1), rng)


def gru_reset_after(rng):
    """Reverse, the reset gate applied before the product (the default),
    activations LeakyRelu / Softplus with alpha given."""
    return build("GRU", 1, dict(direction="reverse",
                                activations=["Sigmoid", "LeakyRelu"],
                                activation_alpha=[0.2]), rng)


def rnn(rng):
    """Bidirectional RNN with Relu forward and Elu reverse, clip."""
    return build("RNN", 2, dict(direction="bidirectional", clip=1.5,
                                activations=["Relu", "Elu"],
                                activation_alpha=[0.5]), rng)


def rnn_affine(rng):
    """Forward RNN with Affine, ThresholdedRelu is a second model's."""
    return build("RNN", 1, dict(activations=["Affine"],
                                activation_alpha=[0.5],
                                activation_beta=[0.1]), rng)


MODELS = {
    "lstm": lstm,
    "lstm_coupled": lstm_coupled,
    "gru": gru,
    "gru_reset_after": gru_reset_after,
    "rnn": rnn,
    "rnn_affine": rnn_affine,
    "bad_activation": lambda rng: build(
        "RNN", 1, dict(activations=["Cube"]), rng, check=False),
    "bad_activation_count": lambda rng: build(
        "GRU", 1, dict(activations=["Sigmoid"]), rng, check=False),
    "bad_direction": lambda rng: build(
        "RNN", 1, dict(direction="sideways"), rng, check=False),
    "bad_layout": lambda rng: build("RNN", 1, dict(layout=2), rng,
                                    check=False),
    "bad_w": lambda rng: build("LSTM", 1, {}, rng, w_shape=(1, 24, 3),
                               check=False),
    "bad_lens": lambda rng: build("RNN", 1, {}, rng, lens_dtype=TensorProto.INT64,
                                  check=False),
    "bad_r": lambda rng: mutate(build("GRU", 1, {}, rng, check=False),
                                lambda m: replace_init(m, "R", (1, 18, 5))),
    "bad_hidden": lambda rng: mutate(
        build("RNN", 1, {}, rng, check=False),
        lambda m: m.graph.node[0].attribute[-1].CopyFrom(
            helper.make_attribute("hidden_size", 7))),
    "bad_rank": lambda rng: mutate(
        build("RNN", 1, {}, rng, with_lens=False, with_init=False, check=False),
        lambda m: m.graph.input[0].CopyFrom(vi("x", F, [SEQ * BATCH, INPUT])),
        [("x", np.zeros((SEQ * BATCH, INPUT), np.float32))]),
    "bad_dtype": lambda rng: mutate(
        build("RNN", 1, {}, rng, with_lens=False, with_init=False, check=False),
        lambda m: replace_init(m, "R", (1, 6, 6), np.float64)),
}


def replace_init(m, name, shape, dtype=np.float32):
    for i, t in enumerate(m.graph.initializer):
        if t.name == name:
            m.graph.initializer[i].CopyFrom(
                nh.from_array(np.zeros(shape, dtype), name))


def mutate(built, fn, specs=None):
    m, old = built
    fn(m)
    return m, specs if specs is not None else old


if __name__ == "__main__":
    name, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    m, specs = MODELS[name](np.random.default_rng(11))
    onnx.save(m, os.path.join(out, "model.onnx"))
    for i, (n, a) in enumerate(specs):
        with open(os.path.join(out, "input_%d.pb" % i), "wb") as f:
            f.write(nh.from_array(a, n).SerializeToString())
