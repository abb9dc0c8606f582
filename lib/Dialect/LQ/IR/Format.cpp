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

static Format makeInteger(unsigned width, bool isSigned, bool narrow) {
  Format f;
  f.kind = FormatKind::Integer;
  f.width = width;
  f.isSigned = isSigned;
  f.narrow = narrow;
  if (isSigned) {
    f.minCode = -(int64_t(1) << (width - 1)) + (narrow ? 1 : 0);
    f.maxCode = (int64_t(1) << (width - 1)) - 1;
  } else {
    f.minCode = 0;
    f.maxCode = (int64_t(1) << width) - 1 - (narrow ? 1 : 0);
  }
  return f;
}

static Format makeFloat(unsigned e, unsigned m, bool isSigned, int64_t bias,
                        bool inf, NanKind nan, bool subnormals) {
  Format f;
  f.kind = FormatKind::MiniFloat;
  f.exponentBits = e;
  f.mantissaBits = m;
  f.isSigned = isSigned;
  f.width = e + m + (isSigned ? 1 : 0);
  f.bias = bias;
  f.hasInf = inf;
  f.nan = nan;
  f.hasSubnormals = subnormals;
  return f;
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
        return makeFloat(t.getExponentBits(), t.getMantissaBits(),
                         t.getIsSigned(), t.getBias(), t.getHasInf(),
                         t.getNan(), t.getHasSubnormals());
      })
      .Case([](mlir::IntegerType t) -> std::optional<Format> {
        if (t.getWidth() < 1 || t.getWidth() > 16)
          return std::nullopt;
        return makeInteger(t.getWidth(), !t.isUnsigned(), false);
      })
      .Case([](Float8E4M3FNType) {
        return makeFloat(4, 3, true, 7, false, NanKind::allones, true);
      })
      .Case([](Float8E4M3FNUZType) {
        return makeFloat(4, 3, true, 8, false, NanKind::negzero, true);
      })
      .Case([](Float8E4M3B11FNUZType) {
        return makeFloat(4, 3, true, 11, false, NanKind::negzero, true);
      })
      .Case([](Float8E4M3Type) {
        return makeFloat(4, 3, true, 7, true, NanKind::ieee, true);
      })
      .Case([](Float8E3M4Type) {
        return makeFloat(3, 4, true, 3, true, NanKind::ieee, true);
      })
      .Case([](Float8E5M2Type) {
        return makeFloat(5, 2, true, 15, true, NanKind::ieee, true);
      })
      .Case([](Float8E5M2FNUZType) {
        return makeFloat(5, 2, true, 16, false, NanKind::negzero, true);
      })
      .Case([](Float6E3M2FNType) {
        return makeFloat(3, 2, true, 3, false, NanKind::none, true);
      })
      .Case([](Float6E2M3FNType) {
        return makeFloat(2, 3, true, 1, false, NanKind::none, true);
      })
      .Case([](Float4E2M1FNType) {
        return makeFloat(2, 1, true, 1, false, NanKind::none, true);
      })
      .Case([](Float8E8M0FNUType) {
        return makeFloat(8, 0, false, 127, false, NanKind::allones, false);
      })
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
