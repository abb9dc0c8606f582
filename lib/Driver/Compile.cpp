//===- Compile.cpp - lpc compile: ONNX/MLIR -> IR levels, object, library
//--===//

#include "lpc/Driver/Driver.h"

#include "lpc/InitAll.h"
#include "lpc/Pipelines/CPUPipeline.h"
#include "lpc/Target/CPU/HostTarget.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

#include <chrono>

using namespace mlir;
using namespace lpc::driver;

static std::function<void(Diagnostic &)> &diagnosticHandler() {
  static std::function<void(Diagnostic &)> fn;
  return fn;
}

void lpc::driver::setDiagnosticHandler(std::function<void(Diagnostic &)> fn) {
  diagnosticHandler() = std::move(fn);
}

double lpc::driver::nowMs() {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

PhaseTimer::PhaseTimer(const CompileOptions &options, llvm::StringRef phase)
    : options(options), phase(phase.str()), start(nowMs()) {
  if (options.progress)
    *options.log << "lpc: " << phase << "...\n";
}

PhaseTimer::~PhaseTimer() {
  if (options.timing)
    *options.log << llvm::format("timing: %-10s %9.2f ms\n", phase.c_str(),
                                 nowMs() - start);
}

bool lpc::driver::parseEmitLevel(llvm::StringRef text, EmitLevel &level) {
  std::optional<EmitLevel> l =
      llvm::StringSwitch<std::optional<EmitLevel>>(text)
          .Case("imported", EmitLevel::Imported)
          .Case("lq", EmitLevel::LQ)
          .Case("lowered", EmitLevel::Lowered)
          .Case("llvm", EmitLevel::LLVMIR)
          .Case("obj", EmitLevel::Object)
          .Case("lib", EmitLevel::Library)
          .Default(std::nullopt);
  if (!l)
    return false;
  level = *l;
  return true;
}

static void registerEverything(MLIRContext &context) {
  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registerAllToLLVMIRTranslations(registry);
  lpc::registerAllDialects(registry);
  lpc::frontend::registerImporterDialects(registry);
  context.appendDialectRegistry(registry);
}

LogicalResult lpc::driver::loadInput(llvm::StringRef path, MLIRContext &context,
                                     const CompileOptions &options,
                                     OwningOpRef<ModuleOp> &module,
                                     EmitLevel &level) {
  registerEverything(context);
  if (path.ends_with(".mlir")) {
    PhaseTimer t(options, "parse");
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
    // LLVM-dialect input resumes at translation.
    bool hasFunc = false;
    module->walk([&](Operation *op) {
      if (isa<func::FuncOp>(op))
        hasFunc = true;
    });
    level = hasFunc ? EmitLevel::Imported : EmitLevel::Lowered;
    return success();
  }
  PhaseTimer t(options, "import");
  module = frontend::importONNXFile(path, context, options.import);
  level = EmitLevel::Imported;
  return success(static_cast<bool>(module));
}

/// Runs `build` on `module`, with MLIR's pass timing under --timing.
static LogicalResult
runPasses(ModuleOp module, const CompileOptions &options,
          llvm::function_ref<void(OpPassManager &)> build) {
  PassManager pm(module.getContext());
  build(pm);
  return pm.run(module);
}

namespace {
/// The native target machine (host CPU and features, PIC).
std::unique_ptr<llvm::TargetMachine>
createHostMachine(const std::string &tripleName, std::string &error) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  llvm::Triple triple(tripleName.empty() ? llvm::sys::getDefaultTargetTriple()
                                         : tripleName);
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return nullptr;
  llvm::SubtargetFeatures features;
  for (auto &f : llvm::sys::getHostCPUFeatures())
    features.AddFeature(f.first(), f.second);
  llvm::TargetOptions targetOptions;
  return std::unique_ptr<llvm::TargetMachine>(target->createTargetMachine(
      triple, llvm::sys::getHostCPUName(), features.getString(), targetOptions,
      llvm::Reloc::PIC_, std::nullopt, llvm::CodeGenOptLevel::Aggressive));
}
} // namespace

/// Reports that an output (or a temporary file for it) cannot be written.
static LogicalResult writeFailure(MLIRContext &ctx, const llvm::Twine &why) {
  emitError(UnknownLoc::get(&ctx)) << "cannot write output: " << why;
  return failure();
}

