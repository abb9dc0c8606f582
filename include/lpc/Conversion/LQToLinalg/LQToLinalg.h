//===- LQToLinalg.h - convert-lq-to-linalg ----------------------*- C++ -*-===//
//
// The reference lowering of lq ops to linalg / arith / math / tensor, and its
// reusable pieces: the patterns and the lq-to-storage type conversions.
//
//===----------------------------------------------------------------------===//

#ifndef LPC_CONVERSION_LQTOLINALG_LQTOLINALG_H
#define LPC_CONVERSION_LQTOLINALG_LQTOLINALG_H

#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
class TypeConverter;
} // namespace mlir

namespace lpc {

#define GEN_PASS_DECL_CONVERTLQTOLINALG
#include "lpc/Conversion/Passes.h.inc"

/// Adds the patterns that lower lq ops to linalg/arith/tensor, with lq
/// element types converted by `converter` (see addLQStorageConversions).
void populateLQToLinalgPatterns(mlir::TypeConverter &converter,
                                mlir::RewritePatternSet &patterns);

/// Teaches `converter` to map lq and builtin small-float element types (also
/// inside tensors, memrefs and vectors) to signless storage integers.
void addLQStorageConversions(mlir::TypeConverter &converter);

} // namespace lpc

#endif // LPC_CONVERSION_LQTOLINALG_LQTOLINALG_H
