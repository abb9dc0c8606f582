"""Writes the ONNX models the importer tests read: well-formed ones and the
malformed corpus (test/Frontend/ONNX/Inputs/malformed/, committed; rerun
this script with --corpus DIR to regenerate it).

usage: gen_models.py NAME OUT.onnx      one model by name
       gen_models.py --corpus DIR       every malformed model into DIR
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper
from onnx import numpy_helper as nh

F = TensorProto.FLOAT


def vi(name, dtype, shape):
    return helper.make_tensor_value_info(name, dtype, shape)


def model(nodes, inputs, outputs, inits=(), opset=17, ir=8):
    g = helper.make_graph(nodes, "g", inputs, outputs, list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = ir
    return m


def small_cnn():
    rng = np.random.default_rng(0)
    w = nh.from_array(rng.standard_normal((4, 3, 3, 3)).astype(np.float32), "w")
    b = nh.from_array(rng.standard_normal(4).astype(np.float32), "b")
    nodes = [
        helper.make_node("Conv", ["x", "w", "b"], ["c"], name="conv1", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["r"], name="relu1"),
        helper.make_node("MaxPool", ["r"], ["p"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("GlobalAveragePool", ["p"], ["g"], name="gap"),
        helper.make_node("Flatten", ["g"], ["y"], name="flat"),
    ]
    return model(nodes, [vi("x", F, [1, 3, 8, 8])], [vi("y", F, [1, 4])], [w, b])


def shapes():
    """Shape -> Gather -> Concat -> Reshape folds to constants."""
    nodes = [
        helper.make_node("Shape", ["x"], ["s"], name="shape"),
        helper.make_node("Constant", [], ["i"], name="idx",
                         value=nh.from_array(np.array([0], np.int64))),
        helper.make_node("Gather", ["s", "i"], ["n"], name="gather"),
        helper.make_node("Constant", [], ["m1"], name="minus1",
                         value=nh.from_array(np.array([-1], np.int64))),
        helper.make_node("Concat", ["n", "m1"], ["ns"], name="concat", axis=0),
        helper.make_node("Reshape", ["x", "ns"], ["y"], name="reshape"),
    ]
    return model(nodes, [vi("x", F, [2, 3, 4])], [vi("y", F, [2, 12])])


def dynamic():
    nodes = [helper.make_node("Relu", ["x"], ["y"], name="relu")]
    return model(nodes, [vi("x", F, ["N", 4])], [vi("y", F, ["N", 4])])


def ext(location, length=None, data=None):
    """A model with one external initializer; writes `data` next to it."""
    t = TensorProto()
    t.name = "w"
    t.data_type = F
    t.dims.extend([2, 2])
    t.data_location = TensorProto.EXTERNAL
    if location is not None:
        e = t.external_data.add()
        e.key, e.value = "location", location
    if length is not None:
        e = t.external_data.add()
        e.key, e.value = "length", str(length)
    nodes = [helper.make_node("Add", ["x", "w"], ["y"], name="add")]
    return model(nodes, [vi("x", F, [2, 2])], [vi("y", F, [2, 2])], [t])


def with_init(t):
    nodes = [helper.make_node("Add", ["x", t.name], ["y"], name="add")]
    return model(nodes, [vi("x", F, [2, 2])], [vi("y", F, [2, 2])], [t])


def raw_tensor(dtype, dims, raw=None, **fields):
    t = TensorProto()
    t.name = "w"
    t.data_type = dtype
    t.dims.extend(dims)
    if raw is not None:
        t.raw_data = raw
    for k, v in fields.items():
        getattr(t, k).extend(v)
    return t


def relu_model(**kw):
    nodes = [helper.make_node("Relu", ["x"], ["y"], name="relu")]
    return model(nodes, [vi("x", F, [2])], [vi("y", F, [2])], **kw)


MALFORMED = {
    # The corpus.
    "truncated": None,  # written from small_cnn below
    "wrong_input_dtype": lambda: model(
        [helper.make_node("Conv", ["x", "w"], ["y"], name="conv1")],
        [vi("x", TensorProto.INT32, [1, 1, 3, 3])], [vi("y", F, None)],
        [nh.from_array(np.ones((1, 1, 1, 1), np.float32), "w")]),
    "missing_initializer": lambda: model(
        [helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")],
        [vi("x", F, [2, 2])], [vi("y", F, [2, 2])]),
    "graph_cycle": lambda: model(
        [helper.make_node("Add", ["x", "b"], ["a"], name="first"),
         helper.make_node("Relu", ["a"], ["b"], name="second")],
        [vi("x", F, [2])], [vi("a", F, [2])]),
    "shape_mismatch": lambda: model(
        [helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")],
        [vi("x", F, [2, 3])], [vi("y", F, [2, 5])],
        [nh.from_array(np.ones((4, 5), np.float32), "w")]),
    "output_shape_mismatch": lambda: model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu")],
        [vi("x", F, [2, 3])], [vi("y", F, [3, 2])]),
    "external_escape": lambda: ext("../outside.bin"),
    "unknown_op": lambda: model(
        [helper.make_node("FooBar", ["x"], ["y"], name="foo0")],
        [vi("x", F, [2])], [vi("y", F, [2])]),
    # More malformed inputs, one error each.
    "unknown_domain": lambda: model(
        [helper.make_node("Relu", ["x"], ["y"], name="r", domain="com.example")],
        [vi("x", F, [2])], [vi("y", F, [2])]),
    "external_missing": lambda: ext("missing.bin"),
    "external_short": lambda: ext("short.bin"),
    "external_length": lambda: ext("ok.bin", length=3),
    "external_no_location": lambda: ext(None),
    "raw_size": lambda: with_init(raw_tensor(F, [2, 2], raw=b"\0" * 15)),
    "value_count": lambda: with_init(raw_tensor(F, [2, 2], float_data=[1.0, 2.0])),
    "packed_count": lambda: with_init(raw_tensor(22, [2, 2], int32_data=[1, 2, 3])),
    "negative_dim": lambda: with_init(raw_tensor(F, [2, -2], float_data=[])),
    "string_initializer": lambda: with_init(
        raw_tensor(TensorProto.STRING, [1], string_data=[b"a"])),
    "string_input": lambda: model(
        [helper.make_node("Identity", ["x"], ["y"], name="id")],
        [vi("x", TensorProto.STRING, [1])], [vi("y", TensorProto.STRING, [1])]),
    "sequence_input": lambda: model(
        [helper.make_node("Identity", ["x"], ["y"], name="id")],
        [helper.make_tensor_sequence_value_info("x", F, [2])], [vi("y", F, [2])]),
    "no_input_shape": lambda: model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu")],
        [vi("x", F, None)], [vi("y", F, None)]),
    "old_ir_version": lambda: relu_model(ir=2),
    "future_opset": lambda: relu_model(opset=30),
    "output_not_produced": lambda: model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu")],
        [vi("x", F, [2])], [vi("z", F, [2])]),
    "output_dtype_mismatch": lambda: model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu")],
        [vi("x", F, [2])], [vi("y", TensorProto.INT64, [2])]),
    "broadcast_mismatch": lambda: model(
        [helper.make_node("Add", ["x", "z"], ["y"], name="add")],
        [vi("x", F, [2, 3]), vi("z", F, [4])], [vi("y", F, None)]),
}

def external_weights(d):
    """x[2,64] @ w[64,32] (8 KiB of external data) + b (inline, 128 B), with
    numpy's result as output_0.pb."""
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(5)
    w = rng.standard_normal((64, 32)).astype(np.float32)
    b = rng.standard_normal(32).astype(np.float32)
    x = rng.standard_normal((2, 64)).astype(np.float32)
    open(os.path.join(d, "weights.bin"), "wb").write(b"\0" * 16 + w.tobytes())
    t = TensorProto()
    t.name, t.data_type = "w", F
    t.dims.extend(w.shape)
    t.data_location = TensorProto.EXTERNAL
    for k, v in (("location", "weights.bin"), ("offset", "16"), ("length", str(w.nbytes))):
        e = t.external_data.add()
        e.key, e.value = k, v
    nodes = [helper.make_node("MatMul", ["x", "w"], ["xw"], name="mm"),
             helper.make_node("Add", ["xw", "b"], ["y"], name="bias")]
    m = model(nodes, [vi("x", F, [2, 64])], [vi("y", F, [2, 32])],
              [t, nh.from_array(b, "b")])
    open(os.path.join(d, "model.onnx"), "wb").write(m.SerializeToString())
    open(os.path.join(d, "input_0.pb"), "wb").write(nh.from_array(x, "x").SerializeToString())
    y = (x.astype(np.float64) @ w.astype(np.float64) + b).astype(np.float32)
    open(os.path.join(d, "output_0.pb"), "wb").write(nh.from_array(y, "y").SerializeToString())


