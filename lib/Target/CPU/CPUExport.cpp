//===- CPUExport.cpp - The fixed C entry point lpc_run --------------------===//

#include "lpc/Target/CPU/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"

namespace lpc {
#define GEN_PASS_DEF_LPCCPUEXPORT
#include "lpc/Target/CPU/Passes.h.inc"
} // namespace lpc

using namespace mlir;

namespace {

struct LPCCPUExportPass : lpc::impl::LPCCPUExportBase<LPCCPUExportPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto mainFn = module.lookupSymbol<LLVM::LLVMFuncOp>("lpc_main");
    if (!mainFn) {
      module.emitError()
          << "lpc-cpu-export: no llvm.func @lpc_main (run lpc-cpu-entry and "
             "lower to the LLVM dialect first)";
      return signalPassFailure();
    }
    auto ptrType = LLVM::LLVMPointerType::get(&getContext());
    LLVM::LLVMFunctionType mainType = mainFn.getFunctionType();
    for (Type t : mainType.getParams()) {
      if (t != ptrType) {
        mainFn.emitError() << "lpc-cpu-export: @lpc_main must take only "
                              "pointers (bare-pointer calling convention), got "
                           << t;
        return signalPassFailure();
      }
    }
    int64_t nIn = numInputs;
    if (nIn < 0) {
      auto attr = module->getAttrOfType<IntegerAttr>(lpc::cpu::kNumInputsAttr);
      if (!attr) {
        module.emitError() << "lpc-cpu-export: the number of inputs is "
                              "unknown (no lpc.num_inputs attribute)";
        return signalPassFailure();
      }
      nIn = attr.getInt();
    }
    int64_t nArgs = mainType.getNumParams();
    if (nIn > nArgs) {
      module.emitError() << "lpc-cpu-export: @lpc_main has " << nArgs
                         << " arguments, fewer than the " << nIn << " inputs";
      return signalPassFailure();
    }
    OpBuilder b(module.getBodyRegion());
    b.setInsertionPointToEnd(module.getBody());
    Location loc = mainFn.getLoc();
    auto runFn = LLVM::LLVMFuncOp::create(
        b, loc, "lpc_run",
        LLVM::LLVMFunctionType::get(b.getI32Type(), {ptrType, ptrType}));
    Block *body = runFn.addEntryBlock(b);
    b.setInsertionPointToStart(body);
    SmallVector<Value> args;
    for (int64_t i = 0; i < nArgs; ++i) {
      bool isInput = i < nIn;
      Value array = body->getArgument(isInput ? 0 : 1);
      int32_t idx = isInput ? i : i - nIn;
      Value slot = LLVM::GEPOp::create(b, loc, ptrType, ptrType, array,
                                       ArrayRef<LLVM::GEPArg>{idx});
      args.push_back(LLVM::LoadOp::create(b, loc, ptrType, slot));
    }
    LLVM::CallOp::create(b, loc, mainFn, args);
    Value zero = LLVM::ConstantOp::create(b, loc, b.getI32Type(),
                                          b.getI32IntegerAttr(0));
    LLVM::ReturnOp::create(b, loc, zero);
  }
};

} // namespace
