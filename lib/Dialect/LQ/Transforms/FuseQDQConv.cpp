//===- FuseQDQConv.cpp - lq-fuse-qdq for convolutions ---------------------===//
//
// A convolution of a dequantized (zero-padded) input by dequantized weights
// becomes, per group, an im2col of the input codes and an lq.matmul of that
// patch matrix by the weight codes (rhs_transposed). The convolution is
// recognized by its structure (linalg::inferConvolutionDims on any linalg
// op: the importer's grouped conv_2d_ngchw_gfchw, conv_2d_nhwc_hwcf, or an
// equivalent linalg.generic), and the patch and weight matrices are gathered
// through the op's own indexing maps, so any layout qualifies.
//
// The patch column index enumerates the reduction loops (input channels and
// filter loops) in the op's loop order, so lq.matmul's ascending-K f32
// accumulation adds the same products in the same order as the
// convolution's loops: the result is bit-identical. Padding happens on the
// codes with the zero-point code, which dequantizes to +0.0 like the float
// padding.
//
//===----------------------------------------------------------------------===//

#include "FuseQDQ.h"

#include "lpc/Dialect/LQ/IR/Format.h"
#include "lpc/Dialect/LQ/IR/LQ.h"

#include "mlir/Dialect/Affine/Utils.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace lpc::lq;

namespace {

/// The f32 dequantize producing `v`, or null.
DequantizeOp dequantizeF32(Value v) {
  auto d = v ? v.getDefiningOp<DequantizeOp>() : nullptr;
  if (!d || !d.getType().getElementType().isF32())
    return nullptr;
  return d;
}

/// The constant +0.0 padding of `pad`, checked; false otherwise.
bool padsWithPosZero(tensor::PadOp pad) {
  Value v = pad.getConstantPaddingValue();
  auto cst = v ? v.getDefiningOp<arith::ConstantOp>() : nullptr;
  auto f = cst ? dyn_cast<FloatAttr>(cst.getValue()) : nullptr;
  return f && f.getValue().isPosZero();
}

/// Whether `block` is `yield(out + in0 * in1)` on f32 (either operand
/// order), the body of a plain float convolution.
bool isMulAddF32(Block &block) {
  if (block.getNumArguments() != 3 ||
      !llvm::all_of(block.getArgumentTypes(), [](Type t) { return t.isF32(); }))
    return false;
  auto yield = dyn_cast<linalg::YieldOp>(block.getTerminator());
  if (!yield || yield.getNumOperands() != 1 ||
      block.getOperations().size() != 3)
    return false;
  auto add = yield.getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add)
    return false;
  Value acc = block.getArgument(2);
  Value product = add.getLhs() == acc ? add.getRhs() : add.getLhs();
  if ((add.getLhs() == acc) == (add.getRhs() == acc))
    return false;
  auto mul = product.getDefiningOp<arith::MulFOp>();
  if (!mul)
    return false;
  Value x = block.getArgument(0), w = block.getArgument(1);
  return (mul.getLhs() == x && mul.getRhs() == w) ||
         (mul.getLhs() == w && mul.getRhs() == x);
}

/// The map from the index of `expand`'s result to the index of its source
/// (each reassociation group linearized row-major); null if not static.
AffineMap expandToSource(tensor::ExpandShapeOp expand) {
  ArrayRef<int64_t> shape = expand.getResultType().getShape();
  if (ShapedType::isDynamicShape(shape))
    return AffineMap();
  MLIRContext *ctx = expand.getContext();
  SmallVector<AffineExpr> results;
  for (const ReassociationIndices &group : expand.getReassociationIndices()) {
    AffineExpr e = getAffineConstantExpr(0, ctx);
    for (int64_t d : group)
      e = e * shape[d] + getAffineDimExpr(d, ctx);
    results.push_back(e);
  }
  return AffineMap::get(shape.size(), 0, results, ctx);
}

