//===- ControlFlowOps.cpp - ONNX control-flow operators -------------------===//
//
// If: a condition known at import time (a constant, or computed from the
// values `lpc run` is given) selects its branch, whose subgraph is imported
// in line; otherwise both branches become the regions of one scf.if, whose
// results need one static type per output in both branches. Branches read
// the values of the enclosing graphs.
//
// Loop: with a trip count and conditions known at import time, the body is
// unrolled (iteration i imported with its iteration number a constant), so
// shapes may change between iterations and the body's shape operands fold;
// scan outputs are the iterations' values stacked along a new axis 0. Scan
// unrolls the same way over its scan inputs' length.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace lpc::frontend;

namespace {

using Results = SmallVectorImpl<Value>;

LogicalResult ifOp(NodeContext &ctx, Results &results) {
  if (failed(ctx.require(0, "cond")))
    return failure();
  const onnx::AttributeProto *thenAttr = ctx.attr("then_branch");
  const onnx::AttributeProto *elseAttr = ctx.attr("else_branch");
  if (!thenAttr || !elseAttr || !thenAttr->has_g() || !elseAttr->has_g())
    return ctx.error() << "needs graphs then_branch and else_branch";
  const onnx::GraphProto &thenGraph = thenAttr->g(), &elseGraph = elseAttr->g();
  Value cond = ctx.input(0);
  if (!elemOf(cond).isInteger(1) || numElements(shapeOf(cond)) != 1)
    return ctx.error() << "cond must be a single bool, got " << cond.getType();
  int64_t n = ctx.numOutputs();
  if (thenGraph.output_size() != n || elseGraph.output_size() != n)
    return ctx.error() << "then_branch and else_branch have "
                       << thenGraph.output_size() << " and "
                       << elseGraph.output_size() << " outputs, the node " << n;

  if (auto known = ctx.constInts(cond)) {
    bool taken = (*known)[0] != 0;
    auto outs = ctx.importSubgraph(taken ? thenGraph : elseGraph,
                                   taken ? "then_branch" : "else_branch");
    if (failed(outs))
      return failure();
    results.append(outs->begin(), outs->end());
    return success();
  }

  // Both branches, each imported into a region of an scf.if without results
  // (their types are known once imported), then moved to the scf.if that
  // yields them.
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  Value flag = tensor::ExtractOp::create(b, loc, reshape(b, loc, cond, {}),
                                         ValueRange{});
  auto draft = scf::IfOp::create(b, loc, TypeRange{}, flag,
                                 /*addThenBlock=*/true, /*addElseBlock=*/true);
  SmallVector<Value> branchOuts[2];
  const onnx::GraphProto *graphs[2] = {&thenGraph, &elseGraph};
  const char *names[2] = {"then_branch", "else_branch"};
  for (int k = 0; k < 2; ++k) {
    Block &block =
        k == 0 ? draft.getThenRegion().front() : draft.getElseRegion().front();
    if (!block.empty() && block.back().hasTrait<OpTrait::IsTerminator>())
      block.back().erase();
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToEnd(&block);
    auto outs = ctx.importSubgraph(*graphs[k], names[k]);
    if (failed(outs)) {
      draft.erase();
      return failure();
    }
    branchOuts[k] = *outs;
  }
  SmallVector<Type> types;
  for (int64_t i = 0; i < n; ++i) {
    Type t = branchOuts[0][i].getType(), e = branchOuts[1][i].getType();
    if (t != e ||
        ctx.isUnsigned(branchOuts[0][i]) != ctx.isUnsigned(branchOuts[1][i])) {
      draft.erase();
      return ctx.error() << "output " << i << " is " << t
                         << " in then_branch but " << e
                         << " in else_branch: with a condition known only at "
                            "run time, both branches must compute the same "
                            "static type (lpc compiles static shapes)";
    }
    types.push_back(t);
  }
  auto op = scf::IfOp::create(b, loc, types, flag, /*addThenBlock=*/false,
                              /*addElseBlock=*/false);
  for (int k = 0; k < 2; ++k) {
    Region &to = k == 0 ? op.getThenRegion() : op.getElseRegion();
    Region &from = k == 0 ? draft.getThenRegion() : draft.getElseRegion();
    to.takeBody(from);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToEnd(&to.front());
    scf::YieldOp::create(b, loc, branchOuts[k]);
  }
  draft.erase();
  for (int64_t i = 0; i < n; ++i) {
    Value r = op.getResult(i);
    ctx.setUnsigned(r, ctx.isUnsigned(branchOuts[0][i]));
    results.push_back(r);
  }
  return success();
}

/// The most iterations a Loop is unrolled to.
constexpr int64_t kMaxLoopIterations = 1024;

/// Stacks the values of scan output `k` (one per iteration, of one type)
/// along a new dimension `axis`, in reverse order when `reverse`.
FailureOr<Value> stack(NodeContext &ctx, ArrayRef<Value> values, int64_t k,
                       int64_t axis, bool reverse) {
  if (values.empty())
    return ctx.error() << "scan output " << k
                       << " of a loop that runs no iteration has no type";
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  ArrayRef<int64_t> shape = shapeOf(values[0]);
  auto a = normalizeAxis(axis, shape.size() + 1);
  if (!a)
    return ctx.error() << "scan output axis " << axis << " is out of range";
  SmallVector<int64_t> one(shape), stacked(shape);
  one.insert(one.begin() + *a, 1);
  stacked.insert(stacked.begin() + *a, (int64_t)values.size());
  Value out = emptyTensor(b, loc, stacked, elemOf(values[0]));
  SmallVector<int64_t> offsets(stacked.size(), 0), strides(stacked.size(), 1);
  for (auto [i, v] : llvm::enumerate(values)) {
    offsets[*a] = reverse ? values.size() - 1 - i : i;
    out = tensor::InsertSliceOp::create(b, loc, reshape(b, loc, v, one), out,
                                        ValueRange{}, ValueRange{},
                                        ValueRange{}, offsets, one, strides);
  }
  ctx.setUnsigned(out, ctx.isUnsigned(values[0]));
  return out;
}

LogicalResult loopOp(NodeContext &ctx, Results &results) {
  const onnx::AttributeProto *bodyAttr = ctx.attr("body");
  if (!bodyAttr || !bodyAttr->has_g())
    return ctx.error() << "needs graph body";
  const onnx::GraphProto &body = bodyAttr->g();
  int64_t numCarried = (int64_t)ctx.numInputs() - 2;
  int64_t numScans = (int64_t)ctx.numOutputs() - numCarried;
  if (numCarried < 0 || numScans < 0 || body.input_size() != numCarried + 2 ||
      body.output_size() != numCarried + numScans + 1)
    return ctx.error() << "body has " << body.input_size() << " inputs and "
                       << body.output_size() << " outputs for "
                       << ctx.numInputs() << " node inputs and "
                       << ctx.numOutputs() << " node outputs";
  for (int64_t i = 0; i < numCarried; ++i)
    if (failed(ctx.require(2 + i, "loop-carried initial value")))
      return failure();
  // Unrolled: the trip count and every condition must be known.
  auto trips = ctx.hasInput(0) ? ctx.constInts(ctx.input(0)) : std::nullopt;
  auto cond = ctx.hasInput(1) ? ctx.constInts(ctx.input(1))
                              : std::optional(SmallVector<int64_t>{1});
  if (!trips || trips->size() != 1 || !cond || cond->size() != 1)
    return ctx.error()
           << "the trip count M and the condition must be known at compile "
              "time (lpc unrolls loops, at most "
           << kMaxLoopIterations << " iterations)";
  int64_t count = std::max<int64_t>((*trips)[0], 0);
  if (count > kMaxLoopIterations)
    return ctx.error() << "trip count " << count << " is more than "
                       << kMaxLoopIterations
                       << " iterations (lpc unrolls loops)";
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  SmallVector<Value> carried;
  for (int64_t i = 0; i < numCarried; ++i)
    carried.push_back(ctx.input(2 + i));
  SmallVector<SmallVector<Value>> scans(numScans);
  bool running = (*cond)[0] != 0;
  for (int64_t it = 0; running && it < count; ++it) {
    SmallVector<Value> inputs = {
        ctx.constI64({it}, {}),
        arith::ConstantOp::create(
            b, loc,
            DenseElementsAttr::get(RankedTensorType::get({}, b.getI1Type()),
                                   true))};
    inputs.append(carried);
    auto outs = ctx.importSubgraph(body, ("body#" + Twine(it)).str(), inputs);
    if (failed(outs))
      return failure();
    auto next = ctx.constInts((*outs)[0]);
    if (!next || next->size() != 1)
      return ctx.error() << "the condition computed by iteration " << it
                         << " is not known at compile time (lpc unrolls "
                            "loops)";
    running = (*next)[0] != 0;
    carried.assign(outs->begin() + 1, outs->begin() + 1 + numCarried);
    for (int64_t k = 0; k < numScans; ++k) {
      Value v = (*outs)[1 + numCarried + k];
      if (!scans[k].empty() && v.getType() != scans[k][0].getType())
        return ctx.error() << "scan output " << k << " is " << v.getType()
                           << " in iteration " << it << " but "
                           << scans[k][0].getType() << " before";
      scans[k].push_back(v);
    }
  }
  results.append(carried.begin(), carried.end());
  for (int64_t k = 0; k < numScans; ++k) {
    auto out = stack(ctx, scans[k], k, 0, false);
    if (failed(out))
      return failure();
    results.push_back(*out);
  }
  return success();
}

/// Scan (opset 9 and later): unrolled over the scan inputs' length; step t
/// reads slice t (or T-1-t, reversed) of each scan input along its axis.
LogicalResult scanOp(NodeContext &ctx, Results &results) {
  if (ctx.opset < 9)
    return ctx.error() << "Scan before opset 9 (batched, with sequence_lens) "
                          "is not supported";
  const onnx::AttributeProto *bodyAttr = ctx.attr("body");
  if (!bodyAttr || !bodyAttr->has_g())
    return ctx.error() << "needs graph body";
  const onnx::GraphProto &body = bodyAttr->g();
  int64_t numScanIn = ctx.getInt("num_scan_inputs", 0);
  int64_t numStates = (int64_t)ctx.numInputs() - numScanIn;
  int64_t numScanOut = (int64_t)ctx.numOutputs() - numStates;
  if (numScanIn < 1 || numStates < 0 || numScanOut < 0 ||
      body.input_size() != numStates + numScanIn ||
      body.output_size() != numStates + numScanOut)
    return ctx.error() << "body has " << body.input_size() << " inputs and "
                       << body.output_size() << " outputs for "
                       << ctx.numInputs() << " node inputs and "
                       << ctx.numOutputs() << " node outputs";
  for (size_t i = 0; i < ctx.numInputs(); ++i)
    if (failed(ctx.require(i, "state or scan input")))
      return failure();
  auto attrOr = [&](StringRef name, int64_t n) {
    SmallVector<int64_t> v = ctx.getInts(name);
    v.resize(n, 0);
    return v;
  };
  SmallVector<int64_t> inAxes = attrOr("scan_input_axes", numScanIn),
                       inDirs = attrOr("scan_input_directions", numScanIn),
                       outAxes = attrOr("scan_output_axes", numScanOut),
                       outDirs = attrOr("scan_output_directions", numScanOut);
  int64_t length = -1;
  for (int64_t j = 0; j < numScanIn; ++j) {
    Value x = ctx.input(numStates + j);
    auto a = normalizeAxis(inAxes[j], shapeOf(x).size());
    if (!a)
      return ctx.error() << "scan input axis " << inAxes[j]
                         << " is out of range";
    inAxes[j] = *a;
    int64_t len = shapeOf(x)[*a];
    if (length >= 0 && len != length)
      return ctx.error() << "scan inputs have lengths " << length << " and "
                         << len << " along their axes";
    length = len;
  }
  if (length > kMaxLoopIterations)
    return ctx.error() << "trip count " << length << " is more than "
                       << kMaxLoopIterations
                       << " iterations (lpc unrolls loops)";
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  SmallVector<Value> states;
  for (int64_t i = 0; i < numStates; ++i)
    states.push_back(ctx.input(i));
  SmallVector<SmallVector<Value>> scans(numScanOut);
  for (int64_t t = 0; t < length; ++t) {
    SmallVector<Value> inputs(states);
    for (int64_t j = 0; j < numScanIn; ++j) {
      Value x = ctx.input(numStates + j);
      ArrayRef<int64_t> xs = shapeOf(x);
      SmallVector<int64_t> offsets(xs.size(), 0), sizes(xs),
          strides(xs.size(), 1), dropped(xs);
      offsets[inAxes[j]] = inDirs[j] ? length - 1 - t : t;
      sizes[inAxes[j]] = 1;
      dropped.erase(dropped.begin() + inAxes[j]);
      Value s = slice(b, loc, x, offsets, sizes, strides);
      inputs.push_back(reshape(b, loc, s, dropped));
      ctx.setUnsigned(inputs.back(), ctx.isUnsigned(x));
    }
    auto outs = ctx.importSubgraph(body, ("body#" + Twine(t)).str(), inputs);
    if (failed(outs))
      return failure();
    states.assign(outs->begin(), outs->begin() + numStates);
    for (int64_t k = 0; k < numScanOut; ++k) {
      Value v = (*outs)[numStates + k];
      if (!scans[k].empty() && v.getType() != scans[k][0].getType())
        return ctx.error() << "scan output " << k << " is " << v.getType()
                           << " in iteration " << t << " but "
                           << scans[k][0].getType() << " before";
      scans[k].push_back(v);
    }
  }
  results.append(states.begin(), states.end());
  for (int64_t k = 0; k < numScanOut; ++k) {
    auto out = stack(ctx, scans[k], k, outAxes[k], outDirs[k] != 0);
    if (failed(out))
      return failure();
    results.push_back(*out);
  }
  return success();
}

} // namespace

void lpc::frontend::registerControlFlowOps(OpTable &t) {
  t["If"] = ifOp;
  t["Loop"] = loopOp;
  t["Scan"] = scanOp;
}
