//===- QuantOps.cpp - ONNX quantization operators -------------------------===//
//
// QuantizeLinear, DequantizeLinear and DynamicQuantizeLinear import into
// lq.quantize / lq.dequantize: the codes get an lq format (uint8 becomes
// !lq.int<8, unsigned>, INT4 i4, FLOAT8E4M3FN f8E4M3FN, ...) and the scale
// shape an #lq.layout (per-tensor, per-axis, blocked). The graph itself
// carries ONNX's signless storage types, so codes cross lq.bitcast at the
// boundary. MatMulInteger and ConvInteger are exact i32 contractions of
// the zero-point-shifted codes; QLinearMatMul and QLinearConv add an
// lq.requantize (float multiplier, ONNX Runtime's order of operations:
// (a_scale * b_scale) / y_scale, then f32(acc) * multiplier).
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "lpc/Dialect/LQ/IR/LQ.h"

using namespace mlir;
using namespace lpc::frontend;
namespace lq = lpc::lq;

namespace {

using Results = SmallVectorImpl<Value>;

/// How an ONNX code dtype appears in lq and in the graph.
struct CodeType {
  Type format;  // element type lq ops see
  Type storage; // the importer's element type for the ONNX tensor
  bool isUnsigned = false;
  bool isFloat = false;
};

std::optional<CodeType> codeTypeOf(MLIRContext *ctx, int dtype) {
  Type storage = getElementType(ctx, dtype);
  if (!storage)
    return std::nullopt;
  CodeType c;
  c.storage = storage;
  c.format = storage;
  switch (dtype) {
  case kInt8:
  case kInt16:
  case kInt4:
    return c;
  case kUInt8:
  case kUInt16:
  case kUInt4:
    c.isUnsigned = true;
    c.format = lq::IntType::get(ctx, storage.getIntOrFloatBitWidth(),
                                /*isSigned=*/false, /*narrow=*/false);
    return c;
  case kFloat8E4M3FN:
  case kFloat8E4M3FNUZ:
  case kFloat8E5M2:
  case kFloat8E5M2FNUZ:
  case kFloat4E2M1:
    c.isFloat = true;
    return c;
  default:
    return std::nullopt;
  }
}

/// The ONNX dtype of graph value `v`.
int dtypeOf(NodeContext &ctx, Value v) {
  return onnxDTypeOf(elemOf(v), ctx.isUnsigned(v));
}

/// `v` with its elements reinterpreted as `elem` (lq.bitcast; no-op when
/// the types agree).
Value bitcastTo(NodeContext &ctx, Value v, Type elem) {
  if (elemOf(v) == elem)
    return v;
  return lq::BitcastOp::create(ctx.b, ctx.loc, tensorType(v).clone(elem), v);
}

/// A float tensor as f32 (exact for f16/bf16).
Value toF32(NodeContext &ctx, Value v) {
  return convertFloats(ctx.b, ctx.loc, v, ctx.b.getF32Type());
}

/// Sign- or zero-extends integer codes to i32 and subtracts the optional
/// zero point `zp` (broadcast numpy-style after `zpShape` reshaping).
Value shiftedI32(NodeContext &ctx, Value v, bool vUnsigned, Value zp,
                 bool zpUnsigned) {
  Type i32 = ctx.b.getI32Type();
  auto ext = [i32](OpBuilder &nb, Location l, Value x, bool isUnsigned) {
    if (x.getType() == i32)
      return x;
    if (isUnsigned)
      return arith::ExtUIOp::create(nb, l, i32, x).getResult();
    return arith::ExtSIOp::create(nb, l, i32, x).getResult();
  };
  if (!zp)
    return elementwise(ctx.b, ctx.loc, {v}, shapeOf(v), i32,
                       [&](OpBuilder &nb, Location l, ValueRange a) {
                         return ext(nb, l, a[0], vUnsigned);
                       });
  return elementwise(ctx.b, ctx.loc, {v, zp}, shapeOf(v), i32,
                     [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                       return arith::SubIOp::create(
                           nb, l, ext(nb, l, a[0], vUnsigned),
                           ext(nb, l, a[1], zpUnsigned));
                     });
}

/// The scale layout of a (De)QuantizeLinear node for data of `shape` and a
/// scale of `scaleShape`, with `scale` (and `zp`) reshaped to what the
/// layout wants (a rank-0 tensor for per-tensor scales).
FailureOr<lq::LayoutAttr> quantLayout(NodeContext &ctx, ArrayRef<int64_t> shape,
                                      Value &scale, Value &zp) {
  MLIRContext *mctx = ctx.b.getContext();
  ArrayRef<int64_t> ss = shapeOf(scale);
  if (zp && shapeOf(zp) != ss) {
    ctx.error() << "zero point shape " << tensorType(zp)
                << " differs from the scale shape " << tensorType(scale);
    return failure();
  }
  int64_t blockSize = ctx.opset >= 21 ? ctx.getInt("block_size", 0) : 0;
  if (blockSize < 0) {
    ctx.error() << "block_size must be non-negative, got " << blockSize;
    return failure();
  }
  int64_t rank = shape.size();
  if (blockSize == 0 && numElements(ss) == 1 && ss.size() <= 1) {
    if (!ss.empty()) {
      scale = reshape(ctx.b, ctx.loc, scale, {});
      if (zp)
        zp = reshape(ctx.b, ctx.loc, zp, {});
    }
    return lq::LayoutAttr::getTensor(mctx);
  }
  std::optional<int64_t> axis = normalizeAxis(ctx.getInt("axis", 1), rank);
  if (!axis) {
    ctx.error() << "axis " << ctx.getInt("axis", 1)
                << " is out of range for rank " << rank;
    return failure();
  }
  if (blockSize == 0) {
    if (ss.size() != 1 || ss[0] != shape[*axis]) {
      ctx.error() << "per-axis scale must have shape [" << shape[*axis]
                  << "] (dimension " << *axis << " of the input), got "
                  << tensorType(scale);
      return failure();
    }
    return lq::LayoutAttr::getAxis(mctx, *axis);
  }
  SmallVector<int64_t> block(rank, 1), want(shape);
  block[*axis] = blockSize;
  want[*axis] = (shape[*axis] + blockSize - 1) / blockSize;
  if (ss != ArrayRef<int64_t>(want)) {
    ctx.error() << "blocked scale (block_size " << blockSize << " along axis "
                << *axis << ") must be " << tensorType(scale).clone(want)
                << ", got " << tensorType(scale);
    return failure();
  }
  return lq::LayoutAttr::getBlock(mctx, block);
}

/// The zero point of a float8/float4 code format: must be a constant 0
/// (ONNX), and is dropped.
LogicalResult dropFloatZeroPoint(NodeContext &ctx, Value &zp) {
  if (!zp)
    return success();
  std::optional<DenseElementsAttr> c = ctx.constant(zp);
  bool allZero = c.has_value();
  if (c)
    for (APFloat f : c->getValues<APFloat>())
      allZero &= f.isZero();
  if (!allZero) {
    ctx.error() << "a float8/float4 zero point must be a constant 0";
    return failure();
  }
  zp = Value();
  return success();
}

LogicalResult quantizeLinearOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.requireFloat(0, "x")) ||
      failed(ctx.requireFloat(1, "y_scale")))
    return failure();
  MLIRContext *mctx = ctx.b.getContext();
  Value x = toF32(ctx, ctx.input(0)), scale = toF32(ctx, ctx.input(1));
  Value zp = ctx.input(2);
  int dtype = kUInt8;
  if (zp)
    dtype = dtypeOf(ctx, zp);
  else if (int64_t od = ctx.opset >= 21 ? ctx.getInt("output_dtype", 0) : 0)
    dtype = od;
  if (zp && ctx.opset >= 21 && ctx.getInt("output_dtype", 0) &&
      ctx.getInt("output_dtype", 0) != dtype) {
    ctx.error() << "output_dtype "
                << onnxDTypeName(ctx.getInt("output_dtype", 0))
                << " differs from the zero point's " << onnxDTypeName(dtype);
    return failure();
  }
  std::optional<CodeType> ct = codeTypeOf(mctx, dtype);
  if (!ct) {
    ctx.error() << "cannot quantize to " << onnxDTypeName(dtype);
    return failure();
  }
  if (ct->isFloat && failed(dropFloatZeroPoint(ctx, zp)))
    return failure();
  FailureOr<lq::LayoutAttr> layout = quantLayout(ctx, shapeOf(x), scale, zp);
  if (failed(layout))
    return failure();
  if (zp)
    zp = bitcastTo(ctx, zp, ct->format);
  bool saturate = !ct->isFloat || ctx.getInt("saturate", 1) != 0;
  auto q = lq::QuantizeOp::create(
      ctx.b, ctx.loc, tensorType(x).clone(ct->format), x, scale, zp, *layout);
  if (!saturate)
    q.setSaturate(false);
  Value y = bitcastTo(ctx, q, ct->storage);
  ctx.setUnsigned(y, ct->isUnsigned);
  results.push_back(y);
  return success();
}

