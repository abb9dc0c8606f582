// RUN: lpc-opt %s -convert-lq-to-quant -split-input-file | FileCheck %s --implicit-check-not=lq.

/// Per-tensor quantize with a zero point: qcast to the per-tensor type, then
/// scast to the storage integers that replace !lq.int<8> in the signature.
// CHECK-LABEL: func.func @per_tensor(
// CHECK-SAME: %[[X:.*]]: tensor<4x8xf32>) -> tensor<4x8xi8>
// CHECK-NOT: arith.constant
// CHECK: %[[Q:.*]] = quant.qcast %[[X]] : tensor<4x8xf32> to tensor<4x8x!quant.uniform<i8:f32, 5.000000e-01:-3>>
// CHECK: %[[S:.*]] = quant.scast %[[Q]] : tensor<4x8x!quant.uniform<i8:f32, 5.000000e-01:-3>> to tensor<4x8xi8>
// CHECK: return %[[S]] : tensor<4x8xi8>
func.func @per_tensor(%x: tensor<4x8xf32>) -> tensor<4x8x!lq.int<8>> {
  %s = arith.constant dense<5.000000e-01> : tensor<f32>
  %z = arith.constant dense<-3> : tensor<i8>
  %q = lq.quantize %x, %s, %z layout <tensor> : tensor<4x8xf32>, tensor<f32>, tensor<i8> -> tensor<4x8x!lq.int<8>>
  return %q : tensor<4x8x!lq.int<8>>
}

// -----

/// Per-axis dequantize of an unsigned format with a ui8 zero point.
// CHECK-LABEL: func.func @per_axis_unsigned(
// CHECK-SAME: %[[Q:.*]]: tensor<2x3xi8>) -> tensor<2x3xf32>
// CHECK: %[[C:.*]] = quant.scast %[[Q]] : tensor<2x3xi8> to tensor<2x3x!quant.uniform<u8:f32:1, {5.000000e-01:128,2.500000e-01:100,2.000000e+00:255}>>
// CHECK: %[[X:.*]] = quant.dcast %[[C]] : {{.*}} to tensor<2x3xf32>
// CHECK: return %[[X]]
func.func @per_axis_unsigned(%q: tensor<2x3x!lq.int<8, unsigned>>) -> tensor<2x3xf32> {
  %s = arith.constant dense<[5.000000e-01, 2.500000e-01, 2.000000e+00]> : tensor<3xf32>
  %z = arith.constant dense<[128, 100, 255]> : tensor<3xui8>
  %x = lq.dequantize %q, %s, %z layout <axis = 1> : tensor<2x3x!lq.int<8, unsigned>>, tensor<3xf32>, tensor<3xui8> -> tensor<2x3xf32>
  return %x : tensor<2x3xf32>
}

// -----

/// Block layouts become sub-channel types; only dimensions split into more
/// than one block get a block size.
// CHECK-LABEL: func.func @block(
// CHECK: %[[Q:.*]] = quant.qcast %{{.*}} : tensor<4x6xf32> to tensor<4x6x!quant.uniform<i4:f32:{0:2}, {{[{][{]}}5.000000e-01:1}, {2.500000e-01:-2}}>>
// CHECK: quant.scast %[[Q]] : {{.*}} to tensor<4x6xi4>
func.func @block(%x: tensor<4x6xf32>) -> tensor<4x6x!lq.int<4>> {
  %s = arith.constant dense<[[5.000000e-01], [2.500000e-01]]> : tensor<2x1xf32>
  %z = arith.constant dense<[[1], [-2]]> : tensor<2x1xi4>
  %q = lq.quantize %x, %s, %z layout <block = [2, 8]> : tensor<4x6xf32>, tensor<2x1xf32>, tensor<2x1xi4> -> tensor<4x6x!lq.int<4>>
  return %q : tensor<4x6x!lq.int<4>>
}

// -----

/// Narrow formats and ternary get a storage range one code short of full.
// CHECK-LABEL: func.func @narrow(
// CHECK-SAME: -> (tensor<8xi8>, tensor<8xi2>)
// CHECK: quant.qcast %{{.*}} : tensor<8xf32> to tensor<8x!quant.uniform<i8<-127:127>:f32, 1.000000e-01>>
// CHECK: quant.qcast %{{.*}} : tensor<8xf32> to tensor<8x!quant.uniform<i2<-1:1>:f32, 1.000000e-01>>
func.func @narrow(%x: tensor<8xf32>) -> (tensor<8x!lq.int<8, narrow>>, tensor<8x!lq.ternary>) {
  %s = arith.constant dense<1.000000e-01> : tensor<f32>
  %a = lq.quantize %x, %s layout <tensor> : tensor<8xf32>, tensor<f32> -> tensor<8x!lq.int<8, narrow>>
  %b = lq.quantize %x, %s layout <tensor> : tensor<8xf32>, tensor<f32> -> tensor<8x!lq.ternary>
  return %a, %b : tensor<8x!lq.int<8, narrow>>, tensor<8x!lq.ternary>
}

// -----

