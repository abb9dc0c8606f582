//===- FuseQDQ.cpp - Fuse dequantize/matmul/quantize into lq.matmul -------===//
//
// dequantize -> float matmul (-> quantize) chains become lq.matmul on the
// codes; a matmul of plain f32 activations by dequantized weights becomes the
// weight-only lq.matmul. The float matmul may be linalg.matmul or the
// equivalent linalg.generic (maps (m, k), (k, n) -> (m, n), body c + a * b).
//
//===----------------------------------------------------------------------===//

#include "FuseQDQ.h"

#include "lpc/Dialect/LQ/IR/Format.h"
#include "lpc/Dialect/LQ/IR/LQ.h"
#include "lpc/Dialect/LQ/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace lpc::lq {
#define GEN_PASS_DEF_LQFUSEQDQ
#include "lpc/Dialect/LQ/Transforms/Passes.h.inc"
} // namespace lpc::lq

using namespace mlir;
using namespace lpc::lq;

bool lpc::lq::detail::isZeroFilled(Value v) {
  auto fill = v.getDefiningOp<linalg::FillOp>();
  if (!fill)
    return false;
  auto cst = fill.getInputs()[0].getDefiningOp<arith::ConstantOp>();
  if (!cst)
    return false;
  auto f = dyn_cast<FloatAttr>(cst.getValue());
  return f && f.getValue().isPosZero();
}

namespace {
using lpc::lq::detail::isZeroFilled;

/// If `g` is a plain (m, k) x (k, n) -> (m, n) multiply-accumulate, whether
/// its B operand is stored transposed ((n, k)); nullopt if it is not one.
std::optional<bool> matchMatmulGeneric(linalg::GenericOp g) {
  if (g.getNumDpsInputs() != 2 || g.getNumDpsInits() != 1 ||
      g.getNumLoops() != 3)
    return std::nullopt;
  auto iters = g.getIteratorTypesArray();
  if (iters[0] != utils::IteratorType::parallel ||
      iters[1] != utils::IteratorType::parallel ||
      iters[2] != utils::IteratorType::reduction)
    return std::nullopt;
  MLIRContext *ctx = g.getContext();
  AffineExpr m, n, k;
  bindDims(ctx, m, n, k);
  SmallVector<AffineMap> plain = {AffineMap::get(3, 0, {m, k}, ctx),
                                  AffineMap::get(3, 0, {k, n}, ctx),
                                  AffineMap::get(3, 0, {m, n}, ctx)};
  SmallVector<AffineMap> transposed = plain;
  transposed[1] = AffineMap::get(3, 0, {n, k}, ctx);
  SmallVector<AffineMap> maps = g.getIndexingMapsArray();
  if (maps != plain && maps != transposed)
    return std::nullopt;
  Block &body = g.getRegion().front();
  if (body.getOperations().size() != 3)
    return std::nullopt;
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto add = yield.getValues()[0].getDefiningOp<arith::AddFOp>();
  if (!add)
    return std::nullopt;
  Value acc = body.getArgument(2);
  Value other = add.getLhs() == acc   ? add.getRhs()
                : add.getRhs() == acc ? add.getLhs()
                                      : Value();
  auto mul = other ? other.getDefiningOp<arith::MulFOp>() : nullptr;
  if (!mul)
    return std::nullopt;
  Value a = body.getArgument(0), b = body.getArgument(1);
  if ((mul.getLhs() == a && mul.getRhs() == b) ||
      (mul.getLhs() == b && mul.getRhs() == a))
    return maps == transposed;
  return std::nullopt;
}

/// Replaces `op` (a float matmul into a zero-filled f32 accumulator whose
/// rhs is dequantized) with lq.matmul: on the codes of both operands when the
/// lhs is dequantized too, else the weight-only form with the f32 lhs as it
/// is.
LogicalResult fuseMatmul(Operation *op, Value lhs, Value rhs, Value init,
                         bool rhsTransposed, PatternRewriter &rewriter) {
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  if (!resultType.getElementType().isF32())
    return rewriter.notifyMatchFailure(op, "accumulator is not f32");
  if (!isZeroFilled(init))
    return rewriter.notifyMatchFailure(op, "accumulator is not +0.0");
  auto b = rhs.getDefiningOp<DequantizeOp>();
  if (!b)
    return rewriter.notifyMatchFailure(op, "rhs is not dequantized");
  if (!b.getType().getElementType().isF32())
    return rewriter.notifyMatchFailure(op, "dequantized to a non-f32 type");
  auto a = lhs.getDefiningOp<DequantizeOp>();
  if (!a) {
    // Weight-only: deq(lhs) = lhs, the same f32 products and sums.
    if (!cast<RankedTensorType>(lhs.getType()).getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "float lhs is not f32");
    rewriter.replaceOpWithNewOp<MatmulOp>(
        op, resultType, lhs, b.getInput(), /*lhs_scale=*/Value(), b.getScale(),
        /*lhs_zero_point=*/Value(), b.getZeroPoint(),
        /*out_scale=*/Value(), /*out_zero_point=*/Value(),
        /*lhs_layout=*/LayoutAttr(), b.getLayout(), rhsTransposed,
        /*out_layout=*/LayoutAttr(), rewriter.getF32Type(),
        RoundingMode::half_even, /*seed=*/0);
    return success();
  }
  if (!a.getType().getElementType().isF32())
    return rewriter.notifyMatchFailure(op, "dequantized to a non-f32 type");
  rewriter.replaceOpWithNewOp<MatmulOp>(
      op, resultType, a.getInput(), b.getInput(), a.getScale(), b.getScale(),
      a.getZeroPoint(), b.getZeroPoint(), /*out_scale=*/Value(),
      /*out_zero_point=*/Value(), a.getLayout(), b.getLayout(), rhsTransposed,
      /*out_layout=*/LayoutAttr(), rewriter.getF32Type(),
      RoundingMode::half_even, /*seed=*/0);
  return success();
}

struct FuseNamedMatmul : OpRewritePattern<linalg::MatmulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::MatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || op.hasUserDefinedMaps())
      return failure();
    return fuseMatmul(op, op.getInputs()[0], op.getInputs()[1],
                      op.getOutputs()[0], /*rhsTransposed=*/false, rewriter);
  }
};

