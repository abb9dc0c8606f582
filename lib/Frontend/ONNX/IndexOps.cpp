//===- IndexOps.cpp - ONNX operators that compute or follow indices ------===//
//
// ArgMax/ArgMin, Trilu, CumSum, TopK, OneHot, EyeLike, GatherElements,
// GatherND, ScatterElements and ScatterND, each as linalg.generic ops whose
// bodies read positions (linalg.index) and other operands
// (tensor.extract). Scatters and TopK are written as gathers over every
// candidate (an output element reduces over the updates, or the input
// elements, that land on it), quadratic in the axis or update count but
// free of sequential loops; see docs/Rationale.md.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

using namespace mlir;
using namespace lpc::frontend;

namespace {

using Results = SmallVectorImpl<Value>;
using utils::IteratorType;

AffineExpr dim(MLIRContext *ctx, int64_t i) { return getAffineDimExpr(i, ctx); }

Value index(OpBuilder &b, Location l, int64_t d) {
  return linalg::IndexOp::create(b, l, d);
}

Value toI64(OpBuilder &b, Location l, Value idx) {
  return arith::IndexCastOp::create(b, l, b.getI64Type(), idx);
}

/// A linalg.generic over `rank` loops with identity-mapped output(s).
SmallVector<Value> generic(
    OpBuilder &b, Location loc, ValueRange ins, ArrayRef<AffineMap> inMaps,
    ValueRange outs, ArrayRef<AffineMap> outMaps, ArrayRef<IteratorType> iters,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)> body) {
  SmallVector<AffineMap> maps(inMaps);
  maps.append(outMaps.begin(), outMaps.end());
  SmallVector<Type> types;
  for (Value v : outs)
    types.push_back(v.getType());
  auto op = linalg::GenericOp::create(
      b, loc, types, ins, outs, maps, iters,
      [&](OpBuilder &nb, Location l, ValueRange a) {
        linalg::YieldOp::create(nb, l, body(nb, l, a));
      });
  return SmallVector<Value>(op.getResults());
}

/// The comparison `x better-than y` for ArgMax (greater) or ArgMin / a
/// smallest TopK (less), on floats, signed or unsigned integers.
Value better(OpBuilder &b, Location l, Value x, Value y, bool greater,
             bool orEqual, bool isUns) {
  if (isa<FloatType>(x.getType())) {
    auto p =
        greater
            ? (orEqual ? arith::CmpFPredicate::OGE : arith::CmpFPredicate::OGT)
            : (orEqual ? arith::CmpFPredicate::OLE : arith::CmpFPredicate::OLT);
    return arith::CmpFOp::create(b, l, p, x, y);
  }
  arith::CmpIPredicate p;
  if (greater)
    p = orEqual
            ? (isUns ? arith::CmpIPredicate::uge : arith::CmpIPredicate::sge)
            : (isUns ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt);
  else
    p = orEqual
            ? (isUns ? arith::CmpIPredicate::ule : arith::CmpIPredicate::sle)
            : (isUns ? arith::CmpIPredicate::ult : arith::CmpIPredicate::slt);
  return arith::CmpIOp::create(b, l, p, x, y);
}

/// The most extreme value of `elem` (lowest when `lowest`).
TypedAttr extreme(Builder &b, Type elem, bool lowest, bool isUns) {
  if (auto ft = dyn_cast<FloatType>(elem))
    return b.getFloatAttr(
        elem, APFloat::getInf(ft.getFloatSemantics(), /*Negative=*/lowest));
  unsigned w = elem.getIntOrFloatBitWidth();
  APInt v = isUns ? (lowest ? APInt::getMinValue(w) : APInt::getMaxValue(w))
                  : (lowest ? APInt::getSignedMinValue(w)
                            : APInt::getSignedMaxValue(w));
  return b.getIntegerAttr(elem, v);
}

