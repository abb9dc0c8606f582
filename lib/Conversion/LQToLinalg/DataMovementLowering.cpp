//===- DataMovementLowering.cpp - Packing, planes, lookups, salient merge -===//
//
// Reference lowerings of the lq ops that move codes around rather than round
// them: pack/unpack (dense, bit-planes, tiles), split/combine_planes,
// lookup and salient_merge. All are generics over the result that read their
// inputs with tensor.extract at computed indices.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "lpc/Dialect/LQ/Utils/FormatCodegen.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace lpc::lq;

namespace {

Value cIndex(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// An elementwise-style generic that produces a fresh tensor of `type` (with
/// static shape) and whose body only needs the result indices.
Value buildFromIndices(
    OpBuilder &b, Location loc, RankedTensorType type,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  Value init =
      tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
  int64_t rank = type.getRank();
  SmallVector<AffineMap> maps{b.getMultiDimIdentityMap(rank)};
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, ValueRange{}, ValueRange{init}, maps,
             iters,
             [&](OpBuilder &nb, Location l, ValueRange) {
               SmallVector<Value> idx;
               for (int64_t d = 0; d < rank; ++d)
                 idx.push_back(linalg::IndexOp::create(nb, l, d));
               linalg::YieldOp::create(nb, l, body(nb, l, idx));
             })
      .getResult(0);
}

/// Bit `shift` (an i32) of the i32 `word`, as 0 or 1 in i32.
Value bitOf(OpBuilder &b, Location loc, Value word, Value shift) {
  return arith::AndIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, word, shift),
      arith::ConstantIntOp::create(b, loc, b.getI32Type(), 1));
}

/// `acc | (bit << pos)` for i32 `acc` and a 0/1 i32 `bit`.
Value setBit(OpBuilder &b, Location loc, Value acc, Value bit, int64_t pos) {
  return arith::OrIOp::create(
      b, loc, acc,
      arith::ShLIOp::create(
          b, loc, bit,
          arith::ConstantIntOp::create(b, loc, b.getI32Type(), pos)));
}

/// Multi-index of row-major linear `lin` in a static `shape`.
SmallVector<Value> delinearize(OpBuilder &b, Location loc, Value lin,
                               ArrayRef<int64_t> shape) {
  SmallVector<Value> idx(shape.size());
  for (int64_t d = shape.size() - 1; d >= 0; --d) {
    idx[d] = arith::RemUIOp::create(b, loc, lin, cIndex(b, loc, shape[d]));
    lin = arith::DivUIOp::create(b, loc, lin, cIndex(b, loc, shape[d]));
  }
  return idx;
}

/// Where the code at packing position `pos` (the order codes are laid out
/// in) lives in a tensor of `shape`: row-major, or tile order.
SmallVector<Value> sourceOfPosition(OpBuilder &b, Location loc, Value pos,
                                    PackingAttr packing,
                                    ArrayRef<int64_t> shape) {
  if (packing.getKind() != PackingKind::tiles)
    return delinearize(b, loc, pos, shape);
  int64_t tr = packing.getTile()[0], tc = packing.getTile()[1];
  int64_t tilesPerRow = shape[1] / tc;
  Value tile = arith::DivUIOp::create(b, loc, pos, cIndex(b, loc, tr * tc));
  Value within = arith::RemUIOp::create(b, loc, pos, cIndex(b, loc, tr * tc));
  Value tileRow =
      arith::DivUIOp::create(b, loc, tile, cIndex(b, loc, tilesPerRow));
  Value tileCol =
      arith::RemUIOp::create(b, loc, tile, cIndex(b, loc, tilesPerRow));
  Value r = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, tileRow, cIndex(b, loc, tr)),
      arith::DivUIOp::create(b, loc, within, cIndex(b, loc, tc)));
  Value c = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, tileCol, cIndex(b, loc, tc)),
      arith::RemUIOp::create(b, loc, within, cIndex(b, loc, tc)));
  return {r, c};
}

/// The packing position of the code at `idx` (inverse of sourceOfPosition).
Value positionOfSource(OpBuilder &b, Location loc, ValueRange idx,
                       PackingAttr packing, ArrayRef<int64_t> shape) {
  if (packing.getKind() != PackingKind::tiles)
    return linearize(b, loc, idx, shape);
  int64_t tr = packing.getTile()[0], tc = packing.getTile()[1];
  int64_t tilesPerRow = shape[1] / tc;
  Value tileRow = arith::DivUIOp::create(b, loc, idx[0], cIndex(b, loc, tr));
  Value tileCol = arith::DivUIOp::create(b, loc, idx[1], cIndex(b, loc, tc));
  Value tile = arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc, tileRow, cIndex(b, loc, tilesPerRow)),
      tileCol);
  Value within = arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(
          b, loc, arith::RemUIOp::create(b, loc, idx[0], cIndex(b, loc, tr)),
          cIndex(b, loc, tc)),
      arith::RemUIOp::create(b, loc, idx[1], cIndex(b, loc, tc)));
  return arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, tile, cIndex(b, loc, tr * tc)),
      within);
}

