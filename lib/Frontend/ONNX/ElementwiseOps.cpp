//===- ElementwiseOps.cpp - ONNX elementwise operators --------------------===//
//
// Unary, binary and variadic elementwise operators, comparisons, Where, Cast
// and activations. Each becomes one broadcasting linalg.generic.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include <cmath>

using namespace mlir;
using namespace lpc::frontend;

namespace {

using Results = SmallVectorImpl<Value>;

/// Broadcast shape of all present inputs, or an error.
std::optional<SmallVector<int64_t>> outShapeOf(NodeContext &ctx,
                                               ArrayRef<Value> ins) {
  SmallVector<ArrayRef<int64_t>> shapes;
  for (Value v : ins)
    shapes.push_back(shapeOf(v));
  auto out = broadcastShapes(shapes);
  if (!out) {
    InFlightDiagnostic d = ctx.error();
    d << "input shapes are not broadcastable:";
    for (Value v : ins)
      d << " " << v.getType();
  }
  return out;
}

LogicalResult binaryArith(NodeContext &ctx, Results &results,
                          function_ref<Value(OpBuilder &, Location, Value,
                                             Value, bool isFloat, bool isUns)>
                              fn) {
  if (failed(ctx.require(0, "A")) || failed(ctx.require(1, "B")))
    return failure();
  Value lhs = ctx.input(0), rhs = ctx.input(1);
  if (elemOf(lhs) != elemOf(rhs))
    return ctx.error() << "input element types differ: " << lhs.getType()
                       << " and " << rhs.getType();
  auto shape = outShapeOf(ctx, {lhs, rhs});
  if (!shape)
    return failure();
  bool isFloat = isa<FloatType>(elemOf(lhs));
  bool isUns = ctx.isUnsigned(lhs);
  results.push_back(elementwise(ctx.b, ctx.loc, {lhs, rhs}, *shape, elemOf(lhs),
                                [&](OpBuilder &b, Location loc, ValueRange a) {
                                  return fn(b, loc, a[0], a[1], isFloat, isUns);
                                }));
  return success();
}

LogicalResult addOp(NodeContext &ctx, Results &r) {
  return binaryArith(
      ctx, r,
      [](OpBuilder &b, Location l, Value x, Value y, bool f, bool) -> Value {
        if (f)
          return arith::AddFOp::create(b, l, x, y);
        return arith::AddIOp::create(b, l, x, y);
      });
}
LogicalResult subOp(NodeContext &ctx, Results &r) {
  return binaryArith(
      ctx, r,
      [](OpBuilder &b, Location l, Value x, Value y, bool f, bool) -> Value {
        if (f)
          return arith::SubFOp::create(b, l, x, y);
        return arith::SubIOp::create(b, l, x, y);
      });
}
LogicalResult mulOp(NodeContext &ctx, Results &r) {
  return binaryArith(
      ctx, r,
      [](OpBuilder &b, Location l, Value x, Value y, bool f, bool) -> Value {
        if (f)
          return arith::MulFOp::create(b, l, x, y);
        return arith::MulIOp::create(b, l, x, y);
      });
}
LogicalResult divOp(NodeContext &ctx, Results &r) {
  return binaryArith(
      ctx, r,
      [](OpBuilder &b, Location l, Value x, Value y, bool f, bool u) -> Value {
        if (f)
          return arith::DivFOp::create(b, l, x, y);
        if (u)
          return arith::DivUIOp::create(b, l, x, y);
        return arith::DivSIOp::create(b, l, x, y);
      });
}

/// Mod: integers take the divisor's sign (fmod = 0, Python's %) or the
/// dividend's (fmod = 1, C's %); floats need fmod = 1 (C's fmod).
LogicalResult modOp(NodeContext &ctx, Results &r) {
  bool cStyle = ctx.getInt("fmod", 0);
  if (ctx.hasInput(0) && isa<FloatType>(elemOf(ctx.input(0))) && !cStyle)
    return ctx.error() << "fmod must be 1 for floating-point inputs";
  return binaryArith(
      ctx, r,
      [&](OpBuilder &b, Location l, Value x, Value y, bool f, bool u) -> Value {
        if (f)
          return arith::RemFOp::create(b, l, x, y);
        if (u)
          return arith::RemUIOp::create(b, l, x, y);
        Value rem = arith::RemSIOp::create(b, l, x, y);
        if (cStyle)
          return rem;
        // A nonzero remainder whose sign differs from the divisor's moves
        // by one divisor.
        Value zero = scalarConst(b, l, x.getType(), 0);
        Value nonzero =
            arith::CmpIOp::create(b, l, arith::CmpIPredicate::ne, rem, zero);
        Value remNeg =
            arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, rem, zero);
        Value yNeg =
            arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, y, zero);
        Value differ = arith::XOrIOp::create(b, l, remNeg, yNeg);
        Value fix = arith::AndIOp::create(b, l, nonzero, differ);
        return arith::SelectOp::create(
            b, l, fix, arith::AddIOp::create(b, l, rem, y), rem);
      });
}

