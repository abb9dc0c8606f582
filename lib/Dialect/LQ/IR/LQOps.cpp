//===- LQOps.cpp - lq operations ------------------------------------------===//

#include "lpc/Dialect/LQ/IR/Format.h"
#include "lpc/Dialect/LQ/IR/Hadamard.h"
#include "lpc/Dialect/LQ/IR/LQ.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace lpc::lq;

//===----------------------------------------------------------------------===//
// Custom directives
//===----------------------------------------------------------------------===//

/// lq.matmul's `scales(...)`: `(%lhs_scale, %rhs_scale)`, or `(%rhs_scale)`
/// for a float lhs.
static ParseResult
parseMatmulScales(OpAsmParser &parser,
                  std::optional<OpAsmParser::UnresolvedOperand> &lhsScale,
                  OpAsmParser::UnresolvedOperand &rhsScale) {
  OpAsmParser::UnresolvedOperand first;
  if (parser.parseOperand(first))
    return failure();
  if (failed(parser.parseOptionalComma())) {
    rhsScale = first;
    return success();
  }
  lhsScale = first;
  return parser.parseOperand(rhsScale);
}

static void printMatmulScales(OpAsmPrinter &p, Operation *, Value lhsScale,
                              Value rhsScale) {
  if (lhsScale)
    p << lhsScale << ", ";
  p << rhsScale;
}

/// The scale types in lq.matmul's type list: `lhs, rhs` or just `rhs`.
static ParseResult parseMatmulScaleTypes(OpAsmParser &parser,
                                         Type &lhsScaleType,
                                         Type &rhsScaleType) {
  Type first;
  if (parser.parseType(first))
    return failure();
  if (failed(parser.parseOptionalComma())) {
    rhsScaleType = first;
    return success();
  }
  lhsScaleType = first;
  return parser.parseType(rhsScaleType);
}

static void printMatmulScaleTypes(OpAsmPrinter &p, Operation *,
                                  Type lhsScaleType, Type rhsScaleType) {
  if (lhsScaleType)
    p << lhsScaleType << ", ";
  p << rhsScaleType;
}

#define GET_OP_CLASSES
#include "lpc/Dialect/LQ/IR/LQOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Shared verification
//===----------------------------------------------------------------------===//

static std::string shapeString(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (i)
      s += ", ";
    s += ShapedType::isDynamic(d) ? "?" : std::to_string(d);
  }
  return s + "]";
}

static bool shapesCompatible(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  if (a.size() != b.size())
    return false;
  for (auto [x, y] : llvm::zip(a, b))
    if (!ShapedType::isDynamic(x) && !ShapedType::isDynamic(y) && x != y)
      return false;
  return true;
}

/// Checks the scale and zero point of `role` (e.g. "scale", "lhs scale")
/// against the layout of a data tensor of type `data` holding `format`.
static LogicalResult verifyScales(Operation *op, StringRef role,
                                  ShapedType data, LayoutAttr layout,
                                  Value scale, Value zeroPoint,
                                  const Format &format) {
  FailureOr<SmallVector<int64_t>> expected = layout.getScaleShape(
      data.getShape(), [&] { return op->emitOpError() << role << ": "; });
  if (failed(expected))
    return failure();
  auto scaleType = cast<ShapedType>(scale.getType());
  Type scaleElem = scaleType.getElementType();
  if (!(isa<mlir::FloatType>(scaleElem) || getFormat(scaleElem)))
    return op->emitOpError()
           << role
           << " elements must be floats or codes of a format (e.g. "
              "!lq.float<e8m0> for MX block scales), got "
           << scaleElem;
  if (!shapesCompatible(scaleType.getShape(), *expected))
    return op->emitOpError()
           << role << " has shape " << shapeString(scaleType.getShape())
           << " but layout " << layout << " of a tensor of shape "
           << shapeString(data.getShape()) << " needs "
           << shapeString(*expected);
  if (!zeroPoint)
    return success();
  auto zpType = cast<ShapedType>(zeroPoint.getType());
  if (!shapesCompatible(zpType.getShape(), scaleType.getShape()))
    return op->emitOpError()
           << role << " zero point has shape " << shapeString(zpType.getShape())
           << " but the scale has shape " << shapeString(scaleType.getShape());
  Type zpElem = zpType.getElementType();
  if (isa<mlir::FloatType>(zpElem))
    return success();
  std::optional<Format> zpFormat = getFormat(zpElem);
  if (!zpFormat || !zpFormat->isInteger())
    return op->emitOpError()
           << role << " zero point must have integer or float elements, got "
           << zpElem;
  if (!format.isInteger())
    return op->emitOpError()
           << role
           << " has an integer zero point but its format is not an "
              "integer format; use a float offset";
  return success();
}

