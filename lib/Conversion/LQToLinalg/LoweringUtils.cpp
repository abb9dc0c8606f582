//===- LoweringUtils.cpp - Shared pieces of the reference lowering --------===//

#include "LoweringUtils.h"

#include "lpc/Dialect/LQ/Utils/FormatCodegen.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace lpc::lq;

/// A plain float type (not a code of a small-float format).
bool lpc::lq::isPlainFloat(Type t) {
  return isa<mlir::FloatType>(t) && !getFormat(t);
}

ScaleInfo lpc::lq::makeScaleInfo(LayoutAttr layout, Value scale, Value zp,
                                 Value origZp, Value origScale) {
  ScaleInfo info{layout, scale, zp, std::nullopt, false, std::nullopt};
  Type scaleElem = cast<ShapedType>(origScale.getType()).getElementType();
  if (!isPlainFloat(scaleElem))
    info.scaleFormat = getFormat(scaleElem);
  if (origZp) {
    Type elem = cast<ShapedType>(origZp.getType()).getElementType();
    if (isPlainFloat(elem))
      info.floatOffset = true;
    else
      info.zpFormat = getFormat(elem);
  }
  return info;
}

/// Index of the scale entry for the data element at `idx` (dims of `data`).
SmallVector<Value> lpc::lq::scaleIndices(OpBuilder &b, Location loc,
                                         LayoutAttr layout, ValueRange idx) {
  switch (layout.getKind()) {
  case LayoutKind::tensor:
    return {};
  case LayoutKind::axis:
    return {idx[layout.getAxis()]};
  case LayoutKind::block: {
    SmallVector<Value> result;
    for (auto [i, bsize] : llvm::zip(idx, layout.getBlock())) {
      Value c = arith::ConstantIndexOp::create(b, loc, bsize);
      result.push_back(arith::DivUIOp::create(b, loc, i, c));
    }
    return result;
  }
  }
  llvm_unreachable("unknown layout");
}

Value lpc::lq::toF32(OpBuilder &b, Location loc, Value v) {
  Type f32 = b.getF32Type();
  if (v.getType() == f32)
    return v;
  if (cast<mlir::FloatType>(v.getType()).getWidth() < 32)
    return arith::ExtFOp::create(b, loc, f32, v);
  return arith::TruncFOp::create(b, loc, f32, v);
}

/// Scale (f32) and zero point (i32 or f32 offset, or null) of element `idx`.
std::pair<Value, Value> lpc::lq::loadScale(OpBuilder &b, Location loc,
                                           const ScaleInfo &info,
                                           ValueRange idx) {
  SmallVector<Value> sIdx = scaleIndices(b, loc, info.layout, idx);
  Value s = tensor::ExtractOp::create(b, loc, info.scale, sIdx);
  s = info.scaleFormat ? emitDecodeF32(b, loc, *info.scaleFormat, s)
                       : toF32(b, loc, s);
  Value zp;
  if (info.zeroPoint) {
    zp = tensor::ExtractOp::create(b, loc, info.zeroPoint, sIdx);
    zp = info.floatOffset ? toF32(b, loc, zp)
                          : emitZeroPointI32(b, loc, *info.zpFormat, zp);
  }
  return {s, zp};
}

/// An empty tensor shaped like `like` with element type `elem`.
Value lpc::lq::emptyLike(OpBuilder &b, Location loc, Value like, Type elem) {
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, like);
  return tensor::EmptyOp::create(b, loc, sizes, elem);
}

/// Elementwise generic over `input` producing `elem`, with `body(b, loc, x,
/// idx)` computing the result element.
Value lpc::lq::buildElementwise(
    OpBuilder &b, Location loc, Value input, Type elem,
    function_ref<Value(OpBuilder &, Location, Value, ValueRange)> body) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  Value init = emptyLike(b, loc, input, elem);
  SmallVector<AffineMap> maps(2, b.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, ValueRange{input}, ValueRange{init},
      maps, iters, [&](OpBuilder &nb, Location nloc, ValueRange args) {
        SmallVector<Value> idx;
        for (int64_t d = 0; d < rank; ++d)
          idx.push_back(linalg::IndexOp::create(nb, nloc, d));
        Value r = body(nb, nloc, args[0], idx);
        linalg::YieldOp::create(nb, nloc, r);
      });
  return generic.getResult(0);
}

