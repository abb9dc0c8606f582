// RUN: lpc-opt %s -lq-report=json=%t.json -o /dev/null 2>&1 | FileCheck %s
// RUN: FileCheck %s --check-prefix=JSON < %t.json
// RUN: not lpc-opt %s -lq-report=json=%t.missing/dir/r.json -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD

// Bits per weight count codes, scales, zero points and second-level scales
// as stored: 4-bit codes with an f32 scale and a 4-bit zero point per 32
// weights are 4 + 36 / 32 = 5.125; NF4 codes with 8-bit scale codes per 64
// and one f32 step and minimum per tensor: 4 + 8 / 64 + 64 / 256; int8
// filters with an f32 scale per 9 weights: 8 + 32 / 9.
// CHECK: lpc report: 4 layers with constant weights
// CHECK-NEXT: layer {{ *}}op {{ *}}format {{ *}}layout {{ *}}weights {{ *}}bits/w {{ *}}bytes
// CHECK-NEXT: up {{ *}}matmul {{ *}}!lq.int<4, unsigned> {{ *}}block = [1, 32] {{ *}}256 {{ *}}5.125 {{ *}}164
// CHECK-NEXT: down {{ *}}matmul {{ *}}!lq.codebook<nf4> {{ *}}block = [1, 64] {{ *}}256 {{ *}}4.375 {{ *}}140
// CHECK-NEXT: conv1 {{ *}}conv {{ *}}!lq.int<8> {{ *}}axis = 0 {{ *}}36 {{ *}}11.556 {{ *}}52
// CHECK-NEXT: head {{ *}}matmul {{ *}}f32 {{ *}}- {{ *}}16 {{ *}}32.000 {{ *}}64
// CHECK-NEXT: total {{ *}}564 {{ *}}5.957 {{ *}}420

// JSON: "layers": [
// JSON: "bits_per_weight": 5.125,
// JSON-NEXT: "bytes": 164,
// JSON-NEXT: "format": "!lq.int<4, unsigned>",
// JSON-NEXT: "layout": "block = [1, 32]",
// JSON-NEXT: "name": "up",
// JSON-NEXT: "op": "matmul",
// JSON-NEXT: "weights": 256
// JSON: "total": {
// JSON-NEXT: "bits_per_weight": 5.957{{[0-9]*}},
// JSON-NEXT: "bytes": 420,
// JSON-NEXT: "weights": 564

// BAD: error: lq-report: cannot write '{{.*}}r.json': {{.*}}

#mk = affine_map<(d0, d1, d2) -> (d0, d2)>
#kn = affine_map<(d0, d1, d2) -> (d2, d1)>
#mn = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @main_graph(%x: tensor<1x64xf32>, %xc: tensor<1x1x1x5x5xf32>) -> (tensor<1x4xf32>, tensor<1x1x4x3x3xf32>, tensor<1x4xf32>) {
  %c = arith.constant dense<3> : tensor<4x64xi4>
  %q = lq.bitcast %c : tensor<4x64xi4> to tensor<4x64x!lq.int<4, unsigned>>
  %s = arith.constant dense<0.5> : tensor<4x2xf32>
  %zc = arith.constant dense<8> : tensor<4x2xi4>
  %z = lq.bitcast %zc : tensor<4x2xi4> to tensor<4x2x!lq.int<4, unsigned>>
  %y = lq.matmul %x, %q scales(%s) rhs_zero_point(%z : tensor<4x2x!lq.int<4, unsigned>>) rhs_layout(<block = [1, 32]>) rhs_transposed acc(f32)
      : tensor<1x64xf32>, tensor<4x64x!lq.int<4, unsigned>>, tensor<4x2xf32> -> tensor<1x4xf32> loc("up")

  %nc = arith.constant dense<1> : tensor<4x64xi4>
  %n = lq.bitcast %nc : tensor<4x64xi4> to tensor<4x64x!lq.codebook<nf4>>
  %sc = arith.constant dense<7> : tensor<4x1xi8>
  %sq = lq.bitcast %sc : tensor<4x1xi8> to tensor<4x1x!lq.int<8, unsigned>>
  %step = arith.constant dense<0.01> : tensor<f32>
  %min = arith.constant dense<0.1> : tensor<f32>
  %ns = lq.dequantize %sq, %step, %min layout <tensor> : tensor<4x1x!lq.int<8, unsigned>>, tensor<f32>, tensor<f32> -> tensor<4x1xf32>
  %y2 = lq.matmul %x, %n scales(%ns) rhs_layout(<block = [1, 64]>) rhs_transposed acc(f32)
      : tensor<1x64xf32>, tensor<4x64x!lq.codebook<nf4>>, tensor<4x1xf32> -> tensor<1x4xf32> loc("down")

  %wc = arith.constant dense<2> : tensor<4x1x3x3xi8>
  %wq = lq.bitcast %wc : tensor<4x1x3x3xi8> to tensor<4x1x3x3x!lq.int<8>>
  %ws = arith.constant dense<0.25> : tensor<4xf32>
  %w = lq.dequantize %wq, %ws layout <axis = 0> : tensor<4x1x3x3x!lq.int<8>>, tensor<4xf32> -> tensor<4x1x3x3xf32> loc("conv1")
  %wv = tensor.expand_shape %w [[0, 1], [2], [3], [4]] output_shape [1, 4, 1, 3, 3] : tensor<4x1x3x3xf32> into tensor<1x4x1x3x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x1x4x3x3xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1x4x3x3xf32>) -> tensor<1x1x4x3x3xf32>
  %yc = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%xc, %wv : tensor<1x1x1x5x5xf32>, tensor<1x4x1x3x3xf32>) outs(%init : tensor<1x1x4x3x3xf32>) -> tensor<1x1x4x3x3xf32>

  %h = arith.constant dense<1.0> : tensor<4x4xf32>
  %e2 = tensor.empty() : tensor<1x4xf32>
  %i2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x4xf32>) -> tensor<1x4xf32>
  %y3 = linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%y, %h : tensor<1x4xf32>, tensor<4x4xf32>) outs(%i2 : tensor<1x4xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  } -> tensor<1x4xf32> loc("head")
  return %y2, %yc, %y3 : tensor<1x4xf32>, tensor<1x1x4x3x3xf32>, tensor<1x4xf32>
}
