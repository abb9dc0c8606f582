//===- LQToLinalg.cpp - Reference lowering of lq --------------------------===//
//
// Lowers lq ops on tensors to linalg.generic / linalg.matmul with scalar
// bodies from FormatCodegen, and lq element types to signless storage
// integers. This is the reference every optimized path is compared with.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "lpc/Conversion/LQToLinalg/LQToLinalg.h"
#include "lpc/Dialect/LQ/IR/Format.h"
#include "lpc/Dialect/LQ/IR/LQ.h"
#include "lpc/Dialect/LQ/Utils/ConversionUtils.h"
#include "lpc/Dialect/LQ/Utils/FormatCodegen.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Transforms/DialectConversion.h"

namespace lpc {
#define GEN_PASS_DEF_CONVERTLQTOLINALG
#include "lpc/Conversion/Passes.h.inc"
} // namespace lpc

using namespace mlir;
using namespace lpc;
using namespace lpc::lq;

//===----------------------------------------------------------------------===//
// Type conversion
//===----------------------------------------------------------------------===//

static Type convertElement(Type t) {
  if (isFormatType(t))
    return getStorageType(t);
  if (auto i = dyn_cast<IntegerType>(t); i && !i.isSignless())
    return IntegerType::get(t.getContext(), i.getWidth());
  return t;
}

