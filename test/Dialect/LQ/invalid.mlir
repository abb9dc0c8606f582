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
  // expected-error @+1 {{'lq.quantize' op failed to verify that all of {input, result} have same shape}}
  %q = lq.quantize %x, %s layout <tensor> : tensor<8xf32>, tensor<f32> -> tensor<4x!lq.int<3>>
  return
}

// -----

/// The result of quantize must be a format.
func.func @f(%x: tensor<8xf32>, %s: tensor<f32>) {
  // expected-error @+1 {{'lq.quantize' op result #0 must be ranked tensor of quantized format code (an lq format, an integer of width 1-16 or a builtin f8/f6/f4 type) values, but got 'tensor<8xi32>'}}
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
  // expected-error @+1 {{'lq.dequantize' op failed to verify that all of {input, result} have same shape}}
  %x = lq.dequantize %q, %s layout <tensor> : tensor<8x!lq.int<3>>, tensor<f32> -> tensor<4xf32>
  return
}

// -----

/// Dequantize reads a format.
func.func @f(%q: tensor<8xi32>, %s: tensor<f32>) {
  // expected-error @+1 {{'lq.dequantize' op operand #0 must be ranked tensor of quantized format code (an lq format, an integer of width 1-16 or a builtin f8/f6/f4 type) values, but got 'tensor<8xi32>'}}
  %x = lq.dequantize %q, %s layout <tensor> : tensor<8xi32>, tensor<f32> -> tensor<8xf32>
  return
}

// -----

