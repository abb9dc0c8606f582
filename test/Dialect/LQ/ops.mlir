// RUN: lpc-opt %s | lpc-opt | FileCheck %s
// RUN: lpc-opt %s --mlir-print-op-generic | lpc-opt | FileCheck %s

/// Per-tensor quantize with the default rounding elides it.
// CHECK-LABEL: func.func @quantize_tensor(
// CHECK: lq.quantize %{{.*}}, %{{.*}} layout <tensor> : tensor<8xf32>, tensor<f32> -> tensor<8x!lq.int<3>>
func.func @quantize_tensor(%x: tensor<8xf32>, %s: tensor<f32>) -> tensor<8x!lq.int<3>> {
  %q = lq.quantize %x, %s layout <tensor> : tensor<8xf32>, tensor<f32> -> tensor<8x!lq.int<3>>
  return %q : tensor<8x!lq.int<3>>
}

/// Per-axis with an integer zero point, explicit rounding, seed, no saturation.
// CHECK-LABEL: func.func @quantize_axis(
// CHECK: lq.quantize %{{.*}}, %{{.*}}, %{{.*}} layout <axis = 1> rounding <stochastic> {saturate = false, seed = 42 : i64} : tensor<4x8xf32>, tensor<8xf32>, tensor<8xi8> -> tensor<4x8x!lq.int<8, unsigned>>
func.func @quantize_axis(%x: tensor<4x8xf32>, %s: tensor<8xf32>, %z: tensor<8xi8>) -> tensor<4x8x!lq.int<8, unsigned>> {
  %q = lq.quantize %x, %s, %z layout <axis = 1> rounding <stochastic> {seed = 42 : i64, saturate = false} : tensor<4x8xf32>, tensor<8xf32>, tensor<8xi8> -> tensor<4x8x!lq.int<8, unsigned>>
  return %q : tensor<4x8x!lq.int<8, unsigned>>
}

/// Dynamic quantization: codes and the scales it computed, per K-block or
/// per row.
// CHECK-LABEL: func.func @dynamic_quantize(
// CHECK: lq.dynamic_quantize %{{.*}} layout <block = [1, 128]> : tensor<2x256xf32> -> tensor<2x256x!lq.int<8>>, tensor<2x2xf32>
// CHECK: lq.dynamic_quantize %{{.*}} layout <axis = 0> : tensor<2x256xf32> -> tensor<2x256x!lq.int<4, narrow>>, tensor<2xf32>
func.func @dynamic_quantize(%x: tensor<2x256xf32>) -> (tensor<2x256x!lq.int<8>>, tensor<2x2xf32>, tensor<2xf32>) {
  %q, %s = lq.dynamic_quantize %x layout <block = [1, 128]> : tensor<2x256xf32> -> tensor<2x256x!lq.int<8>>, tensor<2x2xf32>
  %q4, %s4 = lq.dynamic_quantize %x layout <axis = 0> : tensor<2x256xf32> -> tensor<2x256x!lq.int<4, narrow>>, tensor<2xf32>
  return %q, %s, %s4 : tensor<2x256x!lq.int<8>>, tensor<2x2xf32>, tensor<2xf32>
}

/// Group-32 blocks with a float offset, every rounding mode keyword.
// CHECK-LABEL: func.func @quantize_block(
// CHECK: layout <block = [1, 32]> rounding <half_away>
// CHECK: rounding <toward_zero>
// CHECK: rounding <floor>
// CHECK: rounding <ceil>
// CHECK: rounding <away_from_zero>
// CHECK: rounding <half_toward_zero>
func.func @quantize_block(%x: tensor<4x64xf32>, %s: tensor<4x2xf32>, %o: tensor<4x2xf32>) {
  %a = lq.quantize %x, %s, %o layout <block = [1, 32]> rounding <half_away> : tensor<4x64xf32>, tensor<4x2xf32>, tensor<4x2xf32> -> tensor<4x64x!lq.int<4, unsigned>>
  %b = lq.quantize %x, %s layout <block = [1, 32]> rounding <toward_zero> : tensor<4x64xf32>, tensor<4x2xf32> -> tensor<4x64x!lq.float<e2m1>>
  %c = lq.quantize %x, %s layout <block = [1, 32]> rounding <floor> : tensor<4x64xf32>, tensor<4x2xf32> -> tensor<4x64xf8E4M3FN>
  %d = lq.quantize %x, %s layout <block = [1, 32]> rounding <ceil> : tensor<4x64xf32>, tensor<4x2xf32> -> tensor<4x64x!lq.ternary>
  %e = lq.quantize %x, %s layout <block = [1, 32]> rounding <away_from_zero> : tensor<4x64xf32>, tensor<4x2xf32> -> tensor<4x64x!lq.int<5>>
  %f = lq.quantize %x, %s layout <block = [1, 32]> rounding <half_toward_zero> : tensor<4x64xf32>, tensor<4x2xf32> -> tensor<4x64x!lq.int<7, unsigned>>
  return
}

