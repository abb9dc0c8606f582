//===- lpc-bench.cpp - Low-bit matmul benchmarks against in-run limits ----===//
//
// Times the code `lpc compile` produces for a low-bit matmul and reports it
// as a ratio to a limit measured in the same run (../docs/Performance.md):
//
//   lpc-bench gemv: y = x W^T for one activation row, weights cold (rotating
//     over distinct copies of at least --cold-mib MiB), each sample paired
//     with a plain read of the same buffers (4 streams per thread, the
//     widest loads the host has): pct_of_paired_read.
//   lpc-bench gemm: --batch rows, weights hot, against the host's fastest
//     exact int8 dot-product sequence timed in the same run:
//     pct_of_int8_peak.
//
// The model is lq IR (a weight-only lq.matmul with the weights, scales and
// zero points as inputs), compiled in-process by lpc's driver library, as
// `lpc compile` would, and loaded through lpc's runtime. Every run first
// checks the library's result against a float64 reference.
//
//===----------------------------------------------------------------------===//

#include "lpc/Dialect/LQ/IR/Format.h"
#include "lpc/Driver/Driver.h"
#include "lpc/Runtime/ModelLibrary.h"

#include "OneDNNPeer.h"

#include "mlir/AsmParser/AsmParser.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"

#include <immintrin.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

using namespace llvm;

