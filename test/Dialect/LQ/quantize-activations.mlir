// RUN: lpc-opt %s -lq-quantize-activations -split-input-file -verify-diagnostics | FileCheck %s
// RUN: lpc-opt %s -lq-quantize-activations=bits=4 -split-input-file -verify-diagnostics | FileCheck %s --check-prefix=BITS4
// RUN: not lpc-opt %s -lq-quantize-activations=bits=1 -split-input-file 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: error: lq-quantize-activations: bits must be in [2, 16], got 1

/// Group-128 weights: activations quantized per K-block of the weights, an
/// integer matmul of the codes.
// CHECK-LABEL: func.func @group(
// CHECK-SAME: %[[X:.*]]: tensor<2x256xf32>, %[[W:.*]]: tensor<5x256x!lq.int<4>>, %[[S:.*]]: tensor<5x2xf32>
// CHECK: %[[Q:.*]], %[[SA:.*]] = lq.dynamic_quantize %[[X]] layout <block = [1, 128]> : tensor<2x256xf32> -> tensor<2x256x!lq.int<8>>, tensor<2x2xf32>
// CHECK: lq.matmul %[[Q]], %[[W]] scales(%[[SA]], %[[S]]) lhs_layout(<block = [1, 128]>) rhs_layout(<block = [1, 128]>) rhs_transposed acc(i32) : tensor<2x256x!lq.int<8>>, tensor<5x256x!lq.int<4>>, tensor<2x2xf32>, tensor<5x2xf32> -> tensor<2x5xf32>
// BITS4-LABEL: func.func @group(
// BITS4: lq.dynamic_quantize %{{.*}} layout <block = [1, 128]> : tensor<2x256xf32> -> tensor<2x256x!lq.int<4>>, tensor<2x2xf32>
func.func @group(%x: tensor<2x256xf32>, %w: tensor<5x256x!lq.int<4>>, %s: tensor<5x2xf32>) -> tensor<2x5xf32> {
  %y = lq.matmul %x, %w scales(%s) rhs_layout(<block = [1, 128]>) rhs_transposed acc(f32)
      : tensor<2x256xf32>, tensor<5x256x!lq.int<4>>, tensor<5x2xf32> -> tensor<2x5xf32>
  return %y : tensor<2x5xf32>
}

// -----

/// Per-channel weights with zero points: per-token activations (axis 0);
/// the zero points stay with the weights.
// CHECK-LABEL: func.func @per_row_zero_point(
// CHECK: %[[Q:.*]], %[[SA:.*]] = lq.dynamic_quantize %{{.*}} layout <axis = 0> : tensor<3x64xf32> -> tensor<3x64x!lq.int<8>>, tensor<3xf32>
// CHECK: lq.matmul %[[Q]], %{{.*}} scales(%[[SA]], %{{.*}}) rhs_zero_point(%{{.*}} : tensor<4xi8>) lhs_layout(<axis = 0>) rhs_layout(<axis = 0>) rhs_transposed acc(i32)
func.func @per_row_zero_point(%x: tensor<3x64xf32>, %w: tensor<4x64x!lq.int<8, unsigned>>, %s: tensor<4xf32>, %z: tensor<4xi8>) -> tensor<3x4xf32> {
  %y = lq.matmul %x, %w scales(%s) rhs_zero_point(%z : tensor<4xi8>) rhs_layout(<axis = 0>) rhs_transposed acc(f32)
      : tensor<3x64xf32>, tensor<4x64x!lq.int<8, unsigned>>, tensor<4xf32> -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}

// -----

