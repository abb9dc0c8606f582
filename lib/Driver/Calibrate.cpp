//===- Calibrate.cpp - lpc calibrate: activation statistics ---------------===//
//
// The float model compiled by lpc's own CPU pipeline with the activations of
// its weight layers as extra outputs (lq-calibration-outputs), run on every
// input set of a folder; the statistics go to one file
// (lpc/Dialect/LQ/Utils/Calibration.h).
//
//===----------------------------------------------------------------------===//

#include "Inputs.h"

#include "lpc/Dialect/LQ/Transforms/Passes.h"
#include "lpc/Dialect/LQ/Utils/Calibration.h"
#include "lpc/Driver/Driver.h"
#include "lpc/Runtime/ModelLibrary.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Path.h"

#include <algorithm>

using namespace lpc::driver;
using namespace lpc::runtime;

namespace {

int fail(const llvm::Twine &msg) {
  llvm::errs() << "lpc calibrate: error: " << msg << "\n";
  return 1;
}

/// The input files of one set: input_<i>.pb by i, or .npy files by name.
std::vector<std::string> setFiles(llvm::StringRef dir) {
  std::vector<std::pair<int64_t, std::string>> pb;
  std::vector<std::string> npy;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec)) {
    llvm::StringRef name = llvm::sys::path::filename(it->path());
    int64_t i;
    if (name.starts_with("input_") && name.ends_with(".pb") &&
        !name.drop_front(6).drop_back(3).getAsInteger(10, i))
      pb.push_back({i, it->path()});
    else if (name.ends_with(".npy"))
      npy.push_back(it->path());
  }
  std::sort(pb.begin(), pb.end());
  std::sort(npy.begin(), npy.end());
  std::vector<std::string> out;
  for (auto &[i, p] : pb)
    out.push_back(p);
  out.insert(out.end(), npy.begin(), npy.end());
  return out;
}

/// The input sets under `dir`: its subfolders that hold inputs, in name
/// order, or `dir` itself when it holds inputs.
std::vector<std::string> inputSets(llvm::StringRef dir) {
  std::vector<std::string> sets;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec))
    if (llvm::sys::fs::is_directory(it->path()) &&
        !setFiles(it->path()).empty())
      sets.push_back(it->path());
  std::sort(sets.begin(), sets.end());
  if (sets.empty() && !setFiles(dir).empty())
    sets.push_back(dir.str());
  return sets;
}

/// An extra output of the instrumented model: the layers that read it.
struct Observation {
  std::vector<std::string> layers;
  std::string op;
  int64_t channelAxis;
  std::vector<lpc::lq::PatchGeometry> patches;
};

/// The PatchGeometry of lq-calibration-outputs' attribute.
lpc::lq::PatchGeometry patchGeometry(mlir::DictionaryAttr d) {
  auto ints = [&](llvm::StringRef key) {
    llvm::ArrayRef<int64_t> v =
        mlir::cast<mlir::DenseI64ArrayAttr>(d.get(key)).asArrayRef();
    return std::vector<int64_t>(v.begin(), v.end());
  };
  lpc::lq::PatchGeometry g;
  g.layer = d.getAs<mlir::StringAttr>("layer").str();
  g.loopSizes = ints("loop_sizes");
  g.coeffs = ints("coeffs");
  g.offsets = ints("offsets");
  g.imageLoops = ints("image_loops");
  g.reductionLoops = ints("reduction_loops");
  g.depthLoop = d.getAs<mlir::IntegerAttr>("depth_loop").getInt();
  return g;
}

} // namespace

