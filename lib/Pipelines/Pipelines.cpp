//===- Pipelines.cpp - lpc pass pipelines ---------------------------------===//

#include "lpc/Pipelines/Pipelines.h"

#include "lpc/Conversion/Passes.h"
#include "lpc/Dialect/LQ/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotAnalysis.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void lpc::addBufferization(OpPassManager &pm) {
  bufferization::OneShotBufferizePassOptions bufferizeOptions;
  bufferizeOptions.bufferizeFunctionBoundaries = true;
  // Loops that carry re-quantized tensors yield new buffers.
  bufferizeOptions.allowReturnAllocsFromLoops = true;
  bufferizeOptions.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferizeOptions));
}

void lpc::buildReferencePipeline(OpPassManager &pm,
                                 const ReferencePipelineOptions &options) {
  pm.addPass(createConvertLQToLinalg());
  // Elementwise arith on tensors (e.g. code extension in tests) must become
  // linalg before bufferization.
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  pm.addPass(createCanonicalizerPass());

  addBufferization(pm);
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(lq::createLQEmulateNarrowTypes());
  // Deallocation runs on the packed byte buffers, so its metadata ops never
  // see a logical narrow memref.
  bufferization::BufferDeallocationPipelineOptions deallocOptions;
  bufferization::buildBufferDeallocationPipeline(pm, deallocOptions);
  pm.addPass(createCanonicalizerPass());
  if (!options.lowerToLLVM)
    return;

  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void lpc::registerPipelines() {
  PassPipelineRegistration<ReferencePipelineOptions>(
      "lpc-reference-pipeline",
      "Lower lq through the exact reference lowering to the LLVM dialect",
      buildReferencePipeline);
}
