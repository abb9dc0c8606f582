//===- NNOps.cpp - ONNX convolution, pooling and matrix products ----------===//
//
// Conv, ConvTranspose, MaxPool, AveragePool, GlobalAverage/MaxPool, Gemm and
// MatMul. Convolutions and pools of any spatial rank and group count are one
// linalg.generic each over a zero- (or -inf-) padded input (tensor.pad), so
// there is one code path per op; `linalg-specialize-generic-ops` can recover
// named ops where a later pass wants them.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "mlir/IR/AffineMap.h"

#include <cmath>

using namespace mlir;
using namespace lpc::frontend;

namespace {

using Results = SmallVectorImpl<Value>;

/// The body of a multiply-accumulate linalg.generic over (lhs, rhs, acc):
/// yields acc + lhs * rhs, float or integer.
void yieldMultiplyAdd(OpBuilder &b, Location loc, ValueRange a) {
  Value r;
  if (isa<FloatType>(a[2].getType()))
    r = arith::AddFOp::create(b, loc, a[2],
                              arith::MulFOp::create(b, loc, a[0], a[1]));
  else
    r = arith::AddIOp::create(b, loc, a[2],
                              arith::MulIOp::create(b, loc, a[0], a[1]));
  linalg::YieldOp::create(b, loc, r);
}

/// Splits dimension `dim` of `v` into `parts` (tensor.expand_shape).
Value splitDim(OpBuilder &b, Location loc, Value v, int64_t dim,
               ArrayRef<int64_t> parts) {
  ArrayRef<int64_t> shape = shapeOf(v);
  SmallVector<int64_t> out;
  SmallVector<ReassociationIndices> reassoc;
  for (int64_t i = 0; i < (int64_t)shape.size(); ++i) {
    if (i == dim) {
      ReassociationIndices group;
      for (int64_t p : parts) {
        group.push_back(out.size());
        out.push_back(p);
      }
      reassoc.push_back(group);
    } else {
      reassoc.push_back({(int64_t)out.size()});
      out.push_back(shape[i]);
    }
  }
  return tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(out, elemOf(v)), v, reassoc);
}

/// Merges dimensions `dim` and `dim + 1` of `v`.
Value mergeDims(OpBuilder &b, Location loc, Value v, int64_t dim) {
  ArrayRef<int64_t> shape = shapeOf(v);
  SmallVector<int64_t> out;
  SmallVector<ReassociationIndices> reassoc;
  for (int64_t i = 0; i < (int64_t)shape.size(); ++i) {
    if (i == dim) {
      reassoc.push_back({i, i + 1});
      out.push_back(shape[i] * shape[i + 1]);
      ++i;
    } else {
      reassoc.push_back({i});
      out.push_back(shape[i]);
    }
  }
  return tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get(out, elemOf(v)), v, reassoc);
}

/// Spatial geometry of a conv or pool.
struct Window {
  SmallVector<int64_t> kernel, strides, dilations, padBegin, padEnd, out;
};

/// Reads kernel/strides/dilations/pads/auto_pad for `k` spatial dims of
/// `inShape` (spatial part). `ceilMode` rounds the output size up.
LogicalResult readWindow(NodeContext &ctx, ArrayRef<int64_t> inSpatial,
                         ArrayRef<int64_t> kernel, bool ceilMode, Window &w) {
  size_t k = inSpatial.size();
  w.kernel.assign(kernel.begin(), kernel.end());
  w.strides = ctx.getInts("strides");
  w.dilations = ctx.getInts("dilations");
  SmallVector<int64_t> pads = ctx.getInts("pads");
  if (w.strides.empty())
    w.strides.assign(k, 1);
  if (w.dilations.empty())
    w.dilations.assign(k, 1);
  if (pads.empty())
    pads.assign(2 * k, 0);
  if (w.kernel.size() != k || w.strides.size() != k ||
      w.dilations.size() != k || pads.size() != 2 * k)
    return ctx.error() << "kernel_shape, strides, dilations and pads must "
                          "match the "
                       << k << " spatial dimensions";
  for (size_t i = 0; i < k; ++i)
    if (w.strides[i] < 1 || w.dilations[i] < 1 || w.kernel[i] < 1 ||
        pads[i] < 0 || pads[k + i] < 0)
      return ctx.error() << "kernel sizes, strides and dilations must be "
                            "positive and pads non-negative";
  std::string autoPad = ctx.getString("auto_pad", "NOTSET");
  w.padBegin.assign(pads.begin(), pads.begin() + k);
  w.padEnd.assign(pads.begin() + k, pads.end());
  for (size_t i = 0; i < k; ++i) {
    int64_t extent = (w.kernel[i] - 1) * w.dilations[i] + 1;
    if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      int64_t out = (inSpatial[i] + w.strides[i] - 1) / w.strides[i];
      int64_t total = std::max<int64_t>(0, (out - 1) * w.strides[i] + extent -
                                               inSpatial[i]);
      int64_t small = total / 2;
      w.padBegin[i] = autoPad == "SAME_UPPER" ? small : total - small;
      w.padEnd[i] = total - w.padBegin[i];
    } else if (autoPad == "VALID") {
      w.padBegin[i] = w.padEnd[i] = 0;
    } else if (autoPad != "NOTSET") {
      return ctx.error() << "unknown auto_pad '" << autoPad << "'";
    }
    int64_t span = inSpatial[i] + w.padBegin[i] + w.padEnd[i] - extent;
    if (span < 0)
      return ctx.error() << "the window (extent " << extent
                         << ") is larger than the padded input ("
                         << inSpatial[i] + w.padBegin[i] + w.padEnd[i] << ")";
    int64_t out = ceilMode ? (span + w.strides[i] - 1) / w.strides[i] + 1
                           : span / w.strides[i] + 1;
    // A window may not start in the end padding only.
    if (ceilMode && (out - 1) * w.strides[i] >= inSpatial[i] + w.padBegin[i])
      --out;
    w.out.push_back(out);
  }
  return success();
}

