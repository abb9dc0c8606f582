//===- ResizeOps.cpp - ONNX Resize and Upsample ---------------------------===//
//
// Resize is separable: lpc resamples one axis at a time. Because shapes are
// static, the source indices and weights of every output position are
// computed here (in double precision, following the ONNX reference
// implementation) and become constant tables [out, taps]; one linalg.generic
// per resized axis gathers the taps with tensor.extract and sums them.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "mlir/IR/AffineMap.h"

#include <cmath>

using namespace mlir;
using namespace lpc::frontend;

namespace {

using Results = SmallVectorImpl<Value>;

struct ResizeMode {
  std::string mode = "nearest";
  std::string coord = "half_pixel";
  std::string nearest = "round_prefer_floor";
  double cubicA = -0.75;
  bool excludeOutside = false;
  double extrapolation = 0.0;
};

/// Per-output taps of one axis.
struct AxisTable {
  int64_t taps;
  SmallVector<int64_t> idx;  // [out * taps]
  SmallVector<double> w;     // [out * taps]
  SmallVector<double> extra; // [out]: extrapolation value or 0
};

SmallVector<double> coeffs(const ResizeMode &m, double ratio, bool integral) {
  if (m.mode == "nearest") {
    if (integral)
      return {0, 1};
    if (m.nearest == "round_prefer_floor")
      return {ratio <= 0.5 ? 1.0 : 0.0, ratio > 0.5 ? 1.0 : 0.0};
    if (m.nearest == "round_prefer_ceil")
      return {ratio < 0.5 ? 1.0 : 0.0, ratio >= 0.5 ? 1.0 : 0.0};
    if (m.nearest == "floor")
      return {1, 0};
    return {0, 1};
  }
  if (m.mode == "linear")
    return {1 - ratio, ratio};
  double a = m.cubicA, r = ratio, s = 1 - ratio;
  return {((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a,
          ((a + 2) * r - (a + 3)) * r * r + 1,
          ((a + 2) * s - (a + 3)) * s * s + 1,
          ((a * (s + 1) - 5 * a) * (s + 1) + 8 * a) * (s + 1) - 4 * a};
}

AxisTable buildTable(const ResizeMode &m, int64_t in, int64_t out, double scale,
                     double roiStart, double roiEnd) {
  AxisTable t;
  t.taps = m.mode == "cubic" ? 4 : 2;
  double outWidth = scale * in;
  for (int64_t o = 0; o < out; ++o) {
    double x = o, xo;
    bool outside = false;
    if (m.coord == "align_corners") {
      xo = outWidth == 1 ? 0.0 : x * (in - 1) / (outWidth - 1);
    } else if (m.coord == "asymmetric") {
      xo = x / scale;
    } else if (m.coord == "tf_crop_and_resize") {
      xo = outWidth == 1 ? (roiEnd - roiStart) * (in - 1) / 2
                         : x * (roiEnd - roiStart) * (in - 1) / (outWidth - 1);
      xo += roiStart * (in - 1);
      outside = xo < 0 || xo > in - 1;
    } else if (m.coord == "tf_half_pixel_for_nn") {
      xo = (x + 0.5) / scale;
    } else if (m.coord == "pytorch_half_pixel") {
      xo = outWidth == 1 ? -0.5 : (x + 0.5) / scale - 0.5;
    } else if (m.coord == "half_pixel_symmetric") {
      double adj = out / outWidth;
      double center = in / 2.0;
      double offset = center * (1 - adj);
      xo = offset + (x + 0.5) / scale - 0.5;
    } else {
      xo = (x + 0.5) / scale - 0.5;
    }
    double fl = std::floor(xo);
    bool integral = xo == fl;
    double ratio = integral ? 1.0 : xo - fl;
    SmallVector<double> c = coeffs(m, ratio, integral);
    int64_t x0 = integral ? (int64_t)xo - 1 : (int64_t)fl;
    int64_t first = x0 - t.taps / 2 + 1;
    if (m.excludeOutside) {
      double sum = 0;
      for (int64_t j = 0; j < t.taps; ++j) {
        int64_t i = first + j;
        if (i < 0 || i >= in)
          c[j] = 0;
        sum += c[j];
      }
      for (double &v : c)
        v = sum != 0 ? v / sum : 0;
    }
    for (int64_t j = 0; j < t.taps; ++j) {
      t.idx.push_back(std::clamp<int64_t>(first + j, 0, in - 1));
      t.w.push_back(outside ? 0.0 : c[j]);
    }
    t.extra.push_back(outside ? m.extrapolation : 0.0);
  }
  return t;
}

/// Resamples `x` along `axis` to `out` positions with the table `t`.
Value resampleAxis(OpBuilder &b, Location loc, Value x, int64_t axis,
                   int64_t out, const AxisTable &t) {
  MLIRContext *mctx = b.getContext();
  Type elem = elemOf(x);
  SmallVector<int64_t> shape(shapeOf(x));
  int64_t rank = shape.size();
  shape[axis] = out;
  auto tableType = RankedTensorType::get({out, t.taps}, b.getI64Type());
  Value idx = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(tableType, ArrayRef(t.idx)));
  auto ft = cast<FloatType>(elem);
  auto floats = [&](ArrayRef<double> v, ArrayRef<int64_t> s) {
    SmallVector<APFloat> a;
    for (double d : v) {
      APFloat f(d);
      bool lost;
      f.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
      a.push_back(f);
    }
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(RankedTensorType::get(s, elem), a));
  };
  Value w = floats(t.w, {out, t.taps});
  SmallVector<int64_t> extraShape(rank, 1);
  extraShape[axis] = out;
  Value extra = floats(t.extra, extraShape);
  Value init =
      elementwise(b, loc, {extra}, shape, elem,
                  [](OpBuilder &, Location, ValueRange a) { return a[0]; });
  // Loops: the output dims, then the tap.
  auto d = [&](int64_t i) { return getAffineDimExpr(i, mctx); };
  AffineMap tableMap = AffineMap::get(rank + 1, 0, {d(axis), d(rank)}, mctx);
  SmallVector<AffineExpr> oe;
  for (int64_t i = 0; i < rank; ++i)
    oe.push_back(d(i));
  SmallVector<AffineMap> maps = {tableMap, tableMap,
                                 AffineMap::get(rank + 1, 0, oe, mctx)};
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  iters.push_back(utils::IteratorType::reduction);
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{idx, w},
             ValueRange{init}, maps, iters,
             [&](OpBuilder &nb, Location l, ValueRange a) {
               SmallVector<Value> coords;
               for (int64_t i = 0; i < rank; ++i)
                 coords.push_back(
                     i == axis ? (Value)arith::IndexCastOp::create(
                                     nb, l, nb.getIndexType(), a[0])
                               : (Value)linalg::IndexOp::create(nb, l, i));
               Value v = tensor::ExtractOp::create(nb, l, x, coords);
               Value r = arith::AddFOp::create(
                   nb, l, a[2], arith::MulFOp::create(nb, l, a[1], v));
               linalg::YieldOp::create(nb, l, r);
             })
      .getResult(0);
}

