//===- Driver.h - The library behind the `lpc` tool --------------*- C++
//-*-===//
//
// `lpc compile` and `lpc run` are thin wrappers over these functions, so
// other tools (and tests) can drive the same stages.
//
//===----------------------------------------------------------------------===//

#ifndef LPC_DRIVER_DRIVER_H
#define LPC_DRIVER_DRIVER_H

#include "lpc/Frontend/ONNX/Importer.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/LLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>
#include <string>
#include <vector>

namespace lpc::driver {

/// The levels `--emit` can stop at, in pipeline order.
enum class EmitLevel {
  Imported, ///< func + linalg/tensor/arith/math, as imported (`imported`)
  LQ,       ///< after the graph-level lq stage (`lq`)
  Lowered,  ///< LLVM dialect after lpc-cpu-pipeline (`lowered`)
  LLVMIR,   ///< LLVM IR text (`llvm`)
  Object,   ///< relocatable object file (`obj`)
  Library,  ///< shared library with lpc's C ABI (`lib`, the default)
};

/// Routes the diagnostics of every context the driver creates to `fn`
/// (default: MLIR's stderr printer).
void setDiagnosticHandler(std::function<void(mlir::Diagnostic &)> fn);

/// Parses an --emit value; false when unknown.
bool parseEmitLevel(llvm::StringRef text, EmitLevel &level);

/// Options shared by `lpc compile` and `lpc run`.
struct CompileOptions {
  std::string target = "cpu";
  /// LLVM target triple for --emit=llvm/obj (default: the host).
  std::string triple;
  EmitLevel emit = EmitLevel::Library;
  frontend::ImportOptions import;
  /// Print locations (ONNX node names) in emitted MLIR.
  bool printLocations = false;
  /// Run linalg's parallel loops on OpenMP threads.
  bool parallel = true;
  /// Print phase times to `log`.
  bool timing = false;
  /// Print a line when each long phase starts.
  bool progress = false;
  llvm::raw_ostream *log = &llvm::errs();
};

/// Phase timer that prints "timing: <phase> <ms> ms" when enabled.
class PhaseTimer {
public:
  PhaseTimer(const CompileOptions &options, llvm::StringRef phase);
  ~PhaseTimer();

private:
  const CompileOptions &options;
  std::string phase;
  double start;
};

/// Monotonic milliseconds.
double nowMs();

/// Loads `path` (.onnx, or .mlir at any level) into `module`; `level` is the
/// level the input is at (Imported for ONNX and tensor-level MLIR, Lowered
/// for LLVM-dialect MLIR).
mlir::LogicalResult loadInput(llvm::StringRef path, mlir::MLIRContext &context,
                              const CompileOptions &options,
                              mlir::OwningOpRef<mlir::ModuleOp> &module,
                              EmitLevel &level);

/// Compiles `inputPath` up to `options.emit` and writes `outputPath` ("-"
/// for stdout; text levels only). Writes nothing on failure.
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

} // namespace lpc::driver

#endif // LPC_DRIVER_DRIVER_H
