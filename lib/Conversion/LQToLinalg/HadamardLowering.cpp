//===- HadamardLowering.cpp - Reference lowering of lq.hadamard -----------===//
//
// A fast Walsh-Hadamard transform: log2(p) butterfly stages over the 2^k
// factor (one elementwise generic each), then the m x m base matrix applied
// across the m rows, then the 1/sqrt(n) scale. docs/Semantics.md fixes this
// operation order so results are reproducible bit for bit.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "lpc/Dialect/LQ/IR/Hadamard.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>

using namespace mlir;
using namespace lpc::lq;

namespace {
struct HadamardLowering : OpConversionPattern<HadamardOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(HadamardOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    auto type = op.getInput().getType();
    int64_t n = type.getShape().back();
    // Plain variables: lambdas below capture them (structured bindings
    // cannot be captured in C++17).
    std::pair<int64_t, int64_t> factors = *getHadamardFactors(n);
    int64_t m = factors.first, p = factors.second;
    Type f32 = b.getF32Type();
    Type elem = type.getElementType();

    Value x = adaptor.getInput();
    if (elem != f32)
      x = buildElementwise(b, loc, x, f32,
                           [&](OpBuilder &nb, Location l, Value v, ValueRange) {
                             return toF32(nb, l, v);
                           });
    auto cIndex = [&](OpBuilder &nb, Location l, int64_t v) -> Value {
      return arith::ConstantIndexOp::create(nb, l, v);
    };
    // Butterflies over the low log2(p) bits of the innermost index.
    for (int64_t h = 1; h < p; h *= 2) {
      Value in = x;
      x = buildElementwise(
          b, loc, in, f32,
          [&](OpBuilder &nb, Location l, Value a, ValueRange idx) -> Value {
            Value i = idx.back();
            Value partner = arith::XOrIOp::create(nb, l, i, cIndex(nb, l, h));
            SmallVector<Value> pIdx(idx.begin(), idx.end());
            pIdx.back() = partner;
            Value other = tensor::ExtractOp::create(nb, l, in, pIdx);
            Value bit = arith::AndIOp::create(nb, l, i, cIndex(nb, l, h));
            Value low = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq,
                                              bit, cIndex(nb, l, 0));
            Value sum = arith::AddFOp::create(nb, l, a, other);
            Value diff = arith::SubFOp::create(nb, l, other, a);
            return arith::SelectOp::create(nb, l, low, sum, diff);
          });
    }
    // The base matrix across the m rows of p elements.
    if (m > 1) {
      SmallVector<int8_t> h = getHadamardBaseMatrix(m);
      SmallVector<float> hf(h.begin(), h.end());
      auto hType = RankedTensorType::get({m, m}, f32);
      Value hTensor = arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(hType, ArrayRef<float>(hf)));
      Value in = x;
      x = buildElementwise(
          b, loc, in, f32,
          [&](OpBuilder &nb, Location l, Value, ValueRange idx) -> Value {
            Value i = idx.back();
            Value im = arith::DivUIOp::create(nb, l, i, cIndex(nb, l, p));
            Value ip = arith::RemUIOp::create(nb, l, i, cIndex(nb, l, p));
            Value acc = arith::ConstantFloatOp::create(nb, l, nb.getF32Type(),
                                                       APFloat(0.0f));
            SmallVector<Value> jIdx(idx.begin(), idx.end());
            for (int64_t j = 0; j < m; ++j) {
              jIdx.back() =
                  arith::AddIOp::create(nb, l, cIndex(nb, l, j * p), ip);
              Value v = tensor::ExtractOp::create(nb, l, in, jIdx);
              Value sign = tensor::ExtractOp::create(
                  nb, l, hTensor, ValueRange{im, cIndex(nb, l, j)});
              acc = arith::AddFOp::create(
                  nb, l, acc, arith::MulFOp::create(nb, l, sign, v));
            }
            return acc;
          });
    }
    if (op.getNormalize()) {
      float scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(n)));
      x = buildElementwise(
          b, loc, x, f32,
          [&](OpBuilder &nb, Location l, Value v, ValueRange) -> Value {
            Value c = arith::ConstantFloatOp::create(nb, l, nb.getF32Type(),
                                                     APFloat(scale));
            return arith::MulFOp::create(nb, l, v, c);
          });
    }
    if (elem != f32)
      x = buildElementwise(
          b, loc, x, elem,
          [&](OpBuilder &nb, Location l, Value v, ValueRange) -> Value {
            return arith::TruncFOp::create(nb, l, elem, v);
          });
    rewriter.replaceOp(op, x);
    return success();
  }
};
} // namespace

void lpc::lq::populateHadamardLowering(TypeConverter &converter,
                                       RewritePatternSet &patterns) {
  patterns.add<HadamardLowering>(converter, patterns.getContext());
}
