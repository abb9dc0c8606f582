// Debian's own mlir-opt loads lq and lpc's passes from the plugin.
// RUN: mlir-opt %s --load-dialect-plugin=%lpc_lib/LPCPlugin%shlibext | FileCheck %s --check-prefix=DIALECT
// RUN: mlir-opt %s --load-dialect-plugin=%lpc_lib/LPCPlugin%shlibext --load-pass-plugin=%lpc_lib/LPCPlugin%shlibext --pass-pipeline='builtin.module(convert-lq-to-linalg)' | FileCheck %s --check-prefix=PASS
// RUN: mlir-opt %s --load-dialect-plugin=%lpc_lib/LPCPlugin%shlibext --load-pass-plugin=%lpc_lib/LPCPlugin%shlibext --pass-pipeline='builtin.module(lpc-reference-pipeline)' | FileCheck %s --check-prefix=PIPELINE

// DIALECT-LABEL: func.func @q(
// DIALECT: lq.quantize %{{.*}}, %{{.*}} layout <block = [1, 4]> : tensor<2x8xf32>, tensor<2x2xf32> -> tensor<2x8x!lq.int<3>>
// PASS-LABEL: func.func @q(
// PASS: linalg.generic
// PASS-NOT: lq.
// PIPELINE: llvm.func @q(
func.func @q(%x: tensor<2x8xf32>, %s: tensor<2x2xf32>) -> tensor<2x8x!lq.int<3>> {
  %q = lq.quantize %x, %s layout <block = [1, 4]> : tensor<2x8xf32>, tensor<2x2xf32> -> tensor<2x8x!lq.int<3>>
  return %q : tensor<2x8x!lq.int<3>>
}
