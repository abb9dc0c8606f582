//===- LQTypes.cpp - lq format types --------------------------------------===//

#include "lpc/Dialect/LQ/IR/Format.h"
#include "lpc/Dialect/LQ/IR/LQ.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/Format.h"

#include <cmath>

using namespace mlir;
using namespace lpc::lq;

#define GET_TYPEDEF_CLASSES
#include "lpc/Dialect/LQ/IR/LQOpsTypes.cpp.inc"

void LQDialect::registerTypes() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "lpc/Dialect/LQ/IR/LQOpsTypes.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// IntType
//===----------------------------------------------------------------------===//

Type IntType::parse(AsmParser &parser) {
  unsigned width = 0;
  bool isSigned = true, narrow = false;
  if (parser.parseLess() || parser.parseInteger(width))
    return {};
  while (succeeded(parser.parseOptionalComma())) {
    StringRef keyword;
    SMLoc loc = parser.getCurrentLocation();
    if (parser.parseKeyword(&keyword))
      return {};
    if (keyword == "unsigned") {
      isSigned = false;
    } else if (keyword == "narrow") {
      narrow = true;
    } else {
      parser.emitError(loc, "expected 'unsigned' or 'narrow', got '")
          << keyword << "'";
      return {};
    }
  }
  if (parser.parseGreater())
    return {};
  return parser.getChecked<IntType>(parser.getContext(), width, isSigned,
                                    narrow);
}

void IntType::print(AsmPrinter &printer) const {
  printer << "<" << getWidth();
  if (!getIsSigned())
    printer << ", unsigned";
  if (getNarrow())
    printer << ", narrow";
  printer << ">";
}

LogicalResult IntType::verify(function_ref<InFlightDiagnostic()> emitError,
                              unsigned width, bool isSigned, bool narrow) {
  if (width < 1 || width > 16)
    return emitError() << "integer format width must be in [1, 16], got "
                       << width;
  return success();
}

//===----------------------------------------------------------------------===//
// FloatType
//===----------------------------------------------------------------------===//

namespace {
std::string defaultKeyword(const MiniFloatParams &p) {
  return (p.isSigned ? "e" : "ue") + std::to_string(p.e) + "m" +
         std::to_string(p.m);
}
} // namespace

MiniFloatType MiniFloatType::getNamed(MLIRContext *ctx, StringRef name) {
  std::optional<MiniFloatParams> p = parseMiniFloatKeyword(name);
  if (!p)
    return {};
  return MiniFloatType::get(ctx, p->e, p->m, p->isSigned, p->bias, p->inf,
                            p->nan, p->subnormals);
}

Type MiniFloatType::parse(AsmParser &parser) {
  StringRef keyword;
  SMLoc loc = parser.getCurrentLocation();
  if (parser.parseLess() || parser.parseKeyword(&keyword))
    return {};
  std::optional<MiniFloatParams> p = parseMiniFloatKeyword(keyword);
  if (!p) {
    parser.emitError(loc, "expected a minifloat keyword such as 'e2m1', "
                          "'ue4m3' or 'e4m3fn', got '")
        << keyword << "'";
    return {};
  }
  while (succeeded(parser.parseOptionalComma())) {
    StringRef key;
    SMLoc keyLoc = parser.getCurrentLocation();
    if (parser.parseKeyword(&key) || parser.parseEqual())
      return {};
    auto parseBool = [&](bool &out) -> ParseResult {
      StringRef v;
      SMLoc vLoc = parser.getCurrentLocation();
      if (parser.parseKeyword(&v))
        return failure();
      if (v != "true" && v != "false")
        return parser.emitError(vLoc, "expected 'true' or 'false'");
      out = v == "true";
      return success();
    };
    if (key == "bias") {
      if (parser.parseInteger(p->bias))
        return {};
    } else if (key == "inf") {
      if (parseBool(p->inf))
        return {};
    } else if (key == "subnormals") {
      if (parseBool(p->subnormals))
        return {};
    } else if (key == "nan") {
      StringRef v;
      SMLoc vLoc = parser.getCurrentLocation();
      if (parser.parseKeyword(&v))
        return {};
      std::optional<NanKind> kind = symbolizeNanKind(v);
      if (!kind) {
        parser.emitError(vLoc, "expected NaN kind 'none', 'ieee', 'allones' or "
                               "'negzero', got '")
            << v << "'";
        return {};
      }
      p->nan = *kind;
    } else {
      parser.emitError(keyLoc, "unknown minifloat parameter '")
          << key << "'; expected 'bias', 'inf', 'nan' or 'subnormals'";
      return {};
    }
  }
  if (parser.parseGreater())
    return {};
  return parser.getChecked<MiniFloatType>(parser.getContext(), p->e, p->m,
                                          p->isSigned, p->bias, p->inf, p->nan,
                                          p->subnormals);
}

