// RUN: lpc-opt %s -convert-lq-to-quant -split-input-file -verify-diagnostics

/// Minifloat codes are not integers in a uniform affine map.
func.func @minifloat(%x: tensor<8xf32>, %s: tensor<f32>) -> tensor<8x!lq.float<e2m1>> {
  %c = arith.constant dense<1.000000e+00> : tensor<f32>
  // expected-error @+1 {{'lq.quantize' op minifloat formats have no !quant.uniform equivalent}}
  %q = lq.quantize %x, %c layout <tensor> : tensor<8xf32>, tensor<f32> -> tensor<8x!lq.float<e2m1>>
  return %q : tensor<8x!lq.float<e2m1>>
}

// -----

/// Bipolar code 0 means -1, which no storage integer with a zero point says.
func.func @bipolar(%q: tensor<8x!lq.bipolar>) -> tensor<8xf32> {
  %c = arith.constant dense<1.000000e+00> : tensor<f32>
  // expected-error @+1 {{'lq.dequantize' op only integer formats have a !quant.uniform equivalent, got '!lq.bipolar'}}
  %x = lq.dequantize %q, %c layout <tensor> : tensor<8x!lq.bipolar>, tensor<f32> -> tensor<8xf32>
  return %x : tensor<8xf32>
}

// -----

/// quant's expressed types stop at f32, f16 and bf16 here.
func.func @f64(%x: tensor<8xf64>) -> tensor<8x!lq.int<8>> {
  %c = arith.constant dense<1.000000e+00> : tensor<f32>
  // expected-error @+1 {{'lq.quantize' op expressed type 'f64' is not f32, f16 or bf16}}
  %q = lq.quantize %x, %c layout <tensor> : tensor<8xf64>, tensor<f32> -> tensor<8x!lq.int<8>>
  return %q : tensor<8x!lq.int<8>>
}

// -----

/// Dynamic scales (activation quantization) cannot live in a type.
func.func @dynamic_scale(%x: tensor<8xf32>, %s: tensor<f32>) -> tensor<8x!lq.int<8>> {
  // expected-error @+1 {{'lq.quantize' op scale is not a constant float tensor}}
  %q = lq.quantize %x, %s layout <tensor> : tensor<8xf32>, tensor<f32> -> tensor<8x!lq.int<8>>
  return %q : tensor<8x!lq.int<8>>
}

// -----

/// quant requires positive finite scales; lq follows IEEE arithmetic.
func.func @negative_scale(%x: tensor<8xf32>) -> tensor<8x!lq.int<8>> {
  %c = arith.constant dense<-1.000000e+00> : tensor<f32>
  // expected-error @+1 {{'lq.quantize' op scale -1.000000e+00 is not positive and finite as !quant.uniform requires}}
  %q = lq.quantize %x, %c layout <tensor> : tensor<8xf32>, tensor<f32> -> tensor<8x!lq.int<8>>
  return %q : tensor<8x!lq.int<8>>
}

// -----

/// A scale the expressed type cannot hold would change value in the type.
func.func @inexact_scale(%q: tensor<8x!lq.int<8>>) -> tensor<8xf16> {
  %c = arith.constant dense<1.000000e-01> : tensor<f32>
  // expected-error @+1 {{'lq.dequantize' op scale 1.000000e-01 is not exact in the expressed type 'f16'}}
  %x = lq.dequantize %q, %c layout <tensor> : tensor<8x!lq.int<8>>, tensor<f32> -> tensor<8xf16>
  return %x : tensor<8xf16>
}

// -----

/// Float zero points are real offsets (x = s*q + o), not stored codes.
func.func @float_offset(%q: tensor<8x!lq.int<4, unsigned>>) -> tensor<8xf32> {
  %c = arith.constant dense<1.000000e+00> : tensor<f32>
  %o = arith.constant dense<-2.500000e-01> : tensor<f32>
  // expected-error @+1 {{'lq.dequantize' op float zero points (real offsets) have no !quant.uniform equivalent}}
  %x = lq.dequantize %q, %c, %o layout <tensor> : tensor<8x!lq.int<4, unsigned>>, tensor<f32>, tensor<f32> -> tensor<8xf32>
  return %x : tensor<8xf32>
}

// -----

/// Dynamic zero points cannot live in a type either.
func.func @dynamic_zero_point(%x: tensor<8xf32>, %z: tensor<i8>) -> tensor<8x!lq.int<8>> {
  %c = arith.constant dense<1.000000e+00> : tensor<f32>
  // expected-error @+1 {{'lq.quantize' op zero point is not a constant}}
  %q = lq.quantize %x, %c, %z layout <tensor> : tensor<8xf32>, tensor<f32>, tensor<i8> -> tensor<8x!lq.int<8>>
  return %q : tensor<8x!lq.int<8>>
}

// -----

/// A zero point outside the format's codes is undefined in lq.
func.func @zero_point_range(%x: tensor<8xf32>) -> tensor<8x!lq.int<4>> {
  %c = arith.constant dense<1.000000e+00> : tensor<f32>
  %z = arith.constant dense<100> : tensor<i8>
  // expected-error @+1 {{'lq.quantize' op zero point 100 is outside the range [-8, 7] of '!lq.int<4>'}}
  %q = lq.quantize %x, %c, %z layout <tensor> : tensor<8xf32>, tensor<f32>, tensor<i8> -> tensor<8x!lq.int<4>>
  return %q : tensor<8x!lq.int<4>>
}

// -----

/// quant.qcast carries no rounding mode.
func.func @rounding(%x: tensor<8xf32>) -> tensor<8x!lq.int<8>> {
  %c = arith.constant dense<1.000000e+00> : tensor<f32>
  // expected-error @+1 {{'lq.quantize' op rounding mode floor has no !quant.uniform equivalent (quant.qcast is converted as round half to even)}}
  %q = lq.quantize %x, %c layout <tensor> rounding <floor> : tensor<8xf32>, tensor<f32> -> tensor<8x!lq.int<8>>
  return %q : tensor<8x!lq.int<8>>
}

// -----

/// Sub-channel block sizes must be static.
func.func @dynamic_block(%q: tensor<?x8x!lq.int<8>>) -> tensor<?x8xf32> {
  %c = arith.constant dense<1.000000e+00> : tensor<1x2xf32>
  // expected-error @+1 {{'lq.dequantize' op block layout on dynamic dimension 0 has no sub-channel equivalent}}
  %x = lq.dequantize %q, %c layout <block = [4, 4]> : tensor<?x8x!lq.int<8>>, tensor<1x2xf32> -> tensor<?x8xf32>
  return %x : tensor<?x8xf32>
}

// -----

/// Sub-channel types have no partial edge blocks.
func.func @partial_block(%q: tensor<6x8x!lq.int<8>>) -> tensor<6x8xf32> {
  %c = arith.constant dense<1.000000e+00> : tensor<2x1xf32>
  // expected-error @+1 {{'lq.dequantize' op block size 4 does not divide dimension 0 of size 6 (partial blocks have no !quant.uniform equivalent)}}
  %x = lq.dequantize %q, %c layout <block = [4, 8]> : tensor<6x8x!lq.int<8>>, tensor<2x1xf32> -> tensor<6x8xf32>
  return %x : tensor<6x8xf32>
}
