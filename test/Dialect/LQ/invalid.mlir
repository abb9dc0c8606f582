// RUN: lpc-opt %s -split-input-file -verify-diagnostics

/// Integer widths stop at 16.
// expected-error @+1 {{integer format width must be in [1, 16], got 17}}
func.func private @f(tensor<4x!lq.int<17>>)

// -----

/// Unknown integer flag.
// expected-error @+1 {{expected 'unsigned' or 'narrow', got 'wide'}}
func.func private @f(tensor<4x!lq.int<4, wide>>)

// -----

/// Minifloats need an eXmY keyword.
// expected-error @+1 {{expected a minifloat keyword such as 'e2m1', 'ue4m3' or 'e4m3fn', got 'fp8'}}
func.func private @f(tensor<4x!lq.float<fp8>>)

// -----

/// Boolean parameters take true/false.
// expected-error @+1 {{expected 'true' or 'false'}}
func.func private @f(tensor<4x!lq.float<e4m3, inf = yes>>)

// -----

/// NaN kinds are an enum.
// expected-error @+1 {{expected NaN kind 'none', 'ieee', 'allones' or 'negzero', got 'quiet'}}
func.func private @f(tensor<4x!lq.float<e4m3, nan = quiet>>)

// -----

/// Unknown parameters are rejected by name.
// expected-error @+1 {{unknown minifloat parameter 'rounding'; expected 'bias', 'inf', 'nan' or 'subnormals'}}
func.func private @f(tensor<4x!lq.float<e4m3, rounding = 1>>)

// -----

/// E is 1..8.
// expected-error @+1 {{minifloat exponent bits must be in [1, 8], got 9}}
func.func private @f(tensor<4x!lq.float<e9m2>>)

// -----

/// M is 0..7.
// expected-error @+1 {{minifloat mantissa bits must be in [0, 7], got 8}}
func.func private @f(tensor<4x!lq.float<e3m8>>)

// -----

/// Infinities live in an IEEE-style top binade.
// expected-error @+1 {{minifloat with infinities requires 'nan = ieee'}}
func.func private @f(tensor<4x!lq.float<e4m3, inf = true>>)

// -----

/// IEEE NaNs need a nonzero mantissa, so M >= 1.
// expected-error @+1 {{'nan = ieee' requires at least one mantissa bit}}
func.func private @f(tensor<4x!lq.float<e4m0, nan = ieee>>)

// -----

/// The negative-zero NaN needs a sign bit.
// expected-error @+1 {{'nan = negzero' requires a sign bit}}
func.func private @f(tensor<4x!lq.float<ue4m3, nan = negzero>>)

// -----

/// Without subnormals the exponent-0 binade is normal, so the negative-zero
/// NaN code would also be a number.
// expected-error @+1 {{'nan = negzero' requires 'subnormals = true' (its NaN is the code of -0)}}
func.func private @f(tensor<4x!lq.float<e4m3, nan = negzero, subnormals = false>>)

// -----

/// Values must be exact in f32.
// expected-error @+1 {{minifloat bias -200 puts values outside the range of f32}}
func.func private @f(tensor<4x!lq.float<e4m3, bias = -200>>)

// -----

