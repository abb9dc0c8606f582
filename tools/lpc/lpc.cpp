//===- lpc.cpp - The lpc compiler driver ----------------------------------===//
//
//   lpc compile MODEL.onnx|IN.mlir --target=NAME [--emit=PHASE] -o OUT
//   lpc run MODEL.onnx|IN.mlir|LIB.so [INPUT.pb|INPUT.npy|NAME=FILE]...
//       [--output-dir DIR] [--compare-dir DIR --rtol R --atol A]
//       [--repeat N] [--threads N] [--timing]
//
// A thin command line over lib/Driver; see docs/Driver.md.
//
//===----------------------------------------------------------------------===//

#include "lpc/Dialect/LQ/Utils/Recipes.h"
#include "lpc/Driver/Driver.h"
#include "lpc/InitAll.h"
#include "lpc/Runtime/ModelLibrary.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;
using namespace lpc::driver;

static cl::SubCommand compileCmd("compile", "Compile a model");
static cl::SubCommand runCmd("run", "Compile (or load) and run a model");
static cl::SubCommand
    calibrateCmd("calibrate",
                 "Run the float model on sample inputs and write activation "
                 "statistics for --quantize");

static cl::OptionCategory category("lpc options");

// Shared by compile and run.
static cl::opt<std::string>
    target("target", cl::desc("Target backend (see the list above)"),
           cl::init("cpu"), cl::sub(compileCmd), cl::sub(runCmd),
           cl::cat(category));
static cl::opt<std::string>
    triple("mtriple", cl::desc("LLVM target triple (default: the host's)"),
           cl::sub(compileCmd), cl::cat(category));
static cl::opt<std::string>
    cpu("cpu",
        cl::desc("Compile for this CPU: native (the host, default) or LLVM's "
                 "name, e.g. znver3, znver5, x86-64-v3, x86-64-v4; its "
                 "features become the module's lq.target"),
        cl::init("native"), cl::sub(compileCmd), cl::cat(category));
static cl::opt<std::string> cpuFeatures(
    "cpu-features",
    cl::desc("Turn ISA features of the CPU's description on or off: "
             "+NAME,-NAME,... (avx2, fma, avx512f, avx512bw, avx512vl, "
             "avx512dq, avx512vnni, avx512bf16, avxvnni)"),
    cl::sub(compileCmd), cl::cat(category));
static cl::list<std::string>
    inputShapes("input-shape",
                cl::desc("Shape of a graph input: NAME=d0,d1,... (repeatable)"),
                cl::sub(compileCmd), cl::sub(runCmd), cl::sub(calibrateCmd),
                cl::cat(category));
static cl::list<std::string> inputValues(
    "input-value",
    cl::desc("The value of a graph input that the compiled code may assume: "
             "NAME=FILE (.pb or .npy; repeatable). Ops that need it at "
             "compile time (an If's condition, a Reshape's shape, ...) "
             "read it, so the library is only valid for that value; lpc run "
             "does this itself for the small inputs it is given"),
    cl::value_desc("NAME=FILE"), cl::sub(compileCmd), cl::cat(category));
static cl::opt<std::string> activations(
    "activations",
    cl::desc("Activations of weight-only matmuls with integer weights: f32 "
             "(default: exact weight-only semantics) or int8 (quantized at "
             "run time per weight K-block, integer accumulation; "
             "lq-quantize-activations)"),
    cl::init("f32"), cl::sub(compileCmd), cl::sub(runCmd), cl::cat(category));
static cl::opt<std::string> quantize(
    "quantize",
    cl::desc("Quantize the float weights of MatMul, Gemm and Conv (and, "
             "where the recipe says, activations) with RECIPE: w8a8, "
             "w8a8-static, w4a8, "
             "w4a4, w4g128, w3g64, w2g64, ternary, nf4, mxfp4, nvfp4, fp8 "
             "(lq-quantize; docs/Quantization.md)"),
    cl::value_desc("RECIPE"), cl::sub(compileCmd), cl::sub(runCmd),
    cl::cat(category));
static cl::opt<std::string> quantizeConfig(
    "quantize-config",
    cl::desc("Per-layer recipes: a JSON file with a default recipe and "
             "overrides by glob on ONNX node names, \"float\" keeping a "
             "layer in float (docs/Quantization.md)"),
    cl::value_desc("FILE"), cl::sub(compileCmd), cl::sub(runCmd),
    cl::cat(category));