/// Bitcast keeps the shape.
func.func @f(%q: tensor<8x!lq.int<3>>) {
  // expected-error @+1 {{'lq.bitcast' op failed to verify that all of {input, result} have same shape}}
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
func.func @f(%a: tensor<4x8xi32>, %b: tensor<8x2x!lq.int<4>>, %s: tensor<f32>) {
  // expected-error @+1 {{'lq.matmul' op operand #0 must be ranked tensor of quantized format code (an lq format, an integer of width 1-16 or a builtin f8/f6/f4 type) or 32-bit float values, but got 'tensor<4x8xi32>'}}
  %y = lq.matmul %a, %b scales(%s, %s) lhs_layout(<tensor>) rhs_layout(<tensor>) acc(f32) : tensor<4x8xi32>, tensor<8x2x!lq.int<4>>, tensor<f32>, tensor<f32> -> tensor<4x2xf32>
  return
}

// -----

func.func @f(%a: tensor<4x8x!lq.int<4>>, %b: tensor<8x2xf32>, %s: tensor<f32>) {
  // expected-error @+1 {{'lq.matmul' op operand #1 must be ranked tensor of quantized format code (an lq format, an integer of width 1-16 or a builtin f8/f6/f4 type) values, but got 'tensor<8x2xf32>'}}
  %y = lq.matmul %a, %b scales(%s, %s) lhs_layout(<tensor>) rhs_layout(<tensor>) acc(f32) : tensor<4x8x!lq.int<4>>, tensor<8x2xf32>, tensor<f32>, tensor<f32> -> tensor<4x2xf32>
  return
}

// -----

/// Weight-only form: a float lhs is f32, has no scale, zero point or
/// layout, and accumulates in f32.
func.func @f(%a: tensor<4x8xf32>, %b: tensor<8x2x!lq.int<4>>, %s: tensor<f32>) {
  // expected-error @+1 {{'lq.matmul' op a float lhs takes no lhs scale; write scales(%rhs_scale)}}
  %y = lq.matmul %a, %b scales(%s, %s) lhs_layout(<tensor>) rhs_layout(<tensor>) acc(f32) : tensor<4x8xf32>, tensor<8x2x!lq.int<4>>, tensor<f32>, tensor<f32> -> tensor<4x2xf32>
  return
}

// -----

func.func @f(%a: tensor<4x8xf16>, %b: tensor<8x2x!lq.int<4>>, %s: tensor<f32>) {
  // expected-error @+1 {{'lq.matmul' op operand #0 must be ranked tensor of quantized format code (an lq format, an integer of width 1-16 or a builtin f8/f6/f4 type) or 32-bit float values, but got 'tensor<4x8xf16>'}}
  %y = lq.matmul %a, %b scales(%s) rhs_layout(<tensor>) acc(f32) : tensor<4x8xf16>, tensor<8x2x!lq.int<4>>, tensor<f32> -> tensor<4x2xf32>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>, %b: tensor<8x2x!lq.int<4>>, %s: tensor<f32>, %z: tensor<i8>) {
  // expected-error @+1 {{'lq.matmul' op a float lhs takes no lhs zero point}}
  %y = lq.matmul %a, %b scales(%s) lhs_zero_point(%z : tensor<i8>) rhs_layout(<tensor>) acc(f32) : tensor<4x8xf32>, tensor<8x2x!lq.int<4>>, tensor<f32> -> tensor<4x2xf32>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>, %b: tensor<8x2x!lq.int<4>>, %s: tensor<f32>) {
  // expected-error @+1 {{'lq.matmul' op a float lhs takes no lhs_layout}}
  %y = lq.matmul %a, %b scales(%s) lhs_layout(<tensor>) rhs_layout(<tensor>) acc(f32) : tensor<4x8xf32>, tensor<8x2x!lq.int<4>>, tensor<f32> -> tensor<4x2xf32>
  return
}

// -----

func.func @f(%a: tensor<4x8xf32>, %b: tensor<8x2x!lq.int<4>>, %s: tensor<f32>) {
  // expected-error @+1 {{'lq.matmul' op a float lhs needs acc(f32), got 'i32'}}
  %y = lq.matmul %a, %b scales(%s) rhs_layout(<tensor>) acc(i32) : tensor<4x8xf32>, tensor<8x2x!lq.int<4>>, tensor<f32> -> tensor<4x2xf32>
  return
}

// -----

/// A quantized lhs still needs its scale and layout.
func.func @f(%a: tensor<4x8x!lq.int<4>>, %b: tensor<8x2x!lq.int<4>>, %s: tensor<f32>) {
  // expected-error @+1 {{'lq.matmul' op a quantized lhs needs a scale: write scales(%lhs_scale, %rhs_scale)}}
  %y = lq.matmul %a, %b scales(%s) rhs_layout(<tensor>) acc(f32) : tensor<4x8x!lq.int<4>>, tensor<8x2x!lq.int<4>>, tensor<f32> -> tensor<4x2xf32>
  return
}

// -----

func.func @f(%a: tensor<4x8x!lq.int<4>>, %b: tensor<8x2x!lq.int<4>>, %s: tensor<f32>) {
  // expected-error @+1 {{'lq.matmul' op a quantized lhs needs an lhs_layout}}
  %y = lq.matmul %a, %b scales(%s, %s) rhs_layout(<tensor>) acc(f32) : tensor<4x8x!lq.int<4>>, tensor<8x2x!lq.int<4>>, tensor<f32>, tensor<f32> -> tensor<4x2xf32>
  return
}

// -----

/// The scale types follow the scale operands.
func.func @f(%a: tensor<4x8xf32>, %b: tensor<8x2x!lq.int<4>>, %s: tensor<f32>) {
  // expected-error @+1 {{number of operands and types do not match: got 1 operands and 0 types}}
  %y = lq.matmul %a, %b scales(%s, %s) rhs_layout(<tensor>) acc(f32) : tensor<4x8xf32>, tensor<8x2x!lq.int<4>>, tensor<f32> -> tensor<4x2xf32>
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
  // expected-error @+1 {{'lq.matmul' op attribute 'acc' failed to satisfy constraint: type attribute of 32-bit float or 32-bit signless integer}}
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

// -----

/// Codebook widths are 1..8.
// expected-error @+1 {{codebook width must be in [1, 8], got 9}}
func.func private @f(tensor<4x!lq.codebook<9, [1.0]>>)

// -----

/// A b-bit codebook has 2^b entries.
// expected-error @+1 {{a 2-bit codebook needs 4 values, got 3}}
func.func private @f(tensor<4x!lq.codebook<2, [1.0, 2.0, 3.0]>>)

// -----

/// Table entries are finite.
// expected-error @+1 {{codebook values must be finite}}
func.func private @f(tensor<4x!lq.codebook<1, [1.0, 1.0e39]>>)

// -----

/// Packing kinds.
// expected-error @+1 {{expected packing 'dense', 'bitplanes' or 'tiles', got 'sparse'}}
func.func private @f() attributes {p = #lq.packing<sparse>}

// -----

/// Tiles are 2-D.
// expected-error @+1 {{tile packing needs two tile sizes, got 1}}
func.func private @f() attributes {p = #lq.packing<tiles = [4]>}

// -----

/// Tile sizes are positive.
// expected-error @+1 {{tile sizes must be positive, got 0}}
func.func private @f() attributes {p = #lq.packing<tiles = [4, 0]>}

// -----

/// Scales are floats or codes of a format.
func.func @f(%q: tensor<8x!lq.int<4>>, %s: tensor<index>) {
  // expected-error @+1 {{'lq.dequantize' op scale elements must be floats or codes of a format (e.g. !lq.float<e8m0> for MX block scales), got 'index'}}
  %x = lq.dequantize %q, %s layout <tensor> : tensor<8x!lq.int<4>>, tensor<index> -> tensor<8xf32>
  return
}

// -----

/// Codebooks round to the nearest entry only.
func.func @f(%x: tensor<8xf32>, %s: tensor<f32>) {
  // expected-error @+1 {{'lq.quantize' op codebook formats quantize to the nearest entry; rounding <floor> is not supported}}
  %q = lq.quantize %x, %s layout <tensor> rounding <floor> : tensor<8xf32>, tensor<f32> -> tensor<8x!lq.codebook<nf4>>
  return
}

// -----

/// Requantize maps integers to integers.
func.func @f(%x: tensor<8xi32>, %m: tensor<f32>) {
  // expected-error @+1 {{'lq.requantize' op requantize maps integer formats to integer formats}}
  %q = lq.requantize %x, %m layout <tensor> : tensor<8xi32>, tensor<f32> -> tensor<8x!lq.float<e2m1>>
  return
}

// -----

/// Requantize keeps the shape.
func.func @f(%x: tensor<8xi32>, %m: tensor<f32>) {
  // expected-error @+1 {{'lq.requantize' op failed to verify that all of {input, result} have same shape}}
  %q = lq.requantize %x, %m layout <tensor> : tensor<8xi32>, tensor<f32> -> tensor<4x!lq.int<8>>
  return
}

// -----

/// Multipliers follow the layout.
func.func @f(%x: tensor<4x8xi32>, %m: tensor<4xf32>) {
  // expected-error @+1 {{'lq.requantize' op multiplier has shape [4] but layout #lq.layout<axis = 1> needs [8]}}
  %q = lq.requantize %x, %m layout <axis = 1> : tensor<4x8xi32>, tensor<4xf32> -> tensor<4x8x!lq.int<8>>
  return
}

// -----

/// The layout must fit the input.
func.func @f(%x: tensor<4x8xi32>, %m: tensor<4xf32>) {
  // expected-error @+1 {{'lq.requantize' op multiplier: layout axis 3 is out of range for a tensor of rank 2}}
  %q = lq.requantize %x, %m layout <axis = 3> : tensor<4x8xi32>, tensor<4xf32> -> tensor<4x8x!lq.int<8>>
  return
}

// -----

/// Fixed-point multipliers are Q31 integers.
func.func @f(%x: tensor<8xi32>, %m: tensor<f32>, %s: tensor<i8>) {
  // expected-error @+1 {{'lq.requantize' op fixed-point multipliers must be i32 (Q31), got 'f32'}}
  %q = lq.requantize %x, %m shift(%s : tensor<i8>) layout <tensor> : tensor<8xi32>, tensor<f32> -> tensor<8x!lq.int<8>>
  return
}

// -----

/// Shifts are integers.
func.func @f(%x: tensor<8xi32>, %m: tensor<i32>, %s: tensor<f32>) {
  // expected-error @+1 {{'lq.requantize' op shifts must be integers}}
  %q = lq.requantize %x, %m shift(%s : tensor<f32>) layout <tensor> : tensor<8xi32>, tensor<i32> -> tensor<8x!lq.int<8>>
  return
}

// -----

/// The exact integer form has no stochastic rounding.
func.func @f(%x: tensor<8xi32>, %m: tensor<i32>, %s: tensor<i8>) {
  // expected-error @+1 {{'lq.requantize' op the fixed-point form does not support stochastic rounding}}
  %q = lq.requantize %x, %m shift(%s : tensor<i8>) layout <tensor> rounding <stochastic> : tensor<8xi32>, tensor<i32> -> tensor<8x!lq.int<8>>
  return
}

// -----

/// The float form takes float multipliers.
func.func @f(%x: tensor<8xi32>, %m: tensor<i32>) {
  // expected-error @+1 {{'lq.requantize' op without a shift the multiplier must be a float, got 'i32'}}
  %q = lq.requantize %x, %m layout <tensor> : tensor<8xi32>, tensor<i32> -> tensor<8x!lq.int<8>>
  return
}

// -----

/// Requantize zero points are integers.
func.func @f(%x: tensor<8xi32>, %m: tensor<f32>, %z: tensor<f32>) {
  // expected-error @+1 {{'lq.requantize' op zero points of requantize must be integers}}
  %q = lq.requantize %x, %m zero_point(%z : tensor<f32>) layout <tensor> : tensor<8xi32>, tensor<f32> -> tensor<8x!lq.int<8>>
  return
}

// -----

/// Hadamard works along a dimension.
func.func @f(%x: tensor<f32>) {
  // expected-error @+1 {{'lq.hadamard' op needs a tensor of rank >= 1}}
  %y = lq.hadamard %x : tensor<f32>
  return
}

// -----

/// The transform size is static.
func.func @f(%x: tensor<4x?xf32>) {
  // expected-error @+1 {{'lq.hadamard' op the innermost dimension must be static}}
  %y = lq.hadamard %x : tensor<4x?xf32>
  return
}

// -----

/// Orders are m * 2^k with a known base order m.
func.func @f(%x: tensor<4x36xf32>) {
  // expected-error @+1 {{'lq.hadamard' op no Hadamard matrix of order 36; supported orders are m * 2^k with m in {1, 12, 20, 28}}}
  %y = lq.hadamard %x : tensor<4x36xf32>
  return
}

// -----

/// Lookup codes index tables.
func.func @f(%c: tensor<8x!lq.int<4>>, %t: tensor<16xf32>) {
  // expected-error @+1 {{'lq.lookup' op lookup codes must be unsigned integers or codebook codes}}
  %y = lq.lookup %c, %t layout <tensor> : tensor<8x!lq.int<4>>, tensor<16xf32> -> tensor<8xf32>
  return
}

// -----

/// Lookup keeps the shape.
func.func @f(%c: tensor<8x!lq.int<4, unsigned>>, %t: tensor<16xf32>) {
  // expected-error @+1 {{'lq.lookup' op failed to verify that all of {input, result} have same shape}}
  %y = lq.lookup %c, %t layout <tensor> : tensor<8x!lq.int<4, unsigned>>, tensor<16xf32> -> tensor<4xf32>
  return
}

// -----

/// The layout must fit the codes.
func.func @f(%c: tensor<8x!lq.int<4, unsigned>>, %t: tensor<16xf32>) {
  // expected-error @+1 {{'lq.lookup' op table: layout axis 1 is out of range for a tensor of rank 1}}
  %y = lq.lookup %c, %t layout <axis = 1> : tensor<8x!lq.int<4, unsigned>>, tensor<16xf32> -> tensor<8xf32>
  return
}

// -----

/// A table per layout entry, 2^b values each.
func.func @f(%c: tensor<8x64x!lq.int<4, unsigned>>, %t: tensor<8x16xf32>) {
  // expected-error @+1 {{'lq.lookup' op table has shape [8, 16] but needs [8, 2, 16] (the layout's entries, then 2^bits values)}}
  %y = lq.lookup %c, %t layout <block = [1, 32]> : tensor<8x64x!lq.int<4, unsigned>>, tensor<8x16xf32> -> tensor<8x64xf32>
  return
}

// -----

/// Packing needs static shapes.
func.func @f(%q: tensor<?x!lq.int<3>>) {
  // expected-error @+1 {{'lq.pack' op packing needs a static shape, got [?]}}
  %b = lq.pack %q packing <dense> : tensor<?x!lq.int<3>> -> tensor<3xi8>
  return
}

// -----

/// Tile packing is for matrices.
func.func @f(%q: tensor<8x!lq.int<4>>) {
  // expected-error @+1 {{'lq.pack' op tile packing needs a rank-2 tensor, got rank 1}}
  %b = lq.pack %q packing <tiles = [2, 2]> : tensor<8x!lq.int<4>> -> tensor<4xi8>
  return
}

// -----

/// Tiles must cover the matrix exactly.
func.func @f(%q: tensor<6x8x!lq.int<4>>) {
  // expected-error @+1 {{'lq.pack' op tensor shape [6, 8] is not a multiple of the tile [4, 4]}}
  %b = lq.pack %q packing <tiles = [4, 4]> : tensor<6x8x!lq.int<4>> -> tensor<24xi8>
  return
}

// -----

/// The byte count follows from the packing (8 x 3 bits = 3 bytes).
func.func @f(%b: tensor<4xi8>) {
  // expected-error @+1 {{'lq.unpack' op packed tensor must be tensor<3xi8>, got 'tensor<4xi8>'}}
  %q = lq.unpack %b packing <dense> : tensor<4xi8> -> tensor<8x!lq.int<3>>
  return
}

// -----

/// Salient merge returns the base type.
func.func @f(%a: tensor<8x4xf32>, %b: tensor<1x4xf32>) {
  // expected-error @+1 {{'lq.salient_merge' op result type must equal the base type}}
  %y = lq.salient_merge %a, %b indices [2] axis 0 : tensor<8x4xf32>, tensor<1x4xf32> -> tensor<8x4xf16>
  return
}

// -----

/// The channel axis exists.
func.func @f(%a: tensor<8x4xf32>, %b: tensor<1x4xf32>) {
  // expected-error @+1 {{'lq.salient_merge' op axis 2 is out of range for rank 2}}
  %y = lq.salient_merge %a, %b indices [2] axis 2 : tensor<8x4xf32>, tensor<1x4xf32> -> tensor<8x4xf32>
  return
}

// -----

/// One salient channel per index.
func.func @f(%a: tensor<8x4xf32>, %b: tensor<1x4xf32>) {
  // expected-error @+1 {{'lq.salient_merge' op salient tensor has shape [1, 4] but 2 channels along axis 0 need [2, 4]}}
  %y = lq.salient_merge %a, %b indices [2, 5] axis 0 : tensor<8x4xf32>, tensor<1x4xf32> -> tensor<8x4xf32>
  return
}

// -----

/// Channels exist.
func.func @f(%a: tensor<8x4xf32>, %b: tensor<1x4xf32>) {
  // expected-error @+1 {{'lq.salient_merge' op salient channel 9 is out of range for dimension 0}}
  %y = lq.salient_merge %a, %b indices [9] axis 0 : tensor<8x4xf32>, tensor<1x4xf32> -> tensor<8x4xf32>
  return
}

// -----

/// Channels are distinct.
func.func @f(%a: tensor<8x4xf32>, %b: tensor<2x4xf32>) {
  // expected-error @+1 {{'lq.salient_merge' op salient channel 3 is listed twice}}
  %y = lq.salient_merge %a, %b indices [3, 3] axis 0 : tensor<8x4xf32>, tensor<2x4xf32> -> tensor<8x4xf32>
  return
}

// -----

/// Bit planes split integers.
func.func @f(%q: tensor<8x!lq.float<e2m1>>) {
  // expected-error @+1 {{'lq.split_planes' op bit planes split integer codes}}
  %p = lq.split_planes %q : tensor<8x!lq.float<e2m1>> -> tensor<4x8x!lq.int<1, unsigned>>
  return
}

// -----

/// Bit planes need static shapes.
func.func @f(%q: tensor<?x!lq.int<3>>) {
  // expected-error @+1 {{'lq.split_planes' op bit planes need a static shape}}
  %p = lq.split_planes %q : tensor<?x!lq.int<3>> -> tensor<3x?x!lq.int<1, unsigned>>
  return
}

// -----

/// One plane per bit.
func.func @f(%q: tensor<8x!lq.int<3>>) {
  // expected-error @+1 {{'lq.split_planes' op result shape [4, 8] must be [3, 8]}}
  %p = lq.split_planes %q : tensor<8x!lq.int<3>> -> tensor<4x8x!lq.int<1, unsigned>>
  return
}

// -----

/// Planes hold bits.
func.func @f(%q: tensor<8x!lq.int<3>>) {
  // expected-error @+1 {{'lq.split_planes' op planes must be !lq.int<1, unsigned>, got '!lq.bipolar'}}
  %p = lq.split_planes %q : tensor<8x!lq.int<3>> -> tensor<3x8x!lq.bipolar>
  return
}

// -----

/// Combining drops the plane dimension.
func.func @f(%p: tensor<3x8x!lq.bipolar>, %s: tensor<3xf32>) {
  // expected-error @+1 {{'lq.combine_planes' op result shape [3, 8] must be the input shape without its leading plane dimension, input is [3, 8]}}
  %x = lq.combine_planes %p, %s layout <axis = 0> : tensor<3x8x!lq.bipolar>, tensor<3xf32> -> tensor<3x8xf32>
  return
}

// -----

/// Combining needs static planes.
func.func @f(%p: tensor<3x?x!lq.bipolar>, %s: tensor<3xf32>) {
  // expected-error @+1 {{'lq.combine_planes' op bit planes need a static shape}}
  %x = lq.combine_planes %p, %s layout <axis = 0> : tensor<3x?x!lq.bipolar>, tensor<3xf32> -> tensor<?xf32>
  return
}

// -----

/// Planes are 1-bit codes.
func.func @f(%p: tensor<3x8x!lq.int<2>>, %s: tensor<3xf32>) {
  // expected-error @+1 {{'lq.combine_planes' op planes must be 1-bit codes (bipolar or !lq.int<1, unsigned>), got '!lq.int<2>'}}
  %x = lq.combine_planes %p, %s layout <axis = 0> : tensor<3x8x!lq.int<2>>, tensor<3xf32> -> tensor<8xf32>
  return
}

// -----

/// A target fact of another kind (sm is an nvvm fact).
// expected-error @+1 {{unknown cpu target fact 'sm' (expected cpu, features, vector_bits, cores, l1d, l2, l3)}}
func.func private @f() attributes {t = #lq.target<cpu, {sm = 90}>}

// -----

/// Tensor-core shapes are mMnNkK:TYPE.
// expected-error @+1 {{tensor-core shape "m16n8:s8" is not mMnNkK:TYPE (TYPE one of f64, tf32, f16, bf16, e4m3, e5m2, e2m1, s8, u8, s4, u4, b1)}}
func.func private @f() attributes {t = #lq.target<nvvm, {mma = ["m16n8k32:s8", "m16n8:s8"]}>}

// -----

/// mma is an array.
// expected-error @+1 {{target fact 'mma' must be an array of strings, got "m16n8k32:s8"}}
func.func private @f() attributes {t = #lq.target<nvvm, {mma = "m16n8k32:s8"}>}

// -----

/// CPU features are the ISA names the CPU passes know.
// expected-error @+1 {{unknown cpu feature "sse9" (expected one of avx2, fma, avx512f, avx512bw, avx512vl, avx512dq, avx512vnni, avx512bf16, avxvnni)}}
func.func private @f() attributes {t = #lq.target<cpu, {features = ["sse9"]}>}

// -----

/// features is an array of strings.
// expected-error @+1 {{target fact 'features' must be an array of strings, got 3 : i64}}
func.func private @f() attributes {t = #lq.target<cpu, {features = 3}>}

// -----

/// Vector registers are 128, 256 or 512 bits wide.
// expected-error @+1 {{vector_bits must be 128, 256 or 512, got 300}}
func.func private @f() attributes {t = #lq.target<cpu, {vector_bits = 300}>}

// -----

/// Integer facts are integers.
// expected-error @+1 {{target fact 'cores' must be an integer, got "2"}}
func.func private @f() attributes {t = #lq.target<cpu, {cores = "2"}>}

// -----

/// Counts are positive.
// expected-error @+1 {{target fact 'cores' must be positive, got 0}}
func.func private @f() attributes {t = #lq.target<cpu, {cores = 0}>}

// -----

/// The HLS clock period is a float.
// expected-error @+1 {{target fact 'clock_ns' must be a float, got 5 : i64}}
func.func private @f() attributes {t = #lq.target<hls, {clock_ns = 5}>}

// -----

/// The HLS part is a string.
// expected-error @+1 {{target fact 'part' must be a string, got 3 : i64}}
func.func private @f() attributes {t = #lq.target<hls, {part = 3}>}

// -----

/// Dynamic quantization is symmetric: signed integer codes only.
func.func @f(%x: tensor<2x64xf32>) {
  // expected-error @+1 {{'lq.dynamic_quantize' op dynamic quantization needs a signed integer format of at least 2 bits (symmetric codes), got '!lq.int<8, unsigned>'}}
  %q, %s = lq.dynamic_quantize %x layout <axis = 0> : tensor<2x64xf32> -> tensor<2x64x!lq.int<8, unsigned>>, tensor<2xf32>
  return
}

// -----

/// Its scales have the layout's shape.
func.func @f(%x: tensor<2x64xf32>) {
  // expected-error @+1 {{'lq.dynamic_quantize' op scale has shape [2, 4] but layout #lq.layout<block = [1, 32]> of a tensor of shape [2, 64] needs [2, 2]}}
  %q, %s = lq.dynamic_quantize %x layout <block = [1, 32]> : tensor<2x64xf32> -> tensor<2x64x!lq.int<8>>, tensor<2x4xf32>
  return
}

// -----

/// A register tile has at least one row of each kind.
// expected-error @+1 {{tile rows and activation_rows must be at least 1, got 0 and 4}}
func.func private @f() attributes {t = #lq.tile<rows = 0, activation_rows = 4, vector_bits = 512>}

// -----

/// Tiles are chosen for x86 vector widths.
// expected-error @+1 {{tile vector_bits must be 128, 256 or 512, got 64}}
func.func private @f() attributes {t = #lq.tile<rows = 4, activation_rows = 1, vector_bits = 64>}
