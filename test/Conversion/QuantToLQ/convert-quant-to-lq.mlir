// RUN: lpc-opt %s -convert-quant-to-lq -split-input-file | FileCheck %s --implicit-check-not=quant.

/// Per-tensor type with a zero point: a rank-0 scale, an i8 zero point and
/// the storage as !lq.int<8>.
// CHECK-LABEL: func.func @per_tensor(
// CHECK-SAME: %[[X:.*]]: tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK: %[[S:.*]] = arith.constant dense<5.000000e-01> : tensor<f32>
// CHECK: %[[Z:.*]] = arith.constant dense<-3> : tensor<i8>
// CHECK: %[[Q:.*]] = lq.quantize %[[X]], %[[S]], %[[Z]] layout <tensor> : tensor<4x8xf32>, tensor<f32>, tensor<i8> -> tensor<4x8x!lq.int<8>>
// CHECK: %[[S2:.*]] = arith.constant dense<5.000000e-01> : tensor<f32>
// CHECK: %[[Z2:.*]] = arith.constant dense<-3> : tensor<i8>
// CHECK: %[[Y:.*]] = lq.dequantize %[[Q]], %[[S2]], %[[Z2]] layout <tensor> : tensor<4x8x!lq.int<8>>, tensor<f32>, tensor<i8> -> tensor<4x8xf32>
// CHECK: return %[[Y]]
func.func @per_tensor(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %q = quant.qcast %x : tensor<4x8xf32> to tensor<4x8x!quant.uniform<i8:f32, 0.5:-3>>
  %y = quant.dcast %q : tensor<4x8x!quant.uniform<i8:f32, 0.5:-3>> to tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

/// All-zero zero points are omitted.
// CHECK-LABEL: func.func @per_tensor_no_zero_point(
// CHECK: %[[S:.*]] = arith.constant dense<2.500000e-01> : tensor<f32>
// CHECK-NOT: arith.constant
// CHECK: %[[Q:.*]] = lq.quantize %{{.*}}, %[[S]] layout <tensor> : tensor<16xf32>, tensor<f32> -> tensor<16x!lq.int<4>>
func.func @per_tensor_no_zero_point(%x: tensor<16xf32>) -> tensor<16xf32> {
  %q = quant.qcast %x : tensor<16xf32> to tensor<16x!quant.uniform<i4:f32, 0.25>>
  %y = quant.dcast %q : tensor<16x!quant.uniform<i4:f32, 0.25>> to tensor<16xf32>
  return %y : tensor<16xf32>
}

// -----

/// Per-axis scales become a rank-1 constant and an axis layout; an unsigned
/// storage type gives an unsigned format and a ui8 zero point.
// CHECK-LABEL: func.func @per_axis_unsigned(
// CHECK-SAME: -> tensor<2x3x!lq.int<8, unsigned>>
// CHECK: %[[S:.*]] = arith.constant dense<[5.000000e-01, 2.500000e-01, 2.000000e+00]> : tensor<3xf32>
// CHECK: %[[Z:.*]] = arith.constant dense<[128, 100, 255]> : tensor<3xui8>
// CHECK: %[[Q:.*]] = lq.quantize %{{.*}}, %[[S]], %[[Z]] layout <axis = 1> : tensor<2x3xf32>, tensor<3xf32>, tensor<3xui8> -> tensor<2x3x!lq.int<8, unsigned>>
// CHECK: return %[[Q]] : tensor<2x3x!lq.int<8, unsigned>>
func.func @per_axis_unsigned(%x: tensor<2x3xf32>) -> tensor<2x3x!quant.uniform<u8:f32:1, {0.5:128, 0.25:100, 2.0:255}>> {
  %q = quant.qcast %x : tensor<2x3xf32> to tensor<2x3x!quant.uniform<u8:f32:1, {0.5:128, 0.25:100, 2.0:255}>>
  return %q : tensor<2x3x!quant.uniform<u8:f32:1, {0.5:128, 0.25:100, 2.0:255}>>
}

// -----

/// Sub-channel scales keep their shape; dimensions without a block size are
/// one block.
// CHECK-LABEL: func.func @sub_channel(
// CHECK-SAME: %[[Q:.*]]: tensor<4x6x!lq.int<4>>) -> tensor<4x6xf32>
// CHECK: %[[S:.*]] = arith.constant dense<{{\[\[}}5.000000e-01], [2.500000e-01]]> : tensor<2x1xf32>
// CHECK: %[[Z:.*]] = arith.constant dense<{{\[\[}}1], [-2]]> : tensor<2x1xi4>
// CHECK: lq.dequantize %[[Q]], %[[S]], %[[Z]] layout <block = [2, 6]> : tensor<4x6x!lq.int<4>>, tensor<2x1xf32>, tensor<2x1xi4> -> tensor<4x6xf32>
func.func @sub_channel(%q: tensor<4x6x!quant.uniform<i4:f32:{0:2}, {{0.5:1}, {0.25:-2}}>>) -> tensor<4x6xf32> {
  %y = quant.dcast %q : tensor<4x6x!quant.uniform<i4:f32:{0:2}, {{0.5:1}, {0.25:-2}}>> to tensor<4x6xf32>
  return %y : tensor<4x6xf32>
}

// -----

/// 2-D blocks: group 2 along dim 1 and 2 along dim 0.
// CHECK-LABEL: func.func @sub_channel_2d(
// CHECK: %[[S:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK: lq.quantize %{{.*}}, %[[S]] layout <block = [2, 2]> : tensor<4x4xf32>, tensor<2x2xf32> -> tensor<4x4x!lq.int<8>>
// CHECK: lq.dequantize %{{.*}} layout <block = [2, 2]>
func.func @sub_channel_2d(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %q = quant.qcast %x : tensor<4x4xf32> to tensor<4x4x!quant.uniform<i8:f32:{1:2, 0:2}, {{1.0, 2.0}, {3.0, 4.0}}>>
  %y = quant.dcast %q : tensor<4x4x!quant.uniform<i8:f32:{1:2, 0:2}, {{1.0, 2.0}, {3.0, 4.0}}>> to tensor<4x4xf32>
  return %y : tensor<4x4xf32>
}

// -----

/// Narrow storage ranges map to narrow formats, signed and unsigned.
// CHECK-LABEL: func.func @narrow(
// CHECK-SAME: -> (tensor<8x!lq.int<8, narrow>>, tensor<8x!lq.int<4, unsigned, narrow>>)
// CHECK: lq.quantize {{.*}} -> tensor<8x!lq.int<8, narrow>>
// CHECK: %[[Z:.*]] = arith.constant dense<7> : tensor<ui4>
// CHECK: lq.quantize %{{.*}}, %{{.*}}, %[[Z]] {{.*}} -> tensor<8x!lq.int<4, unsigned, narrow>>
func.func @narrow(%x: tensor<8xf32>) -> (tensor<8x!quant.uniform<i8<-127:127>:f32, 0.1>>, tensor<8x!quant.uniform<u4<0:14>:f32, 0.1:7>>) {
  %a = quant.qcast %x : tensor<8xf32> to tensor<8x!quant.uniform<i8<-127:127>:f32, 0.1>>
  %b = quant.qcast %x : tensor<8xf32> to tensor<8x!quant.uniform<u4<0:14>:f32, 0.1:7>>
  return %a, %b : tensor<8x!quant.uniform<i8<-127:127>:f32, 0.1>>, tensor<8x!quant.uniform<u4<0:14>:f32, 0.1:7>>
}

// -----

/// An f16 expressed type keeps f16 data and an f16 scale.
// CHECK-LABEL: func.func @f16(
// CHECK: %[[S:.*]] = arith.constant dense<5.000000e-01> : tensor<f16>
// CHECK: %[[Q:.*]] = lq.quantize %{{.*}}, %[[S]] layout <tensor> : tensor<8xf16>, tensor<f16> -> tensor<8x!lq.int<8>>
// CHECK: lq.dequantize %[[Q]], %{{.*}} layout <tensor> : tensor<8x!lq.int<8>>, tensor<f16> -> tensor<8xf16>
func.func @f16(%x: tensor<8xf16>) -> tensor<8xf16> {
  %q = quant.qcast %x : tensor<8xf16> to tensor<8x!quant.uniform<i8:f16, 0.5>>
  %y = quant.dcast %q : tensor<8x!quant.uniform<i8:f16, 0.5>> to tensor<8xf16>
  return %y : tensor<8xf16>
}

// -----

/// Storage casts become lq.bitcast in both directions.
// CHECK-LABEL: func.func @storage_cast(
// CHECK-SAME: %[[R:.*]]: tensor<8xi8>)
// CHECK: %[[Q:.*]] = lq.bitcast %[[R]] : tensor<8xi8> to tensor<8x!lq.int<8, unsigned>>
// CHECK: %[[B:.*]] = lq.bitcast %[[Q]] : tensor<8x!lq.int<8, unsigned>> to tensor<8xi8>
// CHECK: return %[[B]]
func.func @storage_cast(%raw: tensor<8xi8>) -> tensor<8xi8> {
  %q = quant.scast %raw : tensor<8xi8> to tensor<8x!quant.uniform<u8:f32, 0.5:3>>
  %r = quant.scast %q : tensor<8x!quant.uniform<u8:f32, 0.5:3>> to tensor<8xi8>
  return %r : tensor<8xi8>
}

// -----

/// Quantized tensors in signatures, calls and returns become lq tensors.
// CHECK-LABEL: func.func private @consume(tensor<8x!lq.int<8>>) -> tensor<8x!lq.int<8>>
// CHECK-LABEL: func.func @signatures(
// CHECK-SAME: %[[A:.*]]: tensor<8x!lq.int<8>>) -> tensor<8x!lq.int<8>>
// CHECK: %[[R:.*]] = call @consume(%[[A]]) : (tensor<8x!lq.int<8>>) -> tensor<8x!lq.int<8>>
// CHECK: return %[[R]] : tensor<8x!lq.int<8>>
func.func private @consume(tensor<8x!quant.uniform<i8:f32, 0.5>>) -> tensor<8x!quant.uniform<i8:f32, 0.5>>

func.func @signatures(%a: tensor<8x!quant.uniform<i8:f32, 0.5>>) -> tensor<8x!quant.uniform<i8:f32, 0.5>> {
  %r = func.call @consume(%a) : (tensor<8x!quant.uniform<i8:f32, 0.5>>) -> tensor<8x!quant.uniform<i8:f32, 0.5>>
  return %r : tensor<8x!quant.uniform<i8:f32, 0.5>>
}

// -----

/// IR without quantized types is left alone.
// CHECK-LABEL: func.func @negative_no_quant(
// CHECK-NEXT: arith.addf
// CHECK-NEXT: return
func.func @negative_no_quant(%x: tensor<8xf32>) -> tensor<8xf32> {
  %y = arith.addf %x, %x : tensor<8xf32>
  return %y : tensor<8xf32>
}