/// Conv and ConvTranspose: float X and W of the same rank >= 3.
LogicalResult requireConvOperands(NodeContext &ctx) {
  if (failed(ctx.requireFloat(0, "X")) || failed(ctx.requireFloat(1, "W")))
    return failure();
  Value x = ctx.input(0), wt = ctx.input(1);
  ArrayRef<int64_t> xs = shapeOf(x), ws = shapeOf(wt);
  if (xs.size() < 3 || ws.size() != xs.size())
    return ctx.error() << "X and W must have the same rank >= 3, got "
                       << x.getType() << " and " << wt.getType();
  return success();
}

/// Adds the optional per-channel bias input B (shape [m]) to `y`, of shape
/// N x m x (k spatial dims).
FailureOr<Value> addChannelBias(NodeContext &ctx, Value y, int64_t m, int64_t k,
                                Type elem) {
  Value bias = ctx.input(2);
  if (shapeOf(bias) != ArrayRef<int64_t>{m}) {
    ctx.error() << "bias B must have shape [" << m << "], got "
                << bias.getType();
    return failure();
  }
  SmallVector<int64_t> bshape(k + 1, 1);
  bshape[0] = m;
  Value bb = reshape(ctx.b, ctx.loc, bias, bshape);
  return elementwise(ctx.b, ctx.loc, {y, bb}, shapeOf(y), elem,
                     [](OpBuilder &nb, Location l, ValueRange a) -> Value {
                       return arith::AddFOp::create(nb, l, a[0], a[1]);
                     });
}

} // namespace

FailureOr<Value> lpc::frontend::convolution(NodeContext &ctx, Value x,
                                            Value wt) {
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  MLIRContext *mctx = b.getContext();
  ArrayRef<int64_t> xs = shapeOf(x), ws = shapeOf(wt);
  if (xs.size() < 3 || ws.size() != xs.size()) {
    ctx.error() << "X and W must have the same rank >= 3, got " << x.getType()
                << " and " << wt.getType();
    return failure();
  }
  int64_t k = xs.size() - 2;
  int64_t n = xs[0], c = xs[1], m = ws[0];
  int64_t g = ctx.getInt("group", 1);
  if (g < 1 || c % g || m % g || ws[1] != c / g) {
    ctx.error() << "channel mismatch: X has " << c << " channels, W is "
                << wt.getType() << ", group " << g;
    return failure();
  }
  SmallVector<int64_t> kernel(ws.begin() + 2, ws.end());
  if (ctx.hasAttr("kernel_shape") && ctx.getInts("kernel_shape") != kernel) {
    ctx.error() << "kernel_shape does not match W";
    return failure();
  }
  Window w;
  if (failed(readWindow(ctx, xs.drop_front(2), kernel, false, w)))
    return failure();
  Type elem = elemOf(x);
  Value zero = scalarConst(b, loc, elem, 0);
  SmallVector<int64_t> lo(2, 0), hi(2, 0);
  lo.append(w.padBegin);
  hi.append(w.padEnd);
  Value xp = pad(b, loc, x, lo, hi, zero);
  int64_t cg = c / g, mg = m / g;
  Value xg = splitDim(b, loc, xp, 1, {g, cg}); // N G Cg P...
  Value wg = splitDim(b, loc, wt, 0, {g, mg}); // G Mg Cg K...
  SmallVector<int64_t> outShape = {n, g, mg};
  outShape.append(w.out);
  Value acc = filled(b, loc, outShape, zero);
  if (k == 2) {
    // Linalg's named grouped convolution where it has one (same loops, same
    // reduction order as the generic below, which other ranks get).
    auto pair = [&](ArrayRef<int64_t> v) {
      return DenseIntElementsAttr::get(
          RankedTensorType::get({2}, b.getI64Type()), v);
    };
    Value y = linalg::Conv2DNgchwGfchwOp::create(
                  b, loc, TypeRange{acc.getType()}, ValueRange{xg, wg},
                  ValueRange{acc}, pair(w.strides), pair(w.dilations))
                  .getResult(0);
    return mergeDims(b, loc, y, 1); // N M O...
  }
  // Loops: n g mg o... cg kk...
  int64_t nl = 3 + k + 1 + k;
  auto d = [&](int64_t i) { return getAffineDimExpr(i, mctx); };
  SmallVector<AffineExpr> xe = {d(0), d(1), d(3 + k)},
                          we = {d(1), d(2), d(3 + k)}, oe = {d(0), d(1), d(2)};
  for (int64_t i = 0; i < k; ++i) {
    xe.push_back(d(3 + i) * w.strides[i] + d(4 + k + i) * w.dilations[i]);
    we.push_back(d(4 + k + i));
    oe.push_back(d(3 + i));
  }
  SmallVector<AffineMap> maps = {AffineMap::get(nl, 0, xe, mctx),
                                 AffineMap::get(nl, 0, we, mctx),
                                 AffineMap::get(nl, 0, oe, mctx)};
  SmallVector<utils::IteratorType> iters(3 + k, utils::IteratorType::parallel);
  iters.append(1 + k, utils::IteratorType::reduction);
  Value y = linalg::GenericOp::create(b, loc, TypeRange{acc.getType()},
                                      ValueRange{xg, wg}, ValueRange{acc}, maps,
                                      iters, yieldMultiplyAdd)
                .getResult(0);
  return mergeDims(b, loc, y, 1); // N M O...
}

