//===- ModelLibrary.cpp - Load a compiled model and its tensors -----------===//

#include "lpc/Runtime/ModelLibrary.h"

#include "lpc/Runtime/lpc_model.h"
#include "lpc/Support/ABISignature.h"
#include "lpc/Support/ONNXDTypes.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <onnx/onnx_pb.h>

#include <cstring>
#include <dlfcn.h>

#include <fstream>

using namespace lpc::runtime;
static_assert(LPC_ABI_VERSION == lpc::abi::kSignatureVersion,
              "lpc_model.h and ABISignature.h disagree on the ABI version");
namespace dtypes = lpc::dtypes;
using llvm::createStringError;
using llvm::Error;
using llvm::Expected;
using llvm::StringRef;

size_t lpc::runtime::dtypeSize(int dtype) {
  unsigned bits = dtypes::onnxDTypeBits(dtype);
  return bits >= 8 ? bits / 8 : 0; // sub-byte types have no whole-byte size
}

size_t lpc::runtime::dtypeBits(int dtype) {
  return dtypes::onnxDTypeBits(dtype);
}

std::string lpc::runtime::dtypeString(int dtype) {
  return dtypes::onnxDTypeName(dtype);
}

int64_t TensorInfo::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}
size_t TensorInfo::byteSize() const {
  return (numElements() * dtypeBits(dtype) + 7) / 8;
}

Error lpc::runtime::parseSignature(StringRef text, std::vector<TensorInfo> &ins,
                                   std::vector<TensorInfo> &outs) {
  llvm::SmallVector<StringRef> lines;
  text.split(lines, '\n', -1, false);
  std::string header = lpc::abi::signatureHeader();
  if (lines.empty() || lines[0].trim() != header)
    return createStringError("not an lpc model library (signature version '" +
                             (lines.empty() ? std::string() : lines[0].str()) +
                             "', expected '" + header + "')");
  for (StringRef line : llvm::ArrayRef(lines).drop_front()) {
    Expected<lpc::abi::SignatureEntry> e = lpc::abi::parseSignatureLine(line);
    if (!e)
      return e.takeError();
    TensorInfo info;
    info.name = e->name;
    info.dtype = e->dtype;
    info.shape = e->shape;
    (e->isOutput ? outs : ins).push_back(std::move(info));
  }
  return Error::success();
}

Error lpc::runtime::checkCPURequirements(StringRef path, StringRef text) {
  Expected<lpc::abi::CPURequirements> requirements =
      lpc::abi::parseCPURequirements(text);
  if (!requirements)
    return createStringError("'" + path +
                             "': " + llvm::toString(requirements.takeError()));
  llvm::Triple hostTriple(llvm::sys::getProcessTriple());
  StringRef hostArch = hostTriple.getArchName();
  if (requirements->arch != hostArch)
    return createStringError("'" + path + "' was compiled for " +
                             requirements->arch + ", this host is " +
                             hostArch.str());
  llvm::StringMap<bool, llvm::MallocAllocator> host =
      llvm::sys::getHostCPUFeatures();
  llvm::SmallVector<StringRef> missing;
  for (const std::string &f : requirements->features)
    if (!host.lookup(f))
      missing.push_back(f);
  if (missing.empty())
    return Error::success();
  return createStringError(
      "'" + path + "' was compiled for CPU features this host does not have: " +
      llvm::join(missing, ", ") +
      " (running it could fault on an illegal instruction); recompile it "
      "for this host with lpc compile --cpu=native");
}

ModelLibrary::~ModelLibrary() {
  if (handle)
    dlclose(handle);
}

