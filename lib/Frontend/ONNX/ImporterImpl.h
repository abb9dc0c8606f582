//===- ImporterImpl.h - Shared state of the ONNX importer ------*- C++ -*-===//
//
// Internal to lib/Frontend/ONNX: the tensor reader, the per-node context the
// op importers receive, the op table and the IR-building helpers they share.
//
//===----------------------------------------------------------------------===//

#ifndef LPC_LIB_FRONTEND_ONNX_IMPORTERIMPL_H
#define LPC_LIB_FRONTEND_ONNX_IMPORTERIMPL_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MemoryBuffer.h"

#include "lpc/Support/ONNXMLIRTypes.h"

#include <onnx/onnx_pb.h>

#include <optional>
#include <string>

namespace lpc::frontend {

//===----------------------------------------------------------------------===//
// Element types (TensorReader.cpp)
//===----------------------------------------------------------------------===//

// ONNXDType, onnxDTypeName (lpc/Support/ONNXDTypes.h), onnxDTypeOf
// (lpc/Support/ONNXMLIRTypes.h).
using namespace lpc::dtypes;

/// The MLIR element type of an ONNX dtype (signless integers; unsigned-ness
/// is tracked by the importer), or null for dtypes lpc cannot represent.
mlir::Type getElementType(mlir::MLIRContext *ctx, int dtype);
/// Whether `dtype` is an unsigned integer type.
bool isUnsignedDType(int dtype);

/// Decodes TensorProtos, resolving external data inside `modelDir` only.
class TensorReader {
public:
  explicit TensorReader(std::string modelDir) : modelDir(std::move(modelDir)) {}

  /// Decodes `tensor` into an elements attribute; on failure reports at
  /// `loc` and returns null.
  mlir::DenseElementsAttr read(const onnx::TensorProto &tensor,
                               mlir::Location loc);

  /// Like read(), but float tensors of at least kResourceThreshold bytes
  /// become DenseResourceElementsAttr blobs (external data: the mmap itself).
  mlir::ElementsAttr readWeights(const onnx::TensorProto &tensor,
                                 mlir::Location loc);
  static constexpr int64_t kResourceThreshold = 4096;

private:
  /// Maps the external data of `tensor` (checked to lie inside the model's
  /// folder and to hold `needBytes` bytes); null after an error.
  std::unique_ptr<llvm::MemoryBuffer>
  openExternal(const onnx::TensorProto &tensor, mlir::Location loc,
               int64_t needBytes);

  std::string modelDir;
};

//===----------------------------------------------------------------------===//
// Per-node context (Importer.cpp)
//===----------------------------------------------------------------------===//

class GraphImporter;

/// What an op importer sees: the node, its inputs as values (null for an
/// omitted optional input), attribute accessors and the builder.
class NodeContext {
public:
  NodeContext(GraphImporter &importer, const onnx::NodeProto &node,
              mlir::Location loc, int64_t opset,
              llvm::SmallVector<mlir::Value> inputs);

  const onnx::NodeProto &node;
  mlir::Location loc;
  int64_t opset;
  mlir::OpBuilder &b;

  size_t numInputs() const { return inputs.size(); }
  bool hasInput(size_t i) const { return i < inputs.size() && inputs[i]; }
  mlir::Value input(size_t i) const {
    return hasInput(i) ? inputs[i] : nullptr;
  }
  size_t numOutputs() const { return node.output_size(); }
  bool hasOutput(size_t i) const {
    return i < (size_t)node.output_size() && !node.output(i).empty();
  }

  const onnx::AttributeProto *attr(llvm::StringRef name) const;
  bool hasAttr(llvm::StringRef name) const { return attr(name) != nullptr; }
  int64_t getInt(llvm::StringRef name, int64_t dflt) const;
  float getFloat(llvm::StringRef name, float dflt) const;
  std::string getString(llvm::StringRef name, llvm::StringRef dflt) const;
  llvm::SmallVector<int64_t> getInts(llvm::StringRef name) const;
  llvm::SmallVector<float> getFloats(llvm::StringRef name) const;

