"""lpc demo: quantize a float matmul to int8 activations x int4 group-32
weights, compile it with lpc's reference pipeline, run it, and print lpc's
values next to the exact-rational model's and the float result.

Writes the lq program to build/demo/int4_matmul.mlir so you can rerun it with
  build/bin/lpc-opt build/demo/int4_matmul.mlir --lpc-reference-pipeline | mlir-runner ...
"""

import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "test", "lib"))
os.environ["PATH"] = os.path.join(ROOT, "build", "bin") + os.pathsep + os.environ["PATH"]
import lqgen  # noqa: E402
import lqmodel as L  # noqa: E402
import lqrun  # noqa: E402

M, K, N, G = 2, 64, 4, 32
rng = np.random.default_rng(7)
x = rng.standard_normal((M, K)).astype(np.float32)
w = rng.standard_normal((K, N)).astype(np.float32)
sx = (np.abs(x).max(axis=1) / 127).astype(np.float32)                  # per row
sw = (np.abs(w).reshape(K // G, G, N).max(axis=1) / 7).astype(np.float32)  # per 32 along K


def dense(a):
    return "dense<[%s]>" % ", ".join(lqgen.f32_hex(float(v)) for v in np.asarray(a).reshape(-1))


program = f"""// int8 x int4 (group-{G}) matmul in the lq dialect.
func.func private @printMemrefF32(memref<*xf32>)
func.func @main() {{
  %xf = arith.constant {dense(x)} : tensor<{M * K}xf32>
  %x = tensor.expand_shape %xf [[0, 1]] output_shape [{M}, {K}] : tensor<{M * K}xf32> into tensor<{M}x{K}xf32>
  %wf = arith.constant {dense(w)} : tensor<{K * N}xf32>
  %w = tensor.expand_shape %wf [[0, 1]] output_shape [{K}, {N}] : tensor<{K * N}xf32> into tensor<{K}x{N}xf32>
  %sx = arith.constant {dense(sx)} : tensor<{M}xf32>
  %swf = arith.constant {dense(sw)} : tensor<{K // G * N}xf32>
  %sw = tensor.expand_shape %swf [[0, 1]] output_shape [{K // G}, {N}] : tensor<{K // G * N}xf32> into tensor<{K // G}x{N}xf32>
  %qx = lq.quantize %x, %sx layout <axis = 0> : tensor<{M}x{K}xf32>, tensor<{M}xf32> -> tensor<{M}x{K}x!lq.int<8>>
  %qw = lq.quantize %w, %sw layout <block = [{G}, 1]> : tensor<{K}x{N}xf32>, tensor<{K // G}x{N}xf32> -> tensor<{K}x{N}x!lq.int<4>>
  %y = lq.matmul %qx, %qw scales(%sx, %sw) lhs_layout(<axis = 0>) rhs_layout(<block = [{G}, 1]>) acc(i32)
      : tensor<{M}x{K}x!lq.int<8>>, tensor<{K}x{N}x!lq.int<4>>, tensor<{M}xf32>, tensor<{K // G}x{N}xf32> -> tensor<{M}x{N}xf32>
  %yf = tensor.collapse_shape %y [[0, 1]] : tensor<{M}x{N}xf32> into tensor<{M * N}xf32>
  %b = arith.bitcast %yf : tensor<{M * N}xf32> to tensor<{M * N}xi32>
  %m = bufferization.to_buffer %b : tensor<{M * N}xi32> to memref<{M * N}xi32>
  %u = memref.cast %m : memref<{M * N}xi32> to memref<*xi32>
  call @printMemrefI32(%u) : (memref<*xi32>) -> ()
  return
}}
func.func private @printMemrefI32(memref<*xi32>)
"""
out_dir = os.path.join(ROOT, "build", "demo")
os.makedirs(out_dir, exist_ok=True)
path = os.path.join(out_dir, "int4_matmul.mlir")
with open(path, "w") as f:
    f.write(program)

print("lpc demo: y = x @ w with x quantized to int8 per row and w to int4 per group of %d along K" % G)
print("  program: %s" % os.path.relpath(path, ROOT))
print("  pipeline: lpc-opt --lpc-reference-pipeline (lq -> linalg -> bufferize -> dense packing -> LLVM), run by mlir-runner")
import subprocess  # noqa: E402
lowered = subprocess.run(["lpc-opt", path, "--lpc-reference-pipeline=lower-to-llvm=false"],
                         capture_output=True, text=True, check=True).stdout
packed = "memref<%dxi8>" % (K * N * 4 // 8)
print("  int4 weights: %d codes in a %s buffer after dense packing (%s)" % (
    K * N, packed, "seen in the lowered IR" if packed in lowered else "NOT FOUND in the lowered IR"))
(got,) = lqrun.run(program)
got = [L.bits_f32(v & 0xFFFFFFFF) for v in got]

qx = L.quantize(x.tolist(), L.IntFormat(8), "axis=0", sx.tolist())
qw = L.quantize(w.tolist(), L.IntFormat(4), "block=[%d,1]" % G, sw.tolist())
want = np.asarray(L.matmul(qx, L.IntFormat(8), qw, L.IntFormat(4), lhs_layout="axis=0", lhs_scale=sx.tolist(),
                           rhs_layout="block=[%d,1]" % G, rhs_scale=sw.tolist(), acc="i32")).reshape(-1)
ref = (x.astype(np.float64) @ w.astype(np.float64)).reshape(-1)

print()
print("  %-8s %14s %14s %14s" % ("y[m,n]", "lpc", "expected", "float matmul"))
bad = 0
for i, (g, e, r) in enumerate(zip(got, want, ref)):
    same = L.f32_bits(g) == L.f32_bits(float(np.float32(e)))
    bad += not same
    print("  [%d,%d]    %14.6f %14.6f %14.6f %s" % (i // N, i % N, g, e, r, "" if same else "  <-- MISMATCH"))
print()
print("  expected = exact-rational model of docs/Semantics.md (test/lib/lqmodel.py); %s" %
      ("all %d values bit-identical" % len(got) if not bad else "%d MISMATCHES" % bad))
sys.exit(1 if bad else 0)