LogicalResult dequantizeLinearOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.require(0, "x")) || failed(ctx.requireFloat(1, "x_scale")))
    return failure();
  MLIRContext *mctx = ctx.b.getContext();
  Value x = ctx.input(0), zp = ctx.input(2);
  Type outElem = elemOf(ctx.input(1));
  if (ctx.opset >= 23)
    if (int64_t od = ctx.getInt("output_dtype", 0)) {
      outElem = getElementType(mctx, od);
      if (!outElem || !isa<FloatType>(outElem)) {
        ctx.error() << "output_dtype must be a float type, got "
                    << onnxDTypeName(od);
        return failure();
      }
    }
  Value scale = toF32(ctx, ctx.input(1));
  int dtype = dtypeOf(ctx, x);
  if (zp && dtypeOf(ctx, zp) != dtype) {
    ctx.error() << "zero point type " << onnxDTypeName(dtypeOf(ctx, zp))
                << " differs from the input's " << onnxDTypeName(dtype);
    return failure();
  }
  FailureOr<lq::LayoutAttr> layout = quantLayout(ctx, shapeOf(x), scale, zp);
  if (failed(layout))
    return failure();
  Value y;
  if (dtype == kInt32) {
    // Bias dequantization: f32(x - zp) * scale outside lq (32-bit codes are
    // wider than lq's formats).
    if (layout->isBlock()) {
      ctx.error() << "blocked dequantization of INT32 is not supported";
      return failure();
    }
    SmallVector<int64_t> bshape(shapeOf(x).size(), 1);
    Value s = scale, z = zp;
    if (layout->isAxis()) {
      bshape[layout->getAxis()] = shapeOf(x)[layout->getAxis()];
      s = reshape(ctx.b, ctx.loc, s, bshape);
      if (z)
        z = reshape(ctx.b, ctx.loc, z, bshape);
    }
    Value v = shiftedI32(ctx, x, false, z, false);
    Type f32 = ctx.b.getF32Type();
    y = elementwise(ctx.b, ctx.loc, {v, s}, shapeOf(x), f32,
                    [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                      return arith::MulFOp::create(
                          nb, l, arith::SIToFPOp::create(nb, l, f32, a[0]),
                          a[1]);
                    });
  } else {
    std::optional<CodeType> ct = codeTypeOf(mctx, dtype);
    if (!ct) {
      ctx.error() << "cannot dequantize " << onnxDTypeName(dtype);
      return failure();
    }
    if (ct->isFloat && failed(dropFloatZeroPoint(ctx, zp)))
      return failure();
    Value codes = bitcastTo(ctx, x, ct->format);
    if (zp)
      zp = bitcastTo(ctx, zp, ct->format);
    y = lq::DequantizeOp::create(ctx.b, ctx.loc,
                                 tensorType(x).clone(ctx.b.getF32Type()), codes,
                                 scale, zp, *layout);
  }
  results.push_back(convertFloats(ctx.b, ctx.loc, y, outElem));
  return success();
}

LogicalResult dynamicQuantizeLinearOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.requireFloat(0, "x")))
    return failure();
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  MLIRContext *mctx = b.getContext();
  Type f32 = b.getF32Type();
  Value x = toF32(ctx, ctx.input(0));
  ArrayRef<int64_t> xs = shapeOf(x);
  SmallVector<int64_t> all(xs.size());
  for (size_t i = 0; i < all.size(); ++i)
    all[i] = i;
  // min(0, min x) and max(0, max x): the reductions start from 0.
  auto minMax = [&](bool isMax) {
    return reduce(b, loc, x, all, /*keepDims=*/false, b.getF32FloatAttr(0.0),
                  [isMax](OpBuilder &nb, Location l, ValueRange a) -> Value {
                    if (isMax)
                      return arith::MaximumFOp::create(nb, l, a[0], a[1]);
                    return arith::MinimumFOp::create(nb, l, a[0], a[1]);
                  });
  };
  Value lo = minMax(false), hi = minMax(true);
  // scale = (hi - lo) / 255, or 1 when hi == lo (all zeros), as ONNX
  // Runtime does.
  Value scale = elementwise(
      b, loc, {lo, hi}, {}, f32,
      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        Value range = arith::SubFOp::create(nb, l, a[1], a[0]);
        Value s =
            arith::DivFOp::create(nb, l, range, scalarConst(nb, l, f32, 255.0));
        Value same =
            arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OEQ, a[0], a[1]);
        return arith::SelectOp::create(nb, l, same,
                                       scalarConst(nb, l, f32, 1.0), s);
      });
  // zero point = saturate(round(0 - lo / scale)): quantizing -lo.
  Value negLo = elementwise(
      b, loc, {lo}, {}, f32, [](OpBuilder &nb, Location l, ValueRange a) {
        return arith::NegFOp::create(nb, l, a[0]).getResult();
      });
  Type u8 = lq::IntType::get(mctx, 8, /*isSigned=*/false, /*narrow=*/false);
  auto tensorLayout = lq::LayoutAttr::getTensor(mctx);
  Value zp = lq::QuantizeOp::create(b, loc, RankedTensorType::get({}, u8),
                                    negLo, scale, Value(), tensorLayout);
  Value y = lq::QuantizeOp::create(b, loc, tensorType(x).clone(u8), x, scale,
                                   zp, tensorLayout);
  Value yStore = bitcastTo(ctx, y, b.getI8Type());
  Value zpStore = bitcastTo(ctx, zp, b.getI8Type());
  ctx.setUnsigned(yStore, true);
  ctx.setUnsigned(zpStore, true);
  results.push_back(yStore);
  results.push_back(scale);
  results.push_back(zpStore);
  return success();
}