Expected<std::unique_ptr<ModelLibrary>>
ModelLibrary::load(const std::string &path) {
  std::string abs = path;
  if (!llvm::sys::path::is_absolute(abs)) {
    llvm::SmallString<256> p(path);
    llvm::sys::fs::make_absolute(p);
    abs = std::string(p);
  }
  auto lib = std::unique_ptr<ModelLibrary>(new ModelLibrary());
  lib->handle = dlopen(abs.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib->handle)
    return createStringError(std::string("cannot load model library: ") +
                             dlerror());
  // The instruction set first, read as data: no function of the library
  // is called before the host is known to have what its code uses (lpc's
  // libraries have no initializers of their own).
  auto *requirements =
      (const char *)dlsym(lib->handle, lpc::abi::kCPURequirementsSymbol);
  if (!requirements)
    return createStringError("'" + path +
                             "' does not say which CPU features "
                             "it needs (no " +
                             lpc::abi::kCPURequirementsSymbol +
                             "); recompile it with this lpc");
  if (Error e = checkCPURequirements(path, requirements))
    return std::move(e);
  auto sigFn = (const char *(*)())dlsym(lib->handle, "lpc_signature");
  lib->runFn =
      (int32_t (*)(void *const *, void *const *))dlsym(lib->handle, "lpc_run");
  if (!sigFn || !lib->runFn)
    return createStringError("'" + path +
                             "' does not export lpc_signature and lpc_run");
  if (Error e = parseSignature(sigFn(), lib->ins, lib->outs))
    return std::move(e);
  return std::move(lib);
}

bool ModelLibrary::run(void *const *inputs, void *const *outputs) const {
  return runFn(inputs, outputs) == 0;
}

bool ModelLibrary::setThreads(int n) const {
  auto fn = (void (*)(int))dlsym(handle, "omp_set_num_threads");
  if (!fn)
    return false;
  fn(n);
  return true;
}

//===----------------------------------------------------------------------===//
// Tensor files
//===----------------------------------------------------------------------===//

