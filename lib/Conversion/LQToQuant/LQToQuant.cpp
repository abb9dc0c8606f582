//===- LQToQuant.cpp - lq quantize/dequantize to upstream quant -----------===//
//
// Folds constant scales and zero points of lq.quantize / lq.dequantize into
// !quant.uniform types, so the ops become quant.qcast / quant.dcast, and
// tensors of lq integer formats become tensors of storage integers.
//
//===----------------------------------------------------------------------===//

#include "lpc/Conversion/LQToQuant/LQToQuant.h"
#include "lpc/Dialect/LQ/IR/Format.h"
#include "lpc/Dialect/LQ/IR/LQ.h"
#include "lpc/Dialect/LQ/Utils/ConversionUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/ADT/SetVector.h"

#include <cstdio>
#include <cstdlib>

namespace lpc {
#define GEN_PASS_DEF_CONVERTLQTOQUANT
#include "lpc/Conversion/Passes.h.inc"
} // namespace lpc

using namespace mlir;
using namespace lpc;
using namespace lpc::lq;

static double toDouble(APFloat v) {
  bool losesInfo;
  v.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &losesInfo);
  return v.convertToDouble();
}

/// The double with the fewest significant decimal digits that rounds to `v`
/// in `v`'s own format. quant reads a scale as a value of the expressed type
/// (converting the stored double to nearest), so this double means exactly
/// `v` and prints as written: f32 0.1 gives 0.1, not 0.10000000149011612.
static double getShortestDouble(const APFloat &v) {
  double exact = toDouble(v);
  for (int digits = 1; digits <= 17; ++digits) {
    char buffer[64];
    std::snprintf(buffer, sizeof(buffer), "%.*g", digits, exact);
    APFloat candidate(std::strtod(buffer, nullptr));
    bool losesInfo;
    candidate.convert(v.getSemantics(), APFloat::rmNearestTiesToEven,
                      &losesInfo);
    if (candidate.bitwiseIsEqual(v))
      return std::strtod(buffer, nullptr);
  }
  return exact;
}

