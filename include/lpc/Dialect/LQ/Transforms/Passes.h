//===- Passes.h - lq transforms ---------------------------------*- C++ -*-===//

#ifndef LPC_DIALECT_LQ_TRANSFORMS_PASSES_H
#define LPC_DIALECT_LQ_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace lpc::lq {
class LQDialect;
} // namespace lpc::lq

namespace lpc::lq {

#define GEN_PASS_DECL
#include "lpc/Dialect/LQ/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lpc/Dialect/LQ/Transforms/Passes.h.inc"

/// True for the element types whose static, identity-layout memrefs
/// lq-emulate-narrow-types packs densely into bytes: integers whose width is
/// not a multiple of 8 (1-7 and 9-15 bits).
bool isPackedNarrowType(mlir::Type elementType);

/// The rewrites of lq-fuse-qdq: dequantize -> matmul / 2-D convolution
/// (-> quantize) chains into lq.matmul.
void populateFuseQDQPatterns(mlir::RewritePatternSet &patterns);

} // namespace lpc::lq

#endif // LPC_DIALECT_LQ_TRANSFORMS_PASSES_H
