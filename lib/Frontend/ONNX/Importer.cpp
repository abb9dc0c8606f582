//===- Importer.cpp - ONNX graph to func + tensor dialects ----------------===//
//
// Reads the ModelProto, orders the nodes (rejecting cycles and undefined
// values), creates `func.func @main_graph` and calls one op importer per node.
// Each node's operations get the location
//   fused[NameLoc(<node name>), FileLineColLoc(<model file>, <node index>, 0)]
// so diagnostics and later per-layer options name ONNX nodes.
//
//===----------------------------------------------------------------------===//

#include "lpc/Frontend/ONNX/Importer.h"

#include "ImporterImpl.h"

#include "lpc/Dialect/LQ/IR/LQ.h"
#include "lpc/Target/CPU/ABIAttrs.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

using namespace mlir;
using namespace lpc::frontend;

namespace lpc::frontend {

/// Imports one ONNX graph into one function.
class GraphImporter {
public:
  GraphImporter(MLIRContext &ctx, const onnx::ModelProto &model, StringRef path,
                const ImportOptions &options)
      : ctx(ctx), b(&ctx), model(model), path(path.str()), options(options),
        reader(llvm::sys::path::parent_path(path).empty()
                   ? std::string(".")
                   : llvm::sys::path::parent_path(path).str()) {}

  OwningOpRef<ModuleOp> run();

  MLIRContext &ctx;
  OpBuilder b;
  const onnx::ModelProto &model;
  std::string path;
  const ImportOptions &options;
  TensorReader reader;
  llvm::StringMap<int64_t> opsets;
  llvm::StringMap<Value> values;
  DenseSet<Value> unsignedValues;
  /// Values whose op set their signedness (no inheritance from input 0).
  DenseSet<Value> signednessSet;
  /// Values known from ImportOptions::inputValues: graph inputs given a
  /// value, and what the constant evaluator computes from them.
  DenseMap<Value, DenseElementsAttr> knownValues;

  /// Imports `graph` (a node's subgraph attribute `attrName`) at the
  /// builder's insertion point, reading values of the enclosing scopes;
  /// its names do not outlive it. Returns one value per graph output.
  FailureOr<SmallVector<Value>> importSubgraph(const onnx::GraphProto &graph,
                                               const onnx::NodeProto &parent,
                                               Location parentLoc,
                                               StringRef attrName,
                                               ArrayRef<Value> inputs);

private:
  /// Imports the initializers and nodes of `graph` (nodes in dependency
  /// order) at the builder's insertion point.
  LogicalResult importNodes(const onnx::GraphProto &graph);
  LogicalResult importNode(const onnx::NodeProto &node, int64_t index);
  Location nodeLoc(const onnx::NodeProto &node, int64_t index);
  FailureOr<RankedTensorType> valueInfoType(const onnx::ValueInfoProto &info,
                                            Location loc, bool isInput,
                                            int *dtype);

  /// Node names of a subgraph are prefixed with "<parent>/<attribute>/", and
  /// their locations carry the parent's node index.
  std::string scope;
  int64_t scopeIndex = -1;
  /// The index of the main-graph node being imported.
  int64_t currentIndex = 0;
};

} // namespace lpc::frontend

//===----------------------------------------------------------------------===//
// NodeContext
//===----------------------------------------------------------------------===//

NodeContext::NodeContext(GraphImporter &importer, const onnx::NodeProto &node,
                         Location loc, int64_t opset, SmallVector<Value> inputs)
    : node(node), loc(loc), opset(opset), b(importer.b), importer(importer),
      inputs(std::move(inputs)) {}

const onnx::AttributeProto *NodeContext::attr(StringRef name) const {
  for (const auto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t NodeContext::getInt(StringRef name, int64_t dflt) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->i() : dflt;
}
float NodeContext::getFloat(StringRef name, float dflt) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->f() : dflt;
}
std::string NodeContext::getString(StringRef name, StringRef dflt) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->s() : dflt.str();
}
SmallVector<int64_t> NodeContext::getInts(StringRef name) const {
  const onnx::AttributeProto *a = attr(name);
  if (!a)
    return {};
  return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
}
SmallVector<float> NodeContext::getFloats(StringRef name) const {
  const onnx::AttributeProto *a = attr(name);
  if (!a)
    return {};
  return SmallVector<float>(a->floats().begin(), a->floats().end());
}