GOOD = {"small_cnn": small_cnn, "shapes": shapes, "dynamic": dynamic}


def write_corpus(d):
    os.makedirs(d, exist_ok=True)
    for name, fn in MALFORMED.items():
        path = os.path.join(d, name + ".onnx")
        if name == "truncated":
            data = small_cnn().SerializeToString()
            open(path, "wb").write(data[: len(data) // 2])
            continue
        m = fn()
        open(path, "wb").write(m.SerializeToString())
    open(os.path.join(d, "short.bin"), "wb").write(b"\0" * 7)
    open(os.path.join(d, "ok.bin"), "wb").write(b"\0" * 16)
    parent = os.path.dirname(os.path.abspath(d))
    # The escaping model points at this file: it exists, and must not be read.
    open(os.path.join(parent, "outside.bin"), "wb").write(b"\0" * 16)
    # A model that is not a model at all: no graph.
    open(os.path.join(d, "no_graph.onnx"), "wb").write(
        helper.make_model(helper.make_graph([], "g", [], [])).SerializeToString()[:0]
        + onnx.ModelProto(ir_version=8).SerializeToString())


if __name__ == "__main__":
    if sys.argv[1] == "--corpus":
        write_corpus(sys.argv[2])
    elif sys.argv[1] == "external_weights":
        external_weights(sys.argv[2])
    else:
        fn = GOOD.get(sys.argv[1]) or MALFORMED[sys.argv[1]]
        onnx.save(fn(), sys.argv[2])
