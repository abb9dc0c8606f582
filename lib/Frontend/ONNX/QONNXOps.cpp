//===- QONNXOps.cpp - QONNX quantization operators ===//
//
// Quantized operators import into lq ops (docs/Semantics.md); the codes keep
// their low-bit formats.
//
// QONNX (domain qonnx.custom_op.general, also finn.custom_op.general and
// Brevitas' onnx.brevitas): Quant/IntQuant, BipolarQuant, Trunc (v1 and v2)
// and FloatQuant, following the formulas of QONNX's reference implementation
// in f32. Three shapes of IR, chosen per node (docs/Rationale.md, "QONNX"):
//  - constant data (weights): the codes are computed here with QONNX's
//    formula and become an integer constant bitcast to the lq format, followed
//    by lq.dequantize;
//  - lq.quantize + lq.dequantize with the node's scale when that is the same
//    computation (zero point 0, scales that map to an lq layout);
//  - otherwise explicit f32 arithmetic around an lq.quantize with scale 1
//    (the codes still have the low-bit format), or plain f32 arithmetic for
//    widths above 16 bits.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "lpc/Dialect/LQ/IR/LQ.h"
#include "lpc/Dialect/LQ/Utils/FormatCodegen.h"
#include "lpc/Dialect/LQ/Utils/Rounding.h"
#include "lpc/Dialect/LQ/Utils/ScalarBuilder.h"

#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace lpc::frontend;
namespace lq = lpc::lq;

