//===- FormatCodegen.cpp - Scalar IR for encoding and decoding ------------===//
//
// Every function here mirrors a paragraph of docs/Semantics.md; keep them in
// sync. All integer arithmetic is i32 (codes are at most 16 bits), hashing is
// i64 with wrap-around.
//
//===----------------------------------------------------------------------===//

#include "lpc/Dialect/LQ/Utils/FormatCodegen.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace lpc::lq;

namespace {
/// Small helper that keeps the emitted scalar code readable.
struct Emitter {
  OpBuilder &b;
  Location loc;

  Type i32() { return b.getI32Type(); }
  Type f32() { return b.getF32Type(); }
  Value ci32(int64_t v) {
    return arith::ConstantIntOp::create(b, loc, i32(), v);
  }
  Value ci64(uint64_t v) {
    return arith::ConstantIntOp::create(b, loc, b.getI64Type(),
                                        static_cast<int64_t>(v));
  }
  Value cf32(float v) {
    return arith::ConstantFloatOp::create(b, loc, b.getF32Type(), APFloat(v));
  }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value band(Value x, Value y) { return arith::AndIOp::create(b, loc, x, y); }
  Value bor(Value x, Value y) { return arith::OrIOp::create(b, loc, x, y); }
  Value bxor(Value x, Value y) { return arith::XOrIOp::create(b, loc, x, y); }
  Value shl(Value x, Value y) { return arith::ShLIOp::create(b, loc, x, y); }
  Value shr(Value x, Value y) { return arith::ShRUIOp::create(b, loc, x, y); }
  Value smax(Value x, Value y) { return arith::MaxSIOp::create(b, loc, x, y); }
  Value smin(Value x, Value y) { return arith::MinSIOp::create(b, loc, x, y); }
  Value icmp(arith::CmpIPredicate p, Value x, Value y) {
    return arith::CmpIOp::create(b, loc, p, x, y);
  }
  Value fcmp(arith::CmpFPredicate p, Value x, Value y) {
    return arith::CmpFOp::create(b, loc, p, x, y);
  }
  Value select(Value c, Value x, Value y) {
    return arith::SelectOp::create(b, loc, c, x, y);
  }
  Value bitcastToI32(Value f) {
    return arith::BitcastOp::create(b, loc, i32(), f);
  }
  Value bitcastToF32(Value i) {
    return arith::BitcastOp::create(b, loc, f32(), i);
  }
  /// 2^k as f32 for an i32 k in [-149, 127] (exact, subnormals included).
  Value pow2(Value k) {
    Value isNormal = icmp(arith::CmpIPredicate::sge, k, ci32(-126));
    Value normalExp = smin(smax(k, ci32(-126)), ci32(127));
    Value normalBits = shl(add(normalExp, ci32(127)), ci32(23));
    Value subShift = smin(smax(add(k, ci32(149)), ci32(0)), ci32(22));
    Value subBits = shl(ci32(1), subShift);
    return bitcastToF32(select(isNormal, normalBits, subBits));
  }
};
} // namespace

