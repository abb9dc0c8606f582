//===- QuantToLQ.cpp - Upstream !quant.uniform to lq ----------------------===//
//
// Moves the scales and zero points of !quant.uniform types out of the type
// into constant tensors, so quant.qcast / quant.dcast become lq.quantize /
// lq.dequantize and quantized tensors become tensors of lq integer formats.
//
//===----------------------------------------------------------------------===//

#include "lpc/Conversion/QuantToLQ/QuantToLQ.h"
#include "lpc/Dialect/LQ/IR/LQ.h"
#include "lpc/Dialect/LQ/Utils/ConversionUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Transforms/DialectConversion.h"

namespace lpc {
#define GEN_PASS_DEF_CONVERTQUANTTOLQ
#include "lpc/Conversion/Passes.h.inc"
} // namespace lpc

using namespace mlir;
using namespace lpc;
using namespace lpc::lq;

namespace {
/// What one !quant.uniform type of a ranked tensor says, in lq terms.
struct LQParams {
  IntType format;
  LayoutAttr layout;
  /// Scales in the expressed type, shaped as the layout requires.
  DenseElementsAttr scale;
  /// Integer zero points of the scale's shape, or null when all are zero.
  DenseElementsAttr zeroPoint;
};
} // namespace

/// Where the helpers below report why a type has no lq equivalent.
using EmitErrorFn = function_ref<InFlightDiagnostic()>;

/// The lq integer format of `qt`'s storage; fails through `emitError`.
static FailureOr<IntType> getLQFormat(quant::QuantizedType qt,
                                      EmitErrorFn emitError) {
  if (!isa<quant::UniformQuantizedType, quant::UniformQuantizedPerAxisType,
           quant::UniformQuantizedSubChannelType>(qt)) {
    return emitError()
           << "only !quant.uniform types have an lq equivalent, got " << qt;
  }
  Type expressed = qt.getExpressedType();
  if (!expressed.isF32() && !expressed.isF16() && !expressed.isBF16()) {
    return emitError() << "expressed type " << expressed
                       << " is not f32, f16 or bf16";
  }
  unsigned width = qt.getStorageTypeIntegralWidth();
  if (width > 16) {
    return emitError() << "storage width " << width
                       << " exceeds the 16 bits of lq integer formats";
  }
  bool isSigned = qt.isSigned();
  int64_t lo =
      quant::QuantizedType::getDefaultMinimumForInteger(isSigned, width);
  int64_t hi =
      quant::QuantizedType::getDefaultMaximumForInteger(isSigned, width);
  int64_t min = qt.getStorageTypeMin(), max = qt.getStorageTypeMax();
  bool full = min == lo && max == hi;
  bool narrow =
      isSigned ? (min == lo + 1 && max == hi) : (min == lo && max == hi - 1);
  if (!full && !narrow) {
    return emitError() << "storage range [" << min << ", " << max << "] of "
                       << (isSigned ? "i" : "u") << width
                       << " is neither the full nor the narrow range of an lq "
                          "integer format";
  }
  return IntType::get(qt.getContext(), width, isSigned, narrow && !full);
}

/// `values` (doubles) as a dense tensor of the expressed float type.
static DenseElementsAttr getScaleAttr(ArrayRef<int64_t> shape, Type expressed,
                                      ArrayRef<double> values) {
  auto floatType = cast<FloatType>(expressed);
  SmallVector<APFloat> converted;
  for (double v : values) {
    APFloat f(v);
    bool losesInfo;
    f.convert(floatType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
              &losesInfo);
    converted.push_back(f);
  }
  return DenseElementsAttr::get(RankedTensorType::get(shape, expressed),
                                converted);
}

