//===- HostTarget.h - CPUs as #lq.target descriptions ----------*- C++ -*-===//
//
// What `lpc compile --target=cpu` attaches to a module when it has no
// `lq.target`: the host's CPU model and ISA features (from CPUID, as LLVM
// reads them), vector width, core count and data cache sizes (from Linux
// sysfs); with `--cpu=NAME`, the named CPU's from LLVM's tables, and with
// `--cpu-features=+a,-b` either one edited.
//
//===----------------------------------------------------------------------===//

#ifndef LPC_TARGET_CPU_HOSTTARGET_H
#define LPC_TARGET_CPU_HOSTTARGET_H

#include "lpc/Dialect/LQ/IR/LQ.h"

#include "llvm/MC/TargetRegistry.h"
#include "llvm/TargetParser/Triple.h"

namespace lpc::cpu {

/// The host CPU's target description (docs/Target.md).
lq::TargetAttr getHostCPUTarget(mlir::MLIRContext *context);

/// The description of the CPU LLVM calls `cpu` ("znver4", "x86-64-v3") for
/// `triple` (empty: the host's): its model, features and vector width from
/// LLVM's CPU tables; no core count or cache sizes. Fails (reported at `loc`)
/// when LLVM does not know the triple or the CPU.
mlir::FailureOr<lq::TargetAttr> getNamedCPUTarget(mlir::Location loc,
                                                  llvm::StringRef triple,
                                                  llvm::StringRef cpu);

/// `target` (a cpu description) with the ISA features of `spec` turned on or
/// off: a comma-separated list of `+NAME` / `-NAME`, each NAME one of
/// TargetAttr::getCPUFeatureNames(). `vector_bits` follows: 512 with
/// AVX-512 F/BW/VL, else 256 with AVX2, else at most the description's.
/// Fails (reported at `loc`) on an unknown name or a missing sign.
mlir::FailureOr<lq::TargetAttr> applyCPUFeatures(mlir::Location loc,
                                                 lq::TargetAttr target,
                                                 llvm::StringRef spec);

/// Initialises LLVM's native target and its assembly printer (once).
void initializeNativeTarget();

/// `name` (empty: the host's default triple) as an LLVM triple, and LLVM's
/// target for it (null, with `error` set, when LLVM has none). Initialises
/// the native target first.
const llvm::Target *lookupLLVMTarget(llvm::StringRef name, llvm::Triple &triple,
                                     std::string &error);

} // namespace lpc::cpu

#endif // LPC_TARGET_CPU_HOSTTARGET_H
