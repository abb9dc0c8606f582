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

/// Group-32 blocks with a float offset, every rounding mode keyword.
// CHECK-LABEL: func.func @quantize_block(
// CHECK: layout <block = [1, 32]> rounding <half_away>
// CHECK: rounding <toward_zero>
// CHECK: rounding <floor>
// CHECK: rounding <ceil>
func.func @quantize_block(%x: tensor<4x64xf32>, %s: tensor<4x2xf32>, %o: tensor<4x2xf32>) {
  %a = lq.quantize %x, %s, %o layout <block = [1, 32]> rounding <half_away> : tensor<4x64xf32>, tensor<4x2xf32>, tensor<4x2xf32> -> tensor<4x64x!lq.int<4, unsigned>>
  %b = lq.quantize %x, %s layout <block = [1, 32]> rounding <toward_zero> : tensor<4x64xf32>, tensor<4x2xf32> -> tensor<4x64x!lq.float<e2m1>>
  %c = lq.quantize %x, %s layout <block = [1, 32]> rounding <floor> : tensor<4x64xf32>, tensor<4x2xf32> -> tensor<4x64xf8E4M3FN>
  %d = lq.quantize %x, %s layout <block = [1, 32]> rounding <ceil> : tensor<4x64xf32>, tensor<4x2xf32> -> tensor<4x64x!lq.ternary>
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
