//===- ShapeOps.cpp - ONNX shape and data-movement operators --------------===//
//
// Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Concat, Split, Slice,
// Gather, Expand, Tile, Shape, Size, Constant, ConstantOfShape, Range.
// Shapes are static: Shape and Size are constants, and the constant
// evaluator (ConstantEvaluator.cpp) folds what is computed from them.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "mlir/IR/AffineMap.h"

using namespace mlir;
using namespace lpc::frontend;

namespace {

using Results = SmallVectorImpl<Value>;

/// Reads an int list from input `i` (opset >= `inputSince`) or attribute
/// `name`; nullopt (after an error) when the input is not constant.
std::optional<SmallVector<int64_t>>
intsFrom(NodeContext &ctx, size_t i, StringRef name, int64_t inputSince) {
  if (ctx.opset < inputSince)
    return ctx.getInts(name);
  if (!ctx.hasInput(i))
    return SmallVector<int64_t>();
  auto v = ctx.constInts(ctx.input(i));
  if (!v)
    ctx.error() << name << " must be a constant (lpc compiles static shapes)";
  return v;
}

LogicalResult reshapeOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.require(0, "data")) || failed(ctx.require(1, "shape")))
    return failure();
  Value x = ctx.input(0);
  ArrayRef<int64_t> xs = shapeOf(x);
  auto target = ctx.constInts(ctx.input(1));
  if (!target)
    return ctx.error()
           << "shape must be a constant (lpc compiles static shapes)";
  bool allowZero = ctx.getInt("allowzero", 0);
  SmallVector<int64_t> shape;
  int64_t inferred = -1, known = 1;
  for (auto [i, d] : llvm::enumerate(*target)) {
    if (d == 0 && !allowZero) {
      if (i >= xs.size())
        return ctx.error() << "shape entry " << i << " is 0 but data has rank "
                           << xs.size();
      d = xs[i];
    }
    if (d == -1) {
      if (inferred >= 0)
        return ctx.error() << "shape has more than one -1";
      inferred = i;
      shape.push_back(1);
      continue;
    }
    if (d < 0)
      return ctx.error() << "shape entry " << d << " is invalid";
    shape.push_back(d);
    known *= d;
  }
  int64_t n = numElements(xs);
  if (inferred >= 0) {
    if (known == 0 || n % known)
      return ctx.error() << "shape mismatch: cannot reshape " << x.getType()
                         << " to the requested shape";
    shape[inferred] = n / known;
  }
  if (numElements(shape) != n)
    return ctx.error() << "shape mismatch: cannot reshape " << x.getType()
                       << " (" << n << " elements) to " << numElements(shape)
                       << " elements";
  results.push_back(reshape(ctx.b, ctx.loc, x, shape));
  return success();
}

LogicalResult flattenOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.require(0, "input")))
    return failure();
  Value x = ctx.input(0);
  ArrayRef<int64_t> xs = shapeOf(x);
  int64_t rank = xs.size();
  int64_t axis = ctx.getInt("axis", 1);
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis > rank)
    return ctx.error() << "axis is out of range for rank " << rank;
  int64_t a = numElements(xs.take_front(axis)),
          c = numElements(xs.drop_front(axis));
  results.push_back(reshape(ctx.b, ctx.loc, x, {a, c}));
  return success();
}

LogicalResult squeezeOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.require(0, "data")))
    return failure();
  Value x = ctx.input(0);
  ArrayRef<int64_t> xs = shapeOf(x);
  auto axes = intsFrom(ctx, 1, "axes", 13);
  if (!axes)
    return failure();
  SmallVector<bool> drop(xs.size(), false);
  if (axes->empty()) {
    for (size_t i = 0; i < xs.size(); ++i)
      drop[i] = xs[i] == 1;
  }
  for (int64_t a : *axes) {
    auto n = normalizeAxis(a, xs.size());
    if (!n)
      return ctx.error() << "axis " << a << " is out of range for rank "
                         << xs.size();
    if (xs[*n] != 1)
      return ctx.error() << "cannot squeeze dimension " << *n << " of size "
                         << xs[*n];
    drop[*n] = true;
  }
  SmallVector<int64_t> shape;
  for (size_t i = 0; i < xs.size(); ++i)
    if (!drop[i])
      shape.push_back(xs[i]);
  results.push_back(reshape(ctx.b, ctx.loc, x, shape));
  return success();
}

