//===- ControlFlowOps.cpp - ONNX control-flow operators -------------------===//
//
// If: a condition known at import time (a constant, or computed from the
// values `lpc run` is given) selects its branch, whose subgraph is imported
// in line; otherwise both branches become the regions of one scf.if, whose
// results need one static type per output in both branches. Branches read
// the values of the enclosing graphs.
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

} // namespace

void lpc::frontend::registerControlFlowOps(OpTable &t) { t["If"] = ifOp; }
