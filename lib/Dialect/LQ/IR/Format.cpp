//===- Format.cpp - Element semantics of lq formats -----------------------===//

#include "lpc/Dialect/LQ/IR/Format.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace lpc::lq;

std::pair<int64_t, int64_t> Format::getMaxFinite() const {
  int64_t allExp = (int64_t(1) << exponentBits) - 1;
  int64_t allMant = (int64_t(1) << mantissaBits) - 1;
  if (nan == NanKind::ieee)
    return {allExp - 1, allMant};
  if (nan == NanKind::allones)
    return mantissaBits == 0 ? std::make_pair(allExp - 1, int64_t(0))
                             : std::make_pair(allExp, allMant - 1);
  return {allExp, allMant};
}

std::pair<int64_t, int64_t>
lpc::lq::integerCodeRange(unsigned width, bool isSigned, bool narrow) {
  if (isSigned)
    return {-(int64_t(1) << (width - 1)) + (narrow ? 1 : 0),
            (int64_t(1) << (width - 1)) - 1};
  return {0, (int64_t(1) << width) - 1 - (narrow ? 1 : 0)};
}

static const NamedMiniFloat kNamedMiniFloats[] = {
    {"e4m3fn", {4, 3, true, 7, false, NanKind::allones, true}},
    {"e4m3fnuz", {4, 3, true, 8, false, NanKind::negzero, true}},
    {"e4m3b11fnuz", {4, 3, true, 11, false, NanKind::negzero, true}},
    {"e5m2", {5, 2, true, 15, true, NanKind::ieee, true}},
    {"e5m2fnuz", {5, 2, true, 16, false, NanKind::negzero, true}},
    {"ue4m3", {4, 3, false, 7, false, NanKind::allones, true}},
    {"ue5m3", {5, 3, false, 15, false, NanKind::allones, true}},
    {"e8m0", {8, 0, false, 127, false, NanKind::allones, false}},
};

llvm::ArrayRef<NamedMiniFloat> lpc::lq::namedMiniFloats() {
  return kNamedMiniFloats;
}

std::optional<MiniFloatParams>
lpc::lq::parseMiniFloatKeyword(llvm::StringRef name) {
  for (const NamedMiniFloat &named : kNamedMiniFloats)
    if (name == named.name)
      return named.params;
  MiniFloatParams p;
  if (name.consume_front("u"))
    p.isSigned = false;
  if (!name.consume_front("e"))
    return std::nullopt;
  size_t mPos = name.find('m');
  if (mPos == llvm::StringRef::npos)
    return std::nullopt;
  if (name.substr(0, mPos).getAsInteger(10, p.e) ||
      name.substr(mPos + 1).getAsInteger(10, p.m))
    return std::nullopt;
  // Out-of-range widths are reported by the verifier with a clear message.
  p.bias = p.e >= 1 && p.e <= 32 ? (int64_t(1) << (p.e - 1)) - 1 : 0;
  return p;
}

static Format makeInteger(unsigned width, bool isSigned, bool narrow) {
  Format f;
  f.kind = FormatKind::Integer;
  f.width = width;
  f.isSigned = isSigned;
  f.narrow = narrow;
  std::tie(f.minCode, f.maxCode) = integerCodeRange(width, isSigned, narrow);
  return f;
}

static Format makeFloat(const MiniFloatParams &p) {
  Format f;
  f.kind = FormatKind::MiniFloat;
  f.exponentBits = p.e;
  f.mantissaBits = p.m;
  f.isSigned = p.isSigned;
  f.width = p.e + p.m + (p.isSigned ? 1 : 0);
  f.bias = p.bias;
  f.hasInf = p.inf;
  f.nan = p.nan;
  f.hasSubnormals = p.subnormals;
  return f;
}

/// The format of a builtin small float that a minifloat keyword names.
static Format makeNamedFloat(llvm::StringRef keyword) {
  std::optional<MiniFloatParams> p = parseMiniFloatKeyword(keyword);
  assert(p && "unknown minifloat keyword");
  return makeFloat(*p);
}

std::optional<Format> lpc::lq::getFormat(Type type) {
  return llvm::TypeSwitch<Type, std::optional<Format>>(type)
      .Case([](IntType t) {
        return makeInteger(t.getWidth(), t.getIsSigned(), t.getNarrow());
      })
      .Case([](TernaryType) { return makeInteger(2, true, true); })
      .Case([](BipolarType) {
        Format f;
        f.kind = FormatKind::Bipolar;
        f.width = 1;
        f.minCode = 0;
        f.maxCode = 1;
        return f;
      })
      .Case([](CodebookType t) {
        Format f;
        f.kind = FormatKind::Codebook;
        f.width = t.getWidth();
        f.isSigned = false;
        f.minCode = 0;
        f.maxCode = (int64_t(1) << t.getWidth()) - 1;
        f.table.assign(t.getValues().begin(), t.getValues().end());
        return f;
      })
      .Case([](MiniFloatType t) {
        return makeFloat({t.getExponentBits(), t.getMantissaBits(),
                          t.getIsSigned(), t.getBias(), t.getHasInf(),
                          t.getNan(), t.getHasSubnormals()});
      })
      .Case([](mlir::IntegerType t) -> std::optional<Format> {
        if (t.getWidth() < 1 || t.getWidth() > 16)
          return std::nullopt;
        return makeInteger(t.getWidth(), !t.isUnsigned(), false);
      })
      .Case([](Float8E4M3FNType) { return makeNamedFloat("e4m3fn"); })
      .Case([](Float8E4M3FNUZType) { return makeNamedFloat("e4m3fnuz"); })
      .Case([](Float8E4M3B11FNUZType) { return makeNamedFloat("e4m3b11fnuz"); })
      .Case([](Float8E4M3Type) {
        return makeFloat({4, 3, true, 7, true, NanKind::ieee, true});
      })
      .Case([](Float8E3M4Type) {
        return makeFloat({3, 4, true, 3, true, NanKind::ieee, true});
      })
      .Case([](Float8E5M2Type) { return makeNamedFloat("e5m2"); })
      .Case([](Float8E5M2FNUZType) { return makeNamedFloat("e5m2fnuz"); })
      .Case([](Float6E3M2FNType) { return makeNamedFloat("e3m2"); })
      .Case([](Float6E2M3FNType) { return makeNamedFloat("e2m3"); })
      .Case([](Float4E2M1FNType) { return makeNamedFloat("e2m1"); })
      .Case([](Float8E8M0FNUType) { return makeNamedFloat("e8m0"); })
      .Default([](Type) { return std::nullopt; });
}

std::optional<Format> lpc::lq::getAccumulatorFormat(Type type) {
  if (auto i = dyn_cast<mlir::IntegerType>(type);
      i && i.getWidth() > 16 && i.getWidth() <= 32)
    return makeInteger(i.getWidth(), !i.isUnsigned(), false);
  return getFormat(type);
}

bool lpc::lq::isFormatType(Type type) {
  return !isa<mlir::IntegerType>(type) && getFormat(type).has_value();
}

mlir::IntegerType lpc::lq::getStorageType(Type type) {
  std::optional<Format> f = getFormat(type);
  assert(f && "not a format type");
  return mlir::IntegerType::get(type.getContext(), f->width);
}
