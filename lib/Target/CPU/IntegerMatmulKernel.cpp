//===- IntegerMatmulKernel.cpp - int8-activation lq.matmul as vector code -===//
//
// Part of lpc-cpu-vectorize-matmul (Passes.td): the integer lq.matmul
// (8-bit activation codes, signed or unsigned with a zero point, times 2-,
// 4- or 8-bit integer weights, acc(i32)) as register tiles of output rows on
// threads, and its activation quantization (lq.dynamic_quantize) as vector
// loops.
//
// Every weight code becomes an unsigned byte u = code + bias (bias 2, 8 or
// 128 for signed formats, 0 for unsigned ones), so one u8 x s8 dot product
// serves every format: S_j = sum u * a - (bias + zp) * sum a, exact in i32.
// The dot is vpdpbusd where the target has VNNI, vpmaddubsw + vpmaddwd for
// 2- and 4-bit weights otherwise (|u * a| <= 15 * 128, a pair sum cannot
// saturate i16), and widened i32 products for 8-bit weights without VNNI
// (pmaddubsw could saturate). Segment sums are exact and the f32 epilogue
// (f32(S_j) * sa) * sb is summed j ascending, as docs/Semantics.md defines
// acc(i32): the results are bit-identical to the reference lowering.
//
//===----------------------------------------------------------------------===//

#include "KernelUtils.h"

#include "lpc/Dialect/LQ/IR/Format.h"
#include "lpc/Dialect/LQ/Utils/FormatCodegen.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace lpc;
using namespace lpc::lq;
using namespace lpc::cpu;

