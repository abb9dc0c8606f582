//===- Report.cpp - Per-layer weight formats and sizes --------------------===//
//
// lq-report (Passes.td): what every layer's weights cost, read off the IR
// (formats, layouts, constant sizes); the IR does not change.
//
//===----------------------------------------------------------------------===//

#include "FuseQDQ.h"

#include "lpc/Dialect/LQ/IR/Format.h"
#include "lpc/Dialect/LQ/IR/LQ.h"
#include "lpc/Dialect/LQ/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/ToolOutputFile.h"

#include <cmath>

namespace lpc::lq {
#define GEN_PASS_DEF_LQREPORT
#include "lpc/Dialect/LQ/Transforms/Passes.h.inc"
} // namespace lpc::lq

using namespace mlir;
using namespace lpc::lq;

namespace {

struct Layer {
  std::string name, op, format, layout;
  int64_t weights = 0;
  int64_t bits = 0; // codes, scales, zero points, second-level scales
  /// lq-quantize's layer output SQNR on the calibration inputs, if any.
  std::optional<double> sqnr;
};

/// A layout as the report prints it: `block = [1, 128]`, `axis = 0`.
std::string str(LayoutAttr a) {
  std::string s;
  llvm::raw_string_ostream os(s);
  cast<Attribute>(a).print(os);
  StringRef r(s);
  r.consume_front("#lq.layout<");
  r.consume_back(">");
  return r.str();
}

std::string str(Type t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  t.print(os);
  return s;
}

int64_t numElements(Value v) {
  return cast<RankedTensorType>(v.getType()).getNumElements();
}

/// The stored bits of `v` when it is a compile-time constant (codes through
/// lq.bitcast, f32 tensors, lq.dequantize of constants, views of them);
/// nullopt for run-time values.
std::optional<int64_t> constantBits(Value v) {
  if (!v)
    return 0;
  Operation *def = v.getDefiningOp();
  if (!def)
    return std::nullopt;
  if (isa<arith::ConstantOp>(def)) {
    Type e = cast<RankedTensorType>(v.getType()).getElementType();
    return numElements(v) * (int64_t)e.getIntOrFloatBitWidth();
  }
  if (auto c = dyn_cast<BitcastOp>(def))
    return constantBits(c.getInput());
  if (isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(def))
    return constantBits(def->getOperand(0));
  if (auto d = dyn_cast<DequantizeOp>(def)) {
    std::optional<int64_t> a = constantBits(d.getInput()),
                           b = constantBits(d.getScale()),
                           c = constantBits(d.getZeroPoint());
    if (!a || !b || !c)
      return std::nullopt;
    return *a + *b + *c;
  }
  return std::nullopt;
}

/// The format of codes `v` as the report prints it.
std::string formatName(Value v) {
  return str(cast<RankedTensorType>(v.getType()).getElementType());
}

struct LQReportPass : lpc::lq::impl::LQReportBase<LQReportPass> {
  using Base::Base;

  void runOnOperation() override {
    std::vector<Layer> layers;
    getOperation()->walk([&](Operation *op) {
      if (auto mm = dyn_cast<MatmulOp>(op)) {
        std::optional<int64_t> bits = constantBits(mm.getRhs());
        std::optional<int64_t> s = constantBits(mm.getRhsScale()),
                               z = constantBits(mm.getRhsZeroPoint());
        if (!bits || !s || !z)
          return;
        layers.push_back({lpc::lq::detail::getNodeName(op->getLoc()), "matmul",
                          formatName(mm.getRhs()), str(mm.getRhsLayout()),
                          numElements(mm.getRhs()), *bits + *s + *z,
                          std::nullopt});
        if (auto a = mm->getAttrOfType<FloatAttr>("lq.calibration_sqnr"))
          layers.back().sqnr = a.getValueAsDouble();
      } else if (auto d = dyn_cast<DequantizeOp>(op)) {
        // A weight, not the second level of another dequantize's scales.
        bool feedsCompute = llvm::any_of(d->getUsers(), [&](Operation *u) {
          auto dq = dyn_cast<DequantizeOp>(u);
          auto m = dyn_cast<MatmulOp>(u);
          return !(dq && dq.getScale() == d.getResult()) &&
                 !(m && (m.getRhsScale() == d.getResult() ||
                         m.getLhsScale() == d.getResult()));
        });
        std::optional<int64_t> bits = constantBits(d.getResult());
        if (!feedsCompute || !bits)
          return;
        bool conv = llvm::any_of(d->getUsers(), [](Operation *u) {
          return isa<tensor::ExpandShapeOp>(u) ||
                 linalg::isaConvolutionOpInterface(
                     dyn_cast<linalg::LinalgOp>(u));
        });
        layers.push_back({lpc::lq::detail::getNodeName(op->getLoc()),
                          conv ? "conv" : "dequantize",
                          formatName(d.getInput()), str(d.getLayout()),
                          numElements(d.getInput()), *bits, std::nullopt});
        if (auto a = d->getAttrOfType<FloatAttr>("lq.calibration_sqnr"))
          layers.back().sqnr = a.getValueAsDouble();
      } else if (auto l = dyn_cast<linalg::LinalgOp>(op)) {
        bool matmul = lpc::lq::detail::matchMatmul(l).has_value();
        bool conv = !matmul && linalg::isaConvolutionOpInterface(l);
        if ((!matmul && !conv) || l.getNumDpsInputs() != 2)
          return;
        Value w = lpc::lq::detail::getViewedConstant(l.getDpsInputs()[1]);
        if (!w)
          return;
        layers.push_back({lpc::lq::detail::getNodeName(op->getLoc()),
                          matmul ? "matmul" : "conv", formatName(w), "-",
                          numElements(w), *constantBits(w), std::nullopt});
      }
    });
    print(layers);
    if (!json.empty() && failed(writeJSON(layers)))
      return signalPassFailure();
  }