/// `v` seen through tensor.expand_shape ops: their source and the map from
/// `v`'s index to the source's index.
std::pair<Value, AffineMap> throughExpands(Value v) {
  auto rank = cast<RankedTensorType>(v.getType()).getRank();
  AffineMap toSource = AffineMap::getMultiDimIdentityMap(rank, v.getContext());
  while (auto expand = v.getDefiningOp<tensor::ExpandShapeOp>()) {
    AffineMap step = expandToSource(expand);
    if (!step)
      break;
    toSource = step.compose(toSource);
    v = expand.getSrc();
  }
  return {v, toSource};
}

/// The loops of a convolution by role (linalg::inferConvolutionDims), each
/// list in loop order, and their sizes.
struct ConvLoops {
  SmallVector<unsigned> rows;      ///< batch and output-image loops
  std::optional<unsigned> group;   ///< the depth loop (groups)
  unsigned channel = 0;            ///< the output-channel loop
  SmallVector<unsigned> reduction; ///< input-channel and filter loops
  SmallVector<int64_t> sizes;      ///< every loop's static size
};

/// The loops of `op` if it is a convolution lq-fuse-qdq can rewrite: at most
/// one group loop, one output-channel loop, every loop classified once.
FailureOr<ConvLoops> classifyLoops(linalg::LinalgOp op) {
  if (!linalg::isaConvolutionOpInterface(op))
    return failure();
  FailureOr<linalg::ConvolutionDimensions> dims =
      linalg::inferConvolutionDims(op);
  if (failed(dims) || dims->depth.size() > 1 || dims->outputChannel.size() != 1)
    return failure();
  ConvLoops loops;
  loops.sizes = op.getStaticLoopRanges();
  if (ShapedType::isDynamicShape(loops.sizes))
    return failure();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  for (unsigned l = 0, e = op.getNumLoops(); l < e; ++l) {
    bool reduction = llvm::is_contained(dims->filterLoop, l) ||
                     llvm::is_contained(dims->inputChannel, l);
    bool row = llvm::is_contained(dims->batch, l) ||
               llvm::is_contained(dims->outputImage, l);
    bool group = llvm::is_contained(dims->depth, l);
    bool channel = dims->outputChannel[0] == l;
    if (reduction + row + group + channel != 1)
      return failure();
    if (reduction != (iterators[l] == utils::IteratorType::reduction))
      return failure();
    if (reduction)
      loops.reduction.push_back(l);
    if (row)
      loops.rows.push_back(l);
    if (group)
      loops.group = l;
    if (channel)
      loops.channel = l;
  }
  if (loops.reduction.empty())
    return failure();
  return loops;
}

/// `map` (over the convolution's loops) as a map over `newDims` (loop l
/// becomes dimension i where newDims[i] == l), with the group loop fixed to
/// `group`; null if `map` uses a loop that is neither.
AffineMap restrictTo(AffineMap map, ArrayRef<unsigned> newDims,
                     const ConvLoops &loops, int64_t group) {
  MLIRContext *ctx = map.getContext();
  SmallVector<AffineExpr> replacements;
  for (unsigned l = 0; l < map.getNumDims(); ++l) {
    auto it = llvm::find(newDims, l);
    if (it != newDims.end()) {
      replacements.push_back(getAffineDimExpr(it - newDims.begin(), ctx));
    } else if (loops.group == l) {
      replacements.push_back(getAffineConstantExpr(group, ctx));
    } else {
      if (map.isFunctionOfDim(l))
        return AffineMap();
      replacements.push_back(getAffineConstantExpr(0, ctx));
    }
  }
  return map.replaceDimsAndSymbols(replacements, {}, newDims.size(), 0);
}

