//===- Run.cpp - lpc run: compile or load, run, write, compare ------------===//

#include "Inputs.h"

#include "lpc/Driver/Driver.h"

#include "lpc/Runtime/ModelLibrary.h"
#include "lpc/Support/ONNXDTypes.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <cmath>

using namespace lpc::driver;
using namespace lpc::runtime;

namespace {

/// Prints "lpc run: error: <msg>" and returns 1.
int fail(const llvm::Twine &msg) {
  llvm::errs() << "lpc run: error: " << msg << "\n";
  return 1;
}

std::string shapeString(llvm::ArrayRef<int64_t> shape) {
  if (shape.empty())
    return "scalar";
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "x" : "") + std::to_string(shape[i]);
  return s;
}

/// Reads expected outputs output_<i>.pb from `dir`.
llvm::Expected<std::vector<Tensor>> readExpected(const std::string &dir,
                                                 size_t count) {
  std::vector<Tensor> out;
  for (size_t i = 0; i < count; ++i) {
    llvm::SmallString<256> path(dir);
    llvm::sys::path::append(path, "output_" + std::to_string(i) + ".pb");
    auto t = readTensorFile(std::string(path));
    if (!t)
      return t.takeError();
    out.push_back(std::move(*t));
  }
  return out;
}

/// Compares `got` with `ref`; prints a line; true when within tolerance.
bool compareTensor(size_t index, const Tensor &got, const Tensor &ref,
                   double rtol, double atol) {
  llvm::outs() << "output " << index << " '" << got.info.name << "': ";
  if (got.info.dtype != ref.info.dtype || got.info.shape != ref.info.shape) {
    llvm::outs() << "MISMATCH: got " << dtypeString(got.info.dtype) << " "
                 << shapeString(got.info.shape) << ", expected "
                 << dtypeString(ref.info.dtype) << " "
                 << shapeString(ref.info.shape) << "\n";
    return false;
  }
  int64_t n = got.info.numElements(), bad = 0, firstBad = -1;
  double maxAbs = 0, maxRel = 0;
  // Integer and bool outputs are codes, counts or indices: exact.
  bool exact = lpc::dtypes::onnxDTypeIsInteger(ref.info.dtype);
  for (int64_t i = 0; i < n; ++i) {
    double g = elementAsDouble(got, i), r = elementAsDouble(ref, i);
    bool ok;
    if (std::isnan(r) || std::isnan(g)) {
      ok = std::isnan(r) && std::isnan(g);
    } else if (std::isinf(r) || std::isinf(g)) {
      ok = g == r;
    } else {
      double err = std::fabs(g - r);
      maxAbs = std::max(maxAbs, err);
      if (r != 0)
        maxRel = std::max(maxRel, err / std::fabs(r));
      ok = exact ? g == r : err <= atol + rtol * std::fabs(r);
    }
    if (!ok && bad++ == 0)
      firstBad = i;
  }
  llvm::outs() << llvm::format("max_abs_err=%.3g max_rel_err=%.3g", maxAbs,
                               maxRel)
               << " mismatches=" << bad << "/" << n;
  if (bad)
    llvm::outs() << llvm::format(
        " (first at %lld: got %.9g, expected %.9g)", (long long)firstBad,
        elementAsDouble(got, firstBad), elementAsDouble(ref, firstBad));
  llvm::outs() << "\n";
  return bad == 0;
}

} // namespace

