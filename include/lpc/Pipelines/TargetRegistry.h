//===- TargetRegistry.h - Compilation phases and targets ------*- C++ -*-===//
//
// A compilation runs through a fixed sequence of phases (docs/Driver.md). A
// target backend says which phases it has and what they are called, builds
// the pass pipeline between any two of its MLIR phases, writes the artefacts
// of the phases after the last MLIR one, and says which artefact `lpc run`
// loads. `lpc compile` and `lpc run` only look targets up here, so a new
// backend is a folder under lib/Target, one registry entry and one line in
// registerAllTargetBackends(); the driver's control flow does not change.
//
//===----------------------------------------------------------------------===//

#ifndef LPC_PIPELINES_TARGETREGISTRY_H
#define LPC_PIPELINES_TARGETREGISTRY_H

#include "lpc/Dialect/LQ/IR/LQ.h"
#include "lpc/Pipelines/CPUPipeline.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <optional>
#include <string>

namespace lpc {

/// The phases of a compilation, in order. The first three are MLIR and the
/// same for every target; a target names the later ones after what they hold
/// (the CPU target: `llvm`, `obj`, `lib`).
enum class Phase {
  Imported,   ///< func + linalg/tensor/arith/math, as imported
  LQ,         ///< after the graph-level lq stage
  Lowered,    ///< the target's lowest MLIR (CPU: LLVM dialect with lpc's ABI)
  Translated, ///< the target's source language (CPU: LLVM IR text)
  Object,     ///< a relocatable object (binary)
  Library,    ///< the loadable artefact (CPU: a shared library; binary)
};

/// True for the phases whose artefact is MLIR text.
inline bool isMLIRPhase(Phase p) { return p <= Phase::Lowered; }
/// True for the phases whose artefact cannot be written to stdout.
inline bool isBinaryPhase(Phase p) { return p >= Phase::Object; }

/// Where phase progress and times go.
struct PhaseLog {
  /// Print "timing: <phase> <ms> ms" when a phase ends.
  bool timing = false;
  /// Print "lpc: <phase>..." when a phase starts.
  bool progress = false;
  llvm::raw_ostream *os = &llvm::errs();
};

/// Reports one phase to a PhaseLog for as long as it lives.
class PhaseTimer {
public:
  PhaseTimer(const PhaseLog &log, llvm::StringRef phase);
  ~PhaseTimer();

private:
  const PhaseLog &log;
  std::string phase;
  double start;
};

/// Monotonic milliseconds.
double nowMs();

/// What a target backend gets from the command line. Passes never see it:
/// what they may know about the machine is in the module's `lq.target`,
/// which getTargetDescription builds from these options.
struct TargetOptions {
  /// The model function (the importer's, or the one of a .mlir input).
  std::string entry = "main_graph";
  /// Run the parallel loops of every linalg op on threads.
  bool parallel = true;
  /// The LLVM target triple (default: the host's).
  std::string triple;
  /// The CPU to compile for, by LLVM's name ("znver4"); "native" or
  /// empty: the host.
  std::string cpu;
  /// ISA features to turn on or off in the CPU's description ("+a,-b").
  std::string cpuFeatures;
  /// The graph-level stage's quantization (`--quantize=RECIPE`,
  /// `--activations=int8`).
  LQStageOptions lqStage;
  PhaseLog log;
};

/// One backend of `lpc compile --target=NAME`.
class TargetBackend {
public:
  virtual ~TargetBackend();

  /// The `--target` name.
  virtual llvm::StringRef getName() const = 0;
  /// One line for `lpc --help`.
  virtual llvm::StringRef getDescription() const = 0;
  /// The `--emit` name of `phase` for this target; "" when it has none. The
  /// MLIR phases are `imported`, `lq` and `lowered` for every target.
  virtual llvm::StringRef getPhaseName(Phase phase) const;
  /// The phases this target has, in order.
  llvm::SmallVector<Phase> getPhases() const;
  /// The phase called `name`, if this target has it.
  std::optional<Phase> parsePhase(llvm::StringRef name) const;
  /// "imported, lq, lowered, ..." for messages and help.
  std::string getPhaseList() const;

  /// The target description a module compiled for this target carries when
  /// its input brings none; errors are reported at `loc`.
  virtual mlir::FailureOr<lq::TargetAttr>
  getTargetDescription(mlir::Location loc,
                       const TargetOptions &options) const = 0;
  /// Adds the passes that take a module from MLIR phase `from` to MLIR
  /// phase `to` (from < to <= Lowered).
  virtual void buildPipeline(mlir::OpPassManager &pm, Phase from, Phase to,
                             const TargetOptions &options) const = 0;
  /// Writes the artefact of phase `to` (after Lowered) for a module at
  /// Lowered to `path` ("-" for stdout where the phase is text). Writes
  /// nothing on failure.
  virtual mlir::LogicalResult
  writeArtefact(mlir::ModuleOp module, Phase to, llvm::StringRef path,
                const TargetOptions &options) const = 0;
  /// The phase whose artefact is a shared library with lpc's C ABI
  /// (include/lpc/Runtime/lpc_model.h) that `lpc run` loads on this machine;
  /// none when lpc cannot run this target's output here.
  virtual std::optional<Phase> getRunPhase() const { return std::nullopt; }
};

/// Adds `backend` to the registry (its name must be new).
void registerTargetBackend(std::unique_ptr<TargetBackend> backend);
/// The backend called `name` (registering lpc's backends first), or the
/// error "unknown target 'NAME' (lpc supports: cpu, ...)".
llvm::Expected<const TargetBackend *> lookupTargetBackend(llvm::StringRef name);
/// Every registered backend, by name.
llvm::SmallVector<const TargetBackend *> getTargetBackends();

/// Registers every backend lpc has (idempotent).
void registerAllTargetBackends();

} // namespace lpc

#endif // LPC_PIPELINES_TARGETREGISTRY_H
