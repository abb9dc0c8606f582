//===- Passes.h - lpc conversions -------------------------------*- C++ -*-===//
//
// Every lpc conversion and their registration. Users of one conversion
// include its own header (lpc/Conversion/<Name>/<Name>.h); none of them pulls
// in a dialect.
//
//===----------------------------------------------------------------------===//

#ifndef LPC_CONVERSION_PASSES_H
#define LPC_CONVERSION_PASSES_H

#include "lpc/Conversion/LQToLinalg/LQToLinalg.h"
#include "lpc/Conversion/LQToQuant/LQToQuant.h"
#include "lpc/Conversion/QuantToLQ/QuantToLQ.h"

namespace lpc {

#define GEN_PASS_REGISTRATION
#include "lpc/Conversion/Passes.h.inc"

} // namespace lpc

#endif // LPC_CONVERSION_PASSES_H