int lpc::driver::run(llvm::StringRef modelPath, const RunOptions &options) {
  const CompileOptions &copts = options.compile;
  // Inputs first: their shapes resolve dynamic model dimensions.
  std::vector<Tensor> inputs;
  std::vector<std::string> explicitNames;
  for (const std::string &spec : options.inputs) {
    llvm::StringRef s(spec), name, file = spec;
    if (s.contains('=')) {
      std::tie(name, file) = s.split('=');
    }
    auto t = readTensorFile(file.str());
    if (!t)
      return fail(llvm::toString(t.takeError()));
    explicitNames.push_back(name.str());
    inputs.push_back(std::move(*t));
  }

  std::string libPath = modelPath.str();
  llvm::SmallString<128> tmpDir;
  llvm::FileRemover libRemover;
  if (!modelPath.ends_with(".so")) {
    CompileOptions c = copts;
    llvm::Expected<const lpc::TargetBackend *> backend =
        lpc::lookupTargetBackend(c.target);
    if (!backend)
      return fail(llvm::toString(backend.takeError()));
    std::optional<Phase> runPhase = (*backend)->getRunPhase();
    if (!runPhase)
      return fail("lpc run cannot run code of target '" + c.target +
                  "' on this machine");
    c.emit = *runPhase;
    // The given inputs fix dynamic dimensions, and small ones give the
    // values of inputs that ops need at compile time (shapes, axes, scales).
    if (modelPath.ends_with(".onnx")) {
      auto names = frontend::readGraphInputNames(modelPath);
      if (!names)
        return fail(llvm::toString(names.takeError()));
      auto bound = bindInputs(*names, inputs, explicitNames);
      if (!bound)
        return fail(llvm::toString(bound.takeError()));
      for (size_t j = 0; j < names->size(); ++j) {
        if ((*bound)[j] < 0)
          continue;
        const Tensor &t = inputs[(*bound)[j]];
        const std::string &name = (*names)[j];
        if (!c.import.inputShapes.count(name))
          c.import.inputShapes[name] = t.info.shape;
        if (t.info.numElements() <= 4096)
          c.import.inputValues[name] = serializeTensorProto(t);
      }
    }
    if (std::error_code ec =
            llvm::sys::fs::createTemporaryFile("lpc-run", "so", tmpDir))
      return fail("cannot create a temporary file: " + ec.message());
    libPath = std::string(tmpDir);
    libRemover.setFile(libPath);
    if (failed(compile(modelPath, libPath, c)))
      return 1;
  }
  auto lib = ModelLibrary::load(libPath);
  if (!lib)
    return fail(llvm::toString(lib.takeError()));
  const auto &ins = (*lib)->inputs();
  const auto &outs = (*lib)->outputs();

  std::vector<std::string> inNames;
  for (const TensorInfo &info : ins)
    inNames.push_back(info.name);
  auto boundIdx = bindInputs(inNames, inputs, explicitNames);
  if (!boundIdx)
    return fail(llvm::toString(boundIdx.takeError()));
  std::vector<const Tensor *> bound;
  for (int b : *boundIdx)
    bound.push_back(b < 0 ? nullptr : &inputs[b]);
  std::vector<void *> inPtrs;
  for (size_t j = 0; j < ins.size(); ++j) {
    if (!bound[j])
      return fail("missing input " + llvm::Twine(j) + " '" + ins[j].name + "'");
    const Tensor &t = *bound[j];
    if (t.info.dtype != ins[j].dtype)
      return fail("input '" + ins[j].name + "' has dtype " +
                  dtypeString(t.info.dtype) + " but the model expects " +
                  dtypeString(ins[j].dtype));
    if (t.info.shape != ins[j].shape)
      return fail("input '" + ins[j].name + "' has shape " +
                  shapeString(t.info.shape) + " but the model expects " +
                  shapeString(ins[j].shape));
    inPtrs.push_back(const_cast<uint8_t *>(t.data.data()));
  }
  std::vector<Tensor> results(outs.size());
  std::vector<void *> outPtrs;
  for (size_t j = 0; j < outs.size(); ++j) {
    if (!dtypeBits(outs[j].dtype))
      return fail("output '" + outs[j].name + "' has unsupported dtype " +
                  dtypeString(outs[j].dtype));
    results[j].info = outs[j];
    // At least one byte so that empty outputs still get a valid pointer.
    results[j].data.resize(std::max<size_t>(outs[j].byteSize(), 1));
    outPtrs.push_back(results[j].data.data());
  }
  if (options.threads > 0 && !(*lib)->setThreads(options.threads))
    llvm::errs() << "lpc run: warning: the library is not multithreaded; "
                    "--threads has no effect\n";

  {
    PhaseTimer t(copts.backend.log, "run");
    if (!(*lib)->run(inPtrs.data(), outPtrs.data()))
      return fail("lpc_run returned an error");
  }
  for (size_t j = 0; j < outs.size(); ++j)
    results[j].data.resize(outs[j].byteSize());
  if (options.repeat > 0) {
    std::vector<double> times;
    for (int i = 0; i < options.repeat; ++i) {
      double start = nowMs();
      (*lib)->run(inPtrs.data(), outPtrs.data());
      times.push_back(nowMs() - start);
    }
    std::sort(times.begin(), times.end());
    size_t n = times.size();
    double median =
        n % 2 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
    llvm::outs() << llvm::format("median_ms=%.4f", median) << " runs=" << n
                 << "\n";
  }

  if (!options.outputDir.empty()) {
    if (std::error_code ec =
            llvm::sys::fs::create_directories(options.outputDir))
      return fail("cannot create " + options.outputDir + ": " + ec.message());
    for (size_t j = 0; j < results.size(); ++j) {
      llvm::SmallString<256> path(options.outputDir);
      llvm::sys::path::append(path, "output_" + std::to_string(j) + ".pb");
      if (llvm::Error e = writeTensorProto(results[j], std::string(path)))
        return fail(llvm::toString(std::move(e)));
    }
  }
  if (!options.compareDir.empty()) {
    auto expected = readExpected(options.compareDir, results.size());
    if (!expected)
      return fail(llvm::toString(expected.takeError()));
    bool ok = true;
    for (size_t j = 0; j < results.size(); ++j)
      ok &= compareTensor(j, results[j], (*expected)[j], options.rtol,
                          options.atol);
    llvm::outs() << (ok ? "compare: PASS" : "compare: FAIL") << " (rtol "
                 << options.rtol << ", atol " << options.atol << ")\n";
    if (!ok)
      return 2;
  }
  if (options.outputDir.empty() && options.compareDir.empty() &&
      options.repeat == 0) {
    // Print small outputs so a plain `lpc run` shows something.
    for (size_t j = 0; j < results.size(); ++j) {
      const Tensor &t = results[j];
      llvm::outs() << "output " << j << " '" << t.info.name << "' "
                   << dtypeString(t.info.dtype) << " "
                   << shapeString(t.info.shape) << ":";
      int64_t n = std::min<int64_t>(t.info.numElements(), 16);
      for (int64_t i = 0; i < n; ++i)
        llvm::outs() << " " << llvm::format("%.6g", elementAsDouble(t, i));
      if (t.info.numElements() > n)
        llvm::outs() << " ...";
      llvm::outs() << "\n";
    }
  }
  return 0;
}
