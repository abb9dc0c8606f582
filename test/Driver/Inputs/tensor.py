"""Writes a tensor file for lpc run tests.

usage: tensor.py OUT.(pb|npy) NAME DTYPE d0,d1,...  (values 0.5*i - 1)
"""
import sys

import numpy as np
from onnx import numpy_helper

out, name, dtype, shape = sys.argv[1:5]
shape = [int(d) for d in shape.split(",") if d]
a = (np.arange(int(np.prod(shape))) * 0.5 - 1).reshape(shape).astype(dtype)
if out.endswith(".npy"):
    np.save(out, a)
else:
    open(out, "wb").write(numpy_helper.from_array(a, name).SerializeToString())
