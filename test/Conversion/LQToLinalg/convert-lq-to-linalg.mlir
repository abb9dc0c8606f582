// RUN: lpc-opt %s -convert-lq-to-linalg -split-input-file | FileCheck %s --implicit-check-not=lq.

/// Quantize becomes an elementwise generic yielding storage integers, and the
/// signature loses its lq types.
// CHECK-LABEL: func.func @quantize_int3(
// CHECK-SAME: %[[X:.*]]: tensor<8xf32>, %[[S:.*]]: tensor<f32>) -> tensor<8xi3>
// CHECK: %[[G:.*]] = linalg.generic {{.*}} ins(%[[X]] : tensor<8xf32>) outs(%{{.*}} : tensor<8xi3>)
// CHECK: tensor.extract %[[S]][] : tensor<f32>
// CHECK: arith.divf
// CHECK: math.roundeven
// CHECK: arith.constant -4.0
// CHECK: arith.constant 3.0
// CHECK: arith.trunci %{{.*}} : i32 to i3
// CHECK: return %[[G]] : tensor<8xi3>
func.func @quantize_int3(%x: tensor<8xf32>, %s: tensor<f32>) -> tensor<8x!lq.int<3>> {
  %q = lq.quantize %x, %s layout <tensor> : tensor<8xf32>, tensor<f32> -> tensor<8x!lq.int<3>>
  return %q : tensor<8x!lq.int<3>>
}

// -----

/// Group scales are read at index / block size; stochastic rounding hashes
/// the linear index.
// CHECK-LABEL: func.func @quantize_group_stochastic(
// CHECK: linalg.generic
// CHECK: %[[I0:.*]] = linalg.index 0
// CHECK: %[[I1:.*]] = linalg.index 1
// CHECK: %[[B:.*]] = arith.constant 32 : index
// CHECK: %[[G:.*]] = arith.divui %[[I1]], %[[B]]
// CHECK: tensor.extract %{{.*}}[%{{.*}}, %[[G]]] : tensor<4x2xf32>
// CHECK: arith.constant -7046029254386353131 : i64
// CHECK: math.floor
// CHECK: arith.cmpf ogt
// CHECK: -> tensor<4x64xi4>
func.func @quantize_group_stochastic(%x: tensor<4x64xf32>, %s: tensor<4x2xf32>) -> tensor<4x64x!lq.int<4>> {
  %q = lq.quantize %x, %s layout <block = [1, 32]> rounding <stochastic> {seed = 3 : i64} : tensor<4x64xf32>, tensor<4x2xf32> -> tensor<4x64x!lq.int<4>>
  return %q : tensor<4x64x!lq.int<4>>
}

// -----

/// Dequantize of a minifloat with a float offset: decode (the fields placed
/// in an f32 with the exponent rebiased, 2^(1 - bias) subtracted for
/// subnormal codes), scale, add.
// CHECK-LABEL: func.func @dequantize_e2m1_offset(
// CHECK-SAME: tensor<8xi4>
// CHECK: linalg.generic
// CHECK: arith.extui %{{.*}} : i4 to i32
// CHECK: arith.bitcast %{{.*}} : i32 to f32
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: -> tensor<8xf32>
func.func @dequantize_e2m1_offset(%q: tensor<8x!lq.float<e2m1>>, %s: tensor<f32>, %o: tensor<f32>) -> tensor<8xf32> {
  %x = lq.dequantize %q, %s, %o layout <tensor> : tensor<8x!lq.float<e2m1>>, tensor<f32>, tensor<f32> -> tensor<8xf32>
  return %x : tensor<8xf32>
}

// -----

/// Builtin small floats become integers too, constants included.
// CHECK-LABEL: func.func @builtin_fp8(
// CHECK: arith.constant dense<[56, -64]> : tensor<2xi8>
// CHECK: linalg.generic
// CHECK: -> tensor<2xf32>
func.func @builtin_fp8(%s: tensor<f32>) -> tensor<2xf32> {
  %c = arith.constant dense<[1.0, -2.0]> : tensor<2xf8E4M3FN>
  %x = lq.dequantize %c, %s layout <tensor> : tensor<2xf8E4M3FN>, tensor<f32> -> tensor<2xf32>
  return %x : tensor<2xf32>
}

// -----

