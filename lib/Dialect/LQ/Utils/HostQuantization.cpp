//===- HostQuantization.cpp - lq codes encoded on the host ----------------===//
//
// Mirrors FormatCodegen.cpp's encoders and decoders step by step (every f32
// operation there is an f32 operation here), so constants folded on the host
// equal what the reference lowering computes. Keep the two in sync with
// docs/Semantics.md.
//
//===----------------------------------------------------------------------===//

#include "lpc/Dialect/LQ/Utils/HostQuantization.h"

#include "lpc/Dialect/LQ/Utils/Rounding.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/STLExtras.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace lpc::lq;

static uint32_t bitsOf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

static uint64_t storageMask(const Format &f) {
  return f.width >= 64 ? ~uint64_t(0) : (uint64_t(1) << f.width) - 1;
}

/// Integer formats: t rounded, plus the zero point, saturated.
static uint64_t encodeInteger(const Format &f, float t,
                              const HostQuantizeParams &p) {
  double r = std::isnan(t) ? 0.0 : roundHost((double)t, p.rounding);
  if (p.zeroPoint)
    r += (double)*p.zeroPoint;
  r = std::min(std::max(r, (double)f.minCode), (double)f.maxCode);
  return (uint64_t)(int64_t)r & storageMask(f);
}

/// Minifloats: Semantics.md "quantize", minifloat branch.
static uint64_t encodeMiniFloat(const Format &f, float t,
                                const HostQuantizeParams &p) {
  const int64_t mBits = f.mantissaBits;
  const int64_t allExp = (int64_t(1) << f.exponentBits) - 1;
  const int64_t allMant = (int64_t(1) << mBits) - 1;
  const int64_t hidden = int64_t(1) << mBits;
  auto [fmax, mmax] = f.getMaxFinite();
  const int64_t maxMag = (fmax << mBits) | mmax;
  const int64_t signBit = f.isSigned ? int64_t(1) << (f.width - 1) : 0;
  const int64_t nanCode = f.nan == NanKind::negzero ? signBit
                          : f.nan == NanKind::none
                              ? maxMag
                              : (allExp << mBits) | allMant;
  if (std::isnan(t))
    return (uint64_t)nanCode;
  if (!f.isSigned) // Negative values and -0 become +0.
    t = t > 0.0f ? t : 0.0f;
  int64_t sign = f.isSigned && std::signbit(t) ? signBit : 0;

  auto big = [&]() -> uint64_t {
    if (p.saturate || (!f.hasInf && f.nan == NanKind::none))
      return (uint64_t)(sign | maxMag);
    if (f.hasInf)
      return (uint64_t)(sign | (allExp << mBits));
    if (f.nan == NanKind::negzero)
      return (uint64_t)nanCode;
    return (uint64_t)(sign | nanCode);
  };
  if (std::isinf(t))
    return big();

  // Binade of |t| (f32's exponent field, as the IR reads it), clamped below.
  float a = std::fabs(t);
  int64_t exp = (int64_t)((bitsOf(a) >> 23) & 0xff) - 127;
  exp = std::max(exp, f.getMinExponent());
  float quantum = std::ldexp(1.0f, (int)(exp - mBits));
  float sv = t / quantum;
  if (t != 0.0f && sv == 0.0f) // Underflowed: keep sign and non-zeroness.
    sv = std::copysign(std::numeric_limits<float>::denorm_min(), t);
  double r = roundHost((double)sv, p.rounding);
  int64_t mag = (int64_t)std::fabs(r);
  if (mag == 2 * hidden) {
    exp += 1;
    mag = hidden;
  }
  if (!f.hasSubnormals)
    mag = std::max(mag, hidden);
  bool normal = mag >= hidden;
  int64_t field = normal ? exp + f.bias : 0;
  int64_t mant = normal ? mag - hidden : mag;
  if (field > fmax || (field == fmax && mant > mmax))
    return big();
  int64_t code = (field << mBits) | mant;
  if (f.nan == NanKind::negzero && code == 0)
    return 0;
  return (uint64_t)(sign | code);
}

/// Codebooks: the nearest entry by f32 |t - v| after clamping to the table's
/// range (NaN becomes 0), ties to the lowest code.
static uint64_t encodeCodebook(const Format &f, float t) {
  float lo = *llvm::min_element(f.table), hi = *llvm::max_element(f.table);
  if (std::isnan(t))
    t = 0.0f;
  t = std::min(std::max(t, lo), hi);
  uint64_t best = 0;
  float bestDist = std::fabs(t - f.table[0]);
  for (size_t i = 1; i < f.table.size(); ++i) {
    float d = std::fabs(t - f.table[i]);
    if (d < bestDist) {
      best = i;
      bestDist = d;
    }
  }
  return best;
}