LogicalResult argOp(NodeContext &ctx, Results &results, bool isMax) {
  if (failed(ctx.require(0, "data")))
    return failure();
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  MLIRContext *mctx = b.getContext();
  Value x = ctx.input(0);
  ArrayRef<int64_t> xs = shapeOf(x);
  int64_t rank = xs.size();
  auto axis = normalizeAxis(ctx.getInt("axis", 0), std::max<int64_t>(rank, 1));
  if (!axis || rank == 0)
    return ctx.error() << "axis is out of range for rank " << rank;
  bool keep = ctx.getInt("keepdims", 1);
  bool last = ctx.getInt("select_last_index", 0);
  bool isUns = ctx.isUnsigned(x);
  Type elem = elemOf(x);
  SmallVector<int64_t> outShape;
  SmallVector<AffineExpr> outExprs;
  for (int64_t i = 0; i < rank; ++i) {
    if (i != *axis) {
      outShape.push_back(xs[i]);
      outExprs.push_back(dim(mctx, i));
    } else if (keep) {
      outShape.push_back(1);
      outExprs.push_back(getAffineConstantExpr(0, mctx));
    }
  }
  Value bestInit =
      filled(b, loc, outShape,
             arith::ConstantOp::create(b, loc, extreme(b, elem, isMax, isUns)));
  Value idxInit =
      filled(b, loc, outShape, scalarConst(b, loc, b.getI64Type(), 0));
  SmallVector<IteratorType> iters(rank, IteratorType::parallel);
  iters[*axis] = IteratorType::reduction;
  AffineMap outMap = AffineMap::get(rank, 0, outExprs, mctx);
  auto res = generic(
      b, loc, {x}, {AffineMap::getMultiDimIdentityMap(rank, mctx)},
      {bestInit, idxInit}, {outMap, outMap}, iters,
      [&](OpBuilder &nb, Location l, ValueRange a) -> SmallVector<Value> {
        Value take = better(nb, l, a[0], a[1], isMax, last, isUns);
        Value i = toI64(nb, l, index(nb, l, *axis));
        return {arith::SelectOp::create(nb, l, take, a[0], a[1]),
                arith::SelectOp::create(nb, l, take, i, a[2])};
      });
  results.push_back(res[1]);
  ctx.setUnsigned(res[1], false);
  return success();
}
LogicalResult argMaxOp(NodeContext &c, Results &r) { return argOp(c, r, true); }
LogicalResult argMinOp(NodeContext &c, Results &r) {
  return argOp(c, r, false);
}

/// A scalar integer operand known at compile time (K, k, depth, axis).
std::optional<int64_t> scalarInt(NodeContext &ctx, size_t i, StringRef what) {
  auto v = ctx.constInts(ctx.input(i));
  if (!v || v->size() != 1) {
    ctx.error() << what << " must be a constant scalar";
    return std::nullopt;
  }
  return (*v)[0];
}

LogicalResult triluOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.require(0, "input")))
    return failure();
  Value x = ctx.input(0);
  int64_t rank = shapeOf(x).size();
  if (rank < 2)
    return ctx.error() << "input must have rank >= 2, got " << x.getType();
  int64_t k = 0;
  if (ctx.hasInput(1)) {
    auto kv = scalarInt(ctx, 1, "k");
    if (!kv)
      return failure();
    k = *kv;
  }
  bool upper = ctx.getInt("upper", 1);
  MLIRContext *mctx = ctx.b.getContext();
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, mctx);
  Value init = emptyTensor(ctx.b, ctx.loc, shapeOf(x), elemOf(x));
  results.push_back(generic(
      ctx.b, ctx.loc, {x}, {id}, {init}, {id},
      SmallVector<IteratorType>(rank, IteratorType::parallel),
      [&](OpBuilder &nb, Location l, ValueRange a) -> SmallVector<Value> {
        Value i = toI64(nb, l, index(nb, l, rank - 2));
        Value j = toI64(nb, l, index(nb, l, rank - 1));
        Value diff = arith::SubIOp::create(nb, l, j, i);
        Value kc = scalarConst(nb, l, nb.getI64Type(), k);
        Value keep = arith::CmpIOp::create(nb, l,
                                           upper ? arith::CmpIPredicate::sge
                                                 : arith::CmpIPredicate::sle,
                                           diff, kc);
        return {arith::SelectOp::create(nb, l, keep, a[0],
                                        scalarConst(nb, l, a[0].getType(), 0))};
      })[0]);
  return success();
}

Value addAny(OpBuilder &b, Location l, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return arith::AddFOp::create(b, l, x, y);
  return arith::AddIOp::create(b, l, x, y);
}