LogicalResult unsqueezeOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.require(0, "data")))
    return failure();
  Value x = ctx.input(0);
  ArrayRef<int64_t> xs = shapeOf(x);
  auto axes = intsFrom(ctx, 1, "axes", 13);
  if (!axes)
    return failure();
  int64_t rank = xs.size() + axes->size();
  SmallVector<bool> isNew(rank, false);
  for (int64_t a : *axes) {
    auto n = normalizeAxis(a, rank);
    if (!n || isNew[*n])
      return ctx.error() << "axis " << a << " is out of range or repeated";
    isNew[*n] = true;
  }
  SmallVector<int64_t> shape;
  size_t j = 0;
  for (int64_t i = 0; i < rank; ++i)
    shape.push_back(isNew[i] ? 1 : xs[j++]);
  results.push_back(reshape(ctx.b, ctx.loc, x, shape));
  return success();
}

LogicalResult transposeOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.require(0, "data")))
    return failure();
  Value x = ctx.input(0);
  int64_t rank = shapeOf(x).size();
  std::optional<SmallVector<int64_t>> perm = transposePerm(ctx, rank);
  if (!perm)
    return ctx.error() << "perm is not a permutation of " << rank
                       << " dimensions";
  results.push_back(transpose(ctx.b, ctx.loc, x, *perm));
  return success();
}

/// Concatenates static tensors along `axis` with insert_slice.
Value concat(OpBuilder &b, Location loc, ArrayRef<Value> ins, int64_t axis) {
  SmallVector<int64_t> shape(shapeOf(ins[0]));
  shape[axis] = 0;
  for (Value v : ins)
    shape[axis] += shapeOf(v)[axis];
  Value out = emptyTensor(b, loc, shape, elemOf(ins[0]));
  int64_t off = 0;
  for (Value v : ins) {
    SmallVector<int64_t> offsets(shape.size(), 0), strides(shape.size(), 1);
    offsets[axis] = off;
    off += shapeOf(v)[axis];
    if (shapeOf(v)[axis] == 0)
      continue;
    out = tensor::InsertSliceOp::create(b, loc, v, out, ValueRange{},
                                        ValueRange{}, ValueRange{}, offsets,
                                        shapeOf(v), strides);
  }
  return out;
}

LogicalResult concatOp(NodeContext &ctx, Results &results) {
  SmallVector<Value> ins;
  for (size_t i = 0; i < ctx.numInputs(); ++i) {
    if (failed(ctx.require(i, "input")))
      return failure();
    ins.push_back(ctx.input(i));
  }
  if (ins.empty())
    return ctx.error() << "needs at least one input";
  int64_t rank = shapeOf(ins[0]).size();
  auto axis = normalizeAxis(ctx.getInt("axis", 0), rank);
  if (!axis)
    return ctx.error() << "axis is out of range for rank " << rank;
  for (Value v : ins) {
    if (elemOf(v) != elemOf(ins[0]) || (int64_t)shapeOf(v).size() != rank)
      return ctx.error() << "shape mismatch: inputs " << ins[0].getType()
                         << " and " << v.getType() << " cannot be concatenated";
    for (int64_t d = 0; d < rank; ++d)
      if (d != *axis && shapeOf(v)[d] != shapeOf(ins[0])[d])
        return ctx.error() << "shape mismatch: inputs " << ins[0].getType()
                           << " and " << v.getType() << " differ outside axis "
                           << *axis;
  }
  results.push_back(concat(ctx.b, ctx.loc, ins, *axis));
  return success();
}

