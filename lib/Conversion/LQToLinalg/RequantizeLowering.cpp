//===- RequantizeLowering.cpp - Reference lowering of lq.requantize -------===//
//
// Fixed-point form: exact i64 arithmetic, q = round(v * M / 2^(31 + shift)).
// Float form: t = f32(v) * m, then the integer quantize body.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "lpc/Dialect/LQ/Utils/FormatCodegen.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace lpc::lq;

namespace {

/// Sign- or zero-extends an integer code of `format` to i64.
Value toI64(OpBuilder &b, Location loc, const Format &format, Value v) {
  Type i64 = b.getI64Type();
  if (v.getType() == i64)
    return v;
  if (format.isSigned)
    return arith::ExtSIOp::create(b, loc, i64, v);
  return arith::ExtUIOp::create(b, loc, i64, v);
}

/// round(p / 2^s) for i64 p and s in [0, 62] under `mode` (not stochastic).
Value roundShift(OpBuilder &b, Location loc, Value p, Value s,
                 RoundingMode mode) {
  Type i64 = b.getI64Type();
  auto c = [&](int64_t v) {
    return arith::ConstantIntOp::create(b, loc, i64, v);
  };
  auto cmp = [&](arith::CmpIPredicate pred, Value x, Value y) {
    return arith::CmpIOp::create(b, loc, pred, x, y);
  };
  Value floor = arith::ShRSIOp::create(b, loc, p, s);
  Value rem =
      arith::SubIOp::create(b, loc, p, arith::ShLIOp::create(b, loc, floor, s));
  Value sPos = cmp(arith::CmpIPredicate::sgt, s, c(0));
  Value sMinus1 = arith::MaxSIOp::create(
      b, loc, arith::SubIOp::create(b, loc, s, c(1)), c(0));
  Value half = arith::ShLIOp::create(b, loc, c(1), sMinus1);
  Value nonzero = cmp(arith::CmpIPredicate::ne, rem, c(0));
  Value negative = cmp(arith::CmpIPredicate::slt, p, c(0));
  Value up;
  switch (mode) {
  case RoundingMode::floor:
    up = arith::ConstantIntOp::create(b, loc, b.getI1Type(), 0);
    break;
  case RoundingMode::ceil:
    up = nonzero;
    break;
  case RoundingMode::toward_zero:
    up = arith::AndIOp::create(b, loc, negative, nonzero);
    break;
  case RoundingMode::away_from_zero:
    up = arith::AndIOp::create(
        b, loc,
        arith::XOrIOp::create(
            b, loc, negative,
            arith::ConstantIntOp::create(b, loc, b.getI1Type(), 1)),
        nonzero);
    break;
  case RoundingMode::half_toward_zero: {
    Value geHalf = cmp(arith::CmpIPredicate::sge, rem, half);
    Value gtHalf = cmp(arith::CmpIPredicate::sgt, rem, half);
    up = arith::AndIOp::create(
        b, loc, sPos,
        arith::SelectOp::create(b, loc, negative, geHalf, gtHalf));
    break;
  }
  case RoundingMode::half_away: {
    Value geHalf = cmp(arith::CmpIPredicate::sge, rem, half);
    Value gtHalf = cmp(arith::CmpIPredicate::sgt, rem, half);
    up = arith::AndIOp::create(
        b, loc, sPos,
        arith::SelectOp::create(b, loc, negative, gtHalf, geHalf));
    break;
  }
  case RoundingMode::half_even:
  case RoundingMode::stochastic: {
    Value gtHalf = cmp(arith::CmpIPredicate::sgt, rem, half);
    Value tie = cmp(arith::CmpIPredicate::eq, rem, half);
    Value odd = cmp(arith::CmpIPredicate::ne,
                    arith::AndIOp::create(b, loc, floor, c(1)), c(0));
    up = arith::AndIOp::create(
        b, loc, sPos,
        arith::OrIOp::create(b, loc, gtHalf,
                             arith::AndIOp::create(b, loc, tie, odd)));
    break;
  }
  }
  return arith::AddIOp::create(b, loc, floor,
                               arith::ExtUIOp::create(b, loc, i64, up));
}

struct RequantizeLowering : OpConversionPattern<RequantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(RequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Format in = *getAccumulatorFormat(op.getInput().getType().getElementType());
    Format out = *getFormat(op.getType().getElementType());
    LayoutAttr layout = op.getLayout();
    auto formatOf = [](Value v) -> std::optional<Format> {
      if (!v)
        return std::nullopt;
      return getAccumulatorFormat(
          cast<ShapedType>(v.getType()).getElementType());
    };
    std::optional<Format> inZpFormat = formatOf(op.getInputZeroPoint());
    std::optional<Format> outZpFormat = formatOf(op.getZeroPoint());
    std::optional<Format> shiftFormat = formatOf(op.getShift());
    RoundingMode mode = op.getRounding();
    int64_t seed = op.getSeed();
    SmallVector<Value> dims;
    if (mode == RoundingMode::stochastic) {
      int64_t rank = op.getInput().getType().getRank();
      for (int64_t d = 0; d < rank; ++d)
        dims.push_back(
            tensor::DimOp::create(rewriter, loc, adaptor.getInput(), d));
    }
    Type storage = rewriter.getIntegerType(out.width);
    Value result = buildElementwise(
        rewriter, loc, adaptor.getInput(), storage,
        [&](OpBuilder &b, Location l, Value x, ValueRange idx) -> Value {
          Type i64 = b.getI64Type();
          SmallVector<Value> sIdx = scaleIndices(b, l, layout, idx);
          auto load = [&](Value t) {
            return tensor::ExtractOp::create(b, l, t, sIdx);
          };
          Value v = toI64(b, l, in, x);
          if (inZpFormat)
            v = arith::SubIOp::create(
                b, l, v,
                toI64(b, l, *inZpFormat, load(adaptor.getInputZeroPoint())));
          Value zp;
          if (outZpFormat)
            zp = emitZeroPointI32(b, l, *outZpFormat,
                                  load(adaptor.getZeroPoint()));
          if (!shiftFormat) {
            // Float form.
            Value t = arith::SIToFPOp::create(b, l, b.getF32Type(), v);
            t = arith::MulFOp::create(
                b, l, t, toF32(b, l, load(adaptor.getMultiplier())));
            Value index = mode == RoundingMode::stochastic
                              ? linearIndex(b, l, dims, idx)
                              : Value();
            return emitEncode(b, l, out, t, zp, mode, index, seed,
                              /*saturate=*/true);
          }
          // Fixed-point form.
          Value m =
              arith::ExtSIOp::create(b, l, i64, load(adaptor.getMultiplier()));
          Value shift = toI64(b, l, *shiftFormat, load(adaptor.getShift()));
          Value s = arith::AddIOp::create(
              b, l, shift, arith::ConstantIntOp::create(b, l, i64, 31));
          s = arith::MinSIOp::create(
              b, l,
              arith::MaxSIOp::create(
                  b, l, s, arith::ConstantIntOp::create(b, l, i64, 0)),
              arith::ConstantIntOp::create(b, l, i64, 62));
          Value p = arith::MulIOp::create(b, l, v, m);
          Value q = roundShift(b, l, p, s, mode);
          if (zp)
            q = arith::AddIOp::create(b, l, q,
                                      arith::ExtSIOp::create(b, l, i64, zp));
          q = arith::MaxSIOp::create(
              b, l, q, arith::ConstantIntOp::create(b, l, i64, out.minCode));
          q = arith::MinSIOp::create(
              b, l, q, arith::ConstantIntOp::create(b, l, i64, out.maxCode));
          return arith::TruncIOp::create(b, l, storage, q);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};
} // namespace

void lpc::lq::populateRequantizeLowering(TypeConverter &converter,
                                         RewritePatternSet &patterns) {
  patterns.add<RequantizeLowering>(converter, patterns.getContext());
}