namespace {

cl::SubCommand gemvCommand("gemv", "Matrix-vector product, weights cold");
cl::SubCommand gemmCommand("gemm", "Batched matmul, weights hot");

cl::opt<std::string> format("format",
                            cl::desc("Weight format: int2, uint2 (with zero "
                                     "points), int4, uint4 (with zero "
                                     "points), int8, uint8 (with zero "
                                     "points), nf4, fp8 (E4M3FN)"),
                            cl::init("int4"), cl::sub(gemvCommand),
                            cl::sub(gemmCommand));
cl::opt<int64_t> group("group",
                       cl::desc("Codes per scale along K (0: one scale per "
                                "output row)"),
                       cl::init(128), cl::sub(gemvCommand),
                       cl::sub(gemmCommand));
cl::opt<int64_t> rows("rows", cl::desc("N, the output features"),
                      cl::init(4096), cl::sub(gemvCommand),
                      cl::sub(gemmCommand));
cl::opt<int64_t> cols("cols", cl::desc("K, the input features"), cl::init(4096),
                      cl::sub(gemvCommand), cl::sub(gemmCommand));
cl::opt<int64_t> batch("batch", cl::desc("M, the activation rows"),
                       cl::init(32), cl::sub(gemmCommand));
cl::opt<int> threads("threads", cl::desc("Threads (OpenMP)"), cl::init(1),
                     cl::sub(gemvCommand), cl::sub(gemmCommand));
cl::opt<std::string>
    activations("activations",
                cl::desc("Activation format: f32 (weight-only lq.matmul) or "
                         "int8 (quantized at run time per K-group, integer "
                         "kernel: lpc compile --activations=int8)"),
                cl::init("f32"), cl::sub(gemvCommand), cl::sub(gemmCommand));
cl::opt<int> reps("reps", cl::desc("Samples (median, min..max)"), cl::init(7),
                  cl::sub(gemvCommand), cl::sub(gemmCommand));
cl::opt<double> minMs("min-ms", cl::desc("Least duration of one sample"),
                      cl::init(50), cl::sub(gemvCommand), cl::sub(gemmCommand));
cl::opt<int64_t> coldMiB("cold-mib",
                         cl::desc("Least MiB of distinct weight copies the "
                                  "GEMV rotates over"),
                         cl::init(512), cl::sub(gemvCommand));
cl::opt<std::string> cpu("cpu", cl::desc("CPU to compile for (lpc --cpu)"),
                         cl::init("native"), cl::sub(gemvCommand),
                         cl::sub(gemmCommand));
cl::opt<std::string> cpuFeatures("cpu-features", cl::desc("lpc --cpu-features"),
                                 cl::sub(gemvCommand), cl::sub(gemmCommand));
cl::opt<bool> peers("peers",
                    cl::desc("Time oneDNN's int8 and f32 matmul beside lpc's "
                             "(when lpc-bench was built with oneDNN)"),
                    cl::init(true), cl::sub(gemvCommand), cl::sub(gemmCommand));
cl::opt<std::string> keep("keep",
                          cl::desc("Keep the generated model.mlir and "
                                   "model.so in this directory"),
                          cl::sub(gemvCommand), cl::sub(gemmCommand));

[[noreturn]] void fail(const Twine &message) {
  errs() << "lpc-bench: error: " << message << "\n";
  std::exit(1);
}

double nowSeconds() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

//===----------------------------------------------------------------------===//
// The problem: formats, the generated model, the reference
//===----------------------------------------------------------------------===//

struct WeightFormat {
  std::string lqType;
  int bits;
  bool isSigned;
  /// Unsigned integers come with integer zero points.
  bool zeroPoint;
  /// A codebook's or minifloat's values by code (empty for integers), read
  /// from lq's own definition of the format (FP8: LLVM's APFloat).
  std::vector<float> table;
  /// FP8 E4M3FN: random codes skip NaN (S.1111.111).
  bool fp8 = false;
};

WeightFormat parseFormat(StringRef name) {
  if (name == "int2")
    return {"!lq.int<2>", 2, true, false, {}};
  if (name == "uint2")
    return {"!lq.int<2, unsigned>", 2, false, true, {}};
  if (name == "int4")
    return {"!lq.int<4>", 4, true, false, {}};
  if (name == "uint4")
    return {"!lq.int<4, unsigned>", 4, false, true, {}};
  if (name == "int8")
    return {"!lq.int<8>", 8, true, false, {}};
  if (name == "uint8")
    return {"!lq.int<8, unsigned>", 8, false, true, {}};
  if (name == "nf4") {
    WeightFormat f{"!lq.codebook<nf4>", 4, false, false, {}};
    mlir::MLIRContext context;
    context.loadDialect<lpc::lq::LQDialect>();
    mlir::Type type = mlir::parseType(f.lqType, &context);
    std::optional<lpc::lq::Format> format =
        type ? lpc::lq::getFormat(type) : std::nullopt;
    if (!format || format->table.size() != 16)
      fail("cannot read the NF4 codebook from the lq dialect");
    f.table.assign(format->table.begin(), format->table.end());
    return f;
  }
  if (name == "fp8") {
    WeightFormat f{"f8E4M3FN", 8, false, false, {}, true};
    for (unsigned c = 0; c < 256; ++c) {
      llvm::APFloat v(llvm::APFloat::Float8E4M3FN(), llvm::APInt(8, c));
      f.table.push_back(v.convertToFloat());
    }
    return f;
  }
  fail("unknown --format '" + name +
       "' (int2, uint2, int4, uint4, int8, uint8, nf4, fp8)");
}

struct Problem {
  WeightFormat fmt;
  int64_t m, n, k, g; // g: the K-group (k when per row)
  int64_t groups() const { return k / g; }
  bool hasZeroPoint() const { return fmt.zeroPoint; }
  int64_t codeBytes() const { return n * k * fmt.bits / 8; }
  int64_t scaleBytes() const { return n * groups() * 4; }
  int64_t zeroPointBytes() const { return hasZeroPoint() ? n * groups() : 0; }
  int64_t weightBytes() const {
    return codeBytes() + scaleBytes() + zeroPointBytes();
  }
};

/// The model: y[m, n] = sum_k x[m, k] * s[n, k/g] * (w[n, k] - z[n, k/g]).
std::string modelIR(const Problem &p) {
  std::string t;
  raw_string_ostream os(t);
  std::string x = formatv("tensor<{0}x{1}xf32>", p.m, p.k).str();
  std::string w = formatv("tensor<{0}x{1}x{2}>", p.n, p.k, p.fmt.lqType).str();
  std::string s = formatv("tensor<{0}x{1}xf32>", p.n, p.groups()).str();
  std::string z = formatv("tensor<{0}x{1}xi8>", p.n, p.groups()).str();
  std::string y = formatv("tensor<{0}x{1}xf32>", p.m, p.n).str();
  os << "func.func @main_graph(%x: " << x << ", %w: " << w << ", %s: " << s;
  if (p.hasZeroPoint())
    os << ", %z: " << z;
  os << ") -> " << y << " {\n  %y = lq.matmul %x, %w scales(%s)";
  if (p.hasZeroPoint())
    os << " rhs_zero_point(%z : " << z << ")";
  os << " rhs_layout(<block = [1, " << p.g
     << "]>) rhs_transposed acc(f32) : " << x << ", " << w << ", " << s
     << " -> " << y << "\n  return %y : " << y << "\n}\n";
  return t;
}

/// splitmix64: distinct, cheap contents for every weight copy.
struct Random {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
};

/// One copy of the weights, in the ABI's layout (INT4/UINT4 two codes per
/// byte, low nibble first).
struct Weights {
  std::vector<uint8_t> codes;
  std::vector<float> scales;
  std::vector<int8_t> zeroPoints;
};

Weights makeWeights(const Problem &p, uint64_t seed) {
  Random r{seed};
  Weights w;
  w.codes.resize(p.codeBytes());
  for (size_t i = 0; i < w.codes.size(); i += 8) {
    uint64_t v = r.next();
    std::memcpy(&w.codes[i], &v, std::min<size_t>(8, w.codes.size() - i));
  }
  if (p.fmt.fp8)
    for (uint8_t &c : w.codes)
      if ((c & 0x7F) == 0x7F)
        c = 0x38; // NaN -> 1.0
  w.scales.resize(p.n * p.groups());
  for (float &s : w.scales)
    s = std::ldexp(1.0f + float(r.next() % 1024) / 1024.0f, -7);
  if (p.hasZeroPoint()) {
    int maxCode = (1 << p.fmt.bits) - 1;
    w.zeroPoints.resize(p.n * p.groups());
    for (int8_t &z : w.zeroPoints)
      z = int8_t(std::min<int>(r.next() % (maxCode + 1), 127));
  }
  return w;
}

/// The value of code [n, k]: the integer, or the codebook's entry.
double valueAt(const Problem &p, const Weights &w, int64_t n, int64_t k) {
  int64_t i = n * p.k + k;
  if (p.fmt.bits == 8 && !p.fmt.table.empty())
    return p.fmt.table[w.codes[i]];
  if (p.fmt.bits == 8)
    return p.fmt.isSigned ? int64_t(int8_t(w.codes[i])) : w.codes[i];
  // Sub-byte codes, lowest bits first (as ONNX packs INT4 and INT2).
  int bits = p.fmt.bits, perByte = 8 / bits;
  int v = (w.codes[i / perByte] >> (bits * (i % perByte))) & ((1 << bits) - 1);
  if (!p.fmt.table.empty())
    return p.fmt.table[v];
  return p.fmt.isSigned && v >= (1 << (bits - 1)) ? v - (1 << bits) : v;
}

/// Checks the int8-activation library's y bit for bit against
/// docs/Semantics.md: per K-group a = max |x|, codes round(x * (127 / a)),
/// scale a / 127, exact integer group sums S, y = sum_j (f32(S) * sa) * sb
/// in f32, j ascending.
void checkInt8Result(const Problem &p, const std::vector<float> &x,
                     const Weights &w, const std::vector<float> &y) {
  std::vector<int32_t> q(p.k);
  std::vector<float> sa(p.groups());
  for (int64_t m = 0; m < p.m; ++m) {
    const float *row = &x[m * p.k];
    for (int64_t j = 0; j < p.groups(); ++j) {
      float a = 0;
      for (int64_t k = j * p.g; k < (j + 1) * p.g; ++k)
        a = std::max(a, std::fabs(row[k]));
      sa[j] = a / 127.0f;
      float r = a == 0 ? 0.0f : 127.0f / a;
      for (int64_t k = j * p.g; k < (j + 1) * p.g; ++k)
        q[k] = int32_t(std::clamp(std::nearbyint(row[k] * r), -127.0f, 127.0f));
    }
    for (int64_t n = 0; n < p.n; ++n) {
      float acc = 0;
      for (int64_t j = 0; j < p.groups(); ++j) {
        int64_t gi = n * p.groups() + j;
        int64_t zp = p.hasZeroPoint() ? w.zeroPoints[gi] : 0, sum = 0;
        for (int64_t k = j * p.g; k < (j + 1) * p.g; ++k)
          sum += q[k] * (int64_t(valueAt(p, w, n, k)) - zp);
        float term = float(sum) * sa[j];
        term = term * w.scales[gi];
        acc = acc + term;
      }
      float got = y[m * p.n + n];
      if (std::memcmp(&got, &acc, sizeof(float)))
        fail(formatv("wrong result at [{0}, {1}]: {2} instead of {3} (int8 "
                     "activations are exact)",
                     m, n, got, acc));
    }
  }
  outs() << formatv("check: {0}x{1} outputs bit-identical to the exact int8 "
                    "activation semantics\n",
                    p.m, p.n);
}

/// Checks the library's y against float64, within the f32 bound of a
/// reordered sum (docs/Semantics.md): gamma(k + 2) * sum |terms|.
void checkResult(const Problem &p, const std::vector<float> &x,
                 const Weights &w, const std::vector<float> &y) {
  if (activations == "int8")
    return checkInt8Result(p, x, w, y);
  double u = std::ldexp(1.0, -24), worst = 0;
  for (int64_t m = 0; m < p.m; ++m)
    for (int64_t n = 0; n < p.n; ++n) {
      double exact = 0, mag = 0;
      for (int64_t k = 0; k < p.k; ++k) {
        int64_t gi = n * p.groups() + k / p.g;
        double zp = p.hasZeroPoint() ? w.zeroPoints[gi] : 0;
        double term =
            double(x[m * p.k + k]) * w.scales[gi] * (valueAt(p, w, n, k) - zp);
        exact += term;
        mag += std::fabs(term);
      }
      double nu = double(p.k + 2) * u;
      double bound = nu / (1 - nu) * mag + 1e-30;
      double err = std::fabs(double(y[m * p.n + n]) - exact);
      if (!(err <= bound))
        fail(formatv("wrong result at [{0}, {1}]: {2} instead of {3} (bound "
                     "{4})",
                     m, n, y[m * p.n + n], exact, bound));
      worst = std::max(worst, err / bound);
    }
  outs() << formatv("check: {0}x{1} outputs within the f32 bound against "
                    "float64 (worst error {2:e2} of the bound)\n",
                    p.m, p.n, worst);
}

//===----------------------------------------------------------------------===//
// Limits measured in the run
//===----------------------------------------------------------------------===//

/// Reads [begin, end) with four sequential streams; returns a value that
/// depends on every byte read so the loads stay.
__attribute__((target("avx512f"))) uint64_t read4Avx512(const uint8_t *begin,
                                                        size_t bytes) {
  size_t quarter = bytes / 4 / 64 * 64;
  const uint8_t *s0 = begin, *s1 = s0 + quarter, *s2 = s1 + quarter,
                *s3 = s2 + quarter;
  __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0;
  for (size_t i = 0; i < quarter; i += 64) {
    a0 = _mm512_xor_si512(a0, _mm512_loadu_si512(s0 + i));
    a1 = _mm512_xor_si512(a1, _mm512_loadu_si512(s1 + i));
    a2 = _mm512_xor_si512(a2, _mm512_loadu_si512(s2 + i));
    a3 = _mm512_xor_si512(a3, _mm512_loadu_si512(s3 + i));
  }
  __m512i a =
      _mm512_xor_si512(_mm512_xor_si512(a0, a1), _mm512_xor_si512(a2, a3));
  uint64_t r = _mm512_reduce_add_epi64(a);
  for (size_t i = 4 * quarter; i < bytes; ++i)
    r += begin[i];
  return r;
}

__attribute__((target("avx2"))) uint64_t read4Avx2(const uint8_t *begin,
                                                   size_t bytes) {
  size_t quarter = bytes / 4 / 64 * 64;
  const uint8_t *s0 = begin, *s1 = s0 + quarter, *s2 = s1 + quarter,
                *s3 = s2 + quarter;
  __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
  for (size_t i = 0; i < quarter; i += 64) {
    a0 = _mm256_xor_si256(a0, _mm256_loadu_si256((const __m256i *)(s0 + i)));
    a0 = _mm256_xor_si256(a0,
                          _mm256_loadu_si256((const __m256i *)(s0 + i + 32)));
    a1 = _mm256_xor_si256(a1, _mm256_loadu_si256((const __m256i *)(s1 + i)));
    a1 = _mm256_xor_si256(a1,
                          _mm256_loadu_si256((const __m256i *)(s1 + i + 32)));
    a2 = _mm256_xor_si256(a2, _mm256_loadu_si256((const __m256i *)(s2 + i)));
    a2 = _mm256_xor_si256(a2,
                          _mm256_loadu_si256((const __m256i *)(s2 + i + 32)));
    a3 = _mm256_xor_si256(a3, _mm256_loadu_si256((const __m256i *)(s3 + i)));
    a3 = _mm256_xor_si256(a3,
                          _mm256_loadu_si256((const __m256i *)(s3 + i + 32)));
  }
  __m256i a =
      _mm256_xor_si256(_mm256_xor_si256(a0, a1), _mm256_xor_si256(a2, a3));
  uint64_t lanes[4];
  _mm256_storeu_si256((__m256i *)lanes, a);
  uint64_t r = lanes[0] + lanes[1] + lanes[2] + lanes[3];
  for (size_t i = 4 * quarter; i < bytes; ++i)
    r += begin[i];
  return r;
}

bool hostHas(const char *feature) {
  static StringMap<bool, MallocAllocator> features = sys::getHostCPUFeatures();
  return features.lookup(feature);
}

/// Reads the buffers with `nthreads` threads, each its share of every buffer
/// in four streams.
uint64_t pairedRead(const std::vector<std::pair<const uint8_t *, size_t>> &bufs,
                    int nthreads) {
  bool wide = hostHas("avx512f");
  uint64_t sink = 0;
#pragma omp parallel num_threads(nthreads) reduction(^ : sink)
  {
    int t = omp_get_thread_num(), nt = omp_get_num_threads();
    for (auto [data, bytes] : bufs) {
      size_t share = bytes / nt / 64 * 64;
      size_t begin = t * share;
      size_t size = t == nt - 1 ? bytes - begin : share;
      sink ^= wide ? read4Avx512(data + begin, size)
                   : read4Avx2(data + begin, size);
    }
  }
  return sink;
}

/// The fastest exact int8 dot sequence the host has, in int8 ops (2 per
/// multiply-add) per second on `nthreads` threads: vpdpbusd on zmm with
/// AVX512-VNNI, else vpmaddubsw + vpmaddwd + vpaddd on ymm (u8 x s8 pairs
/// summed to i16, then i32; the sequence exact kernels use when value ranges
/// rule out i16 saturation).
__attribute__((target("avx512f,avx512bw,avx512vnni"))) uint64_t
dotLoopVnni(int64_t iters, double &ops) {
  __m512i acc[8];
  for (int i = 0; i < 8; ++i)
    acc[i] = _mm512_set1_epi32(i);
  __m512i a = _mm512_set1_epi8(3), b = _mm512_set1_epi8(-2);
  for (int64_t it = 0; it < iters; ++it)
    for (int i = 0; i < 8; ++i)
      acc[i] = _mm512_dpbusd_epi32(acc[i], a, b);
  __m512i s = acc[0];
  for (int i = 1; i < 8; ++i)
    s = _mm512_add_epi32(s, acc[i]);
  ops = double(iters) * 8 * 64 * 2;
  return _mm512_reduce_add_epi32(s);
}

__attribute__((target("avx2"))) uint64_t dotLoopAvx2(int64_t iters,
                                                     double &ops) {
  __m256i acc[8];
  for (int i = 0; i < 8; ++i)
    acc[i] = _mm256_set1_epi32(i);
  __m256i a = _mm256_set1_epi8(3), b = _mm256_set1_epi8(-2),
          ones = _mm256_set1_epi16(1);
  for (int64_t it = 0; it < iters; ++it)
    for (int i = 0; i < 8; ++i)
      acc[i] = _mm256_add_epi32(
          acc[i], _mm256_madd_epi16(_mm256_maddubs_epi16(a, b), ones));
  __m256i s = acc[0];
  for (int i = 1; i < 8; ++i)
    s = _mm256_add_epi32(s, acc[i]);
  ops = double(iters) * 8 * 32 * 2;
  uint32_t lanes[8];
  _mm256_storeu_si256((__m256i *)lanes, s);
  return lanes[0] ^ lanes[7];
}

double int8PeakOpsPerSecond(int nthreads, std::string &sequence) {
  bool vnni = hostHas("avx512vnni") && hostHas("avx512bw");
  sequence = vnni ? "vpdpbusd zmm" : "vpmaddubsw+vpmaddwd+vpaddd ymm";
  std::vector<double> samples;
  for (int r = 0; r < 5; ++r) {
    double ops = 0;
    uint64_t sink = 0;
    double t0 = nowSeconds();
#pragma omp parallel num_threads(nthreads) reduction(+ : ops)                  \
    reduction(^ : sink)
    {
      double o = 0;
      sink ^= vnni ? dotLoopVnni(1 << 22, o) : dotLoopAvx2(1 << 22, o);
      ops += o;
    }
    double t = nowSeconds() - t0;
    if (sink == 0x5eed)
      outs() << "";
    samples.push_back(ops / t);
  }
  std::sort(samples.begin(), samples.end());
  return samples.back();
}

//===----------------------------------------------------------------------===//
// The run
//===----------------------------------------------------------------------===//

struct Stats {
  double median, min, max;
};

Stats stats(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v[v.size() / 2], v.front(), v.back()};
}

