//===- LoweringUtils.h - Shared parts of the reference lowering -*- C++ -*-===//
//
// Helpers the lq -> linalg patterns share: reading scales and zero points by
// layout, elementwise generics, and the quantize / dequantize bodies.
//
//===----------------------------------------------------------------------===//

#ifndef LPC_LIB_CONVERSION_LQTOLINALG_LOWERINGUTILS_H
#define LPC_LIB_CONVERSION_LQTOLINALG_LOWERINGUTILS_H

#include "lpc/Dialect/LQ/IR/Format.h"
#include "lpc/Dialect/LQ/IR/LQ.h"

#include "mlir/IR/Builders.h"
#include "mlir/Transforms/DialectConversion.h"

namespace lpc::lq {

using llvm::ArrayRef;
using llvm::SmallVector;
using mlir::function_ref;
using mlir::Location;
using mlir::OpBuilder;
using mlir::Type;
using mlir::Value;
using mlir::ValueRange;

/// Quantization parameters of one tensor: where its scale and zero point
/// come from and what the zero point means.
struct ScaleInfo {
  LayoutAttr layout;
  Value scale;
  Value zeroPoint;                // converted, or null
  std::optional<Format> zpFormat; // set for integer zero points
  bool floatOffset = false;
  std::optional<Format> scaleFormat; // set when scales are codes
};

/// A plain float type (not a code of a small-float format).
bool isPlainFloat(Type t);

ScaleInfo makeScaleInfo(LayoutAttr layout, Value scale, Value zp, Value origZp,
                        Value origScale);

/// Index of the scale entry for the data element at `idx` (dims of `data`).
SmallVector<Value> scaleIndices(OpBuilder &b, Location loc, LayoutAttr layout,
                                ValueRange idx);

Value toF32(OpBuilder &b, Location loc, Value v);

/// Scale (f32) and zero point (i32 or f32 offset, or null) of element `idx`.
std::pair<Value, Value> loadScale(OpBuilder &b, Location loc,
                                  const ScaleInfo &info, ValueRange idx);

/// An empty tensor shaped like `like` with element type `elem`.
Value emptyLike(OpBuilder &b, Location loc, Value like, Type elem);

/// Elementwise generic over `input` producing `elem`, with `body(b, loc, x,
/// idx)` computing the result element.
Value buildElementwise(
    OpBuilder &b, Location loc, Value input, Type elem,
    function_ref<Value(OpBuilder &, Location, Value, ValueRange)> body);

/// Row-major linear index (index type) of `idx` in extents `dims`.
Value linearize(OpBuilder &b, Location loc, ValueRange idx,
                ArrayRef<Value> dims);
/// The same, in static extents `shape`.
Value linearize(OpBuilder &b, Location loc, ValueRange idx,
                ArrayRef<int64_t> shape);
/// linearize() as an i64 (the element index stochastic rounding hashes).
Value linearIndex(OpBuilder &b, Location loc, ArrayRef<Value> dims,
                  ValueRange idx);

/// Quantizes f32-convertible `input` to codes of `format`.
Value emitQuantize(OpBuilder &b, Location loc, Value input,
                   const Format &format, const ScaleInfo &info,
                   RoundingMode mode, int64_t seed, bool saturate);

/// Dequantizes codes of `format` to `resultElem` (a float type).
Value emitDequantize(OpBuilder &b, Location loc, Value codes,
                     const Format &format, const ScaleInfo &info,
                     Type resultElem);

/// Patterns of the ops beyond quantize/dequantize/matmul, one group per file.
void populateRequantizeLowering(mlir::TypeConverter &converter,
                                mlir::RewritePatternSet &patterns);
void populateHadamardLowering(mlir::TypeConverter &converter,
                              mlir::RewritePatternSet &patterns);
void populateDataMovementLowering(mlir::TypeConverter &converter,
                                  mlir::RewritePatternSet &patterns);

} // namespace lpc::lq

#endif // LPC_LIB_CONVERSION_LQTOLINALG_LOWERINGUTILS_H