/// 2-D blocks with partial edge blocks, dynamic dims, bf16 scales.
// CHECK-LABEL: func.func @quantize_2d_block(
// CHECK: layout <block = [32, 32]> : tensor<?x70xf32>, tensor<?x3xbf16> -> tensor<?x70x!lq.float<e4m3fn>>
func.func @quantize_2d_block(%x: tensor<?x70xf32>, %s: tensor<?x3xbf16>) -> tensor<?x70x!lq.float<e4m3fn>> {
  %q = lq.quantize %x, %s layout <block = [32, 32]> : tensor<?x70xf32>, tensor<?x3xbf16> -> tensor<?x70x!lq.float<e4m3fn>>
  return %q : tensor<?x70x!lq.float<e4m3fn>>
}

/// Dequantize with an integer zero point of lq format type.
// CHECK-LABEL: func.func @dequantize(
// CHECK: lq.dequantize %{{.*}}, %{{.*}}, %{{.*}} layout <axis = 0> : tensor<4x8x!lq.int<4, unsigned>>, tensor<4xf32>, tensor<4x!lq.int<4, unsigned>> -> tensor<4x8xf32>
// CHECK: lq.dequantize %{{.*}}, %{{.*}} layout <tensor> : tensor<8x!lq.bipolar>, tensor<f32> -> tensor<8xf16>
func.func @dequantize(%q: tensor<4x8x!lq.int<4, unsigned>>, %s: tensor<4xf32>, %z: tensor<4x!lq.int<4, unsigned>>, %b: tensor<8x!lq.bipolar>, %t: tensor<f32>) {
  %x = lq.dequantize %q, %s, %z layout <axis = 0> : tensor<4x8x!lq.int<4, unsigned>>, tensor<4xf32>, tensor<4x!lq.int<4, unsigned>> -> tensor<4x8xf32>
  %y = lq.dequantize %b, %t layout <tensor> : tensor<8x!lq.bipolar>, tensor<f32> -> tensor<8xf16>
  return
}

/// Bitcasts between formats, builtin small floats and storage integers.
// CHECK-LABEL: func.func @bitcast(
// CHECK: lq.bitcast %{{.*}} : tensor<8x!lq.int<3>> to tensor<8xi3>
// CHECK: lq.bitcast %{{.*}} : tensor<8xf4E2M1FN> to tensor<8x!lq.float<e2m1>>
func.func @bitcast(%q: tensor<8x!lq.int<3>>, %f: tensor<8xf4E2M1FN>) {
  %a = lq.bitcast %q : tensor<8x!lq.int<3>> to tensor<8xi3>
  %b = lq.bitcast %f : tensor<8xf4E2M1FN> to tensor<8x!lq.float<e2m1>>
  return
}

