//===- FormatCodegen.cpp - Scalar IR for encoding and decoding ------------===//
//
// Every function here mirrors a paragraph of docs/Semantics.md; keep them in
// sync. All integer arithmetic is i32 (codes are at most 16 bits), hashing is
// i64 with wrap-around.
//
//===----------------------------------------------------------------------===//

#include "lpc/Dialect/LQ/Utils/FormatCodegen.h"

#include "lpc/Dialect/LQ/Utils/ScalarBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>

using namespace mlir;
using namespace lpc::lq;

Value lpc::lq::emitRound(OpBuilder &b, Location loc, Value v, RoundingMode mode,
                         Value index, int64_t seed) {
  ScalarBuilder e{b, loc};
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
    Value up = e.cmpf(arith::CmpFPredicate::OGT, frac, e.constF32(0.5f));
    Value step = math::CopySignOp::create(b, loc, e.constF32(1.0f), v);
    return arith::AddFOp::create(b, loc, t,
                                 e.select(up, step, e.constF32(0.0f)));
  }
  case RoundingMode::stochastic: {
    // splitmix64 finalizer over seed + (index + 1) * golden ratio.
    Value z = e.addi(e.constI64(static_cast<uint64_t>(seed)),
                     e.muli(e.addi(index, e.constI64(1)),
                            e.constI64(0x9E3779B97F4A7C15ULL)));
    z = e.muli(e.xori(z, e.shrui(z, e.constI64(30))),
               e.constI64(0xBF58476D1CE4E5B9ULL));
    z = e.muli(e.xori(z, e.shrui(z, e.constI64(27))),
               e.constI64(0x94D049BB133111EBULL));
    z = e.xori(z, e.shrui(z, e.constI64(31)));
    Value r24 = e.shrui(z, e.constI64(40));
    Value p = arith::MulFOp::create(
        b, loc, arith::UIToFPOp::create(b, loc, e.f32(), r24),
        e.constF32(1.0f / 16777216.0f));
    Value fl = math::FloorOp::create(b, loc, v);
    Value frac = arith::SubFOp::create(b, loc, v, fl);
    Value up = e.cmpf(arith::CmpFPredicate::OGT, frac, p);
    return arith::AddFOp::create(
        b, loc, fl, e.select(up, e.constF32(1.0f), e.constF32(0.0f)));
  }
  }
  llvm_unreachable("unknown rounding mode");
}

/// Integer formats: round, add the zero point, saturate.
static Value encodeInteger(ScalarBuilder &e, const Format &format, Value t,
                           Value zeroPoint, RoundingMode mode, Value index,
                           int64_t seed) {
  OpBuilder &b = e.b;
  Location loc = e.loc;
  Value isNan = e.cmpf(arith::CmpFPredicate::UNO, t, t);
  Value safe = e.select(isNan, e.constF32(0.0f), t);
  Value r = emitRound(b, loc, safe, mode, index, seed);
  if (zeroPoint)
    r = arith::AddFOp::create(
        b, loc, r, arith::SIToFPOp::create(b, loc, e.f32(), zeroPoint));
  r = arith::MaximumFOp::create(b, loc, r,
                                e.constF32(static_cast<float>(format.minCode)));
  r = arith::MinimumFOp::create(b, loc, r,
                                e.constF32(static_cast<float>(format.maxCode)));
  Value q = arith::FPToSIOp::create(b, loc, e.i32(), r);
  return arith::TruncIOp::create(b, loc, b.getIntegerType(format.width), q);
}