namespace {

LogicalResult convOp(NodeContext &ctx, Results &results) {
  if (failed(requireConvOperands(ctx)))
    return failure();
  Value x = ctx.input(0), wt = ctx.input(1);
  FailureOr<Value> y = convolution(ctx, x, wt);
  if (failed(y))
    return failure();
  if (ctx.hasInput(2)) {
    ArrayRef<int64_t> ys = shapeOf(*y);
    FailureOr<Value> biased =
        addChannelBias(ctx, *y, ys[1], ys.size() - 2, elemOf(x));
    if (failed(biased))
      return failure();
    y = *biased;
  }
  results.push_back(*y);
  return success();
}

LogicalResult convTransposeOp(NodeContext &ctx, Results &results) {
  if (failed(requireConvOperands(ctx)))
    return failure();
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  MLIRContext *mctx = b.getContext();
  Value x = ctx.input(0), wt = ctx.input(1);
  ArrayRef<int64_t> xs = shapeOf(x), ws = shapeOf(wt);
  int64_t k = xs.size() - 2;
  int64_t n = xs[0], c = xs[1];
  int64_t g = ctx.getInt("group", 1);
  if (g < 1 || ws[0] != c || c % g)
    return ctx.error() << "channel mismatch: X has " << c << " channels, W is "
                       << wt.getType() << ", group " << g;
  int64_t cg = c / g, mg = ws[1], m = mg * g;
  SmallVector<int64_t> kernel(ws.begin() + 2, ws.end());
  SmallVector<int64_t> strides = ctx.getInts("strides"),
                       dil = ctx.getInts("dilations"),
                       pads = ctx.getInts("pads"),
                       outPad = ctx.getInts("output_padding"),
                       outShapeAttr = ctx.getInts("output_shape");
  if (strides.empty())
    strides.assign(k, 1);
  if (dil.empty())
    dil.assign(k, 1);
  if (pads.empty())
    pads.assign(2 * k, 0);
  if (outPad.empty())
    outPad.assign(k, 0);
  if (strides.size() != (size_t)k || dil.size() != (size_t)k ||
      pads.size() != (size_t)2 * k || outPad.size() != (size_t)k)
    return ctx.error() << "kernel_shape, strides, dilations and pads must "
                          "match the "
                       << k << " spatial dimensions";
  std::string autoPad = ctx.getString("auto_pad", "NOTSET");
  if (outShapeAttr.size() == (size_t)k + 2)
    outShapeAttr.erase(outShapeAttr.begin(), outShapeAttr.begin() + 2);
  SmallVector<int64_t> pb(k), pe(k), outSpatial(k);
  for (int64_t i = 0; i < k; ++i) {
    int64_t extent = (kernel[i] - 1) * dil[i] + 1;
    int64_t full = strides[i] * (xs[2 + i] - 1) + outPad[i] + extent;
    if (!outShapeAttr.empty() || autoPad == "SAME_UPPER" ||
        autoPad == "SAME_LOWER") {
      int64_t target =
          !outShapeAttr.empty() ? outShapeAttr[i] : xs[2 + i] * strides[i];
      // total may be negative (output_shape larger than the natural size);
      // halve with floor division, as ONNX's reference does.
      int64_t total = full - target;
      int64_t half = total >= 0 ? total / 2 : -((-total + 1) / 2);
      if (autoPad == "SAME_UPPER") {
        pb[i] = half;
        pe[i] = total - pb[i];
      } else {
        pe[i] = half;
        pb[i] = total - pe[i];
      }
    } else if (autoPad == "VALID") {
      pb[i] = pe[i] = 0;
    } else {
      pb[i] = pads[i];
      pe[i] = pads[k + i];
    }
    outSpatial[i] = full - pb[i] - pe[i];
    if (outSpatial[i] < 1)
      return ctx.error() << "output size " << outSpatial[i]
                         << " is not positive";
  }
  Type elem = elemOf(x);
  Value zero = scalarConst(b, loc, elem, 0);
  // Dilate the input by the stride (insert stride-1 zeros between elements).
  SmallVector<int64_t> dilShape = {n, c};
  for (int64_t i = 0; i < k; ++i)
    dilShape.push_back((xs[2 + i] - 1) * strides[i] + 1);
  Value xd = x;
  if (llvm::any_of(strides, [](int64_t s) { return s != 1; })) {
    Value zeros = filled(b, loc, dilShape, zero);
    SmallVector<int64_t> off(k + 2, 0), st(k + 2, 1);
    for (int64_t i = 0; i < k; ++i)
      st[2 + i] = strides[i];
    xd = tensor::InsertSliceOp::create(b, loc, x, zeros, ValueRange{},
                                       ValueRange{}, ValueRange{}, off, xs, st);
  }
  // Pad by (extent - 1 - pad) each side (+ output_padding at the end); a
  // negative amount crops.
  SmallVector<int64_t> lo(2, 0), hi(2, 0), cropLo(k + 2, 0);
  for (int64_t i = 0; i < k; ++i) {
    int64_t e = (kernel[i] - 1) * dil[i];
    int64_t l = e - pb[i], h = e - pe[i] + outPad[i];
    lo.push_back(std::max<int64_t>(l, 0));
    hi.push_back(std::max<int64_t>(h, 0));
    cropLo[2 + i] = std::max<int64_t>(-l, 0);
  }
  Value xp = pad(b, loc, xd, lo, hi, zero);
  {
    SmallVector<int64_t> sizes(shapeOf(xp)), st(k + 2, 1);
    bool crop = false;
    for (int64_t i = 0; i < k; ++i) {
      int64_t e = (kernel[i] - 1) * dil[i];
      int64_t h = e - pe[i] + outPad[i];
      sizes[2 + i] -= cropLo[2 + i] + std::max<int64_t>(-h, 0);
      crop |= cropLo[2 + i] || h < 0;
    }
    if (crop)
      xp = slice(b, loc, xp, cropLo, sizes, st);
  }
  Value xg = splitDim(b, loc, xp, 1, {g, cg}); // N G Cg P...
  Value wg = splitDim(b, loc, wt, 0, {g, cg}); // G Cg Mg K...
  // Loops: n g mg o... cg kk...; the kernel is flipped.
  int64_t nl = 3 + k + 1 + k;
  auto d = [&](int64_t i) { return getAffineDimExpr(i, mctx); };
  SmallVector<AffineExpr> xe = {d(0), d(1), d(3 + k)},
                          we = {d(1), d(3 + k), d(2)}, oe = {d(0), d(1), d(2)};
  for (int64_t i = 0; i < k; ++i) {
    xe.push_back(d(3 + i) + d(4 + k + i) * dil[i]);
    we.push_back(getAffineConstantExpr(kernel[i] - 1, mctx) - d(4 + k + i));
    oe.push_back(d(3 + i));
  }
  SmallVector<AffineMap> maps = {AffineMap::get(nl, 0, xe, mctx),
                                 AffineMap::get(nl, 0, we, mctx),
                                 AffineMap::get(nl, 0, oe, mctx)};
  SmallVector<utils::IteratorType> iters(3 + k, utils::IteratorType::parallel);
  iters.append(1 + k, utils::IteratorType::reduction);
  SmallVector<int64_t> outShape = {n, g, mg};
  outShape.append(outSpatial);
  // The kernel loop bounds come from an explicit window operand because the
  // flipped weight map does not expose them.
  SmallVector<AffineExpr> ke;
  for (int64_t i = 0; i < k; ++i)
    ke.push_back(d(4 + k + i));
  maps.insert(maps.begin() + 2, AffineMap::get(nl, 0, ke, mctx));
  Value window = emptyTensor(b, loc, kernel, elem);
  Value acc = filled(b, loc, outShape, zero);
  Value y =
      linalg::GenericOp::create(
          b, loc, TypeRange{acc.getType()}, ValueRange{xg, wg, window},
          ValueRange{acc}, maps, iters,
          [&](OpBuilder &nb, Location nl2, ValueRange a) {
            Value p = arith::MulFOp::create(nb, nl2, a[0], a[1]);
            linalg::YieldOp::create(
                nb, nl2, arith::AddFOp::create(nb, nl2, a[3], p).getResult());
          })
          .getResult(0);
  y = mergeDims(b, loc, y, 1);
  if (ctx.hasInput(2)) {
    FailureOr<Value> biased = addChannelBias(ctx, y, m, k, elem);
    if (failed(biased))
      return failure();
    y = *biased;
  }
  results.push_back(y);
  return success();
}

/// Max or sum pooling over a padded input: out[n, c, o...] = combine over
/// k... of in[n, c, o*s + k*d]. A window operand gives the kernel bounds.
Value pool(OpBuilder &b, Location loc, Value padded, const Window &w,
           Value init, bool isMax) {
  MLIRContext *mctx = b.getContext();
  ArrayRef<int64_t> xs = shapeOf(padded);
  int64_t k = w.kernel.size();
  int64_t lead = xs.size() - k;
  int64_t nl = lead + 2 * k;
  auto d = [&](int64_t i) { return getAffineDimExpr(i, mctx); };
  SmallVector<AffineExpr> xe, ke, oe;
  for (int64_t i = 0; i < lead; ++i) {
    xe.push_back(d(i));
    oe.push_back(d(i));
  }
  for (int64_t i = 0; i < k; ++i) {
    xe.push_back(d(lead + i) * w.strides[i] + d(lead + k + i) * w.dilations[i]);
    ke.push_back(d(lead + k + i));
    oe.push_back(d(lead + i));
  }
  SmallVector<int64_t> outShape(xs.begin(), xs.begin() + lead);
  outShape.append(w.out);
  Type elem = elemOf(padded);
  Value window = emptyTensor(b, loc, w.kernel, elem);
  Value acc = filled(b, loc, outShape, init);
  SmallVector<AffineMap> maps = {AffineMap::get(nl, 0, xe, mctx),
                                 AffineMap::get(nl, 0, ke, mctx),
                                 AffineMap::get(nl, 0, oe, mctx)};
  SmallVector<utils::IteratorType> iters(lead + k,
                                         utils::IteratorType::parallel);
  iters.append(k, utils::IteratorType::reduction);
  bool isFloat = isa<FloatType>(elem);
  return linalg::GenericOp::create(
             b, loc, TypeRange{acc.getType()}, ValueRange{padded, window},
             ValueRange{acc}, maps, iters,
             [&](OpBuilder &nb, Location l, ValueRange a) {
               Value r;
               if (isMax)
                 r = isFloat
                         ? (Value)arith::MaximumFOp::create(nb, l, a[2], a[0])
                         : (Value)arith::MaxSIOp::create(nb, l, a[2], a[0]);
               else
                 r = arith::AddFOp::create(nb, l, a[2], a[0]);
               linalg::YieldOp::create(nb, l, r);
             })
      .getResult(0);
}

/// MaxPool with its Indices output: the flat (row-major over N, C and the
/// spatial dims; column-major over the spatial dims when `columnMajor`)
/// index into the unpadded input of the first maximum of each window.
std::pair<Value, Value> maxPoolWithIndices(OpBuilder &b, Location loc,
                                           Value padded, ArrayRef<int64_t> xs,
                                           const Window &w, Value lowest,
                                           bool columnMajor) {
  MLIRContext *mctx = b.getContext();
  int64_t k = w.kernel.size();
  int64_t lead = 2;
  int64_t nl = lead + 2 * k;
  auto d = [&](int64_t i) { return getAffineDimExpr(i, mctx); };
  SmallVector<AffineExpr> xe, ke, oe;
  for (int64_t i = 0; i < lead; ++i) {
    xe.push_back(d(i));
    oe.push_back(d(i));
  }
  for (int64_t i = 0; i < k; ++i) {
    xe.push_back(d(lead + i) * w.strides[i] + d(lead + k + i) * w.dilations[i]);
    ke.push_back(d(lead + k + i));
    oe.push_back(d(lead + i));
  }
  SmallVector<int64_t> outShape = {xs[0], xs[1]};
  outShape.append(w.out);
  Type elem = elemOf(padded);
  Value window = emptyTensor(b, loc, w.kernel, elem);
  Value accV = filled(b, loc, outShape, lowest);
  Value accI = filled(b, loc, outShape, scalarConst(b, loc, b.getI64Type(), 0));
  AffineMap om = AffineMap::get(nl, 0, oe, mctx);
  SmallVector<AffineMap> maps = {AffineMap::get(nl, 0, xe, mctx),
                                 AffineMap::get(nl, 0, ke, mctx), om, om};
  SmallVector<utils::IteratorType> iters(lead + k,
                                         utils::IteratorType::parallel);
  iters.append(k, utils::IteratorType::reduction);
  auto op = linalg::GenericOp::create(
      b, loc, TypeRange{accV.getType(), accI.getType()},
      ValueRange{padded, window}, ValueRange{accV, accI}, maps, iters,
      [&](OpBuilder &nb, Location l, ValueRange a) {
        // Position in the unpadded input.
        auto idx = [&](int64_t i) -> Value {
          Value v = linalg::IndexOp::create(nb, l, i);
          return arith::IndexCastOp::create(nb, l, nb.getI64Type(), v);
        };
        auto c64 = [&](int64_t v) {
          return scalarConst(nb, l, nb.getI64Type(), (double)v);
        };
        SmallVector<Value> pos;
        for (int64_t i = 0; i < k; ++i) {
          Value p = arith::AddIOp::create(
              nb, l,
              arith::MulIOp::create(nb, l, idx(lead + i), c64(w.strides[i])),
              arith::MulIOp::create(nb, l, idx(lead + k + i),
                                    c64(w.dilations[i])));
          pos.push_back(arith::SubIOp::create(nb, l, p, c64(w.padBegin[i])));
        }
        Value flat = arith::AddIOp::create(
            nb, l, arith::MulIOp::create(nb, l, idx(0), c64(xs[1])), idx(1));
        Value spatial = c64(0);
        int64_t spatialSize = 1;
        for (int64_t i = 0; i < k; ++i)
          spatialSize *= xs[2 + i];
        if (!columnMajor) {
          for (int64_t i = 0; i < k; ++i)
            spatial = arith::AddIOp::create(
                nb, l, arith::MulIOp::create(nb, l, spatial, c64(xs[2 + i])),
                pos[i]);
        } else {
          for (int64_t i = k - 1; i >= 0; --i)
            spatial = arith::AddIOp::create(
                nb, l, arith::MulIOp::create(nb, l, spatial, c64(xs[2 + i])),
                pos[i]);
        }
        flat = arith::AddIOp::create(
            nb, l, arith::MulIOp::create(nb, l, flat, c64(spatialSize)),
            spatial);
        Value better;
        if (isa<FloatType>(elem))
          better = arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OGT, a[0],
                                         a[2]);
        else
          better = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sgt, a[0],
                                         a[2]);
        Value v = arith::SelectOp::create(nb, l, better, a[0], a[2]);
        Value i = arith::SelectOp::create(nb, l, better, flat, a[3]);
        linalg::YieldOp::create(nb, l, ValueRange{v, i});
      });
  return {op.getResult(0), op.getResult(1)};
}