/// The format of a tensor's element type, or an error naming `role`.
static FailureOr<Format> verifyFormat(Operation *op, StringRef role,
                                      Type type) {
  Type elem = cast<ShapedType>(type).getElementType();
  std::optional<Format> format = getFormat(elem);
  if (!format)
    return op->emitOpError() << role
                             << " element type must be a quantized format "
                                "(an lq format, an integer of width 1-16 or "
                                "a builtin f8/f6/f4 type), got "
                             << elem;
  return *format;
}

//===----------------------------------------------------------------------===//
// QuantizeOp / DequantizeOp
//===----------------------------------------------------------------------===//

LogicalResult QuantizeOp::verify() {
  auto inputType = getInput().getType();
  auto resultType = getResult().getType();
  // A format, by the result's constraint.
  std::optional<Format> format = getFormat(resultType.getElementType());
  if (format->isCodebook() && getRounding() != RoundingMode::half_even)
    return emitOpError("codebook formats quantize to the nearest entry; "
                       "rounding <")
           << stringifyRoundingMode(getRounding()) << "> is not supported";
  return verifyScales(*this, "scale", inputType, getLayout(), getScale(),
                      getZeroPoint(), *format);
}

LogicalResult DequantizeOp::verify() {
  auto inputType = getInput().getType();
  // A format, by the input's constraint.
  std::optional<Format> format = getFormat(inputType.getElementType());
  return verifyScales(*this, "scale", inputType, getLayout(), getScale(),
                      getZeroPoint(), *format);
}

LogicalResult DynamicQuantizeOp::verify() {
  // A format, by the result's constraint.
  Format format = *getFormat(getResult().getType().getElementType());
  if (!format.isInteger() || !format.isSigned || format.width < 2)
    return emitOpError("dynamic quantization needs a signed integer format "
                       "of at least 2 bits (symmetric codes), got ")
           << getResult().getType().getElementType();
  return verifyScales(*this, "scale", getInput().getType(), getLayout(),
                      getScale(), /*zeroPoint=*/Value(), format);
}

//===----------------------------------------------------------------------===//
// BitcastOp
//===----------------------------------------------------------------------===//

LogicalResult BitcastOp::verify() {
  auto inputType = getInput().getType();
  auto resultType = getResult().getType();
  auto widthOf = [](Type t) -> std::optional<unsigned> {
    if (auto i = dyn_cast<mlir::IntegerType>(t))
      return i.getWidth();
    if (std::optional<Format> f = getFormat(t))
      return f->width;
    return std::nullopt;
  };
  Type in = inputType.getElementType(), out = resultType.getElementType();
  std::optional<unsigned> inWidth = widthOf(in), outWidth = widthOf(out);
  if (!inWidth || !outWidth)
    return emitOpError("operands must hold quantized formats or integers, "
                       "got ")
           << in << " and " << out;
  if (*inWidth != *outWidth)
    return emitOpError("cannot bitcast ")
           << in << " (" << *inWidth << " bits) to " << out << " (" << *outWidth
           << " bits)";
  return success();
}

OpFoldResult BitcastOp::fold(FoldAdaptor) {
  if (getInput().getType() == getResult().getType())
    return getInput();
  if (auto producer = getInput().getDefiningOp<BitcastOp>())
    if (producer.getInput().getType() == getResult().getType())
      return producer.getInput();
  return {};
}

//===----------------------------------------------------------------------===//
// MatmulOp
//===----------------------------------------------------------------------===//

bool MatmulOp::hasFloatLhs() {
  Type elem = getLhs().getType().getElementType();
  return isa<mlir::FloatType>(elem) && !getFormat(elem);
}

std::optional<int64_t> MatmulOp::getKSegment() {
  std::optional<int64_t> lb =
      getLhsLayout() ? getLhsLayout()->getBlockAlong(1) : std::nullopt;
  std::optional<int64_t> rb =
      getRhsLayout().getBlockAlong(getRhsTransposed() ? 1 : 0);
  if (lb && rb)
    return std::min(*lb, *rb);
  return lb ? lb : rb;
}