int lpc::driver::calibrate(llvm::StringRef modelPath,
                           const CalibrateOptions &options) {
  if (!llvm::sys::fs::is_directory(options.dataDir))
    return fail("--data " + options.dataDir + " is not a folder");
  std::vector<std::string> sets = inputSets(options.dataDir);
  if (sets.empty())
    return fail(options.dataDir +
                ": no input sets (one subfolder per set holding input_<i>.pb "
                "or .npy files, as ONNX test data is laid out)");

  auto readSet =
      [&](const std::string &dir) -> llvm::Expected<std::vector<Tensor>> {
    std::vector<Tensor> tensors;
    for (const std::string &f : setFiles(dir)) {
      auto t = readTensorFile(f);
      if (!t)
        return t.takeError();
      tensors.push_back(std::move(*t));
    }
    return tensors;
  };
  llvm::Expected<std::vector<Tensor>> first = readSet(sets[0]);
  if (!first)
    return fail(llvm::toString(first.takeError()));

  CompileOptions c = options.compile;
  c.emit = Phase::Library;
  // The first set's shapes fix dynamic dimensions (every set must agree).
  std::vector<std::string> noNames(first->size());
  if (modelPath.ends_with(".onnx")) {
    auto names = frontend::readGraphInputNames(modelPath);
    if (!names)
      return fail(llvm::toString(names.takeError()));
    auto bound = bindInputs(*names, *first, noNames);
    if (!bound)
      return fail(sets[0] + ": " + llvm::toString(bound.takeError()));
    for (size_t j = 0; j < names->size(); ++j)
      if ((*bound)[j] >= 0 && !c.import.inputShapes.count((*names)[j]))
        c.import.inputShapes[(*names)[j]] = (*first)[(*bound)[j]].info.shape;
  }
  std::vector<Observation> observed;
  std::string entry = c.import.entryName;
  c.afterLoad = [&](mlir::ModuleOp module) -> mlir::LogicalResult {
    mlir::PassManager pm(module.getContext());
    pm.addPass(mlir::createCanonicalizerPass());
    lpc::lq::LQCalibrationOutputsOptions o;
    o.entry = entry;
    pm.addPass(lpc::lq::createLQCalibrationOutputs(o));
    if (failed(pm.run(module)))
      return mlir::failure();
    auto func = module.lookupSymbol<mlir::func::FuncOp>(entry);
    for (unsigned i = 0; i < func.getNumResults(); ++i) {
      auto info =
          func.getResultAttrOfType<mlir::DictionaryAttr>(i, "lpc.calibration");
      if (!info)
        continue;
      Observation ob;
      for (mlir::Attribute l : info.getAs<mlir::ArrayAttr>("layers"))
        ob.layers.push_back(mlir::cast<mlir::StringAttr>(l).str());
      ob.op = info.getAs<mlir::StringAttr>("op").str();
      ob.channelAxis = info.getAs<mlir::IntegerAttr>("channel_axis").getInt();
      for (mlir::Attribute p : info.getAs<mlir::ArrayAttr>("patches"))
        ob.patches.push_back(
            patchGeometry(mlir::cast<mlir::DictionaryAttr>(p)));
      observed.push_back(std::move(ob));
    }
    return mlir::success();
  };

  llvm::SmallString<128> libPath;
  if (std::error_code ec =
          llvm::sys::fs::createTemporaryFile("lpc-calibrate", "so", libPath))
    return fail("cannot create a temporary file: " + ec.message());
  llvm::FileRemover libRemover(libPath);
  if (failed(compile(modelPath, libPath, c)))
    return 1;
  if (observed.empty())
    return fail(modelPath + " has no MatMul, Gemm or Conv with constant float "
                            "weights: nothing to calibrate");
  auto lib = ModelLibrary::load(std::string(libPath));
  if (!lib)
    return fail(llvm::toString(lib.takeError()));
  if (options.threads > 0)
    (void)(*lib)->setThreads(options.threads);
  const auto &ins = (*lib)->inputs();
  const auto &outs = (*lib)->outputs();
  size_t firstObserved = outs.size() - observed.size();

  lpc::lq::CalibrationStats stats;
  stats.model = modelPath.str();
  stats.sets = sets.size();
  for (size_t k = 0; k < observed.size(); ++k) {
    lpc::lq::ActivationStats s;
    s.layers = observed[k].layers;
    s.op = observed[k].op;
    const TensorInfo &info = outs[firstObserved + k];
    s.init(info.shape, observed[k].channelAxis, s.op == "matmul");
    for (lpc::lq::PatchGeometry &g : observed[k].patches)
      s.addPatchGram(std::move(g));
    for (const std::string &l : s.layers)
      stats.byLayer[l] = k;
    stats.activations.push_back(std::move(s));
  }
  std::vector<std::string> inNames;
  for (const TensorInfo &info : ins)
    inNames.push_back(info.name);
  bool progress = c.backend.log.progress;
  for (size_t si = 0; si < sets.size(); ++si) {
    llvm::Expected<std::vector<Tensor>> tensors =
        si == 0 ? std::move(first) : readSet(sets[si]);
    if (!tensors)
      return fail(llvm::toString(tensors.takeError()));
    std::vector<std::string> explicitNames(tensors->size());
    auto bound = bindInputs(inNames, *tensors, explicitNames);
    if (!bound)
      return fail(sets[si] + ": " + llvm::toString(bound.takeError()));
    std::vector<void *> inPtrs;
    for (size_t j = 0; j < ins.size(); ++j) {
      int b = (*bound)[j];
      if (b < 0)
        return fail(sets[si] + ": missing input " + llvm::Twine(j) + " '" +
                    ins[j].name + "'");
      const Tensor &t = (*tensors)[b];
      if (t.info.dtype != ins[j].dtype || t.info.shape != ins[j].shape)
        return fail(sets[si] + ": input '" + ins[j].name +
                    "' has another dtype or shape than in the first set (" +
                    sets[0] + ")");
      inPtrs.push_back(const_cast<uint8_t *>(t.data.data()));
    }
    std::vector<std::vector<uint8_t>> results(outs.size());
    std::vector<void *> outPtrs;
    for (size_t j = 0; j < outs.size(); ++j) {
      results[j].resize(std::max<size_t>(outs[j].byteSize(), 1));
      outPtrs.push_back(results[j].data());
    }
    if (!(*lib)->run(inPtrs.data(), outPtrs.data()))
      return fail(sets[si] + ": lpc_run returned an error");
    for (size_t k = 0; k < observed.size(); ++k) {
      const std::vector<uint8_t> &r = results[firstObserved + k];
      stats.activations[k].add(
          llvm::ArrayRef<float>(reinterpret_cast<const float *>(r.data()),
                                outs[firstObserved + k].numElements()));
    }
    if (progress)
      llvm::errs() << "lpc calibrate: set " << si + 1 << "/" << sets.size()
                   << " (" << observed.size() << " activations, "
                   << stats.byLayer.size() << " layers)\n";
  }
  if (llvm::Error e = lpc::lq::writeCalibrationStats(stats, options.output))
    return fail(llvm::toString(std::move(e)));
  llvm::errs() << "lpc calibrate: " << sets.size() << " input sets, "
               << stats.byLayer.size() << " layers (" << observed.size()
               << " activations) -> " << options.output << "\n";
  return 0;
}
