//===- Passes.h - lpc runtime ABI passes -------------------------*- C++
//-*-===//

#ifndef LPC_RUNTIME_PASSES_H
#define LPC_RUNTIME_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace lpc {

#define GEN_PASS_DECL
#include "lpc/Runtime/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lpc/Runtime/Passes.h.inc"

/// Module attribute lpc-cpu-entry sets to the number of model inputs.
inline constexpr llvm::StringLiteral kNumInputsAttr = "lpc.num_inputs";

} // namespace lpc

#endif // LPC_RUNTIME_PASSES_H
