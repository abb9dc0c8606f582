//===- ConversionUtils.h - Conversion scaffolding of lq ---------*- C++ -*-===//
//
// What every lpc type conversion (convert-lq-to-linalg, convert-lq-to-quant,
// convert-quant-to-lq, lq-emulate-narrow-types) needs besides its own
// patterns: func/call/return through the type converter, unrealized-cast
// materializations, and one "rebuild this op with converted types" helper
// (as CIRCT's HW/ConversionPatterns.h).
//
//===----------------------------------------------------------------------===//

#ifndef LPC_DIALECT_LQ_UTILS_CONVERSIONUTILS_H
#define LPC_DIALECT_LQ_UTILS_CONVERSIONUTILS_H

#include "mlir/Transforms/DialectConversion.h"

namespace lpc::lq {

/// Converts func.func signatures, func.call and func.return with `converter`:
/// adds their patterns to `patterns` and their legality to `target` (a
/// function is legal when its signature and the types in its body are, a call
/// or return when its types are).
void populateFuncBoundaryConversion(mlir::TypeConverter &converter,
                                    mlir::RewritePatternSet &patterns,
                                    mlir::ConversionTarget &target);

/// Lets converted and unconverted values meet through
/// builtin.unrealized_conversion_cast (source and target materializations).
void addUnrealizedCastMaterializations(mlir::TypeConverter &converter);

/// Replaces region-free `op` by the same op on `operands` with its result
/// types converted by `converter`; `adjust` may edit the new op's state
/// (attributes) first. Fails, without changing anything, when a result type
/// does not convert.
mlir::LogicalResult rebuildWithConvertedTypes(
    mlir::Operation *op, mlir::ValueRange operands,
    const mlir::TypeConverter &converter,
    mlir::ConversionPatternRewriter &rewriter,
    llvm::function_ref<mlir::LogicalResult(mlir::OperationState &)> adjust =
        nullptr);

} // namespace lpc::lq

#endif // LPC_DIALECT_LQ_UTILS_CONVERSIONUTILS_H
