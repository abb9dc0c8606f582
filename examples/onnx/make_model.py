"""Writes the bundled example: tiny_cnn.onnx (conv, batchnorm, relu,
max-pool, grouped conv, resize, average-pool, global pool, gemm, softmax on a
1x3x16x16 image) and a sample input, input_0.pb.

usage: make_model.py [DIR]   (default: this folder)
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "test", "Integration", "ONNX", "Inputs"))
import onnx  # noqa: E402
import ort_models  # noqa: E402  (the same CNN the differential test uses)

out = sys.argv[1] if len(sys.argv) > 1 else HERE
model, shape = ort_models.cnn()
onnx.save(model, os.path.join(out, "tiny_cnn.onnx"))
import numpy as np  # noqa: E402
from onnx import numpy_helper  # noqa: E402

x = np.random.default_rng(42).standard_normal(shape).astype(np.float32)
with open(os.path.join(out, "input_0.pb"), "wb") as f:
    f.write(numpy_helper.from_array(x, "x").SerializeToString())
print("wrote", os.path.join(out, "tiny_cnn.onnx"), "and input_0.pb")