namespace {

Value cIndex(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

Value splatInt(OpBuilder &b, Location loc, VectorType type, int64_t v) {
  return arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(type, b.getIntegerAttr(type.getElementType(), v)));
}

/// The scale index of K-segment `j` (of `seg` codes) for row `row` under
/// `layout` (block = [1, G], axis = 0 or tensor).
SmallVector<Value> segmentScaleIndex(OpBuilder &b, Location loc,
                                     LayoutAttr layout, Value row, Value j,
                                     int64_t seg) {
  switch (layout.getKind()) {
  case LayoutKind::tensor:
    return {};
  case LayoutKind::axis:
    return {row};
  case LayoutKind::block: {
    int64_t g = layout.getBlock()[1];
    // Segments never straddle a block: seg divides G or G divides seg.
    Value col = arith::MulIOp::create(b, loc, j, cIndex(b, loc, seg));
    return {row, arith::DivUIOp::create(b, loc, col, cIndex(b, loc, g))};
  }
  }
  llvm_unreachable("unknown layout");
}

/// A layout this kernel reads scales of: per tensor, per row of the
/// operand's M x K or N x K tensor, or per K-block of one row.
bool isRowLayout(LayoutAttr layout) {
  if (layout.isTensor())
    return true;
  if (layout.isAxis())
    return layout.getAxis() == 0;
  ArrayRef<int64_t> block = layout.getBlock();
  return block.size() == 2 && block[0] == 1;
}

bool isPlainF32(Value v) {
  return v && cast<ShapedType>(v.getType()).getElementType().isF32();
}

struct IntegerMatmul {
  int64_t m, n, k, seg;
  Format format;
  std::optional<Format> zpFormat;
  Dot dot;
  /// Activation rows per register tile.
  int64_t activationRows;
  /// Bytes (codes) of one dot vector.
  int64_t step;
  /// Dot vectors one weight read gives per row (2-bit codes: 2, from the
  /// four fields of a half-vector of bytes; else 1).
  int64_t vecs = 1;
  /// Codes of one row consumed per loop step.
  int64_t chunk() const { return step * vecs; }
  /// Unsigned activation codes (made signed, a - 128, before the kernel),
  /// and the format of their zero points, if any.
  bool unsignedLhs = false;
  std::optional<Format> lhsZpFormat;
  /// The activation zero points in storage integers (set by the rewrite).
  Value lhsZeroPoints;
  /// K is not a multiple of `step`: reads past K are masked (one segment).
  bool ragged = false;
  /// The in_bounds flag of the kernel's 1-D reads and writes along K.
  bool inBounds() const { return !ragged; }
};

FailureOr<IntegerMatmul> matchInteger(MatmulOp op, const Tile &tile) {
  if (op.hasFloatLhs() || !op.getAcc().isInteger(32) ||
      !op.getRhsTransposed() || op.getOutScale())
    return failure();
  auto lhs = op.getLhs().getType(), rhs = op.getRhs().getType();
  auto result = cast<RankedTensorType>(op.getType());
  if (!lhs.hasStaticShape() || !rhs.hasStaticShape() ||
      !result.getElementType().isF32())
    return failure();
  std::optional<Format> a = getFormat(lhs.getElementType());
  std::optional<Format> w = getFormat(rhs.getElementType());
  if (!a || !a->isInteger() || a->width != 8 || !w || !w->isInteger() ||
      (w->width != 2 && w->width != 4 && w->width != 8))
    return failure();
  // Signed codes, or unsigned ones (QDQ's uint8 activations) with or without
  // an integer zero point.
  std::optional<Format> lhsZp;
  if (Value zp = op.getLhsZeroPoint()) {
    lhsZp = getFormat(cast<ShapedType>(zp.getType()).getElementType());
    if (!lhsZp || !lhsZp->isInteger() || a->isSigned)
      return failure();
  }
  if (!isPlainF32(op.getLhsScale()) || !isPlainF32(op.getRhsScale()) ||
      !isRowLayout(*op.getLhsLayout()) || !isRowLayout(op.getRhsLayout()))
    return failure();
  IntegerMatmul mm;
  mm.unsignedLhs = !a->isSigned;
  mm.lhsZpFormat = lhsZp;
  mm.m = lhs.getDimSize(0);
  mm.k = lhs.getDimSize(1);
  mm.n = rhs.getDimSize(0);
  mm.seg = op.getKSegment().value_or(mm.k);
  mm.format = *w;
  if (Value zp = op.getRhsZeroPoint()) {
    mm.zpFormat = getFormat(cast<ShapedType>(zp.getType()).getElementType());
    if (!mm.zpFormat || !mm.zpFormat->isInteger())
      return failure();
  }
  mm.dot = chooseDot(tile, w->width);
  mm.activationRows = tile.activationRows
                          ? tile.activationRows
                          : chooseActivationRows(tile, mm.dot, tile.rows);
  // One step fills a vector of bytes.
  mm.step = 4 * tile.lanes;
  if (w->width == 2 && mm.seg % (2 * mm.step) == 0)
    mm.vecs = 2;
  // One K-segment that no byte vector divides (per-channel scales over a
  // short K, as in convolutions): the last step reads past K with masked
  // reads, padded so that the padding adds nothing (8-bit codes only, which
  // need no byte alignment).
  mm.ragged = mm.seg % mm.step != 0;
  if (mm.ragged && (mm.seg != mm.k || w->width != 8))
    return failure();
  if (mm.m == 0 || mm.n == 0 || mm.k % mm.seg)
    return failure();
  return mm;
}

/// The sums of the i32 vectors `accs`, as one vector<accs.size() x i32>:
/// pairs are folded into one vector holding both halves' sums (the lanes of
/// `accs[i]` stay in group i), then each group is folded onto itself.
Value transposeReduce(OpBuilder &b, Location loc, ArrayRef<Value> accs) {
  auto type = cast<VectorType>(accs[0].getType());
  int64_t lanes = type.getNumElements(), rows = accs.size();
  int64_t padded = llvm::PowerOf2Ceil(rows);
  if (rows == 1 || padded > lanes) {
    SmallVector<Value> sums;
    for (Value acc : accs)
      sums.push_back(
          vector::ReductionOp::create(b, loc, vector::CombiningKind::ADD, acc));
    return vector::FromElementsOp::create(
        b, loc, VectorType::get({rows}, type.getElementType()), sums);
  }
  SmallVector<Value> vs(accs);
  while (static_cast<int64_t>(vs.size()) < padded)
    vs.push_back(splatInt(b, loc, type, 0));
  int64_t width = lanes;
  while (vs.size() > 1) {
    SmallVector<Value> next;
    int64_t half = width / 2, groups = lanes / width;
    SmallVector<int64_t> lo, hi;
    for (int64_t src = 0; src < 2; ++src)
      for (int64_t g = 0; g < groups; ++g)
        for (int64_t t = 0; t < half; ++t) {
          lo.push_back(src * lanes + g * width + t);
          hi.push_back(src * lanes + g * width + half + t);
        }
    for (size_t i = 0; i < vs.size(); i += 2) {
      Value x = vector::ShuffleOp::create(b, loc, vs[i], vs[i + 1], lo);
      Value y = vector::ShuffleOp::create(b, loc, vs[i], vs[i + 1], hi);
      next.push_back(arith::AddIOp::create(b, loc, x, y));
    }
    vs = std::move(next);
    width = half;
  }
  Value c = vs[0];
  for (; width > 1; width /= 2) {
    int64_t half = width / 2;
    SmallVector<int64_t> lo, hi;
    for (int64_t g = 0; g < padded; ++g)
      for (int64_t t = 0; t < half; ++t) {
        lo.push_back(g * width + t);
        hi.push_back(g * width + half + t);
      }
    c = arith::AddIOp::create(b, loc,
                              vector::ShuffleOp::create(b, loc, c, c, lo),
                              vector::ShuffleOp::create(b, loc, c, c, hi));
  }
  if (padded == rows)
    return c;
  return vector::ExtractStridedSliceOp::create(b, loc, c, ArrayRef<int64_t>{0},
                                               ArrayRef<int64_t>{rows},
                                               ArrayRef<int64_t>{1});
}

struct VectorizeIntegerMatmul : OpRewritePattern<MatmulOp> {
  VectorizeIntegerMatmul(MLIRContext *ctx, Tile tile)
      : OpRewritePattern(ctx), tile(tile) {}

