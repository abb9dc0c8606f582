//===- LQDialect.cpp - lq dialect registration ----------------------------===//

#include "lpc/Dialect/LQ/IR/LQ.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/Transforms/InliningUtils.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace lpc::lq;

#include "lpc/Dialect/LQ/IR/LQOpsDialect.cpp.inc"

namespace {
/// Every lq op is pure and region-free, so calls whose callees contain lq
/// ops can be inlined (the CPU pipeline inlines the model function into its
/// entry point before lowering lq).
struct LQInlinerInterface : DialectInlinerInterface {
  using DialectInlinerInterface::DialectInlinerInterface;
  bool isLegalToInline(Operation *, Region *, bool, IRMapping &) const final {
    return true;
  }
};
} // namespace

void LQDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "lpc/Dialect/LQ/IR/LQOps.cpp.inc"
      >();
  registerTypes();
  registerAttributes();
  addInterfaces<LQInlinerInterface>();
}