/// K = 200 with group 128: the activations padded with +0.0 and the weights
/// with code 0 to K = 256, so the partial block keeps its own scale.
// CHECK-LABEL: func.func @ragged_k(
// CHECK: %[[XP:.*]] = tensor.pad %{{.*}} low[0, 0] high[0, 56]
// CHECK: tensor<1x200xf32> to tensor<1x256xf32>
// CHECK: %[[WP:.*]] = tensor.generate
// CHECK: arith.cmpi ule, %{{.*}}, %c199
// CHECK: : tensor<3x256xi4>
// CHECK: %[[WL:.*]] = lq.bitcast %[[WP]] : tensor<3x256xi4> to tensor<3x256x!lq.int<4>>
// CHECK: lq.dynamic_quantize %[[XP]] layout <block = [1, 128]> : tensor<1x256xf32> -> tensor<1x256x!lq.int<8>>, tensor<1x2xf32>
// CHECK: lq.matmul %{{.*}}, %[[WL]] {{.*}} acc(i32) : tensor<1x256x!lq.int<8>>, tensor<3x256x!lq.int<4>>, tensor<1x2xf32>, tensor<3x2xf32> -> tensor<1x3xf32>
func.func @ragged_k(%x: tensor<1x200xf32>, %w: tensor<3x200x!lq.int<4>>, %s: tensor<3x2xf32>) -> tensor<1x3xf32> {
  %y = lq.matmul %x, %w scales(%s) rhs_layout(<block = [1, 128]>) rhs_transposed acc(f32)
      : tensor<1x200xf32>, tensor<3x200x!lq.int<4>>, tensor<3x2xf32> -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

// -----

/// What integer accumulation cannot take keeps f32 activations, with a
/// remark saying why.
// CHECK-LABEL: func.func @kept(
// CHECK-NOT: lq.dynamic_quantize
// CHECK-COUNT-3: acc(f32)
func.func @kept(%x: tensor<2x64xf32>, %nf4: tensor<5x64x!lq.codebook<nf4>>, %i4: tensor<5x64x!lq.int<4, unsigned>>, %s: tensor<5xf32>, %o: tensor<5xf32>, %xd: tensor<?x64xf32>) -> (tensor<2x5xf32>, tensor<2x5xf32>, tensor<?x5xf32>) {
  // expected-remark @+1 {{activations stay f32: its weights are not integer codes (integer accumulation needs integer formats)}}
  %a = lq.matmul %x, %nf4 scales(%s) rhs_layout(<axis = 0>) rhs_transposed acc(f32)
      : tensor<2x64xf32>, tensor<5x64x!lq.codebook<nf4>>, tensor<5xf32> -> tensor<2x5xf32>
  // expected-remark @+1 {{activations stay f32: its weights have float offsets, not integer zero points}}
  %b = lq.matmul %x, %i4 scales(%s) rhs_zero_point(%o : tensor<5xf32>) rhs_layout(<axis = 0>) rhs_transposed acc(f32)
      : tensor<2x64xf32>, tensor<5x64x!lq.int<4, unsigned>>, tensor<5xf32> -> tensor<2x5xf32>
  // expected-remark @+1 {{activations stay f32: its shapes are not static}}
  %c = lq.matmul %xd, %i4 scales(%s) rhs_layout(<axis = 0>) rhs_transposed acc(f32)
      : tensor<?x64xf32>, tensor<5x64x!lq.int<4, unsigned>>, tensor<5xf32> -> tensor<?x5xf32>
  return %a, %b, %c : tensor<2x5xf32>, tensor<2x5xf32>, tensor<?x5xf32>
}

// -----

/// Already quantized activations are left alone (no remark).
// CHECK-LABEL: func.func @integer(
// CHECK: lq.matmul %{{.*}}, %{{.*}} scales(%{{.*}}, %{{.*}}) lhs_layout(<axis = 0>)
func.func @integer(%a: tensor<2x64x!lq.int<8>>, %sa: tensor<2xf32>, %w: tensor<5x64x!lq.int<4>>, %s: tensor<5xf32>) -> tensor<2x5xf32> {
  %y = lq.matmul %a, %w scales(%sa, %s) lhs_layout(<axis = 0>) rhs_layout(<axis = 0>) rhs_transposed acc(i32)
      : tensor<2x64x!lq.int<8>>, tensor<5x64x!lq.int<4>>, tensor<2xf32>, tensor<5xf32> -> tensor<2x5xf32>
  return %y : tensor<2x5xf32>
}