std::string cpuName() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (StringRef(line).starts_with("model name"))
      return StringRef(line).split(':').second.trim().str();
  return sys::getHostCPUName().str();
}

/// Compiles the model for `p` and loads it.
std::unique_ptr<lpc::runtime::ModelLibrary> compileModel(const Problem &p) {
  SmallString<128> dir;
  if (!keep.empty()) {
    dir = keep;
    if (std::error_code ec = sys::fs::create_directories(dir))
      fail("cannot create " + dir + ": " + ec.message());
  } else if (std::error_code ec =
                 sys::fs::createUniqueDirectory("lpc-bench", dir)) {
    fail("cannot create a temporary directory: " + ec.message());
  }
  SmallString<128> mlirPath(dir), soPath(dir);
  sys::path::append(mlirPath, "model.mlir");
  sys::path::append(soPath, "model.so");
  {
    std::ofstream out(mlirPath.c_str());
    out << modelIR(p);
  }
  lpc::driver::CompileOptions options;
  options.backend.cpu = cpu;
  options.backend.cpuFeatures = cpuFeatures;
  options.backend.parallel = true;
  options.backend.lqStage.activationBits = activations == "int8" ? 8 : 0;
  double t0 = nowSeconds();
  if (failed(lpc::driver::compile(mlirPath, soPath, options)))
    fail("lpc could not compile " + mlirPath);
  outs() << formatv("compiled {0} in {1:f1} s\n", mlirPath, nowSeconds() - t0);
  auto lib = lpc::runtime::ModelLibrary::load(std::string(soPath));
  if (!lib)
    fail(toString(lib.takeError()));
  if (keep.empty()) {
    sys::fs::remove(soPath);
    sys::fs::remove(mlirPath);
    sys::fs::remove(dir);
  }
  if (!(*lib)->setThreads(threads) && threads > 1)
    outs() << "note: the compiled model has no parallel loop (OpenMP); it "
              "runs on one thread\n";
  return std::move(*lib);
}