std::optional<SmallVector<double>> constFloats(NodeContext &ctx, Value v) {
  auto attr = ctx.constant(v);
  if (!attr || !isa<FloatType>(attr->getElementType()))
    return std::nullopt;
  SmallVector<double> out;
  for (const APFloat &f : attr->getValues<APFloat>())
    out.push_back(f.convertToDouble());
  return out;
}

LogicalResult resizeOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.requireFloat(0, "X")))
    return failure();
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  Value x = ctx.input(0);
  ArrayRef<int64_t> xs = shapeOf(x);
  int64_t rank = xs.size();
  bool isUpsample = ctx.node.op_type() == "Upsample";
  ResizeMode m;
  m.mode = ctx.getString("mode", "nearest");
  if (isUpsample || ctx.opset < 11) {
    m.coord = "asymmetric";
    m.nearest = "floor";
  } else {
    m.coord = ctx.getString("coordinate_transformation_mode", "half_pixel");
    m.nearest = ctx.getString("nearest_mode", "round_prefer_floor");
  }
  m.cubicA = ctx.getFloat("cubic_coeff_a", -0.75f);
  m.excludeOutside = ctx.getInt("exclude_outside", 0);
  m.extrapolation = ctx.getFloat("extrapolation_value", 0.0f);
  if (m.mode != "nearest" && m.mode != "linear" && m.mode != "cubic")
    return ctx.error() << "unknown mode '" << m.mode << "'";
  if (ctx.getInt("antialias", 0))
    return ctx.error() << "antialias is not supported";
  // Inputs: opset 10 and Upsample (X, scales); later (X, roi, scales, sizes).
  size_t scalesIdx = (isUpsample || ctx.opset < 11) ? 1 : 2;
  SmallVector<int64_t> axes = ctx.getInts("axes");
  if (axes.empty())
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
  for (int64_t &a : axes) {
    auto n = normalizeAxis(a, rank);
    if (!n)
      return ctx.error() << "axis " << a << " is out of range";
    a = *n;
  }
  SmallVector<double> scales(rank, 1.0), roiStart(rank, 0.0), roiEnd(rank, 1.0);
  SmallVector<int64_t> outShape(xs);
  std::optional<SmallVector<double>> sv;
  if (isUpsample && ctx.opset < 9)
    sv = SmallVector<double>(ctx.getFloats("scales").begin(),
                             ctx.getFloats("scales").end());
  else if (ctx.hasInput(scalesIdx) &&
           numElements(shapeOf(ctx.input(scalesIdx))) > 0)
    sv = constFloats(ctx, ctx.input(scalesIdx));
  std::optional<SmallVector<int64_t>> sizes;
  if (!isUpsample && ctx.opset >= 11 && ctx.hasInput(3))
    sizes = ctx.constInts(ctx.input(3));
  if (sv && !sv->empty()) {
    if (sv->size() != axes.size())
      return ctx.error() << "scales has " << sv->size() << " entries for "
                         << axes.size() << " axes";
    for (size_t i = 0; i < axes.size(); ++i) {
      scales[axes[i]] = (*sv)[i];
      outShape[axes[i]] = (int64_t)std::floor(xs[axes[i]] * (*sv)[i]);
    }
  } else if (sizes && !sizes->empty()) {
    if (sizes->size() != axes.size())
      return ctx.error() << "sizes has " << sizes->size() << " entries for "
                         << axes.size() << " axes";
    std::string policy = ctx.getString("keep_aspect_ratio_policy", "stretch");
    if (policy == "stretch") {
      for (size_t i = 0; i < axes.size(); ++i) {
        outShape[axes[i]] = (*sizes)[i];
        scales[axes[i]] = (double)(*sizes)[i] / xs[axes[i]];
      }
    } else {
      double s = policy == "not_larger" ? INFINITY : 0;
      for (size_t i = 0; i < axes.size(); ++i) {
        double r = (double)(*sizes)[i] / xs[axes[i]];
        s = policy == "not_larger" ? std::min(s, r) : std::max(s, r);
      }
      for (int64_t a : axes) {
        scales[a] = s;
        outShape[a] = (int64_t)std::round(s * xs[a]);
      }
    }
  } else {
    return ctx.error() << "scales or sizes must be a constant";
  }
  if (m.coord == "tf_crop_and_resize") {
    auto roi = ctx.hasInput(1) ? constFloats(ctx, ctx.input(1)) : std::nullopt;
    if (!roi || roi->size() != 2 * axes.size())
      return ctx.error() << "tf_crop_and_resize needs a constant roi";
    for (size_t i = 0; i < axes.size(); ++i) {
      roiStart[axes[i]] = (*roi)[i];
      roiEnd[axes[i]] = (*roi)[axes.size() + i];
    }
  }
  Value y = x;
  for (int64_t a = rank - 1; a >= 0; --a) {
    if (outShape[a] < 0)
      return ctx.error() << "output dimension " << a << " is negative";
    if (outShape[a] == xs[a] && scales[a] == 1.0 &&
        m.coord != "tf_crop_and_resize")
      continue;
    AxisTable t =
        buildTable(m, xs[a], outShape[a], scales[a], roiStart[a], roiEnd[a]);
    y = resampleAxis(b, loc, y, a, outShape[a], t);
  }
  results.push_back(y);
  return success();
}

} // namespace

void lpc::frontend::registerResizeOps(OpTable &t) {
  t["Resize"] = resizeOp;
  t["Upsample"] = resizeOp;
}
