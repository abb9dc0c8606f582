//===- QuantizeActivations.cpp - Run-time int activations for lq.matmul ---===//
//
// lq-quantize-activations (Passes.td): every weight-only lq.matmul whose
// weights are integer codes gets its activations quantized at run time
// (lq.dynamic_quantize) and an integer accumulation, through the one
// implementation in lpc/Dialect/LQ/Utils/ActivationQuantization.h.
//
//===----------------------------------------------------------------------===//

#include "lpc/Dialect/LQ/IR/LQ.h"
#include "lpc/Dialect/LQ/Transforms/Passes.h"
#include "lpc/Dialect/LQ/Utils/ActivationQuantization.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace lpc::lq {
#define GEN_PASS_DEF_LQQUANTIZEACTIVATIONS
#include "lpc/Dialect/LQ/Transforms/Passes.h.inc"
} // namespace lpc::lq

using namespace mlir;
using namespace lpc::lq;

namespace {
struct LQQuantizeActivationsPass
    : lpc::lq::impl::LQQuantizeActivationsBase<LQQuantizeActivationsPass> {
  using Base::Base;

  void runOnOperation() override {
    if (bits < 2 || bits > 16) {
      getOperation()->emitError()
          << "lq-quantize-activations: bits must be in [2, 16], got "
          << static_cast<int64_t>(bits);
      return signalPassFailure();
    }
    SmallVector<MatmulOp> matmuls;
    getOperation()->walk([&](MatmulOp op) {
      if (op.hasFloatLhs())
        matmuls.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (MatmulOp op : matmuls) {
      std::string why = whyActivationsStayFloat(op);
      if (!why.empty()) {
        op.emitRemark() << "activations stay f32: " << why;
        ++numKept;
        continue;
      }
      (void)quantizeActivations(rewriter, op, static_cast<unsigned>(bits));
      ++numQuantized;
    }
  }
};
} // namespace
