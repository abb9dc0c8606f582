//===- LQAttrs.cpp - lq attributes ----------------------------------------===//

#include "lpc/Dialect/LQ/IR/LQ.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace lpc::lq;

#include "lpc/Dialect/LQ/IR/LQEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "lpc/Dialect/LQ/IR/LQAttrs.cpp.inc"

void LQDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "lpc/Dialect/LQ/IR/LQAttrs.cpp.inc"
      >();
}

LayoutAttr LayoutAttr::getTensor(MLIRContext *ctx) {
  return LayoutAttr::get(ctx, LayoutKind::tensor, 0, {});
}

LayoutAttr LayoutAttr::getAxis(MLIRContext *ctx, int64_t axis) {
  return LayoutAttr::get(ctx, LayoutKind::axis, axis, {});
}

LayoutAttr LayoutAttr::getBlock(MLIRContext *ctx, ArrayRef<int64_t> block) {
  return LayoutAttr::get(ctx, LayoutKind::block, 0, block);
}

Attribute LayoutAttr::parse(AsmParser &parser, Type) {
  StringRef keyword;
  SMLoc loc = parser.getCurrentLocation();
  if (parser.parseLess() || parser.parseKeyword(&keyword))
    return {};
  MLIRContext *ctx = parser.getContext();
  Attribute result;
  if (keyword == "tensor") {
    result = getTensor(ctx);
  } else if (keyword == "axis") {
    int64_t axis;
    if (parser.parseEqual() || parser.parseInteger(axis))
      return {};
    result = parser.getChecked<LayoutAttr>(ctx, LayoutKind::axis, axis,
                                           ArrayRef<int64_t>{});
  } else if (keyword == "block") {
    SmallVector<int64_t> block;
    if (parser.parseEqual() ||
        parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&]() {
          return parser.parseInteger(block.emplace_back());
        }))
      return {};
    result = parser.getChecked<LayoutAttr>(ctx, LayoutKind::block, 0, block);
  } else {
    parser.emitError(loc, "expected layout 'tensor', 'axis' or 'block', got '")
        << keyword << "'";
    return {};
  }
  if (!result || parser.parseGreater())
    return {};
  return result;
}

void LayoutAttr::print(AsmPrinter &printer) const {
  printer << "<" << stringifyLayoutKind(getKind());
  if (isAxis())
    printer << " = " << getAxis();
  if (isBlock()) {
    printer << " = [";
    llvm::interleaveComma(getBlock(), printer);
    printer << "]";
  }
  printer << ">";
}

LogicalResult LayoutAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 LayoutKind kind, int64_t axis,
                                 ArrayRef<int64_t> block) {
  if (kind == LayoutKind::axis && axis < 0)
    return emitError() << "layout axis must be non-negative, got " << axis;
  if (kind == LayoutKind::block) {
    if (block.empty())
      return emitError() << "block layout needs at least one block size";
    for (int64_t b : block)
      if (b < 1)
        return emitError() << "block sizes must be positive, got " << b;
  }
  return success();
}

std::optional<int64_t> LayoutAttr::getBlockAlong(unsigned dim) const {
  if (isAxis())
    return getAxis() == dim ? std::optional<int64_t>(1) : std::nullopt;
  if (isBlock())
    return getBlock()[dim];
  return std::nullopt;
}

FailureOr<SmallVector<int64_t>>
LayoutAttr::getScaleShape(ArrayRef<int64_t> shape,
                          function_ref<InFlightDiagnostic()> emitError) const {
  switch (getKind()) {
  case LayoutKind::tensor:
    return SmallVector<int64_t>{};
  case LayoutKind::axis:
    if (getAxis() >= static_cast<int64_t>(shape.size())) {
      return emitError() << "layout axis " << getAxis()
                         << " is out of range for a tensor of rank "
                         << shape.size();
    }
    return SmallVector<int64_t>{shape[getAxis()]};
  case LayoutKind::block: {
    if (getBlock().size() != shape.size()) {
      return emitError() << "block layout has " << getBlock().size()
                         << " block sizes but the tensor has rank "
                         << shape.size();
    }
    SmallVector<int64_t> result;
    for (auto [dim, b] : llvm::zip(shape, getBlock()))
      result.push_back(ShapedType::isDynamic(dim) ? ShapedType::kDynamic
                                                  : (dim + b - 1) / b);
    return result;
  }
  }
  llvm_unreachable("unknown layout kind");
}

