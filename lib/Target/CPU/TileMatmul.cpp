//===- TileMatmul.cpp - Register tiles of lq.matmul from the target -------===//
//
// lq-tile-matmul (Passes.td): the tiling decision of the CPU matmul kernels,
// made once from the module's #lq.target and recorded on each lq.matmul as
// #lq.tile, which lpc-cpu-vectorize-matmul's kernels read.
//
//===----------------------------------------------------------------------===//

#include "lpc/Target/CPU/Passes.h"

#include "KernelUtils.h"

#include "lpc/Dialect/LQ/IR/Format.h"

namespace lpc {
#define GEN_PASS_DEF_LQTILEMATMUL
#include "lpc/Target/CPU/Passes.h.inc"
} // namespace lpc

using namespace mlir;
using namespace lpc::lq;

namespace {
struct LQTileMatmulPass : lpc::impl::LQTileMatmulBase<LQTileMatmulPass> {
  using Base::Base;

  void runOnOperation() override {
    if (rows < 1) {
      getOperation().emitError()
          << "lq-tile-matmul: rows must be at least 1, got "
          << static_cast<int64_t>(rows);
      return signalPassFailure();
    }
    TargetAttr target = TargetAttr::lookup(getOperation());
    std::optional<lpc::cpu::Tile> tile = lpc::cpu::chooseTile(target);
    if (!tile)
      return;
    int64_t vectorBits =
        std::min<int64_t>(target.getInt("vector_bits", 0), 512);
    getOperation().walk([&](MatmulOp op) {
      if (op->hasAttr(TileAttr::kAttrName) || !op.getRhsTransposed())
        return;
      int64_t activationRows = 1;
      if (!op.hasFloatLhs()) {
        std::optional<Format> w =
            getFormat(op.getRhs().getType().getElementType());
        if (!w)
          return;
        activationRows = lpc::cpu::chooseActivationRows(
            *tile, lpc::cpu::chooseDot(*tile, w->width), rows);
      }
      op->setAttr(
          TileAttr::kAttrName,
          TileAttr::get(op.getContext(), rows, activationRows, vectorBits));
    });
  }
};
} // namespace
