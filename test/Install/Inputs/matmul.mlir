// A dequantize -> linalg.matmul chain that lq-fuse-qdq turns into lq.matmul
// (downstream.test runs it through an opt tool outside lpc).
func.func @matmul(%qa: tensor<4x64x!lq.int<8>>, %sa: tensor<4xf32>,
                  %qb: tensor<64x8x!lq.int<4>>, %sb: tensor<2x8xf32>)
    -> tensor<4x8xf32> {
  %a = lq.dequantize %qa, %sa layout <axis = 0> : tensor<4x64x!lq.int<8>>, tensor<4xf32> -> tensor<4x64xf32>
  %b = lq.dequantize %qb, %sb layout <block = [32, 1]> : tensor<64x8x!lq.int<4>>, tensor<2x8xf32> -> tensor<64x8xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = linalg.matmul ins(%a, %b : tensor<4x64xf32>, tensor<64x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}
