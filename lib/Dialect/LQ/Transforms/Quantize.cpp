//===- Quantize.cpp - Post-training quantization by recipe ----------------===//
//
// lq-quantize (Passes.td): the constant f32 weights of matmuls and
// convolutions become constant codes and scales of a recipe
// (lpc/Dialect/LQ/Utils/Recipes.h), read by lq.matmul or lq.dequantize;
// recipes with integer activations then go through the one activation
// quantization (lpc/Dialect/LQ/Utils/ActivationQuantization.h).
//
//===----------------------------------------------------------------------===//

#include "FuseQDQ.h"

#include "lpc/Dialect/LQ/IR/LQ.h"
#include "lpc/Dialect/LQ/Transforms/Passes.h"
#include "lpc/Dialect/LQ/Utils/ActivationQuantization.h"
#include "lpc/Dialect/LQ/Utils/Calibration.h"
#include "lpc/Dialect/LQ/Utils/HostQuantization.h"
#include "lpc/Dialect/LQ/Utils/Recipes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/PatternMatch.h"

namespace lpc::lq {
#define GEN_PASS_DEF_LQQUANTIZE
#include "lpc/Dialect/LQ/Transforms/Passes.h.inc"
} // namespace lpc::lq

using namespace mlir;
using namespace lpc::lq;

namespace {

/// The discardable attribute lq-report reads: the layer output's SQNR (dB)
/// on the calibration inputs with the quantized weights.
constexpr llvm::StringLiteral kSQNRAttr = "lq.calibration_sqnr";

/// The f32 values of a constant (dense or resource blob), or nullopt.
std::optional<std::vector<float>> constantFloats(Value v) {
  auto cst = v.getDefiningOp<arith::ConstantOp>();
  if (!cst)
    return std::nullopt;
  auto type = dyn_cast<RankedTensorType>(cst.getType());
  if (!type || !type.getElementType().isF32() || !type.hasStaticShape())
    return std::nullopt;
  if (auto res = dyn_cast<DenseF32ResourceElementsAttr>(cst.getValue())) {
    std::optional<ArrayRef<float>> data = res.tryGetAsArrayRef();
    if (!data)
      return std::nullopt;
    return std::vector<float>(data->begin(), data->end());
  }
  auto dense = dyn_cast<DenseElementsAttr>(cst.getValue());
  if (!dense)
    return std::nullopt;
  auto values = dense.getValues<float>();
  return std::vector<float>(values.begin(), values.end());
}

/// A constant f32 tensor.
Value floatConstant(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                    ArrayRef<float> values) {
  auto type = RankedTensorType::get(shape, b.getF32Type());
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(type, values));
}

/// The IR of quantized weights of `shape`: codes, scales, zero points and
/// the layout they are read with.
struct WeightValues {
  Value codes, scales, zeroPoint;
  LayoutAttr layout;
};

WeightValues buildWeights(OpBuilder &b, Location loc, const Recipe &recipe,
                          const QuantizedWeights &q, ArrayRef<int64_t> shape,
                          ArrayRef<int64_t> block, ArrayRef<WeightDim> dims) {
  MLIRContext *ctx = b.getContext();
  WeightValues w;
  w.codes = buildCodeConstant(b, loc, shape, q.codeType, q.codes);
  // One scale per output channel reads as <axis = c> where one dim is the
  // channel, groups (and grouped convolutions' channels) as blocks.
  SmallVector<int64_t> scaleShape(q.scaleShape);
  if (recipe.group == 0 && llvm::count(dims, WeightDim::Channel) == 1) {
    int64_t c = llvm::find(dims, WeightDim::Channel) - dims.begin();
    scaleShape = {shape[c]};
    w.layout = LayoutAttr::getAxis(ctx, c);
  } else {
    w.layout = LayoutAttr::getBlock(ctx, block);
  }
  if (!q.scaleCodeType) {
    w.scales = floatConstant(b, loc, scaleShape, q.scales);
  } else {
    Value codes =
        buildCodeConstant(b, loc, scaleShape, q.scaleCodeType, q.scaleCodes);
    if (q.scale2Block.empty()) {
      w.scales = codes; // decoded where they are used (MX)
    } else {
      // Two-level: the scales are themselves dequantized.
      bool perTensor = q.scale2.size() == 1;
      LayoutAttr layout2 = perTensor ? LayoutAttr::getTensor(ctx)
                                     : LayoutAttr::getBlock(ctx, q.scale2Block);
      SmallVector<int64_t> shape2 =
          perTensor ? SmallVector<int64_t>{} : q.scale2Shape;
      Value s2 = floatConstant(b, loc, shape2, q.scale2);
      Value o2 = q.offset2.empty() ? Value()
                                   : floatConstant(b, loc, shape2, q.offset2);
      w.scales = DequantizeOp::create(
          b, loc, RankedTensorType::get(scaleShape, b.getF32Type()), codes, s2,
          o2, layout2);
    }
  }
  if (!q.zeroPoints.empty())
    w.zeroPoint =
        buildCodeConstant(b, loc, scaleShape, q.zeroPointType, q.zeroPoints);
  return w;
}

