//===- ReductionOps.cpp - ONNX reductions and normalisations --------------===//
//
// ReduceMean/Sum/Max/Min/Prod/SumSquare/L1/L2, Softmax, LogSoftmax,
// LayerNormalization, BatchNormalization (inference) and
// InstanceNormalization.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

using namespace mlir;
using namespace lpc::frontend;

namespace {

using Results = SmallVectorImpl<Value>;

Value addF(OpBuilder &b, Location l, Value x, Value y) {
  return arith::AddFOp::create(b, l, x, y);
}

/// Elementwise binary over broadcast operands.
Value binary(OpBuilder &b, Location loc, Value x, Value y,
             function_ref<Value(OpBuilder &, Location, Value, Value)> fn) {
  SmallVector<int64_t> shape = *broadcastShapes({shapeOf(x), shapeOf(y)});
  return elementwise(b, loc, {x, y}, shape, elemOf(x),
                     [&](OpBuilder &nb, Location l, ValueRange a) {
                       return fn(nb, l, a[0], a[1]);
                     });
}

/// Sum of `x` over `axes` (kept as size 1) divided by their element count.
Value meanOver(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> axes) {
  Type elem = elemOf(x);
  int64_t count = 1;
  for (int64_t a : axes)
    count *= shapeOf(x)[a];
  Value s = reduce(b, loc, x, axes, true, b.getFloatAttr(elem, 0.0),
                   [](OpBuilder &nb, Location l, ValueRange a) {
                     return addF(nb, l, a[0], a[1]);
                   });
  return elementwise(b, loc, {s}, shapeOf(s), elem,
                     [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                       return arith::DivFOp::create(
                           nb, l, a[0],
                           scalarConst(nb, l, elem, (double)count));
                     });
}

LogicalResult reduceOp(NodeContext &ctx, Results &results, StringRef kind) {
  if (failed(ctx.require(0, "data")))
    return failure();
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  Value x = ctx.input(0);
  int64_t rank = shapeOf(x).size();
  Type elem = elemOf(x);
  bool isFloat = isa<FloatType>(elem);
  bool isUns = ctx.isUnsigned(x);
  // Axes moved from an attribute to an input in opset 13 (ReduceSum) and
  // 18 (the others).
  SmallVector<int64_t> axes;
  bool axesFromInput = (kind == "Sum" && ctx.opset >= 13) || ctx.opset >= 18;
  if (axesFromInput) {
    if (ctx.hasInput(1)) {
      auto v = ctx.constInts(ctx.input(1));
      if (!v)
        return ctx.error() << "axes must be a constant";
      axes = *v;
    }
  } else {
    axes = ctx.getInts("axes");
  }
  if (axes.empty()) {
    if (ctx.getInt("noop_with_empty_axes", 0)) {
      results.push_back(x);
      return success();
    }
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
  }
  for (int64_t &a : axes) {
    auto n = normalizeAxis(a, rank);
    if (!n)
      return ctx.error() << "axis " << a << " is out of range for rank "
                         << rank;
    a = *n;
  }
  llvm::sort(axes);
  axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
  bool keep = ctx.getInt("keepdims", 1);
  if (!isFloat && kind != "Sum" && kind != "Max" && kind != "Min" &&
      kind != "Prod")
    return ctx.error() << "data must be a floating-point tensor, got "
                       << x.getType();
  // Pre-map for SumSquare/L1/L2/LogSumExp.
  if (kind == "SumSquare" || kind == "L2" || kind == "L1" ||
      kind == "LogSumExp") {
    x = elementwise(b, loc, {x}, shapeOf(x), elem,
                    [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                      if (kind == "L1")
                        return math::AbsFOp::create(nb, l, a[0]);
                      if (kind == "LogSumExp")
                        return math::ExpOp::create(nb, l, a[0]);
                      return arith::MulFOp::create(nb, l, a[0], a[0]);
                    });
  }
  TypedAttr init;
  if (kind == "Max" || kind == "Min") {
    if (auto ft = dyn_cast<FloatType>(elem))
      init = b.getFloatAttr(
          ft, APFloat::getInf(ft.getFloatSemantics(), kind == "Max"));
    else {
      unsigned w = elem.getIntOrFloatBitWidth();
      APInt v =
          kind == "Max"
              ? (isUns ? APInt::getMinValue(w) : APInt::getSignedMinValue(w))
              : (isUns ? APInt::getMaxValue(w) : APInt::getSignedMaxValue(w));
      init = b.getIntegerAttr(elem, v);
    }
  } else if (kind == "Prod") {
    init = isFloat ? (TypedAttr)b.getFloatAttr(elem, 1.0)
                   : (TypedAttr)b.getIntegerAttr(elem, 1);
  } else {
    init = isFloat ? (TypedAttr)b.getFloatAttr(elem, 0.0)
                   : (TypedAttr)b.getIntegerAttr(elem, 0);
  }
  Value r = reduce(
      b, loc, x, axes, keep, init,
      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        Value acc = a[0], v = a[1];
        if (kind == "Max")
          return isFloat ? (Value)arith::MaximumFOp::create(nb, l, acc, v)
                 : isUns ? (Value)arith::MaxUIOp::create(nb, l, acc, v)
                         : (Value)arith::MaxSIOp::create(nb, l, acc, v);
        if (kind == "Min")
          return isFloat ? (Value)arith::MinimumFOp::create(nb, l, acc, v)
                 : isUns ? (Value)arith::MinUIOp::create(nb, l, acc, v)
                         : (Value)arith::MinSIOp::create(nb, l, acc, v);
        if (kind == "Prod")
          return isFloat ? (Value)arith::MulFOp::create(nb, l, acc, v)
                         : (Value)arith::MulIOp::create(nb, l, acc, v);
        return isFloat ? (Value)arith::AddFOp::create(nb, l, acc, v)
                       : (Value)arith::AddIOp::create(nb, l, acc, v);
      });
  if (kind == "Mean" || kind == "L2" || kind == "LogSumExp" ||
      kind == "LogSum") {
    int64_t count = 1;
    for (int64_t a : axes)
      count *= shapeOf(x)[a];
    r = elementwise(b, loc, {r}, shapeOf(r), elem,
                    [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                      if (kind == "Mean")
                        return arith::DivFOp::create(
                            nb, l, a[0],
                            scalarConst(nb, l, elem, (double)count));
                      if (kind == "L2")
                        return math::SqrtOp::create(nb, l, a[0]);
                      return math::LogOp::create(nb, l, a[0]);
                    });
  }
  results.push_back(r);
  return success();
}
#define REDUCE(NAME, KIND)                                                     \
  LogicalResult NAME(NodeContext &c, Results &r) {                             \
    return reduceOp(c, r, KIND);                                               \
  }