/// Zero points as a dense tensor of the storage's builtin integer type (iW
/// for signed storage, uiW for unsigned), or null when all are zero.
static FailureOr<DenseElementsAttr> getZeroPointAttr(quant::QuantizedType qt,
                                                     ArrayRef<int64_t> shape,
                                                     ArrayRef<int64_t> values,
                                                     EmitErrorFn emitError) {
  int64_t min = qt.getStorageTypeMin(), max = qt.getStorageTypeMax();
  for (int64_t z : values) {
    if (z < min || z > max) {
      return emitError() << "zero point " << z
                         << " is outside the storage range [" << min << ", "
                         << max << "]";
    }
  }
  if (llvm::all_of(values, [](int64_t z) { return z == 0; }))
    return DenseElementsAttr();
  unsigned width = qt.getStorageTypeIntegralWidth();
  auto elem = IntegerType::get(qt.getContext(), width,
                               qt.isSigned() ? IntegerType::Signless
                                             : IntegerType::Unsigned);
  SmallVector<APInt> ints;
  for (int64_t z : values)
    ints.push_back(APInt(width, static_cast<uint64_t>(z), qt.isSigned()));
  return DenseElementsAttr::get(RankedTensorType::get(shape, elem), ints);
}

/// The lq format, layout, scales and zero points of a ranked tensor of
/// element type `qt` and shape `shape`; fails through `emitError`.
static FailureOr<LQParams> getLQParams(quant::QuantizedType qt,
                                       ArrayRef<int64_t> shape,
                                       EmitErrorFn emitError) {
  FailureOr<IntType> format = getLQFormat(qt, emitError);
  if (failed(format))
    return failure();
  MLIRContext *ctx = qt.getContext();
  Type expressed = qt.getExpressedType();
  LQParams params;
  params.format = *format;
  SmallVector<int64_t> scaleShape;
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
  if (auto t = dyn_cast<quant::UniformQuantizedType>(qt)) {
    params.layout = LayoutAttr::getTensor(ctx);
    scales.push_back(t.getScale());
    zeroPoints.push_back(t.getZeroPoint());
  } else if (auto t = dyn_cast<quant::UniformQuantizedPerAxisType>(qt)) {
    params.layout = LayoutAttr::getAxis(ctx, t.getQuantizedDimension());
    scales.append(t.getScales().begin(), t.getScales().end());
    zeroPoints.append(t.getZeroPoints().begin(), t.getZeroPoints().end());
    scaleShape.push_back(scales.size());
  } else {
    auto sub = cast<quant::UniformQuantizedSubChannelType>(qt);
    // Dimensions without a block size form one block.
    SmallVector<int64_t> block(shape.begin(), shape.end());
    for (auto [dim, size] : sub.getBlockSizeInfo())
      block[dim] = size;
    for (auto [d, b] : llvm::enumerate(block)) {
      if (ShapedType::isDynamic(b)) {
        return emitError() << "sub-channel type leaves dynamic dimension " << d
                           << " without a block size";
      }
    }
    params.layout = LayoutAttr::getBlock(ctx, block);
    DenseElementsAttr s = sub.getScales();
    llvm::append_range(scaleShape, s.getType().getShape());
    for (APFloat v : s.getValues<APFloat>()) {
      bool losesInfo;
      v.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven,
                &losesInfo);
      scales.push_back(v.convertToDouble());
    }
    zeroPoints.assign(scales.size(), 0);
    if (DenseElementsAttr zps = sub.getZeroPoints())
      for (auto [i, z] : llvm::enumerate(zps.getValues<APInt>()))
        zeroPoints[i] = qt.isSigned() ? z.getSExtValue()
                                      : static_cast<int64_t>(z.getZExtValue());
  }
  params.scale = getScaleAttr(scaleShape, expressed, scales);
  FailureOr<DenseElementsAttr> zp =
      getZeroPointAttr(qt, scaleShape, zeroPoints, emitError);
  if (failed(zp))
    return failure();
  params.zeroPoint = *zp;
  return params;
}

