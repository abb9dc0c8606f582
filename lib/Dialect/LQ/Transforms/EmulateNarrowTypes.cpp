//===- EmulateNarrowTypes.cpp - Dense packing of odd-width memrefs --------===//
//
// memref<...xiN> (N % 8 != 0, N < 16, static shape, identity layout) becomes
// memref<ceil(numel * N / 8) x i8> holding codes little-endian by bit. This is
// lq's own emulation: upstream's narrow-type emulation only handles widths
// that divide 8, and 3-, 5-, 6- and 7-bit codes must not be rounded up.
//
//===----------------------------------------------------------------------===//

#include "lpc/Dialect/LQ/Transforms/Passes.h"
#include "lpc/Dialect/LQ/Utils/ConversionUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Transforms/DialectConversion.h"

#include <numeric>

namespace lpc::lq {
#define GEN_PASS_DEF_LQEMULATENARROWTYPES
#include "lpc/Dialect/LQ/Transforms/Passes.h.inc"
} // namespace lpc::lq

using namespace mlir;

bool lpc::lq::isPackedNarrowType(Type elementType) {
  auto elem = dyn_cast<IntegerType>(elementType);
  return elem && elem.getWidth() % 8 != 0 && elem.getWidth() < 16;
}

namespace {

/// True for memrefs this pass packs.
bool isPackable(MemRefType type) {
  return lpc::lq::isPackedNarrowType(type.getElementType()) &&
         type.hasStaticShape() && type.getLayout().isIdentity();
}

int64_t packedBytes(MemRefType type) {
  return (type.getNumElements() * type.getElementTypeBitWidth() + 7) / 8;
}

MemRefType packedType(MemRefType type) {
  return MemRefType::get({packedBytes(type)},
                         IntegerType::get(type.getContext(), 8),
                         MemRefLayoutAttrInterface(), type.getMemorySpace());
}

/// Byte index, bit offset and last byte index for element `indices` of a
/// packed memref of logical type `type`.
struct BitAddress {
  Value byte, bit;
};

/// The row-major element index of `indices` in a memref of type `type`.
Value linearIndex(OpBuilder &b, Location loc, MemRefType type,
                  ValueRange indices) {
  Value lin = arith::ConstantIndexOp::create(b, loc, 0);
  for (auto [i, dim] : llvm::zip(indices, type.getShape())) {
    lin = arith::MulIOp::create(b, loc, lin,
                                arith::ConstantIndexOp::create(b, loc, dim));
    lin = arith::AddIOp::create(b, loc, lin, i);
  }
  return lin;
}

BitAddress addressOf(OpBuilder &b, Location loc, MemRefType type,
                     ValueRange indices) {
  Value lin = linearIndex(b, loc, type, indices);
  Value bits = arith::MulIOp::create(
      b, loc, lin,
      arith::ConstantIndexOp::create(b, loc, type.getElementTypeBitWidth()));
  Value byte = arith::DivUIOp::create(
      b, loc, bits, arith::ConstantIndexOp::create(b, loc, 8));
  Value bit = arith::RemUIOp::create(b, loc, bits,
                                     arith::ConstantIndexOp::create(b, loc, 8));
  bit = arith::IndexCastOp::create(b, loc, b.getI32Type(), bit);
  return {byte, bit};
}

/// Bytes an element of width `w` can straddle.
int64_t spannedBytes(unsigned w) { return (7 + w + 7) / 8; }

/// Index of byte `byte + j`, clamped to the buffer.
Value clampedByte(OpBuilder &b, Location loc, Value byte, int64_t j,
                  int64_t numBytes) {
  Value idx = arith::AddIOp::create(b, loc, byte,
                                    arith::ConstantIndexOp::create(b, loc, j));
  return arith::MinUIOp::create(
      b, loc, idx, arith::ConstantIndexOp::create(b, loc, numBytes - 1));
}

/// memref.alloc / memref.alloca of a packable type allocate the bytes.
template <typename AllocTy>
struct AllocLowering : OpConversionPattern<AllocTy> {
  using OpConversionPattern<AllocTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AllocTy op, typename AllocTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isPackable(op.getType()))
      return failure();
    rewriter.replaceOpWithNewOp<AllocTy>(op, packedType(op.getType()),
                                         op.getAlignmentAttr());
    return success();
  }
};