LogicalResult poolOp(NodeContext &ctx, Results &results, bool isMax) {
  if (failed(ctx.require(0, "X")))
    return failure();
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  Value x = ctx.input(0);
  ArrayRef<int64_t> xs = shapeOf(x);
  Type elem = elemOf(x);
  if (!isMax && !isa<FloatType>(elem))
    return ctx.error() << "X must be a floating-point tensor, got "
                       << x.getType();
  if (xs.size() < 3)
    return ctx.error() << "X must have rank >= 3, got " << x.getType();
  SmallVector<int64_t> kernel = ctx.getInts("kernel_shape");
  Window w;
  bool ceilMode = ctx.getInt("ceil_mode", 0);
  if (failed(readWindow(ctx, xs.drop_front(2), kernel, ceilMode, w)))
    return failure();
  int64_t k = kernel.size();
  // Extra end padding so that ceil-mode windows stay in bounds.
  SmallVector<int64_t> extra(k);
  for (int64_t i = 0; i < k; ++i) {
    int64_t need =
        (w.out[i] - 1) * w.strides[i] + (w.kernel[i] - 1) * w.dilations[i] + 1;
    extra[i] =
        std::max<int64_t>(0, need - (xs[2 + i] + w.padBegin[i] + w.padEnd[i]));
  }
  SmallVector<int64_t> lo(2, 0), hi(2, 0);
  for (int64_t i = 0; i < k; ++i) {
    lo.push_back(w.padBegin[i]);
    hi.push_back(w.padEnd[i] + extra[i]);
  }
  if (isMax) {
    Value lowest;
    if (auto ft = dyn_cast<FloatType>(elem))
      lowest = arith::ConstantOp::create(
          b, loc,
          b.getFloatAttr(ft, APFloat::getInf(ft.getFloatSemantics(), true)));
    else
      lowest = arith::ConstantOp::create(
          b, loc,
          b.getIntegerAttr(
              elem, APInt::getSignedMinValue(elem.getIntOrFloatBitWidth())));
    Value xp = pad(b, loc, x, lo, hi, lowest);
    if (!ctx.hasOutput(1)) {
      results.push_back(pool(b, loc, xp, w, lowest, true));
      return success();
    }
    auto [values, indices] = maxPoolWithIndices(
        b, loc, xp, xs, w, lowest, ctx.getInt("storage_order", 0) != 0);
    results.append({values, indices});
    return success();
  }
  Value zero = scalarConst(b, loc, elem, 0);
  Value sum = pool(b, loc, pad(b, loc, x, lo, hi, zero), w, zero, false);
  // Divisor: the same pooling over ones, where explicit pads count when
  // count_include_pad is set and the ceil-mode overhang never counts.
  bool includePad = ctx.getInt("count_include_pad", 0);
  SmallVector<int64_t> oneShape(2, 1);
  oneShape.append(xs.begin() + 2, xs.end());
  Value one = scalarConst(b, loc, elem, 1);
  Value ones = filled(b, loc, oneShape, one);
  if (includePad) {
    SmallVector<int64_t> plo(2, 0), phi(2, 0);
    for (int64_t i = 0; i < k; ++i) {
      plo.push_back(w.padBegin[i]);
      phi.push_back(w.padEnd[i]);
    }
    ones = pad(b, loc, ones, plo, phi, one);
    SmallVector<int64_t> elo(k + 2, 0), ehi(2, 0);
    ehi.append(extra);
    ones = pad(b, loc, ones, elo, ehi, zero);
  } else {
    ones = pad(b, loc, ones, lo, hi, zero);
  }
  Value count = pool(b, loc, ones, w, zero, false);
  results.push_back(
      elementwise(b, loc, {sum, count}, shapeOf(sum), elem,
                  [](OpBuilder &nb, Location l, ValueRange a) -> Value {
                    return arith::DivFOp::create(nb, l, a[0], a[1]);
                  }));
  return success();
}
LogicalResult maxPoolOp(NodeContext &c, Results &r) {
  return poolOp(c, r, true);
}
LogicalResult avgPoolOp(NodeContext &c, Results &r) {
  return poolOp(c, r, false);
}

