//===- RecurrentOps.cpp - ONNX LSTM, GRU and RNN -----------------*- C++
//-*-===//
//
// The recurrent operators, unrolled over their static sequence length: per
// direction one contraction computes X * W^T for every step at once, then
// each step is one contraction H * R^T and elementwise gate arithmetic
// (linalg.generic), all ordinary ops the rest of the importer emits.
// Directions forward, reverse and bidirectional; the activations of the
// ONNX spec with activation_alpha/activation_beta; clip; sequence_lens (a
// batch entry stops updating its state after its length, and its Y rows are
// zero there); initial_h/initial_c; LSTM peepholes and input_forget; GRU
// linear_before_reset; layout 0 ([seq, batch, ...]) and 1 ([batch, seq,
// ...]).
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace lpc::frontend;

namespace {

using Results = SmallVectorImpl<Value>;

/// One activation of a recurrent op with its alpha and beta.
struct Activation {
  std::string name;
  double alpha = 0, beta = 0;
};

/// Builds the scalar activation `act` of `x`.
Value applyActivation(OpBuilder &b, Location l, const Activation &act,
                      Value x) {
  auto c = [&](double v) { return scalarConst(b, l, x.getType(), v); };
  auto mul = [&](Value p, Value q) {
    return arith::MulFOp::create(b, l, p, q);
  };
  auto add = [&](Value p, Value q) {
    return arith::AddFOp::create(b, l, p, q);
  };
  const std::string &n = act.name;
  if (n == "sigmoid") {
    Value e = math::ExpOp::create(b, l, arith::NegFOp::create(b, l, x));
    return arith::DivFOp::create(b, l, c(1), add(c(1), e));
  }
  if (n == "tanh")
    return math::TanhOp::create(b, l, x);
  if (n == "relu")
    return arith::MaximumFOp::create(b, l, x, c(0));
  if (n == "affine")
    return add(mul(c(act.alpha), x), c(act.beta));
  if (n == "leakyrelu" || n == "thresholdedrelu" || n == "elu") {
    Value small = arith::CmpFOp::create(
        b, l,
        n == "thresholdedrelu" ? arith::CmpFPredicate::OLE
                               : arith::CmpFPredicate::OLT,
        x, n == "thresholdedrelu" ? c(act.alpha) : c(0));
    Value low = n == "leakyrelu" ? mul(c(act.alpha), x)
                : n == "elu" ? mul(c(act.alpha), math::ExpM1Op::create(b, l, x))
                             : c(0);
    return arith::SelectOp::create(b, l, small, low, x);
  }
  if (n == "scaledtanh")
    return mul(c(act.alpha), math::TanhOp::create(b, l, mul(c(act.beta), x)));
  if (n == "hardsigmoid")
    return arith::MinimumFOp::create(
        b, l,
        arith::MaximumFOp::create(b, l, add(mul(c(act.alpha), x), c(act.beta)),
                                  c(0)),
        c(1));
  if (n == "softsign")
    return arith::DivFOp::create(b, l, x,
                                 add(c(1), math::AbsFOp::create(b, l, x)));
  // softplus
  return math::Log1pOp::create(b, l, math::ExpOp::create(b, l, x));
}

/// The node's `activations` (lower-cased) with their alphas and betas,
/// `perDir` per direction, or the defaults; an error names a bad entry.
FailureOr<SmallVector<Activation>> readActivations(NodeContext &ctx,
                                                   ArrayRef<StringRef> defaults,
                                                   int64_t numDirs) {
  SmallVector<std::string> names;
  if (const onnx::AttributeProto *a = ctx.attr("activations")) {
    for (const std::string &s : a->strings())
      names.push_back(llvm::StringRef(s).lower());
  } else {
    for (int64_t d = 0; d < numDirs; ++d)
      for (StringRef s : defaults)
        names.push_back(s.lower());
  }
  if ((int64_t)names.size() != (int64_t)defaults.size() * numDirs) {
    ctx.error() << "needs " << defaults.size() * numDirs << " activations, got "
                << names.size();
    return failure();
  }
  SmallVector<float> alphas = ctx.getFloats("activation_alpha");
  SmallVector<float> betas = ctx.getFloats("activation_beta");
  size_t ai = 0, bi = 0;
  SmallVector<Activation> acts;
  for (const std::string &n : names) {
    // Which activations read alpha / beta, and their defaults (those of
    // the ONNX operators of the same name, as ONNX Runtime uses).
    std::optional<double> alpha, beta;
    if (n == "leakyrelu")
      alpha = 0.01;
    else if (n == "thresholdedrelu" || n == "elu")
      alpha = 1.0;
    else if (n == "hardsigmoid")
      alpha = 0.2, beta = 0.5;
    else if (n == "scaledtanh")
      alpha = 1.0, beta = 1.0;
    else if (n == "affine")
      alpha = 1.0, beta = 0.0;
    else if (n != "sigmoid" && n != "tanh" && n != "relu" && n != "softsign" &&
             n != "softplus") {
      ctx.error() << "unsupported activation '" << n << "'";
      return failure();
    }
    Activation act{n, 0, 0};
    if (alpha)
      act.alpha = ai < alphas.size() ? alphas[ai++] : *alpha;
    if (beta)
      act.beta = bi < betas.size() ? betas[bi++] : *beta;
    acts.push_back(act);
  }
  return acts;
}

enum class Kind { RNN, GRU, LSTM };

/// The operands and attributes every recurrent op shares, normalised to
/// layout 0.
struct Recurrence {
  Kind kind;
  int64_t gates; // 1, 3, 4
  int64_t seq, batch, inputSize, hidden, numDirs;
  bool reverseOnly = false;
  Value x;            // [seq, batch, input]
  Value w, r;         // [dirs, gates*hidden, input|hidden]
  Value bias;         // [dirs, 2*gates*hidden] or null
  Value lens;         // [batch] (i32) or null when every length is seq
  Value initH, initC; // [dirs, batch, hidden] or null
  Value peep;         // [dirs, 3*hidden] or null
  std::optional<double> clip;
  SmallVector<Activation> acts;
  Type elem;
};

FailureOr<Recurrence> readRecurrence(NodeContext &ctx, Kind kind) {
  Recurrence rc;
  rc.kind = kind;
  rc.gates = kind == Kind::RNN ? 1 : kind == Kind::GRU ? 3 : 4;
  if (failed(ctx.requireFloat(0, "X")) || failed(ctx.requireFloat(1, "W")) ||
      failed(ctx.requireFloat(2, "R")))
    return failure();
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  int64_t layout = ctx.getInt("layout", 0);
  if (layout != 0 && layout != 1) {
    ctx.error() << "layout must be 0 or 1, got " << layout;
    return failure();
  }
  std::string dir = ctx.getString("direction", "forward");
  if (dir != "forward" && dir != "reverse" && dir != "bidirectional") {
    ctx.error() << "unknown direction '" << dir << "'";
    return failure();
  }
  rc.numDirs = dir == "bidirectional" ? 2 : 1;
  rc.reverseOnly = dir == "reverse";
  rc.x = ctx.input(0);
  rc.w = ctx.input(1);
  rc.r = ctx.input(2);
  rc.elem = elemOf(rc.x);
  ArrayRef<int64_t> xs = shapeOf(rc.x), ws = shapeOf(rc.w), rs = shapeOf(rc.r);
  if (xs.size() != 3) {
    ctx.error() << "X must have rank 3, got " << rc.x.getType();
    return failure();
  }
  if (layout == 1)
    rc.x = transpose(b, loc, rc.x, {1, 0, 2});
  xs = shapeOf(rc.x);
  rc.seq = xs[0];
  rc.batch = xs[1];
  rc.inputSize = xs[2];
  if (rs.size() != 3 || rs[0] != rc.numDirs || rs[1] % rc.gates != 0 ||
      rs[1] / rc.gates != rs[2]) {
    ctx.error() << "R must be [" << rc.numDirs << ", " << rc.gates
                << "*hidden_size, hidden_size], got " << rc.r.getType();
    return failure();
  }
  rc.hidden = rs[2];
  if (ctx.hasAttr("hidden_size") && ctx.getInt("hidden_size", 0) != rc.hidden) {
    ctx.error() << "hidden_size " << ctx.getInt("hidden_size", 0)
                << " differs from R's " << rc.hidden;
    return failure();
  }
  int64_t gh = rc.gates * rc.hidden;
  if (ws.size() != 3 || ws[0] != rc.numDirs || ws[1] != gh ||
      ws[2] != rc.inputSize) {
    ctx.error() << "W must be [" << rc.numDirs << ", " << gh << ", "
                << rc.inputSize << "], got " << rc.w.getType();
    return failure();
  }
  for (Value v : {rc.w, rc.r})
    if (elemOf(v) != rc.elem) {
      ctx.error() << "X, W and R must have one element type";
      return failure();
    }
  // Optional operands: B, sequence_lens, initial_h, initial_c, P.
  auto optional = [&](size_t i, StringRef what, ArrayRef<int64_t> shape,
                      Value &out) -> LogicalResult {
    if (!ctx.hasInput(i))
      return success();
    Value v = ctx.input(i);
    if (elemOf(v) != rc.elem || shapeOf(v) != shape) {
      InFlightDiagnostic d = ctx.error();
      d << what << " must be " << RankedTensorType::get(shape, rc.elem)
        << ", got " << v.getType();
      return failure();
    }
    out = v;
    return success();
  };
  if (failed(optional(3, "B", {rc.numDirs, 2 * gh}, rc.bias)))
    return failure();
  SmallVector<int64_t> stateShape =
      layout == 0 ? SmallVector<int64_t>{rc.numDirs, rc.batch, rc.hidden}
                  : SmallVector<int64_t>{rc.batch, rc.numDirs, rc.hidden};
  if (failed(optional(5, "initial_h", stateShape, rc.initH)))
    return failure();
  if (kind == Kind::LSTM &&
      (failed(optional(6, "initial_c", stateShape, rc.initC)) ||
       failed(optional(7, "P", {rc.numDirs, 3 * rc.hidden}, rc.peep))))
    return failure();
  if (layout == 1) {
    if (rc.initH)
      rc.initH = transpose(b, loc, rc.initH, {1, 0, 2});
    if (rc.initC)
      rc.initC = transpose(b, loc, rc.initC, {1, 0, 2});
  }
  if (ctx.hasInput(4)) {
    Value lens = ctx.input(4);
    if (!elemOf(lens).isInteger(32) || shapeOf(lens) != ArrayRef{rc.batch}) {
      ctx.error() << "sequence_lens must be tensor<" << rc.batch
                  << "xi32>, got " << lens.getType();
      return failure();
    }
    auto known = ctx.constInts(lens, /*allowInputs=*/false);
    bool allFull =
        known && llvm::all_of(*known, [&](int64_t n) { return n == rc.seq; });
    if (!allFull)
      rc.lens = lens;
  }
  if (ctx.hasAttr("clip"))
    rc.clip = ctx.getFloat("clip", 0);
  SmallVector<StringRef> defaults =
      kind == Kind::RNN   ? SmallVector<StringRef>{"Tanh"}
      : kind == Kind::GRU ? SmallVector<StringRef>{"Sigmoid", "Tanh"}
                          : SmallVector<StringRef>{"Sigmoid", "Tanh", "Tanh"};
  auto acts = readActivations(ctx, defaults, rc.numDirs);
  if (failed(acts))
    return failure();
  rc.acts = std::move(*acts);
  return rc;
}

/// The outputs of one direction: Y per step ([batch, hidden], in step
/// order), the final H and C.
struct DirectionResult {
  SmallVector<Value> ys;
  Value h, c;
};

DirectionResult runDirection(NodeContext &ctx, const Recurrence &rc, int64_t d,
                             bool reverse) {
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  Type elem = rc.elem;
  int64_t nb = rc.batch, hs = rc.hidden, gh = rc.gates * hs;
  ArrayRef<Activation> acts = ArrayRef(rc.acts).slice(
      d * (rc.acts.size() / rc.numDirs), rc.acts.size() / rc.numDirs);
  auto dirSlice = [&](Value v, int64_t rows, int64_t cols, int64_t off) {
    Value s = slice(b, loc, v, {d, off, 0}, {1, rows, cols}, {1, 1, 1});
    return reshape(b, loc, s, {rows, cols});
  };
  Value w = dirSlice(rc.w, gh, rc.inputSize, 0);
  Value r = dirSlice(rc.r, gh, hs, 0);
  // Bias rows: Wb + Rb, except GRU's Rbh when linear_before_reset (it goes
  // inside the reset gate's product).
  bool lbr = rc.kind == Kind::GRU && ctx.getInt("linear_before_reset", 0);
  Value wb, rb;
  if (rc.bias) {
    auto part = [&](int64_t off, int64_t len) {
      Value s = slice(b, loc, rc.bias, {d, off}, {1, len}, {1, 1});
      return reshape(b, loc, s, {len});
    };
    wb = part(0, gh);
    rb = part(gh, gh);
  }
  // X * W^T + Wb (+ Rb) for all steps: [seq*batch, gates*hidden].
  Value x2 = reshape(b, loc, rc.x, {rc.seq * nb, rc.inputSize});
  Value xw = contraction(b, loc, x2, w, {}, rc.seq * nb, gh, rc.inputSize,
                         false, true);
  if (wb) {
    SmallVector<Value> ins = {xw, wb};
    if (rc.kind != Kind::GRU)
      ins.push_back(rb);
    xw = elementwise(b, loc, ins, {rc.seq * nb, gh}, elem,
                     [](OpBuilder &bb, Location l, ValueRange a) -> Value {
                       Value v = arith::AddFOp::create(bb, l, a[0], a[1]);
                       if (a.size() > 2)
                         v = arith::AddFOp::create(bb, l, v, a[2]);
                       return v;
                     });
  }

  auto stateOr0 = [&](Value init) {
    if (!init)
      return filled(b, loc, {nb, hs}, scalarConst(b, loc, elem, 0));
    return dirSlice(init, nb, hs, 0);
  };
  Value h = stateOr0(rc.initH);
  Value c = rc.kind == Kind::LSTM ? stateOr0(rc.initC) : Value();
  SmallVector<Value> peeps;
  if (rc.kind == Kind::LSTM)
    for (int64_t k = 0; k < 3; ++k)
      peeps.push_back(rc.peep ? reshape(b, loc,
                                        slice(b, loc, rc.peep, {d, k * hs},
                                              {1, hs}, {1, 1}),
                                        {hs})
                              : Value());
  // Gate k of a [batch, gates*hidden] tensor.
  auto gate = [&](Value g, int64_t k) {
    return slice(b, loc, g, {0, k * hs}, {nb, hs}, {1, 1});
  };
  auto clipped = [&](OpBuilder &bb, Location l, Value v) -> Value {
    if (!rc.clip)
      return v;
    Value lim = scalarConst(bb, l, elem, *rc.clip);
    Value neg = scalarConst(bb, l, elem, -*rc.clip);
    return arith::MinimumFOp::create(
        bb, l, arith::MaximumFOp::create(bb, l, v, neg), lim);
  };
  auto act = [&](OpBuilder &bb, Location l, int64_t i, Value v) {
    return applyActivation(bb, l, acts[i], clipped(bb, l, v));
  };
  auto add = [](OpBuilder &bb, Location l, Value p, Value q) -> Value {
    return arith::AddFOp::create(bb, l, p, q);
  };
  auto mul = [](OpBuilder &bb, Location l, Value p, Value q) -> Value {
    return arith::MulFOp::create(bb, l, p, q);
  };
  SmallVector<int64_t> bh = {nb, hs};
  DirectionResult res;
  res.ys.resize(rc.seq);
  for (int64_t i = 0; i < rc.seq; ++i) {
    int64_t t = reverse ? rc.seq - 1 - i : i;
    Value xt = slice(b, loc, xw, {t * nb, 0}, {nb, gh}, {1, 1});
    Value hr = contraction(b, loc, h, r, {}, nb, gh, hs, false, true);
    Value hNew, cNew;
    if (rc.kind == Kind::RNN) {
      hNew = elementwise(b, loc, {xt, hr}, bh, elem,
                         [&](OpBuilder &bb, Location l, ValueRange a) {
                           return act(bb, l, 0, add(bb, l, a[0], a[1]));
                         });
    } else if (rc.kind == Kind::LSTM) {
      // Gates i, o, f, c; peepholes i, o, f.
      Value gi = gate(xt, 0), go = gate(xt, 1), gf = gate(xt, 2),
            gc = gate(xt, 3);
      Value ri = gate(hr, 0), ro = gate(hr, 1), rf = gate(hr, 2),
            rcg = gate(hr, 3);
      bool coupled = ctx.getInt("input_forget", 0);
      SmallVector<Value> ins = {gi, ri, gf, rf, gc, rcg, c};
      if (rc.peep)
        ins.append({peeps[0], peeps[2]});
      cNew = elementwise(
          b, loc, ins, bh, elem, [&](OpBuilder &bb, Location l, ValueRange a) {
            Value cp = a[6];
            Value pi = add(bb, l, a[0], a[1]), pf = add(bb, l, a[2], a[3]);
            if (rc.peep) {
              pi = add(bb, l, pi, mul(bb, l, a[7], cp));
              pf = add(bb, l, pf, mul(bb, l, a[8], cp));
            }
            Value iv = act(bb, l, 0, pi);
            Value fv = coupled ? (Value)arith::SubFOp::create(
                                     bb, l, scalarConst(bb, l, elem, 1), iv)
                               : act(bb, l, 0, pf);
            Value cv = act(bb, l, 1, add(bb, l, a[4], a[5]));
            return add(bb, l, mul(bb, l, fv, cp), mul(bb, l, iv, cv));
          });
      SmallVector<Value> oins = {go, ro, cNew};
      if (rc.peep)
        oins.push_back(peeps[1]);
      hNew = elementwise(b, loc, oins, bh, elem,
                         [&](OpBuilder &bb, Location l, ValueRange a) {
                           Value po = add(bb, l, a[0], a[1]);
                           if (rc.peep)
                             po = add(bb, l, po, mul(bb, l, a[3], a[2]));
                           return mul(bb, l, act(bb, l, 0, po),
                                      applyActivation(bb, l, acts[2], a[2]));
                         });
    } else {
      // GRU gates z, r, h.
      auto rbGate = [&](int64_t k) {
        return slice(b, loc, rb, {k * hs}, {hs}, {1});
      };
      auto preact = [&](int64_t k, Value fromH) {
        SmallVector<Value> ins = {gate(xt, k), fromH};
        if (rb)
          ins.push_back(rbGate(k));
        return ins;
      };
      auto sum = [&](OpBuilder &bb, Location l, ValueRange a) {
        Value v = a[0];
        for (Value u : a.drop_front())
          v = add(bb, l, v, u);
        return v;
      };
      Value zg = elementwise(b, loc, preact(0, gate(hr, 0)), bh, elem,
                             [&](OpBuilder &bb, Location l, ValueRange a) {
                               return act(bb, l, 0, sum(bb, l, a));
                             });
      Value rg = elementwise(b, loc, preact(1, gate(hr, 1)), bh, elem,
                             [&](OpBuilder &bb, Location l, ValueRange a) {
                               return act(bb, l, 0, sum(bb, l, a));
                             });
      Value hg;
      if (lbr) {
        // g(Xt*Wh + r . (Ht-1*Rh + Rbh) + Wbh)
        SmallVector<Value> ins = {gate(xt, 2), rg, gate(hr, 2)};
        if (rb)
          ins.push_back(rbGate(2));
        hg = elementwise(
            b, loc, ins, bh, elem,
            [&](OpBuilder &bb, Location l, ValueRange a) {
              Value inner = a[2];
              if (a.size() > 3)
                inner = add(bb, l, inner, a[3]);
              return act(bb, l, 1, add(bb, l, a[0], mul(bb, l, a[1], inner)));
            });
      } else {
        // g(Xt*Wh + (r . Ht-1)*Rh + Rbh + Wbh)
        Value rh = elementwise(b, loc, {rg, h}, bh, elem,
                               [&](OpBuilder &bb, Location l, ValueRange a) {
                                 return mul(bb, l, a[0], a[1]);
                               });
        Value rhGate = slice(b, loc, r, {2 * hs, 0}, {hs, hs}, {1, 1});
        Value prod =
            contraction(b, loc, rh, rhGate, {}, nb, hs, hs, false, true);
        hg = elementwise(b, loc, preact(2, prod), bh, elem,
                         [&](OpBuilder &bb, Location l, ValueRange a) {
                           return act(bb, l, 1, sum(bb, l, a));
                         });
      }
      hNew = elementwise(b, loc, {zg, hg, h}, bh, elem,
                         [&](OpBuilder &bb, Location l, ValueRange a) {
                           Value one = scalarConst(bb, l, elem, 1);
                           Value keep = arith::SubFOp::create(bb, l, one, a[0]);
                           return add(bb, l, mul(bb, l, keep, a[1]),
                                      mul(bb, l, a[0], a[2]));
                         });
    }
    Value y = hNew;
    if (rc.lens) {
      // Entries past their length keep their state and output zeros.
      Value lens2 = reshape(b, loc, rc.lens, {nb, 1});
      auto select = [&](Value fresh, Value old) {
        return elementwise(
            b, loc, {lens2, fresh, old}, bh, elem,
            [&](OpBuilder &bb, Location l, ValueRange a) -> Value {
              Value tc = scalarConst(bb, l, a[0].getType(), t);
              Value live = arith::CmpIOp::create(
                  bb, l, arith::CmpIPredicate::slt, tc, a[0]);
              return arith::SelectOp::create(bb, l, live, a[1], a[2]);
            });
      };
      y = select(hNew, filled(b, loc, bh, scalarConst(b, loc, elem, 0)));
      hNew = select(hNew, h);
      if (cNew)
        cNew = select(cNew, c);
    }
    h = hNew;
    c = cNew;
    res.ys[t] = y;
  }
  res.h = h;
  res.c = c;
  return res;
}

LogicalResult recurrentOp(NodeContext &ctx, Results &results, Kind kind) {
  FailureOr<Recurrence> rc = readRecurrence(ctx, kind);
  if (failed(rc))
    return failure();
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  int64_t layout = ctx.getInt("layout", 0);
  int64_t nd = rc->numDirs, nb = rc->batch, hs = rc->hidden, seq = rc->seq;
  SmallVector<DirectionResult> dirs;
  for (int64_t d = 0; d < nd; ++d)
    dirs.push_back(runDirection(ctx, *rc, d, rc->reverseOnly || d == 1));
  // Y: [seq, dirs, batch, hidden] (layout 1: [batch, seq, dirs, hidden]).
  SmallVector<int64_t> yShape = {seq, nd, nb, hs};
  Value y = emptyTensor(b, loc, yShape, rc->elem);
  for (int64_t d = 0; d < nd; ++d)
    for (int64_t t = 0; t < seq; ++t)
      y = tensor::InsertSliceOp::create(
          b, loc, reshape(b, loc, dirs[d].ys[t], {1, 1, nb, hs}), y,
          ValueRange{}, ValueRange{}, ValueRange{},
          ArrayRef<int64_t>{t, d, 0, 0}, ArrayRef<int64_t>{1, 1, nb, hs},
          ArrayRef<int64_t>{1, 1, 1, 1});
  auto stack = [&](bool cell) {
    Value s = emptyTensor(b, loc, {nd, nb, hs}, rc->elem);
    for (int64_t d = 0; d < nd; ++d)
      s = tensor::InsertSliceOp::create(
          b, loc, reshape(b, loc, cell ? dirs[d].c : dirs[d].h, {1, nb, hs}), s,
          ValueRange{}, ValueRange{}, ValueRange{}, ArrayRef<int64_t>{d, 0, 0},
          ArrayRef<int64_t>{1, nb, hs}, ArrayRef<int64_t>{1, 1, 1});
    return layout == 1 ? transpose(b, loc, s, {1, 0, 2}) : s;
  };
  results.push_back(layout == 1 ? transpose(b, loc, y, {2, 0, 1, 3}) : y);
  results.push_back(ctx.hasOutput(1) ? stack(false) : Value());
  if (kind == Kind::LSTM)
    results.push_back(ctx.hasOutput(2) ? stack(true) : Value());
  return success();
}

LogicalResult rnnOp(NodeContext &c, Results &r) {
  return recurrentOp(c, r, Kind::RNN);
}
LogicalResult gruOp(NodeContext &c, Results &r) {
  return recurrentOp(c, r, Kind::GRU);
}
LogicalResult lstmOp(NodeContext &c, Results &r) {
  return recurrentOp(c, r, Kind::LSTM);
}

} // namespace

void lpc::frontend::registerRecurrentOps(OpTable &t) {
  t["RNN"] = rnnOp;
  t["GRU"] = gruOp;
  t["LSTM"] = lstmOp;
}
