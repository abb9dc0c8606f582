//===- ONNXDTypes.h - ONNX tensor element type numbers ----------*- C++ -*-===//
//
// ONNX TensorProto.DataType numbers (including those newer than Debian's
// onnx.proto, which lpc reads by number), their names, and the ONNX dtype of
// an MLIR element type. Shared by the importer, the CPU ABI passes and the
// runtime host.
//
//===----------------------------------------------------------------------===//

#ifndef LPC_SUPPORT_ONNXDTYPES_H
#define LPC_SUPPORT_ONNXDTYPES_H

#include "mlir/IR/BuiltinTypes.h"

#include <iterator>
#include <string>

namespace lpc::dtypes {

/// ONNX TensorProto.DataType numbers, including those newer than Debian's
/// onnx.proto (read by number).
enum ONNXDType : int {
  kUndefined = 0,
  kFloat = 1,
  kUInt8 = 2,
  kInt8 = 3,
  kUInt16 = 4,
  kInt16 = 5,
  kInt32 = 6,
  kInt64 = 7,
  kString = 8,
  kBool = 9,
  kFloat16 = 10,
  kDouble = 11,
  kUInt32 = 12,
  kUInt64 = 13,
  kComplex64 = 14,
  kComplex128 = 15,
  kBFloat16 = 16,
  kFloat8E4M3FN = 17,
  kFloat8E4M3FNUZ = 18,
  kFloat8E5M2 = 19,
  kFloat8E5M2FNUZ = 20,
  kUInt4 = 21,
  kInt4 = 22,
  kFloat4E2M1 = 23,
};

/// A readable name of an ONNX dtype ("FLOAT", "INT4", "dtype 42").
inline std::string onnxDTypeName(int dtype) {
  static const char *names[] = {
      "UNDEFINED",      "FLOAT",        "UINT8",          "INT8",
      "UINT16",         "INT16",        "INT32",          "INT64",
      "STRING",         "BOOL",         "FLOAT16",        "DOUBLE",
      "UINT32",         "UINT64",       "COMPLEX64",      "COMPLEX128",
      "BFLOAT16",       "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2",
      "FLOAT8E5M2FNUZ", "UINT4",        "INT4",           "FLOAT4E2M1"};
  if (dtype >= 0 && dtype < (int)std::size(names))
    return names[dtype];
  return "dtype " + std::to_string(dtype);
}

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

#endif // LPC_SUPPORT_ONNXDTYPES_H