/// Mixed-format matmul with integer accumulation, group scales and zero
/// points, requantized per output column.
// CHECK-LABEL: func.func @matmul(
// CHECK: lq.matmul %{{.*}}, %{{.*}} scales(%{{.*}}, %{{.*}}) lhs_zero_point(%{{.*}} : tensor<4xi8>) rhs_zero_point(%{{.*}} : tensor<2x16xi4>) out_scale(%{{.*}} : tensor<16xf32>) lhs_layout(<axis = 0>) rhs_layout(<block = [32, 1]>) out_layout(<axis = 1>) acc(i32) rounding <floor> : tensor<4x64x!lq.int<8>>, tensor<64x16x!lq.int<4, unsigned>>, tensor<4xf32>, tensor<2x16xf32> -> tensor<4x16x!lq.int<8>>
// CHECK: lq.matmul %{{.*}}, %{{.*}} scales(%{{.*}}, %{{.*}}) lhs_layout(<tensor>) rhs_layout(<block = [32, 1]>) acc(f32) : tensor<4x64x!lq.float<e4m3fn>>, tensor<64x16x!lq.float<e2m1>>, tensor<f32>, tensor<2x16xf32> -> tensor<4x16xf32>
func.func @matmul(%a: tensor<4x64x!lq.int<8>>, %b: tensor<64x16x!lq.int<4, unsigned>>, %sa: tensor<4xf32>, %sb: tensor<2x16xf32>, %za: tensor<4xi8>, %zb: tensor<2x16xi4>, %so: tensor<16xf32>,
                  %fa: tensor<4x64x!lq.float<e4m3fn>>, %fb: tensor<64x16x!lq.float<e2m1>>, %st: tensor<f32>) {
  %y = lq.matmul %a, %b scales(%sa, %sb) lhs_zero_point(%za : tensor<4xi8>) rhs_zero_point(%zb : tensor<2x16xi4>) out_scale(%so : tensor<16xf32>) lhs_layout(<axis = 0>) rhs_layout(<block = [32, 1]>) out_layout(<axis = 1>) acc(i32) rounding <floor> : tensor<4x64x!lq.int<8>>, tensor<64x16x!lq.int<4, unsigned>>, tensor<4xf32>, tensor<2x16xf32> -> tensor<4x16x!lq.int<8>>
  %z = lq.matmul %fa, %fb scales(%st, %sb) lhs_layout(<tensor>) rhs_layout(<block = [32, 1]>) acc(f32) : tensor<4x64x!lq.float<e4m3fn>>, tensor<64x16x!lq.float<e2m1>>, tensor<f32>, tensor<2x16xf32> -> tensor<4x16xf32>
  return
}

/// MX: E8M0 codes as block scales; NVFP4: UE4M3 block scales made from codes
/// and a per-tensor f32 (two-level).
// CHECK-LABEL: func.func @shared_exponent(
// CHECK: lq.dequantize %{{.*}}, %{{.*}} layout <block = [1, 32]> : tensor<4x64x!lq.float<e2m1>>, tensor<4x2x!lq.float<e8m0>> -> tensor<4x64xf32>
// CHECK: lq.dequantize %{{.*}}, %{{.*}} layout <tensor> : tensor<4x4x!lq.float<ue4m3>>, tensor<f32> -> tensor<4x4xf32>
func.func @shared_exponent(%q: tensor<4x64x!lq.float<e2m1>>, %e: tensor<4x2x!lq.float<e8m0>>, %s: tensor<4x4x!lq.float<ue4m3>>, %g: tensor<f32>) {
  %mx = lq.dequantize %q, %e layout <block = [1, 32]> : tensor<4x64x!lq.float<e2m1>>, tensor<4x2x!lq.float<e8m0>> -> tensor<4x64xf32>
  %s2 = lq.dequantize %s, %g layout <tensor> : tensor<4x4x!lq.float<ue4m3>>, tensor<f32> -> tensor<4x4xf32>
  return
}

/// Requantize in both forms.
// CHECK-LABEL: func.func @requantize(
// CHECK: lq.requantize %{{.*}}, %{{.*}} shift(%{{.*}} : tensor<16xi8>) layout <axis = 1> : tensor<4x16xi32>, tensor<16xi32> -> tensor<4x16x!lq.int<8>>
// CHECK: lq.requantize %{{.*}}, %{{.*}} input_zero_point(%{{.*}} : tensor<i32>) zero_point(%{{.*}} : tensor<i8>) layout <tensor> rounding <floor> : tensor<4x16xi32>, tensor<f32> -> tensor<4x16x!lq.int<4, unsigned>>
func.func @requantize(%acc: tensor<4x16xi32>, %m: tensor<16xi32>, %s: tensor<16xi8>, %f: tensor<f32>, %zi: tensor<i32>, %zo: tensor<i8>) {
  %a = lq.requantize %acc, %m shift(%s : tensor<16xi8>) layout <axis = 1> : tensor<4x16xi32>, tensor<16xi32> -> tensor<4x16x!lq.int<8>>
  %b = lq.requantize %acc, %f input_zero_point(%zi : tensor<i32>) zero_point(%zo : tensor<i8>) layout <tensor> rounding <floor> : tensor<4x16xi32>, tensor<f32> -> tensor<4x16x!lq.int<4, unsigned>>
  return
}

