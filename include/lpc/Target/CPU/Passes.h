//===- Passes.h - The CPU target's ABI passes -------------------*- C++ -*-===//
//
// lpc-cpu-entry and lpc-cpu-export: they give a compiled model lpc's C ABI
// (include/lpc/Runtime/lpc_model.h). The attributes they read are in
// ABIAttrs.h.
//
//===----------------------------------------------------------------------===//

#ifndef LPC_TARGET_CPU_PASSES_H
#define LPC_TARGET_CPU_PASSES_H

#include "lpc/Target/CPU/ABIAttrs.h"

#include "mlir/Pass/Pass.h"

namespace lpc {

#define GEN_PASS_DECL
#include "lpc/Target/CPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lpc/Target/CPU/Passes.h.inc"

} // namespace lpc

#endif // LPC_TARGET_CPU_PASSES_H
