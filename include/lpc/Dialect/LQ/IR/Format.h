//===- Format.h - Element semantics of lq formats ---------------*- C++ -*-===//
//
// One description of "what a code means" for every element type lq accepts
// as a format: lq types and the builtin integer and small-float types.
//
//===----------------------------------------------------------------------===//

#ifndef LPC_DIALECT_LQ_IR_FORMAT_H
#define LPC_DIALECT_LQ_IR_FORMAT_H

#include "lpc/Dialect/LQ/IR/LQ.h"

#include <optional>

namespace lpc::lq {

/// The numeric family of a format.
enum class FormatKind { Integer, Bipolar, MiniFloat, Codebook };

/// Element semantics of a format (see docs/Semantics.md).
struct Format {
  FormatKind kind = FormatKind::Integer;
  /// Storage width in bits.
  unsigned width = 0;
  bool isSigned = true;
  // Integer formats.
  bool narrow = false;
  int64_t minCode = 0, maxCode = 0;
  // Minifloats.
  unsigned exponentBits = 0, mantissaBits = 0;
  int64_t bias = 0;
  bool hasInf = false;
  NanKind nan = NanKind::none;
  bool hasSubnormals = true;
  // Codebooks: the 2^width table.
  llvm::SmallVector<float> table;

  bool isInteger() const { return kind == FormatKind::Integer; }
  bool isMiniFloat() const { return kind == FormatKind::MiniFloat; }
  bool isCodebook() const { return kind == FormatKind::Codebook; }
  /// Formats whose values are integers (integer, ternary, bipolar).
  bool isIntegerValued() const {
    return kind == FormatKind::Integer || kind == FormatKind::Bipolar;
  }
  /// Smallest unbiased exponent of the normal range (see Semantics.md).
  int64_t getMinExponent() const { return hasSubnormals ? 1 - bias : -bias; }
  /// Largest finite (exponent field, mantissa field).
  std::pair<int64_t, int64_t> getMaxFinite() const;
};

/// The code range [min, max] of an integer format of `width` bits (narrow:
/// one code short of full at the negative end when signed, at the top when
/// unsigned).
std::pair<int64_t, int64_t> integerCodeRange(unsigned width, bool isSigned,
                                             bool narrow);

/// The parameters of a minifloat (those of `!lq.float`, see Semantics.md).
struct MiniFloatParams {
  unsigned e = 0, m = 0;
  bool isSigned = true;
  int64_t bias = 0;
  bool inf = false;
  NanKind nan = NanKind::none;
  bool subnormals = true;
  bool operator==(const MiniFloatParams &o) const {
    return e == o.e && m == o.m && isSigned == o.isSigned && bias == o.bias &&
           inf == o.inf && nan == o.nan && subnormals == o.subnormals;
  }
};

/// A minifloat keyword whose flags differ from the eXmY defaults.
struct NamedMiniFloat {
  const char *name;
  MiniFloatParams params;
};

/// The one table of named minifloats (e4m3fn, e4m3fnuz, e4m3b11fnuz, e5m2,
/// e5m2fnuz, ue4m3, ue5m3, e8m0): the `!lq.float` keywords and the builtin
/// f8 types with the same semantics use it.
llvm::ArrayRef<NamedMiniFloat> namedMiniFloats();

/// The parameters a keyword names: a named minifloat, or `eXmY` / `ueXmY`
/// with the default flags (bias 2^(X-1) - 1, no Inf, no NaN, subnormals).
/// nullopt if `name` is neither.
std::optional<MiniFloatParams> parseMiniFloatKeyword(llvm::StringRef name);

/// The format of an element type, or nullopt if it is not a format: lq types,
/// builtin integers (iN/siN signed, uiN unsigned) of width 1-16, and the
/// builtin f8/f6/f4 types.
std::optional<Format> getFormat(mlir::Type type);

/// Like getFormat, but also accepts builtin integers up to 32 bits (e.g.
/// i32 accumulators) as integer formats.
std::optional<Format> getAccumulatorFormat(mlir::Type type);

/// True if `type` is a format element type that is not a plain builtin
/// integer; builtin integers are formats too but also ordinary values.
bool isFormatType(mlir::Type type);

/// The signless integer type holding a code of `type`'s format.
mlir::IntegerType getStorageType(mlir::Type type);

} // namespace lpc::lq

#endif // LPC_DIALECT_LQ_IR_FORMAT_H