//===----------------------------------------------------------------------===//
// PackingAttr
//===----------------------------------------------------------------------===//

Attribute PackingAttr::parse(AsmParser &parser, Type) {
  StringRef keyword;
  SMLoc loc = parser.getCurrentLocation();
  if (parser.parseLess() || parser.parseKeyword(&keyword))
    return {};
  std::optional<PackingKind> kind = symbolizePackingKind(keyword);
  if (!kind) {
    parser.emitError(loc, "expected packing 'dense', 'bitplanes' or 'tiles', "
                          "got '")
        << keyword << "'";
    return {};
  }
  SmallVector<int64_t> tile;
  if (*kind == PackingKind::tiles &&
      (parser.parseEqual() ||
       parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&]() {
         return parser.parseInteger(tile.emplace_back());
       })))
    return {};
  if (parser.parseGreater())
    return {};
  return parser.getChecked<PackingAttr>(parser.getContext(), *kind, tile);
}

void PackingAttr::print(AsmPrinter &printer) const {
  printer << "<" << stringifyPackingKind(getKind());
  if (getKind() == PackingKind::tiles) {
    printer << " = [";
    llvm::interleaveComma(getTile(), printer);
    printer << "]";
  }
  printer << ">";
}

LogicalResult PackingAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                  PackingKind kind, ArrayRef<int64_t> tile) {
  if (kind == PackingKind::tiles) {
    if (tile.size() != 2)
      return emitError() << "tile packing needs two tile sizes, got "
                         << tile.size();
    for (int64_t t : tile)
      if (t < 1)
        return emitError() << "tile sizes must be positive, got " << t;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// TargetAttr
//===----------------------------------------------------------------------===//

namespace {
enum class FactType { Int, Float, String, Features, MMAShapes };
struct Fact {
  TargetKind kind;
  const char *name;
  FactType type;
};
const Fact kFacts[] = {
    {TargetKind::cpu, "cpu", FactType::String},
    {TargetKind::cpu, "features", FactType::Features},
    {TargetKind::cpu, "vector_bits", FactType::Int},
    {TargetKind::cpu, "cores", FactType::Int},
    {TargetKind::cpu, "l1d", FactType::Int},
    {TargetKind::cpu, "l2", FactType::Int},
    {TargetKind::cpu, "l3", FactType::Int},
    {TargetKind::nvvm, "sm", FactType::Int},
    {TargetKind::nvvm, "ptx", FactType::Int},
    {TargetKind::nvvm, "smem", FactType::Int},
    {TargetKind::nvvm, "mma", FactType::MMAShapes},
    {TargetKind::hls, "part", FactType::String},
    {TargetKind::hls, "clock_ns", FactType::Float},
    {TargetKind::hls, "reuse", FactType::Int},
};
/// Operand types of tensor-core MMA shapes, as PTX names them.
const char *const kMMATypes[] = {"f64",  "tf32", "f16", "bf16", "e4m3", "e5m2",
                                 "e2m1", "s8",   "u8",  "s4",   "u4",   "b1"};

/// Whether `s` is "m<M>n<N>k<K>:<type>" with positive M, N, K and a PTX
/// operand type.
bool isMMAShape(StringRef s) {
  auto [shape, type] = s.split(':');
  unsigned m = 0, n = 0, k = 0;
  if (!shape.consume_front("m") || shape.consumeInteger(10, m) ||
      !shape.consume_front("n") || shape.consumeInteger(10, n) ||
      !shape.consume_front("k") || shape.consumeInteger(10, k) ||
      !shape.empty())
    return false;
  return m && n && k && llvm::is_contained(kMMATypes, type);
}

const char *const kCPUFeatures[] = {"avx2",       "fma",        "avx512f",
                                    "avx512bw",   "avx512vl",   "avx512dq",
                                    "avx512vnni", "avx512bf16", "avxvnni"};
} // namespace

LogicalResult TargetAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 TargetKind kind, DictionaryAttr facts) {
  if (!facts)
    return success();
  for (NamedAttribute fact : facts) {
    StringRef name = fact.getName().getValue();
    const Fact *known = nullptr;
    std::string names;
    for (const Fact &f : kFacts) {
      if (f.kind != kind)
        continue;
      if (name == f.name)
        known = &f;
      names += (names.empty() ? "" : ", ") + std::string(f.name);
    }
    if (!known)
      return emitError() << "unknown " << stringifyTargetKind(kind)
                         << " target fact '" << name << "' (expected " << names
                         << ")";
    Attribute v = fact.getValue();
    switch (known->type) {
    case FactType::Int: {
      auto i = dyn_cast<IntegerAttr>(v);
      if (!i || !i.getType().isSignlessInteger(64))
        return emitError() << "target fact '" << name
                           << "' must be an integer, got " << v;
      if (i.getInt() < (name == "l1d" || name == "l2" || name == "l3" ? 0 : 1))
        return emitError() << "target fact '" << name
                           << "' must be positive, got " << i.getInt();
      if (name == "vector_bits" && i.getInt() != 128 && i.getInt() != 256 &&
          i.getInt() != 512)
        return emitError() << "vector_bits must be 128, 256 or 512, got "
                           << i.getInt();
      break;
    }
    case FactType::Float:
      if (!isa<FloatAttr>(v))
        return emitError() << "target fact '" << name
                           << "' must be a float, got " << v;
      break;
    case FactType::String:
      if (!isa<StringAttr>(v))
        return emitError() << "target fact '" << name
                           << "' must be a string, got " << v;
      break;
    case FactType::Features:
    case FactType::MMAShapes: {
      auto array = dyn_cast<ArrayAttr>(v);
      if (!array)
        return emitError() << "target fact '" << name
                           << "' must be an array of strings, got " << v;
      bool features = known->type == FactType::Features;
      for (Attribute a : array) {
        auto str = dyn_cast<StringAttr>(a);
        if (str && (features ? llvm::is_contained(kCPUFeatures, str.getValue())
                             : isMMAShape(str.getValue())))
          continue;
        if (features)
          return emitError()
                 << "unknown cpu feature " << a << " (expected one of "
                 << llvm::join(std::begin(kCPUFeatures), std::end(kCPUFeatures),
                               ", ")
                 << ")";
        return emitError() << "tensor-core shape " << a
                           << " is not mMnNkK:TYPE (TYPE one of "
                           << llvm::join(std::begin(kMMATypes),
                                         std::end(kMMATypes), ", ")
                           << ")";
      }
      break;
    }
    }
  }
  return success();
}

ArrayRef<const char *> TargetAttr::getCPUFeatureNames() { return kCPUFeatures; }

TargetAttr TargetAttr::lookup(Operation *module) {
  return module ? module->getAttrOfType<TargetAttr>(kAttrName) : TargetAttr();
}

bool TargetAttr::hasFeature(StringRef name) const {
  if (getKind() != TargetKind::cpu || !getFacts())
    return false;
  auto array = getFacts().getAs<ArrayAttr>("features");
  return array && llvm::any_of(array, [&](Attribute a) {
           return cast<StringAttr>(a).getValue() == name;
         });
}

int64_t TargetAttr::getInt(StringRef name, int64_t dflt) const {
  if (!getFacts())
    return dflt;
  auto i = getFacts().getAs<IntegerAttr>(name);
  return i ? i.getInt() : dflt;
}

StringRef TargetAttr::getString(StringRef name) const {
  if (!getFacts())
    return "";
  auto s = getFacts().getAs<StringAttr>(name);
  return s ? s.getValue() : "";
}

LogicalResult TileAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                               int64_t rows, int64_t activationRows,
                               int64_t vectorBits) {
  if (rows < 1 || activationRows < 1)
    return emitError() << "tile rows and activation_rows must be at least 1, "
                          "got "
                       << rows << " and " << activationRows;
  if (vectorBits != 128 && vectorBits != 256 && vectorBits != 512)
    return emitError() << "tile vector_bits must be 128, 256 or 512, got "
                       << vectorBits;
  return success();
}
