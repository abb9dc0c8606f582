//===- ConversionUtils.cpp - Shared dialect-conversion scaffolding --------===//

#include "lpc/Dialect/LQ/Utils/ConversionUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;

void lpc::lq::populateFuncBoundaryConversion(TypeConverter &converter,
                                             RewritePatternSet &patterns,
                                             ConversionTarget &target) {
  target.addDynamicallyLegalOp<func::FuncOp>([&converter](func::FuncOp func) {
    return converter.isSignatureLegal(func.getFunctionType()) &&
           converter.isLegal(&func.getBody());
  });
  target.addDynamicallyLegalOp<func::CallOp, func::ReturnOp>(
      [&converter](Operation *op) { return converter.isLegal(op); });
  populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                 converter);
  populateCallOpTypeConversionPattern(patterns, converter);
  populateReturnOpTypeConversionPattern(patterns, converter);
}

void lpc::lq::addUnrealizedCastMaterializations(TypeConverter &converter) {
  auto materialize = [](OpBuilder &b, Type type, ValueRange inputs,
                        Location loc) -> Value {
    return UnrealizedConversionCastOp::create(b, loc, type, inputs)
        .getResult(0);
  };
  converter.addSourceMaterialization(materialize);
  converter.addTargetMaterialization(materialize);
}

LogicalResult lpc::lq::rebuildWithConvertedTypes(
    Operation *op, ValueRange operands, const TypeConverter &converter,
    ConversionPatternRewriter &rewriter,
    function_ref<LogicalResult(OperationState &)> adjust) {
  SmallVector<Type> resultTypes;
  if (failed(converter.convertTypes(op->getResultTypes(), resultTypes)))
    return failure();
  OperationState state(op->getLoc(), op->getName(), operands, resultTypes,
                       op->getAttrs(), op->getSuccessors());
  if (adjust && failed(adjust(state)))
    return failure();
  Operation *newOp = rewriter.create(state);
  rewriter.replaceOp(op, newOp->getResults());
  return success();
}
