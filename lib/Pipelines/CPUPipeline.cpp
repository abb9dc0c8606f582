//===- CPUPipeline.cpp - The CPU target pipeline --------------------------===//
//
// tensors (func + linalg/tensor/arith/math, optionally lq) -> destination-
// passing entry -> linalg on tensors -> one-shot bufferization -> loops
// (parallel, but sequential for ops writing packed sub-byte buffers) -> narrow
// packing -> deallocation -> OpenMP -> LLVM dialect with the bare-pointer
// calling convention -> the lpc_run C entry point.
//
//===----------------------------------------------------------------------===//

#include "lpc/Pipelines/CPUPipeline.h"
#include "lpc/Pipelines/Pipelines.h"

#include "lpc/Conversion/Passes.h"
#include "lpc/Dialect/LQ/Transforms/Passes.h"
#include "lpc/Target/CPU/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void lpc::buildLQStagePipeline(OpPassManager &pm, const LQStageOptions &stage) {
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // Float weights quantized by a recipe (constant codes, lq.matmul).
  if (!stage.quantizeRecipe.empty() || !stage.quantizeConfig.empty()) {
    lq::LQQuantizeOptions options;
    options.recipe = stage.quantizeRecipe;
    options.config = stage.quantizeConfig;
    options.stats = stage.calibrationStats;
    options.gptq = stage.gptq;
    options.actOrder = stage.gptqActOrder;
    options.progress = stage.progress;
    pm.addPass(lq::createLQQuantize(options));
    pm.addPass(createCanonicalizerPass());
  }
  // QDQ chains become quantized lq ops (bit-identical results).
  pm.addPass(lq::createLQFuseQDQ());
  pm.addPass(createCanonicalizerPass());
  if (stage.activationBits) {
    lq::LQQuantizeActivationsOptions options;
    options.bits = stage.activationBits;
    pm.addPass(lq::createLQQuantizeActivations(options));
  }
  if (stage.report) {
    lq::LQReportOptions options;
    options.json = stage.reportJSON;
    pm.addPass(lq::createLQReport(options));
  }
}

void lpc::buildCPUPipeline(OpPassManager &pm,
                           const CPUPipelineOptions &options) {
  buildLQStagePipeline(pm);
  buildCPULoweringPipeline(pm, options);
}

void lpc::buildCPULoweringPipeline(OpPassManager &pm,
                                   const CPUPipelineOptions &options) {
  LPCCPUEntryOptions entryOptions;
  entryOptions.entry = options.entry;
  pm.addPass(createLPCCPUEntry(entryOptions));
  pm.addPass(createInlinerPass());
  pm.addPass(createSymbolDCEPass());

  // The matmuls the CPU has kernels for, tiled for the module's lq.target
  // (lq-tile-matmul chooses, the kernels follow); the reference lowering
  // takes the rest.
  pm.addPass(createLQTileMatmul());
  pm.addPass(createLPCCPUVectorizeMatmul());
  pm.addPass(createConvertLQToLinalg());
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  pm.addNestedPass<func::FuncOp>(createLinalgElementwiseOpFusionPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());

  addBufferization(pm);
  // The kernels' scf.forall: threads (through scf.parallel and OpenMP) or a
  // plain loop.
  if (options.parallel)
    pm.addNestedPass<func::FuncOp>(createForallToParallelLoopPass());
  else
    pm.addNestedPass<func::FuncOp>(createForallToForLoopPass());

  // scf.parallel for the parallel dimensions, except for ops that write
  // buffers lq-emulate-narrow-types packs: threads must not read-modify-write
  // the same byte.
  lq::LQLinalgToLoopsOptions loopOptions;
  loopOptions.parallel = options.parallel;
  pm.addNestedPass<func::FuncOp>(lq::createLQLinalgToLoops(loopOptions));
  pm.addPass(lq::createLQEmulateNarrowTypes());
  // Deallocation runs on the packed byte buffers, so its metadata ops never
  // see a logical narrow memref, and before OpenMP, whose regions it does not
  // know.
  bufferization::BufferDeallocationPipelineOptions deallocOptions;
  bufferization::buildBufferDeallocationPipeline(pm, deallocOptions);
  // The kernels' intrinsic calls get their llvm.call_intrinsic bodies
  // (deallocation does not accept them), which the inliner puts in place.
  pm.addPass(createLPCCPUDefineIntrinsics());
  // Deallocation of buffers whose ownership is only known at run time (loops
  // yielding buffers) calls a generated helper over dynamically shaped
  // memrefs, which the bare-pointer calling convention cannot pass: inline
  // it.
  pm.addPass(createInlinerPass());
  pm.addPass(createSymbolDCEPass());
  if (options.parallel)
    pm.addPass(createConvertSCFToOpenMPPass());
  pm.addPass(createCanonicalizerPass());

  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createConvertMathToFuncs());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  // Functions first: convert-openmp-to-llvm also converts func ops, but
  // without the bare-pointer calling convention lpc's ABI uses.
  ConvertFuncToLLVMPassOptions funcOptions;
  funcOptions.useBarePtrCallConv = true;
  pm.addPass(createConvertFuncToLLVMPass(funcOptions));
  if (options.parallel)
    pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createLPCCPUExport());
  pm.addPass(createCanonicalizerPass());
}

void lpc::registerCPUPipelines() {
  registerLPCTargetCPUPasses();
  PassPipelineRegistration<LQStagePipelineOptions>(
      "lpc-lq-stage",
      "The graph-level stage of lpc compile (imported IR -> lq IR)",
      [](OpPassManager &pm, const LQStagePipelineOptions &options) {
        LQStageOptions stage;
        stage.quantizeRecipe = options.quantize;
        stage.quantizeConfig = options.quantizeConfig;
        stage.calibrationStats = options.stats;
        stage.gptq = options.gptq;
        stage.gptqActOrder = options.gptqActOrder;
        stage.activationBits = static_cast<unsigned>(options.activations);
        buildLQStagePipeline(pm, stage);
      });
  PassPipelineRegistration<CPUPipelineOptions>(
      "lpc-cpu-pipeline",
      "What lpc compile --target=cpu runs: tensors -> LLVM dialect with the "
      "lpc C ABI",
      buildCPUPipeline);
}