void lpc::addLQStorageConversions(TypeConverter &converter) {
  converter.addConversion([](Type t) { return t; });
  converter.addConversion([](Type t) -> std::optional<Type> {
    Type c = convertElement(t);
    if (c == t)
      return std::nullopt;
    return c;
  });
  converter.addConversion([](RankedTensorType t) -> Type {
    return t.clone(convertElement(t.getElementType()));
  });
  converter.addConversion([](UnrankedTensorType t) -> Type {
    return UnrankedTensorType::get(convertElement(t.getElementType()));
  });
  converter.addConversion([](MemRefType t) -> Type {
    return t.clone(convertElement(t.getElementType()));
  });
  converter.addConversion([](VectorType t) -> Type {
    return t.clone(convertElement(t.getElementType()));
  });
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

namespace {
struct QuantizeLowering : OpConversionPattern<QuantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(QuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Format format = *getFormat(op.getType().getElementType());
    ScaleInfo info =
        makeScaleInfo(op.getLayout(), adaptor.getScale(),
                      adaptor.getZeroPoint(), op.getZeroPoint(), op.getScale());
    Value result =
        emitQuantize(rewriter, op.getLoc(), adaptor.getInput(), format, info,
                     op.getRounding(), op.getSeed(), op.getSaturate());
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// docs/Semantics.md's dynamic_quantize: per layout group the largest
/// magnitude `a` (scf loops over the group inside a generic over the scale
/// tensor), then `s = a / qmax`, `r = a ? qmax / a : 0` and the codes
/// `encode(x * r)`.
struct DynamicQuantizeLowering : OpConversionPattern<DynamicQuantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DynamicQuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    Value x = adaptor.getInput();
    LayoutAttr layout = op.getLayout();
    Format format = *getFormat(op.getResult().getType().getElementType());
    Type f32 = b.getF32Type();
    auto scaleType = op.getScale().getType();
    int64_t rank = op.getInput().getType().getRank();
    auto cIndex = [](OpBuilder &nb, Location l, int64_t v) -> Value {
      return arith::ConstantIndexOp::create(nb, l, v);
    };
    SmallVector<OpFoldResult> dataSizes = tensor::getMixedSizes(b, loc, x);
    // The scale tensor's sizes: ceil(D / B) per block dim, D along an axis.
    SmallVector<Value> scaleDynSizes;
    for (int64_t d = 0; d < scaleType.getRank(); ++d) {
      if (!scaleType.isDynamicDim(d))
        continue;
      int64_t dataDim = layout.isAxis() ? layout.getAxis() : d;
      Value size = getValueOrCreateConstantIndexOp(b, loc, dataSizes[dataDim]);
      if (layout.isBlock()) {
        int64_t blk = layout.getBlock()[d];
        size = arith::CeilDivUIOp::create(b, loc, size, cIndex(b, loc, blk));
      }
      scaleDynSizes.push_back(size);
    }
    Value init = tensor::EmptyOp::create(b, loc, scaleType, scaleDynSizes);
    int64_t scaleRank = scaleType.getRank();
    SmallVector<utils::IteratorType> iters(scaleRank,
                                           utils::IteratorType::parallel);
    auto absmax = linalg::GenericOp::create(
        b, loc, TypeRange{scaleType}, ValueRange{}, ValueRange{init},
        SmallVector<AffineMap>{b.getMultiDimIdentityMap(scaleRank)}, iters,
        [&](OpBuilder &nb, Location l, ValueRange) {
          SmallVector<Value> sIdx;
          for (int64_t d = 0; d < scaleRank; ++d)
            sIdx.push_back(linalg::IndexOp::create(nb, l, d));
          // The group's range along every data dim.
          SmallVector<Value> lo, hi;
          for (int64_t d = 0; d < rank; ++d) {
            Value size = getValueOrCreateConstantIndexOp(nb, l, dataSizes[d]);
            if (layout.isBlock()) {
              Value blk = cIndex(nb, l, layout.getBlock()[d]);
              Value first = arith::MulIOp::create(nb, l, sIdx[d], blk);
              lo.push_back(first);
              hi.push_back(arith::MinUIOp::create(
                  nb, l, arith::AddIOp::create(nb, l, first, blk), size));
            } else if (layout.isAxis() && layout.getAxis() == d) {
              lo.push_back(sIdx[0]);
              hi.push_back(
                  arith::AddIOp::create(nb, l, sIdx[0], cIndex(nb, l, 1)));
            } else {
              lo.push_back(cIndex(nb, l, 0));
              hi.push_back(size);
            }
          }
          Value zero = arith::ConstantFloatOp::create(nb, l, nb.getF32Type(),
                                                      APFloat(0.0f));
          SmallVector<Value> idx(rank);
          std::function<Value(OpBuilder &, int64_t, Value)> loop =
              [&](OpBuilder &lb, int64_t d, Value acc) -> Value {
            if (d == rank) {
              Value v = tensor::ExtractOp::create(lb, l, x, idx);
              return arith::MaximumFOp::create(lb, l, acc,
                                               math::AbsFOp::create(lb, l, v));
            }
            auto f = scf::ForOp::create(
                lb, l, lo[d], hi[d], cIndex(lb, l, 1), ValueRange{acc},
                [&](OpBuilder &fb, Location, Value i, ValueRange args) {
                  idx[d] = i;
                  scf::YieldOp::create(fb, l, loop(fb, d + 1, args[0]));
                });
            return f.getResult(0);
          };
          linalg::YieldOp::create(nb, l, loop(nb, 0, zero));
        });
    Value a = absmax.getResult(0);
    auto qmax = static_cast<float>((int64_t(1) << (format.width - 1)) - 1);
    auto qmaxConst = [&](OpBuilder &nb, Location l) -> Value {
      return arith::ConstantFloatOp::create(nb, l, nb.getF32Type(),
                                            APFloat(qmax));
    };
    Value scale = buildElementwise(
        b, loc, a, f32, [&](OpBuilder &nb, Location l, Value v, ValueRange) {
          return arith::DivFOp::create(nb, l, v, qmaxConst(nb, l)).getResult();
        });
    Value mult = buildElementwise(
        b, loc, a, f32, [&](OpBuilder &nb, Location l, Value v, ValueRange) {
          Value zero = arith::ConstantFloatOp::create(nb, l, nb.getF32Type(),
                                                      APFloat(0.0f));
          Value isZero =
              arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OEQ, v, zero);
          Value r = arith::DivFOp::create(nb, l, qmaxConst(nb, l), v);
          return arith::SelectOp::create(nb, l, isZero, zero, r).getResult();
        });
    Value codes = buildElementwise(
        b, loc, x, b.getIntegerType(format.width),
        [&](OpBuilder &nb, Location l, Value v, ValueRange idx) {
          Value r = tensor::ExtractOp::create(nb, l, mult,
                                              scaleIndices(nb, l, layout, idx));
          Value t = arith::MulFOp::create(nb, l, v, r);
          // Into [-qmax, qmax] (an infinite multiplier of a subnormal `a`
          // gives infinite products); NaN stays NaN and encodes as 0.
          Value hi = qmaxConst(nb, l);
          Value lo = arith::NegFOp::create(nb, l, hi);
          t = arith::MinimumFOp::create(
              nb, l, arith::MaximumFOp::create(nb, l, t, lo), hi);
          return emitEncode(nb, l, format, t, /*zeroPoint=*/Value(),
                            RoundingMode::half_even, /*index=*/Value(),
                            /*seed=*/0, /*saturate=*/true);
        });
    rewriter.replaceOp(op, {codes, scale});
    return success();
  }
};

