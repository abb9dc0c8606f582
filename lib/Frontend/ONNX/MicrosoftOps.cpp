//===- MicrosoftOps.cpp - com.microsoft quantization operators ===//
//
// Quantized operators import into lq ops (docs/Semantics.md); the codes keep
// their low-bit formats.
//
// MatMulNBits (ONNX Runtime contrib op): Y = A @ W^T (+ bias) with the N x K
// weight W block-quantized along K. Its packed uint8 blobs are unpacked at
// import time into a constant of !lq.int<bits, unsigned> codes, dequantized
// by lq.dequantize with layout <block = [1, block_size]>, and multiplied by
// the importer's contraction helper (docs/Rationale.md).
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "lpc/Dialect/LQ/IR/LQ.h"
#include "lpc/Dialect/LQ/Utils/ActivationQuantization.h"
#include "lpc/Dialect/LQ/Utils/HostQuantization.h"

#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace lpc::frontend;

namespace {

using Results = SmallVectorImpl<Value>;

/// The bytes of a uint8 constant, or an error naming `what`.
std::optional<SmallVector<uint8_t>> constBytes(NodeContext &ctx, size_t i,
                                               StringRef what) {
  Value v = ctx.input(i);
  if (!elemOf(v).isInteger(8) || !ctx.isUnsigned(v)) {
    ctx.error() << what << " must be a uint8 tensor, got " << v.getType();
    return std::nullopt;
  }
  std::optional<DenseElementsAttr> attr = ctx.constant(v, false);
  if (!attr) {
    ctx.error() << what
                << " must be a constant (an initializer or Constant node)";
    return std::nullopt;
  }
  SmallVector<uint8_t> out;
  out.reserve(attr->getNumElements());
  for (const APInt &x : attr->getValues<APInt>())
    out.push_back((uint8_t)x.getZExtValue());
  return out;
}

/// Code `j` of a dense LSB-first bit stream of `bits`-bit codes.
uint64_t readCode(ArrayRef<uint8_t> bytes, int64_t j, int64_t bits) {
  uint64_t code = 0;
  for (int64_t b = 0; b < bits; ++b) {
    int64_t bit = j * bits + b;
    code |= (uint64_t)((bytes[bit / 8] >> (bit % 8)) & 1) << b;
  }
  return code;
}

/// A constant tensor<shape x !lq.int<bits, unsigned>> of `codes`.
Value codeConstant(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                   int64_t bits, ArrayRef<uint64_t> codes) {
  auto format = lpc::lq::IntType::get(b.getContext(), bits, /*isSigned=*/false,
                                      /*narrow=*/false);
  return lpc::lq::buildCodeConstant(b, loc, shape, format, codes);
}

/// Whether `v` is defined by a constant op (dense or resource weights).
bool isConstant(Value v) { return v.getDefiningOp<arith::ConstantOp>(); }

/// "float32" or "float16": A's element type in messages.
StringRef floatName(Type t) { return t.isF16() ? "float16" : "float32"; }

/// A per-block float tensor (scales or float zero points) of A's type
/// `act` and shape [N, k_blocks] or [N * k_blocks], as f32 [N, k_blocks];
/// null after an error.
Value blockTensor(NodeContext &ctx, size_t i, StringRef what, Type act,
                  int64_t n, int64_t kBlocks) {
  Value v = ctx.input(i);
  if (elemOf(v) != act) {
    ctx.error() << what << " must be " << floatName(act) << " like A, got "
                << v.getType();
    return nullptr;
  }
  if (!isConstant(v)) {
    ctx.error() << what
                << " must be a constant (an initializer or Constant node)";
    return nullptr;
  }
  ArrayRef<int64_t> s = shapeOf(v);
  if (s == ArrayRef<int64_t>{n, kBlocks})
    return convertFloats(ctx.b, ctx.loc, v, ctx.b.getF32Type());
  if (s == ArrayRef<int64_t>{n * kBlocks})
    return convertFloats(ctx.b, ctx.loc,
                         reshape(ctx.b, ctx.loc, v, {n, kBlocks}),
                         ctx.b.getF32Type());
  ctx.error() << what << " must have shape [" << n << ", " << kBlocks
              << "] or [" << n * kBlocks << "] (N, k_blocks), got "
              << v.getType();
  return nullptr;
}

LogicalResult matMulNBitsOp(NodeContext &ctx, Results &results) {
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  for (StringRef name : {"K", "N", "block_size"})
    if (!ctx.hasAttr(name))
      return ctx.error() << "missing required attribute '" << name << "'";
  int64_t kDim = ctx.getInt("K", 0), n = ctx.getInt("N", 0);
  int64_t bits = ctx.getInt("bits", 4), bs = ctx.getInt("block_size", 0);
  if (kDim < 1 || n < 1)
    return ctx.error() << "K and N must be positive, got K = " << kDim
                       << ", N = " << n;
  if (bits < 2 || bits > 8)
    return ctx.error() << "bits must be in [2, 8], got " << bits;
  if (bs < 16 || !llvm::isPowerOf2_64(bs))
    return ctx.error() << "block_size must be a power of two >= 16, got " << bs;
  if (int64_t p = ctx.getInt("weight_prepacked", 0))
    return ctx.error() << "weight_prepacked = " << p
                       << " (an execution-provider layout) is not supported";
  // accuracy_level 4 lets ORT quantize A to int8 per block (its
  // QuantizeARow_CompInt8); lpc then does the same, through
  // lq::quantizeActivations. Other levels compute in f32
  // (docs/Rationale.md).
  int64_t accuracy = ctx.getInt("accuracy_level", 0);

  if (failed(ctx.require(0, "A")) || failed(ctx.require(1, "B")) ||
      failed(ctx.require(2, "scales")))
    return failure();
  // float16 A (with float16 scales, float zero points and bias) is
  // computed in f32 and the result rounded to float16 once.
  Value a = ctx.input(0);
  Type act = elemOf(a);
  if (!act.isF32() && !act.isF16())
    return ctx.error() << "A must be float32 or float16, got " << a.getType();
  ArrayRef<int64_t> as = shapeOf(a);
  if (as.empty() || as.back() != kDim)
    return ctx.error() << "A " << a.getType() << " must have K = " << kDim
                       << " as its last dimension";

  int64_t kBlocks = (kDim + bs - 1) / bs, blob = bs * bits / 8;
  Value bIn = ctx.input(1);
  if (shapeOf(bIn) != ArrayRef<int64_t>{n, kBlocks, blob})
    return ctx.error() << "B must have shape [" << n << ", " << kBlocks << ", "
                       << blob << "] (N, k_blocks, block_size * bits / 8), got "
                       << bIn.getType();
  std::optional<SmallVector<uint8_t>> bBytes = constBytes(ctx, 1, "B");
  if (!bBytes)
    return failure();

  Value scales = blockTensor(ctx, 2, "scales", act, n, kBlocks);
  if (!scales)
    return failure();

  // Zero points: packed uint8 codes (ceil(k_blocks * bits / 8) bytes per
  // row), float offsets, or the default 2^(bits - 1).
  Value zp;
  if (ctx.hasInput(3) && isa<FloatType>(elemOf(ctx.input(3)))) {
    Value z = blockTensor(ctx, 3, "zero_points", act, n, kBlocks);
    if (!z)
      return failure();
    // ORT dequantizes with a float zero point as q * s + (-s * zp): lq's float
    // offset o = -(s * zp), rounded once to f32.
    zp = elementwise(b, loc, {scales, z}, {n, kBlocks}, b.getF32Type(),
                     [](OpBuilder &nb, Location l, ValueRange v) -> Value {
                       return arith::NegFOp::create(
                           nb, l, arith::MulFOp::create(nb, l, v[0], v[1]));
                     });
  } else {
    SmallVector<uint64_t> zps;
    zps.reserve(n * kBlocks);
    if (ctx.hasInput(3)) {
      int64_t rowBytes = (kBlocks * bits + 7) / 8;
      ArrayRef<int64_t> zs = shapeOf(ctx.input(3));
      if (zs != ArrayRef<int64_t>{n, rowBytes} &&
          zs != ArrayRef<int64_t>{n * rowBytes})
        return ctx.error() << "packed zero_points must have shape [" << n
                           << ", " << rowBytes << "] or [" << n * rowBytes
                           << "] (N, ceil(k_blocks * bits / 8)), got "
                           << ctx.input(3).getType();
      std::optional<SmallVector<uint8_t>> zBytes =
          constBytes(ctx, 3, "zero_points");
      if (!zBytes)
        return failure();
      for (int64_t r = 0; r < n; ++r) {
        ArrayRef<uint8_t> row = ArrayRef(*zBytes).slice(r * rowBytes, rowBytes);
        for (int64_t j = 0; j < kBlocks; ++j)
          zps.push_back(readCode(row, j, bits));
      }
    } else {
      zps.assign(n * kBlocks, uint64_t(1) << (bits - 1));
    }
    zp = codeConstant(b, loc, {n, kBlocks}, bits, zps);
  }

  if (ctx.hasInput(4)) {
    // g_idx (deprecated): only the trivial map k -> k / block_size.
    std::optional<SmallVector<int64_t>> g = ctx.constInts(ctx.input(4), false);
    bool trivial = g && (int64_t)g->size() == kDim;
    for (int64_t k = 0; trivial && k < kDim; ++k)
      trivial = (*g)[k] == k / bs;
    if (!trivial)
      return ctx.error() << "g_idx is only supported as the constant k / "
                            "block_size for k in [0, K)";
  }
  Value bias = ctx.input(5);
  if (bias && (elemOf(bias) != act || shapeOf(bias) != ArrayRef<int64_t>{n}))
    return ctx.error() << "bias must be " << floatName(act) << " of shape ["
                       << n << "], got " << bias.getType();
  if (bias)
    bias = convertFloats(ctx.b, ctx.loc, bias, ctx.b.getF32Type());

  // Unpack B: code k of row r lies in blob (r, k / bs) at code index k % bs.
  SmallVector<uint64_t> codes;
  codes.reserve(n * kDim);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t k = 0; k < kDim; ++k) {
      ArrayRef<uint8_t> blk =
          ArrayRef(*bBytes).slice((r * kBlocks + k / bs) * blob, blob);
      codes.push_back(readCode(blk, k % bs, bits));
    }
  Value q = codeConstant(b, loc, {n, kDim}, bits, codes);
  auto wType = RankedTensorType::get({n, kDim}, b.getF32Type());
  auto layout = lpc::lq::LayoutAttr::getBlock(b.getContext(), {1, bs});
  bool int8Activations = accuracy == 4 && !isa<FloatType>(elemOf(zp));
  Value w;
  if (!int8Activations)
    w = lpc::lq::DequantizeOp::create(b, loc, wType, q, scales, zp, layout);