LogicalResult globalPool(NodeContext &ctx, Results &results, bool isMax) {
  if (failed(ctx.requireFloat(0, "X")))
    return failure();
  Value x = ctx.input(0);
  ArrayRef<int64_t> xs = shapeOf(x);
  if (xs.size() < 3)
    return ctx.error() << "X must have rank >= 3, got " << x.getType();
  Type elem = elemOf(x);
  auto ft = cast<FloatType>(elem);
  SmallVector<int64_t> axes;
  int64_t count = 1;
  for (size_t i = 2; i < xs.size(); ++i) {
    axes.push_back(i);
    count *= xs[i];
  }
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  TypedAttr init = isMax
                       ? (TypedAttr)b.getFloatAttr(
                             ft, APFloat::getInf(ft.getFloatSemantics(), true))
                       : (TypedAttr)b.getFloatAttr(ft, 0.0);
  Value r = reduce(b, loc, x, axes, true, init,
                   [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                     if (isMax)
                       return arith::MaximumFOp::create(nb, l, a[0], a[1]);
                     return arith::AddFOp::create(nb, l, a[0], a[1]);
                   });
  if (!isMax)
    r = elementwise(b, loc, {r}, shapeOf(r), elem,
                    [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                      return arith::DivFOp::create(
                          nb, l, a[0], scalarConst(nb, l, elem, (double)count));
                    });
  results.push_back(r);
  return success();
}
LogicalResult globalAvgPoolOp(NodeContext &c, Results &r) {
  return globalPool(c, r, false);
}
LogicalResult globalMaxPoolOp(NodeContext &c, Results &r) {
  return globalPool(c, r, true);
}

} // namespace