/// Checks that input `i` holds 8-bit integer codes (INT8 or UINT8).
LogicalResult requireInt8(NodeContext &ctx, size_t i, StringRef what) {
  if (failed(ctx.require(i, what)))
    return failure();
  if (!elemOf(ctx.input(i)).isInteger(8)) {
    ctx.error() << what << " must be INT8 or UINT8, got "
                << tensorType(ctx.input(i));
    return failure();
  }
  return success();
}

/// The zero point input `i` (optional) of codes input `codes`: same dtype,
/// and a shape that broadcasts per the op (scalar, or a vector along
/// `axisDim` of the codes, reshaped here to broadcast numpy-style).
FailureOr<Value> zeroPointFor(NodeContext &ctx, size_t i, StringRef what,
                              Value codes, int64_t axisDim) {
  Value zp = ctx.input(i);
  if (!zp)
    return Value();
  if (dtypeOf(ctx, zp) != dtypeOf(ctx, codes)) {
    ctx.error() << what << " type " << onnxDTypeName(dtypeOf(ctx, zp))
                << " differs from its data's "
                << onnxDTypeName(dtypeOf(ctx, codes));
    return failure();
  }
  ArrayRef<int64_t> zs = shapeOf(zp), cs = shapeOf(codes);
  auto reshaped = [&](ArrayRef<int64_t> shape) {
    Value r = reshape(ctx.b, ctx.loc, zp, shape);
    ctx.setUnsigned(r, ctx.isUnsigned(zp));
    return r;
  };
  if (numElements(zs) == 1)
    return reshaped({});
  int64_t rank = cs.size();
  if (zs.size() == 1 && axisDim >= 0 && axisDim < rank &&
      zs[0] == cs[axisDim]) {
    SmallVector<int64_t> shape(rank - axisDim, 1);
    shape[0] = zs[0];
    return reshaped(shape);
  }
  ctx.error() << what << " must be a scalar or have shape ["
              << (axisDim >= 0 && axisDim < rank ? cs[axisDim] : 0) << "], got "
              << tensorType(zp);
  return failure();
}