LogicalResult splitOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.require(0, "input")))
    return failure();
  Value x = ctx.input(0);
  ArrayRef<int64_t> xs = shapeOf(x);
  auto axis = normalizeAxis(ctx.getInt("axis", 0), xs.size());
  if (!axis)
    return ctx.error() << "axis is out of range for rank " << xs.size();
  auto sizes = intsFrom(ctx, 1, "split", 13);
  if (!sizes)
    return failure();
  int64_t n = ctx.numOutputs();
  int64_t dim = xs[*axis];
  if (sizes->empty()) {
    int64_t parts =
        ctx.hasAttr("num_outputs") ? ctx.getInt("num_outputs", n) : n;
    int64_t chunk = (dim + parts - 1) / parts;
    for (int64_t i = 0; i < parts; ++i)
      sizes->push_back(std::min(chunk, dim - i * chunk));
  }
  int64_t total = 0;
  for (int64_t s : *sizes)
    total += s;
  if (total != dim || (int64_t)sizes->size() != n)
    return ctx.error() << "split sizes do not add up to dimension " << *axis
                       << " (" << dim << ") over " << n << " outputs";
  int64_t off = 0;
  for (int64_t s : *sizes) {
    SmallVector<int64_t> offsets(xs.size(), 0), shape(xs),
        strides(xs.size(), 1);
    offsets[*axis] = off;
    shape[*axis] = s;
    off += s;
    results.push_back(slice(ctx.b, ctx.loc, x, offsets, shape, strides));
  }
  return success();
}

LogicalResult sliceOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.require(0, "data")))
    return failure();
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  Value x = ctx.input(0);
  ArrayRef<int64_t> xs = shapeOf(x);
  int64_t rank = xs.size();
  auto starts = intsFrom(ctx, 1, "starts", 10);
  auto ends = intsFrom(ctx, 2, "ends", 10);
  auto axes = intsFrom(ctx, 3, "axes", 10);
  auto steps = intsFrom(ctx, 4, "steps", 10);
  if (!starts || !ends || !axes || !steps)
    return failure();
  SmallVector<int64_t> offsets, sizes, strides;
  std::string why =
      sliceBounds(xs, *starts, *ends, *axes, *steps, offsets, sizes, strides);
  if (!why.empty())
    return ctx.error() << why;
  if (llvm::all_of(strides, [](int64_t s) { return s > 0; })) {
    results.push_back(slice(b, loc, x, offsets, sizes, strides));
    return success();
  }
  // Negative steps: a generic reading in[offset + i * step].
  MLIRContext *mctx = b.getContext();
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0; i < rank; ++i)
    exprs.push_back(getAffineConstantExpr(offsets[i], mctx) +
                    getAffineDimExpr(i, mctx) * strides[i]);
  Value init = emptyTensor(b, loc, sizes, elemOf(x));
  if (numElements(sizes) == 0) {
    results.push_back(init);
    return success();
  }
  SmallVector<AffineMap> maps = {AffineMap::get(rank, 0, exprs, mctx),
                                 AffineMap::getMultiDimIdentityMap(rank, mctx)};
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  results.push_back(
      linalg::GenericOp::create(b, loc, TypeRange{init.getType()},
                                ValueRange{x}, ValueRange{init}, maps, iters,
                                [](OpBuilder &nb, Location l, ValueRange a) {
                                  linalg::YieldOp::create(nb, l, a[0]);
                                })
          .getResult(0));
  return success();
}