  void print(ArrayRef<Layer> layers) {
    llvm::raw_ostream &os = llvm::errs();
    auto row = [&](StringRef name, StringRef op, StringRef format,
                   StringRef layout, StringRef weights, StringRef bpw,
                   StringRef bytes, StringRef sqnr) {
      os << llvm::left_justify(name, 24) << " " << llvm::left_justify(op, 10)
         << " " << llvm::left_justify(format, 24) << " "
         << llvm::left_justify(layout, 26) << " "
         << llvm::right_justify(weights, 10) << " "
         << llvm::right_justify(bpw, 8) << " "
         << llvm::right_justify(bytes, 10);
      if (!sqnr.empty())
        os << " " << llvm::right_justify(sqnr, 8);
      os << "\n";
    };
    auto fmt = [](double v, int digits) {
      std::string s;
      llvm::raw_string_ostream(s) << llvm::format("%.*f", digits, v);
      return s;
    };
    os << "lpc report: " << layers.size() << " layers with constant weights\n";
    // The SQNR column only where lq-quantize had calibration statistics.
    bool anySQNR =
        llvm::any_of(layers, [](const Layer &l) { return l.sqnr.has_value(); });
    row("layer", "op", "format", "layout", "weights", "bits/w", "bytes",
        anySQNR ? "sqnr_dB" : "");
    int64_t weights = 0, bits = 0;
    for (const Layer &l : layers) {
      row(l.name, l.op, l.format, l.layout, std::to_string(l.weights),
          fmt((double)l.bits / (double)l.weights, 3),
          std::to_string((l.bits + 7) / 8),
          !anySQNR ? ""
          : l.sqnr ? fmt(*l.sqnr, 2)
                   : "-");
      weights += l.weights;
      bits += l.bits;
    }
    row("total", "", "", "", std::to_string(weights),
        weights ? fmt((double)bits / (double)weights, 3) : "-",
        std::to_string((bits + 7) / 8), "");
  }

  LogicalResult writeJSON(ArrayRef<Layer> layers) {
    llvm::json::Array rows;
    int64_t weights = 0, bits = 0;
    for (const Layer &l : layers) {
      rows.push_back(llvm::json::Object{
          {"name", l.name},
          {"op", l.op},
          {"format", l.format},
          {"layout", l.layout},
          {"weights", l.weights},
          {"bits_per_weight", (double)l.bits / (double)l.weights},
          {"bytes", (l.bits + 7) / 8}});
      if (l.sqnr)
        rows.back().getAsObject()->insert(
            {"sqnr_db", std::isfinite(*l.sqnr) ? llvm::json::Value(*l.sqnr)
                                               : llvm::json::Value(nullptr)});
      weights += l.weights;
      bits += l.bits;
    }
    llvm::json::Object total{
        {"weights", weights},
        {"bytes", (bits + 7) / 8},
        {"bits_per_weight", weights ? (double)bits / (double)weights : 0.0}};
    std::string err;
    auto out = mlir::openOutputFile(json, &err);
    if (!out) {
      getOperation()->emitError()
          << "lq-report: cannot write '" << json << "': " << err;
      return failure();
    }
    out->os() << llvm::formatv("{0:2}\n", llvm::json::Value(llvm::json::Object{
                                              {"layers", std::move(rows)},
                                              {"total", std::move(total)}}));
    out->keep();
    return success();
  }
};

} // namespace