  /// An error at the node, prefixed with "<OpType> node '<name>': ".
  mlir::InFlightDiagnostic error();

  /// Checks that input `i` is present (error naming `what` otherwise).
  mlir::LogicalResult require(size_t i, llvm::StringRef what);
  /// Checks that input `i` is a floating-point tensor.
  mlir::LogicalResult requireFloat(size_t i, llvm::StringRef what);

  /// Whether `v` holds unsigned integers (ONNX UINT*).
  bool isUnsigned(mlir::Value v) const;
  void markUnsigned(mlir::Value v);
  /// Records the signedness of result `v` (it then does not follow input 0).
  void setUnsigned(mlir::Value v, bool isUnsigned);

  /// The compile-time value of `v`: an arith.constant, or (when
  /// `allowInputs`) a graph input with a value in ImportOptions::inputValues
  /// or a value the constant evaluator computed from such inputs.
  /// Operands that must be compile-time (shapes, axes, scales) allow inputs;
  /// import-time folding of data does not.
  std::optional<mlir::DenseElementsAttr>
  constant(mlir::Value v, bool allowInputs = true) const;
  /// The compile-time integer values of `v` (any integer type).
  std::optional<llvm::SmallVector<int64_t>>
  constInts(mlir::Value v, bool allowInputs = true) const;
  /// An i64 constant tensor of `shape` holding `values`.
  mlir::Value constI64(llvm::ArrayRef<int64_t> values,
                       llvm::ArrayRef<int64_t> shape);
  mlir::Value constI64(llvm::ArrayRef<int64_t> values) {
    return constI64(values, {(int64_t)values.size()});
  }

  /// The importer's tensor reader (for tensor-valued attributes).
  TensorReader &reader();

  /// Imports `graph`, the subgraph attribute `attrName` of this node, at the
  /// builder's insertion point (If branches, loop bodies) with its inputs
  /// bound to `inputs`: its nodes read the values of the enclosing graphs,
  /// and its own names do not outlive it. Returns one value per subgraph
  /// output; an error was reported otherwise.
  mlir::FailureOr<llvm::SmallVector<mlir::Value>>
  importSubgraph(const onnx::GraphProto &graph, llvm::StringRef attrName,
                 llvm::ArrayRef<mlir::Value> inputs = {});

