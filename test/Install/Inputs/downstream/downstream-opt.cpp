//===- downstream-opt.cpp - An opt tool outside lpc that links lpc --------===//
//
// Registers a handful of upstream dialects, lpc's lq dialect and one lpc
// pass (lq-fuse-qdq), the way a downstream MLIR compiler would embed lpc.
//
//===----------------------------------------------------------------------===//

#include "lpc/Dialect/LQ/IR/LQ.h"
#include "lpc/Dialect/LQ/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  registry.insert<mlir::arith::ArithDialect, mlir::func::FuncDialect,
                  mlir::linalg::LinalgDialect, mlir::tensor::TensorDialect,
                  lpc::lq::LQDialect>();
  lpc::lq::registerLQFuseQDQ();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "an MLIR tool outside lpc linking lpc\n", registry));
}
