//===- CPUTarget.h - The `cpu` entry of the target registry -----*- C++ -*-===//

#ifndef LPC_PIPELINES_CPUTARGET_H
#define LPC_PIPELINES_CPUTARGET_H

#include "lpc/Pipelines/TargetRegistry.h"

namespace lpc {

/// `--target=cpu`: vector code for an x86-64 CPU (the host's by default,
/// `--cpu=NAME` and `--cpu-features=` for another), phases imported, lq,
/// lowered, llvm, obj, lib; `lpc run` loads its `lib`.
std::unique_ptr<TargetBackend> createCPUTargetBackend();

} // namespace lpc

#endif // LPC_PIPELINES_CPUTARGET_H
