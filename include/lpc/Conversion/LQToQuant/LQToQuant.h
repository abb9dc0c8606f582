//===- LQToQuant.h - convert-lq-to-quant ------------------------*- C++ -*-===//
//
// lq types and ops to upstream `!quant.uniform` and the quant dialect, where
// representable.
//
//===----------------------------------------------------------------------===//

#ifndef LPC_CONVERSION_LQTOQUANT_LQTOQUANT_H
#define LPC_CONVERSION_LQTOQUANT_LQTOQUANT_H

#include "mlir/Pass/Pass.h"

namespace lpc {

#define GEN_PASS_DECL_CONVERTLQTOQUANT
#include "lpc/Conversion/Passes.h.inc"

} // namespace lpc

#endif // LPC_CONVERSION_LQTOQUANT_LQTOQUANT_H