Value lpc::lq::emitRound(OpBuilder &b, Location loc, Value v, RoundingMode mode,
                         Value index, int64_t seed) {
  Emitter e{b, loc};
  switch (mode) {
  case RoundingMode::half_even:
    return math::RoundEvenOp::create(b, loc, v);
  case RoundingMode::half_away:
    return math::RoundOp::create(b, loc, v);
  case RoundingMode::toward_zero:
    return math::TruncOp::create(b, loc, v);
  case RoundingMode::floor:
    return math::FloorOp::create(b, loc, v);
  case RoundingMode::ceil:
    return math::CeilOp::create(b, loc, v);
  case RoundingMode::away_from_zero: {
    Value mag = math::CeilOp::create(b, loc, math::AbsFOp::create(b, loc, v));
    return math::CopySignOp::create(b, loc, mag, v);
  }
  case RoundingMode::half_toward_zero: {
    // trunc(v), plus one step away from zero when |v - trunc(v)| > 1/2
    // (v - trunc(v) is exact, so ties stay at trunc(v)).
    Value t = math::TruncOp::create(b, loc, v);
    Value frac =
        math::AbsFOp::create(b, loc, arith::SubFOp::create(b, loc, v, t));
    Value up = e.fcmp(arith::CmpFPredicate::OGT, frac, e.cf32(0.5f));
    Value step = math::CopySignOp::create(b, loc, e.cf32(1.0f), v);
    return arith::AddFOp::create(b, loc, t, e.select(up, step, e.cf32(0.0f)));
  }
  case RoundingMode::stochastic: {
    // splitmix64 finalizer over seed + (index + 1) * golden ratio.
    Value z =
        e.add(e.ci64(static_cast<uint64_t>(seed)),
              e.mul(e.add(index, e.ci64(1)), e.ci64(0x9E3779B97F4A7C15ULL)));
    z = e.mul(e.bxor(z, e.shr(z, e.ci64(30))), e.ci64(0xBF58476D1CE4E5B9ULL));
    z = e.mul(e.bxor(z, e.shr(z, e.ci64(27))), e.ci64(0x94D049BB133111EBULL));
    z = e.bxor(z, e.shr(z, e.ci64(31)));
    Value r24 = e.shr(z, e.ci64(40));
    Value p = arith::MulFOp::create(
        b, loc, arith::UIToFPOp::create(b, loc, e.f32(), r24),
        e.cf32(1.0f / 16777216.0f));
    Value fl = math::FloorOp::create(b, loc, v);
    Value frac = arith::SubFOp::create(b, loc, v, fl);
    Value up = e.fcmp(arith::CmpFPredicate::OGT, frac, p);
    return arith::AddFOp::create(b, loc, fl,
                                 e.select(up, e.cf32(1.0f), e.cf32(0.0f)));
  }
  }
  llvm_unreachable("unknown rounding mode");
}

/// Integer formats: round, add the zero point, saturate.
static Value encodeInteger(Emitter &e, const Format &format, Value t,
                           Value zeroPoint, RoundingMode mode, Value index,
                           int64_t seed) {
  OpBuilder &b = e.b;
  Location loc = e.loc;
  Value isNan = e.fcmp(arith::CmpFPredicate::UNO, t, t);
  Value safe = e.select(isNan, e.cf32(0.0f), t);
  Value r = emitRound(b, loc, safe, mode, index, seed);
  if (zeroPoint)
    r = arith::AddFOp::create(
        b, loc, r, arith::SIToFPOp::create(b, loc, e.f32(), zeroPoint));
  r = arith::MaximumFOp::create(b, loc, r,
                                e.cf32(static_cast<float>(format.minCode)));
  r = arith::MinimumFOp::create(b, loc, r,
                                e.cf32(static_cast<float>(format.maxCode)));
  Value q = arith::FPToSIOp::create(b, loc, e.i32(), r);
  return arith::TruncIOp::create(b, loc, b.getIntegerType(format.width), q);
}

