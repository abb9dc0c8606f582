// RUN: lpc-opt %s -convert-quant-to-lq -convert-lq-to-quant -split-input-file | FileCheck %s

/// quant -> lq -> quant gives back every cast with the same type. A scale
/// means its value in the expressed type, so it comes back as the shortest
/// double naming the same f32: 0.1 stays 0.1, not 0.10000000149011612.
// CHECK-LABEL: func.func @per_tensor(
// CHECK-SAME: %[[X:.*]]: tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK-NEXT: %[[Q:.*]] = quant.qcast %[[X]] : tensor<4x8xf32> to tensor<4x8x!quant.uniform<i8:f32, 1.000000e-01:-3>>
// CHECK-NEXT: %[[Y:.*]] = quant.dcast %[[Q]] : tensor<4x8x!quant.uniform<i8:f32, 1.000000e-01:-3>> to tensor<4x8xf32>
// CHECK-NEXT: return %[[Y]]
func.func @per_tensor(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %q = quant.qcast %x : tensor<4x8xf32> to tensor<4x8x!quant.uniform<i8:f32, 0.1:-3>>
  %y = quant.dcast %q : tensor<4x8x!quant.uniform<i8:f32, 0.1:-3>> to tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

/// Digits beyond f32 precision are what quant -> lq drops: 0.123456789 is
/// f32 0.123456791..., written back as 0.12345679.
// CHECK-LABEL: func.func @f32_precision(
// CHECK-NEXT: quant.qcast %{{.*}} to tensor<4x!quant.uniform<i8:f32, 0.12345679>>
func.func @f32_precision(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.123456789>>
  %y = quant.dcast %q : tensor<4x!quant.uniform<i8:f32, 0.123456789>> to tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

/// Per-axis, unsigned, with zero points.
// CHECK-LABEL: func.func @per_axis(
// CHECK-NEXT: %[[Q:.*]] = quant.qcast %{{.*}} : tensor<2x3xf32> to tensor<2x3x!quant.uniform<u8:f32:1, {5.000000e-01:128,2.500000e-01:100,3.000000e-01:255}>>
// CHECK-NEXT: quant.dcast %[[Q]] : tensor<2x3x!quant.uniform<u8:f32:1, {5.000000e-01:128,2.500000e-01:100,3.000000e-01:255}>> to tensor<2x3xf32>
func.func @per_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %q = quant.qcast %x : tensor<2x3xf32> to tensor<2x3x!quant.uniform<u8:f32:1, {0.5:128, 0.25:100, 0.3:255}>>
  %y = quant.dcast %q : tensor<2x3x!quant.uniform<u8:f32:1, {0.5:128, 0.25:100, 0.3:255}>> to tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

/// Sub-channel with 2-D blocks; block sizes come back in dimension order.
// CHECK-LABEL: func.func @sub_channel(
// CHECK-NEXT: %[[Q:.*]] = quant.qcast %{{.*}} : tensor<4x8xf32> to tensor<4x8x!quant.uniform<i4:f32:{0:2, 1:4}, {{[{][{]}}1.000000e+00:1, 2.000000e+00:-1}, {3.000000e+00, 4.000000e+00}}>>
// CHECK-NEXT: quant.dcast %[[Q]]
func.func @sub_channel(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %q = quant.qcast %x : tensor<4x8xf32> to tensor<4x8x!quant.uniform<i4:f32:{1:4, 0:2}, {{1.0:1, 2.0:-1}, {3.0, 4.0}}>>
  %y = quant.dcast %q : tensor<4x8x!quant.uniform<i4:f32:{1:4, 0:2}, {{1.0:1, 2.0:-1}, {3.0, 4.0}}>> to tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

/// Narrow ranges and bf16 survive.
// CHECK-LABEL: func.func @narrow_bf16(
// CHECK-NEXT: %[[Q:.*]] = quant.qcast %{{.*}} : tensor<8xbf16> to tensor<8x!quant.uniform<i8<-127:127>:bf16, 6.250000e-02>>
// CHECK-NEXT: quant.dcast %[[Q]] : {{.*}} to tensor<8xbf16>
func.func @narrow_bf16(%x: tensor<8xbf16>) -> tensor<8xbf16> {
  %q = quant.qcast %x : tensor<8xbf16> to tensor<8x!quant.uniform<i8<-127:127>:bf16, 0.0625>>
  %y = quant.dcast %q : tensor<8x!quant.uniform<i8<-127:127>:bf16, 0.0625>> to tensor<8xbf16>
  return %y : tensor<8xbf16>
}

// -----

/// Quantized signatures come back as storage integers (lq types carry no
/// scales, so the type at a function boundary cannot be rebuilt), as
/// upstream's strip-func-quant-types would leave them.
// CHECK-LABEL: func.func @signature(
// CHECK-SAME: %[[A:.*]]: tensor<8xi8>) -> tensor<8xf32>
// CHECK-NEXT: %[[Q:.*]] = quant.scast %[[A]] : tensor<8xi8> to tensor<8x!quant.uniform<i8:f32, 5.000000e-01>>
// CHECK-NEXT: %[[Y:.*]] = quant.dcast %[[Q]]
// CHECK-NEXT: return %[[Y]]
func.func @signature(%a: tensor<8x!quant.uniform<i8:f32, 0.5>>) -> tensor<8xf32> {
  %y = quant.dcast %a : tensor<8x!quant.uniform<i8:f32, 0.5>> to tensor<8xf32>
  return %y : tensor<8xf32>
}
