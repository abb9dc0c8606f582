//===- ActivationQuantization.h - Run-time activation codes ----*- C++ -*-===//
//
// The one owner of dynamic activation quantization: a weight-only lq.matmul
// (f32 activations times integer codes) becomes lq.dynamic_quantize of the
// activations feeding an integer lq.matmul acc(i32). lq-quantize-activations
// (--activations=int8) and the ONNX importer (MatMulNBits accuracy_level=4)
// both call it; the quantization recipes reuse it.
//
//===----------------------------------------------------------------------===//

#ifndef LPC_DIALECT_LQ_UTILS_ACTIVATIONQUANTIZATION_H
#define LPC_DIALECT_LQ_UTILS_ACTIVATIONQUANTIZATION_H

#include "lpc/Dialect/LQ/IR/LQ.h"

#include "mlir/IR/PatternMatch.h"

#include <string>

namespace lpc::lq {

/// Why the activations of `op` cannot be quantized at run time (a sentence
/// for a remark), or "" when quantizeActivations applies.
std::string whyActivationsStayFloat(MatmulOp op);

/// Replaces weight-only `op` by `lq.dynamic_quantize` of its lhs to signed
/// `bits`-bit codes and an `lq.matmul acc(i32)` of those codes by the same
/// rhs. The activation groups follow the rhs K-blocks (per token when the
/// rhs scales do not vary along K). When K is not a multiple of the K-block
/// the lhs is padded with +0.0 (codes 0) and the rhs with code 0, so the
/// partial last block is quantized over its own elements, as ONNX Runtime
/// does. Fails, changing nothing, where whyActivationsStayFloat says why.
mlir::FailureOr<mlir::Value> quantizeActivations(mlir::RewriterBase &rewriter,
                                                 MatmulOp op, unsigned bits);

} // namespace lpc::lq

#endif // LPC_DIALECT_LQ_UTILS_ACTIVATIONQUANTIZATION_H