struct Runner {
  const Problem &p;
  const lpc::runtime::ModelLibrary &lib;
  std::vector<float> x, y;

  void run(Weights &w) {
    std::vector<void *> ins = {x.data(), w.codes.data(), w.scales.data()};
    if (p.hasZeroPoint())
      ins.push_back(w.zeroPoints.data());
    void *outsArr[] = {y.data()};
    if (!lib.run(ins.data(), outsArr))
      fail("lpc_run failed");
  }
};

std::vector<float> makeActivations(const Problem &p) {
  Random r{42};
  std::vector<float> x(p.m * p.k);
  for (float &v : x)
    v = float(int64_t(r.next() % 2001) - 1000) / 1000.0f;
  return x;
}

void printHeader(const Problem &p, StringRef what) {
  outs() << formatv("lpc-bench {0}: {1} weights {2}x{3}, group {4}, batch "
                    "{5}, activations {6}, {7} thread(s)\n",
                    what, format, p.n, p.k, p.g, p.m, activations, threads);
  outs() << "cpu: " << cpuName() << " (LLVM: " << sys::getHostCPUName()
         << ", avx2=" << hostHas("avx2") << " avx512f=" << hostHas("avx512f")
         << " avx512vnni=" << hostHas("avx512vnni") << ")\n";
}