LogicalResult MatmulOp::verify() {
  auto lhsType = getLhs().getType();
  auto rhsType = getRhs().getType();
  auto resultType = getResult().getType();
  if (lhsType.getRank() != 2 || rhsType.getRank() != 2)
    return emitOpError("operands must be rank-2 (MxK and KxN), got ranks ")
           << lhsType.getRank() << " and " << rhsType.getRank();
  int64_t m = lhsType.getDimSize(0), k = lhsType.getDimSize(1);
  bool rt = getRhsTransposed();
  int64_t k2 = rhsType.getDimSize(rt ? 1 : 0),
          n = rhsType.getDimSize(rt ? 0 : 1);
  if (!shapesCompatible({k}, {k2}))
    return emitOpError("contraction sizes differ: lhs has K = ")
           << k << " but rhs has K = " << k2;
  if (resultType.getRank() != 2 ||
      !shapesCompatible(resultType.getShape(), {m, n}))
    return emitOpError("result shape ") << shapeString(resultType.getShape())
                                        << " must be " << shapeString({m, n});
  Type acc = getAcc();
  FailureOr<Format> lhsFormat = failure();
  if (hasFloatLhs()) {
    // Weight-only form: the activations (f32, by the operand's constraint)
    // enter the products unchanged.
    if (getLhsScale())
      return emitOpError("a float lhs takes no lhs scale; write "
                         "scales(%rhs_scale)");
    if (getLhsZeroPoint())
      return emitOpError("a float lhs takes no lhs zero point");
    if (getLhsLayout())
      return emitOpError("a float lhs takes no lhs_layout");
    if (!acc.isF32())
      return emitOpError("a float lhs needs acc(f32), got ") << acc;
  } else {
    // A format, by the operand's constraint.
    lhsFormat = *getFormat(lhsType.getElementType());
    if (!getLhsScale())
      return emitOpError("a quantized lhs needs a scale: write "
                         "scales(%lhs_scale, %rhs_scale)");
    if (!getLhsLayout())
      return emitOpError("a quantized lhs needs an lhs_layout");
    if (failed(verifyScales(*this, "lhs scale", lhsType, *getLhsLayout(),
                            getLhsScale(), getLhsZeroPoint(), *lhsFormat)))
      return failure();
  }
  FailureOr<Format> rhsFormat = *getFormat(rhsType.getElementType());
  if (failed(verifyScales(*this, "rhs scale", rhsType, getRhsLayout(),
                          getRhsScale(), getRhsZeroPoint(), *rhsFormat)))
    return failure();

  if (acc.isInteger(32)) {
    if (!lhsFormat->isIntegerValued() || !rhsFormat->isIntegerValued())
      return emitOpError("acc = i32 needs integer formats on both operands");
    for (Value zp : {getLhsZeroPoint(), getRhsZeroPoint()}) {
      if (!zp)
        continue;
      // Signless integers or integer formats, not float offsets.
      std::optional<Format> zpFormat =
          getFormat(cast<ShapedType>(zp.getType()).getElementType());
      if (!zpFormat || !zpFormat->isInteger())
        return emitOpError("acc = i32 needs integer zero points");
    }
    std::optional<int64_t> lb = getLhsLayout()->getBlockAlong(1);
    std::optional<int64_t> rb = getRhsLayout().getBlockAlong(rt ? 1 : 0);
    if (std::optional<int64_t> segment = getKSegment()) {
      int64_t seg = *segment;
      if ((lb && *lb % seg) || (rb && *rb % seg))
        return emitOpError("acc = i32 needs the K-block sizes of the two "
                           "layouts to divide one another, got ")
               << lb.value_or(0) << " and " << rb.value_or(0);
      if (!ShapedType::isDynamic(k) && k % seg)
        return emitOpError("acc = i32 needs K = ")
               << k << " to be a multiple of the K-block size " << seg;
    }
  }

  Type resultElem = resultType.getElementType();
  if (isa<mlir::FloatType>(resultElem) && !getFormat(resultElem)) {
    if (getOutScale() || getOutZeroPoint() || getOutLayout())
      return emitOpError("a float result takes no output scale, zero point "
                         "or layout");
    return success();
  }
  std::optional<Format> outFormat = getFormat(resultElem);
  if (!outFormat)
    return emitOpError("result element type must be a float or a quantized "
                       "format, got ")
           << resultElem;
  if (!getOutScale())
    return emitOpError("a quantized result needs an output scale");
  LayoutAttr outLayout =
      getOutLayout() ? *getOutLayout() : LayoutAttr::getTensor(getContext());
  if (!(outLayout.isTensor() ||
        (outLayout.isAxis() && outLayout.getAxis() == 1)))
    return emitOpError("output layout must be <tensor> or <axis = 1>, got ")
           << outLayout;
  return verifyScales(*this, "output scale", resultType, outLayout,
                      getOutScale(), getOutZeroPoint(), *outFormat);
}

//===----------------------------------------------------------------------===//
// RequantizeOp
//===----------------------------------------------------------------------===//