/// CumSum as out[.., i, ..] = sum over j of x[.., j, ..] where j precedes
/// i (or equals it unless exclusive; follows it when reverse).
LogicalResult cumSumOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.require(0, "x")) || failed(ctx.require(1, "axis")))
    return failure();
  Value x = ctx.input(0);
  ArrayRef<int64_t> xs = shapeOf(x);
  int64_t rank = xs.size();
  auto ax = scalarInt(ctx, 1, "axis");
  if (!ax)
    return failure();
  auto axis = normalizeAxis(*ax, rank);
  if (!axis)
    return ctx.error() << "axis is out of range for rank " << rank;
  bool exclusive = ctx.getInt("exclusive", 0),
       reverse = ctx.getInt("reverse", 0);
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  MLIRContext *mctx = b.getContext();
  // Loops: the output's dims, then j.
  SmallVector<AffineExpr> inExprs, outExprs;
  for (int64_t i = 0; i < rank; ++i) {
    inExprs.push_back(i == *axis ? dim(mctx, rank) : dim(mctx, i));
    outExprs.push_back(dim(mctx, i));
  }
  SmallVector<IteratorType> iters(rank, IteratorType::parallel);
  iters.push_back(IteratorType::reduction);
  Value init = filled(b, loc, xs, scalarConst(b, loc, elemOf(x), 0));
  results.push_back(generic(
      b, loc, {x}, {AffineMap::get(rank + 1, 0, inExprs, mctx)}, {init},
      {AffineMap::get(rank + 1, 0, outExprs, mctx)}, iters,
      [&](OpBuilder &nb, Location l, ValueRange a) -> SmallVector<Value> {
        Value i = index(nb, l, *axis), j = index(nb, l, rank);
        arith::CmpIPredicate p = reverse
                                     ? (exclusive ? arith::CmpIPredicate::ugt
                                                  : arith::CmpIPredicate::uge)
                                     : (exclusive ? arith::CmpIPredicate::ult
                                                  : arith::CmpIPredicate::ule);
        Value in = arith::CmpIOp::create(nb, l, p, j, i);
        return {arith::SelectOp::create(nb, l, in, addAny(nb, l, a[1], a[0]),
                                        a[1])};
      })[0]);
  return success();
}

/// TopK: each element's rank along the axis (how many elements beat it,
/// ties going to the lower index), then output position p gathers the
/// element of rank p.
LogicalResult topKOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.require(0, "X")) || failed(ctx.require(1, "K")))
    return failure();
  Value x = ctx.input(0);
  ArrayRef<int64_t> xs = shapeOf(x);
  int64_t rank = xs.size();
  auto axis = normalizeAxis(ctx.getInt("axis", -1), std::max<int64_t>(rank, 1));
  if (!axis || rank == 0)
    return ctx.error() << "axis is out of range for rank " << rank;
  auto k = scalarInt(ctx, 1, "K");
  if (!k)
    return failure();
  int64_t n = xs[*axis];
  if (*k < 0 || *k > n)
    return ctx.error() << "K " << *k << " is out of range for axis size " << n;
  bool largest = ctx.getInt("largest", 1);
  bool isUns = ctx.isUnsigned(x);
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  MLIRContext *mctx = b.getContext();
  Type i64 = b.getI64Type();
  // rank[.., i, ..] = #{j : x_j beats x_i, or x_j == x_i and j < i}.
  SmallVector<AffineExpr> iExprs, jExprs;
  for (int64_t d = 0; d < rank; ++d) {
    iExprs.push_back(dim(mctx, d));
    jExprs.push_back(d == *axis ? dim(mctx, rank) : dim(mctx, d));
  }
  SmallVector<IteratorType> iters(rank, IteratorType::parallel);
  iters.push_back(IteratorType::reduction);
  AffineMap iMap = AffineMap::get(rank + 1, 0, iExprs, mctx);
  AffineMap jMap = AffineMap::get(rank + 1, 0, jExprs, mctx);
  Value ranks = generic(
      b, loc, {x, x}, {iMap, jMap},
      {filled(b, loc, xs, scalarConst(b, loc, i64, 0))}, {iMap}, iters,
      [&](OpBuilder &nb, Location l, ValueRange a) -> SmallVector<Value> {
        Value beats = better(nb, l, a[1], a[0], largest, false, isUns);
        Value eq = isa<FloatType>(a[0].getType())
                       ? (Value)arith::CmpFOp::create(
                             nb, l, arith::CmpFPredicate::OEQ, a[1], a[0])
                       : (Value)arith::CmpIOp::create(
                             nb, l, arith::CmpIPredicate::eq, a[1], a[0]);
        Value before =
            arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ult,
                                  index(nb, l, rank), index(nb, l, *axis));
        Value counts = arith::OrIOp::create(
            nb, l, beats, arith::AndIOp::create(nb, l, eq, before));
        return {arith::AddIOp::create(
            nb, l, a[2], arith::ExtUIOp::create(nb, l, i64, counts))};
      })[0];
  // out[.., p, ..] = x_j and j for the j of rank p.
  SmallVector<int64_t> outShape(xs);
  outShape[*axis] = *k;
  Type elem = elemOf(x);
  auto outs = generic(
      b, loc, {x, ranks}, {jMap, jMap},
      {filled(b, loc, outShape, scalarConst(b, loc, elem, 0)),
       filled(b, loc, outShape, scalarConst(b, loc, i64, 0))},
      {iMap, iMap}, iters,
      [&](OpBuilder &nb, Location l, ValueRange a) -> SmallVector<Value> {
        Value p = toI64(nb, l, index(nb, l, *axis));
        Value hit =
            arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq, a[1], p);
        Value j = toI64(nb, l, index(nb, l, rank));
        return {arith::SelectOp::create(nb, l, hit, a[0], a[2]),
                arith::SelectOp::create(nb, l, hit, j, a[3])};
      });
  results.push_back(outs[0]);
  results.push_back(outs[1]);
  ctx.setUnsigned(outs[1], false);
  return success();
}

