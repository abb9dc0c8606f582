//===- InitAll.cpp - Register every lpc dialect and pass ------------------===//

#include "lpc/InitAll.h"

#include "lpc/Conversion/Passes.h"
#include "lpc/Dialect/LQ/IR/LQ.h"
#include "lpc/Dialect/LQ/Transforms/Passes.h"
#include "lpc/Pipelines/CPUPipeline.h"
#include "lpc/Pipelines/Pipelines.h"

void lpc::registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<lq::LQDialect>();
}

void lpc::registerAllPasses() {
  lq::registerLQPasses();
  registerLPCConversionPasses();
  registerPipelines();
  registerCPUPipelines();
}