LogicalResult RequantizeOp::verify() {
  auto inputType = getInput().getType();
  auto resultType = getResult().getType();
  std::optional<Format> in = getAccumulatorFormat(inputType.getElementType());
  FailureOr<Format> out = verifyFormat(*this, "result", resultType);
  if (failed(out))
    return failure();
  if (!in || !in->isInteger() || !out->isInteger())
    return emitOpError("requantize maps integer formats to integer formats");
  FailureOr<SmallVector<int64_t>> expected = getLayout().getScaleShape(
      inputType.getShape(), [&] { return emitOpError() << "multiplier: "; });
  if (failed(expected))
    return failure();
  auto check = [&](Value v, StringRef role) -> LogicalResult {
    if (!v)
      return success();
    auto type = cast<ShapedType>(v.getType());
    if (!shapesCompatible(type.getShape(), *expected))
      return emitOpError() << role << " has shape "
                           << shapeString(type.getShape()) << " but layout "
                           << getLayout() << " needs "
                           << shapeString(*expected);
    return success();
  };
  if (failed(check(getMultiplier(), "multiplier")) ||
      failed(check(getShift(), "shift")) ||
      failed(check(getInputZeroPoint(), "input zero point")) ||
      failed(check(getZeroPoint(), "zero point")))
    return failure();
  Type mult = getMultiplier().getType().getElementType();
  if (getShift()) {
    if (!mult.isInteger(32))
      return emitOpError("fixed-point multipliers must be i32 (Q31), got ")
             << mult;
    if (!isa<mlir::IntegerType>(getShift().getType().getElementType()))
      return emitOpError("shifts must be integers");
    if (getRounding() == RoundingMode::stochastic)
      return emitOpError("the fixed-point form does not support stochastic "
                         "rounding");
  } else if (!isa<mlir::FloatType>(mult)) {
    return emitOpError("without a shift the multiplier must be a float, got ")
           << mult;
  }
  for (Value zp : {getInputZeroPoint(), getZeroPoint()}) {
    if (!zp)
      continue;
    std::optional<Format> f =
        getAccumulatorFormat(cast<ShapedType>(zp.getType()).getElementType());
    if (!f || !f->isInteger())
      return emitOpError("zero points of requantize must be integers");
  }
  return success();
}

//===----------------------------------------------------------------------===//
// HadamardOp
//===----------------------------------------------------------------------===//

LogicalResult HadamardOp::verify() {
  auto type = getInput().getType();
  if (type.getRank() < 1)
    return emitOpError("needs a tensor of rank >= 1");
  int64_t n = type.getShape().back();
  if (ShapedType::isDynamic(n))
    return emitOpError("the innermost dimension must be static");
  if (!getHadamardFactors(n))
    return emitOpError("no Hadamard matrix of order ")
           << n << "; supported orders are m * 2^k with m in {1, 12, 20, 28}";
  return success();
}

//===----------------------------------------------------------------------===//
// LookupOp
//===----------------------------------------------------------------------===//

LogicalResult LookupOp::verify() {
  auto inputType = getInput().getType();
  auto tableType = getTable().getType();
  FailureOr<Format> format = verifyFormat(*this, "input", inputType);
  if (failed(format))
    return failure();
  if (!(format->isCodebook() || (format->isInteger() && !format->isSigned)))
    return emitOpError("lookup codes must be unsigned integers or codebook "
                       "codes");
  FailureOr<SmallVector<int64_t>> lead = getLayout().getScaleShape(
      inputType.getShape(), [&] { return emitOpError() << "table: "; });
  if (failed(lead))
    return failure();
  SmallVector<int64_t> expected = *lead;
  expected.push_back(int64_t(1) << format->width);
  if (!shapesCompatible(tableType.getShape(), expected))
    return emitOpError() << "table has shape "
                         << shapeString(tableType.getShape()) << " but needs "
                         << shapeString(expected)
                         << " (the layout's entries, then 2^bits values)";
  return success();
}

//===----------------------------------------------------------------------===//
// PackOp / UnpackOp
//===----------------------------------------------------------------------===//

