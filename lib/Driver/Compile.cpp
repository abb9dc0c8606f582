//===- Compile.cpp - lpc compile: input -> the phase asked for ------------===//
//
// The control flow is the same for every target: load the input and find
// its phase, attach the target description, run the backend's pipeline up
// to the last MLIR phase asked for, then print MLIR or let the backend
// write its artefact. Targets come from the registry
// (lpc/Pipelines/TargetRegistry.h).
//
//===----------------------------------------------------------------------===//

#include "lpc/Driver/Driver.h"

#include "lpc/InitAll.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
using namespace lpc::driver;

/// The dialects lpc's pipelines use (lpc/InitAll.h); input in any other
/// dialect is rejected by the parser with its location.
static void appendCompilerDialects(MLIRContext &context) {
  DialectRegistry registry;
  lpc::registerCompilerDialects(registry);
  lpc::frontend::registerImporterDialects(registry);
  context.appendDialectRegistry(registry);
}

LogicalResult lpc::driver::loadInput(llvm::StringRef path, MLIRContext &context,
                                     const CompileOptions &options,
                                     OwningOpRef<ModuleOp> &module,
                                     Phase &phase) {
  appendCompilerDialects(context);
  if (path.ends_with(".mlir")) {
    PhaseTimer t(options.backend.log, "parse");
    llvm::SourceMgr sourceMgr;
    std::string error;
    auto file = openInputFile(path, &error);
    if (!file) {
      emitError(FileLineColLoc::get(&context, path, 0, 0))
          << "cannot read input: " << error;
      return failure();
    }
    sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
    module = parseSourceFile<ModuleOp>(sourceMgr, &context);
    if (!module)
      return failure();
    // Input without functions (the LLVM dialect) resumes after the last
    // MLIR phase.
    bool hasFunc = false;
    module->walk([&](Operation *op) {
      if (isa<func::FuncOp>(op))
        hasFunc = true;
    });
    phase = hasFunc ? Phase::Imported : Phase::Lowered;
    return success();
  }
  PhaseTimer t(options.backend.log, "import");
  module = frontend::importONNXFile(path, context, options.import);
  phase = Phase::Imported;
  return success(static_cast<bool>(module));
}

/// Prints `module` to `path` (or stdout for "-").
static LogicalResult writeMLIR(ModuleOp module, llvm::StringRef path,
                               const CompileOptions &options) {
  std::string error;
  auto out = openOutputFile(path, &error);
  if (!out) {
    emitError(UnknownLoc::get(module.getContext()))
        << "cannot write output: " << error;
    return failure();
  }
  module->print(out->os(),
                OpPrintingFlags().enableDebugInfo(options.printLocations));
  out->keep();
  return success();
}

LogicalResult lpc::driver::compile(llvm::StringRef inputPath,
                                   llvm::StringRef outputPath,
                                   const CompileOptions &options) {
  // Statistics given as a folder of input sets: calibrate the float model
  // first, into a temporary file the recipes read.
  const std::string &stats = options.backend.lqStage.calibrationStats;
  if (!stats.empty() && llvm::sys::fs::is_directory(stats)) {
    llvm::SmallString<128> statsPath;
    if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
            "lpc-calibration", "json", statsPath)) {
      llvm::errs() << "lpc: error: cannot create a temporary file: "
                   << ec.message() << "\n";
      return failure();
    }
    llvm::FileRemover statsRemover(statsPath);
    CalibrateOptions c;
    c.compile = options;
    c.compile.backend.lqStage = {};
    c.dataDir = stats;
    c.output = std::string(statsPath);
    if (calibrate(inputPath, c))
      return failure();
    CompileOptions withStats = options;
    withStats.backend.lqStage.calibrationStats = std::string(statsPath);
    return compile(inputPath, outputPath, withStats);
  }

  MLIRContext context(MLIRContext::Threading::DISABLED);
  context.printOpOnDiagnostic(false);
  if (options.diagnostics)
    context.getDiagEngine().registerHandler([&](Diagnostic &d) {
      options.diagnostics(d);
      return success();
    });
  Location unknown = UnknownLoc::get(&context);
  llvm::Expected<const lpc::TargetBackend *> found =
      lpc::lookupTargetBackend(options.target);
  if (!found)
    return emitError(unknown) << llvm::toString(found.takeError());
  const lpc::TargetBackend *backend = *found;
  lpc::TargetOptions backendOptions = options.backend;
  backendOptions.entry = options.import.entryName;

  OwningOpRef<ModuleOp> module;
  Phase from;
  if (failed(loadInput(inputPath, context, options, module, from)))
    return failure();
  if (options.afterLoad && failed(options.afterLoad(*module)))
    return failure();
  Phase to = options.emit;
  if (lpc::isBinaryPhase(to) && outputPath == "-")
    return emitError(unknown) << "binary output needs -o FILE (not stdout)";
  if (to < from)
    return emitError(unknown) << "--emit=" << backend->getPhaseName(to)
                              << " is before the phase of the input ("
                              << backend->getPhaseName(from) << ")";
  // The target description passes read (docs/Target.md), unless the input
  // (a resumed .mlir) brings one.
  bool describesMachine =
      (!backendOptions.cpu.empty() && backendOptions.cpu != "native") ||
      !backendOptions.cpuFeatures.empty();
  if (lq::TargetAttr::lookup(*module) && describesMachine)
    emitWarning(unknown) << "--cpu and --cpu-features do not apply: the input "
                            "carries its own lq.target, which is kept";
  if (lpc::isMLIRPhase(from) && from < Phase::Lowered &&
      !lq::TargetAttr::lookup(*module)) {
    FailureOr<lq::TargetAttr> description =
        backend->getTargetDescription(unknown, backendOptions);
    if (failed(description))
      return failure();
    (*module)->setAttr(lq::TargetAttr::kAttrName, *description);
  }

  Phase lastMLIR = std::min(to, Phase::Lowered);
  if (from < lastMLIR) {
    PhaseTimer t(options.backend.log,
                 lastMLIR == Phase::LQ ? "lq-stage" : "lower");
    PassManager pm(&context);
    // --mlir-print-ir-*, --mlir-pass-pipeline-crash-reproducer, ... and
    // --mlir-timing, when the tool registered them.
    DefaultTimingManager timingManager;
    if (options.applyMLIRCommandLine) {
      // Fails only when the tool did not register them: a caller's bug.
      if (failed(applyPassManagerCLOptions(pm)))
        llvm::report_fatal_error("lpc::driver::compile: applyMLIRCommandLine "
                                 "without registerPassManagerCLOptions");
      applyDefaultTimingManagerCLOptions(timingManager);
    }
    TimingScope timing = timingManager.getRootScope();
    pm.enableTiming(timing);
    backend->buildPipeline(pm, from, lastMLIR, backendOptions);
    if (failed(pm.run(*module)))
      return failure();
  }
  if (lpc::isMLIRPhase(to))
    return writeMLIR(*module, outputPath, options);
  return backend->writeArtefact(*module, to, outputPath, backendOptions);
}