/// Quantize followed by dequantize meets in the middle without a cast pair.
// CHECK-LABEL: func.func @chain(
// CHECK-SAME: %[[X:.*]]: tensor<16xf32>)
// CHECK-NEXT: %[[Q:.*]] = quant.qcast %[[X]] : tensor<16xf32> to tensor<16x!quant.uniform<i4:f32, 2.500000e-01>>
// CHECK-NEXT: %[[Y:.*]] = quant.dcast %[[Q]] : tensor<16x!quant.uniform<i4:f32, 2.500000e-01>> to tensor<16xf32>
// CHECK-NEXT: return %[[Y]]
func.func @chain(%x: tensor<16xf32>) -> tensor<16xf32> {
  %s = arith.constant dense<2.500000e-01> : tensor<f32>
  %q = lq.quantize %x, %s layout <tensor> : tensor<16xf32>, tensor<f32> -> tensor<16x!lq.int<4>>
  %y = lq.dequantize %q, %s layout <tensor> : tensor<16x!lq.int<4>>, tensor<f32> -> tensor<16xf32>
  return %y : tensor<16xf32>
}

// -----

/// f16 data with an f32 scale that f16 holds exactly: the expressed type is
/// f16.
// CHECK-LABEL: func.func @f16(
// CHECK: quant.scast %{{.*}} : tensor<8xi8> to tensor<8x!quant.uniform<i8:f16, 3.125000e-02>>
// CHECK: quant.dcast %{{.*}} to tensor<8xf16>
func.func @f16(%q: tensor<8xi8>) -> tensor<8xf16> {
  %s = arith.constant dense<3.125000e-02> : tensor<f32>
  %x = lq.dequantize %q, %s layout <tensor> : tensor<8xi8>, tensor<f32> -> tensor<8xf16>
  return %x : tensor<8xf16>
}

// -----

/// Ops quant cannot express keep lq types, bridged by lq.bitcast.
// CHECK-LABEL: func.func @matmul_keeps_lq(
// CHECK-SAME: %[[A:.*]]: tensor<2x4xi8>, %[[W:.*]]: tensor<4x3xf32>)
// CHECK-DAG: %[[LA:.*]] = lq.bitcast %[[A]] : tensor<2x4xi8> to tensor<2x4x!lq.int<8>>
// CHECK-DAG: %[[S:.*]] = arith.constant dense<5.000000e-01> : tensor<f32>
// CHECK: %[[Q:.*]] = quant.qcast %[[W]]
// CHECK: %[[C:.*]] = quant.scast %[[Q]] : {{.*}} to tensor<4x3xi8>
// CHECK: %[[LW:.*]] = lq.bitcast %[[C]] : tensor<4x3xi8> to tensor<4x3x!lq.int<8>>
// CHECK: lq.matmul %[[LA]], %[[LW]] scales(%[[S]], %[[S]]) {{.*}} -> tensor<2x3xf32>
func.func @matmul_keeps_lq(%a: tensor<2x4x!lq.int<8>>, %w: tensor<4x3xf32>) -> tensor<2x3xf32> {
  %s = arith.constant dense<5.000000e-01> : tensor<f32>
  %qw = lq.quantize %w, %s layout <tensor> : tensor<4x3xf32>, tensor<f32> -> tensor<4x3x!lq.int<8>>
  %y = lq.matmul %a, %qw scales(%s, %s) lhs_layout(<tensor>) rhs_layout(<tensor>) acc(i32) : tensor<2x4x!lq.int<8>>, tensor<4x3x!lq.int<8>>, tensor<f32>, tensor<f32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

/// Bitcasts between an lq integer format and its storage disappear.
// CHECK-LABEL: func.func @bitcast(
// CHECK-SAME: %[[Q:.*]]: tensor<8xi3>) -> tensor<8xi3>
// CHECK-NEXT: return %[[Q]]
func.func @bitcast(%q: tensor<8x!lq.int<3>>) -> tensor<8xi3> {
  %c = lq.bitcast %q : tensor<8x!lq.int<3>> to tensor<8xi3>
  return %c : tensor<8xi3>
}

// -----

/// Minifloat values that only pass through are not touched.
// CHECK-LABEL: func.func @negative_minifloat_bitcast(
// CHECK-SAME: %[[Q:.*]]: tensor<8x!lq.float<e2m1>>) -> tensor<8xi4>
// CHECK-NEXT: lq.bitcast %[[Q]] : tensor<8x!lq.float<e2m1>> to tensor<8xi4>
func.func @negative_minifloat_bitcast(%q: tensor<8x!lq.float<e2m1>>) -> tensor<8xi4> {
  %c = lq.bitcast %q : tensor<8x!lq.float<e2m1>> to tensor<8xi4>
  return %c : tensor<8xi4>
}

// -----

/// Calls and declarations lose lq integer types like definitions do.
// CHECK-LABEL: func.func private @callee(tensor<8xi4>) -> tensor<8xi4>
// CHECK-LABEL: func.func @call(
// CHECK-SAME: %[[A:.*]]: tensor<8xi4>) -> tensor<8xi4>
// CHECK-NEXT: %[[R:.*]] = call @callee(%[[A]]) : (tensor<8xi4>) -> tensor<8xi4>
// CHECK-NEXT: return %[[R]] : tensor<8xi4>
func.func private @callee(tensor<8x!lq.int<4, unsigned>>) -> tensor<8x!lq.int<4, unsigned>>

func.func @call(%a: tensor<8x!lq.int<4, unsigned>>) -> tensor<8x!lq.int<4, unsigned>> {
  %r = func.call @callee(%a) : (tensor<8x!lq.int<4, unsigned>>) -> tensor<8x!lq.int<4, unsigned>>
  return %r : tensor<8x!lq.int<4, unsigned>>
}
