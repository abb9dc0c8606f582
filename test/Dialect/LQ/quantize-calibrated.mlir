// lq-quantize with calibration statistics (stats=FILE, written by lpc
// calibrate; Inputs/stats.json is written by hand): static activation
// scales (fp8, w8a8-static), GPTQ, and the errors of both. (quantize.mlir
// tests the recipes.)
// RUN: not lpc-opt %s -split-input-file -lq-quantize="recipe=fp8 stats=%S/Inputs/stats.json" 2>/dev/null | FileCheck %s
// RUN: not lpc-opt %s -split-input-file -lq-quantize="recipe=fp8 stats=%S/Inputs/stats.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=ERR
// RUN: not lpc-opt %s -split-input-file -lq-quantize="recipe=w8a8-static stats=%S/Inputs/stats.json" 2>/dev/null | FileCheck %s --check-prefix=STATIC
// RUN: not lpc-opt %s -split-input-file -lq-quantize="recipe=w4g128 gptq=true stats=%S/Inputs/stats.json" 2>/dev/null | FileCheck %s --check-prefix=GQ
// RUN: not lpc-opt %s -split-input-file -lq-quantize="recipe=w4g128 gptq=true progress=true stats=%S/Inputs/stats.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=GERR
// RUN: not lpc-opt %s -split-input-file -lq-quantize="recipe=w4g128 gptq=true" 2>&1 | FileCheck %s --check-prefix=NOSTATS
// RUN: not lpc-opt %s -split-input-file -lq-quantize="recipe=fp8 stats=%S/Inputs/stats-not-lpc.json" 2>&1 | FileCheck %s --check-prefix=NOTLPC
// RUN: not lpc-opt %s -split-input-file -lq-quantize="recipe=fp8 stats=%S/Inputs/stats-version.json" 2>&1 | FileCheck %s --check-prefix=VERSION
// RUN: not lpc-opt %s -split-input-file -lq-quantize="recipe=fp8 stats=%S/Inputs/stats-bad-absmax.json" 2>&1 | FileCheck %s --check-prefix=ABSMAX
// RUN: not lpc-opt %s -split-input-file -lq-quantize="recipe=fp8 stats=%S/Inputs/stats-bad-gram.json" 2>&1 | FileCheck %s --check-prefix=GRAM
// RUN: not lpc-opt %s -split-input-file -lq-quantize="recipe=fp8 stats=%S/Inputs/stats-no-layers.json" 2>&1 | FileCheck %s --check-prefix=LAYERS
// RUN: not lpc-opt %s -split-input-file -lq-quantize="recipe=fp8 stats=%S/Inputs/none.json" 2>&1 | FileCheck %s --check-prefix=MISSING

// NOSTATS: error: lq-quantize: gptq needs the Gram matrices of calibration statistics: give stats=FILE (lpc: --calibration DIR)
// NOTLPC: error: lq-quantize: {{.*}}stats-not-lpc.json: not an lpc calibration file (no "format": "lpc-calibration"; write one with lpc calibrate)
// VERSION: error: lq-quantize: {{.*}}stats-version.json: unsupported version (lpc reads version 1)
// ABSMAX: error: lq-quantize: {{.*}}stats-bad-absmax.json: 'activations[0].absmax' must be an array of numbers
// GRAM: error: lq-quantize: {{.*}}stats-bad-gram.json: 'activations[0].gram.values' must hold 4 numbers (channels^2)
// LAYERS: error: lq-quantize: {{.*}}stats-no-layers.json: 'activations[0].layers' must be a non-empty array of names
// MISSING: error: lq-quantize: {{.*}}none.json: cannot read: {{.*}}

#mk = affine_map<(d0, d1, d2) -> (d0, d2)>
#kn = affine_map<(d0, d1, d2) -> (d2, d1)>
#mn = affine_map<(d0, d1, d2) -> (d0, d1)>