namespace {

Expected<Tensor> fromProto(const onnx::TensorProto &p,
                           const std::string &path) {
  Tensor t;
  t.info.name = p.name();
  t.info.dtype = p.data_type();
  for (int64_t d : p.dims()) {
    if (d < 0)
      return createStringError(path + ": negative dimension");
    t.info.shape.push_back(d);
  }
  size_t size = dtypeSize(t.info.dtype);
  if (!dtypeBits(t.info.dtype))
    return createStringError(path + ": tensor element type " +
                             dtypeString(t.info.dtype) +
                             " is not supported by lpc run");
  if (p.data_location() == onnx::TensorProto::EXTERNAL)
    return createStringError(path + ": tensors with external data are not "
                                    "supported as run inputs");
  // Check the element count against the stored data before allocating, so
  // a file that is not a TensorProto cannot ask for absurd sizes.
  int64_t n = 1;
  for (int64_t d : t.info.shape)
    if (__builtin_mul_overflow(n, d, &n) || n > (int64_t(1) << 40))
      return createStringError(path + ": the shape is too large");
  if (p.has_raw_data()) {
    size_t need = t.info.byteSize();
    if (p.raw_data().size() != need)
      return createStringError(
          path + ": raw data has " + std::to_string(p.raw_data().size()) +
          " bytes, the shape needs " + std::to_string(need));
    t.data.resize(need);
    memcpy(t.data.data(), p.raw_data().data(), t.data.size());
    return t;
  }
  if (!size)
    return createStringError(path + ": " + dtypeString(t.info.dtype) +
                             " tensors are read from raw_data only");
  int64_t stored =
      std::max({(int64_t)p.float_data_size(), (int64_t)p.double_data_size(),
                (int64_t)p.int64_data_size(), (int64_t)p.uint64_data_size(),
                (int64_t)p.int32_data_size()});
  if (stored != n)
    return createStringError(path + ": holds " + std::to_string(stored) +
                             " values, the shape needs " + std::to_string(n));
  t.data.resize(n * size);
  auto count = [&](int64_t have) -> Error {
    if (have == n)
      return Error::success();
    return createStringError(path + ": holds " + std::to_string(have) +
                             " values, the shape needs " + std::to_string(n));
  };
  uint8_t *out = t.data.data();
  switch (t.info.dtype) {
  case dtypes::kFloat:
    if (Error e = count(p.float_data_size()))
      return std::move(e);
    memcpy(out, p.float_data().data(), n * 4);
    break;
  case dtypes::kDouble:
    if (Error e = count(p.double_data_size()))
      return std::move(e);
    memcpy(out, p.double_data().data(), n * 8);
    break;
  case dtypes::kInt64:
    if (Error e = count(p.int64_data_size()))
      return std::move(e);
    memcpy(out, p.int64_data().data(), n * 8);
    break;
  case dtypes::kUInt32:
  case dtypes::kUInt64:
    if (Error e = count(p.uint64_data_size()))
      return std::move(e);
    for (int64_t i = 0; i < n; ++i) {
      uint64_t v = p.uint64_data(i);
      memcpy(out + i * size, &v, size);
    }
    break;
  default:
    if (Error e = count(p.int32_data_size()))
      return std::move(e);
    for (int64_t i = 0; i < n; ++i) {
      int32_t v = p.int32_data(i);
      memcpy(out + i * size, &v, size); // little-endian truncation
    }
  }
  return t;
}

/// NumPy dtype descriptors lpc reads.
int npyDType(StringRef descr) {
  if (descr.size() < 2 ||
      (descr[0] != '<' && descr[0] != '|' && descr[0] != '='))
    return 0;
  descr = descr.drop_front();
  return llvm::StringSwitch<int>(descr)
      .Case("f4", 1)
      .Case("f8", 11)
      .Case("f2", 10)
      .Case("i1", 3)
      .Case("i2", 5)
      .Case("i4", 6)
      .Case("i8", 7)
      .Case("u1", 2)
      .Case("u2", 4)
      .Case("u4", 12)
      .Case("u8", 13)
      .Case("b1", 9)
      .Default(0);
}

Expected<Tensor> readNpy(StringRef buf, const std::string &path) {
  auto bad = [&](const std::string &why) {
    return createStringError(path + ": not a readable .npy file (" + why + ")");
  };
  if (buf.size() < 10 || !buf.starts_with("\x93NUMPY"))
    return bad("bad magic");
  uint8_t major = buf[6];
  size_t headerLen, headerStart;
  if (major == 1) {
    headerLen = (uint8_t)buf[8] | ((uint8_t)buf[9] << 8);
    headerStart = 10;
  } else {
    if (buf.size() < 12)
      return bad("short header");
    headerLen = (uint8_t)buf[8] | ((uint8_t)buf[9] << 8) |
                ((uint8_t)buf[10] << 16) | ((size_t)(uint8_t)buf[11] << 24);
    headerStart = 12;
  }
  if (buf.size() < headerStart + headerLen)
    return bad("short header");
  StringRef header = buf.substr(headerStart, headerLen);
  auto field = [&](StringRef key) -> StringRef {
    size_t at = header.find("'" + key.str() + "'");
    if (at == StringRef::npos)
      return "";
    StringRef rest = header.drop_front(at + key.size() + 2).ltrim(" :");
    return rest;
  };
  StringRef descr = field("descr");
  if (!descr.consume_front("'"))
    return bad("no descr");
  descr = descr.take_until([](char c) { return c == '\''; });
  Tensor t;
  t.info.dtype = npyDType(descr);
  if (!t.info.dtype)
    return bad("unsupported dtype '" + descr.str() + "'");
  if (field("fortran_order").starts_with("True"))
    return bad("Fortran order");
  StringRef shape = field("shape");
  if (!shape.consume_front("("))
    return bad("no shape");
  shape = shape.take_until([](char c) { return c == ')'; });
  llvm::SmallVector<StringRef> dims;
  shape.split(dims, ',', -1, false);
  for (StringRef d : dims) {
    d = d.trim();
    if (d.empty())
      continue;
    int64_t v;
    if (d.getAsInteger(10, v))
      return bad("bad shape");
    t.info.shape.push_back(v);
  }
  size_t bytes = t.info.byteSize();
  StringRef data = buf.drop_front(headerStart + headerLen);
  if (data.size() < bytes)
    return bad("short data");
  t.data.assign(data.bytes_begin(), data.bytes_begin() + bytes);
  return t;
}

} // namespace

