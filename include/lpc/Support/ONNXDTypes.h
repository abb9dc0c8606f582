//===- ONNXDTypes.h - ONNX tensor element type numbers ----------*- C++ -*-===//
//
// ONNX TensorProto.DataType numbers (including those newer than Debian's
// onnx.proto, which lpc reads by number), their names and storage sizes.
// Shared by the importer, the CPU ABI passes and the runtime host; it includes
// no MLIR header, so the host runtime links no MLIR (the mapping from MLIR
// element types is lpc/Support/ONNXMLIRTypes.h).
//
//===----------------------------------------------------------------------===//

#ifndef LPC_SUPPORT_ONNXDTYPES_H
#define LPC_SUPPORT_ONNXDTYPES_H

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
  kFloat8E8M0 = 24,
  kUInt2 = 25,
  kInt2 = 26,
};

/// A readable name of an ONNX dtype ("FLOAT", "INT4", "dtype 42").
inline std::string onnxDTypeName(int dtype) {
  static const char *names[] = {
      "UNDEFINED",      "FLOAT",      "UINT8",
      "INT8",           "UINT16",     "INT16",
      "INT32",          "INT64",      "STRING",
      "BOOL",           "FLOAT16",    "DOUBLE",
      "UINT32",         "UINT64",     "COMPLEX64",
      "COMPLEX128",     "BFLOAT16",   "FLOAT8E4M3FN",
      "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ",
      "UINT4",          "INT4",       "FLOAT4E2M1",
      "FLOAT8E8M0",     "UINT2",      "INT2"};
  if (dtype >= 0 && dtype < (int)std::size(names))
    return names[dtype];
  return "dtype " + std::to_string(dtype);
}

/// Bits per element of an ONNX dtype as the C ABI and TensorProto raw_data
/// store it: 2 for UINT2 / INT2 (four per byte, lowest bits first), 4 for
/// UINT4 / INT4 / FLOAT4E2M1 (two per byte, low nibble first),
/// 8 for BOOL and the FLOAT8 types, 0 for types without fixed-size storage
/// (STRING, COMPLEX*, UNDEFINED and unknown numbers).
inline unsigned onnxDTypeBits(int dtype) {
  switch (dtype) {
  case kUInt2:
  case kInt2:
    return 2;
  case kUInt4:
  case kInt4:
  case kFloat4E2M1:
    return 4;
  case kUInt8:
  case kInt8:
  case kBool:
  case kFloat8E4M3FN:
  case kFloat8E4M3FNUZ:
  case kFloat8E5M2:
  case kFloat8E5M2FNUZ:
    return 8;
  case kUInt16:
  case kInt16:
  case kFloat16:
  case kBFloat16:
    return 16;
  case kFloat:
  case kInt32:
  case kUInt32:
    return 32;
  case kInt64:
  case kDouble:
  case kUInt64:
    return 64;
  default:
    return 0;
  }
}

/// Whether values of an ONNX dtype are integers (codes, counts, indices,
/// booleans), which comparisons take exactly.
inline bool onnxDTypeIsInteger(int dtype) {
  switch (dtype) {
  case kUInt8:
  case kInt8:
  case kUInt16:
  case kInt16:
  case kInt32:
  case kInt64:
  case kBool:
  case kUInt32:
  case kUInt64:
  case kUInt4:
  case kInt4:
  case kUInt2:
  case kInt2:
    return true;
  default:
    return false;
  }
}

} // namespace lpc::dtypes

#endif // LPC_SUPPORT_ONNXDTYPES_H
