//===- ONNXMLIRTypes.h - ONNX dtype of an MLIR element type -----*- C++ -*-===//
//
// The ONNX TensorProto.DataType number of an MLIR element type, for the
// compiler side (the importer, the CPU ABI passes). The host runtime uses
// lpc/Support/ONNXDTypes.h alone.
//
//===----------------------------------------------------------------------===//

#ifndef LPC_SUPPORT_ONNXMLIRTYPES_H
#define LPC_SUPPORT_ONNXMLIRTYPES_H

#include "lpc/Support/ONNXDTypes.h"

#include "mlir/IR/BuiltinTypes.h"

namespace lpc::dtypes {

/// The ONNX dtype of an MLIR element type (`isUnsigned` picks UINT*;
/// kUndefined for types ONNX has no number for).
inline int onnxDTypeOf(mlir::Type type, bool isUnsigned) {
  if (type.isF32())
    return kFloat;
  if (type.isF64())
    return kDouble;
  if (type.isF16())
    return kFloat16;
  if (type.isBF16())
    return kBFloat16;
  if (mlir::isa<mlir::Float8E4M3FNType>(type))
    return kFloat8E4M3FN;
  if (mlir::isa<mlir::Float8E4M3FNUZType>(type))
    return kFloat8E4M3FNUZ;
  if (mlir::isa<mlir::Float8E5M2Type>(type))
    return kFloat8E5M2;
  if (mlir::isa<mlir::Float8E5M2FNUZType>(type))
    return kFloat8E5M2FNUZ;
  if (mlir::isa<mlir::Float4E2M1FNType>(type))
    return kFloat4E2M1;
  switch (type.getIntOrFloatBitWidth()) {
  case 1:
    return kBool;
  case 2:
    return isUnsigned ? kUInt2 : kInt2;
  case 4:
    return isUnsigned ? kUInt4 : kInt4;
  case 8:
    return isUnsigned ? kUInt8 : kInt8;
  case 16:
    return isUnsigned ? kUInt16 : kInt16;
  case 32:
    return isUnsigned ? kUInt32 : kInt32;
  case 64:
    return isUnsigned ? kUInt64 : kInt64;
  default:
    return kUndefined;
  }
}

} // namespace lpc::dtypes

#endif // LPC_SUPPORT_ONNXMLIRTYPES_H
