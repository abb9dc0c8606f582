//===- ActivationQuantization.cpp - Run-time activation quantization ------===//

#include "lpc/Dialect/LQ/Utils/ActivationQuantization.h"

#include "lpc/Dialect/LQ/IR/Format.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace lpc::lq;

std::string lpc::lq::whyActivationsStayFloat(MatmulOp op) {
  if (!op.hasFloatLhs())
    return "its activations are already quantized";
  if (op.getOutScale() || !op.getAcc().isF32())
    return "it has an output scale";
  std::optional<Format> rhs = getFormat(op.getRhs().getType().getElementType());
  if (!rhs || !rhs->isIntegerValued())
    return "its weights are not integer codes (integer accumulation needs "
           "integer formats)";
  if (Value zp = op.getRhsZeroPoint()) {
    Type elem = cast<ShapedType>(zp.getType()).getElementType();
    if (isa<FloatType>(elem) && !getFormat(elem))
      return "its weights have float offsets, not integer zero points";
  }
  if (!op.getLhs().getType().hasStaticShape() ||
      !op.getRhs().getType().hasStaticShape())
    return "its shapes are not static";
  return "";
}

FailureOr<Value> lpc::lq::quantizeActivations(RewriterBase &rewriter,
                                              MatmulOp op, unsigned bits) {
  if (!whyActivationsStayFloat(op).empty() || bits < 2 || bits > 16)
    return failure();
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(op);
  Location loc = op.getLoc();
  MLIRContext *ctx = rewriter.getContext();
  bool transposed = op.getRhsTransposed();
  unsigned rhsK = transposed ? 1 : 0;
  Value lhs = op.getLhs(), rhs = op.getRhs();
  auto lhsType = op.getLhs().getType();
  int64_t m = lhsType.getDimSize(0), k = lhsType.getDimSize(1);
  std::optional<int64_t> block = op.getRhsLayout().getBlockAlong(rhsK);

  // A partial last K-block: zeros past K on both sides.
  if (block && k % *block) {
    int64_t padded = (k + *block - 1) / *block * *block;
    auto padTo = [&](Value v, unsigned dim, Value padValue) -> Value {
      auto type = cast<RankedTensorType>(v.getType());
      SmallVector<int64_t> shape(type.getShape());
      shape[dim] = padded;
      SmallVector<OpFoldResult> low(2, rewriter.getIndexAttr(0)),
          high(2, rewriter.getIndexAttr(0));
      high[dim] = rewriter.getIndexAttr(padded - k);
      return tensor::PadOp::create(rewriter, loc, type.clone(shape), v, low,
                                   high, padValue);
    };
    lhs = padTo(lhs, 1,
                arith::ConstantOp::create(rewriter, loc,
                                          rewriter.getF32FloatAttr(0.0f)));
    // Codes are padded as their storage integers, element by element: a
    // tensor.pad would bufferize to a copy into a subview, which packed
    // sub-byte buffers do not have.
    auto rhsType = op.getRhs().getType();
    Type storage = getStorageType(rhsType.getElementType());
    Value codes = rhs;
    if (storage != rhsType.getElementType())
      codes = BitcastOp::create(rewriter, loc, rhsType.clone(storage), rhs);
    SmallVector<int64_t> shape(rhsType.getShape());
    shape[rhsK] = padded;
    auto generated = tensor::GenerateOp::create(
        rewriter, loc, RankedTensorType::get(shape, storage), ValueRange{},
        [&](OpBuilder &b, Location l, ValueRange idx) {
          SmallVector<Value> at(idx);
          Value last = arith::ConstantIndexOp::create(b, l, k - 1);
          Value inside = arith::CmpIOp::create(b, l, arith::CmpIPredicate::ule,
                                               idx[rhsK], last);
          at[rhsK] = arith::MinUIOp::create(b, l, idx[rhsK], last);
          Value code = tensor::ExtractOp::create(b, l, codes, at);
          Value zero =
              arith::ConstantOp::create(b, l, b.getIntegerAttr(storage, 0));
          tensor::YieldOp::create(
              b, l,
              arith::SelectOp::create(b, l, inside, code, zero).getResult());
        });
    auto paddedType = RankedTensorType::get(shape, rhsType.getElementType());
    rhs = generated.getType() == paddedType
              ? generated.getResult()
              : BitcastOp::create(rewriter, loc, paddedType, generated)
                    .getResult();
    k = padded;
  }

  // Per K-block of the weights, or per token (row of the activations).
  LayoutAttr layout = block ? LayoutAttr::getBlock(ctx, {1, *block})
                            : LayoutAttr::getAxis(ctx, 0);
  auto codesType = RankedTensorType::get(
      {m, k}, IntType::get(ctx, bits, /*isSigned=*/true, /*narrow=*/false));
  auto scaleType = RankedTensorType::get(
      block ? SmallVector<int64_t>{m, k / *block} : SmallVector<int64_t>{m},
      rewriter.getF32Type());
  auto quantized = DynamicQuantizeOp::create(rewriter, loc, codesType,
                                             scaleType, lhs, layout);
  auto matmul = MatmulOp::create(
      rewriter, loc, op.getType(), quantized.getResult(), rhs,
      quantized.getScale(), op.getRhsScale(), /*lhs_zero_point=*/Value(),
      op.getRhsZeroPoint(), /*out_scale=*/Value(), /*out_zero_point=*/Value(),
      layout, op.getRhsLayout(), transposed, /*out_layout=*/LayoutAttr(),
      rewriter.getI32Type(), RoundingMode::half_even, /*seed=*/0);
  rewriter.replaceOp(op, matmul.getResult());
  return matmul.getResult();
}
