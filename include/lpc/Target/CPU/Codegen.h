//===- Codegen.h - LLVM dialect -> LLVM IR -> object -> library -*- C++ -*-===//
//
// The CPU target's artefacts after its last MLIR phase. Code generation
// reads the machine from the module's `lq.target` (docs/Target.md), as
// passes do: its `cpu` model and `features` decide the instructions LLVM may
// use, so a module described for another CPU than the host compiles for it.
//
//===----------------------------------------------------------------------===//

#ifndef LPC_TARGET_CPU_CODEGEN_H
#define LPC_TARGET_CPU_CODEGEN_H

#include "lpc/Dialect/LQ/IR/LQ.h"
#include "lpc/Support/ABISignature.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>

namespace lpc::cpu {

/// The LLVM target machine for `target` (a cpu `#lq.target`, or null for the
/// host) and `triple` (empty: the host's): PIC, -O3. The CPU model is the
/// target's `cpu` fact (the host's when absent); every ISA feature lpc knows
/// (TargetAttr::getCPUFeatureNames) is on exactly when `features` lists it;
/// `vector_bits` 128 turns AVX off, 256 makes LLVM prefer ymm registers, 512
/// zmm; the other features follow LLVM's table for the model, or the host's
/// CPUID when the description is the host's (its model, and exactly the
/// listed features the host has). Errors are reported at `loc`.
mlir::FailureOr<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(mlir::Location loc, lq::TargetAttr target,
                    llvm::StringRef triple);

/// The instruction set `machine` may use: its triple's architecture and
/// every ISA extension its subtarget has on (the CPU model's implied ones
/// included; tuning flags left out), in LLVM's names.
lpc::abi::CPURequirements
getCPURequirements(const llvm::TargetMachine &machine);

/// Translates an LLVM-dialect module to LLVM IR for `machine`, with the
/// `lpc_cpu_requires` string (getCPURequirements) that loaders check.
mlir::FailureOr<std::unique_ptr<llvm::Module>>
translateToLLVMIR(mlir::ModuleOp module, llvm::LLVMContext &context,
                  llvm::TargetMachine &machine);

/// Runs LLVM's -O3 pipeline for `machine` on `module`.
mlir::LogicalResult optimizeLLVMIR(mlir::Location loc, llvm::Module &module,
                                   llvm::TargetMachine &machine);

/// Writes `module` as a relocatable object to `path`.
mlir::LogicalResult emitObjectFile(mlir::Location loc, llvm::Module &module,
                                   llvm::TargetMachine &machine,
                                   llvm::StringRef path);

/// Links `object` with liblpc_model_support.a (and libomp when `openmp`) into
/// the shared library `path`, through a temporary file renamed on success.
mlir::LogicalResult linkSharedLibrary(mlir::Location loc,
                                      llvm::StringRef object, bool openmp,
                                      llvm::StringRef path);

} // namespace lpc::cpu

#endif // LPC_TARGET_CPU_CODEGEN_H
