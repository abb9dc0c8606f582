//===- ModelLibrary.h - Load a compiled model and its tensors ---*- C++ -*-===//
//
// The host side of lpc's C ABI (lpc_model.h): dlopen a compiled model, parse
// its signature, and read/write tensors as ONNX TensorProto (.pb) or .npy.
//
//===----------------------------------------------------------------------===//

#ifndef LPC_RUNTIME_MODELLIBRARY_H
#define LPC_RUNTIME_MODELLIBRARY_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace lpc::runtime {

/// One input or output of a compiled model.
struct TensorInfo {
  std::string name;
  int dtype = 0; ///< ONNX TensorProto.DataType number
  llvm::SmallVector<int64_t> shape;
  int64_t numElements() const;
  size_t byteSize() const;
};

/// A dense host tensor.
struct Tensor {
  TensorInfo info;
  std::vector<uint8_t> data;
};

/// Bytes per element of an ONNX dtype in lpc's ABI, 0 if unsupported or
/// narrower than a byte.
size_t dtypeSize(int dtype);
/// Bits per element of an ONNX dtype in lpc's ABI (4 for INT4, UINT4 and
/// FLOAT4E2M1, packed two per byte, low nibble first), 0 if unsupported.
size_t dtypeBits(int dtype);
/// "FLOAT", "INT64", ... or "dtype N".
std::string dtypeString(int dtype);

/// A loaded model library.
class ModelLibrary {
public:
  ~ModelLibrary();
  static llvm::Expected<std::unique_ptr<ModelLibrary>>
  load(const std::string &path);

  const std::vector<TensorInfo> &inputs() const { return ins; }
  const std::vector<TensorInfo> &outputs() const { return outs; }
  /// Calls lpc_run; false if it returned non-zero.
  bool run(void *const *inputs, void *const *outputs) const;
  /// Sets the OpenMP thread count when the library uses OpenMP; false if not.
  bool setThreads(int n) const;

private:
  void *handle = nullptr;
  int32_t (*runFn)(void *const *, void *const *) = nullptr;
  std::vector<TensorInfo> ins, outs;
};

/// Parses a signature string (see lpc_model.h).
llvm::Error parseSignature(llvm::StringRef text, std::vector<TensorInfo> &ins,
                           std::vector<TensorInfo> &outs);

/// Succeeds when this host has the instruction set `text` (a library's
/// lpc_cpu_requires, lpc_model.h) names; otherwise an error naming `path`
/// and each missing feature.
llvm::Error checkCPURequirements(llvm::StringRef path, llvm::StringRef text);

/// `t` as a serialized onnx.TensorProto (raw_data).
std::string serializeTensorProto(const Tensor &t);
/// Reads a tensor from an ONNX TensorProto (.pb) or NumPy (.npy) file.
llvm::Expected<Tensor> readTensorFile(const std::string &path);
/// Writes `t` as an ONNX TensorProto.
llvm::Error writeTensorProto(const Tensor &t, const std::string &path);
/// Element `i` of `t` as a double.
double elementAsDouble(const Tensor &t, int64_t i);

} // namespace lpc::runtime

#endif // LPC_RUNTIME_MODELLIBRARY_H
