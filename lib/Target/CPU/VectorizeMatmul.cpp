//===- VectorizeMatmul.cpp - Weight-only lq.matmul as vector code ---------===//
//
// lpc-cpu-vectorize-matmul (Passes.td): register tiles of output rows on
// threads, K-groups and vector steps as loops, dequantization in registers.
// The tile shape comes from the module's #lq.target.
//
//===----------------------------------------------------------------------===//

#include "lpc/Target/CPU/Passes.h"

#include "KernelUtils.h"

#include "lpc/Dialect/LQ/IR/Format.h"
#include "lpc/Dialect/LQ/Utils/FormatCodegen.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace lpc {
#define GEN_PASS_DEF_LPCCPUVECTORIZEMATMUL
#include "lpc/Target/CPU/Passes.h.inc"
} // namespace lpc

using namespace mlir;
using namespace lpc::lq;
using lpc::cpu::Tile;

namespace {

/// The lq.matmul forms this pass vectorizes, with what it needs of them.
struct WeightOnlyMatmul {
  int64_t m, n, k, group;
  Format format;
  /// The scale's layout kind: per K-group, per row or per tensor.
  LayoutKind layout;
  /// Integer zero points (subtracted from the code) or, when null with a
  /// zero-point operand, f32 offsets (added after the scale).
  std::optional<Format> zpFormat;
  bool floatOffset = false;
};

FailureOr<WeightOnlyMatmul> matchWeightOnly(MatmulOp op, const Tile &tile) {
  if (!op.hasFloatLhs() || !op.getRhsTransposed() || op.getOutScale() ||
      !op.getAcc().isF32())
    return failure();
  auto lhs = op.getLhs().getType(), rhs = op.getRhs().getType();
  auto result = cast<RankedTensorType>(op.getType());
  if (!lhs.hasStaticShape() || !rhs.hasStaticShape() || lhs.getRank() != 2 ||
      rhs.getRank() != 2 || !result.getElementType().isF32())
    return failure();
  WeightOnlyMatmul w;
  w.m = lhs.getDimSize(0);
  w.k = lhs.getDimSize(1);
  w.n = rhs.getDimSize(0);
  // Integers of 4 and 8 bits; any 4-bit format (codebooks such as NF4,
  // minifloats such as E2M1) where a code indexes a 16-lane table; 8-bit
  // minifloats (FP8 E4M3, E5M2, ...), decoded in registers by the semantics
  // library's own decoder.
  std::optional<Format> format = getFormat(rhs.getElementType());
  if (!format || (format->width != 4 && format->width != 8))
    return failure();
  bool table = format->width == 4 && tile.lanes == 16;
  bool fp8 = format->width == 8 && format->isMiniFloat();
  if (!format->isInteger() && !table && !fp8)
    return failure();
  w.format = *format;
  if (!op.getRhsScale().getType().getElementType().isF32())
    return failure();
  LayoutAttr layout = op.getRhsLayout();
  w.layout = layout.getKind();
  switch (w.layout) {
  case LayoutKind::tensor:
    w.group = w.k;
    break;
  case LayoutKind::axis:
    if (layout.getAxis() != 0)
      return failure();
    w.group = w.k;
    break;
  case LayoutKind::block: {
    ArrayRef<int64_t> block = layout.getBlock();
    if (block.size() != 2 || block[0] != 1 || w.k % block[1])
      return failure();
    w.group = block[1];
    break;
  }
  }
  if (w.group % tile.step(w.format.width) || w.m == 0 || w.n == 0)
    return failure();
  if (Value zp = op.getRhsZeroPoint()) {
    Type zpElem = cast<RankedTensorType>(zp.getType()).getElementType();
    if (zpElem.isF32()) {
      w.floatOffset = true;
    } else {
      w.zpFormat = getFormat(zpElem);
      // Integer zero points go with integer codes (as in the reference).
      if (!w.zpFormat || !w.zpFormat->isInteger() || !format->isInteger())
        return failure();
    }
  }
  return w;
}

struct VectorizeWeightOnlyMatmul : OpRewritePattern<MatmulOp> {
  VectorizeWeightOnlyMatmul(MLIRContext *ctx, Tile tile)
      : OpRewritePattern(ctx), tile(tile) {}