struct LoadLowering : OpConversionPattern<memref::LoadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(memref::LoadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    MemRefType type = op.getMemRefType();
    if (!isPackable(type))
      return failure();
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    unsigned w = type.getElementTypeBitWidth();
    BitAddress addr = addressOf(b, loc, type, adaptor.getIndices());
    Type i32 = b.getI32Type();
    Value word = arith::ConstantIntOp::create(b, loc, i32, 0);
    for (int64_t j = 0, e = spannedBytes(w); j < e; ++j) {
      Value idx = clampedByte(b, loc, addr.byte, j, packedBytes(type));
      Value byte = memref::LoadOp::create(b, loc, adaptor.getMemref(), idx);
      Value ext = arith::ExtUIOp::create(b, loc, i32, byte);
      ext = arith::ShLIOp::create(
          b, loc, ext, arith::ConstantIntOp::create(b, loc, i32, 8 * j));
      word = arith::OrIOp::create(b, loc, word, ext);
    }
    word = arith::ShRUIOp::create(b, loc, word, addr.bit);
    rewriter.replaceOpWithNewOp<arith::TruncIOp>(op, op.getType(), word);
    return success();
  }
};

struct StoreLowering : OpConversionPattern<memref::StoreOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(memref::StoreOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    MemRefType type = op.getMemRefType();
    if (!isPackable(type))
      return failure();
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    unsigned w = type.getElementTypeBitWidth();
    BitAddress addr = addressOf(b, loc, type, adaptor.getIndices());
    Type i32 = b.getI32Type(), i8 = b.getI8Type();
    auto c32 = [&](int64_t v) {
      return arith::ConstantIntOp::create(b, loc, i32, v);
    };
    Value value = arith::ExtUIOp::create(b, loc, i32, adaptor.getValue());
    value = arith::ShLIOp::create(b, loc, value, addr.bit);
    Value mask = arith::ShLIOp::create(b, loc, c32((1 << w) - 1), addr.bit);
    // Read-modify-write each byte right after reading it: a clamped index
    // past the element has an all-zero mask and writes back what it read.
    for (int64_t j = 0, e = spannedBytes(w); j < e; ++j) {
      Value idx = clampedByte(b, loc, addr.byte, j, packedBytes(type));
      Value shift = c32(8 * j);
      Value mj = arith::TruncIOp::create(
          b, loc, i8, arith::ShRUIOp::create(b, loc, mask, shift));
      Value vj = arith::TruncIOp::create(
          b, loc, i8, arith::ShRUIOp::create(b, loc, value, shift));
      Value old = memref::LoadOp::create(b, loc, adaptor.getMemref(), idx);
      Value keep = arith::AndIOp::create(
          b, loc, old,
          arith::XOrIOp::create(b, loc, mj,
                                arith::ConstantIntOp::create(b, loc, i8, -1)));
      Value set = arith::AndIOp::create(b, loc, vj, mj);
      memref::StoreOp::create(b, loc, arith::OrIOp::create(b, loc, keep, set),
                              adaptor.getMemref(), idx);
    }
    rewriter.eraseOp(op);
    return success();
  }
};