struct DequantizeLowering : OpConversionPattern<DequantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Format format = *getFormat(op.getInput().getType().getElementType());
    ScaleInfo info =
        makeScaleInfo(op.getLayout(), adaptor.getScale(),
                      adaptor.getZeroPoint(), op.getZeroPoint(), op.getScale());
    rewriter.replaceOp(op, emitDequantize(rewriter, op.getLoc(),
                                          adaptor.getInput(), format, info,
                                          op.getType().getElementType()));
    return success();
  }
};

struct BitcastLowering : OpConversionPattern<BitcastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BitcastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    // Both sides convert to the same storage integer type.
    Type resultType = getTypeConverter()->convertType(op.getType());
    Value input = adaptor.getInput();
    if (input.getType() != resultType)
      input =
          arith::BitcastOp::create(rewriter, op.getLoc(), resultType, input);
    rewriter.replaceOp(op, input);
    return success();
  }
};

/// out[m, n] += a[m, k] * w[n, k], k ascending (a transposed-B matmul).
static Value buildTransposedMatmul(OpBuilder &b, Location loc, Value a, Value w,
                                   Value init) {
  MLIRContext *ctx = b.getContext();
  AffineExpr dm, dn, dk;
  bindDims(ctx, dm, dn, dk);
  using IT = utils::IteratorType;
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{a, w},
             ValueRange{init},
             SmallVector<AffineMap>{AffineMap::get(3, 0, {dm, dk}, ctx),
                                    AffineMap::get(3, 0, {dn, dk}, ctx),
                                    AffineMap::get(3, 0, {dm, dn}, ctx)},
             SmallVector<IT>{IT::parallel, IT::parallel, IT::reduction},
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value p = arith::MulFOp::create(nb, l, args[0], args[1]);
               linalg::YieldOp::create(
                   nb, l, ValueRange{arith::AddFOp::create(nb, l, args[2], p)});
             })
      .getResult(0);
}

