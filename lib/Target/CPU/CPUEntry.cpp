//===- CPUEntry.cpp - Destination-passing entry + signature string --------===//

#include "lpc/Target/CPU/Passes.h"

#include "lpc/Dialect/LQ/IR/Format.h"
#include "lpc/Support/ABISignature.h"
#include "lpc/Support/ONNXMLIRTypes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace lpc {
#define GEN_PASS_DEF_LPCCPUENTRY
#include "lpc/Target/CPU/Passes.h.inc"
} // namespace lpc

using namespace mlir;

namespace {

/// The dtype of argument/result `i` (`lpc.onnx_type`, else from the type).
int64_t dtypeOf(DictionaryAttr attrs, Type elem) {
  if (attrs)
    if (auto t = attrs.getAs<IntegerAttr>(lpc::cpu::kONNXTypeAttr))
      return t.getInt();
  return lpc::dtypes::onnxDTypeOf(elem, /*isUnsigned=*/false);
}

/// The element type a tensor of `elem` crosses the ABI with: lq codes as
/// their storage integer.
Type abiElementType(Type elem) {
  if (!elem.isIntOrFloat())
    return lpc::lq::getStorageType(elem);
  if (elem.isInteger(1))
    return IntegerType::get(elem.getContext(), 8);
  if (isa<FloatType>(elem) && elem.getIntOrFloatBitWidth() <= 8)
    return IntegerType::get(elem.getContext(), elem.getIntOrFloatBitWidth());
  return elem;
}

/// Converts `v` between a model tensor type and its ABI tensor type `to`:
/// bool <-> i8 by truncation/extension, small floats <-> integers by
/// bitcast, lq codes <-> storage integers by lq.bitcast.
Value convertAtABI(OpBuilder &b, Location loc, Value v, Type to) {
  Type from = cast<RankedTensorType>(v.getType()).getElementType();
  Type toElem = cast<RankedTensorType>(to).getElementType();
  if (!from.isIntOrFloat() || !toElem.isIntOrFloat())
    return lpc::lq::BitcastOp::create(b, loc, to, v);
  if (from.getIntOrFloatBitWidth() == toElem.getIntOrFloatBitWidth())
    return arith::BitcastOp::create(b, loc, to, v);
  if (from.isInteger(1))
    return arith::ExtUIOp::create(b, loc, to, v);
  return arith::TruncIOp::create(b, loc, to, v);
}

std::string nameOf(DictionaryAttr attrs, StringRef dflt) {
  if (attrs)
    if (auto n = attrs.getAs<StringAttr>(lpc::cpu::kNameAttr))
      return n.str();
  return dflt.str();
}

struct LPCCPUEntryPass : lpc::impl::LPCCPUEntryBase<LPCCPUEntryPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto model = module.lookupSymbol<func::FuncOp>(entry);
    if (!model || model.isExternal()) {
      module.emitError() << "lpc-cpu-entry: no function '" << entry
                         << "' with a body to wrap";
      return signalPassFailure();
    }
    if (module.lookupSymbol("lpc_main") || module.lookupSymbol("lpc_run")) {
      module.emitError() << "lpc-cpu-entry: the module already has an lpc "
                            "entry point (lpc_main or lpc_run)";
      return signalPassFailure();
    }
    FunctionType type = model.getFunctionType();
    SmallVector<Type> bufferTypes;
    std::string sig = lpc::abi::signatureHeader() + "\n";
    auto describe = [&](StringRef kind, unsigned i, Type t,
                        DictionaryAttr attrs, StringRef dflt) -> bool {
      auto tt = dyn_cast<RankedTensorType>(t);
      if (!tt || !tt.hasStaticShape()) {
        model.emitError() << "lpc-cpu-entry: " << kind << " " << i
                          << " must be a statically shaped tensor, got " << t;
        return false;
      }
      // lq codes of 2, 4 and 8 bits cross as ONNX's INT2/UINT2/INT4/UINT4/
      // INT8/UINT8
      // (their storage integers): integer formats by their signedness, other
      // formats (codebooks, minifloats) as unsigned raw codes. Other element
      // types have no dtype in the signature.
      Type modelElem = tt.getElementType();
      std::optional<lpc::lq::Format> format =
          modelElem.isIntOrFloat() ? std::nullopt
                                   : lpc::lq::getFormat(modelElem);
      if (!modelElem.isIntOrFloat() &&
          (!format ||
           (format->width != 2 && format->width != 4 && format->width != 8))) {
        model.emitError() << "lpc-cpu-entry: " << kind << " " << i
                          << " has element type " << modelElem
                          << ", which has no ONNX dtype to cross the C ABI "
                             "with (lq formats of 2, 4 and 8 bits do)";
        return false;
      }
      // BOOL crosses the ABI as one byte per element; FLOAT8 and FLOAT4 codes
      // as integers of their width (INT4, UINT4 and FLOAT4E2M1 end up
      // packed two per byte by lq-emulate-narrow-types, as ONNX stores them).
      Type elem = abiElementType(tt.getElementType());
      // A tensor without elements crosses as memref<0xT> (the bare-pointer
      // lowering rejects other shapes with a zero dimension); it carries no
      // data either way.
      bufferTypes.push_back(tt.getNumElements() == 0
                                ? MemRefType::get({0}, elem)
                                : MemRefType::get(tt.getShape(), elem));
      lpc::abi::SignatureEntry entry;
      entry.isOutput = kind == "output";
      entry.index = i;
      entry.dtype = format
                        ? lpc::dtypes::onnxDTypeOf(elem, !format->isInteger() ||
                                                             !format->isSigned)
                        : dtypeOf(attrs, tt.getElementType());
      entry.shape.assign(tt.getShape().begin(), tt.getShape().end());
      entry.name = nameOf(attrs, dflt);
      sig += lpc::abi::formatSignatureLine(entry) + "\n";
      return true;
    };
    for (unsigned i = 0; i < type.getNumInputs(); ++i)
      if (!describe("input", i, type.getInput(i), model.getArgAttrDict(i),
                    "input_" + std::to_string(i)))
        return signalPassFailure();
    for (unsigned i = 0; i < type.getNumResults(); ++i)
      if (!describe("output", i, type.getResult(i), model.getResultAttrDict(i),
                    "output_" + std::to_string(i)))
        return signalPassFailure();