/// Bytes `packing` needs for a static tensor of `shape` with `width`-bit
/// codes, or an error.
static FailureOr<int64_t> packedSize(Operation *op, PackingAttr packing,
                                     ShapedType codes, unsigned width) {
  if (!codes.hasStaticShape())
    return op->emitOpError("packing needs a static shape, got ")
           << shapeString(codes.getShape());
  int64_t n = codes.getNumElements();
  switch (packing.getKind()) {
  case PackingKind::dense:
    return (n * width + 7) / 8;
  case PackingKind::bitplanes:
    return int64_t(width) * ((n + 7) / 8);
  case PackingKind::tiles: {
    if (codes.getRank() != 2)
      return op->emitOpError("tile packing needs a rank-2 tensor, got rank ")
             << codes.getRank();
    ArrayRef<int64_t> tile = packing.getTile();
    if (codes.getDimSize(0) % tile[0] || codes.getDimSize(1) % tile[1])
      return op->emitOpError("tensor shape ")
             << shapeString(codes.getShape())
             << " is not a multiple of the tile " << shapeString(tile);
    return (n * width + 7) / 8;
  }
  }
  llvm_unreachable("unknown packing");
}

static LogicalResult verifyPacking(Operation *op, PackingAttr packing,
                                   ShapedType codes, ShapedType bytes) {
  FailureOr<Format> format = verifyFormat(op, "code", codes);
  if (failed(format))
    return failure();
  FailureOr<int64_t> size = packedSize(op, packing, codes, format->width);
  if (failed(size))
    return failure();
  if (bytes.getRank() != 1 || bytes.getDimSize(0) != *size)
    return op->emitOpError("packed tensor must be tensor<")
           << *size << "xi8>, got " << bytes;
  return success();
}

LogicalResult PackOp::verify() {
  return verifyPacking(*this, getPacking(), getInput().getType(),
                       getResult().getType());
}

LogicalResult UnpackOp::verify() {
  return verifyPacking(*this, getPacking(), getResult().getType(),
                       getInput().getType());
}

//===----------------------------------------------------------------------===//
// SalientMergeOp
//===----------------------------------------------------------------------===//

LogicalResult SalientMergeOp::verify() {
  auto base = getBase().getType();
  auto salient = getSalient().getType();
  int64_t axis = getAxis();
  if (base != getResult().getType())
    return emitOpError("result type must equal the base type");
  if (axis < 0 || axis >= base.getRank())
    return emitOpError("axis ")
           << axis << " is out of range for rank " << base.getRank();
  SmallVector<int64_t> expected(base.getShape());
  expected[axis] = getIndices().size();
  if (!shapesCompatible(salient.getShape(), expected))
    return emitOpError("salient tensor has shape ")
           << shapeString(salient.getShape()) << " but " << getIndices().size()
           << " channels along axis " << axis << " need "
           << shapeString(expected);
  llvm::SmallDenseSet<int64_t> seen;
  for (int64_t i : getIndices()) {
    if (i < 0 || (!base.isDynamicDim(axis) && i >= base.getDimSize(axis)))
      return emitOpError("salient channel ")
             << i << " is out of range for dimension " << axis;
    if (!seen.insert(i).second)
      return emitOpError("salient channel ") << i << " is listed twice";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// SplitPlanesOp / CombinePlanesOp
//===----------------------------------------------------------------------===//

LogicalResult SplitPlanesOp::verify() {
  auto in = getInput().getType();
  auto out = getResult().getType();
  FailureOr<Format> format = verifyFormat(*this, "input", in);
  if (failed(format))
    return failure();
  if (!format->isInteger())
    return emitOpError("bit planes split integer codes");
  if (!in.hasStaticShape())
    return emitOpError("bit planes need a static shape");
  SmallVector<int64_t> expected{int64_t(format->width)};
  llvm::append_range(expected, in.getShape());
  if (out.getShape() != ArrayRef<int64_t>(expected))
    return emitOpError("result shape ") << shapeString(out.getShape())
                                        << " must be " << shapeString(expected);
  std::optional<Format> plane = getFormat(out.getElementType());
  if (!plane || !plane->isInteger() || plane->isSigned || plane->width != 1)
    return emitOpError("planes must be !lq.int<1, unsigned>, got ")
           << out.getElementType();
  return success();
}

LogicalResult CombinePlanesOp::verify() {
  auto in = getInput().getType();
  auto out = getResult().getType();
  if (in.getRank() < 1 || in.getShape().drop_front() != out.getShape())
    return emitOpError("result shape ")
           << shapeString(out.getShape())
           << " must be the input shape without its leading plane "
              "dimension, input is "
           << shapeString(in.getShape());
  if (!in.hasStaticShape())
    return emitOpError("bit planes need a static shape");
  FailureOr<Format> format = verifyFormat(*this, "input", in);
  if (failed(format))
    return failure();
  if (format->width != 1 || format->isMiniFloat() || format->isCodebook())
    return emitOpError("planes must be 1-bit codes (bipolar or "
                       "!lq.int<1, unsigned>), got ")
           << in.getElementType();
  return verifyScales(*this, "scale", in, getLayout(), getScale(), Value(),
                      *format);
}