LogicalResult powOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.require(0, "X")) || failed(ctx.require(1, "Y")))
    return failure();
  Value x = ctx.input(0), y = ctx.input(1);
  auto shape = outShapeOf(ctx, {x, y});
  if (!shape)
    return failure();
  Type elem = elemOf(x);
  bool yUns = ctx.isUnsigned(y);
  results.push_back(
      elementwise(ctx.b, ctx.loc, {x, y}, *shape, elem,
                  [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                    Value e = convertScalar(b, l, a[1], elem, yUns, false);
                    if (isa<FloatType>(elem))
                      return math::PowFOp::create(b, l, a[0], e);
                    return math::IPowIOp::create(b, l, a[0], e);
                  }));
  return success();
}

/// Variadic Max/Min/Sum/Mean.
LogicalResult variadic(NodeContext &ctx, Results &results, StringRef kind) {
  SmallVector<Value> ins;
  for (size_t i = 0; i < ctx.numInputs(); ++i)
    if (ctx.hasInput(i))
      ins.push_back(ctx.input(i));
  if (ins.empty())
    return ctx.error() << "needs at least one input";
  auto shape = outShapeOf(ctx, ins);
  if (!shape)
    return failure();
  Type elem = elemOf(ins[0]);
  bool isFloat = isa<FloatType>(elem);
  bool isUns = ctx.isUnsigned(ins[0]);
  results.push_back(elementwise(
      ctx.b, ctx.loc, ins, *shape, elem,
      [&](OpBuilder &b, Location l, ValueRange a) -> Value {
        Value acc = a[0];
        for (Value v : a.drop_front()) {
          if (kind == "Max")
            acc = isFloat ? (Value)arith::MaximumFOp::create(b, l, acc, v)
                  : isUns ? (Value)arith::MaxUIOp::create(b, l, acc, v)
                          : (Value)arith::MaxSIOp::create(b, l, acc, v);
          else if (kind == "Min")
            acc = isFloat ? (Value)arith::MinimumFOp::create(b, l, acc, v)
                  : isUns ? (Value)arith::MinUIOp::create(b, l, acc, v)
                          : (Value)arith::MinSIOp::create(b, l, acc, v);
          else
            acc = isFloat ? (Value)arith::AddFOp::create(b, l, acc, v)
                          : (Value)arith::AddIOp::create(b, l, acc, v);
        }
        if (kind == "Mean")
          acc = arith::DivFOp::create(
              b, l, acc, scalarConst(b, l, elem, (double)a.size()));
        return acc;
      }));
  return success();
}
LogicalResult maxOp(NodeContext &c, Results &r) {
  return variadic(c, r, "Max");
}
LogicalResult minOp(NodeContext &c, Results &r) {
  return variadic(c, r, "Min");
}
LogicalResult sumOp(NodeContext &c, Results &r) {
  return variadic(c, r, "Sum");
}
LogicalResult meanOp(NodeContext &c, Results &r) {
  return variadic(c, r, "Mean");
}

/// A float unary op: `fn(b, loc, x)` in the element type of X.
LogicalResult unaryFloat(NodeContext &ctx, Results &results,
                         function_ref<Value(OpBuilder &, Location, Value)> fn) {
  if (failed(ctx.requireFloat(0, "X")))
    return failure();
  Value x = ctx.input(0);
  results.push_back(elementwise(
      ctx.b, ctx.loc, {x}, shapeOf(x), elemOf(x),
      [&](OpBuilder &b, Location l, ValueRange a) { return fn(b, l, a[0]); }));
  return success();
}