Problem makeProblem(int64_t m) {
  if (activations != "f32" && activations != "int8")
    fail("--activations=" + activations + ": expected f32 or int8");
  if (rows <= 0 || cols <= 0 || m <= 0)
    fail("--rows, --cols and --batch must be positive");
  Problem p{parseFormat(format), m, rows, cols, group == 0 ? cols : group};
  if (activations == "int8" && !p.fmt.table.empty())
    fail("--activations=int8 needs integer weights (" + format +
         " is not an integer format)");
  if (p.g <= 0 || p.k % p.g)
    fail(formatv("--group {0} does not divide --cols {1}", group.getValue(),
                 cols.getValue()));
  if (p.fmt.bits < 8 && (p.k % (8 / p.fmt.bits)))
    fail(formatv("{0}-bit weights need --cols a multiple of {1} (whole bytes "
                 "per row)",
                 p.fmt.bits, 8 / p.fmt.bits));
  if (threads < 1 || reps < 1)
    fail("--threads and --reps must be at least 1");
  return p;
}

/// Buffers of one weight copy, for the paired read.
using Buffers = std::vector<std::pair<const uint8_t *, size_t>>;

/// The cold samples of one GEMV implementation and their paired reads.
struct ColdSeries {
  std::string name;
  int64_t copies;
  size_t bytesPerCopy;
  std::function<void(int64_t)> run;
  std::function<Buffers(int64_t)> buffers;
  int64_t next = 0;
  std::vector<double> pct, gemvGBs, readGBs;