/// Reports a failure of LLVM's native code generation.
static LogicalResult codegenFailure(MLIRContext &ctx, const llvm::Twine &why) {
  emitError(UnknownLoc::get(&ctx)) << "native code generation failed: " << why;
  return failure();
}

/// Writes `text` to `path` (or stdout for "-").
static LogicalResult
writeText(MLIRContext &ctx, llvm::StringRef path,
          llvm::function_ref<void(llvm::raw_ostream &)> fn) {
  std::string error;
  auto out = openOutputFile(path, &error);
  if (!out)
    return writeFailure(ctx, error);
  fn(out->os());
  out->keep();
  return success();
}

/// The support archive: <prefix>/lib/liblpc_model_support.a for the lpc
/// executable in <prefix>/bin.
static std::string findSupportLibrary() {
  static int anchor;
  std::string exe = llvm::sys::fs::getMainExecutable(nullptr, &anchor);
  llvm::SmallString<256> path(
      llvm::sys::path::parent_path(llvm::sys::path::parent_path(exe)));
  llvm::sys::path::append(path, "lib", "liblpc_model_support.a");
  return llvm::sys::fs::exists(path) ? std::string(path) : std::string();
}

/// Finds clang-22 for linking ($LPC_CLANG overrides).
static std::string findLinker() {
  if (std::optional<std::string> env = llvm::sys::Process::GetEnv("LPC_CLANG"))
    return llvm::sys::fs::can_execute(*env) ? *env : std::string();
  for (const char *name : {"clang-22", "clang"})
    if (auto p = llvm::sys::findProgramByName(
            name, {"/usr/lib/llvm-22/bin", "/usr/bin"}))
      return *p;
  return "";
}