Value cst(OpBuilder &b, Location l, Value like, double v) {
  return scalarConst(b, l, like.getType(), v);
}

#define FLOAT_UNARY(NAME, BODY)                                                \
  LogicalResult NAME(NodeContext &ctx, Results &r) {                           \
    return unaryFloat(ctx,                                                     \
                      r, [&](OpBuilder & b, Location l, Value x)->Value BODY); \
  }

FLOAT_UNARY(sqrtOp, { return math::SqrtOp::create(b, l, x); })
FLOAT_UNARY(expOp, { return math::ExpOp::create(b, l, x); })
FLOAT_UNARY(logOp, { return math::LogOp::create(b, l, x); })
FLOAT_UNARY(erfOp, { return math::ErfOp::create(b, l, x); })
FLOAT_UNARY(tanhOp, { return math::TanhOp::create(b, l, x); })
FLOAT_UNARY(sinOp, { return math::SinOp::create(b, l, x); })
FLOAT_UNARY(cosOp, { return math::CosOp::create(b, l, x); })
FLOAT_UNARY(floorOp, { return math::FloorOp::create(b, l, x); })
FLOAT_UNARY(ceilOp, { return math::CeilOp::create(b, l, x); })
FLOAT_UNARY(roundOp, { return math::RoundEvenOp::create(b, l, x); })
FLOAT_UNARY(reciprocalOp,
            { return arith::DivFOp::create(b, l, cst(b, l, x, 1), x); })
FLOAT_UNARY(sigmoidOp, {
  Value e = math::ExpOp::create(b, l, arith::NegFOp::create(b, l, x));
  return arith::DivFOp::create(b, l, cst(b, l, x, 1),
                               arith::AddFOp::create(b, l, cst(b, l, x, 1), e));
})
FLOAT_UNARY(softplusOp, {
  return math::Log1pOp::create(b, l, math::ExpOp::create(b, l, x));
})
FLOAT_UNARY(softsignOp, {
  return arith::DivFOp::create(
      b, l, x,
      arith::AddFOp::create(b, l, cst(b, l, x, 1),
                            math::AbsFOp::create(b, l, x)));
})
FLOAT_UNARY(hardSwishOp, {
  Value t = arith::AddFOp::create(
      b, l, arith::MulFOp::create(b, l, x, cst(b, l, x, 1.0 / 6)),
      cst(b, l, x, 0.5));
  t = arith::MinimumFOp::create(
      b, l, arith::MaximumFOp::create(b, l, t, cst(b, l, x, 0)),
      cst(b, l, x, 1));
  return arith::MulFOp::create(b, l, x, t);
})

LogicalResult hardSigmoidOp(NodeContext &ctx, Results &r) {
  double alpha = ctx.getFloat("alpha", 0.2f), beta = ctx.getFloat("beta", 0.5f);
  return unaryFloat(ctx, r, [&](OpBuilder &b, Location l, Value x) -> Value {
    Value t = arith::AddFOp::create(
        b, l, arith::MulFOp::create(b, l, x, cst(b, l, x, alpha)),
        cst(b, l, x, beta));
    return arith::MinimumFOp::create(
        b, l, arith::MaximumFOp::create(b, l, t, cst(b, l, x, 0)),
        cst(b, l, x, 1));
  });
}

LogicalResult leakyReluOp(NodeContext &ctx, Results &r) {
  double alpha = ctx.getFloat("alpha", 0.01f);
  return unaryFloat(ctx, r, [&](OpBuilder &b, Location l, Value x) -> Value {
    Value neg = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, x,
                                      cst(b, l, x, 0));
    return arith::SelectOp::create(
        b, l, neg, arith::MulFOp::create(b, l, x, cst(b, l, x, alpha)), x);
  });
}