/// Layout kinds.
// expected-error @+1 {{expected layout 'tensor', 'axis' or 'block', got 'channel'}}
func.func private @f() attributes {l = #lq.layout<channel>}

// -----

/// Axes are non-negative.
// expected-error @+1 {{layout axis must be non-negative, got -1}}
func.func private @f() attributes {l = #lq.layout<axis = -1>}

// -----

/// A block layout names a block size per dimension.
// expected-error @+1 {{block layout needs at least one block size}}
func.func private @f() attributes {l = #lq.layout<block = []>}

// -----

/// Block sizes are positive.
// expected-error @+1 {{block sizes must be positive, got 0}}
func.func private @f() attributes {l = #lq.layout<block = [1, 0]>}

// -----

/// Quantize keeps the shape.
func.func @f(%x: tensor<8xf32>, %s: tensor<f32>) {
  // expected-error @+1 {{'lq.quantize' op result shape [4] differs from the input shape [8]}}
  %q = lq.quantize %x, %s layout <tensor> : tensor<8xf32>, tensor<f32> -> tensor<4x!lq.int<3>>
  return
}

// -----

/// The result of quantize must be a format.
func.func @f(%x: tensor<8xf32>, %s: tensor<f32>) {
  // expected-error @+1 {{'lq.quantize' op result element type must be a quantized format (an lq format, an integer of width 1-16 or a builtin f8/f6/f4 type), got 'i32'}}
  %q = lq.quantize %x, %s layout <tensor> : tensor<8xf32>, tensor<f32> -> tensor<8xi32>
  return
}

// -----

/// Per-axis layouts name an existing axis.
func.func @f(%x: tensor<4x8xf32>, %s: tensor<8xf32>) {
  // expected-error @+1 {{'lq.quantize' op scale: layout axis 2 is out of range for a tensor of rank 2}}
  %q = lq.quantize %x, %s layout <axis = 2> : tensor<4x8xf32>, tensor<8xf32> -> tensor<4x8x!lq.int<4>>
  return
}

// -----

/// Block layouts have one size per dimension.
func.func @f(%x: tensor<4x8xf32>, %s: tensor<4xf32>) {
  // expected-error @+1 {{'lq.quantize' op scale: block layout has 1 block sizes but the tensor has rank 2}}
  %q = lq.quantize %x, %s layout <block = [2]> : tensor<4x8xf32>, tensor<4xf32> -> tensor<4x8x!lq.int<4>>
  return
}

// -----

/// The scale shape must match the layout (ceil(70 / 32) = 3 blocks).
func.func @f(%x: tensor<4x70xf32>, %s: tensor<4x2xf32>) {
  // expected-error @+1 {{'lq.quantize' op scale has shape [4, 2] but layout #lq.layout<block = [1, 32]> of a tensor of shape [4, 70] needs [4, 3]}}
  %q = lq.quantize %x, %s layout <block = [1, 32]> : tensor<4x70xf32>, tensor<4x2xf32> -> tensor<4x70x!lq.int<4>>
  return
}

// -----

/// Zero points have the scale's shape.
func.func @f(%x: tensor<4x8xf32>, %s: tensor<8xf32>, %z: tensor<4xi8>) {
  // expected-error @+1 {{'lq.quantize' op scale zero point has shape [4] but the scale has shape [8]}}
  %q = lq.quantize %x, %s, %z layout <axis = 1> : tensor<4x8xf32>, tensor<8xf32>, tensor<4xi8> -> tensor<4x8x!lq.int<8>>
  return
}

// -----

/// Zero points are integers or float offsets.
func.func @f(%x: tensor<8xf32>, %s: tensor<f32>, %z: tensor<!lq.float<e2m1>>) {
  // expected-error @+1 {{'lq.quantize' op scale zero point must have integer or float elements, got '!lq.float<e2m1>'}}
  %q = lq.quantize %x, %s, %z layout <tensor> : tensor<8xf32>, tensor<f32>, tensor<!lq.float<e2m1>> -> tensor<8x!lq.int<8>>
  return
}

// -----

/// Integer zero points only make sense for integer formats.
func.func @f(%x: tensor<8xf32>, %s: tensor<f32>, %z: tensor<i8>) {
  // expected-error @+1 {{'lq.quantize' op scale has an integer zero point but its format is not an integer format; use a float offset}}
  %q = lq.quantize %x, %s, %z layout <tensor> : tensor<8xf32>, tensor<f32>, tensor<i8> -> tensor<8x!lq.float<e4m3fn>>
  return
}

// -----

/// Dequantize keeps the shape.
func.func @f(%q: tensor<8x!lq.int<3>>, %s: tensor<f32>) {
  // expected-error @+1 {{'lq.dequantize' op result shape [4] differs from the input shape [8]}}
  %x = lq.dequantize %q, %s layout <tensor> : tensor<8x!lq.int<3>>, tensor<f32> -> tensor<4xf32>
  return
}

// -----

/// Dequantize reads a format.
func.func @f(%q: tensor<8xi32>, %s: tensor<f32>) {
  // expected-error @+1 {{'lq.dequantize' op input element type must be a quantized format}}
  %x = lq.dequantize %q, %s layout <tensor> : tensor<8xi32>, tensor<f32> -> tensor<8xf32>
  return
}

// -----

/// Bitcast keeps the shape.
func.func @f(%q: tensor<8x!lq.int<3>>) {
  // expected-error @+1 {{'lq.bitcast' op result shape [4] differs from the input shape [8]}}
  %c = lq.bitcast %q : tensor<8x!lq.int<3>> to tensor<4xi3>
  return
}

// -----

/// Bitcast only moves codes.
func.func @f(%q: tensor<8xf32>) {
  // expected-error @+1 {{'lq.bitcast' op operands must hold quantized formats or integers, got 'f32' and 'i32'}}
  %c = lq.bitcast %q : tensor<8xf32> to tensor<8xi32>
  return
}

// -----

/// Bitcast keeps the width.
func.func @f(%q: tensor<8x!lq.int<3>>) {
  // expected-error @+1 {{'lq.bitcast' op cannot bitcast '!lq.int<3>' (3 bits) to 'i4' (4 bits)}}
  %c = lq.bitcast %q : tensor<8x!lq.int<3>> to tensor<8xi4>
  return
}

// -----

/// Matmul operands are matrices.
func.func @f(%a: tensor<2x4x8x!lq.int<4>>, %b: tensor<8x4x!lq.int<4>>, %s: tensor<f32>) {
  // expected-error @+1 {{'lq.matmul' op operands must be rank-2 (MxK and KxN), got ranks 3 and 2}}
  %y = lq.matmul %a, %b scales(%s, %s) lhs_layout(<tensor>) rhs_layout(<tensor>) acc(f32) : tensor<2x4x8x!lq.int<4>>, tensor<8x4x!lq.int<4>>, tensor<f32>, tensor<f32> -> tensor<4x4xf32>
  return
}

// -----

/// K must agree.
func.func @f(%a: tensor<4x8x!lq.int<4>>, %b: tensor<6x4x!lq.int<4>>, %s: tensor<f32>) {
  // expected-error @+1 {{'lq.matmul' op contraction sizes differ: lhs has K = 8 but rhs has K = 6}}
  %y = lq.matmul %a, %b scales(%s, %s) lhs_layout(<tensor>) rhs_layout(<tensor>) acc(f32) : tensor<4x8x!lq.int<4>>, tensor<6x4x!lq.int<4>>, tensor<f32>, tensor<f32> -> tensor<4x4xf32>
  return
}

// -----

/// The result is MxN.
func.func @f(%a: tensor<4x8x!lq.int<4>>, %b: tensor<8x2x!lq.int<4>>, %s: tensor<f32>) {
  // expected-error @+1 {{'lq.matmul' op result shape [4, 4] must be [4, 2]}}
  %y = lq.matmul %a, %b scales(%s, %s) lhs_layout(<tensor>) rhs_layout(<tensor>) acc(f32) : tensor<4x8x!lq.int<4>>, tensor<8x2x!lq.int<4>>, tensor<f32>, tensor<f32> -> tensor<4x4xf32>
  return
}

// -----

/// Operand formats are checked per role.
func.func @f(%a: tensor<4x8xf32>, %b: tensor<8x2x!lq.int<4>>, %s: tensor<f32>) {
  // expected-error @+1 {{'lq.matmul' op lhs element type must be a quantized format}}
  %y = lq.matmul %a, %b scales(%s, %s) lhs_layout(<tensor>) rhs_layout(<tensor>) acc(f32) : tensor<4x8xf32>, tensor<8x2x!lq.int<4>>, tensor<f32>, tensor<f32> -> tensor<4x2xf32>
  return
}

// -----

/// Operand scales are checked per role.
func.func @f(%a: tensor<4x8x!lq.int<4>>, %b: tensor<8x2x!lq.int<4>>, %s: tensor<f32>, %sb: tensor<3xf32>) {
  // expected-error @+1 {{'lq.matmul' op rhs scale has shape [3] but layout #lq.layout<axis = 1> of a tensor of shape [8, 2] needs [2]}}
  %y = lq.matmul %a, %b scales(%s, %sb) lhs_layout(<tensor>) rhs_layout(<axis = 1>) acc(f32) : tensor<4x8x!lq.int<4>>, tensor<8x2x!lq.int<4>>, tensor<f32>, tensor<3xf32> -> tensor<4x2xf32>
  return
}

// -----

/// Integer accumulation needs integer operands.
func.func @f(%a: tensor<4x8x!lq.float<e2m1>>, %b: tensor<8x2x!lq.int<4>>, %s: tensor<f32>) {
  // expected-error @+1 {{'lq.matmul' op acc = i32 needs integer formats on both operands}}
  %y = lq.matmul %a, %b scales(%s, %s) lhs_layout(<tensor>) rhs_layout(<tensor>) acc(i32) : tensor<4x8x!lq.float<e2m1>>, tensor<8x2x!lq.int<4>>, tensor<f32>, tensor<f32> -> tensor<4x2xf32>
  return
}

// -----

/// Integer accumulation needs integer zero points.
func.func @f(%a: tensor<4x8x!lq.int<4>>, %b: tensor<8x2x!lq.int<4>>, %s: tensor<f32>, %o: tensor<f32>) {
  // expected-error @+1 {{'lq.matmul' op acc = i32 needs integer zero points}}
  %y = lq.matmul %a, %b scales(%s, %s) lhs_zero_point(%o : tensor<f32>) lhs_layout(<tensor>) rhs_layout(<tensor>) acc(i32) : tensor<4x8x!lq.int<4>>, tensor<8x2x!lq.int<4>>, tensor<f32>, tensor<f32> -> tensor<4x2xf32>
  return
}

// -----

/// K-blocks of the two layouts must nest.
func.func @f(%a: tensor<4x96x!lq.int<4>>, %b: tensor<96x2x!lq.int<4>>, %sa: tensor<4x2xf32>, %sb: tensor<3x2xf32>) {
  // expected-error @+1 {{'lq.matmul' op acc = i32 needs the K-block sizes of the two layouts to divide one another, got 48 and 32}}
  %y = lq.matmul %a, %b scales(%sa, %sb) lhs_layout(<block = [1, 48]>) rhs_layout(<block = [32, 1]>) acc(i32) : tensor<4x96x!lq.int<4>>, tensor<96x2x!lq.int<4>>, tensor<4x2xf32>, tensor<3x2xf32> -> tensor<4x2xf32>
  return
}

// -----

/// Integer accumulation needs whole K segments.
func.func @f(%a: tensor<4x40x!lq.int<4>>, %b: tensor<40x2x!lq.int<4>>, %sa: tensor<4x2xf32>, %s: tensor<f32>) {
  // expected-error @+1 {{'lq.matmul' op acc = i32 needs K = 40 to be a multiple of the K-block size 32}}
  %y = lq.matmul %a, %b scales(%sa, %s) lhs_layout(<block = [1, 32]>) rhs_layout(<tensor>) acc(i32) : tensor<4x40x!lq.int<4>>, tensor<40x2x!lq.int<4>>, tensor<4x2xf32>, tensor<f32> -> tensor<4x2xf32>
  return
}

// -----

/// Accumulators are f32 or i32.
func.func @f(%a: tensor<4x8x!lq.int<4>>, %b: tensor<8x2x!lq.int<4>>, %s: tensor<f32>) {
  // expected-error @+1 {{'lq.matmul' op accumulator must be f32 or i32, got 'f16'}}
  %y = lq.matmul %a, %b scales(%s, %s) lhs_layout(<tensor>) rhs_layout(<tensor>) acc(f16) : tensor<4x8x!lq.int<4>>, tensor<8x2x!lq.int<4>>, tensor<f32>, tensor<f32> -> tensor<4x2xf32>
  return
}

// -----

/// A float result is not requantized.
func.func @f(%a: tensor<4x8x!lq.int<4>>, %b: tensor<8x2x!lq.int<4>>, %s: tensor<f32>) {
  // expected-error @+1 {{'lq.matmul' op a float result takes no output scale, zero point or layout}}
  %y = lq.matmul %a, %b scales(%s, %s) out_scale(%s : tensor<f32>) lhs_layout(<tensor>) rhs_layout(<tensor>) acc(f32) : tensor<4x8x!lq.int<4>>, tensor<8x2x!lq.int<4>>, tensor<f32>, tensor<f32> -> tensor<4x2xf32>
  return
}

// -----

/// Results are floats or formats.
func.func @f(%a: tensor<4x8x!lq.int<4>>, %b: tensor<8x2x!lq.int<4>>, %s: tensor<f32>) {
  // expected-error @+1 {{'lq.matmul' op result element type must be a float or a quantized format, got 'i32'}}
  %y = lq.matmul %a, %b scales(%s, %s) lhs_layout(<tensor>) rhs_layout(<tensor>) acc(i32) : tensor<4x8x!lq.int<4>>, tensor<8x2x!lq.int<4>>, tensor<f32>, tensor<f32> -> tensor<4x2xi32>
  return
}

// -----

/// A quantized result needs a scale.
func.func @f(%a: tensor<4x8x!lq.int<4>>, %b: tensor<8x2x!lq.int<4>>, %s: tensor<f32>) {
  // expected-error @+1 {{'lq.matmul' op a quantized result needs an output scale}}
  %y = lq.matmul %a, %b scales(%s, %s) lhs_layout(<tensor>) rhs_layout(<tensor>) acc(i32) : tensor<4x8x!lq.int<4>>, tensor<8x2x!lq.int<4>>, tensor<f32>, tensor<f32> -> tensor<4x2x!lq.int<8>>
  return
}

// -----

/// Output scales are per tensor or per column.
func.func @f(%a: tensor<4x8x!lq.int<4>>, %b: tensor<8x2x!lq.int<4>>, %s: tensor<f32>, %so: tensor<4xf32>) {
  // expected-error @+1 {{'lq.matmul' op output layout must be <tensor> or <axis = 1>, got #lq.layout<axis = 0>}}
  %y = lq.matmul %a, %b scales(%s, %s) out_scale(%so : tensor<4xf32>) lhs_layout(<tensor>) rhs_layout(<tensor>) out_layout(<axis = 0>) acc(i32) : tensor<4x8x!lq.int<4>>, tensor<8x2x!lq.int<4>>, tensor<f32>, tensor<f32> -> tensor<4x2x!lq.int<8>>
  return
}
