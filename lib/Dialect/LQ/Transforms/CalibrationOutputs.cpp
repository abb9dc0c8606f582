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
#include "llvm/ADT/MapVector.h"

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
};

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
        } else if (auto pad = x.getDefiningOp<tensor::PadOp>()) {
          x = pad.getSource();
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
                     ctx, {named("layers", ArrayAttr::get(ctx, o.layers)),
                           named("op", StringAttr::get(ctx, o.op)),
                           named("channel_axis",
                                 IntegerAttr::get(IntegerType::get(ctx, 64),
                                                  axis))}))}));
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