Value lpc::frontend::contraction(OpBuilder &b, Location loc, Value lhs,
                                 Value rhs, ArrayRef<int64_t> batch, int64_t m,
                                 int64_t n, int64_t kdim, bool transA,
                                 bool transB) {
  MLIRContext *mctx = b.getContext();
  int64_t nb = batch.size();
  int64_t nl = nb + 3;
  auto d = [&](int64_t i) { return getAffineDimExpr(i, mctx); };
  auto batchExprs = [&](Value v) {
    SmallVector<AffineExpr> e;
    ArrayRef<int64_t> s = shapeOf(v);
    int64_t vb = s.size() - 2;
    for (int64_t i = 0; i < vb; ++i) {
      int64_t loop = nb - vb + i;
      e.push_back(s[i] == 1 && batch[loop] != 1 ? getAffineConstantExpr(0, mctx)
                                                : d(loop));
    }
    return e;
  };
  SmallVector<AffineExpr> ae = batchExprs(lhs), be = batchExprs(rhs), oe;
  for (int64_t i = 0; i < nb; ++i)
    oe.push_back(d(i));
  AffineExpr dm = d(nb), dn = d(nb + 1), dk = d(nb + 2);
  ae.append(transA ? SmallVector<AffineExpr>{dk, dm}
                   : SmallVector<AffineExpr>{dm, dk});
  be.append(transB ? SmallVector<AffineExpr>{dn, dk}
                   : SmallVector<AffineExpr>{dk, dn});
  oe.append({dm, dn});
  SmallVector<int64_t> outShape(batch);
  outShape.append({m, n});
  Type elem = elemOf(lhs);
  Value acc = filled(b, loc, outShape, scalarConst(b, loc, elem, 0));
  SmallVector<AffineMap> maps = {AffineMap::get(nl, 0, ae, mctx),
                                 AffineMap::get(nl, 0, be, mctx),
                                 AffineMap::get(nl, 0, oe, mctx)};
  SmallVector<utils::IteratorType> iters(nb + 2, utils::IteratorType::parallel);
  iters.push_back(utils::IteratorType::reduction);
  (void)kdim;
  return linalg::GenericOp::create(b, loc, TypeRange{acc.getType()},
                                   ValueRange{lhs, rhs}, ValueRange{acc}, maps,
                                   iters, yieldMultiplyAdd)
      .getResult(0);
}