  // Y = A @ W^T over A flattened to [M, K].
  int64_t m = numElements(as.drop_back());
  Value a2 =
      convertFloats(b, loc, reshape(b, loc, a, {m, kDim}), b.getF32Type());
  Value y;
  if (int8Activations) {
    // The weight-only lq.matmul, then int8 activations per block.
    auto matmul = lpc::lq::MatmulOp::create(
        b, loc, RankedTensorType::get({m, n}, b.getF32Type()), a2, q,
        /*lhsScale=*/Value(), scales, /*lhsZeroPoint=*/Value(), zp,
        /*lhsLayout=*/lpc::lq::LayoutAttr(), layout, /*rhsTransposed=*/true);
    IRRewriter rewriter(b);
    FailureOr<Value> quantized =
        lpc::lq::quantizeActivations(rewriter, matmul, /*bits=*/8);
    y = succeeded(quantized) ? *quantized : matmul.getResult();
  } else {
    y = contraction(b, loc, a2, w, {}, m, n, kDim, false, true);
  }
  if (bias)
    y = elementwise(b, loc, {y, bias}, {m, n}, b.getF32Type(),
                    [](OpBuilder &nb, Location l, ValueRange v) -> Value {
                      return arith::AddFOp::create(nb, l, v[0], v[1]);
                    });
  y = convertFloats(b, loc, y, act);
  SmallVector<int64_t> outShape(as.drop_back());
  outShape.push_back(n);
  results.push_back(reshape(b, loc, y, outShape));
  return success();
}

} // namespace

void lpc::frontend::registerMicrosoftOps(OpTable &t) {
  t[opTableKey("com.microsoft", "MatMulNBits")] = matMulNBitsOp;
  // com.microsoft DequantizeLinear / QuantizeLinear (int8, uint8, int16,
  // uint16, int4, uint4, and int32 for Dequantize; per-tensor or per-axis) are
  // the ONNX-domain ops without block_size, output_dtype and float8: the
  // ONNX importers serve them, and since ctx.opset is then the com.microsoft
  // version (1), they read none of the opset-21+ attributes.
  // (registerQuantOps has run; microsoft-qdq.test catches a missing entry.)
  for (StringRef op : {"DequantizeLinear", "QuantizeLinear"})
    if (OpImporterFn fn = t.lookup(op))
      t[opTableKey("com.microsoft", op)] = fn;
}