    model.setPrivate();
    OpBuilder b(module.getBodyRegion());
    b.setInsertionPointToEnd(module.getBody());
    Location loc = model.getLoc();
    auto mainFn = func::FuncOp::create(b, loc, "lpc_main",
                                       b.getFunctionType(bufferTypes, {}));
    Block *body = mainFn.addEntryBlock();
    b.setInsertionPointToStart(body);
    SmallVector<Value> ins;
    for (unsigned i = 0; i < type.getNumInputs(); ++i) {
      auto buf = cast<MemRefType>(bufferTypes[i]);
      auto inType = cast<RankedTensorType>(type.getInput(i));
      if (inType.getNumElements() == 0) {
        ins.push_back(tensor::EmptyOp::create(b, loc, inType.getShape(),
                                              inType.getElementType()));
        continue;
      }
      Value t = bufferization::ToTensorOp::create(
          b, loc, RankedTensorType::get(buf.getShape(), buf.getElementType()),
          body->getArgument(i), /*restrict=*/true, /*writable=*/false);
      if (t.getType() != type.getInput(i))
        t = convertAtABI(b, loc, t, type.getInput(i));
      ins.push_back(t);
    }
    auto call = func::CallOp::create(b, loc, model, ins);
    for (unsigned i = 0; i < type.getNumResults(); ++i) {
      auto buf = cast<MemRefType>(bufferTypes[type.getNumInputs() + i]);
      if (buf.getNumElements() == 0)
        continue; // Nothing to write.
      Value r = call.getResult(i);
      auto bufTensor =
          RankedTensorType::get(buf.getShape(), buf.getElementType());
      if (r.getType() != bufTensor)
        r = convertAtABI(b, loc, r, bufTensor);
      auto op = bufferization::MaterializeInDestinationOp::create(
          b, loc, r, body->getArgument(type.getNumInputs() + i));
      op.setRestrict(true);
      op.setWritable(true);
    }
    func::ReturnOp::create(b, loc);
    module->setAttr(lpc::cpu::kNumInputsAttr,
                    b.getI64IntegerAttr(type.getNumInputs()));

    // The signature string and its accessor.
    b.setInsertionPointToEnd(module.getBody());
    auto ptrType = LLVM::LLVMPointerType::get(b.getContext());
    sig.push_back('\0');
    auto strType = LLVM::LLVMArrayType::get(b.getI8Type(), sig.size());
    LLVM::GlobalOp::create(b, loc, strType, /*isConstant=*/true,
                           LLVM::Linkage::Internal, "lpc_signature_text",
                           b.getStringAttr(sig));
    auto sigFn = LLVM::LLVMFuncOp::create(
        b, loc, "lpc_signature", LLVM::LLVMFunctionType::get(ptrType, {}));
    Block *sigBody = sigFn.addEntryBlock(b);
    b.setInsertionPointToStart(sigBody);
    Value addr =
        LLVM::AddressOfOp::create(b, loc, ptrType, "lpc_signature_text");
    LLVM::ReturnOp::create(b, loc, addr);
  }
};

} // namespace
