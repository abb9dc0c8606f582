"""Single-node models for the importer's index and bitwise operators: a few
that import (their IR is checked) and malformed ones, one per error.

usage: op_models.py NAME DIR   (writes DIR/model.onnx)
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T, helper
from onnx import numpy_helper as nh


def model(op, inputs, out_shape, attrs=None, out_dtype=T.FLOAT):
    """`inputs`: (name, dtype, shape) graph inputs, or (name, ndarray)
    initializers."""
    graph_inputs, inits, names = [], [], []
    for spec in inputs:
        names.append(spec[0])
        if isinstance(spec[1], np.ndarray):
            inits.append(nh.from_array(spec[1], spec[0]))
        else:
            graph_inputs.append(helper.make_tensor_value_info(*spec))
    outs = out_shape if isinstance(out_shape, list) and out_shape and \
        isinstance(out_shape[0], tuple) else [("y", out_dtype, out_shape)]
    node = helper.make_node(op, names, [o[0] for o in outs], name="n",
                            **(attrs or {}))
    g = helper.make_graph([node], "g", graph_inputs,
                          [helper.make_tensor_value_info(*o) for o in outs],
                          inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 18)])
    m.ir_version = 8
    return m


X23 = ("x", T.FLOAT, [2, 3])
I64 = np.int64
MODELS = {
    "topk": lambda: model("TopK", [X23, ("k", np.array([2], I64))],
                          [("v", T.FLOAT, [2, 2]), ("i", T.INT64, [2, 2])]),
    "scatter_nd": lambda: model(
        "ScatterND", [("x", T.FLOAT, [4, 3]),
                      ("idx", np.array([[1], [3]], I64)),
                      ("u", T.FLOAT, [2, 3])], [4, 3], {"reduction": "add"}),
    "argmax_axis": lambda: model("ArgMax", [X23], [2], {"axis": 5}, T.INT64),
    "topk_k_input": lambda: model("TopK", [X23, ("k", T.INT64, [1])],
                                  [("v", T.FLOAT, [2, 2]), ("i", T.INT64, [2, 2])]),
    "topk_k_range": lambda: model("TopK", [X23, ("k", np.array([7], I64))],
                                  [("v", T.FLOAT, [2, 2]), ("i", T.INT64, [2, 2])]),
    "trilu_rank": lambda: model("Trilu", [("x", T.FLOAT, [3])], [3]),
    "onehot_depth": lambda: model(
        "OneHot", [("i", T.INT64, [3]), ("d", T.INT64, []),
                   ("v", np.array([0, 1], np.float32))], [3, 4]),
    "onehot_values": lambda: model(
        "OneHot", [("i", T.INT64, [3]), ("d", np.array(4, I64)),
                   ("v", np.array([0, 1, 2], np.float32))], [3, 4]),
    "eyelike_rank": lambda: model("EyeLike", [("x", T.FLOAT, [2, 2, 2])],
                                  [2, 2, 2]),
    "eyelike_dtype": lambda: model("EyeLike", [("x", T.FLOAT, [2, 2])],
                                   [2, 2], {"dtype": T.STRING}),
    "gather_elements_float": lambda: model(
        "GatherElements", [X23, ("i", T.FLOAT, [2, 3])], [2, 3]),
    "gather_elements_rank": lambda: model(
        "GatherElements", [X23, ("i", T.INT64, [2])], [2]),
    "gathernd_fit": lambda: model(
        "GatherND", [X23, ("i", T.INT64, [1, 3])], [1]),
    "scatter_reduction": lambda: model(
        "ScatterElements", [X23, ("i", T.INT64, [2, 3]), ("u", T.FLOAT, [2, 3])],
        [2, 3], {"reduction": "avg"}),
    "scatter_shapes": lambda: model(
        "ScatterElements", [X23, ("i", T.INT64, [2, 2]), ("u", T.FLOAT, [2, 3])],
        [2, 3]),
    "scatter_nd_fit": lambda: model(
        "ScatterND", [X23, ("i", T.INT64, [2, 1]), ("u", T.FLOAT, [2, 2])],
        [2, 3]),
    "bitwise_float": lambda: model(
        "BitwiseAnd", [X23, ("z", T.FLOAT, [2, 3])], [2, 3]),
    "bitshift_direction": lambda: model(
        "BitShift", [("a", T.UINT8, [3]), ("b", T.UINT8, [3])], [3],
        {"direction": "UP"}, T.UINT8),
    "bitwise_not_float": lambda: model("BitwiseNot", [X23], [2, 3]),
}


if __name__ == "__main__":
    name, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    onnx.save(MODELS[name](), os.path.join(out, "model.onnx"))
