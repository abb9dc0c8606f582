//===- lpc-opt.cpp - lpc's optimizer driver -------------------------------===//
//
// mlir-opt with the lq dialect and every lpc pass and pipeline registered
// beside the upstream ones.
//
//===----------------------------------------------------------------------===//

#include "lpc/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  lpc::registerAllPasses();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  lpc::registerAllDialects(registry);

  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "lpc optimizer driver\n", registry));
}
