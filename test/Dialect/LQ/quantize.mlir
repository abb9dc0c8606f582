// RUN: lpc-opt %s -lq-quantize=recipe=w4g128 -split-input-file | FileCheck %s
// RUN: lpc-opt %s -lq-quantize=recipe=w8a8 -canonicalize -split-input-file -verify-diagnostics | FileCheck %s --check-prefix=W8A8
// RUN: lpc-opt %s -lq-quantize=recipe=mxfp4 -split-input-file | FileCheck %s --check-prefix=MX
// RUN: lpc-opt %s -lq-quantize=recipe=nvfp4 -split-input-file | FileCheck %s --check-prefix=NV
// RUN: lpc-opt %s -lq-quantize=recipe=nf4 -split-input-file | FileCheck %s --check-prefix=NF4
// RUN: lpc-opt %s -lq-quantize=recipe=ternary -split-input-file | FileCheck %s --check-prefix=TER
// RUN: not lpc-opt %s -lq-quantize -split-input-file 2>&1 | FileCheck %s --check-prefix=NONE
// RUN: not lpc-opt %s -lq-quantize=recipe=w5 -split-input-file 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not lpc-opt %s -lq-quantize=recipe=fp8 -split-input-file 2>&1 | FileCheck %s --check-prefix=FP8

// NONE: error: lq-quantize: give recipe=NAME (one of: w8a8, w8a8-static, w4a8, w4a4, w4g128, w3g64, w2g64, ternary, nf4, mxfp4, nvfp4, fp8) or config=FILE
// BAD: error: lq-quantize: unknown recipe 'w5' (lpc has: w8a8, w8a8-static, w4a8, w4a4, w4g128, w3g64, w2g64, ternary, nf4, mxfp4, nvfp4, fp8)
// FP8: error: lq-quantize: recipe 'fp8' quantizes activations with static scales from calibration statistics: give stats=FILE (lpc: --calibration DIR)

#mk = affine_map<(d0, d1, d2) -> (d0, d2)>
#kn = affine_map<(d0, d1, d2) -> (d2, d1)>
#nk = affine_map<(d0, d1, d2) -> (d1, d2)>
#mn = affine_map<(d0, d1, d2) -> (d0, d1)>

/// A MatMul's K x N weights become N x K codes of a weight-only lq.matmul
/// (rhs_transposed). w4g128 on K = 4: one group per row, clamped to K.
/// Row 0 (1, 0.5, -1, 0.25): s = 2 / 15 = 0.13333334, zero point
/// round(1 / s) = round(7.4999995) = 7, codes 14 11 0 9; row 1 (-2, 0, 4, 1):
/// s = 0.4, zero point 5, codes 0 5 15 7 (2.5 rounds to even). Signless i4
/// prints 14 as -2.
// CHECK-LABEL: func.func @matmul(
// CHECK-SAME: %[[X:.*]]: tensor<3x4xf32>
// CHECK: %[[C:.*]] = arith.constant dense<{{\[}}[-2, -5, 0, -7], [0, 5, -1, 7]]> : tensor<2x4xi4>
// CHECK: %[[Q:.*]] = lq.bitcast %[[C]] : tensor<2x4xi4> to tensor<2x4x!lq.int<4, unsigned>>
// CHECK: %[[S:.*]] = arith.constant dense<{{\[}}[0.13333334], [4.000000e-01]]> : tensor<2x1xf32>
// CHECK: %[[ZC:.*]] = arith.constant dense<{{\[}}[7], [5]]> : tensor<2x1xi4>
// CHECK: %[[Z:.*]] = lq.bitcast %[[ZC]]
// CHECK: %[[Y:.*]] = lq.matmul %[[X]], %[[Q]] scales(%[[S]]) rhs_zero_point(%[[Z]] : tensor<2x1x!lq.int<4, unsigned>>) rhs_layout(<block = [1, 4]>) rhs_transposed acc(f32) : tensor<3x4xf32>, tensor<2x4x!lq.int<4, unsigned>>, tensor<2x1xf32> -> tensor<3x2xf32>
// CHECK: return %[[Y]]
/// w8a8: per-channel int8 (s = max|w| / 127), then per-token int8
/// activations and an integer matmul. Row 0: 127 64 -127 32 (63.5 and 31.75
/// round to even / nearest); row 1: -64 0 127 32.
// W8A8-LABEL: func.func @matmul(
// W8A8-DAG: arith.constant dense<[0.00787401571, 0.0314960629]> : tensor<2xf32>
// W8A8-DAG: arith.constant dense<{{\[}}[127, 64, -127, 32], [-64, 0, 127, 32]]> : tensor<2x4xi8>
// W8A8: %[[Q:.*]], %[[SA:.*]] = lq.dynamic_quantize %{{.*}} layout <axis = 0> : tensor<3x4xf32> -> tensor<3x4x!lq.int<8>>, tensor<3xf32>
// W8A8: lq.matmul %[[Q]], %{{.*}} scales(%[[SA]], %{{.*}}) lhs_layout(<axis = 0>) rhs_layout(<axis = 0>) rhs_transposed acc(i32)
func.func @matmul(%x: tensor<3x4xf32>) -> tensor<3x2xf32> {
  %w = arith.constant dense<[[1.0, -2.0], [0.5, 0.0], [-1.0, 4.0], [0.25, 1.0]]> : tensor<4x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<3x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<3x2xf32>) -> tensor<3x2xf32>
  %y = linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<3x4xf32>, tensor<4x2xf32>) outs(%init : tensor<3x2xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  } -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