LogicalResult lpc::driver::compile(llvm::StringRef inputPath,
                                   llvm::StringRef outputPath,
                                   const CompileOptions &options) {
  MLIRContext context(MLIRContext::Threading::DISABLED);
  context.printOpOnDiagnostic(false);
  if (diagnosticHandler())
    context.getDiagEngine().registerHandler([](Diagnostic &d) {
      diagnosticHandler()(d);
      return success();
    });
  if (options.target != "cpu") {
    emitError(UnknownLoc::get(&context))
        << "unknown target '" << options.target << "' (lpc supports: cpu)";
    return failure();
  }
  OwningOpRef<ModuleOp> module;
  EmitLevel level;
  if (failed(loadInput(inputPath, context, options, module, level)))
    return failure();
  EmitLevel emit = options.emit;
  bool binary = emit == EmitLevel::Object || emit == EmitLevel::Library;
  if (binary && outputPath == "-") {
    emitError(UnknownLoc::get(&context))
        << "binary output needs -o FILE (not stdout)";
    return failure();
  }
  if (emit < level) {
    emitError(UnknownLoc::get(&context))
        << "--emit level is before the level of the input";
    return failure();
  }
  // The target description passes read (docs/Target.md): the host CPU's,
  // unless the input (a resumed .mlir) brings one.
  if (level < EmitLevel::Lowered)
    lpc::cpu::attachHostCPUTargetIfAbsent(*module);
  if (emit == EmitLevel::Imported)
    return writeText(context, outputPath, [&](llvm::raw_ostream &os) {
      module->print(os,
                    OpPrintingFlags().enableDebugInfo(options.printLocations));
    });

  if (level < EmitLevel::Lowered) {
    if (emit == EmitLevel::LQ) {
      PhaseTimer t(options, "lq-stage");
      if (failed(runPasses(*module, options, [](OpPassManager &pm) {
            lpc::buildLQStagePipeline(pm);
          })))
        return failure();
      return writeText(context, outputPath, [&](llvm::raw_ostream &os) {
        module->print(
            os, OpPrintingFlags().enableDebugInfo(options.printLocations));
      });
    }
    PhaseTimer t(options, "lower");
    lpc::CPUPipelineOptions cpuOptions;
    cpuOptions.entry = options.import.entryName;
    cpuOptions.parallel = options.parallel;
    if (failed(runPasses(*module, options, [&](OpPassManager &pm) {
          lpc::buildCPUPipeline(pm, cpuOptions);
        })))
      return failure();
  }
  if (emit == EmitLevel::Lowered)
    return writeText(context, outputPath, [&](llvm::raw_ostream &os) {
      module->print(os,
                    OpPrintingFlags().enableDebugInfo(options.printLocations));
    });

  // Translate and optimise.
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule;
  std::string error;
  std::unique_ptr<llvm::TargetMachine> machine =
      createHostMachine(options.triple, error);
  if (!machine)
    return codegenFailure(context, error);
  {
    PhaseTimer t(options, "translate");
    llvmModule = translateModuleToLLVMIR(*module, llvmContext);
    if (!llvmModule) {
      emitError(UnknownLoc::get(&context)) << "translation to LLVM IR failed";
      return failure();
    }
    llvmModule->setDataLayout(machine->createDataLayout());
    llvmModule->setTargetTriple(machine->getTargetTriple());
  }
  {
    PhaseTimer t(options, "optimize");
    auto transformer = makeOptimizingTransformer(3, 0, machine.get());
    if (llvm::Error e = transformer(llvmModule.get()))
      return codegenFailure(context, llvm::toString(std::move(e)));
  }
  if (emit == EmitLevel::LLVMIR)
    return writeText(context, outputPath, [&](llvm::raw_ostream &os) {
      llvmModule->print(os, nullptr);
    });

  // Object file (a temporary one when linking).
  llvm::SmallString<128> objPath(outputPath);
  llvm::FileRemover objRemover;
  if (emit == EmitLevel::Library) {
    if (std::error_code ec =
            llvm::sys::fs::createTemporaryFile("lpc-model", "o", objPath))
      return writeFailure(context, "temporary object: " + ec.message());
    objRemover.setFile(objPath);
  }
  {
    PhaseTimer t(options, "codegen");
    std::error_code ec;
    auto out = std::make_unique<llvm::ToolOutputFile>(objPath, ec,
                                                      llvm::sys::fs::OF_None);
    if (ec)
      return writeFailure(context, ec.message());
    llvm::legacy::PassManager codegen;
    if (machine->addPassesToEmitFile(codegen, out->os(), nullptr,
                                     llvm::CodeGenFileType::ObjectFile))
      return codegenFailure(context, "the target cannot emit object files");
    codegen.run(*llvmModule);
    out->os().flush();
    out->keep();
  }
  if (emit == EmitLevel::Object)
    return success();

  PhaseTimer t(options, "link");
  std::string clang = findLinker();
  if (clang.empty()) {
    emitError(UnknownLoc::get(&context))
        << "cannot find clang-22 to link the shared library (set LPC_CLANG)";
    return failure();
  }
  // Link into a temporary next to the output, then rename: no partial file.
  std::string tmpOut =
      (outputPath + ".tmp" + std::to_string(llvm::sys::Process::getProcessId()))
          .str();
  llvm::FileRemover tmpRemover(tmpOut);
  std::string support = findSupportLibrary();
  if (support.empty()) {
    emitError(UnknownLoc::get(&context))
        << "cannot find liblpc_model_support.a next to the lpc executable";
    return failure();
  }
  std::vector<std::string> args = {clang,   "-shared", "-fuse-ld=lld",
                                   "-o",    tmpOut,    std::string(objPath),
                                   support, "-lm"};
  bool usesOpenMP = llvmModule->getFunction("__kmpc_fork_call") != nullptr;
  if (usesOpenMP) {
    args.push_back("-L/usr/lib/llvm-22/lib");
    args.push_back("-Wl,-rpath,/usr/lib/llvm-22/lib");
    args.push_back("-lomp");
  }
  SmallVector<llvm::StringRef> argRefs(args.begin(), args.end());
  std::string linkError;
  int rc = llvm::sys::ExecuteAndWait(clang, argRefs, std::nullopt, {}, 0, 0,
                                     &linkError);
  if (rc != 0) {
    emitError(UnknownLoc::get(&context))
        << "linking the shared library failed (" << clang << " exited with "
        << rc << ") " << linkError;
    return failure();
  }
  if (std::error_code ec = llvm::sys::fs::rename(tmpOut, outputPath))
    return writeFailure(context, ec.message());
  return success();
}
