// RUN: lpc-opt %s -split-input-file -lpc-cpu-vectorize-matmul | FileCheck %s
// RUN: lpc-opt %s -split-input-file -lpc-cpu-vectorize-matmul=rows=1 | FileCheck %s --check-prefix=ROWS1
// RUN: not lpc-opt %s -split-input-file -lpc-cpu-vectorize-matmul=rows=0 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: error: lpc-cpu-vectorize-matmul: rows must be at least 1, got 0

/// A 512-bit target: int4 codes read 32 at a time (16 bytes), the lhs split
/// into even and odd columns once, each nibble a lane index into the 16
/// dequantized values of its row and group; tiles of 4 rows, 2 rows apart
/// (N / 4 rounded down).
// CHECK-LABEL: func.func @int4_zmm(
// CHECK: %[[C:.*]] = lq.bitcast %{{.*}} : tensor<9x256x!lq.int<4>> to tensor<9x256xi4>
// CHECK: vector.deinterleave %{{.*}} : vector<32xf32> -> vector<16xf32>
// CHECK: scf.forall (%[[T:.*]]) in (2)
// CHECK-DAG: %[[R1:.*]] = arith.addi %[[T]], %c2
// CHECK-DAG: %[[R2:.*]] = arith.addi %[[T]], %c4
// CHECK-DAG: %[[R3:.*]] = arith.addi %[[T]], %c6
// CHECK: %[[S:.*]] = tensor.extract %{{.*}} : tensor<9x2xf32>
// CHECK: %[[TB:.*]] = arith.mulf %{{.*}}, %cst{{.*}} : vector<16xf32>
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c128{{.*}} step %c32
// CHECK: vector.transfer_read %[[C]][%{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<9x256xi4>, vector<32xi4>
// CHECK: vector.bitcast %{{.*}} : vector<32xi4> to vector<16xi8>
// CHECK: arith.extui %{{.*}} : vector<16xi8> to vector<16xi32>
// CHECK: vector.extract %[[TB]][%{{.*}}] : f32 from vector<16xf32>
// CHECK: vector.fma %{{.*}} : vector<16xf32>
// CHECK: vector.reduction <add>, %{{.*}} fastmath<reassoc> : vector<16xf32> into f32
// The tile's 4 columns, 2 apart, are one strided slice of the output.
// CHECK: tensor.insert %{{.*}} into %{{.*}}[%{{.*}}, %c3] : tensor<1x4xf32>
// CHECK: tensor.parallel_insert_slice %{{.*}} into %{{.*}}[0, %[[T]]] [1, 4] [1, 2]
/// The ragged remainder, row 8: one tile, a one-iteration scf.for.
// CHECK: scf.for %[[U:.*]] = %c0{{.*}} to %c1{{.*}} step %c1{{.*}} iter_args(%{{.*}}) -> (tensor<1x9xf32>)
// CHECK: %[[R8:.*]] = arith.addi %[[U]], %c8
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, %[[R8]]] [1, 1] [1, 1]
// CHECK-NOT: lq.matmul
// ROWS1-LABEL: func.func @int4_zmm(
// ROWS1: scf.forall (%{{.*}}) in (9)
module attributes {lq.target = #lq.target<cpu, {features = ["avx2", "fma", "avx512f"], vector_bits = 512}>} {
  func.func @int4_zmm(%x: tensor<1x256xf32>, %w: tensor<9x256x!lq.int<4>>, %s: tensor<9x2xf32>) -> tensor<1x9xf32> {
    %y = lq.matmul %x, %w scales(%s) rhs_layout(<block = [1, 128]>) rhs_transposed acc(f32) : tensor<1x256xf32>, tensor<9x256x!lq.int<4>>, tensor<9x2xf32> -> tensor<1x9xf32>
    return %y : tensor<1x9xf32>
  }
}

// -----

/// The same matmul for a 256-bit target: 16 codes per read, the nibble
/// placed in the mantissa of 2^23 and 2^23 + 8 (signed) subtracted.
// CHECK-LABEL: func.func @int4_ymm(
// CHECK: vector.deinterleave %{{.*}} : vector<16xf32> -> vector<8xf32>
// CHECK: %[[B:.*]] = arith.constant 0x4B000008 : f32
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c128{{.*}} step %c16
// CHECK: vector.transfer_read %{{.*}} : tensor<6x256xi4>, vector<16xi4>
// CHECK: arith.xori
// CHECK: arith.ori
// CHECK: arith.bitcast %{{.*}} : vector<8xi32> to vector<8xf32>
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK: vector.fma %{{.*}} : vector<8xf32>
module attributes {lq.target = #lq.target<cpu, {features = ["avx2", "fma"], vector_bits = 256}>} {
  func.func @int4_ymm(%x: tensor<1x256xf32>, %w: tensor<6x256x!lq.int<4>>, %s: tensor<6x2xf32>) -> tensor<1x6xf32> {
    %y = lq.matmul %x, %w scales(%s) rhs_layout(<block = [1, 128]>) rhs_transposed acc(f32) : tensor<1x256xf32>, tensor<6x256x!lq.int<4>>, tensor<6x2xf32> -> tensor<1x6xf32>
    return %y : tensor<1x6xf32>
  }
}

// -----