  LogicalResult matchAndRewrite(MatmulOp op,
                                PatternRewriter &rewriter) const override {
    // The widest step the K-groups allow.
    // The register tile lq-tile-matmul chose, if it ran.
    Tile tile = lpc::cpu::applyTileAttr(op, this->tile);
    // 4-bit reads already fill two vectors per row: unrolling them too
    // would spill the accumulators of a 4-row tile.
    if (auto f = getFormat(op.getRhs().getType().getElementType());
        f && f->width == 4)
      tile.unroll = 1;
    FailureOr<WeightOnlyMatmul> w = matchWeightOnly(op, tile);
    if (failed(w)) {
      tile.unroll = 1;
      w = matchWeightOnly(op, tile);
    }
    if (failed(w))
      return rewriter.notifyMatchFailure(op, "not a vectorizable weight-only "
                                             "lq.matmul");
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    Type f32 = b.getF32Type();
    auto storage = IntegerType::get(b.getContext(), w->format.width);
    auto rhsType = op.getRhs().getType();
    Value codes = BitcastOp::create(
        b, loc, RankedTensorType::get(rhsType.getShape(), storage),
        op.getRhs());
    // Zero points in an lq format are read as their storage integers.
    Value zeroPoints = op.getRhsZeroPoint();
    if (zeroPoints) {
      auto zpType = cast<RankedTensorType>(zeroPoints.getType());
      if (!zpType.getElementType().isIntOrFloat())
        zeroPoints = BitcastOp::create(
            b, loc, zpType.clone(getStorageType(zpType.getElementType())),
            zeroPoints);
    }
    Value out =
        tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{w->m, w->n}, f32);
    // 4-bit codes pair with the even and the odd activations: split them
    // once, not in every tile.
    SmallVector<Value> acts = {op.getLhs()};
    if (w->format.width == 4)
      acts = splitEvenOdd(b, loc, op.getLhs(), *w, tile);
    // Full tiles of `rows` rows, then one-row tiles for the remainder.
    int64_t full = w->n / tile.rows;
    if (full)
      out = buildTiles(b, loc, op, *w, tile, codes, zeroPoints, acts, out, 0,
                       full, tile.rows);
    if (int64_t rest = w->n % tile.rows)
      out = buildTiles(b, loc, op, *w, tile, codes, zeroPoints, acts, out,
                       full * tile.rows, rest, 1);
    rewriter.replaceOp(op, out);
    return success();
  }

private:
  Value index(OpBuilder &b, Location loc, int64_t v) const {
    return arith::ConstantIndexOp::create(b, loc, v);
  }

