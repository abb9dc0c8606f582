"""A tensor-level model whose linalg ops write sub-byte buffers (i4, i3, i1)
that lq-emulate-narrow-types packs densely, plus a float op, for running
through the CPU pipeline with threads.

Every narrow result is written transposed: iteration (i, j) stores element
[j][i], so the parallel iterations i = 0..7 that a threaded lowering would
hand to different threads store into the same byte for every j. Each narrow
tensor has two consumers, so elementwise fusion keeps it materialized.

usage: narrow_parallel.py DIR N    writes DIR/model.mlir, DIR/x.pb and the
                                   expected DIR/ref/output_<i>.pb
"""
import os
import sys

import numpy as np
from onnx import numpy_helper as nh

out, n = sys.argv[1], int(sys.argv[2])
os.makedirs(os.path.join(out, "ref"), exist_ok=True)
rng = np.random.default_rng(7)
# Integers in [-8, 7] (exact in f32 and in i4) and a few fractions.
x = rng.integers(-8, 8, size=(8, n)).astype(np.float32)
x[:, ::5] += 0.5

T = "affine_map<(d0, d1) -> (d1, d0)>"
I = "affine_map<(d0, d1) -> (d0, d1)>"


def narrow(name, width, body):
    """x (8 x n, f32) -> %name : tensor<n x 8 x i<width>>, written transposed."""
    return """  %{name}_e = tensor.empty() : tensor<{n}x8xi{w}>
  %{name} = linalg.generic {{indexing_maps = [{I}, {T}], iterator_types = ["parallel", "parallel"]}}
      ins(%x : tensor<8x{n}xf32>) outs(%{name}_e : tensor<{n}x8xi{w}>) {{
  ^bb0(%a: f32, %o: i{w}):
{body}
  }} -> tensor<{n}x8xi{w}>
""".format(name=name, n=n, w=width, I=I, T=T, body=body)


def widen(name, src, width, op, to):
    return """  %{name}_e = tensor.empty() : tensor<{n}x8x{to}>
  %{name} = linalg.generic {{indexing_maps = [{I}, {I}], iterator_types = ["parallel", "parallel"]}}
      ins(%{src} : tensor<{n}x8xi{w}>) outs(%{name}_e : tensor<{n}x8x{to}>) {{
  ^bb0(%a: i{w}, %o: {to}):
    %c = arith.{op} %a : i{w} to {to}
    linalg.yield %c : {to}
  }} -> tensor<{n}x8x{to}>
""".format(name=name, src=src, n=n, w=width, op=op, to=to, I=I)


body = ["func.func @main_graph(%x: tensor<8x{n}xf32>) -> (tensor<{n}x8xi32>, "
        "tensor<{n}x8xi8>, tensor<{n}x8xi32>, tensor<{n}x8xi8>, "
        "tensor<{n}x8xi1>, tensor<{n}x8xi32>, tensor<8x{n}xf32>) {{".format(n=n)]
# i4: fptosi truncates toward zero; all values are in range.
body.append(narrow("q4", 4, "    %c = arith.fptosi %a : f32 to i4\n    linalg.yield %c : i4"))
body.append(widen("q4a", "q4", 4, "extsi", "i32"))
body.append(widen("q4b", "q4", 4, "extui", "i8"))
# i3: the code of x mod 8 (x + 8 truncated, low three bits).
body.append(narrow("q3", 3, "    %s = arith.fptosi %a : f32 to i32\n"
                   "    %c = arith.trunci %s : i32 to i3\n    linalg.yield %c : i3"))
body.append(widen("q3a", "q3", 3, "extsi", "i32"))
body.append(widen("q3b", "q3", 3, "extui", "i8"))
# i1: x > 0.
body.append(narrow("b1", 1, "    %z = arith.constant 0.0 : f32\n"
                   "    %c = arith.cmpf ogt, %a, %z : f32\n    linalg.yield %c : i1"))
body.append(widen("b1a", "b1", 1, "extui", "i32"))
# The float path.
body.append("""  %f_e = tensor.empty() : tensor<8x{n}xf32>
  %f = linalg.generic {{indexing_maps = [{I}, {I}], iterator_types = ["parallel", "parallel"]}}
      ins(%x : tensor<8x{n}xf32>) outs(%f_e : tensor<8x{n}xf32>) {{
  ^bb0(%a: f32, %o: f32):
    %c = arith.mulf %a, %a : f32
    linalg.yield %c : f32
  }} -> tensor<8x{n}xf32>
""".format(n=n, I=I))
body.append("  return %q4a, %q4b, %q3a, %q3b, %b1, %b1a, %f : tensor<{n}x8xi32>, "
            "tensor<{n}x8xi8>, tensor<{n}x8xi32>, tensor<{n}x8xi8>, "
            "tensor<{n}x8xi1>, tensor<{n}x8xi32>, tensor<8x{n}xf32>\n}}".format(n=n))
open(os.path.join(out, "model.mlir"), "w").write("\n".join(body) + "\n")
open(os.path.join(out, "x.pb"), "wb").write(nh.from_array(x, "x").SerializeToString())

xt = x.T
q4 = np.trunc(xt).astype(np.int32)
code3 = q4 & 7
q3 = np.where(code3 >= 4, code3 - 8, code3)
b1 = xt > 0
refs = [q4, (q4 & 15).astype(np.int8), q3, code3.astype(np.int8), b1,
        b1.astype(np.int32), x * x]
for i, r in enumerate(refs):
    t = nh.from_array(np.ascontiguousarray(r), "output_%d" % i)
    open(os.path.join(out, "ref", "output_%d.pb" % i), "wb").write(t.SerializeToString())
