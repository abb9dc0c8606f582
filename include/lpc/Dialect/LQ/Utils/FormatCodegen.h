//===- FormatCodegen.h - Scalar IR for encoding and decoding ----*- C++ -*-===//
//
// Emits the scalar arith/math IR that implements docs/Semantics.md: rounding,
// encoding an f32 into a code of any format, and decoding a code to f32. Part
// of lq's one semantics library (lpc/Dialect/LQ/Utils): the reference
// lowering, the importers and every backend that emits arith/math build their
// rounding and format encodings here.
//
//===----------------------------------------------------------------------===//

#ifndef LPC_DIALECT_LQ_UTILS_FORMATCODEGEN_H
#define LPC_DIALECT_LQ_UTILS_FORMATCODEGEN_H

#include "lpc/Dialect/LQ/IR/Format.h"

#include "mlir/IR/Builders.h"

namespace lpc::lq {

/// Rounds f32 `v` to an integer-valued f32 with `mode`. `index` (an i64
/// linear element index) and `seed` drive stochastic rounding.
mlir::Value emitRound(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                      RoundingMode mode, mlir::Value index, int64_t seed);

/// Encodes the scaled f32 `t` into a code of `format` (an i`width` value).
/// `zeroPoint` is an i32 integer zero point or null.
mlir::Value emitEncode(mlir::OpBuilder &b, mlir::Location loc,
                       const Format &format, mlir::Value t,
                       mlir::Value zeroPoint, RoundingMode mode,
                       mlir::Value index, int64_t seed, bool saturate);

/// Decodes an integer format's code minus `zeroPoint` (i32 or null) to i32.
mlir::Value emitDecodeInt(mlir::OpBuilder &b, mlir::Location loc,
                          const Format &format, mlir::Value code,
                          mlir::Value zeroPoint);

/// Decodes a code of any format to its exact f32 value; a vector of minifloat
/// codes decodes lane by lane into a vector of f32.
mlir::Value emitDecodeF32(mlir::OpBuilder &b, mlir::Location loc,
                          const Format &format, mlir::Value code);

/// Extends an integer zero point element of format `zpFormat` to i32.
mlir::Value emitZeroPointI32(mlir::OpBuilder &b, mlir::Location loc,
                             const Format &zpFormat, mlir::Value zp);

} // namespace lpc::lq

#endif // LPC_DIALECT_LQ_UTILS_FORMATCODEGEN_H