/// The constant a convolution's filter operand reads through
/// tensor.expand_shape ops (the importer's grouped view), and the first of
/// those ops (null when the operand is the constant itself).
std::pair<Value, OpOperand *> filterConstant(OpOperand &operand) {
  OpOperand *use = &operand;
  Value v = operand.get();
  while (auto expand = v.getDefiningOp<tensor::ExpandShapeOp>()) {
    use = &expand.getSrcMutable();
    v = expand.getSrc();
  }
  return {v, use};
}

/// What each dim of a convolution's constant filter (read through `use`,
/// the filter operand itself or the first tensor.expand_shape above it) is:
/// the loop dims the op's filter map gives them, through the expand_shape's
/// reassociation. nullopt unless they are channels (output channels and
/// groups), exactly one input-channel dim and window dims.
std::optional<SmallVector<WeightDim>>
filterDims(linalg::LinalgOp op, const linalg::ConvolutionDimensions &dims,
           OpOperand &use, RankedTensorType type) {
  if (!type)
    return std::nullopt;
  AffineMap map = op.getMatchingIndexingMap(&op->getOpOperand(1));
  auto roleOfLoop = [&](unsigned pos) -> std::optional<WeightDim> {
    if (llvm::is_contained(dims.outputChannel, pos) ||
        llvm::is_contained(dims.depth, pos))
      return WeightDim::Channel;
    if (llvm::is_contained(dims.inputChannel, pos))
      return WeightDim::Reduction;
    if (llvm::is_contained(dims.filterLoop, pos))
      return WeightDim::Window;
    return std::nullopt;
  };
  // Filter dim -> role.
  SmallVector<std::optional<WeightDim>> filterRoles;
  for (AffineExpr e : map.getResults()) {
    auto d = dyn_cast<AffineDimExpr>(e);
    filterRoles.push_back(d ? roleOfLoop(d.getPosition()) : std::nullopt);
  }
  // Constant dim -> the roles of the filter dims it expands into.
  SmallVector<ReassociationIndices> groups;
  if (auto expand = dyn_cast<tensor::ExpandShapeOp>(use.getOwner())) {
    if (expand.getResult() != op->getOpOperand(1).get())
      return std::nullopt; // more than one expand_shape
    groups = expand.getReassociationIndices();
  } else {
    for (int64_t i = 0; i < type.getRank(); ++i)
      groups.push_back({i});
  }
  SmallVector<WeightDim> roles;
  for (ArrayRef<int64_t> g : groups) {
    std::optional<WeightDim> role = filterRoles[g.front()];
    for (int64_t i : g)
      if (!filterRoles[i] || filterRoles[i] != role)
        return std::nullopt;
    roles.push_back(*role);
  }
  if (llvm::count(roles, WeightDim::Reduction) != 1)
    return std::nullopt;
  return roles;
}

