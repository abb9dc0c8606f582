//===- LinalgToLoops.cpp - linalg to loops, sequential on packed outputs --===//
//
// Like upstream's convert-linalg-to-(parallel-)loops, but a linalg op that
// writes a buffer lq-emulate-narrow-types packs densely gets sequential loops:
// its stores become read-modify-writes of shared bytes and must not run on
// several threads at once.
//
//===----------------------------------------------------------------------===//

#include "lpc/Dialect/LQ/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace lpc::lq {
#define GEN_PASS_DEF_LQLINALGTOLOOPS
#include "lpc/Dialect/LQ/Transforms/Passes.h.inc"
} // namespace lpc::lq

using namespace mlir;

namespace {

/// True when `op` stores into a buffer whose elements share bytes once
/// packed.
bool writesPackedBuffer(linalg::LinalgOp op) {
  return llvm::any_of(op.getDpsInits(), [](Value init) {
    auto type = dyn_cast<MemRefType>(init.getType());
    return type && lpc::lq::isPackedNarrowType(type.getElementType());
  });
}

struct LinalgToLoopsPattern : OpInterfaceRewritePattern<linalg::LinalgOp> {
  LinalgToLoopsPattern(MLIRContext *ctx, bool parallel)
      : OpInterfaceRewritePattern(ctx), parallel(parallel) {}

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureBufferSemantics())
      return rewriter.notifyMatchFailure(op, "expected buffer semantics");
    FailureOr<linalg::LinalgLoops> loops =
        parallel && !writesPackedBuffer(op)
            ? linalg::linalgOpToParallelLoops(rewriter, op)
            : linalg::linalgOpToLoops(rewriter, op);
    if (failed(loops))
      return failure();
    rewriter.eraseOp(op);
    return success();
  }

  bool parallel;
};

struct LQLinalgToLoopsPass
    : lpc::lq::impl::LQLinalgToLoopsBase<LQLinalgToLoopsPass> {
  using Base::Base;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    patterns.add<LinalgToLoopsPattern>(ctx, parallel);
    // The index arithmetic the loop bodies start with, as upstream folds it.
    memref::DimOp::getCanonicalizationPatterns(patterns, ctx);
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, ctx);
    (void)applyPatternsGreedily(getOperation(), std::move(patterns));
  }
};

} // namespace