/// Minifloats: Semantics.md "quantize", minifloat branch.
static Value encodeMiniFloat(Emitter &e, const Format &f, Value t,
                             RoundingMode mode, Value index, int64_t seed,
                             bool saturate) {
  OpBuilder &b = e.b;
  Location loc = e.loc;
  const int64_t mBits = f.mantissaBits;
  const int64_t allExp = (int64_t(1) << f.exponentBits) - 1;
  const int64_t allMant = (int64_t(1) << mBits) - 1;
  const int64_t hidden = int64_t(1) << mBits;
  auto [fmax, mmax] = f.getMaxFinite();
  const int64_t maxMag = (fmax << mBits) | mmax;
  const int64_t signBit = f.isSigned ? int64_t(1) << (f.width - 1) : 0;

  Value isNan = e.fcmp(arith::CmpFPredicate::UNO, t, t);
  if (!f.isSigned) // Negative values and -0 become +0.
    t = arith::MaximumFOp::create(b, loc, t, e.cf32(0.0f));
  Value a = math::AbsFOp::create(b, loc, t);
  Value isInf = e.fcmp(arith::CmpFPredicate::OEQ, a,
                       e.cf32(std::numeric_limits<float>::infinity()));
  Value special = arith::OrIOp::create(b, loc, isNan, isInf);
  Value tSafe = e.select(special, e.cf32(0.0f), t);
  Value aSafe = e.select(special, e.cf32(0.0f), a);

  // Binade of |t|, clamped below at emin.
  Value bits = e.bitcastToI32(aSafe);
  Value exp = e.sub(e.band(e.shr(bits, e.ci32(23)), e.ci32(0xff)), e.ci32(127));
  exp = e.smax(exp, e.ci32(f.getMinExponent()));
  Value quantum = e.pow2(e.sub(exp, e.ci32(mBits)));
  Value sv = arith::DivFOp::create(b, loc, tSafe, quantum);
  // A nonzero value whose scaled magnitude underflowed f32 keeps its sign and
  // non-zeroness; every rounding mode treats all such tiny values alike.
  Value lost = arith::AndIOp::create(
      b, loc, e.fcmp(arith::CmpFPredicate::ONE, tSafe, e.cf32(0.0f)),
      e.fcmp(arith::CmpFPredicate::OEQ, sv, e.cf32(0.0f)));
  Value tiny =
      math::CopySignOp::create(b, loc, e.bitcastToF32(e.ci32(1)), tSafe);
  sv = e.select(lost, tiny, sv);

  Value r = emitRound(b, loc, sv, mode, index, seed);
  Value mag =
      arith::FPToSIOp::create(b, loc, e.i32(), math::AbsFOp::create(b, loc, r));
  // Carry into the next binade.
  Value carry = e.icmp(arith::CmpIPredicate::eq, mag, e.ci32(2 * hidden));
  exp = e.select(carry, e.add(exp, e.ci32(1)), exp);
  mag = e.select(carry, e.ci32(hidden), mag);
  if (!f.hasSubnormals)
    mag = e.smax(mag, e.ci32(hidden));
  Value isNormal = e.icmp(arith::CmpIPredicate::sge, mag, e.ci32(hidden));
  Value field = e.select(isNormal, e.add(exp, e.ci32(f.bias)), e.ci32(0));
  Value mant = e.select(isNormal, e.sub(mag, e.ci32(hidden)), mag);
  // (field, mant) > (fmax, mmax), compared as one magnitude code; field can
  // exceed the exponent width here, so compare before packing.
  Value overflow = arith::OrIOp::create(
      b, loc, e.icmp(arith::CmpIPredicate::sgt, field, e.ci32(fmax)),
      arith::AndIOp::create(
          b, loc, e.icmp(arith::CmpIPredicate::eq, field, e.ci32(fmax)),
          e.icmp(arith::CmpIPredicate::sgt, mant, e.ci32(mmax))));
  Value code = e.bor(e.shl(field, e.ci32(mBits)), mant);

  Value sign = e.ci32(0);
  if (f.isSigned) {
    Value negative =
        e.icmp(arith::CmpIPredicate::slt, e.bitcastToI32(t), e.ci32(0));
    sign = e.select(negative, e.ci32(signBit), e.ci32(0));
  }
  // Overflow and infinities.
  int64_t nanCode = f.nan == NanKind::negzero ? signBit
                    : f.nan == NanKind::none  ? maxMag
                                              : (allExp << mBits) | allMant;
  Value bigMag;
  if (saturate || (!f.hasInf && f.nan == NanKind::none))
    bigMag = e.bor(sign, e.ci32(maxMag));
  else if (f.hasInf)
    bigMag = e.bor(sign, e.ci32(allExp << mBits));
  else if (f.nan == NanKind::negzero)
    bigMag = e.ci32(nanCode);
  else // NaN keeps the sign of the overflowing value.
    bigMag = e.bor(sign, e.ci32(nanCode));
  Value result = e.bor(sign, code);
  if (f.nan == NanKind::negzero) {
    Value isZero = e.icmp(arith::CmpIPredicate::eq, code, e.ci32(0));
    result = e.select(isZero, e.ci32(0), result);
  }
  result =
      e.select(arith::OrIOp::create(b, loc, overflow, isInf), bigMag, result);
  result = e.select(isNan, e.ci32(nanCode), result);
  return arith::TruncIOp::create(b, loc, b.getIntegerType(f.width), result);
}