/// Minifloats: Semantics.md "quantize", minifloat branch.
static Value encodeMiniFloat(ScalarBuilder &e, const Format &f, Value t,
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

  Value isNan = e.cmpf(arith::CmpFPredicate::UNO, t, t);
  if (!f.isSigned) // Negative values and -0 become +0.
    t = arith::MaximumFOp::create(b, loc, t, e.constF32(0.0f));
  Value a = math::AbsFOp::create(b, loc, t);
  Value isInf = e.cmpf(arith::CmpFPredicate::OEQ, a,
                       e.constF32(std::numeric_limits<float>::infinity()));
  Value special = arith::OrIOp::create(b, loc, isNan, isInf);
  Value tSafe = e.select(special, e.constF32(0.0f), t);
  Value aSafe = e.select(special, e.constF32(0.0f), a);

  // Binade of |t|, clamped below at emin.
  Value bits = e.bitcastToI32(aSafe);
  Value exp = e.subi(e.andi(e.shrui(bits, e.constI32(23)), e.constI32(0xff)),
                     e.constI32(127));
  exp = e.maxsi(exp, e.constI32(f.getMinExponent()));
  Value quantum = e.pow2(e.subi(exp, e.constI32(mBits)));
  Value sv = arith::DivFOp::create(b, loc, tSafe, quantum);
  // A nonzero value whose scaled magnitude underflowed f32 keeps its sign and
  // non-zeroness; every rounding mode treats all such tiny values alike.
  Value lost = arith::AndIOp::create(
      b, loc, e.cmpf(arith::CmpFPredicate::ONE, tSafe, e.constF32(0.0f)),
      e.cmpf(arith::CmpFPredicate::OEQ, sv, e.constF32(0.0f)));
  Value tiny =
      math::CopySignOp::create(b, loc, e.bitcastToF32(e.constI32(1)), tSafe);
  sv = e.select(lost, tiny, sv);

  Value r = emitRound(b, loc, sv, mode, index, seed);
  Value mag =
      arith::FPToSIOp::create(b, loc, e.i32(), math::AbsFOp::create(b, loc, r));
  // Carry into the next binade.
  Value carry = e.cmpi(arith::CmpIPredicate::eq, mag, e.constI32(2 * hidden));
  exp = e.select(carry, e.addi(exp, e.constI32(1)), exp);
  mag = e.select(carry, e.constI32(hidden), mag);
  if (!f.hasSubnormals)
    mag = e.maxsi(mag, e.constI32(hidden));
  Value isNormal = e.cmpi(arith::CmpIPredicate::sge, mag, e.constI32(hidden));
  Value field =
      e.select(isNormal, e.addi(exp, e.constI32(f.bias)), e.constI32(0));
  Value mant = e.select(isNormal, e.subi(mag, e.constI32(hidden)), mag);
  // (field, mant) > (fmax, mmax), compared as one magnitude code; field can
  // exceed the exponent width here, so compare before packing.
  Value overflow = arith::OrIOp::create(
      b, loc, e.cmpi(arith::CmpIPredicate::sgt, field, e.constI32(fmax)),
      arith::AndIOp::create(
          b, loc, e.cmpi(arith::CmpIPredicate::eq, field, e.constI32(fmax)),
          e.cmpi(arith::CmpIPredicate::sgt, mant, e.constI32(mmax))));
  Value code = e.ori(e.shli(field, e.constI32(mBits)), mant);

  Value sign = e.constI32(0);
  if (f.isSigned) {
    Value negative =
        e.cmpi(arith::CmpIPredicate::slt, e.bitcastToI32(t), e.constI32(0));
    sign = e.select(negative, e.constI32(signBit), e.constI32(0));
  }
  // Overflow and infinities.
  int64_t nanCode = f.nan == NanKind::negzero ? signBit
                    : f.nan == NanKind::none  ? maxMag
                                              : (allExp << mBits) | allMant;
  Value bigMag;
  if (saturate || (!f.hasInf && f.nan == NanKind::none))
    bigMag = e.ori(sign, e.constI32(maxMag));
  else if (f.hasInf)
    bigMag = e.ori(sign, e.constI32(allExp << mBits));
  else if (f.nan == NanKind::negzero)
    bigMag = e.constI32(nanCode);
  else // NaN keeps the sign of the overflowing value.
    bigMag = e.ori(sign, e.constI32(nanCode));
  Value result = e.ori(sign, code);
  if (f.nan == NanKind::negzero) {
    Value isZero = e.cmpi(arith::CmpIPredicate::eq, code, e.constI32(0));
    result = e.select(isZero, e.constI32(0), result);
  }
  result =
      e.select(arith::OrIOp::create(b, loc, overflow, isInf), bigMag, result);
  result = e.select(isNan, e.constI32(nanCode), result);
  return arith::TruncIOp::create(b, loc, b.getIntegerType(f.width), result);
}

/// Codebooks: the nearest entry by f32 |t - v|, ties to the lowest code;
/// t is first clamped to the table's range (so +-Inf pick the extremes) and
/// NaN is replaced by 0.
static Value encodeCodebook(ScalarBuilder &e, const Format &f, Value t) {
  OpBuilder &b = e.b;
  Location loc = e.loc;
  float lo = *llvm::min_element(f.table), hi = *llvm::max_element(f.table);
  Value isNan = e.cmpf(arith::CmpFPredicate::UNO, t, t);
  t = e.select(isNan, e.constF32(0.0f), t);
  t = arith::MaximumFOp::create(b, loc, t, e.constF32(lo));
  t = arith::MinimumFOp::create(b, loc, t, e.constF32(hi));
  auto distance = [&](float v) {
    return math::AbsFOp::create(
        b, loc, arith::SubFOp::create(b, loc, t, e.constF32(v)));
  };
  Value best = e.constI32(0);
  Value bestDist = distance(f.table[0]);
  for (size_t i = 1; i < f.table.size(); ++i) {
    Value d = distance(f.table[i]);
    Value closer = e.cmpf(arith::CmpFPredicate::OLT, d, bestDist);
    best = e.select(closer, e.constI32(i), best);
    bestDist = e.select(closer, d, bestDist);
  }
  return arith::TruncIOp::create(b, loc, b.getIntegerType(f.width), best);
}