  GraphImporter &importer;

private:
  llvm::SmallVector<mlir::Value> inputs;
};

//===----------------------------------------------------------------------===//
// Import-time evaluation (ConstantEvaluator.cpp)
//===----------------------------------------------------------------------===//

/// A value known at import time, with the signedness of its integers.
struct KnownValue {
  mlir::DenseElementsAttr attr;
  bool isUnsigned = false;
};

/// The most elements an evaluated node reads or writes (shape arithmetic and
/// small tables, not weights).
constexpr int64_t kMaxFoldElements = 4096;

/// Transpose's `perm` attribute of the node (default: the dims reversed), or
/// nullopt when it is not a permutation of `rank` dims.
std::optional<llvm::SmallVector<int64_t>> transposePerm(NodeContext &ctx,
                                                        int64_t rank);

/// Evaluates `ctx.node` on the host when every present input is known
/// (ctx.constant(input, allowInputs)) and the evaluator covers its op type:
/// one value per node output, or nullopt (the op importer then builds IR and
/// reports any error).
std::optional<llvm::SmallVector<KnownValue>> evaluateNode(NodeContext &ctx,
                                                          bool allowInputs);

/// An op importer: builds IR for `ctx.node` and appends one value per node
/// output (null for outputs it does not produce; only allowed when unused).
using OpImporterFn = mlir::LogicalResult (*)(
    NodeContext &ctx, llvm::SmallVectorImpl<mlir::Value> &results);
/// Keyed by opTableKey(domain, op_type).
using OpTable = llvm::StringMap<OpImporterFn>;

/// The domain lpc files an op under: "" for ONNX ("ai.onnx" too), and
/// "qonnx.custom_op.general" for QONNX's older "finn.custom_op.general".
std::string canonicalDomain(llvm::StringRef domain);
/// The op table key of `opType` in `domain` (canonical): the bare op type in
/// the ONNX domain, "<domain>::<opType>" in any other.
std::string opTableKey(llvm::StringRef domain, llvm::StringRef opType);

void registerElementwiseOps(OpTable &table);
void registerNNOps(OpTable &table);
void registerReductionOps(OpTable &table);
void registerShapeOps(OpTable &table);
void registerResizeOps(OpTable &table);
/// Trigonometric, hyperbolic, bitwise, IsInf/IsNaN and the activations
/// ElementwiseOps.cpp lacks (MathOps.cpp).
void registerMathOps(OpTable &table);
/// ArgMax/ArgMin, Trilu, CumSum, TopK, OneHot, EyeLike and the Gather /
/// Scatter variants (IndexOps.cpp).
void registerIndexOps(OpTable &table);
/// LSTM, GRU, RNN (RecurrentOps.cpp).
void registerRecurrentOps(OpTable &table);
/// If, Loop, Scan (ControlFlowOps.cpp).
void registerControlFlowOps(OpTable &table);
/// QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear, MatMulInteger,
/// ConvInteger, QLinearMatMul, QLinearConv (QuantOps.cpp).
void registerQuantOps(OpTable &table);
/// com.microsoft: MatMulNBits, DequantizeLinear, QuantizeLinear
/// (MicrosoftOps.cpp; after registerQuantOps, whose importers the latter two
/// reuse).
void registerMicrosoftOps(OpTable &table);
/// QONNX: Quant, IntQuant, BipolarQuant, FloatQuant, Trunc (QONNXOps.cpp).
void registerQONNXOps(OpTable &table);

/// ONNX MatMul of `a` and `b` (numpy semantics: rank-1 operands, broadcast
/// batch dimensions) for float or integer elements of one type (NNOps.cpp).
mlir::FailureOr<mlir::Value> matMul(NodeContext &ctx, mlir::Value a,
                                    mlir::Value b);
/// ONNX Conv of `x` by `w` without bias, reading the node's kernel_shape,
/// strides, dilations, pads, auto_pad and group; float or integer elements
/// of one type, padding with 0 (NNOps.cpp).
mlir::FailureOr<mlir::Value> convolution(NodeContext &ctx, mlir::Value x,
                                         mlir::Value w);

//===----------------------------------------------------------------------===//
// IR-building helpers (Builders.cpp)
//===----------------------------------------------------------------------===//

using BodyFn = llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                              mlir::ValueRange)>;

mlir::RankedTensorType tensorType(mlir::Value v);
llvm::ArrayRef<int64_t> shapeOf(mlir::Value v);
mlir::Type elemOf(mlir::Value v);
int64_t numElements(llvm::ArrayRef<int64_t> shape);

/// Normalises a possibly negative axis; fails when out of [-rank, rank).
std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank);

/// What ONNX Slice reads of a tensor of `shape`: `starts`/`ends` (negative
/// from the end, clamped as the operator says), `axes` (default 0, 1, ...)
/// and `steps` (default 1) give per dim the first index, the count and the
/// stride (`offsets`, `sizes`, `strides`, whole dims where no axis names
/// them). Returns "" or why the operands are invalid.
std::string sliceBounds(llvm::ArrayRef<int64_t> shape,
                        llvm::ArrayRef<int64_t> starts,
                        llvm::ArrayRef<int64_t> ends,
                        llvm::ArrayRef<int64_t> axes,
                        llvm::ArrayRef<int64_t> steps,
                        llvm::SmallVectorImpl<int64_t> &offsets,
                        llvm::SmallVectorImpl<int64_t> &sizes,
                        llvm::SmallVectorImpl<int64_t> &strides);

