//===- LPCPlugin.cpp - lq and lpc passes as an mlir-opt plugin ------------===//
//
// `mlir-opt --load-dialect-plugin=LPCPlugin.so` makes the lq dialect
// available; `--load-pass-plugin=LPCPlugin.so` registers lpc's passes and
// pipelines.
//
//===----------------------------------------------------------------------===//

#include "lpc/InitAll.h"

#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"
#include "llvm/Config/llvm-config.h"

extern "C" LLVM_ATTRIBUTE_WEAK mlir::DialectPluginLibraryInfo
mlirGetDialectPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "LPCDialects", LLVM_VERSION_STRING,
          [](mlir::DialectRegistry *registry) {
            lpc::registerAllDialects(*registry);
          }};
}

extern "C" LLVM_ATTRIBUTE_WEAK mlir::PassPluginLibraryInfo
mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "LPCPasses", LLVM_VERSION_STRING,
          []() { lpc::registerAllPasses(); }};
}
