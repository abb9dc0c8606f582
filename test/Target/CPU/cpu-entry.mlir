// RUN: lpc-opt %s -split-input-file -lpc-cpu-entry -verify-diagnostics | FileCheck %s

/// The model function becomes private and gains a destination-passing entry
/// and a signature string; BOOL crosses the ABI as bytes.
// CHECK-LABEL: func.func private @main_graph(
// CHECK-LABEL: func.func @lpc_main(
// CHECK-SAME: %[[X:.*]]: memref<2x3xf32>, %[[B:.*]]: memref<2xi8>, %[[Y:.*]]: memref<2x3xf32>, %[[C:.*]]: memref<2xi8>)
// CHECK: %[[XT:.*]] = bufferization.to_tensor %[[X]] restrict
// CHECK: %[[BT:.*]] = bufferization.to_tensor %[[B]] restrict
// CHECK: %[[BI:.*]] = arith.trunci %[[BT]] : tensor<2xi8> to tensor<2xi1>
// CHECK: %[[R:.*]]:2 = call @main_graph(%[[XT]], %[[BI]])
// CHECK: bufferization.materialize_in_destination %[[R]]#0 in restrict writable %[[Y]]
// CHECK: %[[E:.*]] = arith.extui %[[R]]#1 : tensor<2xi1> to tensor<2xi8>
// CHECK: bufferization.materialize_in_destination %[[E]] in restrict writable %[[C]]
// CHECK: llvm.mlir.global internal constant @lpc_signature_text("lpc-abi 2\0Ainput 0 1 2 2 3 x\0Ainput 1 9 1 2 flags\0Aoutput 0 1 2 2 3 y\0Aoutput 1 9 1 2 output_1\0A\00")
// CHECK: llvm.func @lpc_signature() -> !llvm.ptr
func.func @main_graph(%x: tensor<2x3xf32> {lpc.name = "x", lpc.onnx_type = 1 : i64},
                      %b: tensor<2xi1> {lpc.name = "flags"})
    -> (tensor<2x3xf32> {lpc.name = "y"}, tensor<2xi1>) {
  return %x, %b : tensor<2x3xf32>, tensor<2xi1>
}

// -----

/// negative: no model function.
// expected-error @+1 {{lpc-cpu-entry: no function 'main_graph' with a body to wrap}}
module {
  func.func private @main_graph(tensor<2xf32>) -> tensor<2xf32>
}

// -----

/// negative: the entry point exists already.
// expected-error @+1 {{lpc-cpu-entry: the module already has an lpc entry point (lpc_main or lpc_run)}}
module {
  func.func @main_graph(%x: tensor<2xf32>) -> tensor<2xf32> {
    return %x : tensor<2xf32>
  }
  func.func @lpc_main() {
    return
  }
}

// -----

/// negative: dynamic shapes cannot cross lpc's static ABI.
// expected-error @+1 {{lpc-cpu-entry: input 0 must be a statically shaped tensor, got 'tensor<?xf32>'}}
func.func @main_graph(%x: tensor<?xf32>) -> tensor<?xf32> {
  return %x : tensor<?xf32>
}

// -----

/// Tensors without elements cross as memref<0xT> and are not read or written.
// CHECK-LABEL: func.func @lpc_main(
// CHECK-SAME: %{{.*}}: memref<0xf32>, %{{.*}}: memref<0xf32>)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x0xf32>
// CHECK: call @main_graph(%[[E]])
// CHECK-NOT: materialize_in_destination
// CHECK: return
func.func @main_graph(%x: tensor<2x0xf32>) -> tensor<0x3xf32> {
  %0 = tensor.empty() : tensor<0x3xf32>
  return %0 : tensor<0x3xf32>
}

// -----

/// lq codes cross the ABI as their storage integers, typed INT4 (22),
/// UINT4 (21) and INT8 (3) in the signature; codes of other 4-bit formats
/// (NF4) as UINT4.
// CHECK-LABEL: func.func @lpc_main(
// CHECK-SAME: %{{.*}}: memref<4x2xi4>, %{{.*}}: memref<3xi4>, %{{.*}}: memref<2xi8>, %{{.*}}: memref<2xi8>)
// CHECK: %[[W:.*]] = bufferization.to_tensor %{{.*}} restrict : memref<4x2xi4>
// CHECK: lq.bitcast %[[W]] : tensor<4x2xi4> to tensor<4x2x!lq.int<4>>
// CHECK: lq.bitcast %{{.*}} : tensor<3xi4> to tensor<3x!lq.int<4, unsigned>>
// CHECK: %[[R:.*]] = call @main_graph(
// CHECK: %[[O:.*]] = lq.bitcast %[[R]] : tensor<2x!lq.int<8>> to tensor<2xi8>
// CHECK: bufferization.materialize_in_destination %[[O]]
// CHECK: @lpc_signature_text("lpc-abi 2\0Ainput 0 22 2 4 2 input_0\0Ainput 1 21 1 3 input_1\0Ainput 2 3 1 2 input_2\0Ainput 3 21 1 4 input_3\0Aoutput 0 3 1 2 output_0\0A\00")
func.func @main_graph(%w: tensor<4x2x!lq.int<4>>, %u: tensor<3x!lq.int<4, unsigned>>,
                      %c: tensor<2x!lq.int<8>>, %nf: tensor<4x!lq.codebook<nf4>>) -> tensor<2x!lq.int<8>> {
  return %c : tensor<2x!lq.int<8>>
}

// -----

/// negative: a format without an ONNX dtype.
// expected-error @+1 {{lpc-cpu-entry: input 0 has element type '!lq.int<3>', which has no ONNX dtype to cross the C ABI with (lq formats of 2, 4 and 8 bits do)}}
func.func @main_graph(%w: tensor<8x!lq.int<3>>) -> tensor<8xf32> {
  %0 = arith.constant dense<0.0> : tensor<8xf32>
  return %0 : tensor<8xf32>
}
