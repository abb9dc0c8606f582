//===- CPUPipeline.h - The CPU target pipeline -----------------*- C++ -*-===//

#ifndef LPC_PIPELINES_CPUPIPELINE_H
#define LPC_PIPELINES_CPUPIPELINE_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

#include <string>

namespace lpc {

/// Options of the CPU pipeline.
struct CPUPipelineOptions
    : public mlir::PassPipelineOptions<CPUPipelineOptions> {
  Option<std::string> entry{*this, "entry",
                            llvm::cl::desc("Name of the model function"),
                            llvm::cl::init("main_graph")};
  Option<bool> parallel{
      *this, "parallel",
      llvm::cl::desc("Run the parallel loops of every linalg op on OpenMP "
                     "threads (the library then links libomp)"),
      llvm::cl::init(true)};
};

/// What the graph-level stage does besides canonicalising and fusing QDQ
/// chains.
struct LQStageOptions {
  /// Quantize float weights (and activations) with this recipe first
  /// (lq-quantize, `--quantize=RECIPE`); "": none.
  std::string quantizeRecipe;
  /// Per-layer recipes from this JSON file (`--quantize-config`); "": none.
  std::string quantizeConfig;
  /// Calibration statistics (lpc calibrate) the recipes read; "": none.
  /// lpc::driver::compile also takes a folder of input sets here and
  /// calibrates first (`--calibration DIR`).
  std::string calibrationStats;
  /// GPTQ instead of round-to-nearest (`--gptq`), columns by decreasing
  /// Hessian diagonal (`--gptq-act-order`).
  bool gptq = false, gptqActOrder = false;
  /// Print per-layer progress of long quantizations (GPTQ) to stderr.
  bool progress = false;
  /// Quantize the activations of weight-only matmuls at run time to this
  /// many bits (lq-quantize-activations, `--activations=int8`); 0: none.
  unsigned activationBits = 0;
  /// Print the per-layer report at the end of the stage (lq-report,
  /// `--report`), and write it as JSON to reportJSON unless that is "".
  bool report = false;
  std::string reportJSON;
};

/// lpc-opt's spelling of LQStageOptions (`--lpc-lq-stage=quantize=w4g128`).
struct LQStagePipelineOptions
    : public mlir::PassPipelineOptions<LQStagePipelineOptions> {
  Option<std::string> quantize{
      *this, "quantize",
      llvm::cl::desc("Quantize float weights with this recipe (lq-quantize)")};
  Option<std::string> quantizeConfig{
      *this, "quantize-config",
      llvm::cl::desc("Per-layer recipes from this JSON file (lq-quantize)")};
  Option<std::string> stats{
      *this, "stats",
      llvm::cl::desc("Calibration statistics for lq-quantize (lpc "
                     "calibrate)")};
  Option<bool> gptq{*this, "gptq",
                    llvm::cl::desc("GPTQ rounding in lq-quantize"),
                    llvm::cl::init(false)};
  Option<bool> gptqActOrder{
      *this, "gptq-act-order",
      llvm::cl::desc("GPTQ by decreasing Hessian diagonal"),
      llvm::cl::init(false)};
  Option<int64_t> activations{
      *this, "activations",
      llvm::cl::desc("Quantize weight-only matmuls' activations at run time "
                     "to this many bits (0: none)"),
      llvm::cl::init(0)};
};

/// The graph-level stage (imported IR -> lq IR). Float models pass through
/// canonicalisation unless a recipe quantizes them; QDQ chains become lq ops.
void buildLQStagePipeline(mlir::OpPassManager &pm,
                          const LQStageOptions &options = {});

/// Imported (or lq) IR on tensors -> LLVM dialect with lpc's C ABI
/// (`lpc_signature`, `lpc_run`). This is exactly what `lpc compile
/// --target=cpu` runs before translating to LLVM IR.
void buildCPUPipeline(mlir::OpPassManager &pm,
                      const CPUPipelineOptions &options);

/// The part of buildCPUPipeline after the lq stage (lq IR -> LLVM dialect).
void buildCPULoweringPipeline(mlir::OpPassManager &pm,
                              const CPUPipelineOptions &options);

/// Registers `lpc-lq-stage` and `lpc-cpu-pipeline`.
void registerCPUPipelines();

} // namespace lpc

#endif // LPC_PIPELINES_CPUPIPELINE_H
