//===- Builders.cpp - IR-building helpers of the ONNX importer ------------===//
//
// Broadcasting elementwise generics, reductions, reshapes and casts shared by
// the op importers. Everything is static-shaped.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/IR/AffineMap.h"

#include <algorithm>

using namespace mlir;
using namespace lpc::frontend;

RankedTensorType lpc::frontend::tensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}
ArrayRef<int64_t> lpc::frontend::shapeOf(Value v) {
  return tensorType(v).getShape();
}
Type lpc::frontend::elemOf(Value v) { return tensorType(v).getElementType(); }

int64_t lpc::frontend::numElements(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::string lpc::frontend::sliceBounds(
    ArrayRef<int64_t> shape, ArrayRef<int64_t> starts, ArrayRef<int64_t> ends,
    ArrayRef<int64_t> axes, ArrayRef<int64_t> steps,
    SmallVectorImpl<int64_t> &offsets, SmallVectorImpl<int64_t> &sizes,
    SmallVectorImpl<int64_t> &strides) {
  size_t n = starts.size();
  if (ends.size() != n || (!axes.empty() && axes.size() != n) ||
      (!steps.empty() && steps.size() != n))
    return "starts, ends, axes and steps differ in length";
  int64_t rank = shape.size();
  offsets.assign(rank, 0);
  sizes.assign(shape.begin(), shape.end());
  strides.assign(rank, 1);
  for (size_t i = 0; i < n; ++i) {
    int64_t axis = axes.empty() ? (int64_t)i : axes[i];
    std::optional<int64_t> a = normalizeAxis(axis, rank);
    if (!a)
      return "axis " + std::to_string(axis) + " is out of range";
    int64_t step = steps.empty() ? 1 : steps[i];
    if (step == 0)
      return "step must not be 0";
    int64_t dim = shape[*a], s = starts[i], e = ends[i];
    if (s < 0)
      s += dim;
    if (e < 0)
      e += dim;
    if (step > 0) {
      s = std::clamp<int64_t>(s, 0, dim);
      e = std::clamp<int64_t>(e, 0, dim);
    } else {
      s = std::clamp<int64_t>(s, 0, dim - 1);
      e = std::clamp<int64_t>(e, -1, dim - 1);
    }
    int64_t count =
        step > 0 ? (e - s + step - 1) / step : (s - e - step - 1) / -step;
    offsets[*a] = s;
    sizes[*a] = std::max<int64_t>(count, 0);
    strides[*a] = step;
  }
  return "";
}

std::optional<int64_t> lpc::frontend::normalizeAxis(int64_t axis,
                                                    int64_t rank) {
  if (axis < -rank || axis >= rank)
    return std::nullopt;
  return axis < 0 ? axis + rank : axis;
}

Value lpc::frontend::emptyTensor(OpBuilder &b, Location loc,
                                 ArrayRef<int64_t> shape, Type elem) {
  return tensor::EmptyOp::create(b, loc, shape, elem);
}

Value lpc::frontend::scalarConst(OpBuilder &b, Location loc, Type type,
                                 double v) {
  if (auto ft = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(ft, v));
  return arith::ConstantOp::create(
      b, loc,
      b.getIntegerAttr(type, APInt(type.getIntOrFloatBitWidth(), (int64_t)v,
                                   /*isSigned=*/true,
                                   /*implicitTrunc=*/true)));
}

Value lpc::frontend::filled(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                            Value value) {
  Value empty = emptyTensor(b, loc, shape, value.getType());
  return linalg::FillOp::create(b, loc, value, empty).getResult(0);
}

std::optional<SmallVector<int64_t>>
lpc::frontend::broadcastShapes(ArrayRef<ArrayRef<int64_t>> shapes) {
  size_t rank = 0;
  for (ArrayRef<int64_t> s : shapes)
    rank = std::max(rank, s.size());
  SmallVector<int64_t> out(rank, 1);
  for (ArrayRef<int64_t> s : shapes) {
    for (size_t i = 0; i < s.size(); ++i) {
      int64_t &o = out[rank - s.size() + i];
      if (s[i] == o || s[i] == 1)
        continue;
      if (o != 1)
        return std::nullopt;
      o = s[i];
    }
  }
  return out;
}

/// The indexing map reading a tensor of `shape` broadcast into `outRank`.
static AffineMap broadcastMap(MLIRContext *ctx, ArrayRef<int64_t> shape,
                              ArrayRef<int64_t> outShape) {
  SmallVector<AffineExpr> exprs;
  size_t lead = outShape.size() - shape.size();
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 1 && outShape[lead + i] != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(lead + i, ctx));
  }
  return AffineMap::get(outShape.size(), 0, exprs, ctx);
}

