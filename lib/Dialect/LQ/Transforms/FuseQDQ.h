//===- FuseQDQ.h - Internals shared by the lq-fuse-qdq patterns -*- C++ -*-===//

#ifndef LPC_LIB_DIALECT_LQ_TRANSFORMS_FUSEQDQ_H
#define LPC_LIB_DIALECT_LQ_TRANSFORMS_FUSEQDQ_H

#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/Value.h"

namespace lpc::lq::detail {

/// True if `v` is a tensor filled with +0.0 (linalg.fill of a constant).
bool isZeroFilled(mlir::Value v);

/// The convolution rewrites of lq-fuse-qdq (FuseQDQConv.cpp).
void populateFuseQDQConvPatterns(mlir::RewritePatternSet &patterns);

} // namespace lpc::lq::detail

#endif // LPC_LIB_DIALECT_LQ_TRANSFORMS_FUSEQDQ_H