LogicalResult gatherOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.require(0, "data")) || failed(ctx.require(1, "indices")))
    return failure();
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  Value data = ctx.input(0), idx = ctx.input(1);
  ArrayRef<int64_t> ds = shapeOf(data), is = shapeOf(idx);
  if (ds.empty())
    return ctx.error() << "data must have rank >= 1";
  if (!isa<IntegerType>(elemOf(idx)))
    return ctx.error() << "indices must be integers, got " << idx.getType();
  auto axis = normalizeAxis(ctx.getInt("axis", 0), ds.size());
  if (!axis)
    return ctx.error() << "axis is out of range for rank " << ds.size();
  SmallVector<int64_t> outShape(ds.begin(), ds.begin() + *axis);
  outShape.append(is.begin(), is.end());
  outShape.append(ds.begin() + *axis + 1, ds.end());
  int64_t dim = ds[*axis];
  // Out-of-range indices are undefined; constant ones are an error.
  if (auto iv = ctx.constInts(idx, false))
    for (int64_t i : *iv)
      if (i < -dim || i >= dim)
        return ctx.error() << "index " << i << " is out of range for size "
                           << dim;
  MLIRContext *mctx = b.getContext();
  int64_t rank = outShape.size();
  int64_t ir = is.size();
  SmallVector<AffineExpr> idxExprs;
  for (int64_t i = 0; i < ir; ++i)
    idxExprs.push_back(getAffineDimExpr(*axis + i, mctx));
  SmallVector<AffineMap> maps = {AffineMap::get(rank, 0, idxExprs, mctx),
                                 AffineMap::getMultiDimIdentityMap(rank, mctx)};
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  Value init = emptyTensor(b, loc, outShape, elemOf(data));
  bool idxUns = ctx.isUnsigned(idx);
  results.push_back(
      linalg::GenericOp::create(
          b, loc, TypeRange{init.getType()}, ValueRange{idx}, ValueRange{init},
          maps, iters,
          [&](OpBuilder &nb, Location l, ValueRange a) {
            Value i = indexInRange(nb, l, a[0], dim, idxUns);
            SmallVector<Value> coords;
            for (int64_t k = 0; k < *axis; ++k)
              coords.push_back(linalg::IndexOp::create(nb, l, k));
            coords.push_back(i);
            for (int64_t k = *axis + 1; k < (int64_t)ds.size(); ++k)
              coords.push_back(linalg::IndexOp::create(nb, l, k - 1 + ir));
            linalg::YieldOp::create(
                nb, l,
                tensor::ExtractOp::create(nb, l, data, coords).getResult());
          })
          .getResult(0));
  return success();
}

LogicalResult expandOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.require(0, "input")) || failed(ctx.require(1, "shape")))
    return failure();
  Value x = ctx.input(0);
  auto shape = ctx.constInts(ctx.input(1));
  if (!shape)
    return ctx.error()
           << "shape must be a constant (lpc compiles static shapes)";
  auto out = broadcastShapes({shapeOf(x), *shape});
  if (!out)
    return ctx.error() << "shape mismatch: " << x.getType()
                       << " does not broadcast to the requested shape";
  results.push_back(
      elementwise(ctx.b, ctx.loc, {x}, *out, elemOf(x),
                  [](OpBuilder &, Location, ValueRange a) { return a[0]; }));
  return success();
}

LogicalResult tileOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.require(0, "input")) || failed(ctx.require(1, "repeats")))
    return failure();
  OpBuilder &b = ctx.b;
  Value x = ctx.input(0);
  ArrayRef<int64_t> xs = shapeOf(x);
  auto reps = ctx.constInts(ctx.input(1));
  if (!reps || reps->size() != xs.size())
    return ctx.error()
           << "repeats must be a constant with one entry per dimension";
  MLIRContext *mctx = b.getContext();
  SmallVector<int64_t> outShape;
  SmallVector<AffineExpr> exprs;
  for (size_t i = 0; i < xs.size(); ++i) {
    outShape.push_back(xs[i] * (*reps)[i]);
    exprs.push_back(getAffineDimExpr(i, mctx) % xs[i]);
  }
  Value init = emptyTensor(b, ctx.loc, outShape, elemOf(x));
  if (numElements(outShape) == 0) {
    results.push_back(init);
    return success();
  }
  SmallVector<AffineMap> maps = {
      AffineMap::get(xs.size(), 0, exprs, mctx),
      AffineMap::getMultiDimIdentityMap(xs.size(), mctx)};
  SmallVector<utils::IteratorType> iters(xs.size(),
                                         utils::IteratorType::parallel);
  results.push_back(
      linalg::GenericOp::create(b, ctx.loc, TypeRange{init.getType()},
                                ValueRange{x}, ValueRange{init}, maps, iters,
                                [](OpBuilder &nb, Location l, ValueRange a) {
                                  linalg::YieldOp::create(nb, l, a[0]);
                                })
          .getResult(0));
  return success();
}

