// A loop that carries an i3-coded tensor (bufferized as a yielded buffer, freed
// by ownership-based deallocation after narrow-type packing). Driven by
// narrow-loop.test.
func.func @main_graph(%x: tensor<8xf32>, %n: tensor<i64>) -> tensor<8xf32> {
  %s = arith.constant dense<0.5> : tensor<f32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %ni = tensor.extract %n[] : tensor<i64>
  %nn = arith.index_cast %ni : i64 to index
  %q0 = lq.quantize %x, %s layout <tensor> : tensor<8xf32>, tensor<f32> -> tensor<8x!lq.int<3>>
  %r = scf.for %i = %c0 to %nn step %c1 iter_args(%q = %q0) -> (tensor<8x!lq.int<3>>) {
    %d = lq.dequantize %q, %s layout <tensor> : tensor<8x!lq.int<3>>, tensor<f32> -> tensor<8xf32>
    %h = arith.mulf %d, %d : tensor<8xf32>
    %q2 = lq.quantize %h, %s layout <tensor> rounding <floor> : tensor<8xf32>, tensor<f32> -> tensor<8x!lq.int<3>>
    scf.yield %q2 : tensor<8x!lq.int<3>>
  }
  %y = lq.dequantize %r, %s layout <tensor> : tensor<8x!lq.int<3>>, tensor<f32> -> tensor<8xf32>
  return %y : tensor<8xf32>
}