/// OneHot: out[.., d, ..] = values[1] where indices[..] (negative counts
/// from depth) == d, else values[0]; indices may be floats.
LogicalResult oneHotOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.require(0, "indices")) || failed(ctx.require(1, "depth")) ||
      failed(ctx.require(2, "values")))
    return failure();
  Value idx = ctx.input(0), values = ctx.input(2);
  auto depthVals = ctx.constant(ctx.input(1));
  if (!depthVals || depthVals->getNumElements() != 1)
    return ctx.error() << "depth must be a constant scalar";
  double depthF =
      isa<FloatType>(depthVals->getElementType())
          ? (*depthVals->value_begin<APFloat>()).convertToDouble()
          : (double)(*depthVals->value_begin<APInt>()).getSExtValue();
  int64_t depth = (int64_t)depthF;
  if (numElements(shapeOf(values)) != 2)
    return ctx.error() << "values must hold 2 elements, got "
                       << values.getType();
  ArrayRef<int64_t> is = shapeOf(idx);
  int64_t rank = is.size() + 1;
  auto axis = normalizeAxis(ctx.getInt("axis", -1), rank);
  if (!axis)
    return ctx.error() << "axis is out of range for rank " << rank;
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  MLIRContext *mctx = b.getContext();
  SmallVector<int64_t> outShape(is);
  outShape.insert(outShape.begin() + *axis, depth);
  SmallVector<AffineExpr> inExprs;
  for (int64_t d = 0; d < rank; ++d)
    if (d != *axis)
      inExprs.push_back(dim(mctx, d));
  Value flat = reshape(b, loc, values, {2});
  Type elem = elemOf(values);
  bool idxUns = ctx.isUnsigned(idx);
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, mctx);
  results.push_back(generic(
      b, loc, {idx}, {AffineMap::get(rank, 0, inExprs, mctx)},
      {emptyTensor(b, loc, outShape, elem)}, {id},
      SmallVector<IteratorType>(rank, IteratorType::parallel),
      [&](OpBuilder &nb, Location l, ValueRange a) -> SmallVector<Value> {
        Value i = a[0];
        if (isa<FloatType>(i.getType()))
          i = arith::FPToSIOp::create(nb, l, nb.getI64Type(), i);
        else
          i = idxUns ? (Value)arith::ExtUIOp::create(nb, l, nb.getI64Type(), i)
                     : (Value)(i.getType().isInteger(64)
                                   ? i
                                   : arith::ExtSIOp::create(
                                         nb, l, nb.getI64Type(), i));
        Value dc = scalarConst(nb, l, nb.getI64Type(), depth);
        Value neg = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, i,
                                          scalarConst(nb, l, i.getType(), 0));
        i = arith::SelectOp::create(nb, l, neg,
                                    arith::AddIOp::create(nb, l, i, dc), i);
        Value hit = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq, i,
                                          toI64(nb, l, index(nb, l, *axis)));
        Value on = tensor::ExtractOp::create(
            nb, l, flat, ValueRange{arith::ConstantIndexOp::create(nb, l, 1)});
        Value off = tensor::ExtractOp::create(
            nb, l, flat, ValueRange{arith::ConstantIndexOp::create(nb, l, 0)});
        return {arith::SelectOp::create(nb, l, hit, on, off)};
      })[0]);
  return success();
}