struct MatmulLowering : OpConversionPattern<MatmulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    Format rhsFormat = *getFormat(op.getRhs().getType().getElementType());
    ScaleInfo rhsInfo = makeScaleInfo(op.getRhsLayout(), adaptor.getRhsScale(),
                                      adaptor.getRhsZeroPoint(),
                                      op.getRhsZeroPoint(), op.getRhsScale());
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    Type f32 = b.getF32Type();
    bool rt = op.getRhsTransposed();
    SmallVector<OpFoldResult> outSizes = {
        tensor::getMixedSize(b, loc, lhs, 0),
        tensor::getMixedSize(b, loc, rhs, rt ? 0 : 1)};
    Value zeroF =
        arith::ConstantFloatOp::create(b, loc, b.getF32Type(), APFloat(0.0f));
    Value outInit =
        linalg::FillOp::create(
            b, loc, zeroF,
            ValueRange{tensor::EmptyOp::create(b, loc, outSizes, f32)})
            .getResult(0);
    Value out;
    if (op.hasFloatLhs()) {
      // Weight-only: deq(lhs) = lhs (f32, verified), acc = f32.
      Value w = emitDequantize(b, loc, rhs, rhsFormat, rhsInfo, f32);
      out = rt ? buildTransposedMatmul(b, loc, lhs, w, outInit)
               : linalg::MatmulOp::create(b, loc, ValueRange{lhs, w},
                                          ValueRange{outInit})
                     .getResult(0);
      rewriter.replaceOp(op, finishResult(b, loc, op, adaptor, out));
      return success();
    }
    Format lhsFormat = *getFormat(op.getLhs().getType().getElementType());
    ScaleInfo lhsInfo = makeScaleInfo(*op.getLhsLayout(), adaptor.getLhsScale(),
                                      adaptor.getLhsZeroPoint(),
                                      op.getLhsZeroPoint(), op.getLhsScale());
    if (op.getAcc().isF32()) {
      Value a = emitDequantize(b, loc, lhs, lhsFormat, lhsInfo, f32);
      Value w = emitDequantize(b, loc, rhs, rhsFormat, rhsInfo, f32);
      out = rt ? buildTransposedMatmul(b, loc, a, w, outInit)
               : linalg::MatmulOp::create(b, loc, ValueRange{a, w},
                                          ValueRange{outInit})
                     .getResult(0);
    } else {
      // Dynamic K is rejected before conversion (see runOnOperation).
      int64_t k = op.getLhs().getType().getDimSize(1);
      out = lowerIntegerMatmul(b, loc, op, lhs, rhs, lhsFormat, rhsFormat,
                               lhsInfo, rhsInfo, k, outInit);
    }
    rewriter.replaceOp(op, finishResult(b, loc, op, adaptor, out));
    return success();
  }

  /// The f32 matmul result `out` in the op's result type: quantized with the
  /// output scale, or truncated to a narrower float.
  static Value finishResult(OpBuilder &b, Location loc, MatmulOp op,
                            OpAdaptor adaptor, Value out) {
    Type f32 = b.getF32Type();
    Type resultElem = op.getType().getElementType();
    if (std::optional<Format> outFormat = getFormat(resultElem);
        outFormat &&
        !(isa<mlir::FloatType>(resultElem) && !isFormatType(resultElem))) {
      LayoutAttr outLayout = op.getOutLayout()
                                 ? *op.getOutLayout()
                                 : LayoutAttr::getTensor(op.getContext());
      ScaleInfo outInfo = makeScaleInfo(outLayout, adaptor.getOutScale(),
                                        adaptor.getOutZeroPoint(),
                                        op.getOutZeroPoint(), op.getOutScale());
      out = emitQuantize(b, loc, out, *outFormat, outInfo, op.getRounding(),
                         op.getSeed(), /*saturate=*/true);
    } else if (resultElem != f32) {
      out = buildElementwise(
          b, loc, out, resultElem,
          [&](OpBuilder &nb, Location nloc, Value x, ValueRange) -> Value {
            return arith::TruncFOp::create(nb, nloc, resultElem, x);
          });
    }
    return out;
  }

  /// Semantics.md, matmul with acc = i32: integer segment sums, then a
  /// scaled f32 reduction over segments.
  static Value lowerIntegerMatmul(OpBuilder &b, Location loc, MatmulOp op,
                                  Value lhs, Value rhs, const Format &lf,
                                  const Format &rf, const ScaleInfo &li,
                                  const ScaleInfo &ri, int64_t k,
                                  Value outInit) {
    Type i32 = b.getI32Type();
    // One segment (all of K) when neither scale varies along K.
    int64_t seg = op.getKSegment().value_or(k);
    int64_t groups = k / seg;
    auto decode = [&](Value codes, const Format &f, const ScaleInfo &info) {
      return buildElementwise(
          b, loc, codes, i32,
          [&](OpBuilder &nb, Location nloc, Value q, ValueRange idx) {
            Value zp;
            if (info.zeroPoint)
              zp = loadScale(nb, nloc, info, idx).second;
            return emitDecodeInt(nb, nloc, f, q, zp);
          });
    };
    Value a = decode(lhs, lf, li), w = decode(rhs, rf, ri);
    // a: M x K -> M x G x seg ; w: K x N -> G x seg x N (or, transposed,
    // N x K -> N x G x seg).
    bool rt = op.getRhsTransposed();
    unsigned nDim = rt ? 0 : 1;
    auto aType = cast<RankedTensorType>(a.getType());
    auto wType = cast<RankedTensorType>(w.getType());
    int64_t m = aType.getDimSize(0), n = wType.getDimSize(nDim);
    SmallVector<OpFoldResult> aShape = {tensor::getMixedSize(b, loc, a, 0),
                                        b.getIndexAttr(groups),
                                        b.getIndexAttr(seg)};
    SmallVector<OpFoldResult> wShape =
        rt ? SmallVector<OpFoldResult>{tensor::getMixedSize(b, loc, w, 0),
                                       b.getIndexAttr(groups),
                                       b.getIndexAttr(seg)}
           : SmallVector<OpFoldResult>{b.getIndexAttr(groups),
                                       b.getIndexAttr(seg),
                                       tensor::getMixedSize(b, loc, w, 1)};
    Value a3 = tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get({m, groups, seg}, i32), a,
        SmallVector<ReassociationIndices>{{0}, {1, 2}}, aShape);
    Value w3 = rt ? tensor::ExpandShapeOp::create(
                        b, loc, RankedTensorType::get({n, groups, seg}, i32), w,
                        SmallVector<ReassociationIndices>{{0}, {1, 2}}, wShape)
                  : tensor::ExpandShapeOp::create(
                        b, loc, RankedTensorType::get({groups, seg, n}, i32), w,
                        SmallVector<ReassociationIndices>{{0, 1}, {2}}, wShape);
    Value zeroI = arith::ConstantIntOp::create(b, loc, i32, 0);
    SmallVector<OpFoldResult> sShape = {tensor::getMixedSize(b, loc, a, 0),
                                        tensor::getMixedSize(b, loc, w, nDim),
                                        b.getIndexAttr(groups)};
    Value sInit = linalg::FillOp::create(
                      b, loc, zeroI,
                      ValueRange{tensor::EmptyOp::create(b, loc, sShape, i32)})
                      .getResult(0);
    MLIRContext *ctx = b.getContext();
    AffineExpr dm, dn, dj, dk;
    bindDims(ctx, dm, dn, dj, dk);
    using IT = utils::IteratorType;
    Value sums =
        linalg::GenericOp::create(
            b, loc, TypeRange{sInit.getType()}, ValueRange{a3, w3},
            ValueRange{sInit},
            SmallVector<AffineMap>{AffineMap::get(4, 0, {dm, dj, dk}, ctx),
                                   rt ? AffineMap::get(4, 0, {dn, dj, dk}, ctx)
                                      : AffineMap::get(4, 0, {dj, dk, dn}, ctx),
                                   AffineMap::get(4, 0, {dm, dn, dj}, ctx)},
            SmallVector<IT>{IT::parallel, IT::parallel, IT::parallel,
                            IT::reduction},
            [&](OpBuilder &nb, Location nloc, ValueRange args) {
              Value p = arith::MulIOp::create(nb, nloc, args[0], args[1]);
              linalg::YieldOp::create(
                  nb, nloc,
                  ValueRange{arith::AddIOp::create(nb, nloc, args[2], p)});
            })
            .getResult(0);
    // out[m, n] = sum_j (f32(S[m, n, j]) * sa) * sb.
    return linalg::GenericOp::create(
               b, loc, TypeRange{outInit.getType()}, ValueRange{sums},
               ValueRange{outInit},
               SmallVector<AffineMap>{AffineMap::get(3, 0, {dm, dn, dj}, ctx),
                                      AffineMap::get(3, 0, {dm, dn}, ctx)},
               SmallVector<IT>{IT::parallel, IT::parallel, IT::reduction},
               [&](OpBuilder &nb, Location nloc, ValueRange args) {
                 Value im = linalg::IndexOp::create(nb, nloc, 0);
                 Value in = linalg::IndexOp::create(nb, nloc, 1);
                 Value ij = linalg::IndexOp::create(nb, nloc, 2);
                 Value k0 = arith::MulIOp::create(
                     nb, nloc, ij,
                     arith::ConstantIndexOp::create(nb, nloc, seg));
                 Value sa = loadScale(nb, nloc, li, {im, k0}).first;
                 Value sb =
                     loadScale(nb, nloc, ri,
                               rt ? ValueRange{in, k0} : ValueRange{k0, in})
                         .first;
                 Value v = arith::SIToFPOp::create(nb, nloc, nb.getF32Type(),
                                                   args[0]);
                 v = arith::MulFOp::create(nb, nloc, v, sa);
                 v = arith::MulFOp::create(nb, nloc, v, sb);
                 linalg::YieldOp::create(
                     nb, nloc,
                     ValueRange{arith::AddFOp::create(nb, nloc, args[1], v)});
               })
        .getResult(0);
  }
};

