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
// scan outputs are the iterations' values stacked along a new axis 0.
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
    if (scans[k].empty())
      return ctx.error() << "scan output " << k
                         << " of a loop that runs no iteration has no type";
    ArrayRef<int64_t> shape = shapeOf(scans[k][0]);
    SmallVector<int64_t> one = {1}, stacked = {(int64_t)scans[k].size()};
    one.append(shape.begin(), shape.end());
    stacked.append(shape.begin(), shape.end());
    Value out = emptyTensor(b, loc, stacked, elemOf(scans[k][0]));
    SmallVector<int64_t> offsets(stacked.size(), 0), strides(stacked.size(), 1);
    for (auto [i, v] : llvm::enumerate(scans[k])) {
      offsets[0] = i;
      out = tensor::InsertSliceOp::create(b, loc, reshape(b, loc, v, one), out,
                                          ValueRange{}, ValueRange{},
                                          ValueRange{}, offsets, one, strides);
    }
    ctx.setUnsigned(out, ctx.isUnsigned(scans[k][0]));
    results.push_back(out);
  }
  return success();
}

} // namespace

void lpc::frontend::registerControlFlowOps(OpTable &t) {
  t["If"] = ifOp;
  t["Loop"] = loopOp;
}
