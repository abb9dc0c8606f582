//===- HostTarget.h - The host CPU as an #lq.target -------------*- C++ -*-===//
//
// What `lpc compile --target=cpu` attaches to a module when it has no
// `lq.target`: the host's ISA features (from CPUID, as LLVM reads them),
// vector width, core count and data cache sizes (from Linux sysfs).
//
//===----------------------------------------------------------------------===//

#ifndef LPC_TARGET_CPU_HOSTTARGET_H
#define LPC_TARGET_CPU_HOSTTARGET_H

#include "lpc/Dialect/LQ/IR/LQ.h"

namespace lpc::cpu {

/// The host CPU's target description (docs/Target.md).
lq::TargetAttr getHostCPUTarget(mlir::MLIRContext *context);

/// Sets `module`'s `lq.target` to the host CPU's unless it already has one.
void attachHostCPUTargetIfAbsent(mlir::Operation *module);

} // namespace lpc::cpu

#endif // LPC_TARGET_CPU_HOSTTARGET_H