InFlightDiagnostic NodeContext::error() {
  InFlightDiagnostic d = emitError(loc);
  d << node.op_type() << " node '" << node.name() << "': ";
  return d;
}

LogicalResult NodeContext::require(size_t i, StringRef what) {
  if (hasInput(i))
    return success();
  return error() << "missing required input " << i << " (" << what << ")";
}

LogicalResult NodeContext::requireFloat(size_t i, StringRef what) {
  if (failed(require(i, what)))
    return failure();
  if (isa<FloatType>(elemOf(input(i))))
    return success();
  return error() << "input " << i << " (" << what
                 << ") must be a floating-point tensor, got "
                 << tensorType(input(i));
}

TensorReader &NodeContext::reader() { return importer.reader; }

FailureOr<SmallVector<Value>>
NodeContext::importSubgraph(const onnx::GraphProto &graph, StringRef attrName,
                            ArrayRef<Value> inputs) {
  return importer.importSubgraph(graph, node, loc, attrName, inputs);
}

bool NodeContext::isUnsigned(Value v) const {
  return importer.unsignedValues.contains(v);
}
void NodeContext::markUnsigned(Value v) {
  importer.unsignedValues.insert(v);
  importer.signednessSet.insert(v);
}
void NodeContext::setUnsigned(Value v, bool isUnsigned) {
  if (isUnsigned)
    importer.unsignedValues.insert(v);
  else
    importer.unsignedValues.erase(v);
  importer.signednessSet.insert(v);
}

std::optional<DenseElementsAttr> NodeContext::constant(Value v,
                                                       bool allowInputs) const {
  DenseElementsAttr attr;
  if (v && matchPattern(v, m_Constant(&attr)))
    return attr;
  if (!allowInputs)
    return std::nullopt;
  auto it = importer.knownValues.find(v);
  if (v && it != importer.knownValues.end())
    return it->second;
  return std::nullopt;
}

std::optional<SmallVector<int64_t>>
NodeContext::constInts(Value v, bool allowInputs) const {
  std::optional<DenseElementsAttr> attr = constant(v, allowInputs);
  if (!attr || !isa<IntegerType>(attr->getElementType()))
    return std::nullopt;
  SmallVector<int64_t> out;
  bool isUns = isUnsigned(v) || attr->getElementType().isInteger(1);
  for (const APInt &x : attr->getValues<APInt>())
    out.push_back(isUns ? (int64_t)x.getZExtValue() : x.getSExtValue());
  return out;
}

Value NodeContext::constI64(ArrayRef<int64_t> values, ArrayRef<int64_t> shape) {
  auto type = RankedTensorType::get(shape, b.getI64Type());
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(type, values));
}

//===----------------------------------------------------------------------===//
// GraphImporter
//===----------------------------------------------------------------------===//

std::string lpc::frontend::canonicalDomain(StringRef domain) {
  if (domain == "ai.onnx")
    return "";
  if (domain == "finn.custom_op.general")
    return "qonnx.custom_op.general";
  return domain.str();
}

std::string lpc::frontend::opTableKey(StringRef domain, StringRef opType) {
  if (domain.empty())
    return opType.str();
  return (domain + "::" + opType).str();
}

static const OpTable &opTable() {
  static OpTable table = [] {
    OpTable t;
    registerElementwiseOps(t);
    registerNNOps(t);
    registerReductionOps(t);
    registerShapeOps(t);
    registerResizeOps(t);
    registerControlFlowOps(t);
    registerRecurrentOps(t);
    registerMathOps(t);
    registerIndexOps(t);
    registerQuantOps(t);
    registerMicrosoftOps(t);
    registerQONNXOps(t);
    return t;
  }();
  return table;
}