REDUCE(reduceMeanOp, "Mean")
REDUCE(reduceSumOp, "Sum")
REDUCE(reduceMaxOp, "Max")
REDUCE(reduceMinOp, "Min")
REDUCE(reduceProdOp, "Prod")
REDUCE(reduceSumSquareOp, "SumSquare")
REDUCE(reduceL1Op, "L1")
REDUCE(reduceL2Op, "L2")
REDUCE(reduceLogSumOp, "LogSum")
REDUCE(reduceLogSumExpOp, "LogSumExp")

LogicalResult softmax(NodeContext &ctx, Results &results, bool isLog) {
  if (failed(ctx.requireFloat(0, "input")))
    return failure();
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  Value x = ctx.input(0);
  int64_t rank = shapeOf(x).size();
  Type elem = elemOf(x);
  auto axis = normalizeAxis(ctx.getInt("axis", ctx.opset >= 13 ? -1 : 1), rank);
  if (!axis)
    return ctx.error() << "axis is out of range for rank " << rank;
  // Before opset 13 the input is coerced to 2-D at `axis`: all dims from
  // `axis` on form the softmax.
  SmallVector<int64_t> axes = {*axis};
  if (ctx.opset < 13)
    for (int64_t i = *axis + 1; i < rank; ++i)
      axes.push_back(i);
  auto ft = cast<FloatType>(elem);
  Value mx =
      reduce(b, loc, x, axes, true,
             b.getFloatAttr(ft, APFloat::getInf(ft.getFloatSemantics(), true)),
             [](OpBuilder &nb, Location l, ValueRange a) -> Value {
               return arith::MaximumFOp::create(nb, l, a[0], a[1]);
             });
  Value shifted = binary(
      b, loc, x, mx, [](OpBuilder &nb, Location l, Value p, Value q) -> Value {
        return arith::SubFOp::create(nb, l, p, q);
      });
  Value e = elementwise(b, loc, {shifted}, shapeOf(x), elem,
                        [](OpBuilder &nb, Location l, ValueRange a) -> Value {
                          return math::ExpOp::create(nb, l, a[0]);
                        });
  Value s = reduce(b, loc, e, axes, true, b.getFloatAttr(elem, 0.0),
                   [](OpBuilder &nb, Location l, ValueRange a) {
                     return addF(nb, l, a[0], a[1]);
                   });
  if (isLog)
    results.push_back(binary(
        b, loc, shifted, s,
        [](OpBuilder &nb, Location l, Value p, Value q) -> Value {
          return arith::SubFOp::create(nb, l, p, math::LogOp::create(nb, l, q));
        }));
  else
    results.push_back(binary(
        b, loc, e, s, [](OpBuilder &nb, Location l, Value p, Value q) -> Value {
          return arith::DivFOp::create(nb, l, p, q);
        }));
  return success();
}
LogicalResult softmaxOp(NodeContext &c, Results &r) {
  return softmax(c, r, false);
}
LogicalResult logSoftmaxOp(NodeContext &c, Results &r) {
  return softmax(c, r, true);
}

