//===- CalibrationOutputs.cpp - Activations of weight layers as results ---===//
//
// lq-calibration-outputs (Passes.td): what lpc calibrate measures, made
// observable by returning it from the model function.
//
//===----------------------------------------------------------------------===//

#include "FuseQDQ.h"

#include "lpc/Dialect/LQ/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/MapVector.h"

#include <functional>

namespace lpc::lq {
#define GEN_PASS_DEF_LQCALIBRATIONOUTPUTS
#include "lpc/Dialect/LQ/Transforms/Passes.h.inc"
} // namespace lpc::lq

using namespace mlir;

namespace {

/// True if `v` is a constant f32 tensor, seen through shape views.
bool isConstantWeight(Value v) {
  Value c = lpc::lq::detail::getViewedConstant(v);
  return c && cast<RankedTensorType>(c.getType()).getElementType().isF32();
}

struct Observed {
  SmallVector<Attribute> layers;
  StringRef op;
  int64_t channelAxis;
  /// Convolutions: how each reads the value (PatchGeometry in
  /// lpc/Dialect/LQ/Utils/Calibration.h), for the patch Gram matrices.
  SmallVector<Attribute> patches;
};

/// An index linear in the loops: a coefficient per loop and a constant.
struct Linear {
  SmallVector<int64_t> coeffs;
  int64_t constant = 0;
};

/// `e` as a Linear over `numLoops` loops, or nullopt (not linear).
std::optional<Linear> linearOf(AffineExpr e, unsigned numLoops) {
  Linear l;
  l.coeffs.assign(numLoops, 0);
  std::function<bool(AffineExpr, int64_t)> add = [&](AffineExpr x, int64_t m) {
    if (auto d = dyn_cast<AffineDimExpr>(x)) {
      l.coeffs[d.getPosition()] += m;
      return true;
    }
    if (auto c = dyn_cast<AffineConstantExpr>(x)) {
      l.constant += m * c.getValue();
      return true;
    }
    auto bin = dyn_cast<AffineBinaryOpExpr>(x);
    if (!bin)
      return false;
    if (x.getKind() == AffineExprKind::Add)
      return add(bin.getLHS(), m) && add(bin.getRHS(), m);
    if (x.getKind() != AffineExprKind::Mul)
      return false;
    if (auto c = dyn_cast<AffineConstantExpr>(bin.getRHS()))
      return add(bin.getLHS(), m * c.getValue());
    if (auto c = dyn_cast<AffineConstantExpr>(bin.getLHS()))
      return add(bin.getRHS(), m * c.getValue());
    return false;
  };
  if (!add(e, 1))
    return std::nullopt;
  return l;
}

/// The PatchGeometry attribute of convolution `op` reading its input
/// through `index` (the input value's indices as Linear), or null where the
/// loops are not what a patch Gram matrix needs: static sizes, at most one
/// depth (group) loop, a filter indexed by loops alone.
Attribute patchGeometry(linalg::LinalgOp op,
                        const linalg::ConvolutionDimensions &dims,
                        ArrayRef<Linear> index, StringAttr layer) {
  MLIRContext *ctx = op.getContext();
  SmallVector<int64_t> sizes = op.getStaticLoopRanges();
  if (llvm::any_of(sizes, ShapedType::isDynamic) || dims.depth.size() > 1)
    return {};
  SmallVector<int64_t> image(dims.batch.begin(), dims.batch.end());
  image.append(dims.outputImage.begin(), dims.outputImage.end());
  llvm::sort(image);
  SmallVector<int64_t> reduction;
  for (AffineExpr e :
       op.getMatchingIndexingMap(&op->getOpOperand(1)).getResults()) {
    auto d = dyn_cast<AffineDimExpr>(e);
    if (!d)
      return {};
    if (llvm::is_contained(dims.inputChannel, d.getPosition()) ||
        llvm::is_contained(dims.filterLoop, d.getPosition()))
      reduction.push_back(d.getPosition());
  }
  int64_t depth = dims.depth.empty() ? -1 : (int64_t)dims.depth[0];
  SmallVector<int64_t> coeffs, offsets;
  for (const Linear &l : index) {
    for (auto [loop, c] : llvm::enumerate(l.coeffs))
      if (c != 0 && !llvm::is_contained(image, (int64_t)loop) &&
          !llvm::is_contained(reduction, (int64_t)loop) &&
          (int64_t)loop != depth)
        return {}; // the input depends on another loop
    coeffs.append(l.coeffs.begin(), l.coeffs.end());
    offsets.push_back(l.constant);
  }
  auto named = [&](StringRef n, Attribute a) {
    return NamedAttribute(StringAttr::get(ctx, n), a);
  };
  auto i64 = [&](ArrayRef<int64_t> v) {
    return DenseI64ArrayAttr::get(ctx, v);
  };
  return DictionaryAttr::get(
      ctx, {named("layer", layer), named("loop_sizes", i64(sizes)),
            named("coeffs", i64(coeffs)), named("offsets", i64(offsets)),
            named("image_loops", i64(image)),
            named("reduction_loops", i64(reduction)),
            named("depth_loop",
                  IntegerAttr::get(IntegerType::get(ctx, 64), depth))});
}

struct LQCalibrationOutputsPass
    : lpc::lq::impl::LQCalibrationOutputsBase<LQCalibrationOutputsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto func = module.lookupSymbol<func::FuncOp>(entry);
    if (!func) {
      module.emitError() << "lq-calibration-outputs: no function '" << entry
                         << "'";
      return signalPassFailure();
    }
    MLIRContext *ctx = &getContext();
    llvm::MapVector<Value, Observed> observed;
    func.walk([&](linalg::LinalgOp op) {
      if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 2 ||
          !isConstantWeight(op.getDpsInputs()[1]))
        return;
      StringAttr name =
          StringAttr::get(ctx, lpc::lq::detail::getNodeName(op.getLoc()));
      if (lpc::lq::detail::matchMatmul(op)) {
        Value x = op.getDpsInputs()[0];
        if (!cast<RankedTensorType>(x.getType()).getElementType().isF32())
          return;
        Observed &o = observed[x];
        o.layers.push_back(name);
        o.op = "matmul";
        o.channelAxis = 1;
        return;
      }
      if (!linalg::isaConvolutionOpInterface(op))
        return;
      FailureOr<linalg::ConvolutionDimensions> dims =
          linalg::inferConvolutionDims(op);
      if (failed(dims) || dims->inputChannel.size() != 1)
        return;
      // The input dim of the input channel, followed back through the
      // importer's grouped view and padding.
      AffineMap map = op.getMatchingIndexingMap(&op->getOpOperand(0));
      std::optional<int64_t> axis;
      for (auto [i, e] : llvm::enumerate(map.getResults()))
        if (auto d = dyn_cast<AffineDimExpr>(e))
          if (d.getPosition() == dims->inputChannel[0])
            axis = i;
      if (!axis)
        return;
      Value x = op.getDpsInputs()[0];
      // The indices of x each loop position reads, while they are linear.
      std::optional<SmallVector<Linear>> index = SmallVector<Linear>();
      for (AffineExpr e : map.getResults()) {
        std::optional<Linear> l = linearOf(e, op.getNumLoops());
        if (!l) {
          index.reset();
          break;
        }
        index->push_back(*l);
      }
      while (true) {
        auto expand = x.getDefiningOp<tensor::ExpandShapeOp>();
        if (expand) {
          // Only where the channel dim is alone in its group but for unit
          // dims (the importer's groups of one), so it stays the channel.
          ArrayRef<int64_t> shape = expand.getResultType().getShape();
          std::optional<int64_t> source;
          for (auto [i, group] :
               llvm::enumerate(expand.getReassociationIndices()))
            if (llvm::is_contained(group, *axis) &&
                llvm::all_of(group, [&](int64_t d) {
                  return d == *axis || shape[d] == 1;
                }))
              source = i;
          if (!source)
            break;
          axis = *source;
          x = expand.getSrc();
          if (index) {
            // A source index is its group's indices, row-major.
            SmallVector<Linear> collapsed;
            for (ArrayRef<int64_t> group : expand.getReassociationIndices()) {
              Linear l;
              l.coeffs.assign(op.getNumLoops(), 0);
              int64_t stride = 1;
              for (int64_t d : llvm::reverse(group)) {
                for (auto [c, dc] : llvm::zip(l.coeffs, (*index)[d].coeffs))
                  c += stride * dc;
                l.constant += stride * (*index)[d].constant;
                stride *= shape[d];
              }
              collapsed.push_back(std::move(l));
            }
            index = std::move(collapsed);
          }
        } else if (auto pad = x.getDefiningOp<tensor::PadOp>()) {
          x = pad.getSource();
          // Zero padding with static low sizes shifts the indices.
          Value padding = pad.getConstantPaddingValue();
          if (!padding || !matchPattern(padding, m_AnyZeroFloat()) ||
              llvm::any_of(pad.getStaticLow(), ShapedType::isDynamic)) {
            index.reset();
            continue;
          }
          if (index)
            for (auto [l, low] : llvm::zip(*index, pad.getStaticLow()))
              l.constant -= low;
        } else {
          break;
        }
      }
      if (!cast<RankedTensorType>(x.getType()).getElementType().isF32())
        return;
      Observed &o = observed[x];
      o.layers.push_back(name);
      o.op = "conv";
      o.channelAxis = *axis;
      if (index)
        if (Attribute g = patchGeometry(op, *dims, *index, name))
          o.patches.push_back(g);
    });

    auto ret = cast<func::ReturnOp>(func.getBody().back().getTerminator());
    SmallVector<Value> results(ret.getOperands());
    SmallVector<Type> types(func.getFunctionType().getResults());
    SmallVector<Attribute> attrs;
    for (unsigned i = 0; i < types.size(); ++i)
      attrs.push_back(func.getResultAttrDict(i)
                          ? Attribute(func.getResultAttrDict(i))
                          : Attribute(DictionaryAttr::get(ctx)));
    auto named = [&](StringRef n, Attribute a) {
      return NamedAttribute(StringAttr::get(ctx, n), a);
    };
    int64_t index = 0;
    for (auto &[value, o] : observed) {
      auto type = cast<RankedTensorType>(value.getType());
      int64_t axis = o.op == "matmul" ? type.getRank() - 1 : o.channelAxis;
      results.push_back(value);
      types.push_back(type);
      attrs.push_back(DictionaryAttr::get(
          ctx,
          {named("lpc.name", StringAttr::get(ctx, "calibration:" +
                                                      std::to_string(index++))),
           named("lpc.calibration",
                 DictionaryAttr::get(
                     ctx,
                     {named("layers", ArrayAttr::get(ctx, o.layers)),
                      named("op", StringAttr::get(ctx, o.op)),
                      named("channel_axis",
                            IntegerAttr::get(IntegerType::get(ctx, 64), axis)),
                      named("patches", ArrayAttr::get(ctx, o.patches))}))}));
    }
    OpBuilder b(ret);
    func::ReturnOp::create(b, ret.getLoc(), results);
    ret.erase();
    func.setFunctionType(
        FunctionType::get(ctx, func.getFunctionType().getInputs(), types));
    func.setAllResultAttrs(attrs);
  }
};

} // namespace