/// fp8: the activations of layer "mm" (max |x| = 3 in the statistics) get
/// the static E4M3FN scale 3 / 448 = 0.00669642864; both operands are codes.
// CHECK-LABEL: func.func @mm(
// CHECK: %[[S:.*]] = arith.constant dense<0.00669642864> : tensor<f32>
// CHECK: %[[Q:.*]] = lq.quantize %{{.*}}, %[[S]] layout <tensor> : tensor<1x2xf32>, tensor<f32> -> tensor<1x2x!lq.float<e4m3fn>>
// CHECK: lq.matmul %[[Q]], %{{.*}} scales(%[[S]], %{{.*}}) lhs_layout(<tensor>) rhs_layout(<axis = 0>) rhs_transposed acc(f32) {{.*}}: tensor<1x2x!lq.float<e4m3fn>>, tensor<2x2x!lq.float<e4m3fn>>, tensor<f32>, tensor<2xf32> -> tensor<1x2xf32>
/// w8a8-static: int8 codes with the scale 3 / 127 = 0.0236220472.
// STATIC-LABEL: func.func @mm(
// STATIC: %[[S:.*]] = arith.constant dense<0.0236220472> : tensor<f32>
// STATIC: %[[Q:.*]] = lq.quantize %{{.*}}, %[[S]] layout <tensor> : tensor<1x2xf32>, tensor<f32> -> tensor<1x2x!lq.int<8>>
// STATIC: lq.matmul %[[Q]], %{{.*}} scales(%[[S]], %{{.*}}) lhs_layout(<tensor>) rhs_layout(<axis = 0>) rhs_transposed acc(f32) {{.*}}: tensor<1x2x!lq.int<8>>, tensor<2x2x!lq.int<8>>, tensor<f32>, tensor<2xf32> -> tensor<1x2xf32>
/// GPTQ keeps the round-to-nearest scales and chooses the codes.
// GQ-LABEL: func.func @mm(
// GQ: lq.matmul %{{.*}}, %{{.*}} scales(%{{.*}}) rhs_zero_point(%{{.*}} : tensor<2x1x!lq.int<4, unsigned>>) rhs_layout(<block = [1, 2]>) rhs_transposed acc(f32)
func.func @mm(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[1.0, -2.0], [0.5, 0.25]]> : tensor<2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y = linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%init : tensor<1x2xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x2xf32> loc("mm")
  return %y : tensor<1x2xf32>
}

// -----

#mk = affine_map<(d0, d1, d2) -> (d0, d2)>
#kn = affine_map<(d0, d1, d2) -> (d2, d1)>
#mn = affine_map<(d0, d1, d2) -> (d0, d1)>

// GERR: lq-quantize: GPTQ layer 1/1 mm

/// A layer the statistics do not cover; one without a Gram matrix; one
/// whose Hessian stays indefinite after damping.
// ERR: error: {{.*}}lq-quantize: {{.*}}stats.json has no statistics for layer 'other' (calibrate this model with lpc calibrate)
// GERR: error: {{.*}}lq-quantize: {{.*}}stats.json has no statistics for layer 'other'
// GERR: error: {{.*}}lq-quantize: {{.*}}stats.json has no 2 x 2 Gram matrix for layer 'nogram' (GPTQ needs one)
// GERR: error: {{.*}}lq-quantize: GPTQ: the Hessian of the layer is not positive definite after damping
// GERR: lq-quantize: GPTQ layer 3/3 negative
func.func @uncovered(%x: tensor<1x2xf32>) -> (tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>) {
  %w = arith.constant dense<[[1.0, -2.0], [0.5, 0.25]]> : tensor<2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %y = linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%init : tensor<1x2xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x2xf32> loc("other")
  %y2 = linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%init : tensor<1x2xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x2xf32> loc("nogram")
  %y3 = linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<1x2xf32>, tensor<2x2xf32>) outs(%init : tensor<1x2xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x2xf32> loc("negative")
  return %y, %y2, %y3 : tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>
}
