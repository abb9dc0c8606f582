//===- LQOps.cpp - lq operations ------------------------------------------===//

#include "lpc/Dialect/LQ/IR/Format.h"
#include "lpc/Dialect/LQ/IR/LQ.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace lpc::lq;

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
  std::string error;
  FailureOr<SmallVector<int64_t>> expected =
      layout.getScaleShape(data.getShape(), error);
  if (failed(expected))
    return op->emitOpError() << role << ": " << error;
  auto scaleType = cast<ShapedType>(scale.getType());
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
           << role << " zero point has shape "
           << shapeString(zpType.getShape()) << " but the scale has shape "
           << shapeString(scaleType.getShape());
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
  if (inputType.getShape() != resultType.getShape())
    return emitOpError("result shape ")
           << shapeString(resultType.getShape())
           << " differs from the input shape "
           << shapeString(inputType.getShape());
  FailureOr<Format> format = verifyFormat(*this, "result", resultType);
  if (failed(format))
    return failure();
  return verifyScales(*this, "scale", inputType, getLayout(), getScale(),
                      getZeroPoint(), *format);
}

LogicalResult DequantizeOp::verify() {
  auto inputType = getInput().getType();
  auto resultType = getResult().getType();
  if (inputType.getShape() != resultType.getShape())
    return emitOpError("result shape ")
           << shapeString(resultType.getShape())
           << " differs from the input shape "
           << shapeString(inputType.getShape());
  FailureOr<Format> format = verifyFormat(*this, "input", inputType);
  if (failed(format))
    return failure();
  return verifyScales(*this, "scale", inputType, getLayout(), getScale(),
                      getZeroPoint(), *format);
}

//===----------------------------------------------------------------------===//
// BitcastOp
//===----------------------------------------------------------------------===//

LogicalResult BitcastOp::verify() {
  auto inputType = getInput().getType();
  auto resultType = getResult().getType();
  if (inputType.getShape() != resultType.getShape())
    return emitOpError("result shape ")
           << shapeString(resultType.getShape())
           << " differs from the input shape "
           << shapeString(inputType.getShape());
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
           << in << " (" << *inWidth << " bits) to " << out << " ("
           << *outWidth << " bits)";
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

/// The K-block size a layout imposes on an operand whose K dimension is
/// `kDim`, or std::nullopt if the scale is constant along K.
static std::optional<int64_t> getKBlock(LayoutAttr layout, unsigned kDim) {
  if (layout.isAxis())
    return layout.getAxis() == kDim ? std::optional<int64_t>(1)
                                    : std::nullopt;
  if (layout.isBlock())
    return layout.getBlock()[kDim];
  return std::nullopt;
}

LogicalResult MatmulOp::verify() {
  auto lhsType = getLhs().getType();
  auto rhsType = getRhs().getType();
  auto resultType = getResult().getType();
  if (lhsType.getRank() != 2 || rhsType.getRank() != 2)
    return emitOpError("operands must be rank-2 (MxK and KxN), got ranks ")
           << lhsType.getRank() << " and " << rhsType.getRank();
  int64_t m = lhsType.getDimSize(0), k = lhsType.getDimSize(1);
  int64_t k2 = rhsType.getDimSize(0), n = rhsType.getDimSize(1);
  if (!shapesCompatible({k}, {k2}))
    return emitOpError("contraction sizes differ: lhs has K = ")
           << k << " but rhs has K = " << k2;
  if (resultType.getRank() != 2 ||
      !shapesCompatible(resultType.getShape(), {m, n}))
    return emitOpError("result shape ")
           << shapeString(resultType.getShape()) << " must be "
           << shapeString({m, n});
  FailureOr<Format> lhsFormat = verifyFormat(*this, "lhs", lhsType);
  if (failed(lhsFormat))
    return failure();
  FailureOr<Format> rhsFormat = verifyFormat(*this, "rhs", rhsType);
  if (failed(rhsFormat))
    return failure();
  if (failed(verifyScales(*this, "lhs scale", lhsType, getLhsLayout(),
                          getLhsScale(), getLhsZeroPoint(), *lhsFormat)) ||
      failed(verifyScales(*this, "rhs scale", rhsType, getRhsLayout(),
                          getRhsScale(), getRhsZeroPoint(), *rhsFormat)))
    return failure();

  Type acc = getAcc();
  if (acc.isInteger(32)) {
    if (lhsFormat->isMiniFloat() || rhsFormat->isMiniFloat())
      return emitOpError("acc = i32 needs integer formats on both operands");
    for (Value zp : {getLhsZeroPoint(), getRhsZeroPoint()})
      if (zp && !isa<mlir::IntegerType>(
                    cast<ShapedType>(zp.getType()).getElementType()))
        return emitOpError("acc = i32 needs integer zero points");
    std::optional<int64_t> lb = getKBlock(getLhsLayout(), 1);
    std::optional<int64_t> rb = getKBlock(getRhsLayout(), 0);
    int64_t seg = std::min(lb.value_or(INT64_MAX), rb.value_or(INT64_MAX));
    if (seg != INT64_MAX) {
      if ((lb && *lb % seg) || (rb && *rb % seg))
        return emitOpError("acc = i32 needs the K-block sizes of the two "
                           "layouts to divide one another, got ")
               << lb.value_or(0) << " and " << rb.value_or(0);
      if (!ShapedType::isDynamic(k) && k % seg)
        return emitOpError("acc = i32 needs K = ")
               << k << " to be a multiple of the K-block size " << seg;
    }
  } else if (!acc.isF32()) {
    return emitOpError("accumulator must be f32 or i32, got ") << acc;
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
  if (!(outLayout.isTensor() || (outLayout.isAxis() && outLayout.getAxis() == 1)))
    return emitOpError("output layout must be <tensor> or <axis = 1>, got ")
           << outLayout;
  return verifyScales(*this, "output scale", resultType, outLayout,
                      getOutScale(), getOutZeroPoint(), *outFormat);
}
