//===- DefineIntrinsics.cpp - Bodies for the kernels' intrinsic calls -----===//
//
// lpc-cpu-define-intrinsics (Passes.td): after buffer deallocation, every
// private declaration marked lpc.llvm_intrinsic becomes a function whose
// body is one llvm.call_intrinsic.
//
//===----------------------------------------------------------------------===//

#include "lpc/Target/CPU/Passes.h"

#include "KernelUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace lpc {
#define GEN_PASS_DEF_LPCCPUDEFINEINTRINSICS
#include "lpc/Target/CPU/Passes.h.inc"
} // namespace lpc

using namespace mlir;

namespace {
struct LPCCPUDefineIntrinsicsPass
    : lpc::impl::LPCCPUDefineIntrinsicsBase<LPCCPUDefineIntrinsicsPass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      Attribute attr = func->getAttr(lpc::cpu::kIntrinsicAttrName);
      if (!attr || !func.isExternal())
        continue;
      auto name = dyn_cast<StringAttr>(attr);
      if (!name) {
        func.emitError() << "lpc-cpu-define-intrinsics: "
                         << lpc::cpu::kIntrinsicAttrName
                         << " must name an LLVM intrinsic as a string, got "
                         << attr;
        return signalPassFailure();
      }
      FunctionType type = func.getFunctionType();
      if (type.getNumResults() != 1) {
        func.emitError() << "lpc-cpu-define-intrinsics: " << name
                         << " must have one result, got "
                         << type.getNumResults();
        return signalPassFailure();
      }
      Block *entry = func.addEntryBlock();
      OpBuilder b = OpBuilder::atBlockBegin(entry);
      auto call = LLVM::CallIntrinsicOp::create(
          b, func.getLoc(), type.getResult(0), name, entry->getArguments());
      func::ReturnOp::create(b, func.getLoc(), call.getResults());
      func->removeAttr(lpc::cpu::kIntrinsicAttrName);
    }
  }
};
} // namespace
