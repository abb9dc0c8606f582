//===- MathOps.cpp - ONNX trigonometric, bitwise and test operators ------===//
//
// Trigonometric and hyperbolic functions, the activations ElementwiseOps.cpp
// does not have (Celu, ThresholdedRelu, Shrink, Swish, Mish), IsInf/IsNaN,
// BitShift and the Bitwise operators. Each is one linalg.generic.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

using namespace mlir;
using namespace lpc::frontend;

namespace {

using Results = SmallVectorImpl<Value>;
using ScalarFn = function_ref<Value(OpBuilder &, Location, Value)>;

/// One float input, one output of `outElem` (the input's when null).
LogicalResult floatMap(NodeContext &ctx, Results &results, ScalarFn fn,
                       Type outElem = {}) {
  if (failed(ctx.requireFloat(0, "X")))
    return failure();
  Value x = ctx.input(0);
  results.push_back(elementwise(
      ctx.b, ctx.loc, {x}, shapeOf(x), outElem ? outElem : elemOf(x),
      [&](OpBuilder &b, Location l, ValueRange a) { return fn(b, l, a[0]); }));
  return success();
}

Value c(OpBuilder &b, Location l, Value like, double v) {
  return scalarConst(b, l, like.getType(), v);
}
Value mul(OpBuilder &b, Location l, Value x, Value y) {
  return arith::MulFOp::create(b, l, x, y);
}
Value add(OpBuilder &b, Location l, Value x, Value y) {
  return arith::AddFOp::create(b, l, x, y);
}
Value sub(OpBuilder &b, Location l, Value x, Value y) {
  return arith::SubFOp::create(b, l, x, y);
}
Value div(OpBuilder &b, Location l, Value x, Value y) {
  return arith::DivFOp::create(b, l, x, y);
}
Value exp(OpBuilder &b, Location l, Value x) {
  return math::ExpOp::create(b, l, x);
}
Value log(OpBuilder &b, Location l, Value x) {
  return math::LogOp::create(b, l, x);
}
Value sqrt(OpBuilder &b, Location l, Value x) {
  return math::SqrtOp::create(b, l, x);
}

#define FLOAT_MAP(NAME, BODY)                                                  \
  LogicalResult NAME(NodeContext &ctx, Results &r) {                           \
    return floatMap(ctx,                                                       \
                    r, [&](OpBuilder & b, Location l, Value x)->Value BODY);   \
  }

FLOAT_MAP(tanOp, { return math::TanOp::create(b, l, x); })
FLOAT_MAP(atanOp, { return math::AtanOp::create(b, l, x); })
// asin x = atan(x / sqrt(1 - x^2)), acos x = pi/2 - asin x: math.asin and
// math.acos have no CPU lowering; atan has a polynomial one.
FLOAT_MAP(asinOp, {
  return math::Atan2Op::create(
      b, l, x, sqrt(b, l, sub(b, l, c(b, l, x, 1), mul(b, l, x, x))));
})
FLOAT_MAP(acosOp, {
  return math::Atan2Op::create(
      b, l, sqrt(b, l, sub(b, l, c(b, l, x, 1), mul(b, l, x, x))), x);
})
FLOAT_MAP(sinhOp, {
  return mul(
      b, l, c(b, l, x, 0.5),
      sub(b, l, exp(b, l, x), exp(b, l, arith::NegFOp::create(b, l, x))));
})
FLOAT_MAP(coshOp, {
  return mul(
      b, l, c(b, l, x, 0.5),
      add(b, l, exp(b, l, x), exp(b, l, arith::NegFOp::create(b, l, x))));
})
FLOAT_MAP(asinhOp, {
  // sign(x) * log(|x| + sqrt(x^2 + 1)), exact for negative x too.
  Value ax = math::AbsFOp::create(b, l, x);
  Value r =
      log(b, l,
          add(b, l, ax, sqrt(b, l, add(b, l, mul(b, l, x, x), c(b, l, x, 1)))));
  return math::CopySignOp::create(b, l, r, x);
})
FLOAT_MAP(acoshOp, {
  return log(
      b, l,
      add(b, l, x, sqrt(b, l, sub(b, l, mul(b, l, x, x), c(b, l, x, 1)))));
})
FLOAT_MAP(atanhOp, {
  return mul(b, l, c(b, l, x, 0.5),
             math::Log1pOp::create(b, l,
                                   div(b, l, mul(b, l, c(b, l, x, 2), x),
                                       sub(b, l, c(b, l, x, 1), x))));
})
FLOAT_MAP(mishOp, {
  Value sp = math::Log1pOp::create(b, l, exp(b, l, x));
  return mul(b, l, x, math::TanhOp::create(b, l, sp));
})

LogicalResult celuOp(NodeContext &ctx, Results &r) {
  double alpha = ctx.getFloat("alpha", 1.0f);
  return floatMap(ctx, r, [&](OpBuilder &b, Location l, Value x) -> Value {
    Value e = mul(b, l, c(b, l, x, alpha),
                  math::ExpM1Op::create(b, l, div(b, l, x, c(b, l, x, alpha))));
    return add(b, l, arith::MaximumFOp::create(b, l, x, c(b, l, x, 0)),
               arith::MinimumFOp::create(b, l, e, c(b, l, x, 0)));
  });
}

LogicalResult thresholdedReluOp(NodeContext &ctx, Results &r) {
  double alpha = ctx.getFloat("alpha", 1.0f);
  return floatMap(ctx, r, [&](OpBuilder &b, Location l, Value x) -> Value {
    Value above = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, x,
                                        c(b, l, x, alpha));
    return arith::SelectOp::create(b, l, above, x, c(b, l, x, 0));
  });
}