/// A fresh tensor of `shape` whose element at index i is `src` at `map(i)`:
/// a linalg.generic that reads its elements with tensor.extract, so that no
/// subview of a packed sub-byte buffer appears after bufferization and no
/// loop range is inferred from `src` (whose extent along an index may exceed
/// the part gathered). lq formats are gathered as their storage integers.
Value gather(PatternRewriter &rewriter, Location loc, Value src, AffineMap map,
             ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(src.getType());
  Type elem = type.getElementType();
  Type copyElem = isFormatType(elem) ? Type(getStorageType(elem)) : elem;
  if (copyElem != elem)
    src = BitcastOp::create(rewriter, loc, type.clone(copyElem), src);
  int64_t rank = shape.size();
  Value empty = tensor::EmptyOp::create(rewriter, loc, shape, copyElem);
  Value out =
      linalg::GenericOp::create(
          rewriter, loc, TypeRange{empty.getType()}, ValueRange{},
          ValueRange{empty},
          ArrayRef<AffineMap>{
              AffineMap::getMultiDimIdentityMap(rank, rewriter.getContext())},
          SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
          [&](OpBuilder &b, Location l, ValueRange) {
            SmallVector<Value> dims;
            for (int64_t d = 0; d < rank; ++d)
              dims.push_back(linalg::IndexOp::create(b, l, d));
            SmallVector<Value> idx;
            for (AffineExpr e : map.getResults())
              idx.push_back(affine::expandAffineExpr(b, l, e, dims, {}));
            linalg::YieldOp::create(
                b, l, tensor::ExtractOp::create(b, l, src, idx).getResult());
          })
          .getResult(0);
  if (copyElem != elem)
    out = BitcastOp::create(
        rewriter, loc, cast<RankedTensorType>(out.getType()).clone(elem), out);
  return out;
}

SmallVector<int64_t> sizesOf(ArrayRef<unsigned> dims, const ConvLoops &loops) {
  return llvm::map_to_vector(dims, [&](unsigned l) { return loops.sizes[l]; });
}

/// Reassociation [[0 .. n-1], [n .. rank-1]].
SmallVector<ReassociationIndices> splitAt(int64_t n, int64_t rank) {
  ReassociationIndices lo, hi;
  for (int64_t i = 0; i < rank; ++i)
    (i < n ? lo : hi).push_back(i);
  return {lo, hi};
}