/// The quantized element type of `type`, if it has one.
static quant::QuantizedType getQuantElement(Type type) {
  return dyn_cast<quant::QuantizedType>(getElementTypeOrSelf(type));
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

namespace {
/// Scale and zero-point constants for a tensor of quantized type `type`.
struct Constants {
  LQParams params;
  Value scale, zeroPoint;
};

static Constants createConstants(OpBuilder &b, Location loc,
                                 RankedTensorType type) {
  // The pass checked every quantized type before converting.
  LQParams params = *getLQParams(getQuantElement(type), type.getShape(),
                                 [&] { return emitError(loc); });
  Constants c{params, arith::ConstantOp::create(b, loc, params.scale), Value()};
  if (params.zeroPoint)
    c.zeroPoint = arith::ConstantOp::create(b, loc, params.zeroPoint);
  return c;
}

struct QuantizeCastLowering : OpConversionPattern<quant::QuantizeCastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(quant::QuantizeCastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Constants c = createConstants(rewriter, op.getLoc(), type);
    rewriter.replaceOp(op, QuantizeOp::create(rewriter, op.getLoc(),
                                              type.clone(c.params.format),
                                              adaptor.getInput(), c.scale,
                                              c.zeroPoint, c.params.layout));
    return success();
  }
};

struct DequantizeCastLowering : OpConversionPattern<quant::DequantizeCastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(quant::DequantizeCastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getInput().getType());
    Constants c = createConstants(rewriter, op.getLoc(), type);
    rewriter.replaceOp(op,
                       DequantizeOp::create(rewriter, op.getLoc(), op.getType(),
                                            adaptor.getInput(), c.scale,
                                            c.zeroPoint, c.params.layout));
    return success();
  }
};

struct StorageCastLowering : OpConversionPattern<quant::StorageCastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(quant::StorageCastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type resultType = getTypeConverter()->convertType(op.getType());
    rewriter.replaceOp(op, BitcastOp::create(rewriter, op.getLoc(), resultType,
                                             adaptor.getInput()));
    return success();
  }
};

struct ConvertQuantToLQPass
    : lpc::impl::ConvertQuantToLQBase<ConvertQuantToLQPass> {
  /// Reports, once per type, every quantized type that has no lq
  /// equivalent, and every op other than quant casts and func ops that
  /// carries one.
  LogicalResult checkRepresentable() {
    bool ok = true;
    DenseSet<Type> reported;
    getOperation().walk<WalkOrder::PreOrder>([&](Operation *op) {
      SmallVector<Type> types(op->getOperandTypes());
      llvm::append_range(types, op->getResultTypes());
      if (auto func = dyn_cast<FunctionOpInterface>(op)) {
        llvm::append_range(types, func.getArgumentTypes());
        llvm::append_range(types, func.getResultTypes());
      }
      bool hasQuant = false;
      for (Type type : types) {
        quant::QuantizedType qt = getQuantElement(type);
        if (!qt)
          continue;
        hasQuant = true;
        if (!reported.insert(type).second)
          continue;
        auto tensor = dyn_cast<RankedTensorType>(type);
        if (!tensor) {
          op->emitOpError("has ")
              << type
              << ": quantized values outside ranked tensors have no lq "
                 "equivalent";
          ok = false;
          return;
        }
        if (failed(getLQParams(qt, tensor.getShape(),
                               [&] { return op->emitOpError(); }))) {
          ok = false;
          return;
        }
      }
      if (hasQuant && !isa<quant::QuantDialect>(op->getDialect()) &&
          !isa<func::FuncOp, func::CallOp, func::ReturnOp>(op)) {
        op->emitOpError("operates on !quant.uniform values, but only "
                        "quant.qcast, quant.dcast, quant.scast and "
                        "func.func/call/return are converted to lq");
        ok = false;
      }
    });
    return success(ok);
  }

  void runOnOperation() override {
    if (failed(checkRepresentable()))
      return signalPassFailure();
    MLIRContext *ctx = &getContext();
    TypeConverter converter;
    converter.addConversion([](Type t) { return t; });
    converter.addConversion([](RankedTensorType t) -> Type {
      quant::QuantizedType qt = getQuantElement(t);
      if (!qt)
        return t;
      // Checked by checkRepresentable.
      return t.clone(*getLQFormat(
          qt, [&] { return emitError(UnknownLoc::get(t.getContext())); }));
    });
    addUnrealizedCastMaterializations(converter);

    ConversionTarget target(*ctx);
    target.addIllegalDialect<quant::QuantDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });

    RewritePatternSet patterns(ctx);
    patterns
        .add<QuantizeCastLowering, DequantizeCastLowering, StorageCastLowering>(
            converter, ctx);
    populateFuncBoundaryConversion(converter, patterns, target);
    // quant's folders turn dcast(qcast(x)) into x, dropping the rounding;
    // convert every cast as written.
    ConversionConfig config;
    config.foldingMode = DialectConversionFoldingMode::Never;
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns), config)))
      signalPassFailure();
  }
};
} // namespace
