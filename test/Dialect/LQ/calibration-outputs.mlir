// RUN: lpc-opt %s -lq-calibration-outputs | FileCheck %s
// RUN: not lpc-opt %s -lq-calibration-outputs=entry=other 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: error: lq-calibration-outputs: no function 'other'

#mk = affine_map<(d0, d1, d2) -> (d0, d2)>
#kn = affine_map<(d0, d1, d2) -> (d2, d1)>
#nk = affine_map<(d0, d1, d2) -> (d1, d2)>
#mn = affine_map<(d0, d1, d2) -> (d0, d1)>

/// Two matmuls read %x (returned once, both layers named), one reads a
/// computed value; the convolution's input is returned before the
/// importer's padding and grouped view, its channel axis followed back
/// (dim 2 of the 5-D view is dim 1 of the 4-D input). The float result and
/// the run-time weights of @runtime_weight are left alone.
// CHECK-LABEL: func.func @main_graph(
// CHECK-SAME: -> (tensor<2x3xf32> {lpc.name = "y"},
// CHECK-SAME: tensor<2x4xf32> {lpc.calibration = {channel_axis = 1 : i64, layers = ["q", "k"], op = "matmul", patches = []}, lpc.name = "calibration:0"},
// CHECK-SAME: tensor<2x3xf32> {lpc.calibration = {channel_axis = 1 : i64, layers = ["out"], op = "matmul", patches = []}, lpc.name = "calibration:1"},
// CHECK-SAME: tensor<1x2x3x3xf32> {lpc.calibration = {channel_axis = 1 : i64, layers = ["conv"], op = "conv", patches = [{
/// How the convolution reads the 1x2x3x3 input (loops n, g, f, oh, ow, c,
/// kh, kw): dim 1 is g * 2 + c, dims 2 and 3 are oh + kh - 1 and
/// ow + kw - 1 (padding 1).
// CHECK-SAME: coeffs = array<i64: 1, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1>, depth_loop = 1 : i64,
// CHECK-SAME: image_loops = array<i64: 0, 3, 4>, layer = "conv", loop_sizes = array<i64: 1, 1, 4, 3, 3, 2, 3, 3>, offsets = array<i64: 0, 0, -1, -1>, reduction_loops = array<i64: 5, 6, 7>}]}, lpc.name = "calibration:2"})
// CHECK: return %{{.*}}, %arg0, %[[Q:.*]], %arg1 :
func.func @main_graph(%x: tensor<2x4xf32>, %img: tensor<1x2x3x3xf32>, %wr: tensor<3x3xf32>) -> (tensor<2x3xf32> {lpc.name = "y"}) {
  %w = arith.constant dense<1.0> : tensor<4x3xf32>
  %wt = arith.constant dense<2.0> : tensor<3x4xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %q = linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<2x4xf32>, tensor<4x3xf32>) outs(%init : tensor<2x3xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  } -> tensor<2x3xf32> loc("q")
  %k = linalg.generic {indexing_maps = [#mk, #nk, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %wt : tensor<2x4xf32>, tensor<3x4xf32>) outs(%init : tensor<2x3xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  } -> tensor<2x3xf32> loc("k")
  %wo = arith.constant dense<0.5> : tensor<3x3xf32>
  %o = linalg.matmul ins(%q, %wo : tensor<2x3xf32>, tensor<3x3xf32>) outs(%init : tensor<2x3xf32>) -> tensor<2x3xf32> loc("out")
  %r = linalg.matmul ins(%k, %wr : tensor<2x3xf32>, tensor<3x3xf32>) outs(%init : tensor<2x3xf32>) -> tensor<2x3xf32> loc("runtime_weight")

  %pad = tensor.pad %img low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %zero : f32
  } : tensor<1x2x3x3xf32> to tensor<1x2x5x5xf32>
  %xv = tensor.expand_shape %pad [[0], [1, 2], [3], [4]] output_shape [1, 1, 2, 5, 5] : tensor<1x2x5x5xf32> into tensor<1x1x2x5x5xf32>
  %f = arith.constant dense<1.0> : tensor<1x4x2x3x3xf32>
  %ec = tensor.empty() : tensor<1x1x4x3x3xf32>
  %ic = linalg.fill ins(%zero : f32) outs(%ec : tensor<1x1x4x3x3xf32>) -> tensor<1x1x4x3x3xf32>
  %c = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%xv, %f : tensor<1x1x2x5x5xf32>, tensor<1x4x2x3x3xf32>) outs(%ic : tensor<1x1x4x3x3xf32>) -> tensor<1x1x4x3x3xf32> loc("conv")
  %sum = arith.addf %o, %r : tensor<2x3xf32>
  return %sum : tensor<2x3xf32>
}
