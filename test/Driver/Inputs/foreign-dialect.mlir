// A dialect lpc's pipelines do not compile (errors.test): the driver
// registers only the dialects it uses, so this is a parse error.
func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tosa.abs %a : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