struct PackLowering : OpConversionPattern<PackOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(PackOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto codesType = op.getInput().getType();
    ArrayRef<int64_t> shape = codesType.getShape();
    int64_t n = codesType.getNumElements();
    unsigned w = getFormat(codesType.getElementType())->width;
    int64_t planeBytes = (n + 7) / 8;
    PackingAttr packing = op.getPacking();
    Value codes = adaptor.getInput();
    Value bytes = buildFromIndices(
        rewriter, op.getLoc(), op.getType(),
        [&](OpBuilder &b, Location l, ValueRange idx) -> Value {
          Type i32 = b.getI32Type();
          Value byte = idx[0];
          Value acc = arith::ConstantIntOp::create(b, l, i32, 0);
          for (int64_t bit = 0; bit < 8; ++bit) {
            // (element position, bit of the code) feeding this bit.
            Value pos, codeBit;
            if (packing.getKind() == PackingKind::bitplanes) {
              Value plane =
                  arith::DivUIOp::create(b, l, byte, cIndex(b, l, planeBytes));
              Value inPlane =
                  arith::RemUIOp::create(b, l, byte, cIndex(b, l, planeBytes));
              pos = arith::AddIOp::create(
                  b, l, arith::MulIOp::create(b, l, inPlane, cIndex(b, l, 8)),
                  cIndex(b, l, bit));
              codeBit = plane;
            } else {
              Value stream = arith::AddIOp::create(
                  b, l, arith::MulIOp::create(b, l, byte, cIndex(b, l, 8)),
                  cIndex(b, l, bit));
              pos = arith::DivUIOp::create(b, l, stream, cIndex(b, l, w));
              codeBit = arith::RemUIOp::create(b, l, stream, cIndex(b, l, w));
            }
            Value valid = arith::CmpIOp::create(b, l, arith::CmpIPredicate::ult,
                                                pos, cIndex(b, l, n));
            Value safePos =
                arith::MinUIOp::create(b, l, pos, cIndex(b, l, n - 1));
            SmallVector<Value> src =
                sourceOfPosition(b, l, safePos, packing, shape);
            Value code = arith::ExtUIOp::create(
                b, l, i32, tensor::ExtractOp::create(b, l, codes, src));
            Value shiftBy = arith::IndexCastOp::create(b, l, i32, codeBit);
            Value v = bitOf(b, l, code, shiftBy);
            v = arith::SelectOp::create(
                b, l, valid, v, arith::ConstantIntOp::create(b, l, i32, 0));
            acc = setBit(b, l, acc, v, bit);
          }
          return arith::TruncIOp::create(b, l, b.getI8Type(), acc);
        });
    rewriter.replaceOp(op, bytes);
    return success();
  }
};

struct UnpackLowering : OpConversionPattern<UnpackOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(UnpackOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto codesType = op.getType();
    ArrayRef<int64_t> shape = codesType.getShape();
    int64_t n = codesType.getNumElements();
    unsigned w = getFormat(codesType.getElementType())->width;
    int64_t planeBytes = (n + 7) / 8;
    PackingAttr packing = op.getPacking();
    Value bytes = adaptor.getInput();
    auto storageType = RankedTensorType::get(shape, rewriter.getIntegerType(w));
    Value codes = buildFromIndices(
        rewriter, op.getLoc(), storageType,
        [&](OpBuilder &b, Location l, ValueRange idx) -> Value {
          Type i32 = b.getI32Type();
          Value pos = positionOfSource(b, l, idx, packing, shape);
          Value acc = arith::ConstantIntOp::create(b, l, i32, 0);
          for (unsigned bit = 0; bit < w; ++bit) {
            Value streamBit;
            if (packing.getKind() == PackingKind::bitplanes)
              streamBit = arith::AddIOp::create(
                  b, l, cIndex(b, l, int64_t(bit) * planeBytes * 8), pos);
            else
              streamBit = arith::AddIOp::create(
                  b, l, arith::MulIOp::create(b, l, pos, cIndex(b, l, w)),
                  cIndex(b, l, bit));
            Value byteIdx =
                arith::DivUIOp::create(b, l, streamBit, cIndex(b, l, 8));
            Value inByte = arith::IndexCastOp::create(
                b, l, i32,
                arith::RemUIOp::create(b, l, streamBit, cIndex(b, l, 8)));
            Value byte = arith::ExtUIOp::create(
                b, l, i32, tensor::ExtractOp::create(b, l, bytes, byteIdx));
            Value v = bitOf(b, l, byte, inByte);
            acc = setBit(b, l, acc, v, bit);
          }
          return arith::TruncIOp::create(b, l, b.getIntegerType(w), acc);
        });
    rewriter.replaceOp(op, codes);
    return success();
  }
};