/// The !quant.uniform type describing codes of `formatType` in a tensor of
/// type `data` with `layout`, `scale` and `zeroPoint`, expressed in
/// `expressed`; or the reason there is none, in `error`.
static FailureOr<quant::QuantizedType>
getQuantType(Type formatType, Type expressed, RankedTensorType data,
             LayoutAttr layout, Value scale, Value zeroPoint,
             std::string &error) {
  llvm::raw_string_ostream os(error);
  Format format = *getFormat(formatType);
  if (format.isMiniFloat()) {
    os << "minifloat formats have no !quant.uniform equivalent";
    return failure();
  }
  if (!format.isInteger()) {
    os << "only integer formats have a !quant.uniform equivalent, got '"
       << formatType << "'";
    return failure();
  }
  if (!expressed.isF32() && !expressed.isF16() && !expressed.isBF16()) {
    os << "expressed type '" << expressed << "' is not f32, f16 or bf16";
    return failure();
  }
  auto expressedType = cast<FloatType>(expressed);

  DenseElementsAttr scaleAttr;
  if (!matchPattern(scale, m_Constant(&scaleAttr)) ||
      !isa<Float64Type, Float32Type, Float16Type, BFloat16Type>(
          scaleAttr.getElementType())) {
    os << "scale is not a constant float tensor";
    return failure();
  }
  SmallVector<APFloat> scales;
  for (const APFloat &original : scaleAttr.getValues<APFloat>()) {
    APFloat s = original;
    if (!s.isFiniteNonZero() || s.isNegative()) {
      os << "scale " << toDouble(s)
         << " is not positive and finite as !quant.uniform requires";
      return failure();
    }
    bool losesInfo;
    s.convert(expressedType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
              &losesInfo);
    if (losesInfo) {
      os << "scale " << toDouble(original)
         << " is not exact in the expressed type '" << expressed << "'";
      return failure();
    }
    scales.push_back(s);
  }

  SmallVector<int64_t> zeroPoints(scales.size(), 0);
  if (zeroPoint) {
    Type zpElem = getElementTypeOrSelf(zeroPoint.getType());
    if (isa<FloatType>(zpElem) && !getFormat(zpElem)) {
      os << "float zero points (real offsets) have no !quant.uniform "
            "equivalent";
      return failure();
    }
    DenseIntElementsAttr zpAttr;
    if (!matchPattern(zeroPoint, m_Constant(&zpAttr))) {
      os << "zero point is not a constant";
      return failure();
    }
    bool zpSigned = getFormat(zpElem)->isSigned;
    for (auto [i, z] : llvm::enumerate(zpAttr.getValues<APInt>())) {
      int64_t v =
          zpSigned ? z.getSExtValue() : static_cast<int64_t>(z.getZExtValue());
      if (v < format.minCode || v > format.maxCode) {
        os << "zero point " << v << " is outside the range [" << format.minCode
           << ", " << format.maxCode << "] of '" << formatType << "'";
        return failure();
      }
      zeroPoints[i] = v;
    }
  }

  MLIRContext *ctx = formatType.getContext();
  auto storage = IntegerType::get(ctx, format.width);
  unsigned flags = format.isSigned ? quant::QuantizationFlags::Signed : 0;
  switch (layout.getKind()) {
  case LayoutKind::tensor:
    return cast<quant::QuantizedType>(quant::UniformQuantizedType::get(
        flags, storage, expressed, getShortestDouble(scales[0]), zeroPoints[0],
        format.minCode, format.maxCode));
  case LayoutKind::axis: {
    SmallVector<double> values;
    for (const APFloat &s : scales)
      values.push_back(getShortestDouble(s));
    return cast<quant::QuantizedType>(quant::UniformQuantizedPerAxisType::get(
        flags, storage, expressed, values, zeroPoints, layout.getAxis(),
        format.minCode, format.maxCode));
  }
  case LayoutKind::block: {
    SmallVector<int32_t> dims;
    SmallVector<int64_t> blocks;
    for (auto [d, size] : llvm::enumerate(data.getShape())) {
      int64_t block = layout.getBlock()[d];
      if (ShapedType::isDynamic(size)) {
        os << "block layout on dynamic dimension " << d
           << " has no sub-channel equivalent";
        return failure();
      }
      block = std::min(block, size);
      if (block == 0 || size % block != 0) {
        os << "block size " << layout.getBlock()[d]
           << " does not divide dimension " << d << " of size " << size
           << " (partial blocks have no !quant.uniform equivalent)";
        return failure();
      }
      if (block != size) {
        dims.push_back(d);
        blocks.push_back(block);
      }
    }
    auto shape = cast<ShapedType>(scale.getType()).getShape();
    SmallVector<APInt> zps;
    for (int64_t z : zeroPoints)
      zps.push_back(
          APInt(format.width, static_cast<uint64_t>(z), format.isSigned));
    auto scalesAttr =
        DenseElementsAttr::get(RankedTensorType::get(shape, expressed), scales);
    auto zpsAttr =
        DenseElementsAttr::get(RankedTensorType::get(shape, storage), zps);
    return cast<quant::QuantizedType>(
        quant::UniformQuantizedSubChannelType::get(
            flags, storage, expressed, scalesAttr, zpsAttr, dims, blocks,
            format.minCode, format.maxCode));
  }
  }
  llvm_unreachable("unknown layout kind");
}

static FailureOr<quant::QuantizedType> getQuantType(QuantizeOp op,
                                                    std::string &error) {
  auto data = op.getType();
  FailureOr<quant::QuantizedType> type = getQuantType(
      data.getElementType(), op.getInput().getType().getElementType(), data,
      op.getLayout(), op.getScale(), op.getZeroPoint(), error);
  if (succeeded(type) && op.getRounding() != RoundingMode::half_even) {
    llvm::raw_string_ostream(error)
        << "rounding mode " << stringifyRoundingMode(op.getRounding())
        << " has no !quant.uniform equivalent (quant.qcast is converted as "
           "round half to even)";
    return failure();
  }
  return type;
}

static FailureOr<quant::QuantizedType> getQuantType(DequantizeOp op,
                                                    std::string &error) {
  auto data = op.getInput().getType();
  return getQuantType(data.getElementType(), op.getType().getElementType(),
                      data, op.getLayout(), op.getScale(), op.getZeroPoint(),
                      error);
}