/// Codebooks: the nearest entry by f32 |t - v|, ties to the lowest code;
/// t is first clamped to the table's range (so +-Inf pick the extremes) and
/// NaN is replaced by 0.
static Value encodeCodebook(Emitter &e, const Format &f, Value t) {
  OpBuilder &b = e.b;
  Location loc = e.loc;
  float lo = *llvm::min_element(f.table), hi = *llvm::max_element(f.table);
  Value isNan = e.fcmp(arith::CmpFPredicate::UNO, t, t);
  t = e.select(isNan, e.cf32(0.0f), t);
  t = arith::MaximumFOp::create(b, loc, t, e.cf32(lo));
  t = arith::MinimumFOp::create(b, loc, t, e.cf32(hi));
  auto distance = [&](float v) {
    return math::AbsFOp::create(b, loc,
                                arith::SubFOp::create(b, loc, t, e.cf32(v)));
  };
  Value best = e.ci32(0);
  Value bestDist = distance(f.table[0]);
  for (size_t i = 1; i < f.table.size(); ++i) {
    Value d = distance(f.table[i]);
    Value closer = e.fcmp(arith::CmpFPredicate::OLT, d, bestDist);
    best = e.select(closer, e.ci32(i), best);
    bestDist = e.select(closer, d, bestDist);
  }
  return arith::TruncIOp::create(b, loc, b.getIntegerType(f.width), best);
}

Value lpc::lq::emitEncode(OpBuilder &b, Location loc, const Format &format,
                          Value t, Value zeroPoint, RoundingMode mode,
                          Value index, int64_t seed, bool saturate) {
  Emitter e{b, loc};
  switch (format.kind) {
  case FormatKind::Bipolar: {
    return e.fcmp(arith::CmpFPredicate::UGE, t, e.cf32(0.0f));
  }
  case FormatKind::Integer:
    return encodeInteger(e, format, t, zeroPoint, mode, index, seed);
  case FormatKind::MiniFloat:
    return encodeMiniFloat(e, format, t, mode, index, seed, saturate);
  case FormatKind::Codebook:
    return encodeCodebook(e, format, t);
  }
  llvm_unreachable("unknown format kind");
}

Value lpc::lq::emitZeroPointI32(OpBuilder &b, Location loc,
                                const Format &zpFormat, Value zp) {
  Type i32 = b.getI32Type();
  if (zp.getType() == i32)
    return zp;
  if (cast<IntegerType>(zp.getType()).getWidth() > 32)
    return arith::TruncIOp::create(b, loc, i32, zp);
  if (zpFormat.isSigned)
    return arith::ExtSIOp::create(b, loc, i32, zp);
  return arith::ExtUIOp::create(b, loc, i32, zp);
}

Value lpc::lq::emitDecodeInt(OpBuilder &b, Location loc, const Format &format,
                             Value code, Value zeroPoint) {
  Emitter e{b, loc};
  Value v;
  if (format.kind == FormatKind::Bipolar) {
    Value c = arith::ExtUIOp::create(b, loc, e.i32(), code);
    v = e.sub(e.add(c, c), e.ci32(1));
  } else if (format.width == 32) {
    v = code;
  } else if (format.isSigned) {
    v = arith::ExtSIOp::create(b, loc, e.i32(), code);
  } else {
    v = arith::ExtUIOp::create(b, loc, e.i32(), code);
  }
  return zeroPoint ? e.sub(v, zeroPoint) : v;
}