FailureOr<Value> lpc::frontend::matMul(NodeContext &ctx, Value a, Value bv) {
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  if (elemOf(a) != elemOf(bv)) {
    ctx.error() << "input element types differ: " << a.getType() << " and "
                << bv.getType();
    return failure();
  }
  SmallVector<int64_t> as(shapeOf(a)), bs(shapeOf(bv));
  if (as.empty() || bs.empty()) {
    ctx.error() << "inputs must have rank >= 1";
    return failure();
  }
  bool vecA = as.size() == 1, vecB = bs.size() == 1;
  if (vecA) {
    as.insert(as.begin(), 1);
    a = reshape(b, loc, a, as);
  }
  if (vecB) {
    bs.push_back(1);
    bv = reshape(b, loc, bv, bs);
  }
  int64_t m = as[as.size() - 2], kd = as.back(), n = bs.back();
  if (bs[bs.size() - 2] != kd) {
    ctx.error() << "shape mismatch: contraction dimension " << kd
                << " of A does not match " << bs[bs.size() - 2] << " of B";
    return failure();
  }
  auto batch =
      broadcastShapes({ArrayRef(as).drop_back(2), ArrayRef(bs).drop_back(2)});
  if (!batch) {
    ctx.error() << "batch dimensions are not broadcastable: " << a.getType()
                << " and " << bv.getType();
    return failure();
  }
  Value y = contraction(b, loc, a, bv, *batch, m, n, kd, false, false);
  SmallVector<int64_t> outShape(*batch);
  if (!vecA)
    outShape.push_back(m);
  if (!vecB)
    outShape.push_back(n);
  return reshape(b, loc, y, outShape);
}

