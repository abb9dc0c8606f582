//===- LQDialect.cpp - lq dialect registration ----------------------------===//

#include "lpc/Dialect/LQ/IR/LQ.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace lpc::lq;

#include "lpc/Dialect/LQ/IR/LQOpsDialect.cpp.inc"

void LQDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "lpc/Dialect/LQ/IR/LQOps.cpp.inc"
      >();
  registerTypes();
  registerAttributes();
}