Location GraphImporter::nodeLoc(const onnx::NodeProto &node, int64_t index) {
  std::string name = node.name().empty()
                         ? node.op_type() + "#" + std::to_string(index)
                         : node.name();
  int64_t line = scopeIndex >= 0 ? scopeIndex : index;
  return FusedLoc::get(&ctx, {NameLoc::get(StringAttr::get(&ctx, scope + name)),
                              FileLineColLoc::get(&ctx, path, line + 1, 0)});
}

FailureOr<RankedTensorType>
GraphImporter::valueInfoType(const onnx::ValueInfoProto &info, Location loc,
                             bool isInput, int *dtype) {
  const char *kind = isInput ? "input" : "output";
  if (!info.type().has_tensor_type()) {
    emitError(loc) << "graph " << kind << " '" << info.name()
                   << "' is not a tensor";
    return failure();
  }
  const auto &tt = info.type().tensor_type();
  *dtype = tt.elem_type();
  Type elem = getElementType(&ctx, *dtype);
  if (!elem) {
    emitError(loc) << "graph " << kind << " '" << info.name()
                   << "' has unsupported element type "
                   << onnxDTypeName(*dtype);
    return failure();
  }
  SmallVector<int64_t> shape;
  auto it = options.inputShapes.find(info.name());
  if (isInput && it != options.inputShapes.end()) {
    shape.assign(it->second.begin(), it->second.end());
    bool conflict =
        tt.has_shape() && tt.shape().dim_size() != (int)shape.size();
    for (int i = 0; !conflict && tt.has_shape() && i < tt.shape().dim_size();
         ++i) {
      const auto &d = tt.shape().dim(i);
      conflict =
          d.has_dim_value() && d.dim_value() >= 0 && d.dim_value() != shape[i];
    }
    if (conflict) {
      InFlightDiagnostic diag = emitError(loc);
      diag << "shape mismatch: input '" << info.name() << "' is given shape [";
      llvm::interleaveComma(shape, diag);
      diag << "] but the model declares [";
      llvm::interleave(
          tt.shape().dim(), diag,
          [&](const onnx::TensorShapeProto_Dimension &d) {
            if (d.has_dim_value())
              diag << d.dim_value();
            else
              diag << (d.dim_param().empty() ? "?" : d.dim_param());
          },
          ", ");
      diag << "]";
      return failure();
    }
    return RankedTensorType::get(shape, elem);
  }
  if (!tt.has_shape()) {
    if (!isInput)
      return RankedTensorType(); // Unknown: taken from the computed value.
    emitError(loc) << "graph input '" << info.name()
                   << "' has no shape; give one with --input-shape "
                   << info.name() << "=d0,d1,...";
    return failure();
  }
  for (auto [i, d] : llvm::enumerate(tt.shape().dim())) {
    if (d.has_dim_value() && d.dim_value() >= 0) {
      shape.push_back(d.dim_value());
      continue;
    }
    if (!isInput)
      return RankedTensorType();
    InFlightDiagnostic diag = emitError(loc);
    diag << "graph input '" << info.name() << "' has dynamic dimension " << i
         << " ('" << (d.dim_param().empty() ? "?" : d.dim_param())
         << "') in its shape [";
    llvm::interleave(
        tt.shape().dim(), diag,
        [&](const onnx::TensorShapeProto_Dimension &e) {
          if (e.has_dim_value())
            diag << e.dim_value();
          else
            diag << (e.dim_param().empty() ? "?" : e.dim_param());
        },
        ", ");
    diag << "] (lpc compiles static shapes): give its shape with "
            "--input-shape "
         << info.name() << "=d0,d1,... (`lpc run` takes it from the input)";
    return failure();
  }
  return RankedTensorType::get(shape, elem);
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node,
                                        int64_t index) {
  Location loc = nodeLoc(node, index);
  if (scopeIndex < 0)
    currentIndex = index;
  std::string domain = canonicalDomain(node.domain());
  auto opsetIt = opsets.find(domain);
  int64_t opset = opsetIt == opsets.end() ? 0 : opsetIt->second;
  const OpTable &table = opTable();
  auto fnIt = table.find(opTableKey(domain, node.op_type()));
  if (fnIt == table.end()) {
    emitError(loc) << "unsupported ONNX operator '" << node.op_type()
                   << "' (node '" << node.name() << "', domain '"
                   << (domain.empty() ? "ai.onnx" : domain) << "', opset "
                   << opset << ")";
    return failure();
  }
  SmallVector<Value> inputs;
  for (const std::string &name : node.input())
    inputs.push_back(name.empty() ? Value() : values.lookup(name));
  NodeContext nc(*this, node, loc, opset, inputs);
  SmallVector<Value> results;
  // A node on constants is evaluated (ConstantEvaluator.cpp), so that shape
  // computations reach the operands that must be compile-time as constants.
  if (auto folded = evaluateNode(nc, /*allowInputs=*/false)) {
    for (const KnownValue &k : *folded) {
      Value c = arith::ConstantOp::create(b, loc, k.attr);
      nc.setUnsigned(c, k.isUnsigned);
      results.push_back(c);
    }
  } else {
    if (failed(fnIt->second(nc, results)))
      return failure();
    // On values given for graph inputs, the IR stays (it reads the inputs at
    // run time), and the values are known to operands that must be
    // compile-time.
    bool readsKnown = llvm::any_of(
        inputs, [&](Value v) { return v && knownValues.count(v); });
    if (readsKnown)
      if (auto known = evaluateNode(nc, /*allowInputs=*/true))
        for (auto [v, k] : llvm::zip(results, *known))
          if (v && !knownValues.count(v))
            knownValues[v] = k.attr;
  }
  for (int i = 0; i < node.output_size(); ++i) {
    const std::string &name = node.output(i);
    if (name.empty())
      continue;
    Value v = i < (int)results.size() ? results[i] : Value();
    if (!v)
      return nc.error() << "output " << i << " ('" << name
                        << "') is not supported";
    // Unsigned-ness follows the first input unless the op decided.
    if (!inputs.empty() && inputs[0] && unsignedValues.contains(inputs[0]) &&
        !signednessSet.contains(v) && isa<IntegerType>(elemOf(v)) &&
        elemOf(v) == elemOf(inputs[0]) && node.op_type() != "Cast" &&
        node.op_type() != "Shape")
      unsignedValues.insert(v);
    values[name] = v;
  }
  return success();
}