Value lpc::frontend::elementwise(OpBuilder &b, Location loc, ValueRange inputs,
                                 ArrayRef<int64_t> outShape, Type outElem,
                                 BodyFn body) {
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps;
  for (Value in : inputs)
    maps.push_back(broadcastMap(ctx, shapeOf(in), outShape));
  maps.push_back(AffineMap::getMultiDimIdentityMap(outShape.size(), ctx));
  SmallVector<utils::IteratorType> iters(outShape.size(),
                                         utils::IteratorType::parallel);
  Value init = emptyTensor(b, loc, outShape, outElem);
  auto op = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps, iters,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value r = body(nb, nloc, args.drop_back());
        linalg::YieldOp::create(nb, nloc, r);
      });
  return op.getResult(0);
}

Value lpc::frontend::reduce(OpBuilder &b, Location loc, Value input,
                            ArrayRef<int64_t> axes, bool keepDims,
                            TypedAttr init, BodyFn combine) {
  MLIRContext *ctx = b.getContext();
  ArrayRef<int64_t> shape = shapeOf(input);
  int64_t rank = shape.size();
  SmallVector<int64_t> reducedShape;
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iters;
  for (int64_t i = 0; i < rank; ++i) {
    bool reduced = llvm::is_contained(axes, i);
    iters.push_back(reduced ? utils::IteratorType::reduction
                            : utils::IteratorType::parallel);
    if (!reduced) {
      reducedShape.push_back(shape[i]);
      outExprs.push_back(getAffineDimExpr(i, ctx));
    }
  }
  Value initValue = arith::ConstantOp::create(b, loc, init);
  Value acc = filled(b, loc, reducedShape, initValue);
  SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(rank, ctx),
                                 AffineMap::get(rank, 0, outExprs, ctx)};
  auto op = linalg::GenericOp::create(
      b, loc, TypeRange{acc.getType()}, ValueRange{input}, ValueRange{acc},
      maps, iters, [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value r = combine(nb, nloc, {args[1], args[0]});
        linalg::YieldOp::create(nb, nloc, r);
      });
  Value result = op.getResult(0);
  if (!keepDims)
    return result;
  SmallVector<int64_t> keptShape(shape);
  for (int64_t a : axes)
    keptShape[a] = 1;
  return reshape(b, loc, result, keptShape);
}

Value lpc::frontend::reshape(OpBuilder &b, Location loc, Value v,
                             ArrayRef<int64_t> shape) {
  RankedTensorType type = tensorType(v);
  if (type.getShape() == shape)
    return v;
  Type elem = type.getElementType();
  // Constants reshape at import time (this keeps shape arithmetic constant).
  if (auto cst = v.getDefiningOp<arith::ConstantOp>())
    if (auto attr = dyn_cast<DenseElementsAttr>(cst.getValue()))
      return arith::ConstantOp::create(
          b, loc, attr.reshape(RankedTensorType::get(shape, elem)));
  // Collapse everything into one dimension (or a scalar), then expand.
  Value flat = v;
  int64_t n = numElements(type.getShape());
  if (type.getRank() != 1) {
    SmallVector<ReassociationIndices> reassoc;
    if (type.getRank() > 0) {
      ReassociationIndices all;
      for (int64_t i = 0; i < type.getRank(); ++i)
        all.push_back(i);
      reassoc.push_back(all);
      flat = tensor::CollapseShapeOp::create(
          b, loc, RankedTensorType::get({n}, elem), v, reassoc);
    } else {
      flat = tensor::ExpandShapeOp::create(
          b, loc, RankedTensorType::get({1}, elem), v, reassoc);
    }
  }
  if (shape.size() == 1)
    return flat;
  SmallVector<ReassociationIndices> reassoc;
  if (!shape.empty()) {
    ReassociationIndices all;
    for (size_t i = 0; i < shape.size(); ++i)
      all.push_back(i);
    reassoc.push_back(all);
    return tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get(shape, elem), flat, reassoc);
  }
  return tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get({}, elem), flat, reassoc);
}

Value lpc::frontend::transpose(OpBuilder &b, Location loc, Value v,
                               ArrayRef<int64_t> perm) {
  ArrayRef<int64_t> shape = shapeOf(v);
  SmallVector<int64_t> outShape;
  bool identity = true;
  for (size_t i = 0; i < perm.size(); ++i) {
    outShape.push_back(shape[perm[i]]);
    identity &= perm[i] == (int64_t)i;
  }
  if (identity)
    return v;
  Value init = emptyTensor(b, loc, outShape, elemOf(v));
  return linalg::TransposeOp::create(b, loc, v, init, perm).getResult()[0];
}

