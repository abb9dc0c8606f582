//===- QuantToLQ.h - convert-quant-to-lq ------------------------*- C++ -*-===//
//
// Upstream `!quant.uniform` types and quant ops (per-tensor, per-axis,
// sub-channel) to lq.
//
//===----------------------------------------------------------------------===//

#ifndef LPC_CONVERSION_QUANTTOLQ_QUANTTOLQ_H
#define LPC_CONVERSION_QUANTTOLQ_QUANTTOLQ_H

#include "mlir/Pass/Pass.h"

namespace lpc {

#define GEN_PASS_DECL_CONVERTQUANTTOLQ
#include "lpc/Conversion/Passes.h.inc"

} // namespace lpc

#endif // LPC_CONVERSION_QUANTTOLQ_QUANTTOLQ_H