LogicalResult swishOp(NodeContext &ctx, Results &r) {
  double alpha = ctx.getFloat("alpha", 1.0f);
  return floatMap(ctx, r, [&](OpBuilder &b, Location l, Value x) -> Value {
    Value e =
        exp(b, l, arith::NegFOp::create(b, l, mul(b, l, c(b, l, x, alpha), x)));
    return div(b, l, x, add(b, l, c(b, l, x, 1), e));
  });
}

/// Shrink: x + bias below -lambd, x - bias above lambd, 0 between; floats
/// and integers.
LogicalResult shrinkOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.require(0, "input")))
    return failure();
  Value x = ctx.input(0);
  double lambd = ctx.getFloat("lambd", 0.5f), bias = ctx.getFloat("bias", 0);
  bool isUns = ctx.isUnsigned(x);
  results.push_back(elementwise(
      ctx.b, ctx.loc, {x}, shapeOf(x), elemOf(x),
      [&](OpBuilder &b, Location l, ValueRange a) -> Value {
        Value v = a[0];
        // Compare in f64 so integer inputs meet fractional bounds exactly.
        Value f = convertScalar(b, l, v, b.getF64Type(), isUns, false);
        auto k = [&](double d) { return scalarConst(b, l, b.getF64Type(), d); };
        Value below = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, f,
                                            k(-lambd));
        Value above =
            arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, f, k(lambd));
        Value lo = arith::AddFOp::create(b, l, f, k(bias));
        Value hi = arith::SubFOp::create(b, l, f, k(bias));
        Value r = arith::SelectOp::create(
            b, l, below, lo, arith::SelectOp::create(b, l, above, hi, k(0)));
        return convertScalar(b, l, r, v.getType(), false, isUns);
      }));
  return success();
}

LogicalResult isNaNOp(NodeContext &ctx, Results &r) {
  return floatMap(
      ctx, r,
      [&](OpBuilder &b, Location l, Value x) -> Value {
        return arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNO, x, x);
      },
      ctx.b.getI1Type());
}

LogicalResult isInfOp(NodeContext &ctx, Results &r) {
  bool neg = ctx.getInt("detect_negative", 1),
       pos = ctx.getInt("detect_positive", 1);
  return floatMap(
      ctx, r,
      [&](OpBuilder &b, Location l, Value x) -> Value {
        Value inf = c(b, l, x, INFINITY);
        Value isPos =
            arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, x, inf);
        Value isNeg = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, x,
                                            arith::NegFOp::create(b, l, inf));
        Value none = arith::ConstantIntOp::create(b, l, 0, 1);
        return arith::OrIOp::create(b, l, pos ? isPos : none,
                                    neg ? isNeg : none);
      },
      ctx.b.getI1Type());
}