/// EyeLike: a constant with ones on diagonal k.
LogicalResult eyeLikeOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.require(0, "input")))
    return failure();
  Value x = ctx.input(0);
  ArrayRef<int64_t> xs = shapeOf(x);
  if (xs.size() != 2)
    return ctx.error() << "input must be a matrix, got " << x.getType();
  Type elem = elemOf(x);
  bool isUns = ctx.isUnsigned(x);
  if (ctx.hasAttr("dtype")) {
    int dt = ctx.getInt("dtype", 0);
    elem = getElementType(ctx.b.getContext(), dt);
    if (!elem)
      return ctx.error() << "unsupported dtype " << onnxDTypeName(dt);
    isUns = isUnsignedDType(dt);
  }
  int64_t k = ctx.getInt("k", 0);
  auto type = RankedTensorType::get(xs, elem);
  SmallVector<Attribute> vals;
  for (int64_t i = 0; i < xs[0]; ++i)
    for (int64_t j = 0; j < xs[1]; ++j) {
      double v = j - i == k ? 1 : 0;
      vals.push_back(isa<FloatType>(elem)
                         ? (Attribute)ctx.b.getFloatAttr(elem, v)
                         : (Attribute)ctx.b.getIntegerAttr(elem, (int64_t)v));
    }
  Value out = arith::ConstantOp::create(ctx.b, ctx.loc,
                                        DenseElementsAttr::get(type, vals));
  results.push_back(out);
  ctx.setUnsigned(out, isUns);
  return success();
}

/// The operands of the gathers and scatters: data, integer indices and
/// (for scatters) updates.
LogicalResult requireIndexed(NodeContext &ctx, bool withUpdates) {
  if (failed(ctx.require(0, "data")) || failed(ctx.require(1, "indices")) ||
      (withUpdates && failed(ctx.require(2, "updates"))))
    return failure();
  Value idx = ctx.input(1);
  if (!isa<IntegerType>(elemOf(idx)))
    return ctx.error() << "indices must be integers, got " << idx.getType();
  return success();
}

LogicalResult gatherElementsOp(NodeContext &ctx, Results &results) {
  if (failed(requireIndexed(ctx, false)))
    return failure();
  Value data = ctx.input(0), idx = ctx.input(1);
  ArrayRef<int64_t> ds = shapeOf(data), is = shapeOf(idx);
  int64_t rank = ds.size();
  if ((int64_t)is.size() != rank || rank == 0)
    return ctx.error() << "data and indices must have one rank >= 1, got "
                       << data.getType() << " and " << idx.getType();
  auto axis = normalizeAxis(ctx.getInt("axis", 0), rank);
  if (!axis)
    return ctx.error() << "axis is out of range for rank " << rank;
  MLIRContext *mctx = ctx.b.getContext();
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, mctx);
  bool idxUns = ctx.isUnsigned(idx);
  int64_t n = ds[*axis];
  results.push_back(generic(
      ctx.b, ctx.loc, {idx}, {id},
      {emptyTensor(ctx.b, ctx.loc, is, elemOf(data))}, {id},
      SmallVector<IteratorType>(rank, IteratorType::parallel),
      [&](OpBuilder &nb, Location l, ValueRange a) -> SmallVector<Value> {
        SmallVector<Value> coords;
        for (int64_t d = 0; d < rank; ++d)
          coords.push_back(d == *axis ? indexInRange(nb, l, a[0], n, idxUns)
                                      : index(nb, l, d));
        return {tensor::ExtractOp::create(nb, l, data, coords)};
      })[0]);
  return success();
}

/// The coordinates an N-d index tuple names: indices[prefix..., 0..k-1],
/// each in range of data's dims `first`...
SmallVector<Value> tupleCoords(OpBuilder &b, Location l, Value indices,
                               ArrayRef<Value> prefix, ArrayRef<int64_t> dims,
                               bool isUns) {
  SmallVector<Value> out;
  for (size_t j = 0; j < dims.size(); ++j) {
    SmallVector<Value> at(prefix);
    at.push_back(arith::ConstantIndexOp::create(b, l, j));
    Value v = tensor::ExtractOp::create(b, l, indices, at);
    out.push_back(indexInRange(b, l, v, dims[j], isUns));
  }
  return out;
}