uint64_t lpc::lq::quantizeHost(const Format &format, float x, float scale,
                               const HostQuantizeParams &params) {
  float t = params.offset ? (x - *params.offset) / scale : x / scale;
  switch (format.kind) {
  case FormatKind::Bipolar:
    return !(t < 0.0f);
  case FormatKind::Integer:
    return encodeInteger(format, t, params);
  case FormatKind::MiniFloat:
    return encodeMiniFloat(format, t, params);
  case FormatKind::Codebook:
    return encodeCodebook(format, t);
  }
  llvm_unreachable("unknown format kind");
}

float lpc::lq::decodeHost(const Format &f, uint64_t code) {
  code &= storageMask(f);
  switch (f.kind) {
  case FormatKind::Bipolar:
    return code ? 1.0f : -1.0f;
  case FormatKind::Integer: {
    int64_t v = (int64_t)code;
    if (f.isSigned && (code >> (f.width - 1)))
      v -= int64_t(1) << f.width;
    return (float)v;
  }
  case FormatKind::Codebook:
    return f.table[code];
  case FormatKind::MiniFloat:
    break;
  }
  const int64_t mBits = f.mantissaBits;
  const int64_t allExp = (int64_t(1) << f.exponentBits) - 1;
  const int64_t allMant = (int64_t(1) << mBits) - 1;
  bool negative = f.isSigned && (code >> (f.width - 1));
  int64_t field = (code >> mBits) & allExp, mant = code & allMant;
  float sign = negative ? -1.0f : 1.0f;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  if (f.nan == NanKind::ieee && field == allExp)
    return mant == 0 && f.hasInf ? sign * std::numeric_limits<float>::infinity()
                                 : nan;
  if (f.nan == NanKind::allones && field == allExp && mant == allMant)
    return nan;
  if (f.nan == NanKind::negzero && negative && field == 0 && mant == 0)
    return nan;
  double v;
  if (f.hasSubnormals && field == 0)
    v = std::ldexp((double)mant, (int)(1 - f.bias - mBits));
  else
    v = std::ldexp((double)((int64_t(1) << mBits) + mant),
                   (int)(field - f.bias - mBits));
  return sign * (float)v;
}

float lpc::lq::dequantizeHost(const Format &format, uint64_t code, float scale,
                              const HostQuantizeParams &params) {
  float x;
  if (format.isInteger() && params.zeroPoint) {
    int64_t q = (int64_t)decodeHost(format, code);
    x = (float)(q - *params.zeroPoint) * scale;
  } else {
    x = decodeHost(format, code) * scale;
  }
  return params.offset ? x + *params.offset : x;
}

float lpc::lq::maxMagnitude(const Format &f) {
  switch (f.kind) {
  case FormatKind::Bipolar:
    return 1.0f;
  case FormatKind::Integer:
    return (float)std::max(std::abs(f.minCode), std::abs(f.maxCode));
  case FormatKind::Codebook: {
    float m = 0.0f;
    for (float v : f.table)
      m = std::max(m, std::fabs(v));
    return m;
  }
  case FormatKind::MiniFloat:
    break;
  }
  auto [fmax, mmax] = f.getMaxFinite();
  return decodeHost(f, (uint64_t)((fmax << f.mantissaBits) | mmax));
}

mlir::Value lpc::lq::buildCodeConstant(mlir::OpBuilder &b, mlir::Location loc,
                                       llvm::ArrayRef<int64_t> shape,
                                       mlir::Type format,
                                       llvm::ArrayRef<uint64_t> codes) {
  mlir::IntegerType storage = getStorageType(format);
  llvm::SmallVector<llvm::APInt> values;
  values.reserve(codes.size());
  for (uint64_t c : codes)
    values.emplace_back(storage.getWidth(), c);
  auto storageType = mlir::RankedTensorType::get(shape, storage);
  mlir::Value c = mlir::arith::ConstantOp::create(
      b, loc, mlir::DenseElementsAttr::get(storageType, values));
  if (format == storage)
    return c;
  return BitcastOp::create(b, loc, mlir::RankedTensorType::get(shape, format),
                           c);
}