Value lpc::lq::linearize(OpBuilder &b, Location loc, ValueRange idx,
                         ArrayRef<Value> dims) {
  Value lin = arith::ConstantIndexOp::create(b, loc, 0);
  for (auto [d, i] : llvm::zip(dims, idx))
    lin =
        arith::AddIOp::create(b, loc, arith::MulIOp::create(b, loc, lin, d), i);
  return lin;
}

Value lpc::lq::linearize(OpBuilder &b, Location loc, ValueRange idx,
                         ArrayRef<int64_t> shape) {
  SmallVector<Value> dims = llvm::map_to_vector(shape, [&](int64_t d) -> Value {
    return arith::ConstantIndexOp::create(b, loc, d);
  });
  return linearize(b, loc, idx, dims);
}

Value lpc::lq::linearIndex(OpBuilder &b, Location loc, ArrayRef<Value> dims,
                           ValueRange idx) {
  return arith::IndexCastOp::create(b, loc, b.getI64Type(),
                                    linearize(b, loc, idx, dims));
}

/// Quantizes f32-convertible `input` to codes of `format`.
Value lpc::lq::emitQuantize(OpBuilder &b, Location loc, Value input,
                            const Format &format, const ScaleInfo &info,
                            RoundingMode mode, int64_t seed, bool saturate) {
  SmallVector<Value> dims;
  if (mode == RoundingMode::stochastic) {
    int64_t rank = cast<RankedTensorType>(input.getType()).getRank();
    for (int64_t d = 0; d < rank; ++d)
      dims.push_back(tensor::DimOp::create(b, loc, input, d));
  }
  Type storage = b.getIntegerType(format.width);
  return buildElementwise(
      b, loc, input, storage,
      [&](OpBuilder &nb, Location nloc, Value x, ValueRange idx) {
        auto [s, zp] = loadScale(nb, nloc, info, idx);
        Value xf = toF32(nb, nloc, x);
        Value intZp;
        if (info.floatOffset)
          xf = arith::SubFOp::create(nb, nloc, xf, zp);
        else
          intZp = zp;
        Value t = arith::DivFOp::create(nb, nloc, xf, s);
        Value index = mode == RoundingMode::stochastic
                          ? linearIndex(nb, nloc, dims, idx)
                          : Value();
        return emitEncode(nb, nloc, format, t, intZp, mode, index, seed,
                          saturate);
      });
}

/// Dequantizes codes of `format` to `resultElem` (a float type).
Value lpc::lq::emitDequantize(OpBuilder &b, Location loc, Value codes,
                              const Format &format, const ScaleInfo &info,
                              Type resultElem) {
  return buildElementwise(
      b, loc, codes, resultElem,
      [&](OpBuilder &nb, Location nloc, Value q, ValueRange idx) {
        auto [s, zp] = loadScale(nb, nloc, info, idx);
        Value x;
        if (zp && !info.floatOffset) {
          Value v = emitDecodeInt(nb, nloc, format, q, zp);
          x = arith::MulFOp::create(
              nb, nloc, arith::SIToFPOp::create(nb, nloc, nb.getF32Type(), v),
              s);
        } else {
          x = arith::MulFOp::create(nb, nloc,
                                    emitDecodeF32(nb, nloc, format, q), s);
          if (zp)
            x = arith::AddFOp::create(nb, nloc, x, zp);
        }
        if (resultElem != nb.getF32Type())
          x = arith::TruncFOp::create(nb, nloc, resultElem, x);
        return x;
      });
}