/// BitShift and BitwiseAnd/Or/Xor: two integer tensors, broadcast.
LogicalResult
intBinary(NodeContext &ctx, Results &results,
          function_ref<Value(OpBuilder &, Location, Value, Value)> fn) {
  if (failed(ctx.require(0, "A")) || failed(ctx.require(1, "B")))
    return failure();
  Value x = ctx.input(0), y = ctx.input(1);
  if (!isa<IntegerType>(elemOf(x)) || elemOf(x) != elemOf(y))
    return ctx.error() << "inputs must be integer tensors of one type, got "
                       << x.getType() << " and " << y.getType();
  auto shape = broadcastShapes({shapeOf(x), shapeOf(y)});
  if (!shape)
    return ctx.error() << "input shapes are not broadcastable: " << x.getType()
                       << " and " << y.getType();
  results.push_back(elementwise(ctx.b, ctx.loc, {x, y}, *shape, elemOf(x),
                                [&](OpBuilder &b, Location l, ValueRange a) {
                                  return fn(b, l, a[0], a[1]);
                                }));
  return success();
}

LogicalResult bitShiftOp(NodeContext &ctx, Results &r) {
  std::string dir = ctx.getString("direction", "");
  if (dir != "LEFT" && dir != "RIGHT")
    return ctx.error() << "direction must be LEFT or RIGHT, got '" << dir
                       << "'";
  bool isUns = ctx.hasInput(0) && ctx.isUnsigned(ctx.input(0));
  return intBinary(ctx, r, [&](OpBuilder &b, Location l, Value x, Value s) {
    // A shift by the width or more (or a negative one, huge as unsigned)
    // shifts every bit out: 0, or the sign for a signed right shift;
    // arith's is poison.
    unsigned w = x.getType().getIntOrFloatBitWidth();
    Value wide = arith::CmpIOp::create(b, l, arith::CmpIPredicate::uge, s,
                                       scalarConst(b, l, s.getType(), w));
    if (dir == "LEFT")
      return (Value)arith::SelectOp::create(b, l, wide,
                                            scalarConst(b, l, x.getType(), 0),
                                            arith::ShLIOp::create(b, l, x, s));
    if (isUns)
      return (Value)arith::SelectOp::create(b, l, wide,
                                            scalarConst(b, l, x.getType(), 0),
                                            arith::ShRUIOp::create(b, l, x, s));
    Value amount = arith::SelectOp::create(
        b, l, wide, scalarConst(b, l, s.getType(), w - 1), s);
    return (Value)arith::ShRSIOp::create(b, l, x, amount);
  });
}
LogicalResult bitwiseAndOp(NodeContext &ctx, Results &r) {
  return intBinary(ctx, r, [](OpBuilder &b, Location l, Value x, Value y) {
    return (Value)arith::AndIOp::create(b, l, x, y);
  });
}
LogicalResult bitwiseOrOp(NodeContext &ctx, Results &r) {
  return intBinary(ctx, r, [](OpBuilder &b, Location l, Value x, Value y) {
    return (Value)arith::OrIOp::create(b, l, x, y);
  });
}
LogicalResult bitwiseXorOp(NodeContext &ctx, Results &r) {
  return intBinary(ctx, r, [](OpBuilder &b, Location l, Value x, Value y) {
    return (Value)arith::XOrIOp::create(b, l, x, y);
  });
}
LogicalResult bitwiseNotOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.require(0, "X")))
    return failure();
  Value x = ctx.input(0);
  if (!isa<IntegerType>(elemOf(x)))
    return ctx.error() << "X must be an integer tensor, got " << x.getType();
  results.push_back(
      elementwise(ctx.b, ctx.loc, {x}, shapeOf(x), elemOf(x),
                  [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                    return arith::XOrIOp::create(
                        b, l, a[0], scalarConst(b, l, a[0].getType(), -1));
                  }));
  return success();
}

} // namespace

void lpc::frontend::registerMathOps(OpTable &t) {
  t["Tan"] = tanOp;
  t["Atan"] = atanOp;
  t["Asin"] = asinOp;
  t["Acos"] = acosOp;
  t["Sinh"] = sinhOp;
  t["Cosh"] = coshOp;
  t["Asinh"] = asinhOp;
  t["Acosh"] = acoshOp;
  t["Atanh"] = atanhOp;
  t["Mish"] = mishOp;
  t["Celu"] = celuOp;
  t["ThresholdedRelu"] = thresholdedReluOp;
  t["Swish"] = swishOp;
  t["Shrink"] = shrinkOp;
  t["IsNaN"] = isNaNOp;
  t["IsInf"] = isInfOp;
  t["BitShift"] = bitShiftOp;
  t["BitwiseAnd"] = bitwiseAndOp;
  t["BitwiseOr"] = bitwiseOrOp;
  t["BitwiseXor"] = bitwiseXorOp;
  t["BitwiseNot"] = bitwiseNotOp;
}
