//===- TensorReader.cpp - ONNX dtypes and TensorProto decoding ------------===//
//
// Element types are read by number, so dtypes newer than Debian's onnx.proto
// (FLOAT8*, INT4/UINT4, FLOAT4E2M1) work. External data is read only from
// files inside the model's folder.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cstring>

using namespace mlir;
using namespace lpc::frontend;

Type lpc::frontend::getElementType(MLIRContext *ctx, int dtype) {
  Builder b(ctx);
  switch (dtype) {
  case kFloat:
    return b.getF32Type();
  case kDouble:
    return b.getF64Type();
  case kFloat16:
    return b.getF16Type();
  case kBFloat16:
    return b.getBF16Type();
  case kUInt8:
  case kInt8:
    return b.getI8Type();
  case kUInt16:
  case kInt16:
    return b.getI16Type();
  case kUInt32:
  case kInt32:
    return b.getI32Type();
  case kUInt64:
  case kInt64:
    return b.getI64Type();
  case kBool:
    return b.getI1Type();
  case kUInt4:
  case kInt4:
    return b.getIntegerType(4);
  case kUInt2:
  case kInt2:
    return b.getIntegerType(2);
  case kFloat8E4M3FN:
    return Float8E4M3FNType::get(ctx);
  case kFloat8E4M3FNUZ:
    return Float8E4M3FNUZType::get(ctx);
  case kFloat8E5M2:
    return Float8E5M2Type::get(ctx);
  case kFloat8E5M2FNUZ:
    return Float8E5M2FNUZType::get(ctx);
  case kFloat4E2M1:
    return Float4E2M1FNType::get(ctx);
  default:
    return nullptr;
  }
}

bool lpc::frontend::isUnsignedDType(int dtype) {
  return dtype == kUInt8 || dtype == kUInt16 || dtype == kUInt32 ||
         dtype == kUInt64 || dtype == kUInt4 || dtype == kUInt2;
}

namespace {
/// Bytes per element in raw_data (0 for sub-byte types, packed two a byte).
unsigned rawBytes(int dtype) {
  switch (dtype) {
  case kDouble:
  case kInt64:
  case kUInt64:
    return 8;
  case kFloat:
  case kInt32:
  case kUInt32:
    return 4;
  case kFloat16:
  case kBFloat16:
  case kInt16:
  case kUInt16:
    return 2;
  case kUInt4:
  case kInt4:
  case kFloat4E2M1:
  case kUInt2:
  case kInt2:
    return 0;
  default:
    return 1;
  }
}

/// Builds the attribute from little-endian raw bytes.
DenseElementsAttr fromRaw(RankedTensorType type, int dtype, StringRef raw) {
  Type elem = type.getElementType();
  int64_t n = type.getNumElements();
  unsigned bytes = rawBytes(dtype);
  if (bytes == 0) {
    // 8 / bits codes per byte, lowest bits first (two nibbles, four 2-bit
    // fields).
    unsigned bits = lpc::dtypes::onnxDTypeBits(dtype), perByte = 8 / bits;
    SmallVector<APInt> codes;
    codes.reserve(n);
    for (int64_t i = 0; i < n; ++i) {
      uint8_t byte = raw[i / perByte];
      codes.push_back(
          APInt(bits, (byte >> (bits * (i % perByte))) & ((1u << bits) - 1)));
    }
    if (auto ft = dyn_cast<FloatType>(elem)) {
      SmallVector<APFloat> values;
      for (const APInt &c : codes)
        values.emplace_back(ft.getFloatSemantics(), c);
      return DenseElementsAttr::get(type, values);
    }
    return DenseElementsAttr::get(type, codes);
  }
  if (elem.isInteger(1)) {
    SmallVector<bool> values;
    values.reserve(n);
    for (int64_t i = 0; i < n; ++i)
      values.push_back(raw[i] != 0);
    return DenseElementsAttr::get(type, values);
  }
  return DenseElementsAttr::getFromRawBuffer(
      type, ArrayRef<char>(raw.data(), n * bytes));
}

/// Builds the attribute from the typed repeated fields.
template <typename T>
DenseElementsAttr fromValues(RankedTensorType type, int dtype, const T &field) {
  Type elem = type.getElementType();
  int64_t n = type.getNumElements();
  if (auto ft = dyn_cast<FloatType>(elem)) {
    SmallVector<APFloat> values;
    values.reserve(n);
    for (int64_t i = 0; i < n; ++i) {
      if (dtype == kFloat || dtype == kDouble) {
        APFloat v((double)field.Get(i));
        bool lost;
        v.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
        values.push_back(v);
      } else {
        // FLOAT16, BFLOAT16 and FLOAT8* store their bits in int32_data.
        values.emplace_back(ft.getFloatSemantics(),
                            APInt(ft.getWidth(), (uint64_t)field.Get(i)));
      }
    }
    return DenseElementsAttr::get(type, values);
  }
  unsigned width = elem.getIntOrFloatBitWidth();
  SmallVector<APInt> values;
  values.reserve(n);
  for (int64_t i = 0; i < n; ++i)
    values.push_back(APInt(width, (uint64_t)field.Get(i), /*isSigned=*/true,
                           /*implicitTrunc=*/true));
  return DenseElementsAttr::get(type, values);
}
} // namespace