/// A divisor `v` is known to have (1 when nothing is known): constants, sums,
/// products and the induction variables of scf.for/scf.parallel loops.
int64_t knownDivisor(Value v) {
  if (std::optional<int64_t> c = getConstantIntValue(v))
    return *c == 0 ? int64_t(1) << 40 : std::abs(*c);
  if (auto arg = dyn_cast<BlockArgument>(v)) {
    Operation *parent = arg.getOwner()->getParentOp();
    if (auto loop = dyn_cast<scf::ForOp>(parent))
      if (arg == loop.getInductionVar())
        return std::gcd(knownDivisor(loop.getLowerBound()),
                        knownDivisor(loop.getStep()));
    if (auto loop = dyn_cast<scf::ParallelOp>(parent)) {
      unsigned i = arg.getArgNumber();
      if (i < loop.getNumLoops())
        return std::gcd(knownDivisor(loop.getLowerBound()[i]),
                        knownDivisor(loop.getStep()[i]));
    }
    return 1;
  }
  Operation *op = v.getDefiningOp();
  if (auto add = dyn_cast_or_null<arith::AddIOp>(op))
    return std::gcd(knownDivisor(add.getLhs()), knownDivisor(add.getRhs()));
  if (auto mul = dyn_cast_or_null<arith::MulIOp>(op))
    return std::min<int64_t>(knownDivisor(mul.getLhs()) *
                                 knownDivisor(mul.getRhs()),
                             int64_t(1) << 40);
  return 1;
}

/// A 1-D in-bounds vector.transfer_read of a whole number of bytes from a
/// packed memref of a width dividing 8 (i1, i2, i4), at an index provably
/// on a byte boundary, becomes a vector.load of those bytes and a
/// vector.bitcast back to the codes (which folds with the kernel's own
/// bitcast of the codes to bytes). Only lpc's kernels emit such reads
/// (lpc-cpu-vectorize-matmul); one this cannot prove aligned stays illegal.
struct TransferReadLowering : OpConversionPattern<vector::TransferReadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(vector::TransferReadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = dyn_cast<MemRefType>(op.getBase().getType());
    if (!type || !isPackable(type))
      return failure();
    unsigned w = type.getElementTypeBitWidth();
    VectorType vecType = op.getVectorType();
    if (8 % w || vecType.getRank() != 1 || vecType.getNumElements() * w % 8 ||
        op.getMask() || !op.getPermutationMap().isMinorIdentity() ||
        !op.getInBoundsValues()[0])
      return rewriter.notifyMatchFailure(op, "not a whole-byte vector read");
    // The linear element index must be a multiple of the codes per byte.
    int64_t perByte = 8 / w, stride = 1;
    ValueRange indices = adaptor.getIndices();
    for (int64_t d = type.getRank() - 1; d >= 0; --d) {
      if (knownDivisor(indices[d]) * stride % perByte)
        return rewriter.notifyMatchFailure(op, "not provably byte-aligned");
      stride *= type.getDimSize(d);
    }
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    // Aligned: the byte is the linear index over the codes per byte.
    Value byte = arith::DivUIOp::create(
        b, loc, linearIndex(b, loc, type, adaptor.getIndices()),
        arith::ConstantIndexOp::create(b, loc, perByte));
    auto bytesType =
        VectorType::get({vecType.getNumElements() * w / 8}, b.getI8Type());
    Value bytes =
        vector::LoadOp::create(b, loc, bytesType, adaptor.getBase(), byte);
    rewriter.replaceOpWithNewOp<vector::BitCastOp>(op, vecType, bytes);
    return success();
  }
};

/// Packs a dense constant of iN into its byte image.
DenseElementsAttr packConstant(DenseElementsAttr attr, MemRefType type) {
  unsigned w = type.getElementTypeBitWidth();
  SmallVector<uint8_t> bytes(packedBytes(type), 0);
  int64_t i = 0;
  for (const APInt &v : attr.getValues<APInt>()) {
    uint64_t code = v.getZExtValue() & ((uint64_t(1) << w) - 1);
    for (unsigned bit = 0; bit < w; ++bit)
      if (code >> bit & 1) {
        uint64_t pos = uint64_t(i) * w + bit;
        bytes[pos / 8] |= uint8_t(1u << (pos % 8));
      }
    ++i;
  }
  auto packed = RankedTensorType::get({packedBytes(type)},
                                      IntegerType::get(type.getContext(), 8));
  return DenseElementsAttr::get(packed, ArrayRef<uint8_t>(bytes));
}