LogicalResult preluOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.requireFloat(0, "X")) || failed(ctx.requireFloat(1, "slope")))
    return failure();
  Value x = ctx.input(0), slope = ctx.input(1);
  // Before opset 7 a 1-D slope applies along the channel axis.
  ArrayRef<int64_t> xs = shapeOf(x);
  if (ctx.opset < 7 && shapeOf(slope).size() == 1 && xs.size() > 2 &&
      shapeOf(slope)[0] == xs[1] && xs[1] != 1) {
    SmallVector<int64_t> chShape(xs.size() - 1, 1);
    chShape[0] = xs[1];
    slope = reshape(ctx.b, ctx.loc, slope, chShape);
  }
  auto shape = outShapeOf(ctx, {x, slope});
  if (!shape)
    return failure();
  results.push_back(elementwise(
      ctx.b, ctx.loc, {x, slope}, *shape, elemOf(x),
      [&](OpBuilder &b, Location l, ValueRange a) -> Value {
        Value neg = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, a[0],
                                          cst(b, l, a[0], 0));
        return arith::SelectOp::create(
            b, l, neg, arith::MulFOp::create(b, l, a[0], a[1]), a[0]);
      }));
  return success();
}

LogicalResult eluOp(NodeContext &ctx, Results &r) {
  double alpha = ctx.getFloat("alpha", 1.0f);
  return unaryFloat(ctx, r, [&](OpBuilder &b, Location l, Value x) -> Value {
    Value neg = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, x,
                                      cst(b, l, x, 0));
    Value e = arith::MulFOp::create(b, l, cst(b, l, x, alpha),
                                    math::ExpM1Op::create(b, l, x));
    return arith::SelectOp::create(b, l, neg, e, x);
  });
}

LogicalResult seluOp(NodeContext &ctx, Results &r) {
  double alpha = ctx.getFloat("alpha", 1.67326319217681884765625f);
  double gamma = ctx.getFloat("gamma", 1.05070102214813232421875f);
  return unaryFloat(ctx, r, [&](OpBuilder &b, Location l, Value x) -> Value {
    Value neg = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLE, x,
                                      cst(b, l, x, 0));
    Value e = arith::SubFOp::create(
        b, l,
        arith::MulFOp::create(b, l, cst(b, l, x, alpha),
                              math::ExpOp::create(b, l, x)),
        cst(b, l, x, alpha));
    Value v = arith::SelectOp::create(b, l, neg, e, x);
    return arith::MulFOp::create(b, l, cst(b, l, x, gamma), v);
  });
}

LogicalResult geluOp(NodeContext &ctx, Results &r) {
  std::string approx = ctx.getString("approximate", "none");
  if (approx != "none" && approx != "tanh")
    return ctx.error() << "unknown approximate mode '" << approx << "'";
  return unaryFloat(ctx, r, [&](OpBuilder &b, Location l, Value x) -> Value {
    Value inner;
    if (approx == "tanh") {
      Value x3 =
          arith::MulFOp::create(b, l, x, arith::MulFOp::create(b, l, x, x));
      Value t = arith::AddFOp::create(
          b, l, x, arith::MulFOp::create(b, l, cst(b, l, x, 0.044715), x3));
      inner = math::TanhOp::create(
          b, l,
          arith::MulFOp::create(b, l, cst(b, l, x, std::sqrt(2 / M_PI)), t));
    } else {
      inner = math::ErfOp::create(
          b, l, arith::MulFOp::create(b, l, x, cst(b, l, x, M_SQRT1_2)));
    }
    Value half = arith::MulFOp::create(b, l, cst(b, l, x, 0.5), x);
    return arith::MulFOp::create(
        b, l, half, arith::AddFOp::create(b, l, cst(b, l, x, 1), inner));
  });
}