std::unique_ptr<llvm::MemoryBuffer>
TensorReader::openExternal(const onnx::TensorProto &tensor, Location loc,
                           int64_t needBytes) {
  std::string name = tensor.name().empty() ? "<unnamed>" : tensor.name();
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto &kv : tensor.external_data()) {
    if (kv.key() == "location")
      location = kv.value();
    else if (kv.key() == "offset")
      offset = std::strtoll(kv.value().c_str(), nullptr, 10);
    else if (kv.key() == "length")
      length = std::strtoll(kv.value().c_str(), nullptr, 10);
  }
  if (location.empty()) {
    emitError(loc) << "tensor '" << name
                   << "' has external data without a location";
    return nullptr;
  }
  // Only relative paths that stay inside the model's folder, also after
  // following symbolic links.
  SmallString<256> normal(location);
  llvm::sys::path::remove_dots(normal, /*remove_dot_dot=*/true);
  bool escapes = llvm::sys::path::is_absolute(location) ||
                 StringRef(normal).starts_with("..") || normal.empty();
  SmallString<256> path(modelDir);
  llvm::sys::path::append(path, normal);
  SmallString<256> realDir, realFile;
  if (!escapes && !llvm::sys::fs::real_path(path, realFile) &&
      !llvm::sys::fs::real_path(modelDir, realDir)) {
    StringRef rf(realFile);
    escapes = !rf.starts_with(realDir) || rf.size() <= realDir.size() ||
              !llvm::sys::path::is_separator(rf[realDir.size()]);
  }
  if (escapes) {
    emitError(loc) << "tensor '" << name << "': external data location '"
                   << location << "' is outside the model's folder";
    return nullptr;
  }
  if (offset < 0 || (length >= 0 && length != needBytes)) {
    emitError(loc) << "tensor '" << name << "': external data length " << length
                   << " does not match its " << needBytes << "-byte type";
    return nullptr;
  }
  auto buffer = llvm::MemoryBuffer::getFileSlice(path, needBytes, offset,
                                                 /*IsVolatile=*/false);
  uint64_t fileSize = 0;
  if (llvm::sys::fs::file_size(path, fileSize)) {
    emitError(loc) << "tensor '" << name << "': external data file '"
                   << location << "' not found";
    return nullptr;
  }
  if (!buffer || (uint64_t)(offset + needBytes) > fileSize) {
    emitError(loc) << "tensor '" << name << "': external data file '"
                   << location << "' is too short (needs " << offset + needBytes
                   << " bytes, has " << fileSize << ")";
    return nullptr;
  }
  return std::move(*buffer);
}

