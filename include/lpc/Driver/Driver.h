//===- Driver.h - The library behind the `lpc` tool ------------*- C++ -*-===//
//
// `lpc compile` and `lpc run` are thin wrappers over these functions, so
// other tools (and tests) can drive the same stages.
//
//===----------------------------------------------------------------------===//

#ifndef LPC_DRIVER_DRIVER_H
#define LPC_DRIVER_DRIVER_H

#include "lpc/Frontend/ONNX/Importer.h"
#include "lpc/Pipelines/TargetRegistry.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/LLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>
#include <string>
#include <vector>

namespace lpc::driver {

using lpc::nowMs;
using lpc::Phase;
using lpc::PhaseTimer;

/// Options shared by `lpc compile` and `lpc run`.
struct CompileOptions {
  /// A registered target backend (lpc/Pipelines/TargetRegistry.h).
  std::string target = "cpu";
  /// The phase to stop at (`--emit`): one the target has
  /// (TargetBackend::parsePhase).
  Phase emit = Phase::Library;
  frontend::ImportOptions import;
  /// Print locations (ONNX node names) in emitted MLIR.
  bool printLocations = false;
  /// What the target backend gets: the LLVM triple and CPU (`--mtriple`,
  /// `--cpu`, `--cpu-features`), parallel code, and the phase log (`--timing`,
  /// progress). Its `entry` is import.entryName.
  TargetOptions backend;
  /// Apply MLIR's command-line options (--mlir-print-ir-after-all,
  /// --mlir-timing, ...) to the pass manager. Only a tool that registered
  /// them (mlir::registerPassManagerCLOptions,
  /// registerDefaultTimingManagerCLOptions) may set this; a library caller
  /// leaves it off.
  bool applyMLIRCommandLine = false;
  /// Receives the diagnostics of the context a compilation creates
  /// (default: MLIR's stderr printer).
  std::function<void(mlir::Diagnostic &)> diagnostics;
  /// Edits the module right after it is loaded, before the target's
  /// pipeline (lpc calibrate adds its observation points here).
  std::function<mlir::LogicalResult(mlir::ModuleOp)> afterLoad;
};

/// Loads `path` (.onnx, or .mlir at any phase) into `module`; `phase` is the
/// phase the input is at (Imported for ONNX and tensor-level MLIR, Lowered
/// for MLIR without a func.func, e.g. the LLVM dialect).
mlir::LogicalResult loadInput(llvm::StringRef path, mlir::MLIRContext &context,
                              const CompileOptions &options,
                              mlir::OwningOpRef<mlir::ModuleOp> &module,
                              Phase &phase);

/// Compiles `inputPath` for `options.target` up to `options.emit`, in one
/// pass manager (that MLIR's command-line options apply to when
/// `options.applyMLIRCommandLine`), and writes
/// `outputPath` ("-" for stdout; text levels only). Writes nothing on failure.
mlir::LogicalResult compile(llvm::StringRef inputPath,
                            llvm::StringRef outputPath,
                            const CompileOptions &options);

/// Options of `lpc run`.
struct RunOptions {
  CompileOptions compile;
  /// INPUT.pb, INPUT.npy or NAME=FILE, in order.
  std::vector<std::string> inputs;
  std::string outputDir;
  std::string compareDir;
  double rtol = 1e-4, atol = 1e-5;
  int repeat = 0;
  int threads = 0;
};

/// Compiles (or loads a compiled .so) and runs the model. Returns the process
/// exit code: 0 success, 1 error, 2 outputs differ from --compare-dir.
int run(llvm::StringRef modelPath, const RunOptions &options);

/// Options of `lpc calibrate`.
struct CalibrateOptions {
  CompileOptions compile;
  /// One subfolder per input set holding input_<i>.pb (or .npy) files, or
  /// one such set itself.
  std::string dataDir;
  /// The statistics file to write.
  std::string output;
  int threads = 0;
};

/// Compiles the float model with its weight layers' activations as extra
/// outputs (lq-calibration-outputs), runs it on every input set and writes
/// their statistics (lpc/Dialect/LQ/Utils/Calibration.h). Returns the
/// process exit code (0 success, 1 error); writes nothing on failure.
int calibrate(llvm::StringRef modelPath, const CalibrateOptions &options);

} // namespace lpc::driver

#endif // LPC_DRIVER_DRIVER_H