  LogicalResult matchAndRewrite(MatmulOp op,
                                PatternRewriter &rewriter) const override {
    // The register tile lq-tile-matmul chose, if it ran.
    Tile tile = applyTileAttr(op, this->tile);
    FailureOr<IntegerMatmul> mm = matchInteger(op, tile);
    if (failed(mm))
      return rewriter.notifyMatchFailure(op, "not a vectorizable integer "
                                             "lq.matmul");
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    auto module = op->getParentOfType<ModuleOp>();
    auto toStorage = [&](Value v) -> Value {
      auto type = cast<RankedTensorType>(v.getType());
      Type storage = getStorageType(type.getElementType());
      if (storage == type.getElementType())
        return v;
      return BitcastOp::create(b, loc, type.clone(storage), v);
    };
    Value acts = prepareActivations(b, loc, toStorage(op.getLhs()), *mm);
    if (Value zp = op.getLhsZeroPoint())
      mm->lhsZeroPoints = toStorage(zp);
    Value codes = toStorage(op.getRhs());
    Value zeroPoints = op.getRhsZeroPoint();
    if (zeroPoints)
      zeroPoints = toStorage(zeroPoints);
    bool needSums = mm->format.isSigned || zeroPoints || mm->unsignedLhs;
    Value sums = needSums ? activationSums(b, loc, acts, *mm) : Value();

    Value out = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{mm->m, mm->n},
                                        b.getF32Type());
    auto body = [&](OpBuilder &b, Location loc, ArrayRef<Value> rowIdx,
                    Value init) {
      return buildTile(b, loc, module, op, *mm, acts, codes, zeroPoints, sums,
                       rowIdx, init);
    };
    int64_t full = mm->n / tile.rows;
    if (full)
      out = buildRowTiles(b, loc, out, mm->m, 0, full, tile.rows, body);
    if (int64_t rest = mm->n % tile.rows)
      out = buildRowTiles(b, loc, out, mm->m, full * tile.rows, rest, 1, body);
    rewriter.replaceOp(op, out);
    return success();
  }

private:
  /// The activation codes as the kernel reads them, in one pass (none when
  /// nothing changes): unsigned codes a as the signed bytes a - 128 (the
  /// sign bit flipped; the kernel adds the 128 back through the weight
  /// sums), and, for sub-byte weights, each chunk in the order of the
  /// unpacked codes: with c codes per byte, part p (the p-th bit field of
  /// every byte) holds codes c * i + p, and the parts follow one another
  /// (4-bit: the even codes, then the odd ones); the chunk's dot vectors
  /// are its consecutive slices.
  Value prepareActivations(OpBuilder &b, Location loc, Value acts,
                           const IntegerMatmul &mm) const {
    bool permute = mm.format.width < 8;
    if (!permute && !mm.unsignedLhs)
      return acts;
    int64_t chunk = permute ? mm.chunk() : mm.step;
    auto vec = VectorType::get({chunk}, b.getI8Type());
    Value pad = arith::ConstantOp::create(b, loc, b.getI8IntegerAttr(0));
    SmallVector<int64_t> order;
    if (permute) {
      int64_t perByte = 8 / mm.format.width, parts = chunk / perByte;
      for (int64_t p = 0; p < perByte; ++p)
        for (int64_t i = 0; i < parts; ++i)
          order.push_back(perByte * i + p);
    }
    Value init = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{mm.m, mm.k},
                                         b.getI8Type());
    auto mLoop = scf::ForOp::create(
        b, loc, cIndex(b, loc, 0), cIndex(b, loc, mm.m), cIndex(b, loc, 1),
        ValueRange{init},
        [&](OpBuilder &b, Location loc, Value m, ValueRange mArgs) {
          auto kLoop = scf::ForOp::create(
              b, loc, cIndex(b, loc, 0), cIndex(b, loc, mm.k),
              cIndex(b, loc, chunk), mArgs,
              [&](OpBuilder &b, Location loc, Value k, ValueRange kArgs) {
                Value x = vector::TransferReadOp::create(
                    b, loc, vec, acts, ValueRange{m, k}, pad,
                    ArrayRef<bool>{mm.inBounds()});
                if (mm.unsignedLhs)
                  x = arith::XOrIOp::create(b, loc, x,
                                            splatInt(b, loc, vec, -128));
                if (permute)
                  x = vector::ShuffleOp::create(b, loc, x, x, order);
                scf::YieldOp::create(b, loc,
                                     vector::TransferWriteOp::create(
                                         b, loc, x, kArgs[0], ValueRange{m, k},
                                         ArrayRef<bool>{mm.inBounds()})
                                         .getResult());
              });
          scf::YieldOp::create(b, loc, kLoop.getResults());
        });
    return mLoop.getResult(0);
  }

  /// sum a over every K-segment of every activation row: M x (K / seg) i32.
  Value activationSums(OpBuilder &b, Location loc, Value acts,
                       const IntegerMatmul &mm) const {
    auto bytes = VectorType::get({mm.step}, b.getI8Type());
    auto wide = VectorType::get({mm.step}, b.getI32Type());
    Value pad = arith::ConstantOp::create(b, loc, b.getI8IntegerAttr(0));
    int64_t segs = mm.k / mm.seg;
    Value init = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{mm.m, segs},
                                         b.getI32Type());
    auto mLoop = scf::ForOp::create(
        b, loc, cIndex(b, loc, 0), cIndex(b, loc, mm.m), cIndex(b, loc, 1),
        ValueRange{init},
        [&](OpBuilder &b, Location loc, Value m, ValueRange mArgs) {
          auto jLoop = scf::ForOp::create(
              b, loc, cIndex(b, loc, 0), cIndex(b, loc, segs),
              cIndex(b, loc, 1), mArgs,
              [&](OpBuilder &b, Location loc, Value j, ValueRange jArgs) {
                Value k0 =
                    arith::MulIOp::create(b, loc, j, cIndex(b, loc, mm.seg));
                auto cLoop = scf::ForOp::create(
                    b, loc, cIndex(b, loc, 0), cIndex(b, loc, mm.seg),
                    cIndex(b, loc, mm.step),
                    ValueRange{splatInt(b, loc, wide, 0)},
                    [&](OpBuilder &b, Location loc, Value c, ValueRange acc) {
                      Value k = arith::AddIOp::create(b, loc, k0, c);
                      Value x = vector::TransferReadOp::create(
                          b, loc, bytes, acts, ValueRange{m, k}, pad,
                          ArrayRef<bool>{mm.inBounds()});
                      Value xi = arith::ExtSIOp::create(b, loc, wide, x);
                      scf::YieldOp::create(b, loc,
                                           ValueRange{arith::AddIOp::create(
                                               b, loc, acc[0], xi)});
                    });
                Value s = vector::ReductionOp::create(
                    b, loc, vector::CombiningKind::ADD, cLoop.getResult(0));
                Value written = tensor::InsertOp::create(b, loc, s, jArgs[0],
                                                         ValueRange{m, j});
                scf::YieldOp::create(b, loc, written);
              });
          scf::YieldOp::create(b, loc, jLoop.getResults());
        });
    return mLoop.getResult(0);
  }

  /// The weight codes of `row` from column `k` (one chunk) as `vecs`
  /// vectors of unsigned bytes u = code + bias, in the order
  /// prepareActivations gives.
  SmallVector<Value> readWeights(OpBuilder &b, Location loc,
                                 const IntegerMatmul &mm, Value codes,
                                 Value row, Value k) const {
    auto bytes = VectorType::get({mm.step}, b.getI8Type());
    bool isSigned = mm.format.isSigned;
    if (mm.format.width == 8) {
      // Past K (ragged K): the code whose u is 0, so padding adds nothing
      // to the dot or to the weight sums.
      Value pad = arith::ConstantOp::create(
          b, loc, b.getI8IntegerAttr(isSigned ? -128 : 0));
      Value q = vector::TransferReadOp::create(b, loc, bytes, codes,
                                               ValueRange{row, k}, pad,
                                               ArrayRef<bool>{mm.inBounds()});
      if (isSigned)
        q = arith::XOrIOp::create(b, loc, q, splatInt(b, loc, bytes, -128));
      return {q};
    }
    // Sub-byte codes: the bytes, every code plus its bias at once (the top
    // bit of each field flipped: 0x88 for 4 bits, 0xAA for 2), then the c
    // fields of every byte, field p after field p - 1.
    unsigned width = mm.format.width;
    int64_t perByte = 8 / width;
    auto packed = VectorType::get({mm.chunk()}, b.getIntegerType(width));
    auto byteType = VectorType::get({mm.chunk() / perByte}, b.getI8Type());
    Value pad = arith::ConstantOp::create(
        b, loc, b.getIntegerAttr(b.getIntegerType(width), 0));
    Value q = vector::TransferReadOp::create(
        b, loc, packed, codes, ValueRange{row, k}, pad, ArrayRef<bool>{true});
    Value by = vector::BitCastOp::create(b, loc, byteType, q);
    if (isSigned) {
      uint8_t signBits = 0;
      for (int64_t p = 0; p < perByte; ++p)
        signBits |= uint8_t(1u << (width * p + width - 1));
      by = arith::XOrIOp::create(b, loc, by,
                                 splatInt(b, loc, byteType, int8_t(signBits)));
    }
    Value mask = splatInt(b, loc, byteType, (1 << width) - 1);
    SmallVector<Value> fields;
    for (int64_t p = 0; p < perByte; ++p) {
      Value f = by;
      if (p)
        f = arith::ShRUIOp::create(b, loc, f,
                                   splatInt(b, loc, byteType, width * p));
      if (p + 1 < perByte)
        f = arith::AndIOp::create(b, loc, f, mask);
      fields.push_back(f);
    }
    // Concatenate pairwise until `vecs` vectors of `step` bytes are left.
    while (static_cast<int64_t>(fields.size()) > mm.vecs) {
      SmallVector<Value> next;
      for (size_t i = 0; i < fields.size(); i += 2) {
        int64_t n = cast<VectorType>(fields[i].getType()).getNumElements();
        SmallVector<int64_t> concat =
            llvm::to_vector(llvm::seq<int64_t>(2 * n));
        next.push_back(vector::ShuffleOp::create(b, loc, fields[i],
                                                 fields[i + 1], concat));
      }
      fields = std::move(next);
    }
    return fields;
  }

  /// acc + the u8 x s8 products of `u` and `a`, by the matmul's Dot.
  Value dot(OpBuilder &b, Location loc, ModuleOp module,
            const IntegerMatmul &mm, Value acc, Value u, Value a) const {
    bool zmm = mm.step == 64;
    auto accType = cast<VectorType>(acc.getType());
    switch (mm.dot) {
    case Dot::VNNI:
      return callIntrinsic(b, loc, module,
                           zmm ? "llvm.x86.avx512.vpdpbusd.512"
                               : "llvm.x86.avx512.vpdpbusd.256",
                           accType, ValueRange{acc, u, a});
    case Dot::MaddUBS: {
      auto pairs = VectorType::get({mm.step / 2}, b.getI16Type());
      Value p16 = callIntrinsic(b, loc, module,
                                zmm ? "llvm.x86.avx512.pmaddubs.w.512"
                                    : "llvm.x86.avx2.pmadd.ub.sw",
                                pairs, ValueRange{u, a});
      Value p32 = callIntrinsic(
          b, loc, module,
          zmm ? "llvm.x86.avx512.pmaddw.d.512" : "llvm.x86.avx2.pmadd.wd",
          accType, ValueRange{p16, splatInt(b, loc, pairs, 1)});
      return arith::AddIOp::create(b, loc, acc, p32);
    }
    case Dot::Wide: {
      Value uw = arith::ExtUIOp::create(b, loc, accType, u);
      Value aw = arith::ExtSIOp::create(b, loc, accType, a);
      return arith::AddIOp::create(b, loc, acc,
                                   arith::MulIOp::create(b, loc, uw, aw));
    }
    }
    llvm_unreachable("unknown dot");
  }

  /// One tile: the M x rows result of output rows `rowIdx`, written into
  /// `tileInit`. Activation rows go in blocks of the tile's activation rows
  /// (each weight vector is unpacked once per block), then one by one.
  Value buildTile(OpBuilder &b, Location loc, ModuleOp module, MatmulOp op,
                  const IntegerMatmul &mm, Value acts, Value codes,
                  Value zeroPoints, Value sums, ArrayRef<Value> rowIdx,
                  Value tileInit) const {
    int64_t mt = mm.activationRows;
    int64_t blocked = mm.m / mt * mt;
    Value result = tileInit;
    auto loopOver = [&](int64_t from, int64_t to, int64_t step) {
      auto mLoop = scf::ForOp::create(
          b, loc, cIndex(b, loc, from), cIndex(b, loc, to),
          cIndex(b, loc, step), ValueRange{result},
          [&](OpBuilder &b, Location loc, Value m, ValueRange mArgs) {
            scf::YieldOp::create(b, loc,
                                 buildRowBlock(b, loc, module, op, mm, acts,
                                               codes, zeroPoints, sums, rowIdx,
                                               m, step, mArgs[0]));
          });
      result = mLoop.getResult(0);
    };
    if (blocked && mt > 1)
      loopOver(0, blocked, mt);
    else
      blocked = 0;
    if (blocked < mm.m)
      loopOver(blocked, mm.m, 1);
    return result;
  }

  /// Activation rows m .. m + mt - 1 of the tile: the K-segment loop with
  /// rows x mt integer accumulators, their sums in one vector (lane i * rows
  /// + r for activation row m + i and output row r), and the f32 epilogue
  /// on that vector.
  Value buildRowBlock(OpBuilder &b, Location loc, ModuleOp module, MatmulOp op,
                      const IntegerMatmul &mm, Value acts, Value codes,
                      Value zeroPoints, Value sums, ArrayRef<Value> rowIdx,
                      Value m, int64_t mt, Value out) const {
    int64_t rows = rowIdx.size(), lanesOut = rows * mt;
    Type f32 = b.getF32Type(), i32 = b.getI32Type();
    auto bytes = VectorType::get({mm.step}, b.getI8Type());
    auto accType =
        VectorType::get({mm.dot == Dot::Wide ? mm.step : tile.lanes}, i32);
    auto outType = VectorType::get({lanesOut}, f32);
    auto segType = VectorType::get({lanesOut}, i32);
    Value pad = arith::ConstantOp::create(b, loc, b.getI8IntegerAttr(0));
    int64_t bias = mm.format.isSigned ? int64_t(1) << (mm.format.width - 1) : 0;
    SmallVector<Value> actRows;
    for (int64_t i = 0; i < mt; ++i)
      actRows.push_back(
          i ? arith::AddIOp::create(b, loc, m, cIndex(b, loc, i)).getResult()
            : m);
    // Lane i * rows + r of a vector whose values depend on the activation
    // row (perAct[i]) or on the output row (perOut[r]): the few values in
    // one short vector, then one shuffle across the lanes.
    auto spread = [&](OpBuilder &b, Location loc, VectorType type,
                      ArrayRef<Value> values, bool byActivation) -> Value {
      auto shortType = VectorType::get({static_cast<int64_t>(values.size())},
                                       type.getElementType());
      Value v = vector::FromElementsOp::create(b, loc, shortType, values);
      if (values.size() == static_cast<size_t>(lanesOut))
        return v;
      SmallVector<int64_t> mask;
      for (int64_t i = 0; i < mt; ++i)
        for (int64_t r = 0; r < rows; ++r)
          mask.push_back(byActivation ? i : r);
      return vector::ShuffleOp::create(b, loc, v, v, mask);
    };
    auto byAct = [&](OpBuilder &b, Location loc, VectorType type,
                     ArrayRef<Value> perAct) {
      return spread(b, loc, type, perAct, /*byActivation=*/true);
    };
    auto byOut = [&](OpBuilder &b, Location loc, VectorType type,
                     ArrayRef<Value> perOut) {
      return spread(b, loc, type, perOut, /*byActivation=*/false);
    };
    Value zeroOut = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(outType, b.getF32FloatAttr(0.0f)));
    auto jLoop = scf::ForOp::create(
        b, loc, cIndex(b, loc, 0), cIndex(b, loc, mm.k / mm.seg),
        cIndex(b, loc, 1), ValueRange{zeroOut},
        [&](OpBuilder &b, Location loc, Value j, ValueRange outAcc) {
          Value k0 = arith::MulIOp::create(b, loc, j, cIndex(b, loc, mm.seg));
          SmallVector<Value> init(lanesOut, splatInt(b, loc, accType, 0));
          // Unsigned activations: also sum u per weight row (a dot with
          // ones), for the 128 the activations were shifted by.
          if (mm.unsignedLhs)
            init.append(rows, splatInt(b, loc, accType, 0));
          Value ones = mm.unsignedLhs ? splatInt(b, loc, bytes, 1) : Value();
          auto cLoop = scf::ForOp::create(
              b, loc, cIndex(b, loc, 0), cIndex(b, loc, mm.seg),
              cIndex(b, loc, mm.chunk()), init,
              [&](OpBuilder &b, Location loc, Value c, ValueRange accs) {
                Value k = arith::AddIOp::create(b, loc, k0, c);
                // a[i][v]: dot vector v of activation row m + i.
                SmallVector<SmallVector<Value>> a(mt);
                for (int64_t i = 0; i < mt; ++i)
                  for (int64_t v = 0; v < mm.vecs; ++v) {
                    Value kv = v ? arith::AddIOp::create(
                                       b, loc, k, cIndex(b, loc, v * mm.step))
                                       .getResult()
                                 : k;
                    a[i].push_back(vector::TransferReadOp::create(
                        b, loc, bytes, acts, ValueRange{actRows[i], kv}, pad,
                        ArrayRef<bool>{mm.inBounds()}));
                  }
                SmallVector<Value> next(accs);
                for (int64_t r = 0; r < rows; ++r) {
                  SmallVector<Value> us =
                      readWeights(b, loc, mm, codes, rowIdx[r], k);
                  for (int64_t v = 0; v < mm.vecs; ++v) {
                    for (int64_t i = 0; i < mt; ++i)
                      next[i * rows + r] =
                          dot(b, loc, module, mm, next[i * rows + r], us[v],
                              a[i][v]);
                    if (mm.unsignedLhs)
                      next[lanesOut + r] = dot(b, loc, module, mm,
                                               next[lanesOut + r], us[v], ones);
                  }
                }
                scf::YieldOp::create(b, loc, next);
              });
          SmallVector<Value> accs(cLoop.getResults().take_front(lanesOut));
          Value s = transposeReduce(b, loc, accs);
          // S_j = sum u * a - (bias + zp) * sum a.
          if (sums) {
            SmallVector<Value> zs, as;
            for (Value row : rowIdx) {
              Value z =
                  arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(bias));
              if (zeroPoints) {
                Value zp = tensor::ExtractOp::create(
                    b, loc, zeroPoints,
                    segmentScaleIndex(b, loc, op.getRhsLayout(), row, j,
                                      mm.seg));
                z = arith::AddIOp::create(
                    b, loc, z, emitZeroPointI32(b, loc, *mm.zpFormat, zp));
              }
              zs.push_back(z);
            }
            for (Value row : actRows)
              as.push_back(
                  tensor::ExtractOp::create(b, loc, sums, ValueRange{row, j}));
            Value zv = byOut(b, loc, segType, zs);
            Value corr =
                arith::MulIOp::create(b, loc, zv, byAct(b, loc, segType, as));
            s = arith::SubIOp::create(b, loc, s, corr);
            if (mm.unsignedLhs) {
              // The activations entered as a - 128: S_j gains
              // (128 - za) * (sum u - (bias + zp) * seg).
              SmallVector<Value> usumAccs(
                  cLoop.getResults().drop_front(lanesOut));
              Value usumVec = transposeReduce(b, loc, usumAccs);
              SmallVector<Value> usum, shift;
              for (int64_t r = 0; r < rows; ++r)
                usum.push_back(vector::ExtractOp::create(b, loc, usumVec, r));
              for (Value row : actRows) {
                Value za =
                    arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0));
                if (mm.lhsZeroPoints)
                  za = emitZeroPointI32(
                      b, loc, *mm.lhsZpFormat,
                      tensor::ExtractOp::create(
                          b, loc, mm.lhsZeroPoints,
                          segmentScaleIndex(b, loc, *op.getLhsLayout(), row, j,
                                            mm.seg)));
                shift.push_back(arith::SubIOp::create(
                    b, loc,
                    arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(128)),
                    za));
              }
              Value rest = arith::SubIOp::create(
                  b, loc, byOut(b, loc, segType, usum),
                  arith::MulIOp::create(b, loc, zv,
                                        splatInt(b, loc, segType, mm.seg)));
              s = arith::AddIOp::create(
                  b, loc, s,
                  arith::MulIOp::create(b, loc, byAct(b, loc, segType, shift),
                                        rest));
            }
          }
          // (f32(S_j) * sa) * sb, added j ascending.
          SmallVector<Value> sa, sb;
          for (Value row : actRows)
            sa.push_back(tensor::ExtractOp::create(
                b, loc, op.getLhsScale(),
                segmentScaleIndex(b, loc, *op.getLhsLayout(), row, j, mm.seg)));
          for (Value row : rowIdx)
            sb.push_back(tensor::ExtractOp::create(
                b, loc, op.getRhsScale(),
                segmentScaleIndex(b, loc, op.getRhsLayout(), row, j, mm.seg)));
          Value f = arith::SIToFPOp::create(b, loc, outType, s);
          f = arith::MulFOp::create(
              b, loc, f,
              mt == 1 ? vector::BroadcastOp::create(b, loc, outType, sa[0])
                            .getResult()
                      : byAct(b, loc, outType, sa));
          f = arith::MulFOp::create(b, loc, f, byOut(b, loc, outType, sb));
          scf::YieldOp::create(
              b, loc, ValueRange{arith::AddFOp::create(b, loc, outAcc[0], f)});
        });
    // Element by element: the tile's columns are strided.
    for (int64_t i = 0; i < mt; ++i)
      for (int64_t r = 0; r < rows; ++r)
        out = tensor::InsertOp::create(
            b, loc,
            vector::ExtractOp::create(b, loc, jLoop.getResult(0), i * rows + r),
            out, ValueRange{actRows[i], cIndex(b, loc, r)});
    return out;
  }

  Tile tile;
};

