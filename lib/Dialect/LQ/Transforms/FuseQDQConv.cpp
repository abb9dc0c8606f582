//===- FuseQDQConv.cpp - lq-fuse-qdq for 2-D convolutions -----------------===//
//
// A grouped 2-D convolution (linalg.conv_2d_ngchw_gfchw, what the ONNX
// importer emits for Conv) of a dequantized, zero-padded input by dequantized
// weights becomes, per group, an im2col of the input codes and an lq.matmul
// of that patch matrix by the weight codes (rhs_transposed). The patch column
// index is c * KH * KW + kh * KW + kw, so lq.matmul's ascending-K f32
// accumulation adds the same products in the same order as the convolution's
// (c, kh, kw) loops: the result is bit-identical. Padding happens on the codes
// with the zero-point code, which dequantizes to +0.0 like the float padding.
//
//===----------------------------------------------------------------------===//

#include "FuseQDQ.h"

#include "lpc/Dialect/LQ/IR/Format.h"
#include "lpc/Dialect/LQ/IR/LQ.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace lpc::lq;

namespace {

/// `v` through a tensor.expand_shape with reassociation `reassoc`, or null.
Value throughExpand(Value v, ArrayRef<ReassociationIndices> reassoc) {
  auto e = v.getDefiningOp<tensor::ExpandShapeOp>();
  if (!e || e.getReassociationIndices() != reassoc)
    return Value();
  return e.getSrc();
}

/// The f32 dequantize producing `v`, or null.
DequantizeOp dequantizeF32(Value v) {
  auto d = v ? v.getDefiningOp<DequantizeOp>() : nullptr;
  if (!d || !d.getType().getElementType().isF32())
    return nullptr;
  return d;
}

/// The constant +0.0 padding of `pad`, checked; false otherwise.
bool padsWithPosZero(tensor::PadOp pad) {
  Value v = pad.getConstantPaddingValue();
  auto cst = v ? v.getDefiningOp<arith::ConstantOp>() : nullptr;
  auto f = cst ? dyn_cast<FloatAttr>(cst.getValue()) : nullptr;
  return f && f.getValue().isPosZero();
}

/// A fresh copy of `src[offsets : offsets + sizes]`: a linalg.generic that
/// reads its elements with tensor.extract, so that no subview of a packed
/// sub-byte buffer appears after bufferization (lq-emulate-narrow-types
/// packs only identity-layout memrefs). lq formats are copied as their
/// storage integers.
Value copySlice(PatternRewriter &rewriter, Location loc, Value src,
                ArrayRef<int64_t> offsets, ArrayRef<int64_t> sizes) {
  auto type = cast<RankedTensorType>(src.getType());
  Type elem = type.getElementType();
  Type copyElem = isFormatType(elem) ? Type(getStorageType(elem)) : elem;
  if (copyElem != elem)
    src = BitcastOp::create(rewriter, loc, type.clone(copyElem), src);
  int64_t rank = sizes.size();
  Value empty = tensor::EmptyOp::create(rewriter, loc, sizes, copyElem);
  Value copy =
      linalg::GenericOp::create(
          rewriter, loc, TypeRange{empty.getType()}, ValueRange{},
          ValueRange{empty},
          ArrayRef<AffineMap>{
              AffineMap::getMultiDimIdentityMap(rank, rewriter.getContext())},
          SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
          [&](OpBuilder &b, Location l, ValueRange) {
            SmallVector<Value> idx;
            for (int64_t d = 0; d < rank; ++d) {
              Value i = linalg::IndexOp::create(b, l, d);
              if (offsets[d])
                i = arith::AddIOp::create(
                    b, l, i, arith::ConstantIndexOp::create(b, l, offsets[d]));
              idx.push_back(i);
            }
            linalg::YieldOp::create(
                b, l, tensor::ExtractOp::create(b, l, src, idx).getResult());
          })
          .getResult(0);
  if (copyElem != elem)
    copy = BitcastOp::create(rewriter, loc,
                             cast<RankedTensorType>(copy.getType()).clone(elem),
                             copy);
  return copy;
}

struct FuseConv2D : OpRewritePattern<linalg::Conv2DNgchwGfchwOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::Conv2DNgchwGfchwOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics())
      return failure();
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    if (!resultType.getElementType().isF32() || !resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "not a static f32 convolution");
    if (!lpc::lq::detail::isZeroFilled(op.getOutputs()[0]))
      return rewriter.notifyMatchFailure(op, "accumulator is not +0.0");

    // Input: expand(N, C, H, W -> N, G, Cg, H, W) of [pad of] dequantize.
    Value x = throughExpand(op.getInputs()[0], {{0}, {1, 2}, {3}, {4}});
    SmallVector<int64_t> padLo(4, 0), padHi(4, 0);
    if (auto pad = x ? x.getDefiningOp<tensor::PadOp>() : nullptr) {
      if (!padsWithPosZero(pad))
        return rewriter.notifyMatchFailure(op, "input padding is not +0.0");
      padLo = SmallVector<int64_t>(pad.getStaticLow());
      padHi = SmallVector<int64_t>(pad.getStaticHigh());
      if (ShapedType::isDynamicShape(padLo) ||
          ShapedType::isDynamicShape(padHi) || padLo[0] || padLo[1] ||
          padHi[0] || padHi[1])
        return rewriter.notifyMatchFailure(op, "unsupported padding");
      x = pad.getSource();
    }
    DequantizeOp dx = dequantizeF32(x);
    // Weights: expand(M, Cg, KH, KW -> G, Mg, Cg, KH, KW) of dequantize.
    DequantizeOp dw = dequantizeF32(
        throughExpand(op.getInputs()[1], {{0, 1}, {2}, {3}, {4}}));
    if (!dx || !dw)
      return rewriter.notifyMatchFailure(op, "operands are not dequantized");
    if (!dx.getLayout().isTensor())
      return rewriter.notifyMatchFailure(op, "input scale is not per-tensor");
    LayoutAttr wLayout = dw.getLayout();
    if (!(wLayout.isTensor() || (wLayout.isAxis() && wLayout.getAxis() == 0)))
      return rewriter.notifyMatchFailure(
          op, "weight scale is not per-tensor or per-output-channel");
    if ((dx.getZeroPoint() &&
         isa<FloatType>(getElementTypeOrSelf(dx.getZeroPoint().getType()))) ||
        (dw.getZeroPoint() &&
         isa<FloatType>(getElementTypeOrSelf(dw.getZeroPoint().getType()))))
      return rewriter.notifyMatchFailure(op, "float zero points");

    SmallVector<int64_t> strides(op.getStrides().getValues<int64_t>());
    SmallVector<int64_t> dilations(op.getDilations().getValues<int64_t>());
    ArrayRef<int64_t> outShape = resultType.getShape(); // N G Mg OH OW
    auto xType = cast<RankedTensorType>(dx.getInput().getType());
    auto wType = cast<RankedTensorType>(dw.getInput().getType());
    if (!xType.hasStaticShape() || !wType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shapes");
    int64_t n = outShape[0], g = outShape[1], mg = outShape[2],
            oh = outShape[3], ow = outShape[4];
    int64_t cg = wType.getDimSize(1), kh = wType.getDimSize(2),
            kw = wType.getDimSize(3);

    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Type xCode = xType.getElementType(), wCode = wType.getElementType();
    IntegerType storage = getStorageType(xCode);
    auto asStorage = [&](Value v) -> Value {
      auto t = cast<RankedTensorType>(v.getType());
      if (t.getElementType() == storage)
        return v;
      return BitcastOp::create(rewriter, loc, t.clone(storage), v);
    };
    // Pad the codes with the zero-point code (0 without a zero point).
    Value codes = asStorage(dx.getInput());
    if (llvm::any_of(padLo, [](int64_t p) { return p != 0; }) ||
        llvm::any_of(padHi, [](int64_t p) { return p != 0; })) {
      Value padValue;
      if (Value zp = dx.getZeroPoint())
        padValue = tensor::ExtractOp::create(rewriter, loc, asStorage(zp),
                                             ValueRange{});
      else
        padValue = arith::ConstantIntOp::create(rewriter, loc, storage, 0);
      auto paddedType =
          RankedTensorType::get({xType.getDimSize(0), xType.getDimSize(1),
                                 xType.getDimSize(2) + padLo[2] + padHi[2],
                                 xType.getDimSize(3) + padLo[3] + padHi[3]},
                                storage);
      codes = tensor::PadOp::create(
          rewriter, loc, paddedType, codes, getAsIndexOpFoldResult(ctx, padLo),
          getAsIndexOpFoldResult(ctx, padHi), padValue);
    }

    SmallVector<Value> groups;
    for (int64_t gi = 0; gi < g; ++gi) {
      // im2col of the group's channels: P[n, oh, ow, c, kh, kw] =
      // codes[n, gi*Cg + c, oh*sh + kh*dh, ow*sw + kw*dw].
      AffineExpr d[6];
      bindDimsList(ctx, MutableArrayRef<AffineExpr>(d));
      AffineMap in =
          AffineMap::get(6, 0,
                         {d[0], d[3], d[1] * strides[0] + d[4] * dilations[0],
                          d[2] * strides[1] + d[5] * dilations[1]},
                         ctx);
      Value groupCodes = codes;
      if (g > 1) {
        SmallVector<int64_t> sizes(
            cast<RankedTensorType>(codes.getType()).getShape());
        sizes[1] = cg;
        groupCodes = copySlice(rewriter, loc, codes, {0, gi * cg, 0, 0}, sizes);
      }
      AffineMap out = AffineMap::getMultiDimIdentityMap(6, ctx);
      Value empty = tensor::EmptyOp::create(
          rewriter, loc, ArrayRef<int64_t>{n, oh, ow, cg, kh, kw}, storage);
      Value patches =
          linalg::GenericOp::create(rewriter, loc, TypeRange{empty.getType()},
                                    ValueRange{groupCodes}, ValueRange{empty},
                                    ArrayRef<AffineMap>{in, out},
                                    SmallVector<utils::IteratorType>(
                                        6, utils::IteratorType::parallel),
                                    [](OpBuilder &b, Location l, ValueRange a) {
                                      linalg::YieldOp::create(b, l, a[0]);
                                    })
              .getResult(0);
      Value lhs = tensor::CollapseShapeOp::create(
          rewriter, loc, patches,
          ArrayRef<ReassociationIndices>{{0, 1, 2}, {3, 4, 5}});
      auto lhsType = cast<RankedTensorType>(lhs.getType());
      if (xCode != storage)
        lhs = BitcastOp::create(rewriter, loc, lhsType.clone(xCode), lhs);

      // The group's weights, Mg x (Cg*KH*KW), and their scales.
      Value w = dw.getInput(), ws = dw.getScale(), wz = dw.getZeroPoint();
      if (g > 1) {
        w = copySlice(rewriter, loc, w, {gi * mg, 0, 0, 0}, {mg, cg, kh, kw});
        if (wLayout.isAxis()) {
          ws = copySlice(rewriter, loc, ws, {gi * mg}, {mg});
          if (wz)
            wz = copySlice(rewriter, loc, wz, {gi * mg}, {mg});
        }
      }
      Value rhs = tensor::CollapseShapeOp::create(
          rewriter, loc, w, ArrayRef<ReassociationIndices>{{0}, {1, 2, 3}});
      Value mm = MatmulOp::create(
          rewriter, loc,
          RankedTensorType::get({n * oh * ow, mg}, rewriter.getF32Type()), lhs,
          rhs, dx.getScale(), ws, dx.getZeroPoint(), wz,
          /*out_scale=*/Value(), /*out_zero_point=*/Value(), dx.getLayout(),
          wLayout, /*rhs_transposed=*/true, /*out_layout=*/LayoutAttr(),
          rewriter.getF32Type(), RoundingMode::half_even, /*seed=*/0);
      groups.push_back(tensor::ExpandShapeOp::create(
          rewriter, loc,
          RankedTensorType::get({n, oh, ow, mg}, rewriter.getF32Type()), mm,
          ArrayRef<ReassociationIndices>{{0, 1, 2}, {3}}));
    }
    Value nhwc =
        groups.size() == 1
            ? groups[0]
            : tensor::ConcatOp::create(rewriter, loc, 3, groups).getResult();
    // N OH OW M -> N M OH OW -> N G Mg OH OW.
    Value init = tensor::EmptyOp::create(rewriter, loc,
                                         ArrayRef<int64_t>{n, g * mg, oh, ow},
                                         rewriter.getF32Type());
    Value nchw = linalg::TransposeOp::create(rewriter, loc, nhwc, init,
                                             ArrayRef<int64_t>{0, 3, 1, 2})
                     .getResult()[0];
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
        op, resultType, nchw,
        ArrayRef<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
    return success();
  }
};

} // namespace

void lpc::lq::detail::populateFuseQDQConvPatterns(RewritePatternSet &patterns) {
  patterns.add<FuseConv2D>(patterns.getContext());
}