/// Neg/Abs/Relu/Sign work on floats and signed integers.
LogicalResult unaryNumeric(NodeContext &ctx, Results &results, StringRef kind) {
  if (failed(ctx.require(0, "X")))
    return failure();
  Value x = ctx.input(0);
  bool isFloat = isa<FloatType>(elemOf(x));
  bool isUns = ctx.isUnsigned(x);
  results.push_back(elementwise(
      ctx.b, ctx.loc, {x}, shapeOf(x), elemOf(x),
      [&](OpBuilder &b, Location l, ValueRange a) -> Value {
        Value v = a[0], zero = cst(b, l, v, 0);
        if (kind == "Neg")
          return isFloat ? (Value)arith::NegFOp::create(b, l, v)
                         : (Value)arith::SubIOp::create(b, l, zero, v);
        if (kind == "Abs") {
          if (isFloat)
            return math::AbsFOp::create(b, l, v);
          if (isUns)
            return v;
          return math::AbsIOp::create(b, l, v);
        }
        if (kind == "Relu")
          return isFloat ? (Value)arith::MaximumFOp::create(b, l, v, zero)
                         : (Value)arith::MaxSIOp::create(b, l, v, zero);
        // Sign.
        Value one = cst(b, l, v, 1), minus = cst(b, l, v, -1);
        Value pos, neg;
        if (isFloat) {
          pos = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, v, zero);
          neg = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, v, zero);
        } else {
          pos = arith::CmpIOp::create(b, l,
                                      isUns ? arith::CmpIPredicate::ugt
                                            : arith::CmpIPredicate::sgt,
                                      v, zero);
          neg = arith::CmpIOp::create(b, l,
                                      isUns ? arith::CmpIPredicate::ult
                                            : arith::CmpIPredicate::slt,
                                      v, zero);
        }
        return arith::SelectOp::create(
            b, l, pos, one, arith::SelectOp::create(b, l, neg, minus, zero));
      }));
  return success();
}
LogicalResult negOp(NodeContext &c, Results &r) {
  return unaryNumeric(c, r, "Neg");
}
LogicalResult absOp(NodeContext &c, Results &r) {
  return unaryNumeric(c, r, "Abs");
}
LogicalResult reluOp(NodeContext &c, Results &r) {
  return unaryNumeric(c, r, "Relu");
}
LogicalResult signOp(NodeContext &c, Results &r) {
  return unaryNumeric(c, r, "Sign");
}

LogicalResult clipOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.require(0, "input")))
    return failure();
  Value x = ctx.input(0);
  Type elem = elemOf(x);
  bool isFloat = isa<FloatType>(elem);
  bool isUns = ctx.isUnsigned(x);
  SmallVector<Value> ins = {x};
  std::optional<double> lo, hi;
  if (ctx.opset < 11) {
    lo = ctx.getFloat("min", -INFINITY);
    hi = ctx.getFloat("max", INFINITY);
  }
  int minIdx = -1, maxIdx = -1;
  for (int i = 1; i <= 2; ++i) {
    if (!ctx.hasInput(i))
      continue;
    if (!shapeOf(ctx.input(i)).empty() &&
        numElements(shapeOf(ctx.input(i))) != 1)
      return ctx.error() << "min and max must be scalars";
    (i == 1 ? minIdx : maxIdx) = ins.size();
    ins.push_back(reshape(ctx.b, ctx.loc, ctx.input(i), {}));
  }
  results.push_back(
      elementwise(ctx.b, ctx.loc, ins, shapeOf(x), elem,
                  [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                    Value v = a[0];
                    auto mx = [&](Value p, Value q) -> Value {
                      if (isFloat)
                        return arith::MaximumFOp::create(b, l, p, q);
                      if (isUns)
                        return arith::MaxUIOp::create(b, l, p, q);
                      return arith::MaxSIOp::create(b, l, p, q);
                    };
                    auto mn = [&](Value p, Value q) -> Value {
                      if (isFloat)
                        return arith::MinimumFOp::create(b, l, p, q);
                      if (isUns)
                        return arith::MinUIOp::create(b, l, p, q);
                      return arith::MinSIOp::create(b, l, p, q);
                    };
                    if (minIdx >= 0)
                      v = mx(v, a[minIdx]);
                    else if (lo && isFloat)
                      v = mx(v, scalarConst(b, l, elem, *lo));
                    if (maxIdx >= 0)
                      v = mn(v, a[maxIdx]);
                    else if (hi && isFloat)
                      v = mn(v, scalarConst(b, l, elem, *hi));
                    return v;
                  }));
  return success();
}