/// The names `graph` reads from enclosing scopes: inputs of its nodes (and
/// of their subgraphs) that it does not define itself.
static void outerNames(const onnx::GraphProto &graph, llvm::StringSet<> &out) {
  llvm::StringSet<> defined;
  for (const auto &in : graph.input())
    defined.insert(in.name());
  for (const auto &init : graph.initializer())
    defined.insert(init.name());
  for (const auto &node : graph.node())
    for (const std::string &o : node.output())
      defined.insert(o);
  for (const auto &node : graph.node()) {
    for (const std::string &in : node.input())
      if (!in.empty() && !defined.contains(in))
        out.insert(in);
    for (const auto &a : node.attribute()) {
      llvm::StringSet<> inner;
      if (a.has_g())
        outerNames(a.g(), inner);
      for (const auto &g : a.graphs())
        outerNames(g, inner);
      for (const auto &n : inner)
        if (!defined.contains(n.getKey()))
          out.insert(n.getKey());
    }
  }
}

/// What `node` reads: its inputs, then the outer-scope names its subgraphs
/// read.
static SmallVector<std::string> nodeReads(const onnx::NodeProto &node) {
  SmallVector<std::string> reads(node.input().begin(), node.input().end());
  llvm::StringSet<> inner;
  for (const auto &a : node.attribute()) {
    if (a.has_g())
      outerNames(a.g(), inner);
    for (const auto &g : a.graphs())
      outerNames(g, inner);
  }
  for (const auto &n : inner)
    reads.push_back(n.getKey().str());
  return reads;
}