  /// One sample: calls over the copies for at least --min-ms and one pass,
  /// then a read of the same buffers in the same order as many times.
  void sample(int r) {
    int64_t calls = 0;
    double t0 = nowSeconds(), t;
    do {
      run(next);
      next = (next + 1) % copies;
      ++calls;
      t = nowSeconds() - t0;
    } while (t * 1e3 < minMs || calls < copies);
    double gemvTime = t / calls;
    int64_t start = (next - calls % copies + copies) % copies;
    uint64_t sink = 0;
    t0 = nowSeconds();
    for (int64_t c = 0; c < calls; ++c)
      sink ^= pairedRead(buffers((start + c) % copies), threads);
    double readTime = (nowSeconds() - t0) / calls;
    if (sink == 0x5eed)
      outs() << "";
    pct.push_back(100 * readTime / gemvTime);
    gemvGBs.push_back(bytesPerCopy / gemvTime / 1e9);
    readGBs.push_back(bytesPerCopy / readTime / 1e9);
    outs() << formatv("sample {0}: {1} {2} calls, {3:f2} GB/s, paired read "
                      "{4:f2} GB/s, {5:f2} %\n",
                      r, name, calls, gemvGBs.back(), readGBs.back(),
                      pct.back());
  }

  void report() const {
    Stats s = stats(pct), g = stats(gemvGBs), rd = stats(readGBs);
    outs() << formatv("{0}: {1:f2} GB/s ({2:f2}..{3:f2}); paired read {4:f2} "
                      "GB/s ({5:f2}..{6:f2}); pct_of_paired_read={7:f2} (min "
                      "{8:f2}, max {9:f2})\n",
                      name, g.median, g.min, g.max, rd.median, rd.min, rd.max,
                      s.median, s.min, s.max);
  }
};

