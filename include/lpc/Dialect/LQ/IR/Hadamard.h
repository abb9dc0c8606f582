//===- Hadamard.h - Hadamard matrices of lq.hadamard ------------*- C++ -*-===//
//
// lq.hadamard multiplies by H_n = H_m (x) H_{2^k} with m in {1, 12, 20, 28}:
// H_{2^k} is Sylvester's, H_12 and H_20 are Paley I (q = 11, 19) and H_28 is
// Paley II (q = 13). docs/Semantics.md gives the exact constructions.
//
//===----------------------------------------------------------------------===//

#ifndef LPC_DIALECT_LQ_IR_HADAMARD_H
#define LPC_DIALECT_LQ_IR_HADAMARD_H

#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <optional>
#include <utility>

namespace lpc::lq {

/// The base orders m of the Hadamard matrices of order m * 2^k lq builds in
/// closed form (Sylvester for 1, Paley for 12, 20 and 28).
inline constexpr int64_t kHadamardBaseOrders[] = {1, 12, 20, 28};

/// Splits n into (m, 2^k) with m in kHadamardBaseOrders, or nullopt.
std::optional<std::pair<int64_t, int64_t>> getHadamardFactors(int64_t n);

/// The m x m Hadamard matrix (entries +-1, row-major) for m in {1, 12, 20,
/// 28}.
llvm::SmallVector<int8_t> getHadamardBaseMatrix(int64_t m);

} // namespace lpc::lq

#endif // LPC_DIALECT_LQ_IR_HADAMARD_H
