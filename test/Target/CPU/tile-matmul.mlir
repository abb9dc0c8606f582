// RUN: lpc-opt %s -lq-tile-matmul -split-input-file | FileCheck %s
// RUN: lpc-opt %s -lq-tile-matmul=rows=2 -split-input-file | FileCheck %s --check-prefix=ROWS2
// RUN: lpc-opt %s -lq-tile-matmul -lpc-cpu-vectorize-matmul -split-input-file | FileCheck %s --check-prefix=KERNEL
// RUN: not lpc-opt %s -lq-tile-matmul=rows=0 -split-input-file 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: error: lq-tile-matmul: rows must be at least 1, got 0

/// A 512-bit AVX-512 VNNI target: 4 x 4 register tiles for int8
/// activations (16 sums fill one zmm), one activation row for the
/// weight-only kernel.
// CHECK-LABEL: func.func @int4_int8_act_zmm(
// CHECK: acc(i32) {lq.tile = #lq.tile<rows = 4, activation_rows = 4, vector_bits = 512>}
// CHECK: acc(f32) {lq.tile = #lq.tile<rows = 4, activation_rows = 1, vector_bits = 512>}
// ROWS2-LABEL: func.func @int4_int8_act_zmm(
// ROWS2: acc(i32) {lq.tile = #lq.tile<rows = 2, activation_rows = 4, vector_bits = 512>}
// The kernel follows the attribute: 16 rows / 4 = 4 tiles of 4 columns 4
// apart, activation rows in blocks of 4.
// KERNEL-LABEL: func.func @int4_int8_act_zmm(
// KERNEL: scf.forall (%{{.*}}) in (4)
// KERNEL: scf.for %{{.*}} = %c0{{.*}} to %c8{{.*}} step %c4
// KERNEL: tensor.parallel_insert_slice %{{.*}}[0, %{{.*}}] [8, 4] [1, 4]
module attributes {lq.target = #lq.target<cpu, {features = ["avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512vnni"], vector_bits = 512}>} {
  func.func @int4_int8_act_zmm(%a: tensor<8x256x!lq.int<8>>, %sa: tensor<8x2xf32>, %x: tensor<8x256xf32>, %w: tensor<16x256x!lq.int<4>>, %s: tensor<16x2xf32>) -> (tensor<8x16xf32>, tensor<8x16xf32>) {
    %y = lq.matmul %a, %w scales(%sa, %s) lhs_layout(<block = [1, 128]>) rhs_layout(<block = [1, 128]>) rhs_transposed acc(i32)
        : tensor<8x256x!lq.int<8>>, tensor<16x256x!lq.int<4>>, tensor<8x2xf32>, tensor<16x2xf32> -> tensor<8x16xf32>
    %z = lq.matmul %x, %w scales(%s) rhs_layout(<block = [1, 128]>) rhs_transposed acc(f32)
        : tensor<8x256xf32>, tensor<16x256x!lq.int<4>>, tensor<16x2xf32> -> tensor<8x16xf32>
    return %y, %z : tensor<8x16xf32>, tensor<8x16xf32>
  }
}

// -----

/// The same IR for a 256-bit AVX2 target: 4 x 2 tiles (8 sums fill one ymm)
/// for 4-bit weights (vpmaddubsw), one activation row for 8-bit weights
/// (widened products). A user's lq.tile is kept.
// CHECK-LABEL: func.func @ymm(
// CHECK: {lq.tile = #lq.tile<rows = 4, activation_rows = 2, vector_bits = 256>} : tensor<8x256x!lq.int<8>>, tensor<16x256x!lq.int<4>>
// CHECK: {lq.tile = #lq.tile<rows = 4, activation_rows = 1, vector_bits = 256>} : tensor<8x256x!lq.int<8>>, tensor<16x256x!lq.int<8>>
// CHECK: {lq.tile = #lq.tile<rows = 1, activation_rows = 1, vector_bits = 256>}
// ROWS2-LABEL: func.func @ymm(
// ROWS2: {lq.tile = #lq.tile<rows = 2, activation_rows = 4, vector_bits = 256>}
// KERNEL-LABEL: func.func @ymm(
// KERNEL: scf.forall (%{{.*}}) in (4)
// KERNEL: scf.for %{{.*}} = %c0{{.*}} to %c8{{.*}} step %c2
module attributes {lq.target = #lq.target<cpu, {features = ["avx2", "fma"], vector_bits = 256}>} {
  func.func @ymm(%a: tensor<8x256x!lq.int<8>>, %sa: tensor<8x2xf32>, %w: tensor<16x256x!lq.int<4>>, %w8: tensor<16x256x!lq.int<8>>, %s: tensor<16x2xf32>) -> (tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>) {
    %y = lq.matmul %a, %w scales(%sa, %s) lhs_layout(<block = [1, 128]>) rhs_layout(<block = [1, 128]>) rhs_transposed acc(i32)
        : tensor<8x256x!lq.int<8>>, tensor<16x256x!lq.int<4>>, tensor<8x2xf32>, tensor<16x2xf32> -> tensor<8x16xf32>
    %y8 = lq.matmul %a, %w8 scales(%sa, %s) lhs_layout(<block = [1, 128]>) rhs_layout(<block = [1, 128]>) rhs_transposed acc(i32)
        : tensor<8x256x!lq.int<8>>, tensor<16x256x!lq.int<8>>, tensor<8x2xf32>, tensor<16x2xf32> -> tensor<8x16xf32>
    %u = lq.matmul %a, %w scales(%sa, %s) lhs_layout(<block = [1, 128]>) rhs_layout(<block = [1, 128]>) rhs_transposed acc(i32) {lq.tile = #lq.tile<rows = 1, activation_rows = 1, vector_bits = 256>}
        : tensor<8x256x!lq.int<8>>, tensor<16x256x!lq.int<4>>, tensor<8x2xf32>, tensor<16x2xf32> -> tensor<8x16xf32>
    return %y, %y8, %u : tensor<8x16xf32>, tensor<8x16xf32>, tensor<8x16xf32>
  }
}

// -----

/// No CPU target: nothing to choose from.
// CHECK-LABEL: func.func @no_target(
// CHECK-NOT: lq.tile
func.func @no_target(%x: tensor<1x64xf32>, %w: tensor<4x64x!lq.int<4>>, %s: tensor<4xf32>) -> tensor<1x4xf32> {
  %y = lq.matmul %x, %w scales(%s) rhs_layout(<axis = 0>) rhs_transposed acc(f32)
      : tensor<1x64xf32>, tensor<4x64x!lq.int<4>>, tensor<4xf32> -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}