/// uint8 codes with per-row scales and zero points: extended, converted,
/// the zero point subtracted, scaled; two reads per step (unrolled).
// CHECK-LABEL: func.func @uint8_axis_zp(
// CHECK: %[[Z:.*]] = tensor.extract %{{.*}} : tensor<3xi8>
// CHECK: arith.extsi %[[Z]] : i8 to i32
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c64{{.*}} step %c32
// CHECK: arith.extui %{{.*}} : vector<16xi8> to vector<16xi32>
// CHECK: arith.sitofp %{{.*}} : vector<16xi32> to vector<16xf32>
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK: vector.fma
// CHECK: arith.extui %{{.*}} : vector<16xi8> to vector<16xi32>
// CHECK: vector.fma
module attributes {lq.target = #lq.target<cpu, {features = ["avx2", "fma", "avx512f"], vector_bits = 512}>} {
  func.func @uint8_axis_zp(%x: tensor<2x64xf32>, %w: tensor<3x64x!lq.int<8, unsigned>>, %s: tensor<3xf32>, %z: tensor<3xi8>) -> tensor<2x3xf32> {
    %y = lq.matmul %x, %w scales(%s) rhs_zero_point(%z : tensor<3xi8>) rhs_layout(<axis = 0>) rhs_transposed acc(f32) : tensor<2x64xf32>, tensor<3x64x!lq.int<8, unsigned>>, tensor<3xf32> -> tensor<2x3xf32>
    return %y : tensor<2x3xf32>
  }
}

// -----

/// Left to the reference lowering: a group that is not a multiple of the
/// step, a KxN rhs, a module without a CPU description.
// CHECK-LABEL: func.func @unaligned_group(
// CHECK: lq.matmul
// CHECK-LABEL: func.func @not_transposed(
// CHECK: lq.matmul
module attributes {lq.target = #lq.target<cpu, {features = ["avx2", "fma", "avx512f"], vector_bits = 512}>} {
  func.func @unaligned_group(%x: tensor<1x96xf32>, %w: tensor<4x96x!lq.int<4>>, %s: tensor<4x4xf32>) -> tensor<1x4xf32> {
    %y = lq.matmul %x, %w scales(%s) rhs_layout(<block = [1, 24]>) rhs_transposed acc(f32) : tensor<1x96xf32>, tensor<4x96x!lq.int<4>>, tensor<4x4xf32> -> tensor<1x4xf32>
    return %y : tensor<1x4xf32>
  }
  func.func @not_transposed(%x: tensor<1x64xf32>, %w: tensor<64x4x!lq.int<4>>, %s: tensor<2x4xf32>) -> tensor<1x4xf32> {
    %y = lq.matmul %x, %w scales(%s) rhs_layout(<block = [32, 1]>) acc(f32) : tensor<1x64xf32>, tensor<64x4x!lq.int<4>>, tensor<2x4xf32> -> tensor<1x4xf32>
    return %y : tensor<1x4xf32>
  }
}

// -----

// CHECK-LABEL: func.func @no_target(
// CHECK: lq.matmul
func.func @no_target(%x: tensor<1x64xf32>, %w: tensor<4x64x!lq.int<4>>, %s: tensor<4x2xf32>) -> tensor<1x4xf32> {
  %y = lq.matmul %x, %w scales(%s) rhs_layout(<block = [1, 32]>) rhs_transposed acc(f32) : tensor<1x64xf32>, tensor<4x64x!lq.int<4>>, tensor<4x2xf32> -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

/// NF4 codes: the table holds the codebook's values times the scale; a
/// 256-bit target has no 16-lane table and leaves it to the reference.
// CHECK-LABEL: func.func @nf4_zmm(
// CHECK: arith.constant dense<[-1.000000e+00, -0.6961928, {{.*}}, 1.000000e+00]> : vector<16xf32>
// CHECK: vector.extract %{{.*}}[%{{.*}}] : f32 from vector<16xf32>
// CHECK-NOT: lq.matmul
// CHECK-LABEL: func.func @nf4_ymm(
// CHECK: lq.matmul
module attributes {lq.target = #lq.target<cpu, {features = ["avx2", "fma", "avx512f"], vector_bits = 512}>} {
  func.func @nf4_zmm(%x: tensor<1x64xf32>, %w: tensor<4x64x!lq.codebook<nf4>>, %s: tensor<4x1xf32>) -> tensor<1x4xf32> {
    %y = lq.matmul %x, %w scales(%s) rhs_layout(<block = [1, 64]>) rhs_transposed acc(f32) : tensor<1x64xf32>, tensor<4x64x!lq.codebook<nf4>>, tensor<4x1xf32> -> tensor<1x4xf32>
    return %y : tensor<1x4xf32>
  }
}

// -----

module attributes {lq.target = #lq.target<cpu, {features = ["avx2", "fma"], vector_bits = 256}>} {
  func.func @nf4_ymm(%x: tensor<1x64xf32>, %w: tensor<4x64x!lq.codebook<nf4>>, %s: tensor<4x1xf32>) -> tensor<1x4xf32> {
    %y = lq.matmul %x, %w scales(%s) rhs_layout(<block = [1, 64]>) rhs_transposed acc(f32) : tensor<1x64xf32>, tensor<4x64x!lq.codebook<nf4>>, tensor<4x1xf32> -> tensor<1x4xf32>
    return %y : tensor<1x4xf32>
  }
}