Expected<Tensor> lpc::runtime::readTensorFile(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return createStringError(path + ": " + buffer.getError().message());
  StringRef buf = (*buffer)->getBuffer();
  if (StringRef(path).ends_with(".npy"))
    return readNpy(buf, path);
  onnx::TensorProto proto;
  if (!proto.ParseFromArray(buf.data(), buf.size()))
    return createStringError(path + ": not a valid ONNX TensorProto");
  return fromProto(proto, path);
}

std::string lpc::runtime::serializeTensorProto(const Tensor &t) {
  onnx::TensorProto p;
  p.set_name(t.info.name);
  p.set_data_type(t.info.dtype);
  for (int64_t d : t.info.shape)
    p.add_dims(d);
  p.set_raw_data(t.data.data(), t.data.size());
  return p.SerializeAsString();
}

Error lpc::runtime::writeTensorProto(const Tensor &t, const std::string &path) {
  std::ofstream os(path, std::ios::binary);
  if (!os || !(os << serializeTensorProto(t)) || !os.flush())
    return createStringError("cannot write " + path);
  return Error::success();
}

/// The value of a small-float code `bits` of `sem`.
static double decodeSmallFloat(const llvm::fltSemantics &sem, unsigned width,
                               uint64_t bits) {
  llvm::APFloat f(sem, llvm::APInt(width, bits));
  bool lost;
  f.convert(llvm::APFloat::IEEEdouble(), llvm::APFloat::rmNearestTiesToEven,
            &lost);
  return f.convertToDouble();
}

double lpc::runtime::elementAsDouble(const Tensor &t, int64_t i) {
  if (size_t bits = dtypeBits(t.info.dtype); bits < 8) {
    // Sub-byte codes, lowest bits of each byte first.
    size_t perByte = 8 / bits;
    unsigned code =
        (t.data[i / perByte] >> (bits * (i % perByte))) & ((1u << bits) - 1);
    switch (t.info.dtype) {
    case dtypes::kUInt4:
    case dtypes::kUInt2:
      return code;
    case dtypes::kInt4:
    case dtypes::kInt2:
      return code >= (1u << (bits - 1)) ? (int)code - (1 << bits) : code;
    default:
      return decodeSmallFloat(llvm::APFloat::Float4E2M1FN(), 4, code);
    }
  }
  const uint8_t *p = t.data.data() + i * dtypeSize(t.info.dtype);
  auto get = [&](auto v) {
    memcpy(&v, p, sizeof(v));
    return (double)v;
  };
  switch (t.info.dtype) {
  case dtypes::kFloat:
    return get(float());
  case dtypes::kDouble:
    return get(double());
  case dtypes::kUInt8:
    return get(uint8_t());
  case dtypes::kInt8:
    return get(int8_t());
  case dtypes::kUInt16:
    return get(uint16_t());
  case dtypes::kInt16:
    return get(int16_t());
  case dtypes::kInt32:
    return get(int32_t());
  case dtypes::kInt64:
    return get(int64_t());
  case dtypes::kBool:
    return *p ? 1.0 : 0.0;
  case dtypes::kUInt32:
    return get(uint32_t());
  case dtypes::kUInt64:
    return get(uint64_t());
  case dtypes::kFloat16: {
    uint16_t h;
    memcpy(&h, p, 2);
    return (double)(_Float16)*reinterpret_cast<_Float16 *>(&h);
  }
  case dtypes::kBFloat16: {
    uint16_t h;
    memcpy(&h, p, 2);
    uint32_t bits = (uint32_t)h << 16;
    float f;
    memcpy(&f, &bits, 4);
    return f;
  }
  case dtypes::kFloat8E4M3FN:
    return decodeSmallFloat(llvm::APFloat::Float8E4M3FN(), 8, *p);
  case dtypes::kFloat8E4M3FNUZ:
    return decodeSmallFloat(llvm::APFloat::Float8E4M3FNUZ(), 8, *p);
  case dtypes::kFloat8E5M2:
    return decodeSmallFloat(llvm::APFloat::Float8E5M2(), 8, *p);
  case dtypes::kFloat8E5M2FNUZ:
    return decodeSmallFloat(llvm::APFloat::Float8E5M2FNUZ(), 8, *p);
  default:
    return 0;
  }
}