/// oneDNN's int8 and f32 matmul of `m` rows by the problem's weights (copies
/// filling `coldBytes`; one copy for 0), when --peers and lpc-bench has
/// oneDNN; a peer oneDNN cannot make is reported and left out.
std::vector<std::unique_ptr<lpc::bench::Peer>>
makePeers(int64_t m, const Problem &p, int64_t coldBytes) {
  std::vector<std::unique_ptr<lpc::bench::Peer>> made;
  if (!peers)
    return made;
#ifdef LPC_BENCH_ONEDNN
  for (bool int8 : {true, false}) {
    std::string error;
    auto peer =
        lpc::bench::makeOneDNNMatmul(int8, m, p.n, p.k, coldBytes, error);
    if (peer)
      made.push_back(std::move(peer));
    else
      outs() << "peer: " << error << "\n";
  }
#else
  outs() << "peers: none (lpc-bench was built without oneDNN)\n";
#endif
  return made;
}

/// One call of `peer` on weight copy `copy`; a failure ends the run.
void runPeer(lpc::bench::Peer &peer, int64_t copy) {
  if (!peer.run(copy))
    fail(peer.name() + " failed");
}

int runGemv() {
  Problem p = makeProblem(1);
  printHeader(p, "gemv");
  auto lib = compileModel(p);
  Runner runner{p, *lib, makeActivations(p), std::vector<float>(p.m * p.n)};

  int64_t copies = std::max<int64_t>(
      1, (coldMiB * (1 << 20) + p.weightBytes() - 1) / p.weightBytes());
  std::vector<Weights> weights;
  weights.reserve(copies);
  for (int64_t c = 0; c < copies; ++c)
    weights.push_back(makeWeights(p, 1000 + c));
  outs() << formatv("cold: {0} distinct weight copies of {1:f2} MiB ({2:f0} "
                    "MiB)\n",
                    copies, p.weightBytes() / 1048576.0,
                    copies * p.weightBytes() / 1048576.0);
  runner.run(weights[0]);
  checkResult(p, runner.x, weights[0], runner.y);

  std::vector<ColdSeries> series;
  series.push_back(
      {"lpc", copies, size_t(p.weightBytes()),
       [&](int64_t c) { runner.run(weights[c]); },
       [&](int64_t c) -> Buffers {
         Weights &w = weights[c];
         return {{w.codes.data(), w.codes.size()},
                 {(const uint8_t *)w.scales.data(),
                  w.scales.size() * sizeof(float)},
                 {(const uint8_t *)w.zeroPoints.data(), w.zeroPoints.size()}};
       }});
  // Peers in the same run, interleaved sample by sample.
  std::vector<std::unique_ptr<lpc::bench::Peer>> peerLibs =
      makePeers(/*m=*/1, p, coldMiB * (1 << 20));
  for (auto &peer : peerLibs) {
    lpc::bench::Peer *raw = peer.get();
    series.push_back({raw->name(), raw->copies(), raw->weightBytes(),
                      [raw](int64_t c) { runPeer(*raw, c); },
                      [raw](int64_t c) -> Buffers {
                        return {{raw->weightData(c), raw->weightBytes()}};
                      }});
  }
  for (int r = 0; r < reps; ++r)
    for (ColdSeries &c : series)
      c.sample(r);
  for (const ColdSeries &c : series)
    c.report();
  Stats s = stats(series.front().pct);
  outs() << formatv("result: gemv {0} g{1} {2}x{3} t{4} "
                    "pct_of_paired_read={5:f2} (min {6:f2}, max {7:f2})\n",
                    format, p.g, p.n, p.k, threads.getValue(), s.median, s.min,
                    s.max);
  return 0;
}