mlir::Value emptyTensor(mlir::OpBuilder &b, mlir::Location loc,
                        llvm::ArrayRef<int64_t> shape, mlir::Type elem);
/// A scalar constant of `type` (float or integer) with value `v`.
mlir::Value scalarConst(mlir::OpBuilder &b, mlir::Location loc, mlir::Type type,
                        double v);
/// A tensor of `shape` filled with the scalar `value`.
mlir::Value filled(mlir::OpBuilder &b, mlir::Location loc,
                   llvm::ArrayRef<int64_t> shape, mlir::Value value);

/// The multidirectional (numpy) broadcast of `shapes`, or nullopt.
std::optional<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<llvm::ArrayRef<int64_t>> shapes);

/// An elementwise linalg.generic over `inputs` broadcast (numpy rules) to
/// `outShape`, whose body `body` maps the scalar inputs to one `outElem`.
mlir::Value elementwise(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::ValueRange inputs,
                        llvm::ArrayRef<int64_t> outShape, mlir::Type outElem,
                        BodyFn body);

/// Reduces `input` over `axes` (normalised, sorted) starting from `init`
/// with `combine(acc, x)`; keeps reduced dimensions as 1 when `keepDims`.
/// `pre` (optional) maps each input element before combining.
mlir::Value reduce(mlir::OpBuilder &b, mlir::Location loc, mlir::Value input,
                   llvm::ArrayRef<int64_t> axes, bool keepDims,
                   mlir::TypedAttr init, BodyFn combine);

/// Reshapes a static tensor to `shape` (same element count) with
/// tensor.collapse_shape / tensor.expand_shape.
mlir::Value reshape(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                    llvm::ArrayRef<int64_t> shape);

/// Permutes the dimensions of `v` (linalg.transpose).
mlir::Value transpose(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                      llvm::ArrayRef<int64_t> perm);

/// out[batch..., m, n] = sum_k a[batch..., m, k] * b[batch..., k, n] (k
/// ascending, one multiply and one add per term) with numpy batch
/// broadcasting; `transA`/`transB` read the operands transposed (NNOps.cpp).
mlir::Value contraction(mlir::OpBuilder &b, mlir::Location loc, mlir::Value lhs,
                        mlir::Value rhs, llvm::ArrayRef<int64_t> batch,
                        int64_t m, int64_t n, int64_t kdim, bool transA,
                        bool transB);

/// Converts the scalar `v` to `to` (ONNX Cast semantics: float->int
/// truncates toward zero, int->bool is `!= 0`, float->bool is `!= 0`).
mlir::Value convertScalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                          mlir::Type to, bool srcUnsigned, bool dstUnsigned);

/// A float tensor converted elementwise to the float type `to` (extension is
/// exact, truncation rounds to nearest even); `v` itself when it has `to`.
mlir::Value convertFloats(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                          mlir::Type to);

/// The integer scalar `i` as an index into a dimension of size `dim`:
/// negative values count from the end, and out-of-range ones (undefined in
/// ONNX) are clamped so that the access stays in bounds.
mlir::Value indexInRange(mlir::OpBuilder &b, mlir::Location loc, mlir::Value i,
                         int64_t dim, bool isUnsigned);

/// Pads `v` with `value` by `low`/`high` per dimension (tensor.pad).
mlir::Value pad(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                llvm::ArrayRef<int64_t> low, llvm::ArrayRef<int64_t> high,
                mlir::Value value);

/// A static slice `v[offsets : offsets + sizes : strides]`
/// (tensor.extract_slice).
mlir::Value slice(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                  llvm::ArrayRef<int64_t> offsets,
                  llvm::ArrayRef<int64_t> sizes,
                  llvm::ArrayRef<int64_t> strides);

} // namespace lpc::frontend

#endif // LPC_LIB_FRONTEND_ONNX_IMPORTERIMPL_H