DenseElementsAttr TensorReader::read(const onnx::TensorProto &tensor,
                                     Location loc) {
  MLIRContext *ctx = loc.getContext();
  int dtype = tensor.data_type();
  Type elem = getElementType(ctx, dtype);
  std::string name = tensor.name().empty() ? "<unnamed>" : tensor.name();
  if (!elem) {
    emitError(loc) << "tensor '" << name << "' has unsupported element type "
                   << onnxDTypeName(dtype);
    return nullptr;
  }
  SmallVector<int64_t> shape(tensor.dims().begin(), tensor.dims().end());
  for (int64_t d : shape) {
    if (d < 0) {
      emitError(loc) << "tensor '" << name << "' has a negative dimension";
      return nullptr;
    }
  }
  auto type = RankedTensorType::get(shape, elem);
  int64_t n = type.getNumElements();
  unsigned bytes = rawBytes(dtype);
  unsigned perByte = bytes ? 1 : 8 / lpc::dtypes::onnxDTypeBits(dtype);
  int64_t needBytes = bytes ? n * bytes : (n + perByte - 1) / perByte;

  if (tensor.data_location() == onnx::TensorProto::EXTERNAL) {
    auto buffer = openExternal(tensor, loc, needBytes);
    if (!buffer)
      return nullptr;
    return fromRaw(type, dtype, buffer->getBuffer());
  }

  if (tensor.has_raw_data()) {
    if ((int64_t)tensor.raw_data().size() != needBytes) {
      emitError(loc) << "tensor '" << name << "' has "
                     << tensor.raw_data().size()
                     << " bytes of raw data, its type needs " << needBytes;
      return nullptr;
    }
    return fromRaw(type, dtype, tensor.raw_data());
  }

  auto checkCount = [&](int64_t have) {
    if (have == n)
      return true;
    emitError(loc) << "tensor '" << name << "' holds " << have
                   << " values, its shape needs " << n;
    return false;
  };
  switch (dtype) {
  case kFloat:
    if (!checkCount(tensor.float_data_size()))
      return nullptr;
    return fromValues(type, dtype, tensor.float_data());
  case kDouble:
    if (!checkCount(tensor.double_data_size()))
      return nullptr;
    return fromValues(type, dtype, tensor.double_data());
  case kInt64:
    if (!checkCount(tensor.int64_data_size()))
      return nullptr;
    return fromValues(type, dtype, tensor.int64_data());
  case kUInt32:
  case kUInt64:
    if (!checkCount(tensor.uint64_data_size()))
      return nullptr;
    return fromValues(type, dtype, tensor.uint64_data());
  case kUInt4:
  case kInt4:
  case kFloat4E2M1:
  case kUInt2:
  case kInt2: {
    // Packed codes, one byte per int32 entry's low byte.
    std::string raw;
    for (int32_t v : tensor.int32_data())
      raw.push_back((char)(v & 0xFF));
    if ((int64_t)raw.size() != needBytes) {
      emitError(loc) << "tensor '" << name << "' holds " << raw.size()
                     << " packed bytes, its shape needs " << needBytes;
      return nullptr;
    }
    return fromRaw(type, dtype, raw);
  }
  default:
    if (!checkCount(tensor.int32_data_size()))
      return nullptr;
    return fromValues(type, dtype, tensor.int32_data());
  }
}

ElementsAttr TensorReader::readWeights(const onnx::TensorProto &tensor,
                                       Location loc) {
  // Large float weights become resource blobs: external data stays in its
  // mmap (no copy), inline data is copied once, and neither is hashed for
  // uniquing as DenseElementsAttr would be. Small tensors (shapes, axes,
  // scalars) stay DenseElementsAttr so that the importer can fold them.
  MLIRContext *ctx = loc.getContext();
  int dtype = tensor.data_type();
  bool isFloat = dtype == kFloat || dtype == kDouble || dtype == kFloat16 ||
                 dtype == kBFloat16;
  int64_t n = 1;
  for (int64_t d : tensor.dims())
    n = d < 0 ? -1 : n * d;
  int64_t needBytes = n * (isFloat ? rawBytes(dtype) : 0);
  bool external = tensor.data_location() == onnx::TensorProto::EXTERNAL;
  if (!isFloat || n < 0 || needBytes < kResourceThreshold ||
      (!external && !tensor.has_raw_data()) ||
      (!external && (int64_t)tensor.raw_data().size() != needBytes))
    return read(tensor, loc);
  auto type = RankedTensorType::get(
      SmallVector<int64_t>(tensor.dims().begin(), tensor.dims().end()),
      getElementType(ctx, dtype));
  std::string blobName = "onnx_" + tensor.name();
  for (char &c : blobName)
    if (!llvm::isAlnum(c) && c != '_')
      c = '_';
  size_t align = rawBytes(dtype);
  if (external) {
    std::unique_ptr<llvm::MemoryBuffer> buffer =
        openExternal(tensor, loc, needBytes);
    if (!buffer)
      return nullptr;
    ArrayRef<char> data(buffer->getBufferStart(), buffer->getBufferSize());
    if ((uintptr_t)data.data() % align == 0) {
      AsmResourceBlob blob(
          data, align,
          [owner = std::move(buffer)](void *, size_t, size_t) mutable {
            owner.reset();
          },
          /*dataIsMutable=*/false);
      return DenseResourceElementsAttr::get(type, blobName, std::move(blob));
    }
    return DenseResourceElementsAttr::get(
        type, blobName,
        HeapAsmResourceBlob::allocateAndCopyWithAlign(data, align));
  }
  ArrayRef<char> data(tensor.raw_data().data(), tensor.raw_data().size());
  return DenseResourceElementsAttr::get(
      type, blobName,
      HeapAsmResourceBlob::allocateAndCopyWithAlign(data, align));
}