struct FuseConvolution : OpInterfaceRewritePattern<linalg::LinalgOp> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 2 ||
        op.getNumDpsInits() != 1 || op->getNumResults() != 1)
      return failure();
    FailureOr<ConvLoops> maybeLoops = classifyLoops(op);
    if (failed(maybeLoops))
      return failure();
    const ConvLoops &loops = *maybeLoops;
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    if (!resultType.getElementType().isF32() || !resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "not a static f32 convolution");
    if (!isMulAddF32(*op.getBlock()))
      return rewriter.notifyMatchFailure(op, "not a multiply-add body");
    if (!lpc::lq::detail::isZeroFilled(op.getDpsInits()[0]))
      return rewriter.notifyMatchFailure(op, "accumulator is not +0.0");
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    if (!maps[2].isProjectedPermutation() ||
        maps[2].getNumResults() !=
            loops.rows.size() + 1 + (loops.group ? 1 : 0))
      return rewriter.notifyMatchFailure(op, "output is not a permutation");

    // Input: [expands of] [pad of] dequantize.
    auto [x, xToSource] = throughExpands(op.getDpsInputs()[0]);
    SmallVector<int64_t> padLo, padHi;
    if (auto pad = x.getDefiningOp<tensor::PadOp>()) {
      if (!padsWithPosZero(pad))
        return rewriter.notifyMatchFailure(op, "input padding is not +0.0");
      padLo = SmallVector<int64_t>(pad.getStaticLow());
      padHi = SmallVector<int64_t>(pad.getStaticHigh());
      if (ShapedType::isDynamicShape(padLo) ||
          ShapedType::isDynamicShape(padHi))
        return rewriter.notifyMatchFailure(op, "unsupported padding");
      x = pad.getSource();
    }
    DequantizeOp dx = dequantizeF32(x);
    // Weights: [expands of] dequantize.
    auto [w, wToSource] = throughExpands(op.getDpsInputs()[1]);
    DequantizeOp dw = dequantizeF32(w);
    if (!dx || !dw)
      return rewriter.notifyMatchFailure(op, "operands are not dequantized");
    if (!dx.getLayout().isTensor())
      return rewriter.notifyMatchFailure(op, "input scale is not per-tensor");
    LayoutAttr wLayout = dw.getLayout();
    if (!wLayout.isTensor() && !wLayout.isAxis())
      return rewriter.notifyMatchFailure(op, "blocked weight scale");
    if ((dx.getZeroPoint() &&
         isa<FloatType>(getElementTypeOrSelf(dx.getZeroPoint().getType()))) ||
        (dw.getZeroPoint() &&
         isa<FloatType>(getElementTypeOrSelf(dw.getZeroPoint().getType()))))
      return rewriter.notifyMatchFailure(op, "float zero points");
    auto xType = cast<RankedTensorType>(dx.getInput().getType());
    auto wType = cast<RankedTensorType>(dw.getInput().getType());
    if (!xType.hasStaticShape() || !wType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shapes");

    // Every operand index as a function of the loops, in the codes' space.
    AffineMap xMap = xToSource.compose(maps[0]);
    AffineMap wMap = wToSource.compose(maps[1]);
    SmallVector<unsigned> patchDims(loops.rows);
    llvm::append_range(patchDims, loops.reduction);
    SmallVector<unsigned> weightDims = {loops.channel};
    llvm::append_range(weightDims, loops.reduction);
    SmallVector<unsigned> channelDims = {loops.channel};
    AffineMap wScaleMap;
    if (wLayout.isAxis())
      wScaleMap = wMap.getSubMap({static_cast<unsigned>(wLayout.getAxis())});
    int64_t groups = loops.group ? loops.sizes[*loops.group] : 1;
    // The maps must not use a loop their operand does not have.
    if (!restrictTo(xMap, patchDims, loops, 0) ||
        !restrictTo(wMap, weightDims, loops, 0) ||
        (wScaleMap && !restrictTo(wScaleMap, channelDims, loops, 0)))
      return rewriter.notifyMatchFailure(op, "not a plain convolution");

    Location loc = op.getLoc();
    Type xCode = xType.getElementType();
    IntegerType storage = getStorageType(xCode);
    // Pad the codes with the zero-point code (0 without a zero point).
    Value codes = dx.getInput();
    if (llvm::any_of(padLo, [](int64_t p) { return p != 0; }) ||
        llvm::any_of(padHi, [](int64_t p) { return p != 0; })) {
      if (xCode != storage)
        codes = BitcastOp::create(rewriter, loc, xType.clone(storage), codes);
      Value padValue;
      if (Value zp = dx.getZeroPoint()) {
        auto zpType = cast<RankedTensorType>(zp.getType());
        if (zpType.getElementType() != storage)
          zp = BitcastOp::create(rewriter, loc, zpType.clone(storage), zp);
        padValue = tensor::ExtractOp::create(rewriter, loc, zp, ValueRange{});
      } else {
        padValue = arith::ConstantIntOp::create(rewriter, loc, storage, 0);
      }
      SmallVector<int64_t> padded(xType.getShape());
      for (size_t d = 0; d < padded.size(); ++d)
        padded[d] += padLo[d] + padHi[d];
      codes = tensor::PadOp::create(
          rewriter, loc, RankedTensorType::get(padded, storage), codes,
          getAsIndexOpFoldResult(rewriter.getContext(), padLo),
          getAsIndexOpFoldResult(rewriter.getContext(), padHi), padValue);
      if (xCode != storage)
        codes = BitcastOp::create(rewriter, loc,
                                  RankedTensorType::get(padded, xCode), codes);
    }

    SmallVector<int64_t> rowSizes = sizesOf(loops.rows, loops);
    SmallVector<int64_t> patchShape = sizesOf(patchDims, loops);
    SmallVector<int64_t> weightShape = sizesOf(weightDims, loops);
    int64_t rows = ShapedType::getNumElements(rowSizes),
            mg = loops.sizes[loops.channel];
    int64_t nRows = loops.rows.size();
    SmallVector<Value> perGroup;
    for (int64_t g = 0; g < groups; ++g) {
      // im2col: P[rows..., reduction...] = codes[xMap(loops)].
      Value patches = gather(rewriter, loc, codes,
                             restrictTo(xMap, patchDims, loops, g), patchShape);
      Value lhs = tensor::CollapseShapeOp::create(
          rewriter, loc, patches, splitAt(nRows, patchShape.size()));
      // The group's weights, Mg x K in the same reduction order, and their
      // scales and zero points.
      Value wg = gather(rewriter, loc, dw.getInput(),
                        restrictTo(wMap, weightDims, loops, g), weightShape);
      Value rhs = tensor::CollapseShapeOp::create(
          rewriter, loc, wg, splitAt(1, weightShape.size()));
      Value ws = dw.getScale(), wz = dw.getZeroPoint();
      LayoutAttr rhsLayout = wLayout;
      if (wLayout.isAxis()) {
        AffineMap m = restrictTo(wScaleMap, channelDims, loops, g);
        ws = gather(rewriter, loc, ws, m, {mg});
        if (wz)
          wz = gather(rewriter, loc, wz, m, {mg});
        rhsLayout = LayoutAttr::getAxis(rewriter.getContext(), 0);
      }
      Value mm = MatmulOp::create(
          rewriter, loc,
          RankedTensorType::get({rows, mg}, rewriter.getF32Type()), lhs, rhs,
          dx.getScale(), ws, dx.getZeroPoint(), wz, dx.getLayout(), rhsLayout,
          /*rhsTransposed=*/true);
      // [rows, Mg] -> [1, rows..., Mg].
      SmallVector<int64_t> expanded = {1};
      llvm::append_range(expanded, rowSizes);
      expanded.push_back(mg);
      perGroup.push_back(tensor::ExpandShapeOp::create(
          rewriter, loc, RankedTensorType::get(expanded, rewriter.getF32Type()),
          mm, splitAt(nRows + 1, nRows + 2)));
    }
    Value all =
        perGroup.size() == 1
            ? perGroup[0]
            : tensor::ConcatOp::create(rewriter, loc, 0, perGroup).getResult();
    // Scatter [group, rows..., channel] into the convolution's output layout.
    MLIRContext *ctx = rewriter.getContext();
    unsigned numLoops = op.getNumLoops();
    SmallVector<AffineExpr> allIndex = {
        loops.group ? getAffineDimExpr(*loops.group, ctx)
                    : getAffineConstantExpr(0, ctx)};
    for (unsigned l : loops.rows)
      allIndex.push_back(getAffineDimExpr(l, ctx));
    allIndex.push_back(getAffineDimExpr(loops.channel, ctx));
    SmallVector<unsigned> parallelDims;
    for (unsigned l = 0; l < numLoops; ++l)
      if (!llvm::is_contained(loops.reduction, l))
        parallelDims.push_back(l);
    AffineMap allMap = restrictTo(AffineMap::get(numLoops, 0, allIndex, ctx),
                                  parallelDims, loops, 0);
    AffineMap outMap = restrictTo(maps[2], parallelDims, loops, 0);
    Value empty = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                          rewriter.getF32Type());
    rewriter.replaceOpWithNewOp<linalg::GenericOp>(
        op, TypeRange{resultType}, ValueRange{all}, ValueRange{empty},
        ArrayRef<AffineMap>{allMap, outMap},
        SmallVector<utils::IteratorType>(parallelDims.size(),
                                         utils::IteratorType::parallel),
        [](OpBuilder &b, Location l, ValueRange a) {
          linalg::YieldOp::create(b, l, a[0]);
        });
    return success();
  }
};

} // namespace

void lpc::lq::detail::populateFuseQDQConvPatterns(RewritePatternSet &patterns) {
  patterns.add<FuseConvolution>(patterns.getContext());
}
