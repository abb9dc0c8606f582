//===- Passes.h - lpc conversions -------------------------------*- C++ -*-===//

#ifndef LPC_CONVERSION_PASSES_H
#define LPC_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include "lpc/Dialect/LQ/IR/LQ.h"

namespace mlir {
class RewritePatternSet;
class TypeConverter;
} // namespace mlir

namespace lpc {

#define GEN_PASS_DECL
#include "lpc/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lpc/Conversion/Passes.h.inc"

/// Adds the patterns that lower lq ops to linalg/arith/tensor, with lq
/// element types converted by `converter` (see addLQStorageConversions).
void populateLQToLinalgPatterns(mlir::TypeConverter &converter,
                                mlir::RewritePatternSet &patterns);

/// Teaches `converter` to map lq and builtin small-float element types (also
/// inside tensors, memrefs and vectors) to signless storage integers.
void addLQStorageConversions(mlir::TypeConverter &converter);

} // namespace lpc

#endif // LPC_CONVERSION_PASSES_H