  /// What dequantizes the codes of one row and K-group, broadcast to
  /// vectors: `sub` is subtracted from the f32 codes before the scale (`bias`
  /// plus an integer zero point; null when both are zero), `add` added after
  /// it (an f32 offset, or null). `zeroPoints` is the rhs zero-point tensor
  /// in storage integers (or f32 offsets), or null.
  struct GroupScale {
    Value scale, sub, add;
  };
  GroupScale loadScale(OpBuilder &b, Location loc, MatmulOp op,
                       const WeightOnlyMatmul &w, const Tile &tile,
                       Value zeroPoints, Value row, Value group,
                       float bias) const {
    SmallVector<Value> idx;
    if (w.layout == LayoutKind::axis)
      idx = {row};
    else if (w.layout == LayoutKind::block)
      idx = {row, group};
    Type f32 = b.getF32Type();
    auto vecType = VectorType::get({tile.lanes}, f32);
    auto splat = [&](Value v) -> Value {
      return v ? vector::BroadcastOp::create(b, loc, vecType, v).getResult()
               : v;
    };
    GroupScale g;
    g.scale = tensor::ExtractOp::create(b, loc, op.getRhsScale(), idx);
    Value sub;
    if (bias != 0)
      sub = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(bias));
    if (zeroPoints) {
      Value zp = tensor::ExtractOp::create(b, loc, zeroPoints, idx);
      if (w.floatOffset) {
        g.add = zp;
      } else {
        zp = emitZeroPointI32(b, loc, *w.zpFormat, zp);
        zp = arith::SIToFPOp::create(b, loc, f32, zp);
        // Exact: |zp| < 2^16 and bias is 0 or 2^23 (+ 8).
        sub = sub ? arith::AddFOp::create(b, loc, zp, sub).getResult() : zp;
      }
    }
    g.scale = splat(g.scale);
    g.sub = splat(sub);
    g.add = splat(g.add);
    return g;
  }

  /// Lane i of the result is lane `indices[i]` of `table` (indices below
  /// the lane count): the element-wise form LLVM's x86 backend turns into
  /// one variable permute (vpermps).
  static Value lookup(OpBuilder &b, Location loc, Value table, Value indices,
                      int64_t lanes) {
    SmallVector<Value> elements;
    for (int64_t i = 0; i < lanes; ++i) {
      Value idx = vector::ExtractOp::create(b, loc, indices, i);
      idx = arith::IndexCastUIOp::create(b, loc, b.getIndexType(), idx);
      elements.push_back(vector::ExtractOp::create(
          b, loc, table, ArrayRef<OpFoldResult>{idx}));
    }
    return vector::FromElementsOp::create(b, loc, table.getType(), elements);
  }

  /// The even and the odd columns of `lhs` (M x K) as two M x K/2 tensors.
  SmallVector<Value> splitEvenOdd(OpBuilder &b, Location loc, Value lhs,
                                  const WeightOnlyMatmul &w,
                                  const Tile &tile) const {
    Type f32 = b.getF32Type();
    auto half = RankedTensorType::get({w.m, w.k / 2}, f32);
    auto wide = VectorType::get({2 * tile.lanes}, f32);
    Value zeroF = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
    Value init[] = {tensor::EmptyOp::create(b, loc, half.getShape(), f32),
                    tensor::EmptyOp::create(b, loc, half.getShape(), f32)};
    auto mLoop = scf::ForOp::create(
        b, loc, index(b, loc, 0), index(b, loc, w.m), index(b, loc, 1), init,
        [&](OpBuilder &b, Location loc, Value m, ValueRange mArgs) {
          auto kLoop = scf::ForOp::create(
              b, loc, index(b, loc, 0), index(b, loc, w.k),
              index(b, loc, 2 * tile.lanes), mArgs,
              [&](OpBuilder &b, Location loc, Value k, ValueRange kArgs) {
                Value x = vector::TransferReadOp::create(
                    b, loc, wide, lhs, ValueRange{m, k}, zeroF,
                    ArrayRef<bool>{true});
                auto halves = vector::DeinterleaveOp::create(b, loc, x);
                Value kh = arith::DivUIOp::create(b, loc, k, index(b, loc, 2));
                Value even = vector::TransferWriteOp::create(
                                 b, loc, halves.getRes1(), kArgs[0],
                                 ValueRange{m, kh}, ArrayRef<bool>{true})
                                 .getResult();
                Value odd = vector::TransferWriteOp::create(
                                b, loc, halves.getRes2(), kArgs[1],
                                ValueRange{m, kh}, ArrayRef<bool>{true})
                                .getResult();
                scf::YieldOp::create(b, loc, ValueRange{even, odd});
              });
          scf::YieldOp::create(b, loc, kLoop.getResults());
        });
    return {mLoop.getResult(0), mLoop.getResult(1)};
  }

  /// `count` tiles of `rows` rows starting at row `first`, one scf.forall
  /// iteration each, written into `out`. `codes` and `zeroPoints` (or null)
  /// are in storage integers; `acts` is the lhs, or for 4-bit codes its even
  /// and odd columns (splitEvenOdd).
  Value buildTiles(OpBuilder &b, Location loc, MatmulOp op,
                   const WeightOnlyMatmul &w, const Tile &tile, Value codes,
                   Value zeroPoints, ArrayRef<Value> acts, Value out,
                   int64_t first, int64_t count, int64_t rows) const {
    return lpc::cpu::buildRowTiles(
        b, loc, out, w.m, first, count, rows,
        [&](OpBuilder &b, Location loc, ArrayRef<Value> rowIdx, Value init) {
          return buildTile(b, loc, op, w, tile, codes, zeroPoints, acts, rowIdx,
                           init);
        });
  }

  /// One tile: the M x rows result of output rows `rowIdx`.
  Value buildTile(OpBuilder &b, Location loc, MatmulOp op,
                  const WeightOnlyMatmul &w, const Tile &tile, Value codes,
                  Value zeroPoints, ArrayRef<Value> acts,
                  ArrayRef<Value> rowIdx, Value tileInit) const {
    int64_t rows = rowIdx.size();
    Type f32 = b.getF32Type();
    unsigned width = w.format.width;
    int64_t lanes = tile.lanes, perRead = Tile::vectorsPerRead(width);
    int64_t step = tile.step(width), readCodes = lanes * perRead;
    auto accType = VectorType::get({lanes}, f32);
    auto codeType = VectorType::get(
        {readCodes}, cast<RankedTensorType>(codes.getType()).getElementType());
    auto byteType = VectorType::get({lanes}, b.getI8Type());
    auto i32Type = VectorType::get({lanes}, b.getI32Type());
    Value zeroF = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
    Value zeroAcc = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(accType, b.getF32FloatAttr(0.0f)));
    Value padCode = arith::ConstantOp::create(
        b, loc, b.getIntegerAttr(codeType.getElementType(), 0));
    auto splat = [&](int64_t v) -> Value {
      return arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(i32Type, b.getI32IntegerAttr(v)));
    };
    Value c4 = splat(4), c8 = splat(8), c15 = splat(15),
          magic = splat(0x4B000000); // the bits of 2^23
    bool isSigned = w.format.isSigned;
    int64_t accsPerRow = perRead * tile.unroll, numAcc = rows * accsPerRow;

    // The codes of one read as f32 vectors, in the order of the activation
    // vectors `readActivations` gives, each offset by `bias`. 8-bit: the
    // converted codes (bias 0). 4-bit: lane j holds byte j, whose low nibble
    // is code 2j and high nibble code 2j+1 (the even and the odd codes);
    // each nibble u (signed: u ^ 8, the code plus 8) goes into the mantissa
    // of 2^23, so the float is exactly 2^23 + u with no conversion, and
    // subtracting bias = 2^23 (+ 8) gives the code exactly.
    float bias = width == 4 ? float(1 << 23) + (isSigned ? 8.0f : 0.0f) : 0;
    // With 16 lanes (AVX-512), a 4-bit code is an index into one register:
    // per row and K-group the table of its 16 dequantized values,
    // f32(code - zp) * scale exactly as the reference computes them, and
    // each read costs one vpermps per 16 codes instead of decode, offset and
    // scale.
    bool useTable = width == 4 && lanes == 16;
    Value codeValues;
    if (useTable) {
      // value(code) of the 16 codes, by the format's own decoder (integers,
      // codebooks, minifloats alike; the constants fold).
      SmallVector<Value> values;
      for (int v = 0; v < 16; ++v) {
        Value code = arith::ConstantOp::create(
            b, loc, b.getIntegerAttr(codeType.getElementType(), v));
        values.push_back(
            w.format.isInteger()
                ? arith::SIToFPOp::create(
                      b, loc, f32, emitDecodeInt(b, loc, w.format, code, {}))
                      .getResult()
                : emitDecodeF32(b, loc, w.format, code));
      }
      codeValues = vector::FromElementsOp::create(b, loc, accType, values);
      bias = 0;
    }
    auto readCodesAt = [&](OpBuilder &b, Location loc, Value row,
                           Value k) -> SmallVector<Value> {
      Value q = vector::TransferReadOp::create(b, loc, codeType, codes,
                                               ValueRange{row, k}, padCode,
                                               ArrayRef<bool>{true});
      if (width == 8 && w.format.isMiniFloat())
        return {emitDecodeF32(b, loc, w.format, q)};
      if (width == 8) {
        Value qi = isSigned
                       ? arith::ExtSIOp::create(b, loc, i32Type, q).getResult()
                       : arith::ExtUIOp::create(b, loc, i32Type, q).getResult();
        return {arith::SIToFPOp::create(b, loc, accType, qi)};
      }
      Value bytes = vector::BitCastOp::create(b, loc, byteType, q);
      Value wide = arith::ExtUIOp::create(b, loc, i32Type, bytes);
      if (useTable)
        return {arith::AndIOp::create(b, loc, wide, c15),
                arith::ShRUIOp::create(b, loc, wide, c4)};
      SmallVector<Value> result;
      for (Value nibble :
           {arith::AndIOp::create(b, loc, wide, c15).getResult(),
            arith::ShRUIOp::create(b, loc, wide, c4).getResult()}) {
        if (isSigned)
          nibble = arith::XOrIOp::create(b, loc, nibble, c8);
        nibble = arith::OrIOp::create(b, loc, nibble, magic);
        result.push_back(arith::BitcastOp::create(b, loc, accType, nibble));
      }
      return result;
    };
    // The activations a read's codes multiply: 4-bit, the even and the odd
    // ones of `2 * lanes` columns from k.
    auto readActivations = [&](OpBuilder &b, Location loc, Value m,
                               Value k) -> SmallVector<Value> {
      if (perRead == 1)
        return {vector::TransferReadOp::create(b, loc, accType, acts[0],
                                               ValueRange{m, k}, zeroF,
                                               ArrayRef<bool>{true})};
      Value kh = arith::DivUIOp::create(b, loc, k, index(b, loc, 2));
      SmallVector<Value> xs;
      for (Value half : acts)
        xs.push_back(vector::TransferReadOp::create(b, loc, accType, half,
                                                    ValueRange{m, kh}, zeroF,
                                                    ArrayRef<bool>{true}));
      return xs;
    };

    auto mLoop = scf::ForOp::create(
        b, loc, index(b, loc, 0), index(b, loc, w.m), index(b, loc, 1),
        ValueRange{tileInit},
        [&](OpBuilder &b, Location loc, Value mIdx, ValueRange mArgs) {
          SmallVector<Value> init(numAcc, zeroAcc);
          auto gLoop = scf::ForOp::create(
              b, loc, index(b, loc, 0), index(b, loc, w.k / w.group),
              index(b, loc, 1), init,
              [&](OpBuilder &b, Location loc, Value gIdx, ValueRange accs) {
                SmallVector<GroupScale> scales;
                SmallVector<Value> tables;
                for (Value row : rowIdx) {
                  scales.push_back(loadScale(b, loc, op, w, tile, zeroPoints,
                                             row, gIdx, bias));
                  if (!useTable)
                    continue;
                  // The reference's deq, lane by lane.
                  const GroupScale &g = scales.back();
                  Value t = codeValues;
                  if (g.sub)
                    t = arith::SubFOp::create(b, loc, t, g.sub);
                  t = arith::MulFOp::create(b, loc, t, g.scale);
                  if (g.add)
                    t = arith::AddFOp::create(b, loc, t, g.add);
                  tables.push_back(t);
                }
                Value k0 =
                    arith::MulIOp::create(b, loc, gIdx, index(b, loc, w.group));
                auto cLoop = scf::ForOp::create(
                    b, loc, index(b, loc, 0), index(b, loc, w.group),
                    index(b, loc, step), accs,
                    [&](OpBuilder &b, Location loc, Value c, ValueRange accs) {
                      Value k = arith::AddIOp::create(b, loc, k0, c);
                      SmallVector<Value> next(numAcc);
                      for (int64_t u = 0; u < tile.unroll; ++u) {
                        Value ku =
                            u ? arith::AddIOp::create(
                                    b, loc, k, index(b, loc, u * readCodes))
                                    .getResult()
                              : k;
                        SmallVector<Value> xs =
                            readActivations(b, loc, mIdx, ku);
                        for (int64_t r = 0; r < rows; ++r) {
                          // Dequantized in registers as the reference does:
                          // f32(code - zp) * scale.
                          SmallVector<Value> qs =
                              readCodesAt(b, loc, rowIdx[r], ku);
                          for (int64_t j = 0; j < perRead; ++j) {
                            Value d = qs[j];
                            if (useTable) {
                              d = lookup(b, loc, tables[r], d, lanes);
                            } else {
                              const GroupScale &g = scales[r];
                              if (g.sub)
                                d = arith::SubFOp::create(b, loc, d, g.sub);
                              d = arith::MulFOp::create(b, loc, d, g.scale);
                              if (g.add)
                                d = arith::AddFOp::create(b, loc, d, g.add);
                            }
                            int64_t a = r * accsPerRow + u * perRead + j;
                            next[a] = vector::FMAOp::create(b, loc, xs[j], d,
                                                            accs[a]);
                          }
                        }
                      }
                      scf::YieldOp::create(b, loc, next);
                    });
                scf::YieldOp::create(b, loc, cLoop.getResults());
              });
          SmallVector<Value> sums;
          for (int64_t r = 0; r < rows; ++r) {
            Value acc = gLoop.getResult(r * accsPerRow);
            for (int64_t a = 1; a < accsPerRow; ++a)
              acc = arith::AddFOp::create(b, loc, acc,
                                          gLoop.getResult(r * accsPerRow + a));
            sums.push_back(vector::ReductionOp::create(
                b, loc, vector::CombiningKind::ADD, acc,
                arith::FastMathFlags::reassoc));
          }
          Value written = mArgs[0];
          for (int64_t r = 0; r < rows; ++r)
            written = tensor::InsertOp::create(
                b, loc, sums[r], written, ValueRange{mIdx, index(b, loc, r)});
          scf::YieldOp::create(b, loc, written);
        });

    return mLoop.getResult(0);
  }

  Tile tile;
};

struct LPCCPUVectorizeMatmulPass
    : lpc::impl::LPCCPUVectorizeMatmulBase<LPCCPUVectorizeMatmulPass> {
  using Base::Base;

  void runOnOperation() override {
    std::optional<Tile> tile =
        lpc::cpu::chooseTile(TargetAttr::lookup(getOperation()));
    if (!tile)
      return;
    if (rows < 1) {
      getOperation().emitError()
          << "lpc-cpu-vectorize-matmul: rows must be at least 1, got "
          << static_cast<int64_t>(rows);
      return signalPassFailure();
    }
    tile->rows = rows;
    RewritePatternSet patterns(&getContext());
    patterns.add<VectorizeWeightOnlyMatmul>(&getContext(), *tile);
    lpc::cpu::populateIntegerMatmulKernel(patterns, *tile);
    // One rewrite per matmul: the new ops are not lq.matmul.
    GreedyRewriteConfig config;
    config.setMaxIterations(1);
    (void)applyPatternsGreedily(getOperation(), std::move(patterns), config);
  }
};

} // namespace