namespace {

LogicalResult matMulOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.require(0, "A")) || failed(ctx.require(1, "B")))
    return failure();
  FailureOr<Value> y = matMul(ctx, ctx.input(0), ctx.input(1));
  if (failed(y))
    return failure();
  results.push_back(*y);
  return success();
}

LogicalResult gemmOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.requireFloat(0, "A")) || failed(ctx.requireFloat(1, "B")))
    return failure();
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  Value a = ctx.input(0), bv = ctx.input(1);
  ArrayRef<int64_t> as = shapeOf(a), bs = shapeOf(bv);
  if (as.size() != 2 || bs.size() != 2)
    return ctx.error() << "A and B must be matrices, got " << a.getType()
                       << " and " << bv.getType();
  bool ta = ctx.getInt("transA", 0), tb = ctx.getInt("transB", 0);
  int64_t m = ta ? as[1] : as[0], kd = ta ? as[0] : as[1];
  int64_t kb = tb ? bs[1] : bs[0], n = tb ? bs[0] : bs[1];
  if (kd != kb)
    return ctx.error() << "shape mismatch: contraction dimension " << kd
                       << " of A does not match " << kb << " of B";
  Type elem = elemOf(a);
  double alpha = ctx.getFloat("alpha", 1.0f), beta = ctx.getFloat("beta", 1.0f);
  Value y = contraction(b, loc, a, bv, {}, m, n, kd, ta, tb);
  SmallVector<int64_t> outShape = {m, n};
  SmallVector<Value> ins = {y};
  if (ctx.hasInput(2)) {
    Value c = ctx.input(2);
    auto bc = broadcastShapes({shapeOf(c), outShape});
    if (!bc || ArrayRef(*bc) != ArrayRef(outShape))
      return ctx.error() << "C " << c.getType()
                         << " does not broadcast to the output shape";
    ins.push_back(c);
  }
  if (alpha == 1.0 && (ins.size() == 1 || beta == 0.0)) {
    results.push_back(y);
    return success();
  }
  results.push_back(elementwise(
      b, loc, ins, outShape, elem,
      [&](OpBuilder &nb, Location l, ValueRange v) {
        Value r = v[0];
        if (alpha != 1.0)
          r = arith::MulFOp::create(nb, l, r, scalarConst(nb, l, elem, alpha));
        if (v.size() > 1 && beta != 0.0) {
          Value c = v[1];
          if (beta != 1.0)
            c = arith::MulFOp::create(nb, l, c, scalarConst(nb, l, elem, beta));
          r = arith::AddFOp::create(nb, l, r, c);
        }
        return r;
      }));
  return success();
}

} // namespace

void lpc::frontend::registerNNOps(OpTable &t) {
  t["Conv"] = convOp;
  t["ConvTranspose"] = convTransposeOp;
  t["MaxPool"] = maxPoolOp;
  t["AveragePool"] = avgPoolOp;
  t["GlobalAveragePool"] = globalAvgPoolOp;
  t["GlobalMaxPool"] = globalMaxPoolOp;
  t["MatMul"] = matMulOp;
  t["Gemm"] = gemmOp;
}