/// The number of leading channel dims of a convolution's constant filter
/// (the rows of the matrix GPTQ and the layer SQNR see, the other dims
/// flattened: its columns, in the order of lq-calibration-outputs'
/// patches), and the group (value of the depth loop) of every row, empty
/// where there is no depth loop (one group); nullopt unless every channel
/// dim leads.
std::optional<std::pair<int64_t, SmallVector<int64_t>>>
filterRowGroups(linalg::LinalgOp op, const linalg::ConvolutionDimensions &dims,
                OpOperand &use, ArrayRef<WeightDim> roles) {
  int64_t lead = 0;
  while (lead < (int64_t)roles.size() && roles[lead] == WeightDim::Channel)
    ++lead;
  if (lead == 0 || llvm::count(roles, WeightDim::Channel) != lead ||
      dims.depth.size() > 1)
    return std::nullopt;
  if (dims.depth.empty())
    return std::make_pair(lead, SmallVector<int64_t>());
  // The filter dims the leading dims are, and where the depth loop is.
  SmallVector<int64_t> rowDims;
  if (auto expand = dyn_cast<tensor::ExpandShapeOp>(use.getOwner())) {
    SmallVector<ReassociationIndices> groups = expand.getReassociationIndices();
    for (int64_t d = 0; d < lead; ++d)
      rowDims.append(groups[d].begin(), groups[d].end());
  } else {
    for (int64_t d = 0; d < lead; ++d)
      rowDims.push_back(d);
  }
  OpOperand &filter = op->getOpOperand(1);
  ArrayRef<int64_t> filterShape =
      cast<RankedTensorType>(filter.get().getType()).getShape();
  AffineMap map = op.getMatchingIndexingMap(&filter);
  int64_t inner = 1, size = 0;
  for (int64_t d : llvm::reverse(rowDims)) {
    auto e = dyn_cast<AffineDimExpr>(map.getResult(d));
    if (e && e.getPosition() == dims.depth[0]) {
      size = filterShape[d];
      break;
    }
    inner *= filterShape[d];
  }
  if (size == 0)
    return std::nullopt;
  int64_t rows = 1;
  for (int64_t d : rowDims)
    rows *= filterShape[d];
  SmallVector<int64_t> groups;
  for (int64_t r = 0; r < rows; ++r)
    groups.push_back((r / inner) % size);
  return std::make_pair(lead, groups);
}

struct LQQuantizePass : lpc::lq::impl::LQQuantizeBase<LQQuantizePass> {
  using Base::Base;
  CalibrationStats calibration;