struct SplitPlanesLowering : OpConversionPattern<SplitPlanesOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SplitPlanesOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    if (!resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    Value input = adaptor.getInput();
    Value planes = buildFromIndices(
        rewriter, op.getLoc(), resultType,
        [&](OpBuilder &b, Location l, ValueRange idx) -> Value {
          Type i32 = b.getI32Type();
          Value code = arith::ExtUIOp::create(
              b, l, i32,
              tensor::ExtractOp::create(b, l, input, idx.drop_front()));
          Value plane = arith::IndexCastOp::create(b, l, i32, idx[0]);
          Value bit = bitOf(b, l, code, plane);
          return arith::TruncIOp::create(b, l, b.getI1Type(), bit);
        });
    rewriter.replaceOp(op, planes);
    return success();
  }
};

struct CombinePlanesLowering : OpConversionPattern<CombinePlanesOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(CombinePlanesOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = op.getType();
    int64_t numPlanes = op.getInput().getType().getDimSize(0);
    if (!resultType.hasStaticShape() || ShapedType::isDynamic(numPlanes))
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    Format plane = *getFormat(op.getInput().getType().getElementType());
    ScaleInfo info = makeScaleInfo(op.getLayout(), adaptor.getScale(), Value(),
                                   Value(), op.getScale());
    Value planes = adaptor.getInput();
    auto f32Type =
        RankedTensorType::get(resultType.getShape(), rewriter.getF32Type());
    Value sum = buildFromIndices(
        rewriter, op.getLoc(), f32Type,
        [&](OpBuilder &b, Location l, ValueRange idx) -> Value {
          Value acc = arith::ConstantFloatOp::create(b, l, b.getF32Type(),
                                                     APFloat(0.0f));
          for (int64_t p = 0; p < numPlanes; ++p) {
            SmallVector<Value> full{cIndex(b, l, p)};
            llvm::append_range(full, idx);
            Value s = loadScale(b, l, info, full).first;
            Value v = emitDecodeF32(
                b, l, plane, tensor::ExtractOp::create(b, l, planes, full));
            acc = arith::AddFOp::create(b, l, acc,
                                        arith::MulFOp::create(b, l, s, v));
          }
          return acc;
        });
    if (resultType.getElementType() != rewriter.getF32Type())
      sum = buildElementwise(
          rewriter, op.getLoc(), sum, resultType.getElementType(),
          [&](OpBuilder &b, Location l, Value v, ValueRange) -> Value {
            return arith::TruncFOp::create(b, l, resultType.getElementType(),
                                           v);
          });
    rewriter.replaceOp(op, sum);
    return success();
  }
};

struct LookupLowering : OpConversionPattern<LookupOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LookupOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value table = adaptor.getTable();
    LayoutAttr layout = op.getLayout();
    Type elem = op.getType().getElementType();
    Value result = buildElementwise(
        rewriter, op.getLoc(), adaptor.getInput(), elem,
        [&](OpBuilder &b, Location l, Value code, ValueRange idx) -> Value {
          SmallVector<Value> tIdx = scaleIndices(b, l, layout, idx);
          tIdx.push_back(
              arith::IndexCastUIOp::create(b, l, b.getIndexType(), code));
          Value v = tensor::ExtractOp::create(b, l, table, tIdx);
          if (v.getType() != elem)
            v = isa<mlir::FloatType>(elem) &&
                        cast<mlir::FloatType>(elem).getWidth() >
                            cast<mlir::FloatType>(v.getType()).getWidth()
                    ? Value(arith::ExtFOp::create(b, l, elem, v))
                    : Value(arith::TruncFOp::create(b, l, elem, v));
          return v;
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct SalientMergeLowering : OpConversionPattern<SalientMergeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SalientMergeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    int64_t axis = op.getAxis();
    ArrayRef<int64_t> indices = op.getIndices();
    Value salient = adaptor.getSalient();
    Value result = buildElementwise(
        rewriter, op.getLoc(), adaptor.getBase(), op.getType().getElementType(),
        [&](OpBuilder &b, Location l, Value base, ValueRange idx) -> Value {
          Value v = base;
          SmallVector<Value> sIdx(idx.begin(), idx.end());
          for (auto [j, channel] : llvm::enumerate(indices)) {
            Value hit = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq,
                                              idx[axis], cIndex(b, l, channel));
            sIdx[axis] = cIndex(b, l, j);
            Value s = tensor::ExtractOp::create(b, l, salient, sIdx);
            v = arith::SelectOp::create(b, l, hit, s, v);
          }
          return v;
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void lpc::lq::populateDataMovementLowering(TypeConverter &converter,
                                           RewritePatternSet &patterns) {
  patterns.add<PackLowering, UnpackLowering, SplitPlanesLowering,
               CombinePlanesLowering, LookupLowering, SalientMergeLowering>(
      converter, patterns.getContext());
}
