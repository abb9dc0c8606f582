//===- InitAll.h - Register every lpc dialect and pass ----------*- C++ -*-===//

#ifndef LPC_INITALL_H
#define LPC_INITALL_H

#include "mlir/IR/DialectRegistry.h"

namespace lpc {

/// Adds the lq dialect to `registry`.
void registerAllDialects(mlir::DialectRegistry &registry);

/// Registers every lpc pass and pipeline with the global registry.
void registerAllPasses();

} // namespace lpc

#endif // LPC_INITALL_H
