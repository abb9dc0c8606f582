// RUN: lpc-opt %s -convert-lq-to-linalg -split-input-file -verify-diagnostics

/// Integer accumulation splits K statically; a dynamic K is reported, not
/// miscompiled.
func.func @dynamic_k(%a: tensor<4x?x!lq.int<8>>, %b: tensor<?x8x!lq.int<4>>, %s: tensor<f32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'lq.matmul' op reference lowering of acc = i32 needs a static K (the K segments become a static reshape)}}
  %y = lq.matmul %a, %b scales(%s, %s) lhs_layout(<tensor>) rhs_layout(<tensor>) acc(i32) : tensor<4x?x!lq.int<8>>, tensor<?x8x!lq.int<4>>, tensor<f32>, tensor<f32> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}