/// Rebuilds any region-free op whose operand or result types mention
/// converted element types (tensor.empty, tensor.extract, constants, ...).
struct StructuralTypeConversion : ConversionPattern {
  StructuralTypeConversion(TypeConverter &converter, MLIRContext *ctx)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}
  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    if (op->getNumRegions() != 0 || isa<LQDialect>(op->getDialect()))
      return failure();
    return rebuildWithConvertedTypes(
        op, operands, *getTypeConverter(), rewriter,
        [&](OperationState &state) -> LogicalResult {
          auto constant = dyn_cast<arith::ConstantOp>(op);
          if (!constant)
            return success();
          auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
          if (!dense)
            return rewriter.notifyMatchFailure(op, "unsupported constant");
          auto newType = cast<ShapedType>(state.types[0]);
          state.attributes.set("value",
                               dense.bitcast(newType.getElementType()));
          return success();
        });
  }
};

struct ConvertLQToLinalgPass
    : lpc::impl::ConvertLQToLinalgBase<ConvertLQToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    WalkResult unsupported = getOperation().walk([](MatmulOp op) {
      if (op.getAcc().isInteger(32) && op.getLhs().getType().isDynamicDim(1)) {
        op.emitOpError("reference lowering of acc = i32 needs a static K "
                       "(the K segments become a static reshape)");
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (unsupported.wasInterrupted())
      return signalPassFailure();

    TypeConverter converter;
    addLQStorageConversions(converter);
    // Values of converted types that still meet unconverted users.
    addUnrealizedCastMaterializations(converter);

    ConversionTarget target(*ctx);
    target.addIllegalDialect<LQDialect>();
    target.markUnknownOpDynamicallyLegal(
        [&](Operation *op) { return converter.isLegal(op); });

    RewritePatternSet patterns(ctx);
    populateLQToLinalgPatterns(converter, patterns);
    populateFuncBoundaryConversion(converter, patterns, target);
    scf::populateSCFStructuralTypeConversions(converter, patterns);
    patterns.add<StructuralTypeConversion>(converter, ctx);
    if (failed(
            applyFullConversion(getOperation(), target, std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void lpc::populateLQToLinalgPatterns(TypeConverter &converter,
                                     RewritePatternSet &patterns) {
  patterns.add<QuantizeLowering, DynamicQuantizeLowering, DequantizeLowering,
               BitcastLowering, MatmulLowering>(converter,
                                                patterns.getContext());
  populateRequantizeLowering(converter, patterns);
  populateHadamardLowering(converter, patterns);
  populateDataMovementLowering(converter, patterns);
}