LogicalResult shapeOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.require(0, "data")))
    return failure();
  ArrayRef<int64_t> xs = shapeOf(ctx.input(0));
  int64_t rank = xs.size();
  int64_t start = ctx.getInt("start", 0), end = ctx.getInt("end", rank);
  if (start < 0)
    start += rank;
  if (end < 0)
    end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, 0, rank);
  SmallVector<int64_t> dims;
  for (int64_t i = start; i < end; ++i)
    dims.push_back(xs[i]);
  results.push_back(ctx.constI64(dims));
  return success();
}

LogicalResult sizeOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.require(0, "data")))
    return failure();
  results.push_back(ctx.constI64({numElements(shapeOf(ctx.input(0)))}, {}));
  return success();
}

LogicalResult constantOp(NodeContext &ctx, Results &results) {
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  DenseElementsAttr attr;
  if (const onnx::AttributeProto *a = ctx.attr("value")) {
    attr = ctx.reader().read(a->t(), loc);
    if (!attr)
      return failure();
    if (isUnsignedDType(a->t().data_type())) {
      Value v = arith::ConstantOp::create(b, loc, attr);
      ctx.markUnsigned(v);
      results.push_back(v);
      return success();
    }
  } else if (const onnx::AttributeProto *a = ctx.attr("value_float")) {
    attr = DenseElementsAttr::get(RankedTensorType::get({}, b.getF32Type()),
                                  a->f());
  } else if (const onnx::AttributeProto *a = ctx.attr("value_floats")) {
    SmallVector<float> v(a->floats().begin(), a->floats().end());
    attr = DenseElementsAttr::get(
        RankedTensorType::get({(int64_t)v.size()}, b.getF32Type()),
        ArrayRef(v));
  } else if (const onnx::AttributeProto *a = ctx.attr("value_int")) {
    attr = DenseElementsAttr::get(RankedTensorType::get({}, b.getI64Type()),
                                  (int64_t)a->i());
  } else if (const onnx::AttributeProto *a = ctx.attr("value_ints")) {
    SmallVector<int64_t> v(a->ints().begin(), a->ints().end());
    attr = DenseElementsAttr::get(
        RankedTensorType::get({(int64_t)v.size()}, b.getI64Type()),
        ArrayRef(v));
  } else {
    return ctx.error()
           << "only tensor, float(s) and int(s) values are supported";
  }
  results.push_back(arith::ConstantOp::create(b, loc, attr));
  return success();
}

LogicalResult constantOfShapeOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.require(0, "input")))
    return failure();
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  auto shape = ctx.constInts(ctx.input(0));
  if (!shape)
    return ctx.error()
           << "shape must be a constant (lpc compiles static shapes)";
  DenseElementsAttr value;
  bool uns = false;
  if (const onnx::AttributeProto *a = ctx.attr("value")) {
    value = ctx.reader().read(a->t(), loc);
    if (!value)
      return failure();
    if (value.getNumElements() != 1)
      return ctx.error() << "value must hold exactly one element";
    uns = isUnsignedDType(a->t().data_type());
  } else {
    value = DenseElementsAttr::get(RankedTensorType::get({1}, b.getF32Type()),
                                   0.0f);
  }
  auto type = RankedTensorType::get(*shape, value.getElementType());
  Value out = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(type, value.getValues<Attribute>()[0]));
  if (uns)
    ctx.markUnsigned(out);
  results.push_back(out);
  return success();
}