Value lpc::frontend::convertScalar(OpBuilder &b, Location loc, Value v, Type to,
                                   bool srcUnsigned, bool dstUnsigned) {
  Type from = v.getType();
  if (from == to)
    return v;
  auto fromF = dyn_cast<FloatType>(from);
  auto toF = dyn_cast<FloatType>(to);
  if (to.isInteger(1)) {
    if (fromF)
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, v,
                                   scalarConst(b, loc, from, 0));
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, v,
                                 scalarConst(b, loc, from, 0));
  }
  if (fromF && toF) {
    if (fromF.getWidth() < toF.getWidth())
      return arith::ExtFOp::create(b, loc, to, v);
    return arith::TruncFOp::create(b, loc, to, v);
  }
  if (fromF) {
    if (dstUnsigned)
      return arith::FPToUIOp::create(b, loc, to, v);
    return arith::FPToSIOp::create(b, loc, to, v);
  }
  if (toF) {
    if (srcUnsigned || from.isInteger(1))
      return arith::UIToFPOp::create(b, loc, to, v);
    return arith::SIToFPOp::create(b, loc, to, v);
  }
  unsigned fw = from.getIntOrFloatBitWidth(), tw = to.getIntOrFloatBitWidth();
  if (fw > tw)
    return arith::TruncIOp::create(b, loc, to, v);
  if (srcUnsigned || from.isInteger(1))
    return arith::ExtUIOp::create(b, loc, to, v);
  return arith::ExtSIOp::create(b, loc, to, v);
}

Value lpc::frontend::pad(OpBuilder &b, Location loc, Value v,
                         ArrayRef<int64_t> low, ArrayRef<int64_t> high,
                         Value value) {
  if (llvm::all_of(low, [](int64_t x) { return x == 0; }) &&
      llvm::all_of(high, [](int64_t x) { return x == 0; }))
    return v;
  ArrayRef<int64_t> shape = shapeOf(v);
  SmallVector<int64_t> outShape;
  for (size_t i = 0; i < shape.size(); ++i)
    outShape.push_back(shape[i] + low[i] + high[i]);
  auto type = RankedTensorType::get(outShape, elemOf(v));
  SmallVector<OpFoldResult> lo, hi;
  for (size_t i = 0; i < shape.size(); ++i) {
    lo.push_back(b.getIndexAttr(low[i]));
    hi.push_back(b.getIndexAttr(high[i]));
  }
  return tensor::PadOp::create(b, loc, type, v, lo, hi, value);
}

Value lpc::frontend::slice(OpBuilder &b, Location loc, Value v,
                           ArrayRef<int64_t> offsets, ArrayRef<int64_t> sizes,
                           ArrayRef<int64_t> strides) {
  auto type = RankedTensorType::get(sizes, elemOf(v));
  // An empty slice may start at the end, which extract_slice rejects.
  if (numElements(sizes) == 0)
    return emptyTensor(b, loc, sizes, elemOf(v));
  return tensor::ExtractSliceOp::create(b, loc, type, v, ValueRange{},
                                        ValueRange{}, ValueRange{}, offsets,
                                        sizes, strides);
}

Value lpc::frontend::convertFloats(OpBuilder &b, Location loc, Value v,
                                   Type to) {
  if (elemOf(v) == to)
    return v;
  return elementwise(b, loc, {v}, shapeOf(v), to,
                     [&](OpBuilder &nb, Location l, ValueRange a) {
                       return convertScalar(nb, l, a[0], to, false, false);
                     });
}

Value lpc::frontend::indexInRange(OpBuilder &b, Location loc, Value i,
                                  int64_t dim, bool isUnsigned) {
  i = isUnsigned
          ? (Value)arith::IndexCastUIOp::create(b, loc, b.getIndexType(), i)
          : (Value)arith::IndexCastOp::create(b, loc, b.getIndexType(), i);
  Value d = arith::ConstantIndexOp::create(b, loc, dim);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value neg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, i, zero);
  i = arith::SelectOp::create(b, loc, neg, arith::AddIOp::create(b, loc, i, d),
                              i);
  // Out-of-range indices are undefined in ONNX; clamp so that the access
  // stays in bounds.
  i = arith::MaxSIOp::create(b, loc, i, zero);
  return arith::MinSIOp::create(
      b, loc, i, arith::ConstantIndexOp::create(b, loc, dim - 1));
}