LogicalResult compare(NodeContext &ctx, Results &results,
                      arith::CmpFPredicate fp, arith::CmpIPredicate sp,
                      arith::CmpIPredicate up) {
  if (failed(ctx.require(0, "A")) || failed(ctx.require(1, "B")))
    return failure();
  Value lhs = ctx.input(0), rhs = ctx.input(1);
  if (elemOf(lhs) != elemOf(rhs))
    return ctx.error() << "input element types differ: " << lhs.getType()
                       << " and " << rhs.getType();
  auto shape = outShapeOf(ctx, {lhs, rhs});
  if (!shape)
    return failure();
  bool isFloat = isa<FloatType>(elemOf(lhs));
  bool isUns = ctx.isUnsigned(lhs);
  results.push_back(elementwise(
      ctx.b, ctx.loc, {lhs, rhs}, *shape, ctx.b.getI1Type(),
      [&](OpBuilder &b, Location l, ValueRange a) -> Value {
        if (isFloat)
          return arith::CmpFOp::create(b, l, fp, a[0], a[1]);
        return arith::CmpIOp::create(b, l, isUns ? up : sp, a[0], a[1]);
      }));
  return success();
}
LogicalResult equalOp(NodeContext &c, Results &r) {
  return compare(c, r, arith::CmpFPredicate::OEQ, arith::CmpIPredicate::eq,
                 arith::CmpIPredicate::eq);
}
LogicalResult lessOp(NodeContext &c, Results &r) {
  return compare(c, r, arith::CmpFPredicate::OLT, arith::CmpIPredicate::slt,
                 arith::CmpIPredicate::ult);
}
LogicalResult lessEqOp(NodeContext &c, Results &r) {
  return compare(c, r, arith::CmpFPredicate::OLE, arith::CmpIPredicate::sle,
                 arith::CmpIPredicate::ule);
}
LogicalResult greaterOp(NodeContext &c, Results &r) {
  return compare(c, r, arith::CmpFPredicate::OGT, arith::CmpIPredicate::sgt,
                 arith::CmpIPredicate::ugt);
}
LogicalResult greaterEqOp(NodeContext &c, Results &r) {
  return compare(c, r, arith::CmpFPredicate::OGE, arith::CmpIPredicate::sge,
                 arith::CmpIPredicate::uge);
}

LogicalResult logical(NodeContext &ctx, Results &results, StringRef kind) {
  SmallVector<Value> ins;
  for (size_t i = 0; i < ctx.numInputs(); ++i) {
    if (failed(ctx.require(i, "operand")))
      return failure();
    if (!elemOf(ctx.input(i)).isInteger(1))
      return ctx.error() << "operands must be bool tensors, got "
                         << ctx.input(i).getType();
    ins.push_back(ctx.input(i));
  }
  auto shape = outShapeOf(ctx, ins);
  if (!shape)
    return failure();
  results.push_back(
      elementwise(ctx.b, ctx.loc, ins, *shape, ctx.b.getI1Type(),
                  [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                    if (kind == "Not")
                      return arith::XOrIOp::create(
                          b, l, a[0], scalarConst(b, l, a[0].getType(), 1));
                    if (kind == "And")
                      return arith::AndIOp::create(b, l, a[0], a[1]);
                    if (kind == "Or")
                      return arith::OrIOp::create(b, l, a[0], a[1]);
                    return arith::XOrIOp::create(b, l, a[0], a[1]);
                  }));
  return success();
}
LogicalResult notOp(NodeContext &c, Results &r) { return logical(c, r, "Not"); }
LogicalResult andOp(NodeContext &c, Results &r) { return logical(c, r, "And"); }
LogicalResult orOp(NodeContext &c, Results &r) { return logical(c, r, "Or"); }
LogicalResult xorOp(NodeContext &c, Results &r) { return logical(c, r, "Xor"); }

LogicalResult whereOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.require(0, "condition")) || failed(ctx.require(1, "X")) ||
      failed(ctx.require(2, "Y")))
    return failure();
  Value c = ctx.input(0), x = ctx.input(1), y = ctx.input(2);
  if (!elemOf(c).isInteger(1))
    return ctx.error() << "condition must be a bool tensor, got "
                       << c.getType();
  auto shape = outShapeOf(ctx, {c, x, y});
  if (!shape)
    return failure();
  results.push_back(
      elementwise(ctx.b, ctx.loc, {c, x, y}, *shape, elemOf(x),
                  [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                    return arith::SelectOp::create(b, l, a[0], a[1], a[2]);
                  }));
  return success();
}

