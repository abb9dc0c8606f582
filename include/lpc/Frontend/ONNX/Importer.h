//===- Importer.h - ONNX model importer ------------------------*- C++ -*-===//
//
// Reads an ONNX model (protobuf, optionally with external data) and builds a
// module holding one `func.func @main_graph` over upstream tensor dialects
// (linalg, tensor, arith, math). All shapes are static after import: dynamic
// graph-input dimensions come from ImportOptions::inputShapes.
//
//===----------------------------------------------------------------------===//

#ifndef LPC_FRONTEND_ONNX_IMPORTER_H
#define LPC_FRONTEND_ONNX_IMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace lpc::frontend {

/// Options of the ONNX importer.
struct ImportOptions {
  /// Shapes for graph inputs (by name); they override the model's declared
  /// shape and must be given for every dynamic dimension.
  llvm::StringMap<llvm::SmallVector<int64_t>> inputShapes;
  /// Known values of graph inputs (by name, each a serialized
  /// onnx.TensorProto). Ops that need a compile-time operand (Reshape's
  /// shape, Slice's starts, Resize's scales, an If's condition, ...) read a
  /// graph input's value, or a value computed from given inputs, from here;
  /// everything else still reads the input at run time. `lpc run`
  /// fills it from the small integer and float inputs it is given.
  llvm::StringMap<std::string> inputValues;
  /// Name of the function that holds the graph.
  std::string entryName = "main_graph";
};

/// Imports the ONNX model at `path`. Errors are reported through the
/// context's diagnostic engine (located at the ONNX node when there is one)
/// and yield a null module.
mlir::OwningOpRef<mlir::ModuleOp> importONNXFile(llvm::StringRef path,
                                                 mlir::MLIRContext &context,
                                                 const ImportOptions &options);

/// The names of the graph inputs that are not initializers, in order (what
/// the imported function takes), or an error message.
llvm::Expected<std::vector<std::string>>
readGraphInputNames(llvm::StringRef path);

/// Registers the dialects the importer produces.
void registerImporterDialects(mlir::DialectRegistry &registry);

/// Parses "d0,d1,..." (a dimension list; empty means a scalar) into `shape`.
/// Returns false on a malformed list.
bool parseShapeList(llvm::StringRef text,
                    llvm::SmallVectorImpl<int64_t> &shape);

} // namespace lpc::frontend

#endif // LPC_FRONTEND_ONNX_IMPORTER_H