void MiniFloatType::print(AsmPrinter &printer) const {
  MiniFloatParams self{getExponentBits(), getMantissaBits(), getIsSigned(),
                       getBias(),         getHasInf(),       getNan(),
                       getHasSubnormals()};
  // Choose the keyword that needs the fewest extra parameters.
  // The eXmY keyword means the named format when one has that name, so the
  // base is whatever the keyword parses to.
  std::string bestName = defaultKeyword(self);
  MiniFloatParams best = *parseMiniFloatKeyword(bestName);
  auto countDiffs = [&](const MiniFloatParams &base) {
    return (base.bias != self.bias) + (base.inf != self.inf) +
           (base.nan != self.nan) + (base.subnormals != self.subnormals);
  };
  for (const NamedMiniFloat &named : namedMiniFloats()) {
    if (named.params.e != self.e || named.params.m != self.m ||
        named.params.isSigned != self.isSigned)
      continue;
    if (countDiffs(named.params) < countDiffs(best)) {
      best = named.params;
      bestName = named.name;
    }
  }
  printer << "<" << bestName;
  if (best.bias != self.bias)
    printer << ", bias = " << self.bias;
  if (best.inf != self.inf)
    printer << ", inf = " << (self.inf ? "true" : "false");
  if (best.nan != self.nan)
    printer << ", nan = " << stringifyNanKind(self.nan);
  if (best.subnormals != self.subnormals)
    printer << ", subnormals = " << (self.subnormals ? "true" : "false");
  printer << ">";
}

LogicalResult
MiniFloatType::verify(function_ref<InFlightDiagnostic()> emitError, unsigned e,
                      unsigned m, bool isSigned, int64_t bias, bool hasInf,
                      NanKind nan, bool hasSubnormals) {
  if (e < 1 || e > 8)
    return emitError() << "minifloat exponent bits must be in [1, 8], got "
                       << e;
  if (m > 7)
    return emitError() << "minifloat mantissa bits must be in [0, 7], got "
                       << m;
  if (hasInf && nan != NanKind::ieee)
    return emitError() << "minifloat with infinities requires 'nan = ieee'";
  if (nan == NanKind::ieee && m == 0)
    return emitError() << "'nan = ieee' requires at least one mantissa bit";
  if (nan == NanKind::negzero && !isSigned)
    return emitError() << "'nan = negzero' requires a sign bit";
  if (nan == NanKind::negzero && !hasSubnormals)
    return emitError() << "'nan = negzero' requires 'subnormals = true' (its "
                          "NaN is the code of -0)";
  int64_t maxField = (int64_t(1) << e) - 1;
  if (nan == NanKind::ieee || (nan == NanKind::allones && m == 0))
    --maxField;
  int64_t maxExp = maxField - bias;
  int64_t minExp = hasSubnormals ? 1 - bias : -bias;
  if (maxExp > 127 || minExp < -127 || minExp - int64_t(m) < -149)
    return emitError() << "minifloat bias " << bias
                       << " puts values outside the range of f32";
  return success();
}

//===----------------------------------------------------------------------===//
// CodebookType
//===----------------------------------------------------------------------===//

/// QLoRA's NormalFloat-4 table (the bitsandbytes values, rounded to f32).
static const float kNF4[16] = {-1.0f,
                               -0.6961928009986877f,
                               -0.5250730514526367f,
                               -0.39491748809814453f,
                               -0.28444138169288635f,
                               -0.18477343022823334f,
                               -0.09105003625154495f,
                               0.0f,
                               0.07958029955625534f,
                               0.16093020141124725f,
                               0.24611230194568634f,
                               0.33791524171829224f,
                               0.44070982933044434f,
                               0.5626170039176941f,
                               0.7229568362236023f,
                               1.0f};

CodebookType CodebookType::getNF4(MLIRContext *ctx) {
  return CodebookType::get(ctx, 4,
                           DenseF32ArrayAttr::get(ctx, ArrayRef<float>(kNF4)));
}

Type CodebookType::parse(AsmParser &parser) {
  if (parser.parseLess())
    return {};
  if (succeeded(parser.parseOptionalKeyword("nf4"))) {
    if (parser.parseGreater())
      return {};
    return getNF4(parser.getContext());
  }
  unsigned width = 0;
  SmallVector<float> values;
  if (parser.parseInteger(width) || parser.parseComma() ||
      parser.parseCommaSeparatedList(AsmParser::Delimiter::Square,
                                     [&]() {
                                       double v;
                                       if (parser.parseFloat(v))
                                         return failure();
                                       values.push_back(static_cast<float>(v));
                                       return success();
                                     }) ||
      parser.parseGreater())
    return {};
  return parser.getChecked<CodebookType>(
      parser.getContext(), width,
      DenseF32ArrayAttr::get(parser.getContext(), values));
}

void CodebookType::print(AsmPrinter &printer) const {
  if (getWidth() == 4 && llvm::equal(getValues(), ArrayRef<float>(kNF4))) {
    printer << "<nf4>";
    return;
  }
  printer << "<" << getWidth() << ", [";
  llvm::interleaveComma(getValues(), printer, [&](float v) {
    printer << llvm::format("%.9g", static_cast<double>(v));
  });
  printer << "]>";
}

LogicalResult CodebookType::verify(function_ref<InFlightDiagnostic()> emitError,
                                   unsigned width, DenseF32ArrayAttr table) {
  ArrayRef<float> values = table.asArrayRef();
  if (width < 1 || width > 8)
    return emitError() << "codebook width must be in [1, 8], got " << width;
  if (values.size() != (size_t(1) << width))
    return emitError() << "a " << width << "-bit codebook needs "
                       << (1 << width) << " values, got " << values.size();
  for (float v : values)
    if (!std::isfinite(v))
      return emitError() << "codebook values must be finite";
  return success();
}