  void runOnOperation() override {
    Operation *root = getOperation();
    const Recipe *r = recipe.empty() ? nullptr : lookupRecipe(recipe);
    if (!recipe.empty() && !r) {
      root->emitError() << "lq-quantize: unknown recipe '" << recipe
                        << "' (lpc has: " << getRecipeNames() << ")";
      return signalPassFailure();
    }
    QuantizeConfig cfg;
    cfg.defaultRecipe = r;
    if (!config.empty()) {
      llvm::Expected<QuantizeConfig> read = readQuantizeConfig(config, r);
      if (!read) {
        root->emitError() << "lq-quantize: "
                          << llvm::toString(read.takeError());
        return signalPassFailure();
      }
      cfg = std::move(*read);
    } else if (!r) {
      root->emitError() << "lq-quantize: give recipe=NAME (one of: "
                        << getRecipeNames() << ") or config=FILE";
      return signalPassFailure();
    }
    SmallVector<const Recipe *> used = {cfg.defaultRecipe};
    for (const QuantizeConfig::Override &o : cfg.overrides)
      used.push_back(o.recipe);
    if (!stats.empty()) {
      llvm::Expected<CalibrationStats> read = readCalibrationStats(stats);
      if (!read) {
        root->emitError() << "lq-quantize: "
                          << llvm::toString(read.takeError());
        return signalPassFailure();
      }
      calibration = std::move(*read);
    }
    if (gptq && stats.empty()) {
      root->emitError() << "lq-quantize: gptq needs the Gram matrices of "
                           "calibration statistics: give stats=FILE (lpc: "
                           "--calibration DIR)";
      return signalPassFailure();
    }
    for (const Recipe *u : used)
      if (u && !u->staticActivations.empty() && stats.empty()) {
        root->emitError() << "lq-quantize: recipe '" << u->name
                          << "' quantizes activations with static scales "
                             "from calibration statistics: give stats=FILE "
                             "(lpc: --calibration DIR)";
        return signalPassFailure();
      }
    SmallVector<linalg::LinalgOp> ops;
    root->walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics())
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    bool failedAny = false;
    // GPTQ on large layers takes a while: layers done / total.
    int64_t total = 0, done = 0;
    if (gptq && progress)
      for (linalg::LinalgOp op : ops)
        if ((lpc::lq::detail::matchMatmul(op) ||
             linalg::isaConvolutionOpInterface(op)) &&
            cfg.lookup(lpc::lq::detail::getNodeName(op->getLoc())))
          ++total;
    for (linalg::LinalgOp op : ops) {
      std::optional<bool> transposed = lpc::lq::detail::matchMatmul(op);
      if (!transposed && !linalg::isaConvolutionOpInterface(op))
        continue;
      const Recipe *layer =
          cfg.lookup(lpc::lq::detail::getNodeName(op->getLoc()));
      if (!layer) {
        ++numFloat;
        continue;
      }
      // Every layer is tried, so each problem gets its own message.
      std::string name = lpc::lq::detail::getNodeName(op->getLoc());
      if (failed(transposed ? quantizeMatmul(rewriter, *layer, op, *transposed)
                            : quantizeConv(rewriter, *layer, op)))
        failedAny = true;
      if (total)
        llvm::errs() << "lq-quantize: GPTQ layer " << ++done << "/" << total
                     << " " << name << "\n";
    }
    if (failedAny)
      signalPassFailure();
  }

  /// The statistics of the activations `op` reads, or an error.
  FailureOr<const ActivationStats *> statsFor(Operation *op) {
    std::string name = lpc::lq::detail::getNodeName(op->getLoc());
    if (const ActivationStats *s = calibration.lookup(name))
      return s;
    op->emitError() << "lq-quantize: " << stats
                    << " has no statistics for layer '" << name
                    << "' (calibrate this model with lpc calibrate)";
    return failure();
  }

  /// `x` quantized to the recipe's static activation format (E4M3FN or
  /// int8) with the per-tensor scale max|x| / (its largest magnitude) of its
  /// calibration statistics: the codes and the scale.
  std::pair<Value, Value> staticActivations(IRRewriter &rewriter, Location loc,
                                            const Recipe &recipe, Value x,
                                            const ActivationStats &s) {
    MLIRContext *ctx = &getContext();
    Type format =
        recipe.staticActivations == "int8"
            ? Type(IntType::get(ctx, 8, /*isSigned=*/true,
                                /*narrow=*/false))
            : Type(MiniFloatType::getNamed(ctx, recipe.staticActivations));
    float top = recipe.staticActivations == "int8"
                    ? 127.0f
                    : maxMagnitude(*getFormat(format));
    float amax = (float)s.tensorAbsMax();
    float scale = amax > 0.0f && std::isfinite(amax) ? amax / top : 1.0f;
    auto type = cast<RankedTensorType>(x.getType());
    Value sc = floatConstant(rewriter, loc, {}, {scale});
    Value codes = QuantizeOp::create(
        rewriter, loc, RankedTensorType::get(type.getShape(), format), x, sc,
        Value(), LayoutAttr::getTensor(ctx));
    return {codes, sc};
  }

  /// A matmul with a constant f32 rhs: a weight-only lq.matmul on N x K
  /// codes, then the recipe's activations.
  LogicalResult quantizeMatmul(IRRewriter &rewriter, const Recipe &recipe,
                               linalg::LinalgOp op, bool transposed) {
    Value lhs = op.getDpsInputs()[0], rhs = op.getDpsInputs()[1];
    Value init = op.getDpsInits()[0];
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    if (!resultType.getElementType().isF32() ||
        !cast<RankedTensorType>(lhs.getType()).getElementType().isF32())
      return success();
    std::optional<std::vector<float>> w = constantFloats(rhs);
    if (!w)
      return success();
    const ActivationStats *actStats = nullptr, *calib = nullptr;
    if (!recipe.staticActivations.empty() || gptq) {
      FailureOr<const ActivationStats *> s = statsFor(op);
      if (failed(s))
        return failure();
      calib = *s;
      if (!recipe.staticActivations.empty())
        actStats = *s;
    } else if (!stats.empty()) {
      // Only for the report's SQNR: a layer without statistics has none.
      calib = calibration.lookup(lpc::lq::detail::getNodeName(op->getLoc()));
    }
    ArrayRef<int64_t> rs = cast<RankedTensorType>(rhs.getType()).getShape();
    int64_t n = transposed ? rs[0] : rs[1], k = transposed ? rs[1] : rs[0];
    std::vector<float> nk(w->size());
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < k; ++j)
        nk[i * k + j] = transposed ? (*w)[i * k + j] : (*w)[j * n + i];
    SmallVector<int64_t> shape = {n, k};
    SmallVector<WeightDim> dims = {WeightDim::Channel, WeightDim::Reduction};
    SmallVector<int64_t> block = getWeightBlock(recipe, shape, dims);
    QuantizedWeights q;
    if (gptq) {
      if ((int64_t)calib->gram.size() != k * k) {
        op->emitError() << "lq-quantize: " << stats << " has no " << k << " x "
                        << k << " Gram matrix for layer '"
                        << lpc::lq::detail::getNodeName(op->getLoc())
                        << "' (GPTQ needs one)";
        return failure();
      }
      llvm::Expected<QuantizedWeights> g =
          gptqWeights(&getContext(), recipe, nk, shape, block, calib->gram,
                      /*rowGroup=*/{}, actOrder);
      if (!g) {
        op->emitError() << "lq-quantize: GPTQ: "
                        << llvm::toString(g.takeError());
        return failure();
      }
      q = std::move(*g);
    } else {
      q = quantizeWeights(&getContext(), recipe, nk, shape, block);
    }

    Location loc = op.getLoc();
    rewriter.setInsertionPoint(op);
    WeightValues wv =
        buildWeights(rewriter, loc, recipe, q, shape, block, dims);
    Value lhsScale;
    LayoutAttr lhsLayout;
    if (actStats) {
      std::tie(lhs, lhsScale) =
          staticActivations(rewriter, loc, recipe, lhs, *actStats);
      lhsLayout = LayoutAttr::getTensor(&getContext());
    }
    auto mm = MatmulOp::create(
        rewriter, loc, resultType, lhs, wv.codes, lhsScale, wv.scales,
        /*lhsZeroPoint=*/Value(), wv.zeroPoint, lhsLayout, wv.layout,
        /*rhsTransposed=*/true);
    Value result = mm.getResult();
    if (!lpc::lq::detail::isZeroFilled(init)) {
      // The product starts at +0.0; the old accumulator is added after.
      result = linalg::AddOp::create(rewriter, loc, ValueRange{init, result},
                                     ValueRange{tensor::EmptyOp::create(
                                         rewriter, loc, resultType.getShape(),
                                         rewriter.getF32Type())})
                   .getResult(0);
    }
    // The weights' effect on the layer's output on the calibration inputs,
    // for lq-report.
    if (calib && (int64_t)calib->gram.size() == k * k)
      mm->setAttr(kSQNRAttr, rewriter.getF64FloatAttr(
                                 layerSQNR(q, nk, shape, block, calib->gram)));
    rewriter.replaceOp(op, result);
    ++numMatmuls;
    if (actStats)
      ++numActivations;
    if (!recipe.activationBits)
      return success();
    std::string why = whyActivationsStayFloat(mm);
    if (!why.empty()) {
      mm.emitRemark() << "activations stay f32: " << why;
      return success();
    }
    (void)quantizeActivations(rewriter, mm, recipe.activationBits);
    ++numActivations;
    return success();
  }

  /// A convolution whose filter is a constant F x C x ...: the filter
  /// becomes lq.dequantize of codes, blocks along C.
  LogicalResult quantizeConv(IRRewriter &rewriter, const Recipe &recipe,
                             linalg::LinalgOp op) {
    FailureOr<linalg::ConvolutionDimensions> dims =
        linalg::inferConvolutionDims(op);
    if (failed(dims) || op.getNumDpsInputs() != 2)
      return success();
    std::pair<Value, OpOperand *> found = filterConstant(op->getOpOperand(1));
    Value filter = found.first;
    OpOperand *use = found.second;
    auto type = dyn_cast<RankedTensorType>(filter.getType());
    std::optional<SmallVector<WeightDim>> roles =
        filterDims(op, *dims, *use, type);
    if (!roles)
      return success();
    std::optional<std::vector<float>> w = constantFloats(filter);
    if (!w)
      return success();
    const ActivationStats *actStats = nullptr;
    if (!recipe.staticActivations.empty()) {
      FailureOr<const ActivationStats *> s = statsFor(op);
      if (failed(s))
        return failure();
      actStats = *s;
    }
    ArrayRef<int64_t> shape = type.getShape();
    SmallVector<int64_t> block = getWeightBlock(recipe, shape, *roles);
    std::string name = lpc::lq::detail::getNodeName(op->getLoc());
    // GPTQ and the report's SQNR read the patch Gram matrices, one per
    // group of the filter's rows (output channels, the constant's dim 0).
    const ActivationStats *calib =
        stats.empty() ? nullptr : calibration.lookup(name);
    const PatchGram *pg = calib ? calib->patchGram(name) : nullptr;
    std::optional<std::pair<int64_t, SmallVector<int64_t>>> rowGroups =
        filterRowGroups(op, *dims, *use, *roles);
    // The matrix: the leading channel dims as rows (their blocks are 1).
    SmallVector<int64_t> matShape, matBlock;
    ArrayRef<int64_t> rowGroup;
    if (rowGroups) {
      int64_t lead = rowGroups->first;
      matShape.push_back(1);
      for (int64_t d = 0; d < lead; ++d)
        matShape[0] *= shape[d];
      matShape.append(shape.begin() + lead, shape.end());
      matBlock.push_back(1);
      matBlock.append(block.begin() + lead, block.end());
      rowGroup = rowGroups->second;
    }
    int64_t k = rowGroups ? type.getNumElements() / matShape[0] : 0;
    int64_t numGroups = rowGroup.empty() ? 1 : *llvm::max_element(rowGroup) + 1;
    if (pg && (!rowGroups || pg->size != k || pg->groups != numGroups))
      pg = nullptr;
    QuantizedWeights q;
    if (gptq && rowGroups) {
      if (!pg) {
        op->emitError() << "lq-quantize: " << stats
                        << " has no patch Gram matrices of " << k
                        << " columns for convolution '" << name
                        << "' (GPTQ needs them: calibrate this model with "
                           "lpc calibrate)";
        return failure();
      }
      llvm::Expected<QuantizedWeights> g =
          gptqWeights(&getContext(), recipe, *w, matShape, matBlock, pg->values,
                      rowGroup, actOrder);
      if (!g) {
        op->emitError() << "lq-quantize: GPTQ: "
                        << llvm::toString(g.takeError());
        return failure();
      }
      q = std::move(*g);
      // The scales' shape of the filter, not of the matrix.
      q.scaleShape.clear();
      for (auto [d, b] : llvm::zip(shape, block))
        q.scaleShape.push_back((d + b - 1) / b);
    } else {
      if (gptq)
        op->emitRemark() << "rounded to nearest: GPTQ needs the output "
                            "channels as the filter's leading dims";
      q = quantizeWeights(&getContext(), recipe, *w, shape, block);
    }
    Location loc = op.getLoc();
    rewriter.setInsertionPoint(use->getOwner());
    WeightValues wv =
        buildWeights(rewriter, loc, recipe, q, shape, block, *roles);
    Value deq = DequantizeOp::create(rewriter, loc, type, wv.codes, wv.scales,
                                     wv.zeroPoint, wv.layout);
    if (pg)
      deq.getDefiningOp()->setAttr(
          kSQNRAttr, rewriter.getF64FloatAttr(layerSQNR(
                         q, *w, matShape, matBlock, pg->values, rowGroup)));
    rewriter.modifyOpInPlace(use->getOwner(), [&] { use->set(deq); });
    ++numConvs;
    if (actStats) {
      // Static E4M3FN input codes, dequantized into the convolution.
      OpOperand &input = op->getOpOperand(0);
      rewriter.setInsertionPoint(op);
      auto [codes, scale] =
          staticActivations(rewriter, loc, recipe, input.get(), *actStats);
      Value x = DequantizeOp::create(rewriter, loc, input.get().getType(),
                                     codes, scale, Value(),
                                     LayoutAttr::getTensor(&getContext()));
      rewriter.modifyOpInPlace(op, [&] { input.set(x); });
      ++numActivations;
    }
    if (recipe.activationBits)
      op->emitRemark() << "activations stay f32: run-time activation "
                          "quantization covers matmuls, not convolutions";
    return success();
  }
};

} // namespace
