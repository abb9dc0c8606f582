//===- FuseQDQ.cpp - Fuse dequantize/matmul/quantize into lq.matmul -------===//
//
// dequantize -> float matmul (-> quantize) chains become lq.matmul on the
// codes; a matmul of plain f32 activations by dequantized weights becomes the
// weight-only lq.matmul. The float matmul is recognized by its structure
// (linalg's contraction inference), so linalg.matmul with or without
// indexing_maps and any equivalent linalg.generic qualify, whoever wrote them.
//
//===----------------------------------------------------------------------===//

#include "FuseQDQ.h"

#include "lpc/Dialect/LQ/IR/Format.h"
#include "lpc/Dialect/LQ/IR/LQ.h"
#include "lpc/Dialect/LQ/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace lpc::lq {
#define GEN_PASS_DEF_LQFUSEQDQ
#include "lpc/Dialect/LQ/Transforms/Passes.h.inc"
} // namespace lpc::lq

using namespace mlir;
using namespace lpc::lq;

std::string lpc::lq::detail::getNodeName(Location loc) {
  std::string name = "-";
  loc->walk([&](Location l) {
    if (auto n = dyn_cast<NameLoc>(l)) {
      name = n.getName().str();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return name;
}

Value lpc::lq::detail::getViewedConstant(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (isa<arith::ConstantOp>(def))
      return v;
    if (!isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(def))
      return nullptr;
    v = def->getOperand(0);
  }
  return nullptr;
}

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

/// If `op` is a plain matrix multiply-accumulate, whether its B operand is
/// stored transposed; nullopt if it is not one. Recognized by structure, on
/// any linalg op (linalg.matmul, with or without indexing_maps, or a generic
/// in any loop order): a contraction (linalg::isaContractionOpInterface:
/// projected-permutation maps, a multiply-add body) whose
/// linalg::inferContractionDims are one m, one n and one k dimension and no
/// batch, with A indexed (m, k), C (m, n) and B (k, n) or (n, k).
std::optional<bool> lpc::lq::detail::matchMatmul(linalg::LinalgOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      op.getNumLoops() != 3 || !linalg::isaContractionOpInterface(op))
    return std::nullopt;
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (failed(dims) || !dims->batch.empty() || dims->m.size() != 1 ||
      dims->n.size() != 1 || dims->k.size() != 1)
    return std::nullopt;
  MLIRContext *ctx = op.getContext();
  auto map = [&](unsigned d0, unsigned d1) {
    return AffineMap::get(
        3, 0, {getAffineDimExpr(d0, ctx), getAffineDimExpr(d1, ctx)}, ctx);
  };
  unsigned m = dims->m[0], n = dims->n[0], k = dims->k[0];
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (maps[0] != map(m, k) || maps[2] != map(m, n))
    return std::nullopt;
  if (maps[1] == map(k, n))
    return false;
  if (maps[1] == map(n, k))
    return true;
  return std::nullopt;
}

namespace {
using lpc::lq::detail::isZeroFilled;
using lpc::lq::detail::matchMatmul;

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
        op, resultType, lhs, b.getInput(), /*lhsScale=*/Value(), b.getScale(),
        /*lhsZeroPoint=*/Value(), b.getZeroPoint(), /*lhsLayout=*/LayoutAttr(),
        b.getLayout(), rhsTransposed);
    return success();
  }
  if (!a.getType().getElementType().isF32())
    return rewriter.notifyMatchFailure(op, "dequantized to a non-f32 type");
  rewriter.replaceOpWithNewOp<MatmulOp>(
      op, resultType, a.getInput(), b.getInput(), a.getScale(), b.getScale(),
      a.getZeroPoint(), b.getZeroPoint(), a.getLayout(), b.getLayout(),
      rhsTransposed);
  return success();
}

/// Any linalg op that is a matrix multiply-accumulate (matchMatmul).
struct FuseLinalgMatmul : OpInterfaceRewritePattern<linalg::LinalgOp> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;
  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics())
      return failure();
    std::optional<bool> transposed = matchMatmul(op);
    if (!transposed)
      return failure();
    return fuseMatmul(op, op.getDpsInputs()[0], op.getDpsInputs()[1],
                      op.getDpsInits()[0], *transposed, rewriter);
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
    // The matmul's location (its node) and annotations (lq-quantize's
    // calibration SQNR) stay.
    auto fused = MatmulOp::create(
        rewriter, mm.getLoc(), op.getType(), mm.getLhs(), mm.getRhs(),
        mm.getLhsScale(), mm.getRhsScale(), mm.getLhsZeroPoint(),
        mm.getRhsZeroPoint(), op.getScale(), op.getZeroPoint(),
        mm.getLhsLayoutAttr(), mm.getRhsLayout(), mm.getRhsTransposed(), layout,
        mm.getAcc(), op.getRounding(), op.getSeed());
    fused->setDiscardableAttrs(mm->getDiscardableAttrDictionary());
    rewriter.replaceOp(op, fused.getResult());
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
  patterns.add<FuseLinalgMatmul, FuseOutputQuantize>(patterns.getContext());
  lpc::lq::detail::populateFuseQDQConvPatterns(patterns);
}
