//===- Passes.h - The CPU target's ABI passes -------------------*- C++ -*-===//
//
// lpc-cpu-entry and lpc-cpu-export: they give a compiled model lpc's C ABI
// (include/lpc/Runtime/lpc_model.h). The attributes they read are in
// ABIAttrs.h. lpc-cpu-vectorize-matmul: the CPU's matmul kernels.
//
//===----------------------------------------------------------------------===//

#ifndef LPC_TARGET_CPU_PASSES_H
#define LPC_TARGET_CPU_PASSES_H

#include "lpc/Dialect/LQ/IR/LQ.h"
#include "lpc/Target/CPU/ABIAttrs.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include "mlir/Pass/Pass.h"

namespace lpc {

#define GEN_PASS_DECL
#include "lpc/Target/CPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lpc/Target/CPU/Passes.h.inc"

} // namespace lpc

#endif // LPC_TARGET_CPU_PASSES_H