/// Hadamard of an order with a base factor 12, unnormalized.
// CHECK-LABEL: func.func @hadamard(
// CHECK: lq.hadamard %{{.*}} : tensor<2x96xf32>
// CHECK: lq.hadamard %{{.*}} {normalize = false} : tensor<64xf16>
func.func @hadamard(%x: tensor<2x96xf32>, %y: tensor<64xf16>) {
  %a = lq.hadamard %x : tensor<2x96xf32>
  %b = lq.hadamard %y {normalize = false} : tensor<64xf16>
  return
}

/// Per-group SSA lookup tables and codebook formats.
// CHECK-LABEL: func.func @codebook_ops(
// CHECK: lq.lookup %{{.*}}, %{{.*}} layout <block = [1, 64]> : tensor<8x128x!lq.int<4, unsigned>>, tensor<8x2x16xf32> -> tensor<8x128xf32>
// CHECK: lq.quantize %{{.*}}, %{{.*}} layout <block = [1, 64]> : tensor<8x128xf32>, tensor<8x2xf32> -> tensor<8x128x!lq.codebook<nf4>>
func.func @codebook_ops(%c: tensor<8x128x!lq.int<4, unsigned>>, %t: tensor<8x2x16xf32>, %x: tensor<8x128xf32>, %s: tensor<8x2xf32>) {
  %a = lq.lookup %c, %t layout <block = [1, 64]> : tensor<8x128x!lq.int<4, unsigned>>, tensor<8x2x16xf32> -> tensor<8x128xf32>
  %b = lq.quantize %x, %s layout <block = [1, 64]> : tensor<8x128xf32>, tensor<8x2xf32> -> tensor<8x128x!lq.codebook<nf4>>
  return
}

/// Packing in all three layouts, and back.
// CHECK-LABEL: func.func @packing(
// CHECK: lq.pack %{{.*}} packing <dense> : tensor<8x!lq.int<3>> -> tensor<3xi8>
// CHECK: lq.pack %{{.*}} packing <bitplanes> : tensor<8x!lq.int<3>> -> tensor<3xi8>
// CHECK: lq.pack %{{.*}} packing <tiles = [2, 4]> : tensor<4x8x!lq.int<4>> -> tensor<16xi8>
// CHECK: lq.unpack %{{.*}} packing <dense> : tensor<3xi8> -> tensor<8x!lq.int<3>>
func.func @packing(%q: tensor<8x!lq.int<3>>, %t: tensor<4x8x!lq.int<4>>) {
  %a = lq.pack %q packing <dense> : tensor<8x!lq.int<3>> -> tensor<3xi8>
  %b = lq.pack %q packing <bitplanes> : tensor<8x!lq.int<3>> -> tensor<3xi8>
  %c = lq.pack %t packing <tiles = [2, 4]> : tensor<4x8x!lq.int<4>> -> tensor<16xi8>
  %d = lq.unpack %a packing <dense> : tensor<3xi8> -> tensor<8x!lq.int<3>>
  return
}

/// Salient channels and bit planes.
// CHECK-LABEL: func.func @salient_planes(
// CHECK: lq.salient_merge %{{.*}}, %{{.*}} indices [3, 17] axis 0 : tensor<64x16xf32>, tensor<2x16xf32> -> tensor<64x16xf32>
// CHECK: lq.split_planes %{{.*}} : tensor<16x!lq.int<3, unsigned>> -> tensor<3x16x!lq.int<1, unsigned>>
// CHECK: lq.combine_planes %{{.*}}, %{{.*}} layout <axis = 0> : tensor<3x16x!lq.int<1, unsigned>>, tensor<3xf32> -> tensor<16xf32>
func.func @salient_planes(%low: tensor<64x16xf32>, %high: tensor<2x16xf32>, %q: tensor<16x!lq.int<3, unsigned>>, %s: tensor<3xf32>) {
  %a = lq.salient_merge %low, %high indices [3, 17] axis 0 : tensor<64x16xf32>, tensor<2x16xf32> -> tensor<64x16xf32>
  %p = lq.split_planes %q : tensor<16x!lq.int<3, unsigned>> -> tensor<3x16x!lq.int<1, unsigned>>
  %b = lq.combine_planes %p, %s layout <axis = 0> : tensor<3x16x!lq.int<1, unsigned>>, tensor<3xf32> -> tensor<16xf32>
  return
}