int runGemm() {
  Problem p = makeProblem(batch);
  printHeader(p, "gemm");
  auto lib = compileModel(p);
  Runner runner{p, *lib, makeActivations(p), std::vector<float>(p.m * p.n)};
  Weights w = makeWeights(p, 1000);
  runner.run(w);
  checkResult(p, runner.x, w, runner.y);
  std::string sequence;
  double ops = 2.0 * p.m * p.n * p.k;
  // lpc, then the peers (oneDNN on the same shape, hot prepacked weights),
  // each sample of each against the int8 peak measured just before it.
  struct Timed {
    std::string name;
    std::function<void()> run;
    std::vector<double> pct, rates;
  };
  std::vector<Timed> timed;
  timed.push_back({"lpc", [&] { runner.run(w); }, {}, {}});
  std::vector<std::unique_ptr<lpc::bench::Peer>> peerLibs =
      makePeers(p.m, p, /*coldBytes=*/0);
  for (auto &peer : peerLibs) {
    lpc::bench::Peer *raw = peer.get();
    timed.push_back({raw->name(), [raw] { runPeer(*raw, 0); }, {}, {}});
  }
  for (int r = 0; r < reps; ++r) {
    for (Timed &t : timed) {
      double peak = int8PeakOpsPerSecond(threads, sequence);
      int64_t calls = 0;
      double t0 = nowSeconds(), el;
      do {
        t.run();
        ++calls;
        el = nowSeconds() - t0;
      } while (el * 1e3 < minMs);
      double rate = ops * calls / el;
      t.rates.push_back(rate / 1e9);
      t.pct.push_back(100 * rate / peak);
      outs() << formatv("sample {0}: {1} calls, {2} {3:f2} GOP/s, int8 peak "
                        "({4}) {5:f1} GOP/s, {6:f3} %\n",
                        r, calls, t.name, rate / 1e9, sequence, peak / 1e9,
                        t.pct.back());
    }
  }
  for (Timed &t : timed) {
    Stats ts = stats(t.pct), tg = stats(t.rates);
    outs() << formatv("{0}: {1:f2} GOP/s ({2:f2}..{3:f2}); "
                      "pct_of_int8_peak={4:f3} (min {5:f3}, max {6:f3})\n",
                      t.name, tg.median, tg.min, tg.max, ts.median, ts.min,
                      ts.max);
  }
  Stats s = stats(timed[0].pct);
  outs() << formatv("result: gemm {0} g{1} b{2} {3}x{4} t{5} "
                    "pct_of_int8_peak={6:f3} (min {7:f3}, max {8:f3})\n",
                    format, p.g, p.m, p.n, p.k, threads.getValue(), s.median,
                    s.min, s.max);
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  lpc::registerAllTargetBackends();
  cl::ParseCommandLineOptions(
      argc, argv,
      "lpc-bench: lpc's low-bit matmul code against limits measured in the "
      "same run\n");
  if (gemvCommand)
    return runGemv();
  if (gemmCommand)
    return runGemm();
  errs() << "lpc-bench: error: give a subcommand: gemv or gemm (--help)\n";
  return 1;
}