namespace {

using Results = SmallVectorImpl<Value>;

//===----------------------------------------------------------------------===//
// Attributes and compile-time operands
//===----------------------------------------------------------------------===//

/// QONNX's rounding_mode names (case-insensitive), as resolved by its
/// reference resolve_rounding_mode(); ROUND_TO_ZERO is Brevitas' name of DOWN.
std::optional<lq::RoundingMode> parseRounding(StringRef name) {
  std::string s = name.upper();
  return llvm::StringSwitch<std::optional<lq::RoundingMode>>(s)
      .Cases({"ROUND", "HALF_EVEN"}, lq::RoundingMode::half_even)
      .Case("CEIL", lq::RoundingMode::ceil)
      .Case("FLOOR", lq::RoundingMode::floor)
      .Case("UP", lq::RoundingMode::away_from_zero)
      .Cases({"DOWN", "ROUND_TO_ZERO"}, lq::RoundingMode::toward_zero)
      .Case("HALF_UP", lq::RoundingMode::half_away)
      .Case("HALF_DOWN", lq::RoundingMode::half_toward_zero)
      .Default(std::nullopt);
}

FailureOr<lq::RoundingMode> roundingAttr(NodeContext &ctx, StringRef dflt) {
  std::string name = ctx.getString("rounding_mode", dflt);
  if (std::optional<lq::RoundingMode> mode = parseRounding(name))
    return *mode;
  return ctx.error() << "unknown rounding_mode '" << name
                     << "' (expected ROUND, HALF_EVEN, CEIL, FLOOR, UP, DOWN, "
                        "ROUND_TO_ZERO, HALF_UP or HALF_DOWN)";
}

/// A 0/1 integer attribute.
FailureOr<bool> boolAttr(NodeContext &ctx, StringRef name, bool dflt) {
  int64_t v = ctx.getInt(name, dflt ? 1 : 0);
  if (v != 0 && v != 1)
    return ctx.error() << "attribute '" << name << "' must be 0 or 1, got "
                       << v;
  return v == 1;
}

/// The compile-time values of `v` as doubles (integer or float elements;
/// f32 weights stored as resource blobs included), or nullopt.
std::optional<SmallVector<double>> constValues(NodeContext &ctx, Value v,
                                               bool allowInputs = true) {
  if (!v)
    return std::nullopt;
  SmallVector<double> out;
  if (auto cst = v.getDefiningOp<arith::ConstantOp>())
    if (auto res = dyn_cast<DenseF32ResourceElementsAttr>(cst.getValue())) {
      std::optional<ArrayRef<float>> data = res.tryGetAsArrayRef();
      if (!data)
        return std::nullopt;
      out.assign(data->begin(), data->end());
      return out;
    }
  std::optional<DenseElementsAttr> attr = ctx.constant(v, allowInputs);
  if (!attr)
    return std::nullopt;
  Type elem = attr->getElementType();
  if (isa<FloatType>(elem)) {
    for (const APFloat &f : attr->getValues<APFloat>())
      out.push_back(f.convertToDouble());
    return out;
  }
  if (auto it = dyn_cast<IntegerType>(elem)) {
    bool isUns = ctx.isUnsigned(v) || it.getWidth() == 1;
    for (const APInt &x : attr->getValues<APInt>())
      out.push_back(isUns ? (double)x.getZExtValue()
                          : (double)x.getSExtValue());
    return out;
  }
  return std::nullopt;
}

/// A compile-time scalar operand of any real value.
FailureOr<double> constScalar(NodeContext &ctx, size_t i, StringRef what) {
  if (failed(ctx.require(i, what)))
    return failure();
  std::optional<SmallVector<double>> v = constValues(ctx, ctx.input(i));
  if (!v)
    return ctx.error() << what << " (input " << i
                       << ") must be a compile-time constant";
  if (v->size() != 1)
    return ctx.error() << what << " (input " << i
                       << ") must be a scalar, got shape "
                       << tensorType(ctx.input(i));
  return (*v)[0];
}

/// A compile-time scalar operand (one element) that must be an integer.
FailureOr<int64_t> constIntScalar(NodeContext &ctx, size_t i, StringRef what) {
  FailureOr<double> d = constScalar(ctx, i, what);
  if (failed(d))
    return failure();
  if (!std::isfinite(*d) || *d != std::floor(*d) || std::fabs(*d) > 1e9)
    return ctx.error() << what << " (input " << i
                       << ") must be an integer, got " << *d;
  return (int64_t)*d;
}

LogicalResult requireF32(NodeContext &ctx, size_t i, StringRef what) {
  if (failed(ctx.require(i, what)))
    return failure();
  if (elemOf(ctx.input(i)).isF32())
    return success();
  return ctx.error() << "input " << i << " (" << what
                     << ") must be a float32 tensor, got "
                     << tensorType(ctx.input(i));
}

//===----------------------------------------------------------------------===//
// Scalar numerics (import-time folding), in f32 like QONNX's reference
//===----------------------------------------------------------------------===//

/// Integer range of QONNX's min_int/max_int.
struct IntRange {
  double min, max;
};
IntRange intRange(int64_t bits, bool isSigned, bool narrow) {
  if (isSigned)
    return {-std::ldexp(1.0, bits - 1) + (narrow ? 1 : 0),
            std::ldexp(1.0, bits - 1) - 1};
  return {0.0, std::ldexp(1.0, bits) - (narrow ? 2 : 1)};
}

/// `vals` (row-major, of `src` shape) broadcast to `dst` (numpy rules).
SmallVector<double> broadcastFlat(ArrayRef<double> vals, ArrayRef<int64_t> src,
                                  ArrayRef<int64_t> dst) {
  int64_t n = numElements(dst);
  SmallVector<double> out(n);
  size_t off = dst.size() - src.size();
  SmallVector<int64_t> idx(dst.size(), 0);
  for (int64_t lin = 0; lin < n; ++lin) {
    int64_t s = 0;
    for (size_t d = 0; d < src.size(); ++d)
      s = s * src[d] + (src[d] == 1 ? 0 : idx[off + d]);
    out[lin] = vals[s];
    for (int64_t d = (int64_t)dst.size() - 1; d >= 0; --d) {
      if (++idx[d] < dst[d])
        break;
      idx[d] = 0;
    }
  }
  return out;
}

//===----------------------------------------------------------------------===//
// Layouts
//===----------------------------------------------------------------------===//

/// How per-element parameters of a data tensor map to an lq layout: `full`
/// is the data shape with 1 where no parameter varies, `scaleShape` the shape
/// the layout wants.
struct LayoutPlan {
  lq::LayoutAttr layout;
  SmallVector<int64_t> full;
  SmallVector<int64_t> scaleShape;
};

/// A layout for parameters of shapes `params` that broadcast to `data`
/// without growing it: tensor (no dimension varies), axis (one), block
/// (several, block size 1 where they vary). Nullopt otherwise.
std::optional<LayoutPlan> planLayout(MLIRContext *mctx, ArrayRef<int64_t> data,
                                     ArrayRef<ArrayRef<int64_t>> params) {
  size_t n = data.size();
  LayoutPlan plan;
  plan.full.assign(n, 1);
  for (ArrayRef<int64_t> p : params) {
    if (p.size() > n)
      return std::nullopt;
    for (size_t i = 0; i < p.size(); ++i) {
      size_t d = n - p.size() + i;
      if (p[i] == 1)
        continue;
      if (p[i] != data[d])
        return std::nullopt;
      plan.full[d] = data[d];
    }
  }
  SmallVector<int64_t> varying;
  for (size_t d = 0; d < n; ++d)
    if (plan.full[d] != 1)
      varying.push_back(d);
  if (varying.empty()) {
    plan.layout = lq::LayoutAttr::getTensor(mctx);
  } else if (varying.size() == 1) {
    plan.layout = lq::LayoutAttr::getAxis(mctx, varying[0]);
    plan.scaleShape = {data[varying[0]]};
  } else {
    SmallVector<int64_t> block;
    for (size_t d = 0; d < n; ++d)
      block.push_back(plan.full[d] != 1 ? 1 : std::max<int64_t>(data[d], 1));
    plan.layout = lq::LayoutAttr::getBlock(mctx, block);
    plan.scaleShape = plan.full;
  }
  return plan;
}

Value f32Const(NodeContext &ctx, ArrayRef<int64_t> shape,
               ArrayRef<double> vals) {
  SmallVector<float> f(vals.begin(), vals.end());
  auto type = RankedTensorType::get(shape, ctx.b.getF32Type());
  return arith::ConstantOp::create(ctx.b, ctx.loc,
                                   DenseElementsAttr::get(type, ArrayRef(f)));
}

/// Rank-0 f32 constant 1 (the scale of code-only quantize/dequantize).
Value unitScale(NodeContext &ctx) { return f32Const(ctx, {}, {1.0}); }

/// `v` (constant values `c`, when known) as the scale tensor of `plan`.
Value layoutParam(NodeContext &ctx, Value v,
                  const std::optional<SmallVector<double>> &c,
                  const LayoutPlan &plan) {
  if (c)
    return f32Const(ctx, plan.scaleShape,
                    broadcastFlat(*c, shapeOf(v), plan.full));
  if (shapeOf(v) == ArrayRef(plan.scaleShape))
    return v;
  Value full =
      elementwise(ctx.b, ctx.loc, {v}, plan.full, ctx.b.getF32Type(),
                  [](OpBuilder &, Location, ValueRange a) { return a[0]; });
  return reshape(ctx.b, ctx.loc, full, plan.scaleShape);
}

Value quantize(NodeContext &ctx, Value x, Value scale, Value zp,
               lq::LayoutAttr layout, Type format,
               std::optional<lq::RoundingMode> mode, bool saturate = true) {
  auto type = RankedTensorType::get(shapeOf(x), format);
  auto op = lq::QuantizeOp::create(ctx.b, ctx.loc, type, x, scale, zp, layout);
  if (mode && *mode != lq::RoundingMode::half_even)
    op.setRounding(*mode);
  if (!saturate)
    op.setSaturate(false);
  return op;
}

Value dequantize(NodeContext &ctx, Value q, Value scale, Value zp,
                 lq::LayoutAttr layout) {
  auto type = RankedTensorType::get(shapeOf(q), ctx.b.getF32Type());
  return lq::DequantizeOp::create(ctx.b, ctx.loc, type, q, scale, zp, layout);
}

/// An elementwise f32 op whose body is built with lq's scalar builder.
Value f32Elementwise(
    NodeContext &ctx, ValueRange ins, ArrayRef<int64_t> shape,
    function_ref<Value(lq::ScalarBuilder &, ValueRange)> body) {
  return elementwise(ctx.b, ctx.loc, ins, shape, ctx.b.getF32Type(),
                     [&](OpBuilder &b, Location loc, ValueRange a) {
                       lq::ScalarBuilder s{b, loc};
                       return body(s, a);
                     });
}

/// Integer codes `codes` (row-major) of `format` as a constant of `shape`.
Value codeConst(NodeContext &ctx, ArrayRef<int64_t> shape,
                ArrayRef<int64_t> codes, Type format, unsigned width) {
  auto intType = RankedTensorType::get(shape, ctx.b.getIntegerType(width));
  SmallVector<APInt> bits;
  for (int64_t c : codes)
    bits.push_back(APInt(width, (uint64_t)c, /*isSigned=*/true,
                         /*implicitTrunc=*/true));
  Value raw = arith::ConstantOp::create(
      ctx.b, ctx.loc, DenseElementsAttr::get(intType, ArrayRef(bits)));
  return lq::BitcastOp::create(ctx.b, ctx.loc,
                               RankedTensorType::get(shape, format), raw);
}

bool allZero(const std::optional<SmallVector<double>> &v) {
  return v && llvm::all_of(*v, [](double d) { return d == 0.0; });
}

//===----------------------------------------------------------------------===//
// Quant / IntQuant
//===----------------------------------------------------------------------===//

/// Widths up to 16 bits get lq codes; wider ones are computed in f32.
constexpr int64_t kMaxCodeBits = 16;
constexpr int64_t kMaxBits = 64;

LogicalResult intQuantOp(NodeContext &ctx, Results &results) {
  if (failed(requireF32(ctx, 0, "X")) || failed(requireF32(ctx, 1, "scale")) ||
      failed(requireF32(ctx, 2, "zeropt")))
    return failure();
  FailureOr<bool> isSigned = boolAttr(ctx, "signed", true);
  FailureOr<bool> narrow = boolAttr(ctx, "narrow", false);
  if (failed(isSigned) || failed(narrow))
    return failure();
  FailureOr<lq::RoundingMode> mode = roundingAttr(ctx, "ROUND");
  if (failed(mode))
    return failure();
  FailureOr<int64_t> bits = constIntScalar(ctx, 3, "bitwidth");
  if (failed(bits))
    return failure();
  if (*bits < 1 || *bits > kMaxBits)
    return ctx.error() << "bitwidth must be in [1, " << kMaxBits << "], got "
                       << *bits;

  MLIRContext *mctx = ctx.b.getContext();
  Value x = ctx.input(0), s = ctx.input(1), z = ctx.input(2);
  auto outShape = broadcastShapes({shapeOf(x), shapeOf(s), shapeOf(z)});
  if (!outShape)
    return ctx.error() << "X, scale and zeropt do not broadcast: "
                       << tensorType(x) << ", " << tensorType(s) << ", "
                       << tensorType(z);
  // QONNX's 1-bit signed quantizer is bipolar: (x/s + z >= 0 ? 1 : -1).
  bool bipolar = *bits == 1 && *isSigned;
  IntRange range = intRange(*bits, *isSigned, *narrow);
  std::optional<SmallVector<double>> xc = constValues(ctx, x, false);
  std::optional<SmallVector<double>> sc = constValues(ctx, s);
  std::optional<SmallVector<double>> zc = constValues(ctx, z);
  bool sameShape = ArrayRef(*outShape) == shapeOf(x);
  std::optional<LayoutPlan> plan =
      sameShape ? planLayout(mctx, shapeOf(x), {shapeOf(s), shapeOf(z)})
                : std::nullopt;

  if (*bits <= kMaxCodeBits) {
    Type format = bipolar
                      ? (Type)lq::BipolarType::get(mctx)
                      : (Type)lq::IntType::get(mctx, *bits, *isSigned, *narrow);
    unsigned width = *bits;

    // Constant data: the codes, computed with QONNX's formula.
    if (xc && sc && zc && plan) {
      SmallVector<double> sFull = broadcastFlat(*sc, shapeOf(s), shapeOf(x));
      SmallVector<double> zFull = broadcastFlat(*zc, shapeOf(z), shapeOf(x));
      SmallVector<double> zp = broadcastFlat(*zc, shapeOf(z), plan->full);
      bool ok = !(bipolar && !allZero(zc));
      for (double v : zp)
        ok &= v == std::floor(v) && v >= range.min && v <= range.max &&
              v >= -32768 && v <= 32767;
      SmallVector<int64_t> codes;
      for (size_t i = 0; ok && i < xc->size(); ++i) {
        float y = (float)(*xc)[i] / (float)sFull[i];
        y = y + (float)zFull[i];
        if (std::isnan(y)) {
          ok = false;
          break;
        }
        if (bipolar) {
          codes.push_back(y >= 0.0f ? 1 : 0);
          continue;
        }
        double r = std::min(std::max((double)y, range.min), range.max);
        codes.push_back((int64_t)lq::roundHost(r, *mode));
      }
      if (ok) {
        Value q = codeConst(ctx, shapeOf(x), codes, format, width);
        Value scale = layoutParam(ctx, s, sc, *plan);
        Value zpv;
        if (!allZero(zc)) {
          bool fits8 =
              llvm::all_of(zp, [](double v) { return v >= -128 && v <= 127; });
          SmallVector<int64_t> zi(zp.begin(), zp.end());
          unsigned zw = fits8 ? 8 : 16;
          auto zt =
              RankedTensorType::get(plan->scaleShape, ctx.b.getIntegerType(zw));
          SmallVector<APInt> zbits;
          for (int64_t v : zi)
            zbits.push_back(APInt(zw, (uint64_t)v, /*isSigned=*/true));
          zpv = arith::ConstantOp::create(
              ctx.b, ctx.loc, DenseElementsAttr::get(zt, ArrayRef(zbits)));
        }
        results.push_back(dequantize(ctx, q, scale, zpv, plan->layout));
        return success();
      }
    }

    // Zero point 0: lq.quantize with the node's scale is QONNX's formula
    // (x/s + 0 rounds like x/s; clamping then rounding to integer bounds
    // equals rounding then clamping).
    if (!xc && allZero(zc) && plan) {
      Value scale = layoutParam(ctx, s, sc, *plan);
      Value t = x;
      Value qscale = scale;
      lq::LayoutAttr qlayout = plan->layout;
      if (bipolar) {
        // QONNX compares x/s (not x) with 0 and maps NaN to -1; lq's bipolar
        // quantize maps NaN to +1, so the sign is taken here.
        t = f32Elementwise(
            ctx, {x, s}, shapeOf(x), [](lq::ScalarBuilder &e, ValueRange a) {
              Value ge = e.cmpf(arith::CmpFPredicate::OGE, e.divf(a[0], a[1]),
                                e.constF32(0.0));
              return e.select(ge, e.constF32(1.0), e.constF32(-1.0));
            });
        qscale = unitScale(ctx);
        qlayout = lq::LayoutAttr::getTensor(mctx);
      }
      Value q = quantize(ctx, t, qscale, Value(), qlayout, format,
                         bipolar ? std::nullopt : std::optional(*mode));
      results.push_back(dequantize(ctx, q, scale, Value(), plan->layout));
      return success();
    }

    // General case: y = x/s + z in f32, codes of y with scale 1, then
    // (code - z) * s; NaN propagates as in QONNX (except for bipolar, where
    // QONNX maps NaN to -1).
    Value y = f32Elementwise(ctx, {x, s, z}, *outShape,
                             [](lq::ScalarBuilder &e, ValueRange a) {
                               return e.addf(e.divf(a[0], a[1]), a[2]);
                             });
    Value t = y;
    if (bipolar)
      t = f32Elementwise(
          ctx, {y}, *outShape, [](lq::ScalarBuilder &e, ValueRange a) {
            Value ge = e.cmpf(arith::CmpFPredicate::OGE, a[0], e.constF32(0.0));
            return e.select(ge, e.constF32(1.0), e.constF32(-1.0));
          });
    Value one = unitScale(ctx);
    lq::LayoutAttr tensorLayout = lq::LayoutAttr::getTensor(mctx);
    Value q = quantize(ctx, t, one, Value(), tensorLayout, format,
                       bipolar ? std::nullopt : std::optional(*mode));
    Value d = dequantize(ctx, q, one, Value(), tensorLayout);
    results.push_back(f32Elementwise(
        ctx, {y, d, z, s}, *outShape, [&](lq::ScalarBuilder &e, ValueRange a) {
          Value out = e.mulf(e.subf(a[1], a[2]), a[3]);
          return bipolar ? out : e.select(e.isNaN(a[0]), a[0], out);
        }));
    return success();
  }

  // Wider than lq's integer formats: QONNX's formula in f32 (bounds rounded
  // to f32 as numpy's astype does).
  double lo = (float)range.min, hi = (float)range.max;
  lq::RoundingMode m = *mode;
  results.push_back(f32Elementwise(ctx, {x, s, z}, *outShape,
                                   [&](lq::ScalarBuilder &e, ValueRange a) {
                                     Value y = e.addf(e.divf(a[0], a[1]), a[2]);
                                     Value r = e.round(e.clampf(y, lo, hi), m);
                                     return e.mulf(e.subf(r, a[2]), a[1]);
                                   }));
  return success();
}

//===----------------------------------------------------------------------===//
// BipolarQuant
//===----------------------------------------------------------------------===//

LogicalResult bipolarQuantOp(NodeContext &ctx, Results &results) {
  if (failed(requireF32(ctx, 0, "X")) || failed(requireF32(ctx, 1, "scale")))
    return failure();
  MLIRContext *mctx = ctx.b.getContext();
  Value x = ctx.input(0), s = ctx.input(1);
  auto outShape = broadcastShapes({shapeOf(x), shapeOf(s)});
  if (!outShape)
    return ctx.error() << "X and scale do not broadcast: " << tensorType(x)
                       << ", " << tensorType(s);
  std::optional<LayoutPlan> plan =
      ArrayRef(*outShape) == shapeOf(x)
          ? planLayout(mctx, shapeOf(x), {shapeOf(s)})
          : std::nullopt;
  if (!plan) {
    // The scale enlarges the result: no per-element code tensor to keep.
    results.push_back(f32Elementwise(
        ctx, {x, s}, *outShape, [](lq::ScalarBuilder &e, ValueRange a) {
          Value ge = e.cmpf(arith::CmpFPredicate::OGE, a[0], e.constF32(0.0));
          return e.mulf(e.select(ge, e.constF32(1.0), e.constF32(-1.0)), a[1]);
        }));
    return success();
  }
  Type format = lq::BipolarType::get(mctx);
  std::optional<SmallVector<double>> sc = constValues(ctx, s);
  Value scale = layoutParam(ctx, s, sc, *plan);
  Value q;
  // QONNX: x >= 0 gives +1 (NaN gives -1), independent of the scale.
  if (std::optional<SmallVector<double>> xc = constValues(ctx, x, false)) {
    SmallVector<int64_t> codes;
    for (double v : *xc)
      codes.push_back(v >= 0.0 ? 1 : 0);
    q = codeConst(ctx, shapeOf(x), codes, format, 1);
  } else {
    Value t = f32Elementwise(
        ctx, {x}, shapeOf(x), [](lq::ScalarBuilder &e, ValueRange a) {
          Value ge = e.cmpf(arith::CmpFPredicate::OGE, a[0], e.constF32(0.0));
          return e.select(ge, e.constF32(1.0), e.constF32(-1.0));
        });
    q = quantize(ctx, t, unitScale(ctx), Value(),
                 lq::LayoutAttr::getTensor(mctx), format, std::nullopt);
  }
  results.push_back(dequantize(ctx, q, scale, Value(), plan->layout));
  return success();
}

//===----------------------------------------------------------------------===//
// Trunc
//===----------------------------------------------------------------------===//

LogicalResult truncOp(NodeContext &ctx, Results &results) {
  // v1: (X, scale, zeropt, in_bitwidth, out_bitwidth); v2 adds out_scale
  // before out_bitwidth.
  size_t n = ctx.numInputs();
  if (n != 5 && n != 6)
    return ctx.error() << "expects 5 inputs (Trunc v1) or 6 (Trunc v2), got "
                       << n;
  bool v2 = n == 6;
  if (failed(requireF32(ctx, 0, "X")) || failed(requireF32(ctx, 1, "scale")) ||
      failed(requireF32(ctx, 2, "zeropt")) ||
      (v2 && failed(requireF32(ctx, 4, "out_scale"))))
    return failure();
  FailureOr<lq::RoundingMode> mode = roundingAttr(ctx, "FLOOR");
  if (failed(mode))
    return failure();
  MLIRContext *mctx = ctx.b.getContext();
  Value x = ctx.input(0), s = ctx.input(1), z = ctx.input(2);
  lq::RoundingMode m = *mode;

  if (!v2) {
    FailureOr<int64_t> inBits = constIntScalar(ctx, 3, "in_bitwidth");
    FailureOr<int64_t> outBits = constIntScalar(ctx, 4, "out_bitwidth");
    if (failed(inBits) || failed(outBits))
      return failure();
    int64_t shift = *inBits - *outBits;
    if (shift < -126 || shift > 127)
      return ctx.error() << "in_bitwidth - out_bitwidth = " << shift
                         << " is outside f32's exponent range";
    auto outShape = broadcastShapes({shapeOf(x), shapeOf(s), shapeOf(z)});
    if (!outShape)
      return ctx.error() << "X, scale and zeropt do not broadcast";
    double ts = std::ldexp(1.0, shift);
    // No clamp in v1: the result is not bounded by out_bitwidth, so it is
    // computed in f32 without codes.
    results.push_back(f32Elementwise(
        ctx, {x, s, z}, *outShape, [&](lq::ScalarBuilder &e, ValueRange a) {
          Value y = e.round(e.addf(e.divf(a[0], a[1]), a[2]),
                            lq::RoundingMode::half_even);
          Value r = e.round(e.divf(y, e.constF32(ts)), m);
          return e.mulf(e.subf(r, a[2]), a[1]);
        }));
    return success();
  }

  FailureOr<bool> isSigned = boolAttr(ctx, "signed", true);
  FailureOr<bool> narrow = boolAttr(ctx, "narrow", false);
  if (failed(isSigned) || failed(narrow))
    return failure();
  FailureOr<int64_t> outBits = constIntScalar(ctx, 5, "out_bitwidth");
  if (failed(outBits))
    return failure();
  if (*outBits < 1 || *outBits > kMaxBits)
    return ctx.error() << "out_bitwidth must be in [1, " << kMaxBits
                       << "], got " << *outBits;
  Value os = ctx.input(4);
  std::optional<SmallVector<double>> sc = constValues(ctx, s);
  std::optional<SmallVector<double>> osc = constValues(ctx, os);
  if (!sc || !osc)
    return ctx.error() << "scale and out_scale must be compile-time constants "
                          "(the truncation shift 2^round(log2(out_scale / "
                          "scale)) is computed at compile time)";
  auto outShape =
      broadcastShapes({shapeOf(x), shapeOf(s), shapeOf(z), shapeOf(os)});
  auto tsShape = broadcastShapes({shapeOf(s), shapeOf(os)});
  if (!outShape || !tsShape)
    return ctx.error() << "X, scale, zeropt and out_scale do not broadcast";
  // trunc_scale = 2^round(log2(out_scale / scale)), each step in f32.
  SmallVector<double> sF = broadcastFlat(*sc, shapeOf(s), *tsShape);
  SmallVector<double> osF = broadcastFlat(*osc, shapeOf(os), *tsShape);
  SmallVector<double> ts;
  for (size_t i = 0; i < sF.size(); ++i) {
    float ratio = (float)osF[i] / (float)sF[i];
    if (!(ratio > 0.0f) || !std::isfinite(ratio))
      return ctx.error() << "out_scale / scale must be positive and finite, "
                            "got "
                         << (double)ratio;
    double k = lq::roundHost((double)(float)std::log2((double)ratio),
                             lq::RoundingMode::half_even);
    if (k < -126 || k > 127)
      return ctx.error() << "truncation shift 2^" << (int64_t)k
                         << " is outside f32's exponent range";
    ts.push_back(std::ldexp(1.0, (int)k));
  }
  Value tsv = f32Const(ctx, *tsShape, ts);
  IntRange range = intRange(*outBits, *isSigned, *narrow);
  // y = round_half_even(x / s + z).
  Value y = f32Elementwise(ctx, {x, s, z}, *outShape,
                           [](lq::ScalarBuilder &e, ValueRange a) {
                             return e.round(e.addf(e.divf(a[0], a[1]), a[2]),
                                            lq::RoundingMode::half_even);
                           });

  if (*outBits > kMaxCodeBits) {
    double lo = (float)range.min, hi = (float)range.max;
    results.push_back(f32Elementwise(
        ctx, {y, tsv, z, os}, *outShape,
        [&](lq::ScalarBuilder &e, ValueRange a) {
          Value r = e.round(e.clampf(e.divf(a[0], a[1]), lo, hi), m);
          return e.mulf(e.subf(r, e.divf(a[2], a[1])), a[3]);
        }));
    return success();
  }

  // Codes: lq.quantize(y, trunc_scale) is clamp(round(y / trunc_scale)).
  Type format = lq::IntType::get(mctx, *outBits, *isSigned, *narrow);
  std::optional<LayoutPlan> tsPlan =
      planLayout(mctx, *outShape, {ArrayRef<int64_t>(*tsShape)});
  if (!tsPlan)
    return ctx.error() << "scale and out_scale must not broadcast X to a "
                          "larger shape";
  Value q = quantize(ctx, y, layoutParam(ctx, tsv, ts, *tsPlan), Value(),
                     tsPlan->layout, format, m);
  std::optional<SmallVector<double>> zc = constValues(ctx, z);
  std::optional<LayoutPlan> osPlan = planLayout(mctx, *outShape, {shapeOf(os)});
  if (allZero(zc) && osPlan) {
    results.push_back(dequantize(ctx, q, layoutParam(ctx, os, osc, *osPlan),
                                 Value(), osPlan->layout));
    return success();
  }
  Value one = unitScale(ctx);
  Value d = dequantize(ctx, q, one, Value(), lq::LayoutAttr::getTensor(mctx));
  results.push_back(f32Elementwise(
      ctx, {y, d, z, tsv, os}, *outShape,
      [](lq::ScalarBuilder &e, ValueRange a) {
        Value out = e.mulf(e.subf(a[1], e.divf(a[2], a[3])), a[4]);
        return e.select(e.isNaN(a[0]), a[0], out);
      }));
  return success();
}

//===----------------------------------------------------------------------===//
// FloatQuant
//===----------------------------------------------------------------------===//

/// The largest finite value of a signed minifloat with subnormals.
double miniFloatMax(int64_t e, int64_t m, int64_t bias, lq::NanKind nan) {
  int64_t allExp = (int64_t(1) << e) - 1;
  double mant = 2.0 - std::ldexp(1.0, -m); // all mantissa bits set
  switch (nan) {
  case lq::NanKind::ieee:
    return mant * std::ldexp(1.0, allExp - 1 - bias);
  case lq::NanKind::allones:
    if (m == 0)
      return std::ldexp(1.0, allExp - 1 - bias);
    return (2.0 - std::ldexp(1.0, 1 - m)) * std::ldexp(1.0, allExp - bias);
  case lq::NanKind::none:
  case lq::NanKind::negzero:
    return mant * std::ldexp(1.0, allExp - bias);
  }
  llvm_unreachable("unknown NaN kind");
}

LogicalResult floatQuantOp(NodeContext &ctx, Results &results) {
  if (failed(requireF32(ctx, 0, "X")) || failed(requireF32(ctx, 1, "scale")))
    return failure();
  FailureOr<int64_t> e = constIntScalar(ctx, 2, "exponent_bitwidth");
  FailureOr<int64_t> m = constIntScalar(ctx, 3, "mantissa_bitwidth");
  FailureOr<int64_t> bias = constIntScalar(ctx, 4, "exponent_bias");
  FailureOr<double> maxVal = constScalar(ctx, 5, "max_val");
  if (failed(e) || failed(m) || failed(bias) || failed(maxVal))
    return failure();
  // QONNX's code reads has_inf; its documentation names it has_infinity.
  FailureOr<bool> hasInf = boolAttr(
      ctx, ctx.hasAttr("has_infinity") ? "has_infinity" : "has_inf", false);
  FailureOr<bool> hasNan = boolAttr(ctx, "has_nan", false);
  FailureOr<bool> hasSub = boolAttr(ctx, "has_subnormal", true);
  FailureOr<bool> saturation = boolAttr(ctx, "saturation", true);
  FailureOr<lq::RoundingMode> mode = roundingAttr(ctx, "ROUND");
  if (failed(hasInf) || failed(hasNan) || failed(hasSub) ||
      failed(saturation) || failed(mode))
    return failure();
  if (*e < 1 || *e > 8 || *m < 0 || *m > 7)
    return ctx.error() << "exponent_bitwidth " << *e
                       << " and mantissa_bitwidth " << *m
                       << " are outside lq's minifloats (1-8 exponent and "
                          "0-7 mantissa bits)";
  if (std::isnan(*maxVal) || *maxVal <= 0)
    return ctx.error() << "max_val must be positive, got " << *maxVal;
  if (!*saturation && !*hasInf && !*hasNan)
    return ctx.error() << "saturation = 0 needs has_inf or has_nan (QONNX "
                          "rejects a non-saturating format without them)";
  MLIRContext *mctx = ctx.b.getContext();
  Value x = ctx.input(0), s = ctx.input(1);
  std::optional<LayoutPlan> plan = planLayout(mctx, shapeOf(x), {shapeOf(s)});
  if (!plan)
    return ctx.error() << "scale " << tensorType(s)
                       << " must broadcast to the shape of X " << tensorType(x);

  // QONNX clamps to min(max representable with every exponent field,
  // max_val); subnormals always exist (has_subnormal only informs backends).
  double full = miniFloatMax(*e, *m, *bias, lq::NanKind::none);
  double limit = std::min(full, *maxVal);
  auto makeFormat = [&](lq::NanKind nan, bool inf) -> lq::MiniFloatType {
    return lq::MiniFloatType::get(mctx, (unsigned)*e, (unsigned)*m, true,
                                  (int64_t)*bias, inf, nan, true);
  };
  auto valid = [&](lq::NanKind nan, bool inf) {
    if (inf && nan != lq::NanKind::ieee)
      return false;
    if (nan == lq::NanKind::ieee && *m == 0)
      return false;
    int64_t maxField = (int64_t(1) << *e) - 1;
    if (nan == lq::NanKind::ieee || (nan == lq::NanKind::allones && *m == 0))
      --maxField;
    int64_t maxExp = maxField - *bias, minExp = 1 - *bias;
    return maxExp <= 127 && minExp >= -127 && minExp - *m >= -149;
  };
  // Candidates in order of preference: the format the attributes describe,
  // then the other NaN encodings (a format with NaN keeps NaN inputs NaN).
  SmallVector<std::pair<lq::NanKind, bool>> candidates;
  if (*hasInf) {
    candidates.push_back({lq::NanKind::ieee, true});
  } else if (*hasNan) {
    candidates.push_back({lq::NanKind::allones, false});
    candidates.push_back({lq::NanKind::ieee, false});
    candidates.push_back({lq::NanKind::negzero, false});
  } else {
    candidates.push_back({lq::NanKind::none, false});
  }
  if (*saturation)
    for (auto c : {std::make_pair(lq::NanKind::allones, false),
                   std::make_pair(lq::NanKind::ieee, false),
                   std::make_pair(lq::NanKind::negzero, false)})
      candidates.push_back(c);
  lq::MiniFloatType format;
  for (auto [nan, inf] : candidates)
    if (valid(nan, inf) && miniFloatMax(*e, *m, *bias, nan) == limit) {
      format = makeFormat(nan, inf);
      break;
    }
  std::optional<SmallVector<double>> sc = constValues(ctx, s);
  Value scale = layoutParam(ctx, s, sc, *plan);
  if (format) {
    Value q = quantize(ctx, x, scale, Value(), plan->layout, format, *mode,
                       *saturation);
    results.push_back(dequantize(ctx, q, scale, Value(), plan->layout));
    return success();
  }
  if (!*saturation)
    return ctx.error() << "saturation = 0 needs max_val to be the largest "
                          "value of the format (with has_inf: "
                       << miniFloatMax(*e, *m, *bias, lq::NanKind::ieee)
                       << "; with has_nan: "
                       << miniFloatMax(*e, *m, *bias, lq::NanKind::allones)
                       << " or " << full << "), got " << *maxVal;
  // max_val below the format's range and not the top of another encoding:
  // quantize to the full-range format (NaN stays NaN), clamp to max_val,
  // then scale.
  if (!valid(lq::NanKind::negzero, false))
    return ctx.error() << "exponent_bias " << *bias
                       << " puts the format outside the range of f32";
  format = makeFormat(lq::NanKind::negzero, false);
  Value q = quantize(ctx, x, scale, Value(), plan->layout, format, *mode);
  Value one = unitScale(ctx);
  Value v = dequantize(ctx, q, one, Value(), lq::LayoutAttr::getTensor(mctx));
  double lim = limit;
  results.push_back(f32Elementwise(
      ctx, {v, s}, shapeOf(x), [&](lq::ScalarBuilder &sc2, ValueRange a) {
        Value c =
            arith::MinimumFOp::create(sc2.b, sc2.loc, a[0], sc2.constF32(lim));
        c = arith::MaximumFOp::create(sc2.b, sc2.loc, c, sc2.constF32(-lim));
        return sc2.mulf(c, a[1]);
      }));
  return success();
}

} // namespace

void lpc::frontend::registerQONNXOps(OpTable &t) {
  // Brevitas exports these under onnx.brevitas; QONNX maps that domain to
  // its own.
  for (StringRef domain : {"qonnx.custom_op.general", "onnx.brevitas"}) {
    t[opTableKey(domain, "Quant")] = intQuantOp;
    t[opTableKey(domain, "IntQuant")] = intQuantOp;
    t[opTableKey(domain, "BipolarQuant")] = bipolarQuantOp;
    t[opTableKey(domain, "Trunc")] = truncOp;
    t[opTableKey(domain, "FloatQuant")] = floatQuantOp;
  }
}