/// lq.dynamic_quantize of an M x K f32 tensor to 8-bit codes per row or per
/// K-block of one row: per group, a vector max of |x|, then the codes of
/// round_half_even(x * r) clamped to [-127, 127] (NaN: 0), as
/// docs/Semantics.md and the reference lowering compute them.
struct VectorizeDynamicQuantize : OpRewritePattern<DynamicQuantizeOp> {
  VectorizeDynamicQuantize(MLIRContext *ctx, Tile tile)
      : OpRewritePattern(ctx), tile(tile) {}

  LogicalResult matchAndRewrite(DynamicQuantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto type = op.getInput().getType();
    Format format = *getFormat(op.getResult().getType().getElementType());
    LayoutAttr layout = op.getLayout();
    if (!type.hasStaticShape() || type.getRank() != 2 || format.width != 8 ||
        layout.isTensor() || !isRowLayout(layout))
      return rewriter.notifyMatchFailure(op, "not a vectorizable per-row "
                                             "dynamic quantization");
    int64_t m = type.getDimSize(0), k = type.getDimSize(1);
    int64_t group = layout.isBlock() ? layout.getBlock()[1] : k;
    int64_t lanes = tile.lanes;
    if (group % lanes || k % group)
      return rewriter.notifyMatchFailure(op, "group not a multiple of the "
                                             "vector width");
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    Type f32 = b.getF32Type();
    auto vf = VectorType::get({lanes}, f32);
    auto vi32 = VectorType::get({lanes}, b.getI32Type());
    auto vi8 = VectorType::get({lanes}, b.getI8Type());
    auto fconst = [&](float v) -> Value {
      return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
    };
    Value zero = fconst(0.0f), qmax = fconst(127.0f);
    Value vZero = vector::BroadcastOp::create(b, loc, vf, zero);
    Value vHi = vector::BroadcastOp::create(b, loc, vf, qmax);
    Value vLo = vector::BroadcastOp::create(b, loc, vf, fconst(-127.0f));
    Value vZeroI8 = splatInt(b, loc, vi8, 0);
    Value codesInit =
        tensor::EmptyOp::create(b, loc, type.getShape(), b.getI8Type());
    Value scaleInit = tensor::EmptyOp::create(
        b, loc, op.getScale().getType().getShape(), f32);
    auto mLoop = scf::ForOp::create(
        b, loc, cIndex(b, loc, 0), cIndex(b, loc, m), cIndex(b, loc, 1),
        ValueRange{codesInit, scaleInit},
        [&](OpBuilder &b, Location loc, Value row, ValueRange mArgs) {
          auto gLoop = scf::ForOp::create(
              b, loc, cIndex(b, loc, 0), cIndex(b, loc, k / group),
              cIndex(b, loc, 1), mArgs,
              [&](OpBuilder &b, Location loc, Value g, ValueRange gArgs) {
                Value k0 =
                    arith::MulIOp::create(b, loc, g, cIndex(b, loc, group));
                auto read = [&](OpBuilder &b, Location loc, Value c) -> Value {
                  Value col = arith::AddIOp::create(b, loc, k0, c);
                  return vector::TransferReadOp::create(
                      b, loc, vf, op.getInput(), ValueRange{row, col}, zero,
                      ArrayRef<bool>{true});
                };
                auto maxLoop = scf::ForOp::create(
                    b, loc, cIndex(b, loc, 0), cIndex(b, loc, group),
                    cIndex(b, loc, lanes), ValueRange{vZero},
                    [&](OpBuilder &b, Location loc, Value c, ValueRange acc) {
                      Value x = math::AbsFOp::create(b, loc, read(b, loc, c));
                      scf::YieldOp::create(b, loc,
                                           ValueRange{arith::MaximumFOp::create(
                                               b, loc, acc[0], x)});
                    });
                Value a = vector::ReductionOp::create(
                    b, loc, vector::CombiningKind::MAXIMUMF,
                    maxLoop.getResult(0));
                Value s = arith::DivFOp::create(b, loc, a, qmax);
                Value isZero = arith::CmpFOp::create(
                    b, loc, arith::CmpFPredicate::OEQ, a, zero);
                Value r = arith::SelectOp::create(
                    b, loc, isZero, zero,
                    arith::DivFOp::create(b, loc, qmax, a));
                Value vr = vector::BroadcastOp::create(b, loc, vf, r);
                SmallVector<Value> sIdx = {row};
                if (layout.isBlock())
                  sIdx.push_back(g);
                Value scales =
                    tensor::InsertOp::create(b, loc, s, gArgs[1], sIdx);
                auto qLoop = scf::ForOp::create(
                    b, loc, cIndex(b, loc, 0), cIndex(b, loc, group),
                    cIndex(b, loc, lanes), ValueRange{gArgs[0]},
                    [&](OpBuilder &b, Location loc, Value c, ValueRange dst) {
                      Value t =
                          arith::MulFOp::create(b, loc, read(b, loc, c), vr);
                      Value isNaN = arith::CmpFOp::create(
                          b, loc, arith::CmpFPredicate::UNO, t, t);
                      t = math::RoundEvenOp::create(b, loc, t);
                      t = arith::MinimumFOp::create(
                          b, loc, arith::MaximumFOp::create(b, loc, t, vLo),
                          vHi);
                      Value q = arith::FPToSIOp::create(b, loc, vi32, t);
                      q = arith::TruncIOp::create(b, loc, vi8, q);
                      q = arith::SelectOp::create(b, loc, isNaN, vZeroI8, q);
                      Value col = arith::AddIOp::create(b, loc, k0, c);
                      scf::YieldOp::create(
                          b, loc,
                          vector::TransferWriteOp::create(b, loc, q, dst[0],
                                                          ValueRange{row, col},
                                                          ArrayRef<bool>{true})
                              .getResult());
                    });
                scf::YieldOp::create(b, loc,
                                     ValueRange{qLoop.getResult(0), scales});
              });
          scf::YieldOp::create(b, loc, gLoop.getResults());
        });
    Value codes =
        BitcastOp::create(b, loc, op.getResult().getType(), mLoop.getResult(0));
    rewriter.replaceOp(op, {codes, mLoop.getResult(1)});
    return success();
  }

  Tile tile;
};

} // namespace

void lpc::cpu::populateIntegerMatmulKernel(RewritePatternSet &patterns,
                                           const Tile &tile) {
  patterns.add<VectorizeIntegerMatmul, VectorizeDynamicQuantize>(
      patterns.getContext(), tile);
}