struct FuseGenericMatmul : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics())
      return failure();
    std::optional<bool> transposed = matchMatmulGeneric(op);
    if (!transposed)
      return failure();
    return fuseMatmul(op, op.getInputs()[0], op.getInputs()[1],
                      op.getOutputs()[0], *transposed, rewriter);
  }
};

/// lq.quantize(lq.matmul -> f32) becomes the matmul's output quantization.
struct FuseOutputQuantize : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto mm = op.getInput().getDefiningOp<MatmulOp>();
    if (!mm || mm.getOutScale() || !mm->hasOneUse())
      return failure();
    if (!mm.getType().getElementType().isF32())
      return failure();
    LayoutAttr layout = op.getLayout();
    if (!(layout.isTensor() || (layout.isAxis() && layout.getAxis() == 1)))
      return rewriter.notifyMatchFailure(op, "not a per-tensor or "
                                             "per-column output layout");
    if (!op.getSaturate())
      return rewriter.notifyMatchFailure(op, "non-saturating quantize");
    if (op.getZeroPoint() &&
        isa<FloatType>(getElementTypeOrSelf(op.getZeroPoint().getType())))
      return rewriter.notifyMatchFailure(op, "float output offset");
    rewriter.replaceOpWithNewOp<MatmulOp>(
        op, op.getType(), mm.getLhs(), mm.getRhs(), mm.getLhsScale(),
        mm.getRhsScale(), mm.getLhsZeroPoint(), mm.getRhsZeroPoint(),
        op.getScale(), op.getZeroPoint(), mm.getLhsLayoutAttr(),
        mm.getRhsLayout(), mm.getRhsTransposed(), layout, mm.getAcc(),
        op.getRounding(), op.getSeed());
    return success();
  }
};

struct LQFuseQDQPass : lpc::lq::impl::LQFuseQDQBase<LQFuseQDQPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFuseQDQPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void lpc::lq::populateFuseQDQPatterns(RewritePatternSet &patterns) {
  patterns.add<FuseNamedMatmul, FuseGenericMatmul, FuseOutputQuantize>(
      patterns.getContext());
  lpc::lq::detail::populateFuseQDQConvPatterns(patterns);
}
