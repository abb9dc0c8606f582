//===- CPUTarget.cpp - The `cpu` entry of the target registry -------------===//
//
// Phases: imported -> (lpc-lq-stage) -> lq -> (the rest of lpc-cpu-pipeline)
// -> lowered (LLVM dialect with lpc's C ABI) -> llvm (LLVM IR at -O3 for the
// module's lq.target) -> obj -> lib (linked with the support archive).
//
//===----------------------------------------------------------------------===//

#include "lpc/Pipelines/CPUTarget.h"

#include "lpc/Pipelines/CPUPipeline.h"
#include "lpc/Target/CPU/Codegen.h"
#include "lpc/Target/CPU/HostTarget.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
using namespace lpc;

namespace {
class CPUTargetBackend final : public TargetBackend {
public:
  llvm::StringRef getName() const override { return "cpu"; }
  llvm::StringRef getDescription() const override {
    return "x86-64 CPU code with lpc's C ABI (the host CPU, or --cpu=NAME)";
  }
  llvm::StringRef getPhaseName(Phase phase) const override {
    switch (phase) {
    case Phase::Translated:
      return "llvm";
    case Phase::Object:
      return "obj";
    case Phase::Library:
      return "lib";
    default:
      return TargetBackend::getPhaseName(phase);
    }
  }
  std::optional<Phase> getRunPhase() const override { return Phase::Library; }

  FailureOr<lq::TargetAttr>
  getTargetDescription(Location loc,
                       const TargetOptions &options) const override {
    FailureOr<lq::TargetAttr> description =
        options.cpu.empty() || options.cpu == "native"
            ? cpu::getHostCPUTarget(loc.getContext())
            : cpu::getNamedCPUTarget(loc, options.triple, options.cpu);
    if (failed(description) || options.cpuFeatures.empty())
      return description;
    return cpu::applyCPUFeatures(loc, *description, options.cpuFeatures);
  }

  void buildPipeline(OpPassManager &pm, Phase from, Phase to,
                     const TargetOptions &options) const override {
    if (from < Phase::LQ)
      buildLQStagePipeline(pm, options.lqStage);
    if (to < Phase::Lowered)
      return;
    CPUPipelineOptions cpuOptions;
    cpuOptions.entry = options.entry;
    cpuOptions.parallel = options.parallel;
    buildCPULoweringPipeline(pm, cpuOptions);
  }

  LogicalResult writeArtefact(ModuleOp module, Phase to, llvm::StringRef path,
                              const TargetOptions &options) const override {
    // Messages of these phases concern the whole module, not an op.
    Location loc = UnknownLoc::get(module.getContext());
    FailureOr<std::unique_ptr<llvm::TargetMachine>> machine =
        cpu::createTargetMachine(loc, lq::TargetAttr::lookup(module),
                                 options.triple);
    if (failed(machine))
      return failure();
    llvm::LLVMContext llvmContext;
    FailureOr<std::unique_ptr<llvm::Module>> llvmModule;
    {
      PhaseTimer t(options.log, "translate");
      llvmModule = cpu::translateToLLVMIR(module, llvmContext, **machine);
      if (failed(llvmModule))
        return failure();
    }
    {
      PhaseTimer t(options.log, "optimize");
      if (failed(cpu::optimizeLLVMIR(loc, **llvmModule, **machine)))
        return failure();
    }
    if (to == Phase::Translated) {
      std::error_code ec;
      llvm::ToolOutputFile out(path, ec, llvm::sys::fs::OF_Text);
      if (ec)
        return emitError(loc) << "cannot write output: " << ec.message();
      (*llvmModule)->print(out.os(), nullptr);
      out.keep();
      return success();
    }
    // The object (a temporary one when linking).
    llvm::SmallString<128> objPath(path);
    llvm::FileRemover objRemover;
    if (to == Phase::Library) {
      if (std::error_code ec =
              llvm::sys::fs::createTemporaryFile("lpc-model", "o", objPath))
        return emitError(loc) << "cannot write output: "
                              << ("temporary object: " + ec.message());
      objRemover.setFile(objPath);
    }
    {
      PhaseTimer t(options.log, "codegen");
      if (failed(cpu::emitObjectFile(loc, **llvmModule, **machine, objPath)))
        return failure();
    }
    if (to == Phase::Object)
      return success();
    PhaseTimer t(options.log, "link");
    bool openmp = (*llvmModule)->getFunction("__kmpc_fork_call") != nullptr;
    return cpu::linkSharedLibrary(loc, objPath, openmp, path);
  }
};
} // namespace

std::unique_ptr<TargetBackend> lpc::createCPUTargetBackend() {
  return std::make_unique<CPUTargetBackend>();
}