/// Range's output shape is its operands' values: they must be known, and the
/// constant evaluator computes it.
LogicalResult rangeOp(NodeContext &ctx, Results &results) {
  for (size_t i = 0; i < 3; ++i)
    if (failed(ctx.require(i, "start/limit/delta")))
      return failure();
  auto known = evaluateNode(ctx, /*allowInputs=*/true);
  if (!known)
    return ctx.error() << "start, limit and delta must be constants (scalars "
                          "of one type, delta not 0, at most "
                       << kMaxFoldElements << " elements)";
  Value out = arith::ConstantOp::create(ctx.b, ctx.loc, (*known)[0].attr);
  ctx.setUnsigned(out, (*known)[0].isUnsigned);
  results.push_back(out);
  return success();
}

LogicalResult padOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.require(0, "data")))
    return failure();
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  Value x = ctx.input(0);
  ArrayRef<int64_t> xs = shapeOf(x);
  int64_t rank = xs.size();
  Type elem = elemOf(x);
  std::string mode = ctx.getString("mode", "constant");
  auto pads = intsFrom(ctx, 1, "pads", 11);
  if (!pads)
    return failure();
  SmallVector<int64_t> axes;
  if (ctx.opset >= 18 && ctx.hasInput(3)) {
    auto a = ctx.constInts(ctx.input(3));
    if (!a)
      return ctx.error()
             << "axes must be a constant (lpc compiles static shapes)";
    for (int64_t v : *a) {
      auto n = normalizeAxis(v, rank);
      if (!n)
        return ctx.error() << "axis " << v << " is out of range";
      axes.push_back(*n);
    }
  } else {
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
  }
  if (pads->size() != 2 * axes.size())
    return ctx.error() << "pads has " << pads->size() << " entries for "
                       << axes.size() << " axes";
  SmallVector<int64_t> lo(rank, 0), hi(rank, 0);
  for (size_t i = 0; i < axes.size(); ++i) {
    lo[axes[i]] = (*pads)[i];
    hi[axes[i]] = (*pads)[axes.size() + i];
  }
  // Negative pads crop.
  SmallVector<int64_t> off(rank, 0), size(xs), step(rank, 1);
  bool crop = false;
  for (int64_t i = 0; i < rank; ++i) {
    if (lo[i] < 0) {
      off[i] = -lo[i];
      size[i] += lo[i];
      lo[i] = 0;
      crop = true;
    }
    if (hi[i] < 0) {
      size[i] += hi[i];
      hi[i] = 0;
      crop = true;
    }
    if (size[i] < 0)
      return ctx.error() << "negative pads remove more than dimension " << i;
  }
  if (crop)
    x = slice(b, loc, x, off, size, step);
  xs = shapeOf(x);
  if (mode == "constant") {
    Value value;
    if (ctx.opset < 11) {
      value = scalarConst(b, loc, elem, ctx.getFloat("value", 0.0f));
    } else if (ctx.hasInput(2) && numElements(shapeOf(ctx.input(2))) == 1) {
      Value v = reshape(b, loc, ctx.input(2), {});
      value = tensor::ExtractOp::create(b, loc, v, ValueRange{});
    } else {
      value = scalarConst(b, loc, elem, 0);
    }
    results.push_back(pad(b, loc, x, lo, hi, value));
    return success();
  }
  if (mode != "edge" && mode != "reflect" && mode != "wrap")
    return ctx.error() << "unknown mode '" << mode << "'";
  SmallVector<int64_t> outShape;
  for (int64_t i = 0; i < rank; ++i) {
    outShape.push_back(xs[i] + lo[i] + hi[i]);
    if (xs[i] == 0 && outShape[i] > 0)
      return ctx.error() << "cannot " << mode << "-pad an empty dimension";
    if (mode == "reflect" && (lo[i] >= xs[i] || hi[i] >= xs[i]) && xs[i] > 0)
      return ctx.error() << "reflect pads must be smaller than the dimension";
  }
  // out[i] reads in[f(i - lo)] with f clamping (edge), mirroring (reflect) or
  // wrapping (wrap) the index into [0, n).
  Value init = emptyTensor(b, loc, outShape, elem);
  MLIRContext *mctx = b.getContext();
  SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(rank, mctx)};
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  results.push_back(
      linalg::GenericOp::create(
          b, loc, TypeRange{init.getType()}, ValueRange{}, ValueRange{init},
          maps, iters,
          [&](OpBuilder &nb, Location l, ValueRange) {
            SmallVector<Value> coords;
            for (int64_t d = 0; d < rank; ++d) {
              Value i = linalg::IndexOp::create(nb, l, d);
              Value n = arith::ConstantIndexOp::create(nb, l, xs[d]);
              Value zero = arith::ConstantIndexOp::create(nb, l, 0);
              Value one = arith::ConstantIndexOp::create(nb, l, 1);
              i = arith::SubIOp::create(
                  nb, l, i, arith::ConstantIndexOp::create(nb, l, lo[d]));
              if (mode == "edge") {
                i = arith::MaxSIOp::create(nb, l, i, zero);
                i = arith::MinSIOp::create(
                    nb, l, i, arith::SubIOp::create(nb, l, n, one));
              } else if (mode == "wrap") {
                i = arith::RemSIOp::create(
                    nb, l,
                    arith::AddIOp::create(
                        nb, l, arith::RemSIOp::create(nb, l, i, n), n),
                    n);
              } else {
                // reflect: -i below 0, 2(n-1) - i above n-1.
                Value neg = arith::CmpIOp::create(
                    nb, l, arith::CmpIPredicate::slt, i, zero);
                i = arith::SelectOp::create(
                    nb, l, neg, arith::SubIOp::create(nb, l, zero, i), i);
                Value last = arith::SubIOp::create(nb, l, n, one);
                Value over = arith::CmpIOp::create(
                    nb, l, arith::CmpIPredicate::sgt, i, last);
                Value mirrored = arith::SubIOp::create(
                    nb, l, arith::AddIOp::create(nb, l, last, last), i);
                i = arith::SelectOp::create(nb, l, over, mirrored, i);
              }
              coords.push_back(i);
            }
            linalg::YieldOp::create(
                nb, l, tensor::ExtractOp::create(nb, l, x, coords).getResult());
          })
          .getResult(0));
  return success();
}

} // namespace

