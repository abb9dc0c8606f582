//===- ScalarBuilder.h - Scalar arith IR at one location --------*- C++ -*-===//
//
// The one builder of scalar arith/math IR that lq's semantics code (format
// encoding and decoding, rounding) and the importers' elementwise bodies
// use: short names for the ops, constants of the types they need, and the
// few composite functions docs/Semantics.md defines once.
//
//===----------------------------------------------------------------------===//

#ifndef LPC_DIALECT_LQ_UTILS_SCALARBUILDER_H
#define LPC_DIALECT_LQ_UTILS_SCALARBUILDER_H

#include "lpc/Dialect/LQ/IR/LQ.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"

namespace lpc::lq {

/// Builds scalar ops with `b` at `loc`. Integer ops are the `i` ones (the
/// semantics code computes in i32, hashes in i64), float ops the `f` ones.
/// With `lanes` > 0 every value is a vector of that many lanes (types and
/// constants are vectors and splats; the ops are elementwise), so the same
/// semantics code builds vector kernels' bodies.
struct ScalarBuilder {
  mlir::OpBuilder &b;
  mlir::Location loc;
  int64_t lanes = 0;

  /// `t`, or a vector of `lanes` of it.
  mlir::Type shaped(mlir::Type t) {
    return lanes ? mlir::Type(mlir::VectorType::get({lanes}, t)) : t;
  }
  mlir::Type i1() { return shaped(b.getI1Type()); }
  mlir::Type i32() { return shaped(b.getI32Type()); }
  mlir::Type f32() { return shaped(b.getF32Type()); }
  /// A constant of `attr`'s value, splat across the lanes.
  mlir::Value constant(mlir::TypedAttr attr) {
    if (!lanes)
      return mlir::arith::ConstantOp::create(b, loc, attr);
    auto type = mlir::VectorType::get({lanes}, attr.getType());
    return mlir::arith::ConstantOp::create(
        b, loc, mlir::DenseElementsAttr::get(type, mlir::Attribute(attr)));
  }
  mlir::Value constI1(bool v) { return constant(b.getBoolAttr(v)); }
  mlir::Value constI32(int64_t v) { return constant(b.getI32IntegerAttr(v)); }
  mlir::Value constI64(uint64_t v) {
    return constant(b.getI64IntegerAttr(static_cast<int64_t>(v)));
  }
  /// `v` rounded to the nearest f32.
  mlir::Value constF32(double v) { return constant(b.getF32FloatAttr(v)); }

  mlir::Value addi(mlir::Value x, mlir::Value y) {
    return mlir::arith::AddIOp::create(b, loc, x, y);
  }
  mlir::Value subi(mlir::Value x, mlir::Value y) {
    return mlir::arith::SubIOp::create(b, loc, x, y);
  }
  mlir::Value muli(mlir::Value x, mlir::Value y) {
    return mlir::arith::MulIOp::create(b, loc, x, y);
  }
  mlir::Value andi(mlir::Value x, mlir::Value y) {
    return mlir::arith::AndIOp::create(b, loc, x, y);
  }
  mlir::Value ori(mlir::Value x, mlir::Value y) {
    return mlir::arith::OrIOp::create(b, loc, x, y);
  }
  mlir::Value xori(mlir::Value x, mlir::Value y) {
    return mlir::arith::XOrIOp::create(b, loc, x, y);
  }
  mlir::Value shli(mlir::Value x, mlir::Value y) {
    return mlir::arith::ShLIOp::create(b, loc, x, y);
  }
  mlir::Value shrui(mlir::Value x, mlir::Value y) {
    return mlir::arith::ShRUIOp::create(b, loc, x, y);
  }
  mlir::Value maxsi(mlir::Value x, mlir::Value y) {
    return mlir::arith::MaxSIOp::create(b, loc, x, y);
  }
  mlir::Value minsi(mlir::Value x, mlir::Value y) {
    return mlir::arith::MinSIOp::create(b, loc, x, y);
  }
  mlir::Value cmpi(mlir::arith::CmpIPredicate p, mlir::Value x, mlir::Value y) {
    return mlir::arith::CmpIOp::create(b, loc, p, x, y);
  }

  mlir::Value addf(mlir::Value x, mlir::Value y) {
    return mlir::arith::AddFOp::create(b, loc, x, y);
  }
  mlir::Value subf(mlir::Value x, mlir::Value y) {
    return mlir::arith::SubFOp::create(b, loc, x, y);
  }
  mlir::Value mulf(mlir::Value x, mlir::Value y) {
    return mlir::arith::MulFOp::create(b, loc, x, y);
  }
  mlir::Value divf(mlir::Value x, mlir::Value y) {
    return mlir::arith::DivFOp::create(b, loc, x, y);
  }
  mlir::Value cmpf(mlir::arith::CmpFPredicate p, mlir::Value x, mlir::Value y) {
    return mlir::arith::CmpFOp::create(b, loc, p, x, y);
  }
  mlir::Value isNaN(mlir::Value x) {
    return cmpf(mlir::arith::CmpFPredicate::UNO, x, x);
  }

  mlir::Value select(mlir::Value c, mlir::Value x, mlir::Value y) {
    return mlir::arith::SelectOp::create(b, loc, c, x, y);
  }
  mlir::Value bitcastToI32(mlir::Value f) {
    return mlir::arith::BitcastOp::create(b, loc, i32(), f);
  }
  mlir::Value bitcastToF32(mlir::Value i) {
    return mlir::arith::BitcastOp::create(b, loc, f32(), i);
  }

  /// 2^k as f32 for an i32 k in [-149, 127] (exact, subnormals included).
  mlir::Value pow2(mlir::Value k);
  /// numpy's where(y > hi, hi, y) then where(y < lo, lo, y) on f32: NaN
  /// passes through.
  mlir::Value clampf(mlir::Value y, double lo, double hi);
  /// Rounds f32 `v` to an integral f32 as `mode` says (docs/Semantics.md);
  /// `index` (an i64 element index) and `seed` only for stochastic modes.
  mlir::Value round(mlir::Value v, RoundingMode mode,
                    mlir::Value index = mlir::Value(), int64_t seed = 0);
};

} // namespace lpc::lq

#endif // LPC_DIALECT_LQ_UTILS_SCALARBUILDER_H