static cl::opt<std::string> calibration(
    "calibration",
    cl::desc("Calibration for --quantize: a folder of input sets (lpc "
             "calibrate runs first) or a statistics file it wrote"),
    cl::value_desc("DIR|FILE.json"), cl::sub(compileCmd), cl::sub(runCmd),
    cl::cat(category));
static cl::opt<bool>
    gptq("gptq",
         cl::desc("Choose matmul weight codes by GPTQ (error-compensating "
                  "rounding from the calibration Gram matrices; needs "
                  "--calibration)"),
         cl::sub(compileCmd), cl::sub(runCmd), cl::cat(category));
static cl::opt<bool> gptqActOrder(
    "gptq-act-order",
    cl::desc("GPTQ: quantize columns by decreasing Hessian diagonal"),
    cl::sub(compileCmd), cl::sub(runCmd), cl::cat(category));
static cl::opt<std::string> report(
    "report",
    cl::desc("Print a per-layer table of weight formats, layouts, bits per "
             "weight and bytes after the graph-level stage (stderr); "
             "--report=FILE.json also writes it as JSON (lq-report)"),
    cl::value_desc("FILE.json"), cl::ValueOptional, cl::sub(compileCmd),
    cl::sub(runCmd), cl::cat(category));
static cl::opt<bool> timing("timing", cl::desc("Print phase times"),
                            cl::sub(compileCmd), cl::sub(runCmd),
                            cl::sub(calibrateCmd), cl::cat(category));
static cl::opt<bool>
    serial("no-parallel", cl::desc("Generate single-threaded code (no OpenMP)"),
           cl::sub(compileCmd), cl::sub(runCmd), cl::sub(calibrateCmd),
           cl::cat(category));
static cl::opt<std::string>
    entryName("entry", cl::desc("Name of the model function in .mlir input"),
              cl::init("main_graph"), cl::sub(compileCmd), cl::sub(runCmd),
              cl::sub(calibrateCmd), cl::cat(category));

// compile
static cl::opt<std::string> compileInput(cl::Positional, cl::Required,
                                         cl::desc("MODEL"),
                                         cl::sub(compileCmd));
static cl::opt<std::string> output("o", cl::desc("Output file"), cl::Required,
                                   cl::sub(compileCmd), cl::cat(category));
static cl::opt<std::string>
    emit("emit",
         cl::desc("Stop at this phase of the target (see the list above; "
                  "default: the last)"),
         cl::sub(compileCmd), cl::cat(category));

static cl::opt<bool> printLocations(
    "print-locations",
    cl::desc("Print locations (ONNX node names) in emitted MLIR"),
    cl::sub(compileCmd), cl::cat(category));

// calibrate
static cl::opt<std::string> calibrateModel(cl::Positional, cl::Required,
                                           cl::desc("MODEL"),
                                           cl::sub(calibrateCmd));
static cl::opt<std::string> calibrateData(
    "data",
    cl::desc("Input sets: one subfolder per set holding input_<i>.pb (or "
             ".npy) files"),
    cl::value_desc("DIR"), cl::Required, cl::sub(calibrateCmd),
    cl::cat(category));
static cl::opt<std::string>
    calibrateOutput("o", cl::desc("The statistics file to write (JSON)"),
                    cl::Required, cl::sub(calibrateCmd), cl::cat(category));

// run
static cl::opt<std::string> runModel(cl::Positional, cl::Required,
                                     cl::desc("MODEL"), cl::sub(runCmd));
static cl::list<std::string>
    runInputs(cl::Positional, cl::desc("[INPUT.pb|INPUT.npy|NAME=FILE]..."),
              cl::sub(runCmd));
static cl::opt<std::string> outputDir("output-dir",
                                      cl::desc("Write output_<i>.pb here"),
                                      cl::sub(runCmd), cl::cat(category));
static cl::opt<std::string> compareDir(
    "compare-dir",
    cl::desc("Compare with output_<i>.pb in DIR; exit 2 on mismatch"),
    cl::sub(runCmd), cl::cat(category));
static cl::opt<double> rtolOpt("rtol", cl::desc("Relative tolerance"),
                               cl::init(1e-4), cl::sub(runCmd),
                               cl::cat(category));
static cl::opt<double> atolOpt("atol", cl::desc("Absolute tolerance"),
                               cl::init(1e-5), cl::sub(runCmd),
                               cl::cat(category));
static cl::opt<int>
    repeat("repeat", cl::desc("Time N runs after a warm-up; print median_ms"),
           cl::init(0), cl::sub(runCmd), cl::cat(category));