/// (x - mean) * rsqrt(var + eps) over `axes`; returns {normalised, mean,
/// inverse standard deviation}, the statistics with reduced dims kept.
std::array<Value, 3> normalize(OpBuilder &b, Location loc, Value x,
                               ArrayRef<int64_t> axes, double eps) {
  Type elem = elemOf(x);
  Value mean = meanOver(b, loc, x, axes);
  Value d = binary(b, loc, x, mean,
                   [](OpBuilder &nb, Location l, Value p, Value q) -> Value {
                     return arith::SubFOp::create(nb, l, p, q);
                   });
  Value sq = elementwise(b, loc, {d}, shapeOf(d), elem,
                         [](OpBuilder &nb, Location l, ValueRange a) -> Value {
                           return arith::MulFOp::create(nb, l, a[0], a[0]);
                         });
  Value var = meanOver(b, loc, sq, axes);
  Value inv = elementwise(
      b, loc, {var}, shapeOf(var), elem,
      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        Value v =
            arith::AddFOp::create(nb, l, a[0], scalarConst(nb, l, elem, eps));
        return arith::DivFOp::create(nb, l, scalarConst(nb, l, elem, 1.0),
                                     math::SqrtOp::create(nb, l, v));
      });
  Value y = binary(b, loc, d, inv,
                   [](OpBuilder &nb, Location l, Value p, Value q) -> Value {
                     return arith::MulFOp::create(nb, l, p, q);
                   });
  return {y, mean, inv};
}

LogicalResult layerNormOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.requireFloat(0, "X")) || failed(ctx.requireFloat(1, "Scale")))
    return failure();
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  Value x = ctx.input(0);
  int64_t rank = shapeOf(x).size();
  auto axis = normalizeAxis(ctx.getInt("axis", -1), rank);
  if (!axis)
    return ctx.error() << "axis is out of range for rank " << rank;
  SmallVector<int64_t> axes;
  for (int64_t i = *axis; i < rank; ++i)
    axes.push_back(i);
  for (size_t i = 1; i <= 2; ++i) {
    if (!ctx.hasInput(i))
      continue;
    auto bc = broadcastShapes({shapeOf(ctx.input(i)), shapeOf(x)});
    if (!bc || ArrayRef(*bc) != shapeOf(x))
      return ctx.error() << (i == 1 ? "Scale " : "B ") << ctx.input(i).getType()
                         << " does not broadcast to X " << x.getType();
  }
  auto [y, mean, inv] =
      normalize(b, loc, x, axes, ctx.getFloat("epsilon", 1e-5f));
  y = binary(b, loc, y, ctx.input(1),
             [](OpBuilder &nb, Location l, Value p, Value q) -> Value {
               return arith::MulFOp::create(nb, l, p, q);
             });
  if (ctx.hasInput(2))
    y = binary(b, loc, y, ctx.input(2),
               [](OpBuilder &nb, Location l, Value p, Value q) {
                 return addF(nb, l, p, q);
               });
  results.append({y, mean, inv});
  return success();
}

