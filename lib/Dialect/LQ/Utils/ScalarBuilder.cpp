//===- ScalarBuilder.cpp - Scalar arith IR at one location ----------------===//

#include "lpc/Dialect/LQ/Utils/ScalarBuilder.h"

#include "lpc/Dialect/LQ/Utils/FormatCodegen.h"

using namespace mlir;
using namespace lpc::lq;

Value ScalarBuilder::pow2(Value k) {
  Value isNormal = cmpi(arith::CmpIPredicate::sge, k, constI32(-126));
  Value normalExp = minsi(maxsi(k, constI32(-126)), constI32(127));
  Value normalBits = shli(addi(normalExp, constI32(127)), constI32(23));
  Value subShift =
      minsi(maxsi(addi(k, constI32(149)), constI32(0)), constI32(22));
  Value subBits = shli(constI32(1), subShift);
  return bitcastToF32(select(isNormal, normalBits, subBits));
}

Value ScalarBuilder::clampf(Value y, double lo, double hi) {
  Value h = constF32(hi), l = constF32(lo);
  y = select(cmpf(arith::CmpFPredicate::OGT, y, h), h, y);
  return select(cmpf(arith::CmpFPredicate::OLT, y, l), l, y);
}

Value ScalarBuilder::round(Value v, RoundingMode mode, Value index,
                           int64_t seed) {
  return emitRound(b, loc, v, mode, index, seed);
}