/// MatMulInteger and the integer part of QLinearMatMul: the i32 product of
/// the zero-point-shifted codes.
FailureOr<Value> integerMatMul(NodeContext &ctx, size_t a, size_t aZp, size_t b,
                               size_t bZp) {
  if (failed(requireInt8(ctx, a, "A")) || failed(requireInt8(ctx, b, "B")))
    return failure();
  Value av = ctx.input(a), bv = ctx.input(b);
  int64_t ar = shapeOf(av).size(), br = shapeOf(bv).size();
  // a_zero_point per row of A (dimension -2), b_zero_point per column of B.
  FailureOr<Value> az = zeroPointFor(ctx, aZp, "a_zero_point", av, ar - 2);
  FailureOr<Value> bz = zeroPointFor(ctx, bZp, "b_zero_point", bv, br - 1);
  if (failed(az) || failed(bz))
    return failure();
  Value a32 =
      shiftedI32(ctx, av, ctx.isUnsigned(av), *az, *az && ctx.isUnsigned(*az));
  Value b32 =
      shiftedI32(ctx, bv, ctx.isUnsigned(bv), *bz, *bz && ctx.isUnsigned(*bz));
  return matMul(ctx, a32, b32);
}

/// ConvInteger and the integer part of QLinearConv.
FailureOr<Value> integerConv(NodeContext &ctx, size_t x, size_t xZp, size_t w,
                             size_t wZp) {
  if (failed(requireInt8(ctx, x, "x")) || failed(requireInt8(ctx, w, "w")))
    return failure();
  Value xv = ctx.input(x), wv = ctx.input(w);
  if (shapeOf(xv).size() < 3 || shapeOf(wv).size() != shapeOf(xv).size()) {
    ctx.error() << "x and w must have the same rank >= 3, got "
                << tensorType(xv) << " and " << tensorType(wv);
    return failure();
  }
  FailureOr<Value> xz = zeroPointFor(ctx, xZp, "x_zero_point", xv, -1);
  FailureOr<Value> wz = zeroPointFor(ctx, wZp, "w_zero_point", wv, 0);
  if (failed(xz) || failed(wz))
    return failure();
  // Padding the shifted input with 0 pads the codes with x_zero_point.
  Value x32 =
      shiftedI32(ctx, xv, ctx.isUnsigned(xv), *xz, *xz && ctx.isUnsigned(*xz));
  Value w32 =
      shiftedI32(ctx, wv, ctx.isUnsigned(wv), *wz, *wz && ctx.isUnsigned(*wz));
  return convolution(ctx, x32, w32);
}

LogicalResult matMulIntegerOp(NodeContext &ctx, Results &results) {
  FailureOr<Value> y = integerMatMul(ctx, 0, 2, 1, 3);
  if (failed(y))
    return failure();
  results.push_back(*y);
  return success();
}

LogicalResult convIntegerOp(NodeContext &ctx, Results &results) {
  FailureOr<Value> y = integerConv(ctx, 0, 2, 1, 3);
  if (failed(y))
    return failure();
  results.push_back(*y);
  return success();
}

