"""Writes a float model with three weight layers named mm (MatMul), gemm
(Gemm, transB) and conv (Conv) for the --quantize tests: three_layers.py OUT."""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(0)
W = rng.standard_normal((64, 32)).astype(np.float32)
B = rng.standard_normal((16, 32)).astype(np.float32)
Cw = rng.standard_normal((8, 4, 3, 3)).astype(np.float32)
graph = helper.make_graph(
    [helper.make_node("MatMul", ["x", "W"], ["y"], name="mm"),
     helper.make_node("Gemm", ["y", "B"], ["z"], name="gemm", transB=1),
     helper.make_node("Reshape", ["z", "shape"], ["z4"], name="reshape"),
     helper.make_node("Conv", ["z4", "Cw"], ["c"], name="conv", pads=[1, 1, 1, 1])],
    "three_layers", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 64])],
    [helper.make_tensor_value_info("c", TensorProto.FLOAT, [2, 8, 2, 2])],
    [numpy_helper.from_array(W, "W"), numpy_helper.from_array(B, "B"),
     numpy_helper.from_array(np.array([2, 4, 2, 2], np.int64), "shape"),
     numpy_helper.from_array(Cw, "Cw")])
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), sys.argv[1])
