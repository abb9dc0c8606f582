//===- Rounding.h - Host-side rounding of lq's rounding modes ---*- C++ -*-===//
//
// The rounding functions of docs/Semantics.md evaluated on the host, for
// import-time constant folding and (coming) quantization passes: the same
// results as the IR FormatCodegen.h's emitRound builds, for every
// deterministic mode. Part of lq's one semantics library.
//
//===----------------------------------------------------------------------===//

#ifndef LPC_DIALECT_LQ_UTILS_ROUNDING_H
#define LPC_DIALECT_LQ_UTILS_ROUNDING_H

#include "lpc/Dialect/LQ/IR/LQ.h"

namespace lpc::lq {

/// Rounds `v` to an integral value with `mode`, exactly: `v` is a double (an
/// f32 value converted to double is held exactly). Stochastic rounding needs
/// an element index and a seed and is not a host function; asking for it is a
/// programming error.
double roundHost(double v, RoundingMode mode);

} // namespace lpc::lq

#endif // LPC_DIALECT_LQ_UTILS_ROUNDING_H
