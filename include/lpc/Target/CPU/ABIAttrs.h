//===- ABIAttrs.h - Attributes the CPU ABI passes read ----------*- C++ -*-===//
//
// The discardable attributes through which a frontend tells the CPU ABI
// passes (lpc-cpu-entry, lpc-cpu-export) what the model's inputs and outputs
// are. The ABI owns them; the ONNX importer sets them. Header-only, with no
// pass or dialect dependency, so a frontend can include it without linking
// the CPU target.
//
//===----------------------------------------------------------------------===//

#ifndef LPC_TARGET_CPU_ABIATTRS_H
#define LPC_TARGET_CPU_ABIATTRS_H

#include "llvm/ADT/StringRef.h"

namespace lpc::cpu {

/// On the entry function's arguments and results: the tensor's name in the
/// model (a string), which the signature string carries.
inline constexpr llvm::StringLiteral kNameAttr = "lpc.name";
/// On the entry function's arguments and results: the tensor's ONNX element
/// type number (lpc/Support/ONNXDTypes.h), for types the MLIR type alone does
/// not name (uint8 vs int8, packed 4-bit types).
inline constexpr llvm::StringLiteral kONNXTypeAttr = "lpc.onnx_type";
/// On the module, set by lpc-cpu-entry: the number of model inputs.
inline constexpr llvm::StringLiteral kNumInputsAttr = "lpc.num_inputs";

} // namespace lpc::cpu

#endif // LPC_TARGET_CPU_ABIATTRS_H
