//===- HostQuantization.h - lq codes encoded on the host --------*- C++ -*-===//
//
// The host-side counterparts of FormatCodegen.h's emitEncode and
// emitDecodeF32: the code lq.quantize gives one f32 value, and the exact
// value of a code, for every format and every deterministic rounding mode
// (docs/Semantics.md). The quantization recipes (lq-quantize) fold
// lq.quantize of constant weights with them; they add no other rounding.
//
//===----------------------------------------------------------------------===//

#ifndef LPC_DIALECT_LQ_UTILS_HOSTQUANTIZATION_H
#define LPC_DIALECT_LQ_UTILS_HOSTQUANTIZATION_H

#include "lpc/Dialect/LQ/IR/Format.h"

#include "mlir/IR/Builders.h"

#include <cstdint>
#include <optional>

namespace lpc::lq {

/// What lq.quantize applies to one element besides its scale.
struct HostQuantizeParams {
  RoundingMode rounding = RoundingMode::half_even;
  bool saturate = true;
  /// An integer zero point (integer formats only).
  std::optional<int64_t> zeroPoint;
  /// A float offset `o` (x = s * value(q) + o).
  std::optional<float> offset;
};

/// The code (the format's storage bits, zero-extended) that lq.quantize gives
/// `x` with scale `scale`, exactly as docs/Semantics.md defines it.
/// Stochastic rounding is not a host function (a programming error).
uint64_t quantizeHost(const Format &format, float x, float scale,
                      const HostQuantizeParams &params = {});

/// The exact value of `code` (Semantics.md's `value(code)`): an integer, ±1,
/// a minifloat value (NaN and ±Inf included) or a codebook entry. Exact in
/// f32 for every valid format.
float decodeHost(const Format &format, uint64_t code);

/// lq.dequantize of one code: `f32(q - z) * s` for integer formats (with an
/// integer zero point), `value(q) * s (+ o)` otherwise, each step rounded to
/// f32 as Semantics.md says.
float dequantizeHost(const Format &format, uint64_t code, float scale,
                     const HostQuantizeParams &params = {});

/// The largest finite magnitude of a minifloat or codebook format, or
/// max(|qmin|, |qmax|) of an integer one.
float maxMagnitude(const Format &format);

/// A constant tensor of `shape` holding `codes` of `format` (an lq or
/// builtin format type): an arith.constant of the signless storage integers
/// reinterpreted by lq.bitcast (the constant itself when `format` is a
/// signless integer type).
mlir::Value buildCodeConstant(mlir::OpBuilder &b, mlir::Location loc,
                              llvm::ArrayRef<int64_t> shape, mlir::Type format,
                              llvm::ArrayRef<uint64_t> codes);

} // namespace lpc::lq

#endif // LPC_DIALECT_LQ_UTILS_HOSTQUANTIZATION_H
