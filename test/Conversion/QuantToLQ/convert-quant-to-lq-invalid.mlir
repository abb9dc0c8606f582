// RUN: lpc-opt %s -convert-quant-to-lq -split-input-file -verify-diagnostics

/// A 10-bit range in 16-bit storage is neither a full nor a narrow lq format.
func.func @storage_range(%x: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'quant.qcast' op storage range [0, 1023] of u16 is neither the full nor the narrow range of an lq integer format}}
  %q = quant.qcast %x : tensor<8xf32> to tensor<8x!quant.uniform<u16<0:1023>:f32, 1.23:512>>
  %y = quant.dcast %q : tensor<8x!quant.uniform<u16<0:1023>:f32, 1.23:512>> to tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

/// lq's real values are f32; f64 expressed types are not narrowed silently.
// expected-error @+1 {{'func.func' op expressed type 'f64' is not f32, f16 or bf16}}
func.func @f64(%x: tensor<8xf64>) -> tensor<8x!quant.uniform<i8:f64, 0.5>> {
  %q = quant.qcast %x : tensor<8xf64> to tensor<8x!quant.uniform<i8:f64, 0.5>>
  return %q : tensor<8x!quant.uniform<i8:f64, 0.5>>
}

// -----

/// lq integer formats stop at 16 bits.
func.func @i32_storage(%x: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'quant.qcast' op storage width 32 exceeds the 16 bits of lq integer formats}}
  %q = quant.qcast %x : tensor<8xf32> to tensor<8x!quant.uniform<i32:f32, 0.5>>
  %y = quant.dcast %q : tensor<8x!quant.uniform<i32:f32, 0.5>> to tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

/// quant does not check zero points against the storage range; lq needs it.
func.func @zero_point_range(%x: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'quant.qcast' op zero point 300 is outside the storage range [0, 15]}}
  %q = quant.qcast %x : tensor<8xf32> to tensor<8x!quant.uniform<u4:f32, 0.1:300>>
  %y = quant.dcast %q : tensor<8x!quant.uniform<u4:f32, 0.1:300>> to tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

/// A dynamic dimension without a block size is one block of unknown size.
func.func @dynamic_block(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{'quant.qcast' op sub-channel type leaves dynamic dimension 0 without a block size}}
  %q = quant.qcast %x : tensor<?x4xf32> to tensor<?x4x!quant.uniform<i8:f32:{1:2}, {{0.1, 0.2}}>>
  %y = quant.dcast %q : tensor<?x4x!quant.uniform<i8:f32:{1:2}, {{0.1, 0.2}}>> to tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// -----

/// lq ops work on ranked tensors only.
func.func @scalar(%x: f32) -> f32 {
  // expected-error @+1 {{'quant.qcast' op has '!quant.uniform<i8:f32, 5.000000e-01>': quantized values outside ranked tensors have no lq equivalent}}
  %q = quant.qcast %x : f32 to !quant.uniform<i8:f32, 0.5>
  %y = quant.dcast %q : !quant.uniform<i8:f32, 0.5> to f32
  return %y : f32
}

// -----

/// Ops that compute on quantized types mean something lq types do not say.
func.func @other_op(%x: tensor<8xf32>) -> tensor<4xf32> {
  %q = quant.qcast %x : tensor<8xf32> to tensor<8x!quant.uniform<i8:f32, 0.5>>
  // expected-error @+1 {{'tensor.extract_slice' op operates on !quant.uniform values, but only quant.qcast, quant.dcast, quant.scast and func.func/call/return are converted to lq}}
  %s = tensor.extract_slice %q[0] [4] [1] : tensor<8x!quant.uniform<i8:f32, 0.5>> to tensor<4x!quant.uniform<i8:f32, 0.5>>
  %y = quant.dcast %s : tensor<4x!quant.uniform<i8:f32, 0.5>> to tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

/// Only uniform quantized types have scales to move out.
// expected-error @+1 {{'func.func' op only !quant.uniform types have an lq equivalent, got '!quant.any<i8:f32>'}}
func.func @any(%q: tensor<8x!quant.any<i8:f32>>) -> tensor<8x!quant.any<i8:f32>> {
  return %q : tensor<8x!quant.any<i8:f32>>
}
