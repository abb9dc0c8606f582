"""lq-fuse-qdq is exact: a dequantize -> matmul -> quantize graph computes the
same bits before and after fusion (both run through the reference lowering),
and the fused form really is an lq.matmul. Covers both operands dequantized
and the weight-only form: plain f32 activations times dequantized int4
weights (K x N, group 32) and uint4 weights with zero points stored N x K
(MatMulNBits layout, block [1, 32]) read by a transposed generic, followed by
a quantize."""

import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
import lqgen  # noqa: E402
import lqrun  # noqa: E402

rng = np.random.default_rng(11)
M, K, N = 5, 96, 12


def hexes(a):
    return [lqgen.f32_hex(float(v)) for v in np.asarray(a, dtype=np.float32).reshape(-1)]


b = lqrun.MainBuilder()
x = rng.standard_normal((M, K)).astype(np.float32)
w = rng.standard_normal((K, N)).astype(np.float32)
xv = b.const_shaped(hexes(x), (M, K), "f32")
wv = b.const_shaped(hexes(w), (K, N), "f32")
sx = b.const_shaped(hexes(np.abs(x).max(axis=1) / 127), (M,), "f32")
sw = b.const_shaped(hexes(np.abs(w).reshape(3, 32, N).max(axis=1) / 7), (3, N), "f32")
so = b.const_shaped(hexes(np.full(N, 0.05)), (N,), "f32")
# MatMulNBits-style weights: N x K, asymmetric uint4 per group of 32 along K.
wt = np.ascontiguousarray(w.T)
wtv = b.const_shaped(hexes(wt), (N, K), "f32")
g = wt.reshape(N, 3, 32)
swt = b.const_shaped(hexes((g.max(axis=2) - g.min(axis=2)) / 15), (N, 3), "f32")
zwt = b.const_shaped([str(int(v)) for v in rng.integers(6, 10, size=N * 3)], (N, 3), "i8")
so4 = b.const_shaped(hexes(np.full((), 0.04)), (), "f32")
lines = """%qa = lq.quantize {x}, {sx} layout <axis = 0> : tensor<5x96xf32>, tensor<5xf32> -> tensor<5x96x!lq.int<8>>
%qb = lq.quantize {w}, {sw} layout <block = [32, 1]> : tensor<96x12xf32>, tensor<3x12xf32> -> tensor<96x12x!lq.int<4>>
%a = lq.dequantize %qa, {sx} layout <axis = 0> : tensor<5x96x!lq.int<8>>, tensor<5xf32> -> tensor<5x96xf32>
%b = lq.dequantize %qb, {sw} layout <block = [32, 1]> : tensor<96x12x!lq.int<4>>, tensor<3x12xf32> -> tensor<96x12xf32>
%zero = arith.constant 0.0 : f32
%e = tensor.empty() : tensor<5x12xf32>
%init = linalg.fill ins(%zero : f32) outs(%e : tensor<5x12xf32>) -> tensor<5x12xf32>
%y = linalg.generic {{indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}} ins(%a, %b : tensor<5x96xf32>, tensor<96x12xf32>) outs(%init : tensor<5x12xf32>) {{
^bb0(%p: f32, %q: f32, %acc: f32):
  %m = arith.mulf %p, %q : f32
  %s = arith.addf %acc, %m : f32
  linalg.yield %s : f32
}} -> tensor<5x12xf32>
%y2 = linalg.matmul ins(%a, %b : tensor<5x96xf32>, tensor<96x12xf32>) outs(%init : tensor<5x12xf32>) -> tensor<5x12xf32>
%q = lq.quantize %y2, {so} layout <axis = 1> : tensor<5x12xf32>, tensor<12xf32> -> tensor<5x12x!lq.int<8>>
%y3 = linalg.matmul ins({x}, %b : tensor<5x96xf32>, tensor<96x12xf32>) outs(%init : tensor<5x12xf32>) -> tensor<5x12xf32>
%qt = lq.quantize {wt}, {swt}, {zwt} layout <block = [1, 32]> : tensor<12x96xf32>, tensor<12x3xf32>, tensor<12x3xi8> -> tensor<12x96x!lq.int<4, unsigned>>
%bt = lq.dequantize %qt, {swt}, {zwt} layout <block = [1, 32]> : tensor<12x96x!lq.int<4, unsigned>>, tensor<12x3xf32>, tensor<12x3xi8> -> tensor<12x96xf32>
%y4 = linalg.generic {{indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}} ins({x}, %bt : tensor<5x96xf32>, tensor<12x96xf32>) outs(%init : tensor<5x12xf32>) {{
^bb0(%p4: f32, %w4: f32, %acc4: f32):
  %m4 = arith.mulf %p4, %w4 : f32
  %s4 = arith.addf %acc4, %m4 : f32
  linalg.yield %s4 : f32
}} -> tensor<5x12xf32>
%q4 = lq.quantize %y4, {so4} layout <tensor> : tensor<5x12xf32>, tensor<f32> -> tensor<5x12x!lq.int<8>>""".format(
    x=xv, w=wv, sx=sx, sw=sw, so=so, wt=wtv, swt=swt, zwt=zwt, so4=so4)
for line in lines.split("\n"):
    b.lines.append("  " + line)
b.print_f32("generic", "%y", (M, N))
b.print_codes("requantized", "%q", (M, N), "!lq.int<8>", 8)
b.print_f32("weight-only", "%y3", (M, N))
b.print_codes("weight-only transposed requantized", "%q4", (M, N), "!lq.int<8>", 8)
text = b.module()

fused_ir = subprocess.run(["lpc-opt", "-", "-lq-fuse-qdq"], input=text, capture_output=True,
                          text=True, check=True).stdout
n_fused = fused_ir.count("lq.matmul")
# Weight-only matmuls name only the rhs scale: scales(%s).
n_weight_only = sum(1 for line in fused_ir.splitlines()
                    if "lq.matmul" in line and "lhs_layout" not in line)
plain = lqrun.run(text)
fused = lqrun.run(text, passes=["-lq-fuse-qdq"])
diff = sum(1 for p, f in zip(plain, fused) for a, c in zip(p, f) if a != c)
values = sum(len(p) for p in plain)
nonzero = sum(1 for p in plain for v in p if v)
print("fuse-qdq: %d lq.matmul after fusion (%d weight-only), %d values, %d nonzero, %d differ" % (
    n_fused, n_weight_only, values, nonzero, diff))
sys.exit(1 if diff or n_fused != 4 or n_weight_only != 2 or not nonzero else 0)
