//===- Pipelines.h - lpc pass pipelines -------------------------*- C++ -*-===//

#ifndef LPC_PIPELINES_PIPELINES_H
#define LPC_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace lpc {

/// Options of the reference pipeline (lq -> LLVM dialect).
struct ReferencePipelineOptions
    : public mlir::PassPipelineOptions<ReferencePipelineOptions> {
  Option<bool> lowerToLLVM{
      *this, "lower-to-llvm",
      llvm::cl::desc("Lower all the way to the LLVM dialect (otherwise stop "
                     "after packing narrow memrefs)"),
      llvm::cl::init(true)};
};

/// One-shot bufferization as every lpc pipeline runs it: function boundaries
/// included with identity-layout memrefs, loops may yield new buffers.
void addBufferization(mlir::OpPassManager &pm);

/// lq on tensors -> linalg -> bufferized loops -> packed i8 memrefs -> LLVM.
/// The result runs under mlir-runner or an in-process JIT.
void buildReferencePipeline(mlir::OpPassManager &pm,
                            const ReferencePipelineOptions &options);

/// Registers `lpc-reference-pipeline`.
void registerPipelines();

} // namespace lpc

#endif // LPC_PIPELINES_PIPELINES_H