LogicalResult gatherNDOp(NodeContext &ctx, Results &results) {
  if (failed(requireIndexed(ctx, false)))
    return failure();
  Value data = ctx.input(0), idx = ctx.input(1);
  ArrayRef<int64_t> ds = shapeOf(data), is = shapeOf(idx);
  int64_t r = ds.size(), q = is.size(), bd = ctx.getInt("batch_dims", 0);
  if (q < 1 || r < 1 || bd < 0 || bd >= std::min(r, q) || is.back() < 1 ||
      is.back() > r - bd)
    return ctx.error() << "indices " << idx.getType() << " and batch_dims "
                       << bd << " do not fit data " << data.getType();
  int64_t k = is.back();
  SmallVector<int64_t> outShape(is.begin(), is.end() - 1);
  outShape.append(ds.begin() + bd + k, ds.end());
  int64_t rank = outShape.size();
  MLIRContext *mctx = ctx.b.getContext();
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, mctx);
  bool idxUns = ctx.isUnsigned(idx);
  results.push_back(generic(
      ctx.b, ctx.loc, {}, {},
      {emptyTensor(ctx.b, ctx.loc, outShape, elemOf(data))}, {id},
      SmallVector<IteratorType>(rank, IteratorType::parallel),
      [&](OpBuilder &nb, Location l, ValueRange) -> SmallVector<Value> {
        SmallVector<Value> prefix, coords;
        for (int64_t d = 0; d < q - 1; ++d)
          prefix.push_back(index(nb, l, d));
        coords.append(prefix.begin(), prefix.begin() + bd);
        auto t = tupleCoords(nb, l, idx, prefix, ds.slice(bd, k), idxUns);
        coords.append(t.begin(), t.end());
        for (int64_t d = q - 1; d < rank; ++d)
          coords.push_back(index(nb, l, d));
        return {tensor::ExtractOp::create(nb, l, data, coords)};
      })[0]);
  return success();
}

/// Combines an update into the value it lands on (ScatterElements and
/// ScatterND `reduction`).
FailureOr<std::function<Value(OpBuilder &, Location, Value, Value)>>
reduction(NodeContext &ctx, bool isUns) {
  std::string r = ctx.getString("reduction", "none");
  using Fn = std::function<Value(OpBuilder &, Location, Value, Value)>;
  if (r == "none")
    return Fn([](OpBuilder &, Location, Value, Value u) { return u; });
  if (r == "add")
    return Fn([](OpBuilder &b, Location l, Value x, Value u) {
      return addAny(b, l, x, u);
    });
  if (r == "mul")
    return Fn([](OpBuilder &b, Location l, Value x, Value u) -> Value {
      if (isa<FloatType>(x.getType()))
        return arith::MulFOp::create(b, l, x, u);
      return arith::MulIOp::create(b, l, x, u);
    });
  if (r == "max" || r == "min")
    return Fn([isMax = r == "max", isUns](OpBuilder &b, Location l, Value x,
                                          Value u) -> Value {
      Value take = better(b, l, u, x, isMax, false, isUns);
      return arith::SelectOp::create(b, l, take, u, x);
    });
  ctx.error() << "unknown reduction '" << r << "'";
  return failure();
}

/// The scatter both ScatterElements and ScatterND lower to: loops over the
/// output's dims, then the update positions (a reduction); an update whose
/// target (`target(b, l, updateLoops)`) is the output position combines
/// into it, in update order.
Value scatter(
    NodeContext &ctx, Value data, Value updates,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ArrayRef<Value>)>
        target,
    const std::function<Value(OpBuilder &, Location, Value, Value)> &combine) {
  OpBuilder &b = ctx.b;
  MLIRContext *mctx = b.getContext();
  int64_t r = shapeOf(data).size(), u = shapeOf(updates).size();
  SmallVector<AffineExpr> outExprs, updExprs;
  for (int64_t d = 0; d < r; ++d)
    outExprs.push_back(dim(mctx, d));
  for (int64_t d = 0; d < u; ++d)
    updExprs.push_back(dim(mctx, r + d));
  SmallVector<IteratorType> iters(r, IteratorType::parallel);
  iters.append(u, IteratorType::reduction);
  return generic(
      b, ctx.loc, {updates}, {AffineMap::get(r + u, 0, updExprs, mctx)}, {data},
      {AffineMap::get(r + u, 0, outExprs, mctx)}, iters,
      [&](OpBuilder &nb, Location l, ValueRange a) -> SmallVector<Value> {
        SmallVector<Value> loops;
        for (int64_t d = 0; d < u; ++d)
          loops.push_back(index(nb, l, r + d));
        SmallVector<Value> t = target(nb, l, loops);
        Value hit = arith::ConstantIntOp::create(nb, l, 1, 1);
        for (int64_t d = 0; d < r; ++d)
          hit = arith::AndIOp::create(
              nb, l, hit,
              arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq, t[d],
                                    index(nb, l, d)));
        return {arith::SelectOp::create(nb, l, hit, combine(nb, l, a[1], a[0]),
                                        a[1])};
      })[0];
}