static cl::opt<int> threads("threads",
                            cl::desc("OpenMP threads (default: all)"),
                            cl::init(0), cl::sub(runCmd), cl::sub(calibrateCmd),
                            cl::cat(category));

static cl::OptionCategory mlirCategory("MLIR options (of the pass pipeline)");

/// Registers MLIR's pass-manager, timing and printing options and makes
/// them options of both commands (they are registered top-level).
static void registerMLIROptions() {
  // Pass names for --mlir-print-ir-before/after=PASS.
  mlir::registerAllPasses();
  lpc::registerAllPasses();
  mlir::registerPassManagerCLOptions();
  mlir::registerDefaultTimingManagerCLOptions();
  mlir::registerAsmPrinterCLOptions();
  SmallVector<cl::Option *> mlirOptions;
  for (auto &entry : cl::getRegisteredOptions(cl::SubCommand::getTopLevel()))
    if (entry.first.starts_with("mlir-"))
      mlirOptions.push_back(entry.second);
  for (cl::Option *o : mlirOptions) {
    o->removeArgument();
    o->addSubCommand(compileCmd);
    o->addSubCommand(runCmd);
    o->addCategory(mlirCategory);
    o->addArgument();
  }
}

/// "model.onnx: node 'conv1' (#3)" for importer locations, "file:line:col"
/// for MLIR input.
static void printLocation(raw_ostream &os, mlir::Location loc) {
  if (auto fused = dyn_cast<mlir::FusedLoc>(loc)) {
    std::string name;
    mlir::FileLineColLoc file;
    for (mlir::Location l : fused.getLocations()) {
      if (auto n = dyn_cast<mlir::NameLoc>(l))
        name = n.getName().str();
      if (auto f = dyn_cast<mlir::FileLineColLoc>(l))
        file = f;
    }
    if (file && !name.empty()) {
      os << file.getFilename().getValue() << ": node '" << name << "' (#"
         << file.getLine() << ")";
      return;
    }
    if (!fused.getLocations().empty())
      printLocation(os, fused.getLocations().front());
    return;
  }
  if (auto n = dyn_cast<mlir::NameLoc>(loc)) {
    printLocation(os, n.getChildLoc());
    os << ": '" << n.getName().getValue() << "'";
    return;
  }
  if (auto f = dyn_cast<mlir::FileLineColLoc>(loc)) {
    os << f.getFilename().getValue();
    if (f.getLine())
      os << ":" << f.getLine() << ":" << f.getColumn();
    return;
  }
  if (auto c = dyn_cast<mlir::CallSiteLoc>(loc)) {
    printLocation(os, c.getCallee());
    return;
  }
  os << "lpc";
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  registerMLIROptions();
  cl::HideUnrelatedOptions({&category, &mlirCategory});
  lpc::registerAllTargetBackends();
  std::string overview = "lpc: compile and run ONNX models\n\n"
                         "  lpc compile MODEL --target=NAME -o OUT\n"
                         "  lpc run MODEL [INPUT]... [--compare-dir DIR]\n\n"
                         "Targets (--target) and their phases (--emit):\n";
  for (const lpc::TargetBackend *b : lpc::getTargetBackends())
    overview += "  " + b->getName().str() + ": " + b->getDescription().str() +
                "\n    --emit: " + b->getPhaseList() + "\n";
  cl::ParseCommandLineOptions(argc, argv, overview);

  CompileOptions copts;
  copts.applyMLIRCommandLine = true;
  copts.target = target;
  copts.backend.triple = triple;
  copts.backend.cpu = cpu;
  copts.backend.cpuFeatures = cpuFeatures;
  copts.printLocations = printLocations;
  if (activations == "int8") {
    copts.backend.lqStage.activationBits = 8;
  } else if (activations != "f32") {
    WithColor::error(errs(), "lpc")
        << "--activations expects f32 or int8, got '" << activations << "'\n";
    return 1;
  }
  if (!quantize.empty() && !lpc::lq::lookupRecipe(quantize)) {
    WithColor::error(errs(), "lpc")
        << "--quantize: unknown recipe '" << quantize
        << "' (lpc has: " << lpc::lq::getRecipeNames() << ")\n";
    return 1;
  }
  copts.backend.lqStage.quantizeRecipe = quantize;
  copts.backend.lqStage.quantizeConfig = quantizeConfig;
  copts.backend.lqStage.gptq = gptq || gptqActOrder;
  copts.backend.lqStage.gptqActOrder = gptqActOrder;
  copts.backend.lqStage.report = report.getNumOccurrences() > 0;
  copts.backend.lqStage.reportJSON = report;
  copts.backend.log.timing = timing;
  copts.backend.parallel = !serial;
  copts.backend.log.progress = sys::Process::StandardErrIsDisplayed();
  copts.backend.lqStage.progress = copts.backend.log.progress;
  copts.import.entryName = entryName;
  for (const std::string &spec : inputShapes) {
    auto [name, dims] = StringRef(spec).split('=');
    SmallVector<int64_t> shape;
    if (name.empty() || !StringRef(spec).contains('=') ||
        !lpc::frontend::parseShapeList(dims, shape)) {
      WithColor::error(errs(), "lpc")
          << "--input-shape expects NAME=d0,d1,..., got '" << spec << "'\n";
      return 1;
    }
    copts.import.inputShapes[name] = shape;
  }
  for (const std::string &spec : inputValues) {
    auto [name, file] = StringRef(spec).split('=');
    if (name.empty() || file.empty()) {
      WithColor::error(errs(), "lpc")
          << "--input-value expects NAME=FILE, got '" << spec << "'\n";
      return 1;
    }
    llvm::Expected<lpc::runtime::Tensor> t =
        lpc::runtime::readTensorFile(file.str());
    if (!t) {
      WithColor::error(errs(), "lpc") << "--input-value " << name << ": "
                                      << toString(t.takeError()) << "\n";
      return 1;
    }
    if (!copts.import.inputShapes.count(name))
      copts.import.inputShapes[name] = t->info.shape;
    copts.import.inputValues[name] = lpc::runtime::serializeTensorProto(*t);
  }

  // Every MLIRContext the driver creates reports through this handler:
  // "<location>: error: <message>" on stderr.
  auto handler = [](mlir::Diagnostic &diag) {
    raw_ostream &os = errs();
    printLocation(os, diag.getLocation());
    switch (diag.getSeverity()) {
    case mlir::DiagnosticSeverity::Error:
      os << ": error: ";
      break;
    case mlir::DiagnosticSeverity::Warning:
      os << ": warning: ";
      break;
    default:
      os << ": note: ";
      break;
    }
    os << diag << "\n";
    for (const mlir::Diagnostic &note : diag.getNotes()) {
      printLocation(os, note.getLocation());
      os << ": note: " << note << "\n";
    }
  };
  copts.diagnostics = handler;

  // A folder of input sets is calibrated by lpc::driver::compile first.
  if (!calibration.empty() && (compileCmd || runCmd)) {
    if (quantize.empty() && quantizeConfig.empty()) {
      WithColor::error(errs(), "lpc")
          << "--calibration needs --quantize or --quantize-config\n";
      return 1;
    }
    copts.backend.lqStage.calibrationStats = calibration;
  }

  if (compileCmd) {
    llvm::Expected<const lpc::TargetBackend *> found =
        lpc::lookupTargetBackend(target);
    if (!found) {
      WithColor::error(errs(), "lpc") << toString(found.takeError()) << "\n";
      return 1;
    }
    const lpc::TargetBackend *backend = *found;
    if (emit.empty()) {
      copts.emit = backend->getPhases().back();
    } else if (std::optional<lpc::Phase> p = backend->parsePhase(emit)) {
      copts.emit = *p;
    } else {
      WithColor::error(errs(), "lpc")
          << "unknown --emit phase '" << emit << "' for target '" << target
          << "' (" << backend->getPhaseList() << ")\n";
      return 1;
    }
    PhaseTimer total(copts.backend.log, "total");
    return failed(compile(compileInput, output, copts)) ? 1 : 0;
  }
  if (runCmd) {
    RunOptions ropts;
    ropts.compile = copts;
    ropts.inputs.assign(runInputs.begin(), runInputs.end());
    ropts.outputDir = outputDir;
    ropts.compareDir = compareDir;
    ropts.rtol = rtolOpt;
    ropts.atol = atolOpt;
    ropts.repeat = repeat;
    ropts.threads = threads;
    return run(runModel, ropts);
  }
  if (calibrateCmd) {
    CalibrateOptions c;
    c.compile = copts;
    c.dataDir = calibrateData;
    c.output = calibrateOutput;
    c.threads = threads;
    return calibrate(calibrateModel, c);
  }
  WithColor::error(errs(), "lpc") << "expected a command: compile, run or "
                                     "calibrate (see lpc --help)\n";
  return 1;
}