#mk = affine_map<(d0, d1, d2) -> (d0, d2)>
#kn = affine_map<(d0, d1, d2) -> (d2, d1)>
#nk = affine_map<(d0, d1, d2) -> (d1, d2)>
#mn = affine_map<(d0, d1, d2) -> (d0, d1)>

/// Gemm with transB (N x K weights) into an accumulator that is not +0.0:
/// the product starts at +0.0 and the accumulator is added after.
/// MXFP4 on K = 64: two E8M0 scales per row; max|w| = 3 in block 0 gives
/// 2^(1 - 2) (code 126), max 0.75 in block 1 gives 2^(-1 - 2) (code 124).
// CHECK-LABEL: func.func @gemm_bias(
// CHECK: %[[MM:.*]] = lq.matmul %{{.*}}, %{{.*}} scales(%{{.*}}) rhs_zero_point(%{{.*}} : tensor<2x1x!lq.int<4, unsigned>>) rhs_layout(<block = [1, 64]>) rhs_transposed acc(f32)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x2xf32>
// CHECK: %[[ADD:.*]] = linalg.add ins(%{{.*}}, %[[MM]] : tensor<1x2xf32>, tensor<1x2xf32>) outs(%[[E]] : tensor<1x2xf32>)
// CHECK: return %[[ADD]]
// MX-LABEL: func.func @gemm_bias(
// MX: %[[Q:.*]] = lq.bitcast %{{.*}} : tensor<2x64xi4> to tensor<2x64x!lq.float<e2m1>>
// MX: %[[SC:.*]] = arith.constant dense<{{\[}}[126, 124], [126, 124]]> : tensor<2x2xi8>
// MX: %[[S:.*]] = lq.bitcast %[[SC]] : tensor<2x2xi8> to tensor<2x2x!lq.float<e8m0>>
// MX: lq.matmul %{{.*}}, %[[Q]] scales(%[[S]]) rhs_layout(<block = [1, 32]>) rhs_transposed acc(f32) : tensor<1x64xf32>, tensor<2x64x!lq.float<e2m1>>, tensor<2x2x!lq.float<e8m0>> -> tensor<1x2xf32>
/// NVFP4: UE4M3 block scales dequantized with the per-tensor f32
/// 3 / (6 * 448) = 0.00111607148.
// NV-LABEL: func.func @gemm_bias(
// NV: %[[SC:.*]] = lq.bitcast %{{.*}} : tensor<2x4xi7> to tensor<2x4x!lq.float<ue4m3>>
// NV: %[[G:.*]] = arith.constant dense<0.00111607148> : tensor<f32>
// NV: %[[S:.*]] = lq.dequantize %[[SC]], %[[G]] layout <tensor> : tensor<2x4x!lq.float<ue4m3>>, tensor<f32> -> tensor<2x4xf32>
// NV: lq.matmul %{{.*}}, %{{.*}} scales(%[[S]]) rhs_layout(<block = [1, 16]>) rhs_transposed acc(f32) : tensor<1x64xf32>, tensor<2x64x!lq.float<e2m1>>, tensor<2x4xf32> -> tensor<1x2xf32>
/// The nf4 recipe: absmax per 64, the scales double-quantized to uint8 with a step
/// and a minimum (float offset) per block of 256 scales.
// NF4-LABEL: func.func @gemm_bias(
// NF4: %[[Q:.*]] = lq.bitcast %{{.*}} : tensor<2x64xi4> to tensor<2x64x!lq.codebook<nf4>>
// NF4: %[[SC:.*]] = lq.bitcast %{{.*}} : tensor<2x1xi8> to tensor<2x1x!lq.int<8, unsigned>>
// NF4: %[[S:.*]] = lq.dequantize %[[SC]], %{{.*}}, %{{.*}} layout <tensor> : tensor<2x1x!lq.int<8, unsigned>>, tensor<f32>, tensor<f32> -> tensor<2x1xf32>
// NF4: lq.matmul %{{.*}}, %[[Q]] scales(%[[S]]) rhs_layout(<block = [1, 64]>) rhs_transposed acc(f32)
// TER-LABEL: func.func @gemm_bias(
// TER: lq.matmul %{{.*}}, %{{.*}} scales(%{{.*}}) rhs_layout(<axis = 0>) rhs_transposed acc(f32) : tensor<1x64xf32>, tensor<2x64x!lq.ternary>, tensor<2xf32> -> tensor<1x2xf32>
func.func @gemm_bias(%x: tensor<1x64xf32>, %c: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[3.0, -1.0, 0.5, 0.25, 1.0, 2.0, -2.0, 0.0, 3.0, -1.0, 0.5, 0.25, 1.0, 2.0, -2.0, 0.0,
                              3.0, -1.0, 0.5, 0.25, 1.0, 2.0, -2.0, 0.0, 3.0, -1.0, 0.5, 0.25, 1.0, 2.0, -2.0, 0.0,
                              0.75, -0.5, 0.5, 0.25, 0.125, 0.0, -0.25, 0.0, 0.75, -0.5, 0.5, 0.25, 0.125, 0.0, -0.25, 0.0,
                              0.75, -0.5, 0.5, 0.25, 0.125, 0.0, -0.25, 0.0, 0.75, -0.5, 0.5, 0.25, 0.125, 0.0, -0.25, 0.0],
                             [3.0, -1.0, 0.5, 0.25, 1.0, 2.0, -2.0, 0.0, 3.0, -1.0, 0.5, 0.25, 1.0, 2.0, -2.0, 0.0,
                              3.0, -1.0, 0.5, 0.25, 1.0, 2.0, -2.0, 0.0, 3.0, -1.0, 0.5, 0.25, 1.0, 2.0, -2.0, 0.0,
                              0.75, -0.5, 0.5, 0.25, 0.125, 0.0, -0.25, 0.0, 0.75, -0.5, 0.5, 0.25, 0.125, 0.0, -0.25, 0.0,
                              0.75, -0.5, 0.5, 0.25, 0.125, 0.0, -0.25, 0.0, 0.75, -0.5, 0.5, 0.25, 0.125, 0.0, -0.25, 0.0]]> : tensor<2x64xf32>
  %y = linalg.generic {indexing_maps = [#mk, #nk, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<1x64xf32>, tensor<2x64xf32>) outs(%c : tensor<1x2xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

/// A convolution's F x C x kh x kw filter (through the importer's grouped
/// view) becomes lq.dequantize of codes; groups run along C. With integer
/// activations the convolution keeps f32 activations and says so (the
/// W8A8 run verifies the remark).
// CHECK-LABEL: func.func @conv(
// CHECK: %[[D:.*]] = lq.dequantize %{{.*}}, %{{.*}}, %{{.*}} layout <block = [1, 2, 1, 1]> : tensor<2x2x1x1x!lq.int<4, unsigned>>, tensor<2x1x1x1xf32>, tensor<2x1x1x1x!lq.int<4, unsigned>> -> tensor<2x2x1x1xf32>
// CHECK: %[[V:.*]] = tensor.expand_shape %[[D]]
// CHECK: linalg.conv_2d_ngchw_gfchw {{.*}} ins(%{{.*}}, %[[V]] :
// W8A8-LABEL: func.func @conv(
// W8A8: lq.dequantize %{{.*}}, %{{.*}} layout <axis = 0> : tensor<2x2x1x1x!lq.int<8>>, tensor<2xf32> -> tensor<2x2x1x1xf32>
func.func @conv(%x: tensor<1x1x2x3x3xf32>) -> tensor<1x1x2x3x3xf32> {
  %w = arith.constant dense<[[[[1.0]], [[-0.5]]], [[[0.25]], [[2.0]]]]> : tensor<2x2x1x1xf32>
  %v = tensor.expand_shape %w [[0, 1], [2], [3], [4]] output_shape [1, 2, 2, 1, 1] : tensor<2x2x1x1xf32> into tensor<1x2x2x1x1xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x1x2x3x3xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1x2x3x3xf32>) -> tensor<1x1x2x3x3xf32>
  // expected-remark @+1 {{activations stay f32: run-time activation quantization covers matmuls, not convolutions}}
  %y = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %v : tensor<1x1x2x3x3xf32>, tensor<1x2x2x1x1xf32>) outs(%init : tensor<1x1x2x3x3xf32>) -> tensor<1x1x2x3x3xf32>
  return %y : tensor<1x1x2x3x3xf32>
}

// -----

/// Weights that are not constants, and batched products, stay as they are.
// CHECK-LABEL: func.func @untouched(
// CHECK-NOT: lq.
// CHECK: return
func.func @untouched(%x: tensor<3x4xf32>, %w: tensor<4x2xf32>, %b: tensor<2x3x4xf32>) -> (tensor<3x2xf32>, tensor<2x3x2xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<3x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<3x2xf32>) -> tensor<3x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<3x4xf32>, tensor<4x2xf32>) outs(%init : tensor<3x2xf32>) -> tensor<3x2xf32>
  %wb = arith.constant dense<1.0> : tensor<2x4x2xf32>
  %eb = tensor.empty() : tensor<2x3x2xf32>
  %ib = linalg.fill ins(%zero : f32) outs(%eb : tensor<2x3x2xf32>) -> tensor<2x3x2xf32>
  %z = linalg.batch_matmul ins(%b, %wb : tensor<2x3x4xf32>, tensor<2x4x2xf32>) outs(%ib : tensor<2x3x2xf32>) -> tensor<2x3x2xf32>
  return %y, %z : tensor<3x2xf32>, tensor<2x3x2xf32>
}