/// Input 0 converted elementwise to `elem` (ONNX Cast semantics).
LogicalResult castTo(NodeContext &ctx, Results &results, Type elem,
                     bool dstUns) {
  Value x = ctx.input(0);
  bool srcUns = ctx.isUnsigned(x);
  Value out =
      elementwise(ctx.b, ctx.loc, {x}, shapeOf(x), elem,
                  [&](OpBuilder &b, Location l, ValueRange a) {
                    return convertScalar(b, l, a[0], elem, srcUns, dstUns);
                  });
  ctx.setUnsigned(out, dstUns);
  results.push_back(out);
  return success();
}

LogicalResult castOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.require(0, "input")))
    return failure();
  int to = ctx.getInt("to", 0);
  Type elem = getElementType(ctx.b.getContext(), to);
  if (!elem)
    return ctx.error() << "cannot cast to " << onnxDTypeName(to);
  return castTo(ctx, results, elem, isUnsignedDType(to));
}

/// CastLike: Cast to the element type of input 1.
LogicalResult castLikeOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.require(0, "input")) || failed(ctx.require(1, "target_type")))
    return failure();
  Value like = ctx.input(1);
  return castTo(ctx, results, elemOf(like), ctx.isUnsigned(like));
}

LogicalResult identityOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.require(0, "input")))
    return failure();
  results.push_back(ctx.input(0));
  return success();
}

/// Inference Dropout: the identity, with an all-true mask.
LogicalResult dropoutOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.require(0, "data")))
    return failure();
  if (ctx.hasInput(2)) {
    auto mode = ctx.constInts(ctx.input(2));
    if (!mode)
      return ctx.error() << "training_mode must be a constant";
    if (!mode->empty() && (*mode)[0])
      return ctx.error() << "training_mode (random dropout) is not supported";
  }
  Value x = ctx.input(0);
  results.push_back(x);
  if (ctx.hasOutput(1)) {
    auto type = RankedTensorType::get(shapeOf(x), ctx.b.getI1Type());
    results.push_back(arith::ConstantOp::create(
        ctx.b, ctx.loc, DenseElementsAttr::get(type, true)));
  }
  return success();
}

} // namespace

void lpc::frontend::registerElementwiseOps(OpTable &t) {
  t["Add"] = addOp;
  t["Sub"] = subOp;
  t["Mul"] = mulOp;
  t["Div"] = divOp;
  t["Mod"] = modOp;
  t["Pow"] = powOp;
  t["Max"] = maxOp;
  t["Min"] = minOp;
  t["Sum"] = sumOp;
  t["Mean"] = meanOp;
  t["Sqrt"] = sqrtOp;
  t["Exp"] = expOp;
  t["Log"] = logOp;
  t["Erf"] = erfOp;
  t["Tanh"] = tanhOp;
  t["Sin"] = sinOp;
  t["Cos"] = cosOp;
  t["Floor"] = floorOp;
  t["Ceil"] = ceilOp;
  t["Round"] = roundOp;
  t["Reciprocal"] = reciprocalOp;
  t["Sigmoid"] = sigmoidOp;
  t["Softplus"] = softplusOp;
  t["Softsign"] = softsignOp;
  t["HardSigmoid"] = hardSigmoidOp;
  t["HardSwish"] = hardSwishOp;
  t["LeakyRelu"] = leakyReluOp;
  t["Elu"] = eluOp;
  t["PRelu"] = preluOp;
  t["Selu"] = seluOp;
  t["Gelu"] = geluOp;
  t["Neg"] = negOp;
  t["Abs"] = absOp;
  t["Relu"] = reluOp;
  t["Sign"] = signOp;
  t["Clip"] = clipOp;
  t["Equal"] = equalOp;
  t["Less"] = lessOp;
  t["LessOrEqual"] = lessEqOp;
  t["Greater"] = greaterOp;
  t["GreaterOrEqual"] = greaterEqOp;
  t["Not"] = notOp;
  t["And"] = andOp;
  t["Or"] = orOp;
  t["Xor"] = xorOp;
  t["Where"] = whereOp;
  t["Cast"] = castOp;
  t["CastLike"] = castLikeOp;
  t["Identity"] = identityOp;
  t["Dropout"] = dropoutOp;
}