struct GlobalLowering : OpConversionPattern<memref::GlobalOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(memref::GlobalOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    MemRefType type = op.getType();
    if (!isPackable(type))
      return failure();
    Attribute init = op.getInitialValueAttr();
    if (auto dense = dyn_cast_or_null<DenseElementsAttr>(init))
      init = packConstant(dense, type);
    else if (init && !isa<UnitAttr>(init))
      return rewriter.notifyMatchFailure(op, "unsupported initial value");
    rewriter.replaceOpWithNewOp<memref::GlobalOp>(
        op, op.getSymName(), op.getSymVisibilityAttr(), packedType(type), init,
        op.getConstant(), op.getAlignmentAttr());
    return success();
  }
};

struct GetGlobalLowering : OpConversionPattern<memref::GetGlobalOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(memref::GetGlobalOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isPackable(op.getType()))
      return failure();
    rewriter.replaceOpWithNewOp<memref::GetGlobalOp>(
        op, packedType(op.getType()), op.getName());
    return success();
  }
};

/// Ops that only move whole buffers: rebuild with the packed types.
template <typename OpTy>
struct WholeBufferLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    return lpc::lq::rebuildWithConvertedTypes(
        op, adaptor.getOperands(), *this->getTypeConverter(), rewriter);
  }
};

/// Reshapes of a dense row-major buffer keep the same bytes: a packed
/// memref of the same element count is the same byte buffer.
template <typename OpTy> struct ReshapeLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto source = cast<MemRefType>(op->getOperand(0).getType());
    auto result = cast<MemRefType>(op->getResult(0).getType());
    if (!isPackable(source) || !isPackable(result))
      return rewriter.notifyMatchFailure(op, "only whole packed buffers");
    rewriter.replaceOp(op, adaptor.getOperands()[0]);
    return success();
  }
};

struct LQEmulateNarrowTypesPass
    : lpc::lq::impl::LQEmulateNarrowTypesBase<LQEmulateNarrowTypesPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    TypeConverter converter;
    converter.addConversion([](Type t) { return t; });
    converter.addConversion(
        [](MemRefType t) -> Type { return isPackable(t) ? packedType(t) : t; });

    ConversionTarget target(*ctx);
    target.markUnknownOpDynamicallyLegal([&](Operation *op) {
      if (auto global = dyn_cast<memref::GlobalOp>(op))
        return !isPackable(global.getType());
      return converter.isLegal(op);
    });
    // Loads and stores keep their (legal) i8 types after conversion but
    // must be rewritten whenever they touch a packable memref.
    target.addDynamicallyLegalOp<memref::LoadOp>(
        [](memref::LoadOp op) { return !isPackable(op.getMemRefType()); });
    target.addDynamicallyLegalOp<memref::StoreOp>(
        [](memref::StoreOp op) { return !isPackable(op.getMemRefType()); });
    target.addDynamicallyLegalOp<vector::TransferReadOp>(
        [](vector::TransferReadOp op) {
          auto type = dyn_cast<MemRefType>(op.getBase().getType());
          return !type || !isPackable(type);
        });

    RewritePatternSet patterns(ctx);
    patterns
        .add<AllocLowering<memref::AllocOp>, AllocLowering<memref::AllocaOp>,
             LoadLowering, StoreLowering, TransferReadLowering, GlobalLowering,
             GetGlobalLowering, WholeBufferLowering<memref::DeallocOp>,
             WholeBufferLowering<memref::CopyOp>,
             ReshapeLowering<memref::CollapseShapeOp>,
             ReshapeLowering<memref::ExpandShapeOp>,
             ReshapeLowering<memref::CastOp>>(converter, ctx);
    lpc::lq::populateFuncBoundaryConversion(converter, patterns, target);
    // Loops and branches that carry packed buffers.
    scf::populateSCFStructuralTypeConversionsAndLegality(converter, patterns,
                                                         target);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
