//===- Codegen.cpp - LLVM dialect -> LLVM IR -> object -> library ---------===//

#include "lpc/Target/CPU/Codegen.h"

#include "lpc/Support/ABISignature.h"
#include "lpc/Support/Toolchain.h"
#include "lpc/Target/CPU/HostTarget.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

using namespace mlir;

/// Reports a failure of LLVM's native code generation.
static LogicalResult codegenFailure(Location loc, const llvm::Twine &why) {
  emitError(loc) << "native code generation failed: " << why;
  return failure();
}

FailureOr<std::unique_ptr<llvm::TargetMachine>>
lpc::cpu::createTargetMachine(Location loc, lq::TargetAttr target,
                              llvm::StringRef tripleName) {
  llvm::Triple triple;
  std::string error;
  const llvm::Target *llvmTarget = lookupLLVMTarget(tripleName, triple, error);
  if (!llvmTarget)
    return codegenFailure(loc, error);
  if (target && target.getKind() != lq::TargetKind::cpu) {
    emitError(loc) << "the CPU target cannot compile a module described as "
                   << target;
    return failure();
  }
  std::string host = llvm::sys::getHostCPUName().str();
  std::string cpu = target && !target.getString("cpu").empty()
                        ? target.getString("cpu").str()
                        : host;
  // The host's own description (its model and the features lpc lists as
  // CPUID reports them): CPUID also fills in the features lpc does not list,
  // since a VM may mask some of what LLVM's table gives the model (a "znver4"
  // without AVX-512). Any other description follows LLVM's table.
  llvm::StringMap<bool, llvm::MallocAllocator> hostFeatures =
      llvm::sys::getHostCPUFeatures();
  bool isHost = cpu == host;
  if (target)
    for (const char *f : lq::TargetAttr::getCPUFeatureNames())
      isHost &= target.hasFeature(f) == hostFeatures.lookup(f);
  llvm::SubtargetFeatures features;
  if (isHost)
    for (auto &f : hostFeatures)
      features.AddFeature(f.first(), f.second);
  if (target) {
    for (const char *f : lq::TargetAttr::getCPUFeatureNames())
      features.AddFeature(f, target.hasFeature(f));
    // The widest registers: 128 leaves no AVX at all; 256 with AVX-512
    // keeps its instructions on ymm registers where LLVM has the choice.
    int64_t bits = target.getInt("vector_bits", 0);
    if (bits == 128)
      features.AddFeature("avx", false);
    if (bits == 256 && target.hasFeature("avx512f"))
      features.AddFeature("prefer-256-bit", true);
    if (bits == 512)
      features.AddFeature("prefer-256-bit", false);
  }
  llvm::TargetOptions options;
  std::unique_ptr<llvm::TargetMachine> machine(llvmTarget->createTargetMachine(
      triple, cpu, features.getString(), options, llvm::Reloc::PIC_,
      std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  if (!machine)
    return codegenFailure(loc, "LLVM has no target machine for " +
                                   triple.str() + " " + cpu);
  return machine;
}

lpc::abi::CPURequirements
lpc::cpu::getCPURequirements(const llvm::TargetMachine &machine) {
  lpc::abi::CPURequirements requirements;
  requirements.arch = machine.getTargetTriple().getArchName().str();
  // The subtarget's feature bits include tuning flags ("slow-3ops-lea")
  // that no CPUID reports: keep the ISA extensions, i.e. the features the
  // host detector knows (it lists every one it knows, present or not).
  llvm::StringMap<bool, llvm::MallocAllocator> known =
      llvm::sys::getHostCPUFeatures();
  const llvm::MCSubtargetInfo *subtarget = machine.getMCSubtargetInfo();
  for (const llvm::SubtargetFeatureKV &kv :
       subtarget->getAllProcessorFeatures())
    if (subtarget->getFeatureBits().test(kv.Value) && known.contains(kv.Key))
      requirements.features.push_back(kv.Key);
  return requirements;
}

FailureOr<std::unique_ptr<llvm::Module>>
lpc::cpu::translateToLLVMIR(ModuleOp module, llvm::LLVMContext &context,
                            llvm::TargetMachine &machine) {
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, context);
  if (!llvmModule) {
    emitError(module.getLoc()) << "translation to LLVM IR failed";
    return failure();
  }
  llvmModule->setDataLayout(machine.createDataLayout());
  llvmModule->setTargetTriple(machine.getTargetTriple());
  // The instruction set the code may use, as data a loader reads before it
  // runs anything (lpc_model.h).
  if (llvmModule->getNamedValue(lpc::abi::kCPURequirementsSymbol)) {
    emitError(module.getLoc())
        << "the module already defines " << lpc::abi::kCPURequirementsSymbol;
    return failure();
  }
  llvm::Constant *text = llvm::ConstantDataArray::getString(
      context, lpc::abi::formatCPURequirements(getCPURequirements(machine)));
  new llvm::GlobalVariable(*llvmModule, text->getType(), /*isConstant=*/true,
                           llvm::GlobalValue::ExternalLinkage, text,
                           lpc::abi::kCPURequirementsSymbol);
  return llvmModule;
}

LogicalResult lpc::cpu::optimizeLLVMIR(Location loc, llvm::Module &module,
                                       llvm::TargetMachine &machine) {
  auto transformer = makeOptimizingTransformer(3, 0, &machine);
  if (llvm::Error e = transformer(&module))
    return codegenFailure(loc, llvm::toString(std::move(e)));
  return success();
}

/// Reports that an output (or a temporary file for it) cannot be written.
static LogicalResult writeFailure(Location loc, const llvm::Twine &why) {
  emitError(loc) << "cannot write output: " << why;
  return failure();
}

LogicalResult lpc::cpu::emitObjectFile(Location loc, llvm::Module &module,
                                       llvm::TargetMachine &machine,
                                       llvm::StringRef path) {
  std::error_code ec;
  auto out =
      std::make_unique<llvm::ToolOutputFile>(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return writeFailure(loc, ec.message());
  llvm::legacy::PassManager codegen;
  if (machine.addPassesToEmitFile(codegen, out->os(), nullptr,
                                  llvm::CodeGenFileType::ObjectFile))
    return codegenFailure(loc, "the target cannot emit object files");
  codegen.run(module);
  out->os().flush();
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
    if (auto p = llvm::sys::findProgramByName(name,
                                              {LPC_LLVM_TOOLS_DIR, "/usr/bin"}))
      return *p;
  return "";
}

LogicalResult lpc::cpu::linkSharedLibrary(Location loc, llvm::StringRef object,
                                          bool openmp, llvm::StringRef path) {
  std::string clang = findLinker();
  if (clang.empty()) {
    emitError(loc)
        << "cannot find clang-22 to link the shared library (set LPC_CLANG)";
    return failure();
  }
  std::string support = findSupportLibrary();
  if (support.empty()) {
    emitError(loc)
        << "cannot find liblpc_model_support.a next to the lpc executable";
    return failure();
  }
  // Link into a temporary next to the output, then rename: no partial file.
  std::string tmpOut =
      (path + ".tmp" + std::to_string(llvm::sys::Process::getProcessId()))
          .str();
  llvm::FileRemover tmpRemover(tmpOut);
  std::vector<std::string> args = {clang,  "-shared",    "-fuse-ld=lld", "-o",
                                   tmpOut, object.str(), support,        "-lm"};
  if (openmp) {
    args.push_back("-L" LPC_LLVM_LIBRARY_DIR);
    args.push_back("-Wl,-rpath," LPC_LLVM_LIBRARY_DIR);
    args.push_back("-lomp");
  }
  SmallVector<llvm::StringRef> argRefs(args.begin(), args.end());
  std::string linkError;
  int rc = llvm::sys::ExecuteAndWait(clang, argRefs, std::nullopt, {}, 0, 0,
                                     &linkError);
  if (rc != 0) {
    emitError(loc) << "linking the shared library failed (" << clang
                   << " exited with " << rc << ") " << linkError;
    return failure();
  }
  if (std::error_code ec = llvm::sys::fs::rename(tmpOut, path))
    return writeFailure(loc, ec.message());
  return success();
}