Value lpc::lq::emitDecodeF32(OpBuilder &b, Location loc, const Format &f,
                             Value code) {
  Emitter e{b, loc};
  if (f.isCodebook()) {
    auto tableType =
        RankedTensorType::get({static_cast<int64_t>(f.table.size())}, e.f32());
    Value table = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(tableType, ArrayRef<float>(f.table)));
    Value idx = arith::IndexCastUIOp::create(b, loc, b.getIndexType(), code);
    return tensor::ExtractOp::create(b, loc, table, idx);
  }
  if (!f.isMiniFloat())
    return arith::SIToFPOp::create(b, loc, e.f32(),
                                   emitDecodeInt(b, loc, f, code, Value()));
  const int64_t mBits = f.mantissaBits;
  const int64_t allExp = (int64_t(1) << f.exponentBits) - 1;
  const int64_t allMant = (int64_t(1) << mBits) - 1;
  Value c = arith::ExtUIOp::create(b, loc, e.i32(), code);
  Value field = e.band(e.shr(c, e.ci32(mBits)), e.ci32(allExp));
  Value mant = e.band(c, e.ci32(allMant));
  Value negative = e.ci32(0);
  if (f.isSigned)
    negative = e.band(e.shr(c, e.ci32(f.width - 1)), e.ci32(1));
  Value isNeg = e.icmp(arith::CmpIPredicate::ne, negative, e.ci32(0));

  Value isSub = f.hasSubnormals
                    ? e.icmp(arith::CmpIPredicate::eq, field, e.ci32(0))
                    : arith::ConstantIntOp::create(b, loc, b.getI1Type(), 0);
  Value sig = e.select(isSub, mant, e.add(mant, e.ci32(int64_t(1) << mBits)));
  Value k = e.sub(e.select(isSub, e.ci32(1), field), e.ci32(f.bias + mBits));
  Value value = arith::MulFOp::create(
      b, loc, arith::SIToFPOp::create(b, loc, e.f32(), sig), e.pow2(k));

  Value nan = e.cf32(std::numeric_limits<float>::quiet_NaN());
  Value inf = e.cf32(std::numeric_limits<float>::infinity());
  Value topField = e.icmp(arith::CmpIPredicate::eq, field, e.ci32(allExp));
  Value zeroMant = e.icmp(arith::CmpIPredicate::eq, mant, e.ci32(0));
  switch (f.nan) {
  case NanKind::none:
    break;
  case NanKind::ieee: {
    Value special = topField;
    if (f.hasInf)
      value = e.select(arith::AndIOp::create(b, loc, topField, zeroMant), inf,
                       value);
    Value isNan =
        f.hasInf ? arith::AndIOp::create(
                       b, loc, topField,
                       arith::XOrIOp::create(b, loc, zeroMant,
                                             arith::ConstantIntOp::create(
                                                 b, loc, b.getI1Type(), 1)))
                 : special;
    value = e.select(isNan, nan, value);
    break;
  }
  case NanKind::allones: {
    Value isNan = arith::AndIOp::create(
        b, loc, topField,
        e.icmp(arith::CmpIPredicate::eq, mant, e.ci32(allMant)));
    value = e.select(isNan, nan, value);
    break;
  }
  case NanKind::negzero: {
    Value isNan = arith::AndIOp::create(
        b, loc, isNeg,
        e.icmp(arith::CmpIPredicate::eq, e.bor(field, mant), e.ci32(0)));
    value = e.select(isNan, nan, value);
    break;
  }
  }
  return e.select(isNeg, arith::NegFOp::create(b, loc, value), value);
}