/// Requantizes the i32 accumulator `acc` to the dtype of the output zero
/// point (input `yZp`; UINT8 when absent) with the float multiplier
/// (x_scale * w_scale) / y_scale, where w_scale may vary along `axis` of
/// `acc` (its length, or a scalar).
LogicalResult requantizeOutput(NodeContext &ctx, Value acc, size_t xScale,
                               size_t wScale, size_t yScale, size_t yZp,
                               int64_t axis, Results &results) {
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  MLIRContext *mctx = b.getContext();
  for (auto [i, what] : {std::pair<size_t, StringRef>{xScale, "a/x scale"},
                         {wScale, "b/w scale"},
                         {yScale, "y_scale"}})
    if (failed(ctx.requireFloat(i, what)))
      return failure();
  Value xs = toF32(ctx, ctx.input(xScale)), ws = toF32(ctx, ctx.input(wScale)),
        ys = toF32(ctx, ctx.input(yScale));
  if (numElements(shapeOf(xs)) != 1 || numElements(shapeOf(ys)) != 1) {
    ctx.error() << "the input and output scales must be scalars, got "
                << tensorType(xs) << " and " << tensorType(ys);
    return failure();
  }
  xs = reshape(b, loc, xs, {});
  ys = reshape(b, loc, ys, {});
  int64_t channels = shapeOf(acc)[axis];
  bool perChannel = numElements(shapeOf(ws)) != 1;
  if (perChannel && (shapeOf(ws).size() != 1 || shapeOf(ws)[0] != channels)) {
    ctx.error() << "the weight scale must be a scalar or have shape ["
                << channels << "], got " << tensorType(ws);
    return failure();
  }
  if (!perChannel)
    ws = reshape(b, loc, ws, {});
  SmallVector<int64_t> mShape;
  if (perChannel)
    mShape.push_back(channels);
  Type f32 = b.getF32Type();
  Value m = elementwise(b, loc, {xs, ws, ys}, mShape, f32,
                        [](OpBuilder &nb, Location l, ValueRange a) -> Value {
                          Value p = arith::MulFOp::create(nb, l, a[0], a[1]);
                          return arith::DivFOp::create(nb, l, p, a[2]);
                        });
  Value zp = ctx.input(yZp);
  int dtype = zp ? dtypeOf(ctx, zp) : kUInt8;
  if (dtype != kUInt8 && dtype != kInt8) {
    ctx.error() << "the output must be INT8 or UINT8, got "
                << onnxDTypeName(dtype);
    return failure();
  }
  std::optional<CodeType> ct = codeTypeOf(mctx, dtype);
  if (zp) {
    if (numElements(shapeOf(zp)) != 1) {
      ctx.error() << "y_zero_point must be a scalar, got " << tensorType(zp);
      return failure();
    }
    zp = reshape(b, loc, zp, {});
    if (perChannel)
      zp = filled(b, loc, mShape,
                  tensor::ExtractOp::create(b, loc, zp, ValueRange{}));
    zp = bitcastTo(ctx, zp, ct->format);
  }
  lq::LayoutAttr layout = perChannel ? lq::LayoutAttr::getAxis(mctx, axis)
                                     : lq::LayoutAttr::getTensor(mctx);
  Value q = lq::RequantizeOp::create(b, loc, tensorType(acc).clone(ct->format),
                                     acc, m, /*shift=*/Value(),
                                     /*input_zero_point=*/Value(), zp, layout);
  Value y = bitcastTo(ctx, q, ct->storage);
  ctx.setUnsigned(y, ct->isUnsigned);
  results.push_back(y);
  return success();
}

LogicalResult qLinearMatMulOp(NodeContext &ctx, Results &results) {
  // a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point
  if (failed(ctx.require(2, "a_zero_point")) ||
      failed(ctx.require(5, "b_zero_point")))
    return failure();
  FailureOr<Value> acc = integerMatMul(ctx, 0, 2, 3, 5);
  if (failed(acc))
    return failure();
  return requantizeOutput(ctx, *acc, 1, 4, 6, 7,
                          (int64_t)shapeOf(*acc).size() - 1, results);
}

LogicalResult qLinearConvOp(NodeContext &ctx, Results &results) {
  // x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale,
  // y_zero_point, B
  FailureOr<Value> acc = integerConv(ctx, 0, 2, 3, 5);
  if (failed(acc))
    return failure();
  Value y = *acc;
  if (Value bias = ctx.input(8)) {
    int64_t m = shapeOf(y)[1];
    if (!elemOf(bias).isInteger(32) || shapeOf(bias) != ArrayRef<int64_t>{m}) {
      ctx.error() << "bias B must be INT32 of shape [" << m << "], got "
                  << tensorType(bias);
      return failure();
    }
    SmallVector<int64_t> bshape(shapeOf(y).size() - 1, 1);
    bshape[0] = m;
    Value bb = reshape(ctx.b, ctx.loc, bias, bshape);
    y = elementwise(ctx.b, ctx.loc, {y, bb}, shapeOf(y), elemOf(y),
                    [](OpBuilder &nb, Location l, ValueRange a) -> Value {
                      return arith::AddIOp::create(nb, l, a[0], a[1]);
                    });
  }
  return requantizeOutput(ctx, y, 1, 4, 6, 7, 1, results);
}

} // namespace

void lpc::frontend::registerQuantOps(OpTable &t) {
  t["QuantizeLinear"] = quantizeLinearOp;
  t["DequantizeLinear"] = dequantizeLinearOp;
  t["DynamicQuantizeLinear"] = dynamicQuantizeLinearOp;
  t["MatMulInteger"] = matMulIntegerOp;
  t["ConvInteger"] = convIntegerOp;
  t["QLinearMatMul"] = qLinearMatMulOp;
  t["QLinearConv"] = qLinearConvOp;
}