/// Bitcast to the storage type disappears.
// CHECK-LABEL: func.func @bitcast(
// CHECK-SAME: %[[Q:.*]]: tensor<8xi3>) -> tensor<8xi3>
// CHECK-NEXT: return %[[Q]]
func.func @bitcast(%q: tensor<8x!lq.int<3>>) -> tensor<8xi3> {
  %c = lq.bitcast %q : tensor<8x!lq.int<3>> to tensor<8xi3>
  return %c : tensor<8xi3>
}

// -----

/// acc = i32: decode to i32, integer sums per K segment of 32, then a scaled
/// f32 reduction over the 2 segments.
// CHECK-LABEL: func.func @matmul_i32(
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2]] output_shape [4, 2, 32] : tensor<4x64xi32> into tensor<4x2x32xi32>
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2]] output_shape [2, 32, 8] : tensor<64x8xi32> into tensor<2x32x8xi32>
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK: arith.muli
// CHECK: arith.addi
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: arith.sitofp
// CHECK: -> tensor<4x8xf32>
func.func @matmul_i32(%a: tensor<4x64x!lq.int<8>>, %b: tensor<64x8x!lq.int<4>>, %sa: tensor<4xf32>, %sb: tensor<2x8xf32>) -> tensor<4x8xf32> {
  %y = lq.matmul %a, %b scales(%sa, %sb) lhs_layout(<axis = 0>) rhs_layout(<block = [32, 1]>) acc(i32) : tensor<4x64x!lq.int<8>>, tensor<64x8x!lq.int<4>>, tensor<4xf32>, tensor<2x8xf32> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

/// acc = f32: dequantize both operands, then linalg.matmul.
// CHECK-LABEL: func.func @matmul_f32(
// CHECK: linalg.generic
// CHECK: linalg.generic
// CHECK: linalg.matmul
func.func @matmul_f32(%a: tensor<4x64x!lq.float<e4m3fn>>, %b: tensor<64x8x!lq.float<e2m1>>, %s: tensor<f32>) -> tensor<4x8xf32> {
  %y = lq.matmul %a, %b scales(%s, %s) lhs_layout(<tensor>) rhs_layout(<tensor>) acc(f32) : tensor<4x64x!lq.float<e4m3fn>>, tensor<64x8x!lq.float<e2m1>>, tensor<f32>, tensor<f32> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

/// Weight-only (float lhs): only the rhs is dequantized; the f32 lhs feeds
/// linalg.matmul (or, with a transposed rhs, the (m, k) x (n, k) generic)
/// directly.
// CHECK-LABEL: func.func @matmul_float_lhs(
// CHECK-SAME: %[[X:[^:]*]]: tensor<4x64xf32>, %[[B:[^:]*]]: tensor<64x8xi4>, %[[S:[^:]*]]: tensor<2x8xf32>, %[[Z:[^:]*]]: tensor<2x8xi4>
// CHECK: %[[INIT:.*]] = linalg.fill
// CHECK: %[[W:.*]] = linalg.generic {{.*}} ins(%[[B]] : tensor<64x8xi4>) outs(%{{.*}} : tensor<64x8xf32>)
// CHECK: tensor.extract %[[S]]
// CHECK: tensor.extract %[[Z]]
// CHECK: arith.subi
// CHECK: arith.mulf
// CHECK: %[[Y:.*]] = linalg.matmul ins(%[[X]], %[[W]] : tensor<4x64xf32>, tensor<64x8xf32>) outs(%[[INIT]] : tensor<4x8xf32>)
// CHECK: return %[[Y]]
func.func @matmul_float_lhs(%x: tensor<4x64xf32>, %b: tensor<64x8x!lq.int<4, unsigned>>, %sb: tensor<2x8xf32>, %zb: tensor<2x8xi4>) -> tensor<4x8xf32> {
  %y = lq.matmul %x, %b scales(%sb) rhs_zero_point(%zb : tensor<2x8xi4>) rhs_layout(<block = [32, 1]>) acc(f32) : tensor<4x64xf32>, tensor<64x8x!lq.int<4, unsigned>>, tensor<2x8xf32> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// CHECK-LABEL: func.func @matmul_float_lhs_transposed(
// CHECK-SAME: %[[X:[^:]*]]: tensor<4x64xf32>, %[[B:[^:]*]]: tensor<8x64xi3>
// CHECK: %[[W:.*]] = linalg.generic {{.*}} ins(%[[B]] : tensor<8x64xi3>) outs(%{{.*}} : tensor<8x64xf32>)
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[X]], %[[W]] : tensor<4x64xf32>, tensor<8x64xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: linalg.generic {{.*}} ins(%[[Y]] : tensor<4x8xf32>) outs(%{{.*}} : tensor<4x8xi8>)
// CHECK: math.roundeven
// CHECK-NOT: linalg.matmul
func.func @matmul_float_lhs_transposed(%x: tensor<4x64xf32>, %b: tensor<8x64x!lq.int<3>>, %sb: tensor<8x2xf32>, %so: tensor<f32>) -> tensor<4x8x!lq.int<8>> {
  %y = lq.matmul %x, %b scales(%sb) out_scale(%so : tensor<f32>) rhs_layout(<block = [1, 32]>) rhs_transposed acc(f32) : tensor<4x64xf32>, tensor<8x64x!lq.int<3>>, tensor<8x2xf32> -> tensor<4x8x!lq.int<8>>
  return %y : tensor<4x8x!lq.int<8>>
}

// -----

/// MX block scales are E8M0 codes: the lowering decodes them (exponent field,
/// no mantissa) before dividing.
// CHECK-LABEL: func.func @mx_scales(
// CHECK-SAME: %{{.*}}: tensor<4x64xf32>, %[[S:.*]]: tensor<4x2xi8>) -> tensor<4x64xi4>
// CHECK: %[[E:.*]] = tensor.extract %[[S]][%{{.*}}, %{{.*}}] : tensor<4x2xi8>
// CHECK: arith.extui %[[E]] : i8 to i32
// CHECK: arith.divf
func.func @mx_scales(%x: tensor<4x64xf32>, %s: tensor<4x2x!lq.float<e8m0>>) -> tensor<4x64x!lq.float<e2m1>> {
  %q = lq.quantize %x, %s layout <block = [1, 32]> : tensor<4x64xf32>, tensor<4x2x!lq.float<e8m0>> -> tensor<4x64x!lq.float<e2m1>>
  return %q : tensor<4x64x!lq.float<e2m1>>
}

// -----

/// Fixed-point requantize is exact i64 arithmetic: multiply, arithmetic shift,
/// remainder-based rounding, zero point, clamp.
// CHECK-LABEL: func.func @requantize_fixed(
// CHECK: linalg.generic
// CHECK: arith.muli %{{.*}}, %{{.*}} : i64
// CHECK: arith.shrsi
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: arith.trunci %{{.*}} : i64 to i8
func.func @requantize_fixed(%acc: tensor<4x16xi32>, %m: tensor<16xi32>, %s: tensor<16xi8>) -> tensor<4x16x!lq.int<8>> {
  %y = lq.requantize %acc, %m shift(%s : tensor<16xi8>) layout <axis = 1> : tensor<4x16xi32>, tensor<16xi32> -> tensor<4x16x!lq.int<8>>
  return %y : tensor<4x16x!lq.int<8>>
}

// -----

/// Hadamard of order 12 * 2^2: two butterfly stages, then the 12 x 12 base
/// matrix as a constant, then the 1/sqrt(48) scale.
// CHECK-LABEL: func.func @hadamard48(
// CHECK-COUNT-2: arith.xori
// CHECK: arith.constant dense<{{.*}}> : tensor<12x12xf32>
// CHECK: arith.constant 0.144337565 : f32
func.func @hadamard48(%x: tensor<2x48xf32>) -> tensor<2x48xf32> {
  %y = lq.hadamard %x : tensor<2x48xf32>
  return %y : tensor<2x48xf32>
}

// -----

/// Codebook quantize: a nearest-entry search over the table; dequantize: a
/// constant table read.
// CHECK-LABEL: func.func @nf4(
// CHECK: arith.cmpf olt
// CHECK: -> tensor<8xi4>
// CHECK: arith.constant dense<{{.*}}> : tensor<16xf32>
// CHECK: tensor.extract
func.func @nf4(%x: tensor<8xf32>, %s: tensor<f32>) -> tensor<8xf32> {
  %q = lq.quantize %x, %s layout <tensor> : tensor<8xf32>, tensor<f32> -> tensor<8x!lq.codebook<nf4>>
  %d = lq.dequantize %q, %s layout <tensor> : tensor<8x!lq.codebook<nf4>>, tensor<f32> -> tensor<8xf32>
  return %d : tensor<8xf32>
}

// -----

/// Pack produces bytes from the codes each bit comes from; unpack reads them
/// back.
// CHECK-LABEL: func.func @pack_unpack(
// CHECK: %[[P:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<3xi8>)
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<8xi3>)
// CHECK: tensor.extract %[[P]]
func.func @pack_unpack(%q: tensor<8x!lq.int<3>>) -> tensor<8x!lq.int<3>> {
  %b = lq.pack %q packing <dense> : tensor<8x!lq.int<3>> -> tensor<3xi8>
  %u = lq.unpack %b packing <dense> : tensor<3xi8> -> tensor<8x!lq.int<3>>
  return %u : tensor<8x!lq.int<3>>
}

// -----

/// Salient merge selects, per channel index, the salient value.
// CHECK-LABEL: func.func @salient(
// CHECK: linalg.generic
// CHECK-COUNT-2: arith.select
func.func @salient(%a: tensor<8x4xf32>, %b: tensor<2x4xf32>) -> tensor<8x4xf32> {
  %y = lq.salient_merge %a, %b indices [1, 6] axis 0 : tensor<8x4xf32>, tensor<2x4xf32> -> tensor<8x4xf32>
  return %y : tensor<8x4xf32>
}

// -----

/// Loop-carried quantized tensors become loop-carried storage tensors.
// CHECK-LABEL: func.func @loop(
// CHECK: scf.for {{.*}} -> (tensor<8xi3>)
// CHECK: scf.yield %{{.*}} : tensor<8xi3>
// CHECK: return %{{.*}} : tensor<8xi3>
func.func @loop(%x: tensor<8xf32>, %s: tensor<f32>, %n: index) -> tensor<8x!lq.int<3>> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %q0 = lq.quantize %x, %s layout <tensor> : tensor<8xf32>, tensor<f32> -> tensor<8x!lq.int<3>>
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%q = %q0) -> (tensor<8x!lq.int<3>>) {
    %d = lq.dequantize %q, %s layout <tensor> : tensor<8x!lq.int<3>>, tensor<f32> -> tensor<8xf32>
    %q2 = lq.quantize %d, %s layout <tensor> rounding <floor> : tensor<8xf32>, tensor<f32> -> tensor<8x!lq.int<3>>
    scf.yield %q2 : tensor<8x!lq.int<3>>
  }
  return %r : tensor<8x!lq.int<3>>
}