Value lpc::lq::emitEncode(OpBuilder &b, Location loc, const Format &format,
                          Value t, Value zeroPoint, RoundingMode mode,
                          Value index, int64_t seed, bool saturate) {
  ScalarBuilder e{b, loc};
  switch (format.kind) {
  case FormatKind::Bipolar: {
    return e.cmpf(arith::CmpFPredicate::UGE, t, e.constF32(0.0f));
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
  ScalarBuilder e{b, loc};
  Value v;
  if (format.kind == FormatKind::Bipolar) {
    Value c = arith::ExtUIOp::create(b, loc, e.i32(), code);
    v = e.subi(e.addi(c, c), e.constI32(1));
  } else if (format.width == 32) {
    v = code;
  } else if (format.isSigned) {
    v = arith::ExtSIOp::create(b, loc, e.i32(), code);
  } else {
    v = arith::ExtUIOp::create(b, loc, e.i32(), code);
  }
  return zeroPoint ? e.subi(v, zeroPoint) : v;
}

Value lpc::lq::emitDecodeF32(OpBuilder &b, Location loc, const Format &f,
                             Value code) {
  // Codes may be a vector (kernels decode a vector of codes at once):
  // minifloats only.
  auto vec = dyn_cast<VectorType>(code.getType());
  ScalarBuilder e{b, loc, vec ? vec.getNumElements() : 0};
  assert((!vec || f.isMiniFloat()) && "vector decode is for minifloats");
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
  Value field = e.andi(e.shrui(c, e.constI32(mBits)), e.constI32(allExp));
  Value mant = e.andi(c, e.constI32(allMant));
  Value negative = e.constI32(0);
  if (f.isSigned)
    negative = e.andi(e.shrui(c, e.constI32(f.width - 1)), e.constI32(1));
  Value isNeg = e.cmpi(arith::CmpIPredicate::ne, negative, e.constI32(0));

  Value value;
  const int64_t eBits = f.exponentBits;
  if (f.hasSubnormals && eBits <= 8 && mBits <= 23 && f.bias >= 0 &&
      f.bias <= 127 && allExp - f.bias <= 127) {
    // The code's fields placed in an f32 with the exponent rebiased, no
    // arithmetic on the way and no f32 subnormal (which some CPUs multiply
    // slowly): a normal code is 2^(e - bias) (1 + m / 2^M) directly; a
    // subnormal one is built as exponent 1, 2^(1 - bias) (1 + m / 2^M), and
    // 2^(1 - bias) subtracted, exactly (Sterbenz: within a factor of 2).
    Value isSub = e.cmpi(arith::CmpIPredicate::eq, field, e.constI32(0));
    Value exp = e.select(isSub, e.constI32(1), field);
    Value bits = e.addi(e.shli(e.ori(e.shli(exp, e.constI32(mBits)), mant),
                               e.constI32(23 - mBits)),
                        e.constI32((127 - f.bias) << 23));
    value = e.bitcastToF32(bits);
    value = e.select(
        isSub, e.subf(value, e.constF32(std::ldexp(1.0, 1 - int(f.bias)))),
        value);
  } else {
    Value isSub = f.hasSubnormals
                      ? e.cmpi(arith::CmpIPredicate::eq, field, e.constI32(0))
                      : e.constI1(false);
    Value sig =
        e.select(isSub, mant, e.addi(mant, e.constI32(int64_t(1) << mBits)));
    Value k = e.subi(e.select(isSub, e.constI32(1), field),
                     e.constI32(f.bias + mBits));
    value = arith::MulFOp::create(
        b, loc, arith::SIToFPOp::create(b, loc, e.f32(), sig), e.pow2(k));
  }

  Value nan = e.constF32(std::numeric_limits<float>::quiet_NaN());
  Value inf = e.constF32(std::numeric_limits<float>::infinity());
  Value topField = e.cmpi(arith::CmpIPredicate::eq, field, e.constI32(allExp));
  Value zeroMant = e.cmpi(arith::CmpIPredicate::eq, mant, e.constI32(0));
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
                       arith::XOrIOp::create(b, loc, zeroMant, e.constI1(true)))
                 : special;
    value = e.select(isNan, nan, value);
    break;
  }
  case NanKind::allones: {
    Value isNan = arith::AndIOp::create(
        b, loc, topField,
        e.cmpi(arith::CmpIPredicate::eq, mant, e.constI32(allMant)));
    value = e.select(isNan, nan, value);
    break;
  }
  case NanKind::negzero: {
    Value isNan = arith::AndIOp::create(
        b, loc, isNeg,
        e.cmpi(arith::CmpIPredicate::eq, e.ori(field, mant), e.constI32(0)));
    value = e.select(isNan, nan, value);
    break;
  }
  }
  return e.select(isNeg, arith::NegFOp::create(b, loc, value), value);
}