LogicalResult GraphImporter::importNodes(const onnx::GraphProto &graph) {
  Location fileLoc = FileLineColLoc::get(&ctx, path, 0, 0);
  for (const auto &init : graph.initializer()) {
    Location loc = NameLoc::get(b.getStringAttr(init.name()), fileLoc);
    ElementsAttr attr = reader.readWeights(init, loc);
    if (!attr)
      return failure();
    Value c = arith::ConstantOp::create(b, loc, cast<TypedAttr>(attr));
    values[init.name()] = c;
    if (isUnsignedDType(init.data_type()))
      unsignedValues.insert(c);
  }

  // Order the nodes: ONNX requires topological order, but a malformed model
  // may not be; a value no node, input or initializer defines is an error,
  // and so is a cycle.
  int numNodes = graph.node_size();
  llvm::StringMap<int> producer;
  for (int i = 0; i < numNodes; ++i)
    for (const std::string &out : graph.node(i).output())
      if (!out.empty())
        producer[out] = i;
  for (int i = 0; i < numNodes; ++i) {
    const onnx::NodeProto &node = graph.node(i);
    for (const std::string &in : nodeReads(node)) {
      if (in.empty() || values.count(in) || producer.count(in))
        continue;
      emitError(nodeLoc(node, i))
          << node.op_type() << " node '" << node.name() << "': input '" << in
          << "' is not a graph input, an initializer or a node output "
             "(missing initializer?)";
      return failure();
    }
  }
  SmallVector<int> order;
  SmallVector<int> state(numNodes, 0); // 0 new, 1 on stack, 2 done
  std::function<bool(int)> visit = [&](int i) -> bool {
    if (state[i] == 2)
      return true;
    if (state[i] == 1) {
      emitError(nodeLoc(graph.node(i), i))
          << "the graph has a cycle through node '" << graph.node(i).name()
          << "'";
      return false;
    }
    state[i] = 1;
    for (const std::string &in : nodeReads(graph.node(i))) {
      auto it = producer.find(in);
      if (!in.empty() && !values.count(in) && it != producer.end() &&
          !visit(it->second))
        return false;
    }
    state[i] = 2;
    order.push_back(i);
    return true;
  };
  for (int i = 0; i < numNodes; ++i)
    if (!visit(i))
      return failure();

  // Op importers may leave the builder inside the regions they build.
  Block *block = b.getInsertionBlock();
  for (int i : order) {
    b.setInsertionPointToEnd(block);
    if (failed(importNode(graph.node(i), i)))
      return failure();
  }
  b.setInsertionPointToEnd(block);

  return success();
}

FailureOr<SmallVector<Value>>
GraphImporter::importSubgraph(const onnx::GraphProto &graph,
                              const onnx::NodeProto &parent, Location parentLoc,
                              StringRef attrName, ArrayRef<Value> inputs) {
  // Names defined in the subgraph go out of scope with it.
  llvm::StringMap<Value> outer = values;
  std::string outerScope = scope;
  int64_t outerIndex = scopeIndex;
  StringRef parentName = parent.name();
  std::string name = parentName.empty() ? parent.op_type() : parentName.str();
  scope = outerScope + name + "/" + attrName.str() + "/";
  if (scopeIndex < 0)
    scopeIndex = currentIndex;
  llvm::scope_exit restore([&] {
    values = std::move(outer);
    scope = outerScope;
    scopeIndex = outerIndex;
  });
  for (auto [info, v] : llvm::zip(graph.input(), inputs))
    values[info.name()] = v;
  if (failed(importNodes(graph)))
    return failure();
  SmallVector<Value> results;
  for (const auto &out : graph.output()) {
    Value v = values.lookup(out.name());
    if (!v) {
      emitError(parentLoc) << parent.op_type() << " node '" << parent.name()
                           << "': " << attrName << " output '" << out.name()
                           << "' is not produced by any node";
      return failure();
    }
    results.push_back(v);
  }
  return results;
}

