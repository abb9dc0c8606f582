//===- KernelUtils.cpp - Shared parts of the CPU matmul kernels -----------===//

#include "KernelUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;
using namespace lpc;
using namespace lpc::cpu;

std::optional<Tile> lpc::cpu::chooseTile(lq::TargetAttr target) {
  if (!target || target.getKind() != lq::TargetKind::cpu)
    return std::nullopt;
  int64_t bits = target.getInt("vector_bits", 0);
  if (bits < 128)
    return std::nullopt;
  Tile tile;
  tile.lanes = std::min<int64_t>(bits, 512) / 32;
  if (bits >= 512) {
    tile.vnni = target.hasFeature("avx512vnni");
    tile.maddubs = target.hasFeature("avx512bw");
  } else if (bits == 256) {
    tile.vnni =
        target.hasFeature("avxvnni") ||
        (target.hasFeature("avx512vnni") && target.hasFeature("avx512vl"));
    tile.maddubs = target.hasFeature("avx2");
  }
  return tile;
}

Dot lpc::cpu::chooseDot(const Tile &tile, unsigned width) {
  if (tile.vnni)
    return Dot::VNNI;
  if (tile.maddubs && width <= 4)
    return Dot::MaddUBS;
  return Dot::Wide;
}

int64_t lpc::cpu::chooseActivationRows(const Tile &tile, Dot dot,
                                       int64_t rows) {
  if (dot == Dot::Wide || rows > tile.lanes)
    return 1;
  return std::max<int64_t>(1, std::min<int64_t>(4, tile.lanes / rows));
}

Tile lpc::cpu::applyTileAttr(Operation *op, Tile base) {
  if (auto attr = op->getAttrOfType<lq::TileAttr>(lq::TileAttr::kAttrName)) {
    base.rows = attr.getRows();
    base.activationRows = attr.getActivationRows();
  }
  return base;
}

Value lpc::cpu::buildRowTiles(
    OpBuilder &b, Location loc, Value out, int64_t m, int64_t first,
    int64_t count, int64_t rows,
    function_ref<Value(OpBuilder &, Location, ArrayRef<Value>, Value)> body) {
  // Threads over tiles; a single tile is a one-iteration scf.for, whose
  // inserts chain (a one-iteration scf.forall folds its parallel inserts
  // into the same destination into independent ones).
  OpBuilder::InsertionGuard guard(b);
  scf::ForallOp forall;
  scf::ForOp serial;
  Value tileIdx, dest;
  if (count > 1) {
    forall = scf::ForallOp::create(
        b, loc, ArrayRef<OpFoldResult>{b.getIndexAttr(count)}, ValueRange{out},
        std::nullopt);
    b.setInsertionPoint(forall.getTerminator());
    tileIdx = forall.getInductionVar(0);
    dest = forall.getRegionIterArgs()[0];
  } else {
    Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
    Value c1 = arith::ConstantIndexOp::create(b, loc, 1);
    serial = scf::ForOp::create(b, loc, c0, c1, c1, ValueRange{out});
    b.setInsertionPointToStart(serial.getBody());
    tileIdx = serial.getInductionVar();
    dest = serial.getRegionIterArgs()[0];
  }
  // The rows of a tile are `count` rows apart: separate sequential
  // streams through the weights (adjacent rows, a few KiB apart, alias in
  // the caches and DRAM banks).
  SmallVector<Value> rowIdx;
  for (int64_t r = 0; r < rows; ++r)
    rowIdx.push_back(arith::AddIOp::create(
        b, loc, tileIdx,
        arith::ConstantIndexOp::create(b, loc, first + r * count)));
  // The tile's columns of the output as one strided slice, which the body
  // fills in place (bufferized as a strided view: no buffer per tile).
  SmallVector<OpFoldResult> offsets = {b.getIndexAttr(0), rowIdx[0]};
  SmallVector<OpFoldResult> sizes = {b.getIndexAttr(m), b.getIndexAttr(rows)};
  SmallVector<OpFoldResult> strides = {b.getIndexAttr(1),
                                       b.getIndexAttr(count)};
  Value slice =
      tensor::ExtractSliceOp::create(b, loc, dest, offsets, sizes, strides);
  Value tile = body(b, loc, rowIdx, slice);
  if (!forall) {
    scf::YieldOp::create(b, loc,
                         tensor::InsertSliceOp::create(b, loc, tile, dest,
                                                       offsets, sizes, strides)
                             .getResult());
    return serial.getResult(0);
  }
  b.setInsertionPointToEnd(forall.getTerminator().getBody());
  tensor::ParallelInsertSliceOp::create(b, loc, tile, dest, offsets, sizes,
                                        strides);
  return forall.getResult(0);
}

Value lpc::cpu::callIntrinsic(OpBuilder &b, Location loc, ModuleOp module,
                              StringRef name, Type result,
                              ValueRange operands) {
  std::string symbol = "lpc_intrinsic_" + name.str();
  std::replace(symbol.begin(), symbol.end(), '.', '_');
  auto callee = module.lookupSymbol<func::FuncOp>(symbol);
  if (!callee) {
    OpBuilder mb = OpBuilder::atBlockBegin(module.getBody());
    callee = func::FuncOp::create(
        mb, loc, symbol,
        FunctionType::get(b.getContext(), operands.getTypes(), result));
    callee.setPrivate();
    callee->setAttr(kIntrinsicAttrName, b.getStringAttr(name));
  }
  return func::CallOp::create(b, loc, callee, operands).getResult(0);
}
