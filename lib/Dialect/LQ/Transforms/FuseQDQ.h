//===- FuseQDQ.h - Matchers shared by lq transforms ------------*- C++ -*-===//

#ifndef LPC_LIB_DIALECT_LQ_TRANSFORMS_FUSEQDQ_H
#define LPC_LIB_DIALECT_LQ_TRANSFORMS_FUSEQDQ_H

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/Value.h"

#include <string>

namespace lpc::lq::detail {

/// The ONNX node name of `loc` (its first name location), or "-".
std::string getNodeName(mlir::Location loc);

/// The constant `v` is, seen through tensor.expand_shape / collapse_shape
/// views (the importer's grouped filters), or null.
mlir::Value getViewedConstant(mlir::Value v);

/// True if `v` is a tensor filled with +0.0 (linalg.fill of a constant).
bool isZeroFilled(mlir::Value v);

/// If `op` is a plain matrix multiply-accumulate (A (m, k) times B (k, n)
/// or (n, k) into C (m, n), no batch), whether B is stored transposed;
/// nullopt if it is not one.
std::optional<bool> matchMatmul(mlir::linalg::LinalgOp op);

/// The convolution rewrites of lq-fuse-qdq (FuseQDQConv.cpp).
void populateFuseQDQConvPatterns(mlir::RewritePatternSet &patterns);

} // namespace lpc::lq::detail

#endif // LPC_LIB_DIALECT_LQ_TRANSFORMS_FUSEQDQ_H