OwningOpRef<ModuleOp> GraphImporter::run() {
  const onnx::GraphProto &graph = model.graph();
  Location fileLoc = FileLineColLoc::get(&ctx, path, 0, 0);
  for (const auto &imp : model.opset_import()) {
    std::string domain = canonicalDomain(imp.domain());
    opsets[domain] = imp.version();
  }
  // IR versions up to 14 and opsets up to 28 are those of ONNX 1.23
  // (docs/Rationale.md: what changed after opset 23 for the operators lpc
  // imports, and why no importer needs to know).
  if (model.ir_version() < 3 || model.ir_version() > 14) {
    emitError(fileLoc) << "unsupported ONNX IR version " << model.ir_version()
                       << " (lpc reads IR versions 3 to 14)";
    return nullptr;
  }
  auto defaultOpset = opsets.find("");
  if (defaultOpset == opsets.end() || defaultOpset->second < 1 ||
      defaultOpset->second > 28) {
    emitError(fileLoc) << "unsupported default-domain opset "
                       << (defaultOpset == opsets.end() ? 0
                                                        : defaultOpset->second)
                       << " (lpc reads opsets 1 to 28)";
    return nullptr;
  }

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  b.setInsertionPointToEnd(module->getBody());

  // Initializers first: graph inputs that have one are constants.
  llvm::StringMap<const onnx::TensorProto *> initializers;
  for (const auto &init : graph.initializer())
    initializers[init.name()] = &init;

  SmallVector<Type> argTypes;
  SmallVector<const onnx::ValueInfoProto *> inputInfos;
  SmallVector<int> inputDTypes;
  for (const auto &in : graph.input()) {
    if (initializers.count(in.name()))
      continue;
    int dtype;
    FailureOr<RankedTensorType> type = valueInfoType(in, fileLoc, true, &dtype);
    if (failed(type))
      return nullptr;
    argTypes.push_back(*type);
    inputInfos.push_back(&in);
    inputDTypes.push_back(dtype);
  }
  auto func = func::FuncOp::create(b, fileLoc, options.entryName,
                                   b.getFunctionType(argTypes, {}));
  Block *body = func.addEntryBlock();
  b.setInsertionPointToStart(body);
  for (size_t i = 0; i < inputInfos.size(); ++i) {
    const auto *info = inputInfos[i];
    Value arg = body->getArgument(i);
    values[info->name()] = arg;
    if (isUnsignedDType(inputDTypes[i]))
      unsignedValues.insert(arg);
    func.setArgAttr(i, lpc::cpu::kNameAttr, b.getStringAttr(info->name()));
    func.setArgAttr(i, lpc::cpu::kONNXTypeAttr,
                    b.getI64IntegerAttr(inputDTypes[i]));
    auto known = options.inputValues.find(info->name());
    if (known != options.inputValues.end()) {
      auto badValue = [&](const Twine &why) {
        emitError(fileLoc) << "the value given for input '" << info->name()
                           << "' " << why;
        return nullptr;
      };
      onnx::TensorProto proto;
      if (!proto.ParseFromString(known->second))
        return badValue("is not a TensorProto");
      DenseElementsAttr attr = reader.read(proto, fileLoc);
      if (!attr)
        return nullptr;
      std::string have, want;
      llvm::raw_string_ostream(have) << attr.getType();
      llvm::raw_string_ostream(want) << arg.getType();
      if (attr.getType() != arg.getType())
        return badValue("has type " + have + ", the input is " + want);
      knownValues[arg] = attr;
    }
  }
  if (failed(importNodes(graph)))
    return nullptr;

  // Results.
  b.setInsertionPointToEnd(body);
  SmallVector<Value> results;
  SmallVector<Type> resultTypes;
  for (const auto &out : graph.output()) {
    Value v = values.lookup(out.name());
    if (!v) {
      emitError(fileLoc) << "graph output '" << out.name()
                         << "' is not produced by any node";
      return nullptr;
    }
    int dtype;
    FailureOr<RankedTensorType> declared =
        valueInfoType(out, fileLoc, false, &dtype);
    if (failed(declared))
      return nullptr;
    if (*declared && declared->getElementType() != elemOf(v)) {
      emitError(fileLoc) << "graph output '" << out.name() << "' is declared "
                         << *declared << " but computes " << v.getType();
      return nullptr;
    }
    if (*declared && declared->getShape() != shapeOf(v)) {
      emitError(fileLoc) << "shape mismatch: graph output '" << out.name()
                         << "' is declared " << *declared << " but computes "
                         << v.getType();
      return nullptr;
    }
    results.push_back(v);
    resultTypes.push_back(v.getType());
  }
  func::ReturnOp::create(b, fileLoc, results);
  func.setType(b.getFunctionType(argTypes, resultTypes));
  for (auto [i, out] : llvm::enumerate(graph.output())) {
    func.setResultAttr(i, lpc::cpu::kNameAttr, b.getStringAttr(out.name()));
    func.setResultAttr(
        i, lpc::cpu::kONNXTypeAttr,
        b.getI64IntegerAttr(onnxDTypeOf(elemOf(results[i]),
                                        unsignedValues.contains(results[i]))));
  }
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

void lpc::frontend::registerImporterDialects(DialectRegistry &registry) {
  registry.insert<arith::ArithDialect, func::FuncDialect, linalg::LinalgDialect,
                  math::MathDialect, scf::SCFDialect, tensor::TensorDialect,
                  lq::LQDialect>();
}

bool lpc::frontend::parseShapeList(StringRef text,
                                   SmallVectorImpl<int64_t> &shape) {
  shape.clear();
  text = text.trim();
  if (text.empty())
    return true;
  SmallVector<StringRef> parts;
  text.split(parts, ',');
  for (StringRef p : parts) {
    int64_t d;
    if (p.trim().getAsInteger(10, d) || d < 0)
      return false;
    shape.push_back(d);
  }
  return true;
}

/// Parses the ModelProto at `path`; false with `error` set on failure.
static bool parseModel(StringRef path, onnx::ModelProto &model,
                       std::string &error) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    error = "cannot read ONNX model: " + buffer.getError().message();
    return false;
  }
  google::protobuf::io::ArrayInputStream stream((*buffer)->getBufferStart(),
                                                (*buffer)->getBufferSize());
  google::protobuf::io::CodedInputStream coded(&stream);
  coded.SetTotalBytesLimit(INT_MAX);
  if (!model.ParseFromCodedStream(&coded) || !coded.ConsumedEntireMessage()) {
    error = "not a valid ONNX model (protobuf parse failed; truncated or "
            "corrupt file?)";
    return false;
  }
  if (!model.has_graph()) {
    error = "not a valid ONNX model (no graph)";
    return false;
  }
  return true;
}

llvm::Expected<std::vector<std::string>>
lpc::frontend::readGraphInputNames(StringRef path) {
  onnx::ModelProto model;
  std::string error;
  if (!parseModel(path, model, error))
    return llvm::createStringError(path.str() + ": " + error);
  llvm::StringSet<> inits;
  for (const auto &init : model.graph().initializer())
    inits.insert(init.name());
  std::vector<std::string> names;
  for (const auto &in : model.graph().input())
    if (!inits.contains(in.name()))
      names.push_back(in.name());
  return names;
}

OwningOpRef<ModuleOp>
lpc::frontend::importONNXFile(StringRef path, MLIRContext &context,
                              const ImportOptions &options) {
  DialectRegistry registry;
  registerImporterDialects(registry);
  context.appendDialectRegistry(registry);
  context.loadAllAvailableDialects();

  Location fileLoc = FileLineColLoc::get(&context, path, 0, 0);
  onnx::ModelProto model;
  std::string error;
  if (!parseModel(path, model, error)) {
    emitError(fileLoc) << error;
    return nullptr;
  }
  GraphImporter importer(context, model, path, options);
  return importer.run();
}