/// `value`, through lq.bitcast if its type is not `type`.
static Value castTo(OpBuilder &b, Location loc, Value value, Type type) {
  if (value.getType() == type)
    return value;
  return BitcastOp::create(b, loc, type, value);
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

namespace {
struct QuantizeToQCast : OpConversionPattern<QuantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(QuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    std::string error;
    FailureOr<quant::QuantizedType> qt = getQuantType(op, error);
    if (failed(qt))
      return rewriter.notifyMatchFailure(op, error);
    Location loc = op.getLoc();
    RankedTensorType data = op.getType();
    Value q = quant::QuantizeCastOp::create(rewriter, loc, data.clone(*qt),
                                            adaptor.getInput());
    Value stored = quant::StorageCastOp::create(
        rewriter, loc, data.clone(qt->getStorageType()), q);
    rewriter.replaceOp(op, castTo(rewriter, loc, stored,
                                  getTypeConverter()->convertType(data)));
    return success();
  }
};

struct DequantizeToDCast : OpConversionPattern<DequantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    std::string error;
    FailureOr<quant::QuantizedType> qt = getQuantType(op, error);
    if (failed(qt))
      return rewriter.notifyMatchFailure(op, error);
    Location loc = op.getLoc();
    RankedTensorType data = op.getInput().getType();
    Value stored = castTo(rewriter, loc, adaptor.getInput(),
                          data.clone(qt->getStorageType()));
    Value q =
        quant::StorageCastOp::create(rewriter, loc, data.clone(*qt), stored);
    rewriter.replaceOp(
        op, quant::DequantizeCastOp::create(rewriter, loc, op.getType(), q));
    return success();
  }
};

struct BitcastToStorage : OpConversionPattern<BitcastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BitcastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op,
                       castTo(rewriter, op.getLoc(), adaptor.getInput(),
                              getTypeConverter()->convertType(op.getType())));
    return success();
  }
};

/// Removes the cast pairs the patterns leave between neighbouring converted
/// ops: scast(scast(x)) and bitcast(bitcast(x)) that give back x's type.
template <typename CastOp> static void foldCastPairs(Operation *root) {
  root->walk([](CastOp op) {
    auto producer = op.getInput().template getDefiningOp<CastOp>();
    if (!producer || producer.getInput().getType() != op.getType())
      return;
    op.getResult().replaceAllUsesWith(producer.getInput());
    op.erase();
    if (producer->use_empty())
      producer.erase();
  });
}

struct ConvertLQToQuantPass
    : lpc::impl::ConvertLQToQuantBase<ConvertLQToQuantPass> {
  void runOnOperation() override {
    bool ok = true;
    // Scale and zero-point constants that the quant types absorb.
    SetVector<Operation *> constants;
    getOperation().walk([&](Operation *op) {
      std::string error;
      LogicalResult result = success();
      if (auto q = dyn_cast<QuantizeOp>(op))
        result = getQuantType(q, error);
      else if (auto d = dyn_cast<DequantizeOp>(op))
        result = getQuantType(d, error);
      else
        return;
      if (failed(result)) {
        op->emitOpError(error);
        ok = false;
      }
      for (Value v : op->getOperands().drop_front())
        if (Operation *def = v.getDefiningOp();
            def && def->hasTrait<OpTrait::ConstantLike>())
          constants.insert(def);
    });
    if (!ok)
      return signalPassFailure();

    MLIRContext *ctx = &getContext();
    TypeConverter converter;
    converter.addConversion([](Type t) { return t; });
    converter.addConversion([](RankedTensorType t) -> Type {
      Type elem = t.getElementType();
      if (!isa<IntType, TernaryType>(elem))
        return t;
      return t.clone(IntegerType::get(t.getContext(), getFormat(elem)->width));
    });
    auto materialize = [](OpBuilder &b, Type type, ValueRange inputs,
                          Location loc) -> Value {
      if (inputs.size() != 1 || !isa<RankedTensorType>(type))
        return Value();
      return BitcastOp::create(b, loc, type, inputs[0]);
    };
    converter.addSourceMaterialization(materialize);
    converter.addTargetMaterialization(materialize);

    ConversionTarget target(*ctx);
    target.addIllegalOp<QuantizeOp, DequantizeOp>();
    target.addDynamicallyLegalOp<BitcastOp>(
        [&](Operation *op) { return converter.isLegal(op); });
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });

    RewritePatternSet patterns(ctx);
    patterns.add<QuantizeToQCast, DequantizeToDCast, BitcastToStorage>(
        converter, ctx);
    populateFuncBoundaryConversion(converter, patterns, target);
    // quant's folders turn dcast(qcast(x)) into x, dropping the rounding;
    // convert every cast as written.
    ConversionConfig config;
    config.foldingMode = DialectConversionFoldingMode::Never;
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns), config)))
      return signalPassFailure();
    foldCastPairs<quant::StorageCastOp>(getOperation());
    foldCastPairs<BitcastOp>(getOperation());
    for (Operation *constant : constants)
      if (constant->use_empty())
        constant->erase();
  }
};
} // namespace