LogicalResult batchNormOp(NodeContext &ctx, Results &results) {
  static const char *names[] = {"X", "scale", "B", "input_mean", "input_var"};
  for (size_t i = 0; i < 5; ++i)
    if (failed(ctx.requireFloat(i, names[i])))
      return failure();
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  Value x = ctx.input(0);
  ArrayRef<int64_t> xs = shapeOf(x);
  if (xs.size() < 2)
    return ctx.error() << "X must have rank >= 2, got " << x.getType();
  int64_t c = xs[1];
  SmallVector<int64_t> chShape(xs.size() - 1, 1);
  chShape[0] = c;
  SmallVector<Value> params;
  for (size_t i = 1; i < 5; ++i) {
    Value p = ctx.input(i);
    if (shapeOf(p) != ArrayRef<int64_t>{c})
      return ctx.error() << names[i] << " must have shape [" << c << "], got "
                         << p.getType();
    params.push_back(reshape(b, loc, p, chShape));
  }
  Type elem = elemOf(x);
  double eps = ctx.getFloat("epsilon", 1e-5f);
  Value runningMean, runningVar;
  if (ctx.getInt("training_mode", 0)) {
    // Batch statistics over every axis but the channel; the running
    // statistics are blended with `momentum`.
    SmallVector<int64_t> axes = {0};
    for (size_t i = 2; i < xs.size(); ++i)
      axes.push_back(i);
    Value mean = meanOver(b, loc, x, axes); // 1 x C x 1...
    Value d = binary(b, loc, x, mean,
                     [](OpBuilder &nb, Location l, Value p, Value q) -> Value {
                       return arith::SubFOp::create(nb, l, p, q);
                     });
    Value sq =
        elementwise(b, loc, {d}, xs, elem,
                    [](OpBuilder &nb, Location l, ValueRange a) -> Value {
                      return arith::MulFOp::create(nb, l, a[0], a[0]);
                    });
    Value var = meanOver(b, loc, sq, axes);
    Value batchMean = reshape(b, loc, mean, chShape);
    Value batchVar = reshape(b, loc, var, chShape);
    double momentum = ctx.getFloat("momentum", 0.9f);
    auto blend = [&](Value running, Value batch) {
      Value r = elementwise(
          b, loc, {running, batch}, chShape, elem,
          [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
            Value p = arith::MulFOp::create(nb, l, a[0],
                                            scalarConst(nb, l, elem, momentum));
            Value q = arith::MulFOp::create(
                nb, l, a[1], scalarConst(nb, l, elem, 1.0 - momentum));
            return arith::AddFOp::create(nb, l, p, q);
          });
      return reshape(b, loc, r, {c});
    };
    runningMean = blend(params[2], batchMean);
    runningVar = blend(params[3], batchVar);
    params[2] = batchMean;
    params[3] = batchVar;
  }
  params.insert(params.begin(), x);
  results.push_back(elementwise(
      b, loc, params, xs, elem,
      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        Value v =
            arith::AddFOp::create(nb, l, a[4], scalarConst(nb, l, elem, eps));
        Value d = arith::SubFOp::create(nb, l, a[0], a[3]);
        Value n =
            arith::DivFOp::create(nb, l, d, math::SqrtOp::create(nb, l, v));
        return arith::AddFOp::create(
            nb, l, arith::MulFOp::create(nb, l, n, a[1]), a[2]);
      }));
  if (runningMean)
    results.append({runningMean, runningVar});
  return success();
}

LogicalResult instanceNormOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.requireFloat(0, "input")) ||
      failed(ctx.requireFloat(1, "scale")) || failed(ctx.requireFloat(2, "B")))
    return failure();
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  Value x = ctx.input(0);
  ArrayRef<int64_t> xs = shapeOf(x);
  if (xs.size() < 3)
    return ctx.error() << "input must have rank >= 3, got " << x.getType();
  SmallVector<int64_t> axes, chShape(xs.size() - 1, 1);
  chShape[0] = xs[1];
  for (size_t i = 2; i < xs.size(); ++i)
    axes.push_back(i);
  auto [y, mean, inv] =
      normalize(b, loc, x, axes, ctx.getFloat("epsilon", 1e-5f));
  (void)mean;
  (void)inv;
  Value s = reshape(b, loc, ctx.input(1), chShape);
  Value bias = reshape(b, loc, ctx.input(2), chShape);
  results.push_back(elementwise(
      b, loc, {y, s, bias}, xs, elemOf(x),
      [](OpBuilder &nb, Location l, ValueRange a) {
        return addF(nb, l, arith::MulFOp::create(nb, l, a[0], a[1]), a[2]);
      }));
  return success();
}

} // namespace

void lpc::frontend::registerReductionOps(OpTable &t) {
  t["ReduceMean"] = reduceMeanOp;
  t["ReduceSum"] = reduceSumOp;
  t["ReduceMax"] = reduceMaxOp;
  t["ReduceMin"] = reduceMinOp;
  t["ReduceProd"] = reduceProdOp;
  t["ReduceSumSquare"] = reduceSumSquareOp;
  t["ReduceL1"] = reduceL1Op;
  t["ReduceL2"] = reduceL2Op;
  t["ReduceLogSum"] = reduceLogSumOp;
  t["ReduceLogSumExp"] = reduceLogSumExpOp;
  t["Softmax"] = softmaxOp;
  t["LogSoftmax"] = logSoftmaxOp;
  t["LayerNormalization"] = layerNormOp;
  t["BatchNormalization"] = batchNormOp;
  t["InstanceNormalization"] = instanceNormOp;
}