void lpc::frontend::registerShapeOps(OpTable &t) {
  t["Pad"] = padOp;
  t["Reshape"] = reshapeOp;
  t["Flatten"] = flattenOp;
  t["Squeeze"] = squeezeOp;
  t["Unsqueeze"] = unsqueezeOp;
  t["Transpose"] = transposeOp;
  t["Concat"] = concatOp;
  t["Split"] = splitOp;
  t["Slice"] = sliceOp;
  t["Gather"] = gatherOp;
  t["Expand"] = expandOp;
  t["Tile"] = tileOp;
  t["Shape"] = shapeOp;
  t["Size"] = sizeOp;
  t["Constant"] = constantOp;
  t["ConstantOfShape"] = constantOfShapeOp;
  t["Range"] = rangeOp;
}

std::optional<SmallVector<int64_t>>
lpc::frontend::transposePerm(NodeContext &ctx, int64_t rank) {
  SmallVector<int64_t> perm = ctx.getInts("perm");
  if (perm.empty())
    for (int64_t i = rank - 1; i >= 0; --i)
      perm.push_back(i);
  SmallVector<int64_t> sorted(perm);
  llvm::sort(sorted);
  if ((int64_t)sorted.size() != rank)
    return std::nullopt;
  for (int64_t i = 0; i < rank; ++i)
    if (sorted[i] != i)
      return std::nullopt;
  return perm;
}