LogicalResult scatterElementsOp(NodeContext &ctx, Results &results) {
  if (failed(requireIndexed(ctx, true)))
    return failure();
  Value data = ctx.input(0), idx = ctx.input(1), upd = ctx.input(2);
  ArrayRef<int64_t> ds = shapeOf(data);
  int64_t rank = ds.size();
  if ((int64_t)shapeOf(idx).size() != rank || shapeOf(upd) != shapeOf(idx) ||
      elemOf(upd) != elemOf(data))
    return ctx.error() << "indices and updates must have one shape of data's "
                          "rank, got "
                       << idx.getType() << " and " << upd.getType();
  auto axis = normalizeAxis(ctx.getInt("axis", 0), rank);
  if (!axis)
    return ctx.error() << "axis is out of range for rank " << rank;
  auto combine = reduction(ctx, ctx.isUnsigned(data));
  if (failed(combine))
    return failure();
  bool idxUns = ctx.isUnsigned(idx);
  results.push_back(scatter(
      ctx, data, upd,
      [&](OpBuilder &nb, Location l, ArrayRef<Value> loops) {
        SmallVector<Value> t(loops);
        t[*axis] =
            indexInRange(nb, l, tensor::ExtractOp::create(nb, l, idx, loops),
                         ds[*axis], idxUns);
        return t;
      },
      *combine));
  return success();
}

LogicalResult scatterNDOp(NodeContext &ctx, Results &results) {
  if (failed(requireIndexed(ctx, true)))
    return failure();
  Value data = ctx.input(0), idx = ctx.input(1), upd = ctx.input(2);
  ArrayRef<int64_t> ds = shapeOf(data), is = shapeOf(idx);
  int64_t r = ds.size(), q = is.size();
  int64_t k = q ? is.back() : 0;
  SmallVector<int64_t> want(is.begin(), is.end() - (q ? 1 : 0));
  if (k >= 1 && k <= r)
    want.append(ds.begin() + k, ds.end());
  if (q < 1 || k < 1 || k > r || shapeOf(upd) != ArrayRef(want) ||
      elemOf(upd) != elemOf(data))
    return ctx.error() << "indices " << idx.getType() << " and updates "
                       << upd.getType() << " do not fit data "
                       << data.getType();
  auto combine = reduction(ctx, ctx.isUnsigned(data));
  if (failed(combine))
    return failure();
  bool idxUns = ctx.isUnsigned(idx);
  results.push_back(scatter(
      ctx, data, upd,
      [&](OpBuilder &nb, Location l, ArrayRef<Value> loops) {
        ArrayRef<Value> prefix = loops.take_front(q - 1);
        SmallVector<Value> t =
            tupleCoords(nb, l, idx, prefix, ds.take_front(k), idxUns);
        t.append(loops.begin() + q - 1, loops.end());
        return t;
      },
      *combine));
  return success();
}

} // namespace

void lpc::frontend::registerIndexOps(OpTable &t) {
  t["ArgMax"] = argMaxOp;
  t["ArgMin"] = argMinOp;
  t["Trilu"] = triluOp;
  t["CumSum"] = cumSumOp;
  t["TopK"] = topKOp;
  t["OneHot"] = oneHotOp;
  t["EyeLike"] = eyeLikeOp;
  t["GatherElements"] = gatherElementsOp;
  t["GatherND"] = gatherNDOp;
  t["ScatterElements"] = scatterElementsOp;
  // Scatter (opsets 9-10) is ScatterElements without reduction.
  t["Scatter"] = scatterElementsOp;
  t["ScatterND"] = scatterNDOp;
}