// -----

/// dynamic_quantize: per group the largest magnitude (loops over the group,
/// the last block partial), the scale a / qmax, the multiplier qmax / a (0
/// for a = 0), then the codes of x * r clamped to [-qmax, qmax].
// CHECK-LABEL: func.func @dynamic_quantize_block(
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<2x2xf32>)
// CHECK: %[[END:.*]] = arith.minui %{{.*}}, %c40 : index
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[END]]
// CHECK: tensor.extract %{{.*}} : tensor<2x40xf32>
// CHECK: math.absf
// CHECK: arith.maximumf
// CHECK: arith.divf %{{.*}}, %{{.*}} : f32
// CHECK: arith.cmpf oeq
// CHECK: arith.divf
// CHECK: arith.select
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<2x40xf32>) outs(%{{.*}} : tensor<2x40xi8>)
// CHECK: %[[P:.*]] = arith.mulf
// CHECK: %[[LO:.*]] = arith.maximumf %[[P]]
// CHECK: arith.minimumf %[[LO]]
// CHECK: math.roundeven
// CHECK: arith.fptosi
func.func @dynamic_quantize_block(%x: tensor<2x40xf32>) -> (tensor<2x40x!lq.int<8>>, tensor<2x2xf32>) {
  %q, %s = lq.dynamic_quantize %x layout <block = [1, 32]> : tensor<2x40xf32> -> tensor<2x40x!lq.int<8>>, tensor<2x2xf32>
  return %q, %s : tensor<2x40x!lq.int<8>>, tensor<2x2xf32>
}