/// A transposed (N x K) rhs, as Gemm transB and MatMulNBits store weights.
// CHECK-LABEL: func.func @matmul_transposed(
// CHECK: lq.matmul %{{.*}}, %{{.*}} scales(%{{.*}}, %{{.*}}) lhs_layout(<tensor>) rhs_layout(<block = [1, 32]>) rhs_transposed acc(i32) : tensor<4x64x!lq.int<8>>, tensor<16x64x!lq.int<4>>, tensor<f32>, tensor<16x2xf32> -> tensor<4x16xf32>
func.func @matmul_transposed(%a: tensor<4x64x!lq.int<8>>, %b: tensor<16x64x!lq.int<4>>, %s: tensor<f32>, %sb: tensor<16x2xf32>) {
  %y = lq.matmul %a, %b scales(%s, %sb) lhs_layout(<tensor>) rhs_layout(<block = [1, 32]>) rhs_transposed acc(i32) : tensor<4x64x!lq.int<8>>, tensor<16x64x!lq.int<4>>, tensor<f32>, tensor<16x2xf32> -> tensor<4x16xf32>
  return
}

/// Weight-only matmul: a float lhs has no scale, zero point or layout.
// CHECK-LABEL: func.func @matmul_float_lhs(
// CHECK: lq.matmul %{{.*}}, %{{.*}} scales(%{{.*}}) rhs_zero_point(%{{.*}} : tensor<2x16xi4>) rhs_layout(<block = [32, 1]>) acc(f32) : tensor<4x64xf32>, tensor<64x16x!lq.int<4, unsigned>>, tensor<2x16xf32> -> tensor<4x16xf32>
// CHECK: lq.matmul %{{.*}}, %{{.*}} scales(%{{.*}}) rhs_layout(<block = [1, 32]>) rhs_transposed acc(f32) : tensor<4x64xf32>, tensor<16x64x!lq.int<3>>, tensor<16x2xf32> -> tensor<4x16xf32>
// CHECK: lq.matmul %{{.*}}, %{{.*}} scales(%{{.*}}) out_scale(%{{.*}} : tensor<f32>) rhs_layout(<axis = 1>) acc(f32) rounding <floor> : tensor<4x64xf32>, tensor<64x16xi4>, tensor<16xf32> -> tensor<4x16x!lq.int<8>>
func.func @matmul_float_lhs(%x: tensor<4x64xf32>, %b: tensor<64x16x!lq.int<4, unsigned>>, %sb: tensor<2x16xf32>, %zb: tensor<2x16xi4>,
                            %t: tensor<16x64x!lq.int<3>>, %st: tensor<16x2xf32>, %c: tensor<64x16xi4>, %sc: tensor<16xf32>, %so: tensor<f32>) {
  %y = lq.matmul %x, %b scales(%sb) rhs_zero_point(%zb : tensor<2x16xi4>) rhs_layout(<block = [32, 1]>) acc(f32) : tensor<4x64xf32>, tensor<64x16x!lq.int<4, unsigned>>, tensor<2x16xf32> -> tensor<4x16xf32>
  %z = lq.matmul %x, %t scales(%st) rhs_layout(<block = [1, 32]>) rhs_transposed acc(f32) : tensor<4x64xf32>, tensor<16x64x!lq.int<3>>, tensor<16x2xf32> -> tensor<4x16xf32>
  %q = lq.matmul %x, %c scales(%sc) out_scale(%so : tensor<f32>) rhs_layout(<axis = 1>) acc(f32) rounding <floor> : tensor<4x64xf32>, tensor<64x16xi4>, tensor<16xf32> -> tensor<4x16x!lq.int<8>>
  return
}
