//===- InitAll.h - Register every lpc dialect and pass ----------*- C++ -*-===//

#ifndef LPC_INITALL_H
#define LPC_INITALL_H

#include "mlir/IR/DialectRegistry.h"

namespace lpc {

/// Adds the lq dialect to `registry`.
void registerAllDialects(mlir::DialectRegistry &registry);

/// Adds what lpc's own pipelines need to `registry`, and nothing else: the
/// upstream dialects lq lowers through (func, arith, math, tensor, linalg,
/// bufferization, memref, scf, cf, affine, vector, omp, llvm, quant, ub,
/// index, dlti), the interface models bufferization, tiling and the
/// conversions to LLVM use, the translations to LLVM IR, and lq. The driver
/// registers this set (tools such as lpc-opt register every dialect).
void registerCompilerDialects(mlir::DialectRegistry &registry);

/// Registers every lpc pass and pipeline with the global registry.
void registerAllPasses();

} // namespace lpc

#endif // LPC_INITALL_H
