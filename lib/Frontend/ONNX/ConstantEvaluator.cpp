//===- ConstantEvaluator.cpp - Import-time evaluation of ONNX nodes -------===//
//
// Evaluates a node whose inputs are all known at import time (constants, or
// graph inputs with a value in ImportOptions::inputValues) on host tensors,
// keyed on the op type: shape arithmetic (Gather, Slice, Concat, Unsqueeze,
// Squeeze, Split, Reshape, Cast, Add/Sub/Mul/Div/Mod, Range, Expand, Where,
// comparisons, ...) and small data movement. The importer calls it before an
// op's importer (docs/Rationale.md, "Shape subgraphs fold in the importer"),
// so no op importer needs to know how its operands were computed.
//
// Integers compute in their own width (wrapping, as the generated code does);
// floats in their own IEEE semantics with APFloat (correctly rounded, as the
// hardware is). A node the evaluator does not cover, with an operand it
// cannot decide (a division by zero, an index out of range), or with more
// than kMaxFoldElements elements in or out is left to its op importer, which
// reports the errors.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "llvm/ADT/APSInt.h"

#include <cmath>

using namespace mlir;
using namespace lpc::frontend;

namespace {

/// A host tensor: integers (any width, signless with a signedness flag, i1
/// for bool) or IEEE floats (f16, bf16, f32, f64), row-major.
struct HostTensor {
  SmallVector<int64_t> shape;
  Type elem;
  bool isUnsigned = false;
  std::vector<APInt> ints;
  std::vector<APFloat> floats;

  bool isFloat() const { return isa<FloatType>(elem); }
  int64_t size() const { return numElements(shape); }
  /// Element `i` as an int64 (integers only).
  int64_t intAt(int64_t i) const {
    return isUnsigned || elem.isInteger(1) ? (int64_t)ints[i].getZExtValue()
                                           : ints[i].getSExtValue();
  }
};

using Known = std::optional<HostTensor>;

/// Float types whose APFloat arithmetic is what the compiled code computes.
bool isIEEEFloat(Type t) {
  return t.isF16() || t.isBF16() || t.isF32() || t.isF64();
}

Known fromAttr(DenseElementsAttr attr, bool isUnsigned) {
  HostTensor t;
  auto type = cast<RankedTensorType>(attr.getType());
  t.shape.assign(type.getShape().begin(), type.getShape().end());
  t.elem = type.getElementType();
  t.isUnsigned = isUnsigned;
  if (isa<IntegerType>(t.elem)) {
    for (const APInt &v : attr.getValues<APInt>())
      t.ints.push_back(v);
  } else if (isIEEEFloat(t.elem)) {
    for (const APFloat &v : attr.getValues<APFloat>())
      t.floats.push_back(v);
  } else {
    return std::nullopt;
  }
  return t;
}

DenseElementsAttr toAttr(const HostTensor &t) {
  auto type = RankedTensorType::get(t.shape, t.elem);
  if (t.isFloat())
    return DenseElementsAttr::get(type, t.floats);
  return DenseElementsAttr::get(type, t.ints);
}

/// A tensor of `shape` whose element i is element src[i] of `t`.
HostTensor take(const HostTensor &t, ArrayRef<int64_t> shape,
                ArrayRef<int64_t> src) {
  HostTensor out;
  out.shape.assign(shape.begin(), shape.end());
  out.elem = t.elem;
  out.isUnsigned = t.isUnsigned;
  for (int64_t i : src) {
    if (t.isFloat())
      out.floats.push_back(t.floats[i]);
    else
      out.ints.push_back(t.ints[i]);
  }
  return out;
}

SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> s(shape.size(), 1);
  for (int64_t d = (int64_t)shape.size() - 2; d >= 0; --d)
    s[d] = s[d + 1] * shape[d + 1];
  return s;
}

/// For each element of `outShape`, the linear index of the element of a
/// tensor of `shape` that numpy broadcasting reads.
SmallVector<int64_t> broadcastIndex(ArrayRef<int64_t> shape,
                                    ArrayRef<int64_t> outShape) {
  SmallVector<int64_t> outStrides = stridesOf(outShape);
  SmallVector<int64_t> inStrides = stridesOf(shape);
  int64_t offset = outShape.size() - shape.size();
  SmallVector<int64_t> idx;
  for (int64_t i = 0, n = numElements(outShape); i < n; ++i) {
    int64_t lin = 0;
    for (size_t d = 0; d < shape.size(); ++d) {
      int64_t coord = (i / outStrides[d + offset]) % outShape[d + offset];
      lin += (shape[d] == 1 ? 0 : coord) * inStrides[d];
    }
    idx.push_back(lin);
  }
  return idx;
}

HostTensor broadcastTo(const HostTensor &t, ArrayRef<int64_t> outShape) {
  return take(t, outShape, broadcastIndex(t.shape, outShape));
}

/// The evaluation of one node; inputs[i] is nullopt for an omitted input.
class Evaluator {
public:
  Evaluator(NodeContext &ctx, ArrayRef<Known> inputs)
      : ctx(ctx), inputs(inputs) {}

  /// One tensor per node output, or nullopt.
  std::optional<SmallVector<HostTensor>> run();

private:
  NodeContext &ctx;
  ArrayRef<Known> inputs;

  bool has(size_t i) const { return i < inputs.size() && inputs[i]; }
  const HostTensor &in(size_t i) const { return *inputs[i]; }
  /// The integer list of input `i` (opset >= `since`) or attribute `name`.
  std::optional<SmallVector<int64_t>> ints(size_t i, StringRef name,
                                           int64_t since) const;

  std::optional<HostTensor> unary(StringRef op);
  std::optional<HostTensor> binary(StringRef op, const HostTensor &a,
                                   const HostTensor &b);
  std::optional<HostTensor> cast(const HostTensor &x, Type to, bool toUns);
  std::optional<HostTensor> where();
  std::optional<HostTensor> gather();
  std::optional<HostTensor> slice();
  std::optional<HostTensor> concat();
  std::optional<HostTensor> reshapeTo(const HostTensor &x,
                                      ArrayRef<int64_t> shape);
  std::optional<HostTensor> reshape();
  std::optional<HostTensor> squeeze(bool unsqueeze);
  std::optional<HostTensor> transpose();
  std::optional<HostTensor> tile();
  std::optional<HostTensor> range();
  std::optional<SmallVector<HostTensor>> split();
};

std::optional<SmallVector<int64_t>> Evaluator::ints(size_t i, StringRef name,
                                                    int64_t since) const {
  if (ctx.opset < since)
    return ctx.getInts(name);
  if (!has(i))
    return SmallVector<int64_t>();
  const HostTensor &t = in(i);
  if (t.isFloat())
    return std::nullopt;
  SmallVector<int64_t> v;
  for (int64_t k = 0; k < t.size(); ++k)
    v.push_back(t.intAt(k));
  return v;
}

std::optional<HostTensor> Evaluator::unary(StringRef op) {
  HostTensor x = in(0);
  if (op == "Not") {
    if (!x.elem.isInteger(1))
      return std::nullopt;
    for (APInt &v : x.ints)
      v = ~v;
    return x;
  }
  if (x.size() == 0)
    return x;
  if (x.isFloat()) {
    const llvm::fltSemantics &sem = x.floats.front().getSemantics();
    for (APFloat &v : x.floats) {
      if (op == "Neg")
        v.changeSign();
      else if (op == "Abs")
        v.clearSign();
      else if (op == "Relu") {
        // max(x, 0): -0 and negatives become +0, NaN stays.
        if (v.isNegative() && !v.isNaN())
          v = APFloat::getZero(sem);
      } else if (op == "Floor")
        v.roundToIntegral(APFloat::rmTowardNegative);
      else if (op == "Ceil")
        v.roundToIntegral(APFloat::rmTowardPositive);
      else if (op == "Round")
        v.roundToIntegral(APFloat::rmNearestTiesToEven);
      else if (op == "Reciprocal") {
        APFloat one(sem, 1);
        one.divide(v, APFloat::rmNearestTiesToEven);
        v = one;
      } else if (op == "Sqrt") {
        // sqrt in double rounded to a narrower type is correctly rounded
        // (double has more than 2p + 2 bits for f32, f16 and bf16).
        bool lost;
        APFloat d = v;
        d.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
        d = APFloat(std::sqrt(d.convertToDouble()));
        d.convert(sem, APFloat::rmNearestTiesToEven, &lost);
        v = d;
      } else
        return std::nullopt;
    }
    return x;
  }
  if (x.elem.isInteger(1))
    return std::nullopt;
  for (APInt &v : x.ints) {
    if (op == "Neg")
      v = -v;
    else if (op == "Abs" || op == "Relu") {
      if (!x.isUnsigned && v.isNegative())
        v = op == "Abs" ? -v : APInt::getZero(v.getBitWidth());
    } else
      return std::nullopt;
  }
  return x;
}

std::optional<HostTensor> Evaluator::binary(StringRef op, const HostTensor &a,
                                            const HostTensor &b) {
  if (a.elem != b.elem)
    return std::nullopt;
  auto shape = broadcastShapes({a.shape, b.shape});
  if (!shape)
    return std::nullopt;
  HostTensor x = broadcastTo(a, *shape), y = broadcastTo(b, *shape);
  bool isCompare = op == "Equal" || op == "Less" || op == "LessOrEqual" ||
                   op == "Greater" || op == "GreaterOrEqual";
  HostTensor out;
  out.shape = *shape;
  out.elem = isCompare ? IntegerType::get(a.elem.getContext(), 1) : a.elem;
  out.isUnsigned = isCompare ? false : a.isUnsigned;
  auto boolOf = [](bool v) { return APInt(1, v ? 1 : 0); };
  int64_t n = numElements(*shape);
  for (int64_t i = 0; i < n; ++i) {
    if (x.isFloat()) {
      APFloat p = x.floats[i], q = y.floats[i];
      if (isCompare) {
        APFloat::cmpResult c = p.compare(q);
        bool r = op == "Equal"  ? c == APFloat::cmpEqual
                 : op == "Less" ? c == APFloat::cmpLessThan
                 : op == "LessOrEqual"
                     ? c == APFloat::cmpLessThan || c == APFloat::cmpEqual
                 : op == "Greater"
                     ? c == APFloat::cmpGreaterThan
                     : c == APFloat::cmpGreaterThan || c == APFloat::cmpEqual;
        out.ints.push_back(boolOf(r));
        continue;
      }
      if (op == "Add")
        p.add(q, APFloat::rmNearestTiesToEven);
      else if (op == "Sub")
        p.subtract(q, APFloat::rmNearestTiesToEven);
      else if (op == "Mul")
        p.multiply(q, APFloat::rmNearestTiesToEven);
      else if (op == "Div")
        p.divide(q, APFloat::rmNearestTiesToEven);
      else if (op == "Max")
        p = llvm::maximum(p, q);
      else if (op == "Min")
        p = llvm::minimum(p, q);
      else if (op == "Mod" && ctx.getInt("fmod", 0))
        p.mod(q);
      else
        return std::nullopt;
      out.floats.push_back(p);
      continue;
    }
    const APInt &p = x.ints[i], &q = y.ints[i];
    bool uns = a.isUnsigned || a.elem.isInteger(1);
    if (isCompare) {
      bool r = op == "Equal"         ? p == q
               : op == "Less"        ? (uns ? p.ult(q) : p.slt(q))
               : op == "LessOrEqual" ? (uns ? p.ule(q) : p.sle(q))
               : op == "Greater"     ? (uns ? p.ugt(q) : p.sgt(q))
                                     : (uns ? p.uge(q) : p.sge(q));
      out.ints.push_back(boolOf(r));
      continue;
    }
    if (op == "And" || op == "Or" || op == "Xor") {
      if (!a.elem.isInteger(1))
        return std::nullopt;
      out.ints.push_back(op == "And"  ? (p & q)
                         : op == "Or" ? (p | q)
                                      : (p ^ q));
      continue;
    }
    if (a.elem.isInteger(1))
      return std::nullopt;
    if (op == "Add")
      out.ints.push_back(p + q);
    else if (op == "Sub")
      out.ints.push_back(p - q);
    else if (op == "Mul")
      out.ints.push_back(p * q);
    else if (op == "Max")
      out.ints.push_back(uns ? llvm::APIntOps::umax(p, q)
                             : llvm::APIntOps::smax(p, q));
    else if (op == "Min")
      out.ints.push_back(uns ? llvm::APIntOps::umin(p, q)
                             : llvm::APIntOps::smin(p, q));
    else if (op == "Div" || op == "Mod") {
      // A division by zero (or INT_MIN / -1) is left to the generated code.
      if (q.isZero() || (!uns && q.isAllOnes() && p.isMinSignedValue()))
        return std::nullopt;
      if (op == "Div") {
        out.ints.push_back(uns ? p.udiv(q) : p.sdiv(q));
      } else if (uns) {
        out.ints.push_back(p.urem(q));
      } else {
        // fmod = 1: the sign of the dividend (C); 0: of the divisor (Python).
        APInt r = p.srem(q);
        if (!ctx.getInt("fmod", 0) && !r.isZero() &&
            r.isNegative() != q.isNegative())
          r += q;
        out.ints.push_back(r);
      }
    } else
      return std::nullopt;
  }
  return out;
}

std::optional<HostTensor> Evaluator::cast(const HostTensor &x, Type to,
                                          bool toUns) {
  if (!to || !(isa<IntegerType>(to) || isIEEEFloat(to)))
    return std::nullopt;
  HostTensor out;
  out.shape = x.shape;
  out.elem = to;
  out.isUnsigned = toUns;
  bool srcUns = x.isUnsigned || x.elem.isInteger(1);
  for (int64_t i = 0; i < x.size(); ++i) {
    if (auto ft = dyn_cast<FloatType>(to)) {
      APFloat v(ft.getFloatSemantics());
      bool lost;
      if (x.isFloat()) {
        v = x.floats[i];
        v.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
      } else {
        v.convertFromAPInt(x.ints[i], !srcUns, APFloat::rmNearestTiesToEven);
      }
      out.floats.push_back(v);
      continue;
    }
    unsigned width = to.getIntOrFloatBitWidth();
    if (to.isInteger(1)) {
      out.ints.push_back(
          APInt(1, x.isFloat() ? !x.floats[i].isZero() : !x.ints[i].isZero()));
      continue;
    }
    if (x.isFloat()) {
      // Truncation toward zero; NaN and out-of-range values are undefined in
      // ONNX, so they are left to the generated code.
      APSInt r(width, toUns);
      bool exact;
      if (x.floats[i].convertToInteger(r, APFloat::rmTowardZero, &exact) &
          APFloat::opInvalidOp)
        return std::nullopt;
      out.ints.push_back(r);
      continue;
    }
    out.ints.push_back(srcUns ? x.ints[i].zextOrTrunc(width)
                              : x.ints[i].sextOrTrunc(width));
  }
  return out;
}

std::optional<HostTensor> Evaluator::where() {
  const HostTensor &c = in(0), &x = in(1), &y = in(2);
  if (!c.elem.isInteger(1) || x.elem != y.elem)
    return std::nullopt;
  auto shape = broadcastShapes({c.shape, x.shape, y.shape});
  if (!shape)
    return std::nullopt;
  HostTensor cb = broadcastTo(c, *shape), xb = broadcastTo(x, *shape),
             yb = broadcastTo(y, *shape);
  for (int64_t i = 0; i < cb.size(); ++i) {
    if (cb.ints[i].isZero()) {
      if (xb.isFloat())
        xb.floats[i] = yb.floats[i];
      else
        xb.ints[i] = yb.ints[i];
    }
  }
  return xb;
}

std::optional<HostTensor> Evaluator::gather() {
  const HostTensor &data = in(0), &idx = in(1);
  if (data.shape.empty() || idx.isFloat())
    return std::nullopt;
  auto axis = normalizeAxis(ctx.getInt("axis", 0), data.shape.size());
  if (!axis)
    return std::nullopt;
  int64_t dim = data.shape[*axis];
  SmallVector<int64_t> outShape(data.shape.begin(), data.shape.begin() + *axis);
  outShape.append(idx.shape.begin(), idx.shape.end());
  outShape.append(data.shape.begin() + *axis + 1, data.shape.end());
  int64_t outer = numElements(ArrayRef(data.shape).take_front(*axis));
  int64_t inner = numElements(ArrayRef(data.shape).drop_front(*axis + 1));
  SmallVector<int64_t> src;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t k = 0; k < idx.size(); ++k) {
      int64_t i = idx.intAt(k);
      if (i < -dim || i >= dim)
        return std::nullopt;
      if (i < 0)
        i += dim;
      for (int64_t j = 0; j < inner; ++j)
        src.push_back((o * dim + i) * inner + j);
    }
  return take(data, outShape, src);
}

std::optional<HostTensor> Evaluator::slice() {
  const HostTensor &x = in(0);
  int64_t rank = x.shape.size();
  auto starts = ints(1, "starts", 10), ends = ints(2, "ends", 10),
       axes = ints(3, "axes", 10), steps = ints(4, "steps", 10);
  if (!starts || !ends || !axes || !steps)
    return std::nullopt;
  SmallVector<int64_t> offsets, sizes, strides;
  if (!sliceBounds(x.shape, *starts, *ends, *axes, *steps, offsets, sizes,
                   strides)
           .empty())
    return std::nullopt;
  SmallVector<int64_t> inStrides = stridesOf(x.shape),
                       outStrides = stridesOf(sizes);
  SmallVector<int64_t> src;
  for (int64_t i = 0, n = numElements(sizes); i < n; ++i) {
    int64_t lin = 0;
    for (int64_t d = 0; d < rank; ++d)
      lin += (offsets[d] + ((i / outStrides[d]) % sizes[d]) * strides[d]) *
             inStrides[d];
    src.push_back(lin);
  }
  return take(x, sizes, src);
}

std::optional<HostTensor> Evaluator::concat() {
  if (inputs.empty() || !has(0))
    return std::nullopt;
  const HostTensor &first = in(0);
  int64_t rank = first.shape.size();
  auto axis = normalizeAxis(ctx.getInt("axis", 0), rank);
  if (!axis)
    return std::nullopt;
  SmallVector<int64_t> shape(first.shape);
  shape[*axis] = 0;
  for (size_t k = 0; k < inputs.size(); ++k) {
    if (!has(k) || in(k).elem != first.elem ||
        (int64_t)in(k).shape.size() != rank)
      return std::nullopt;
    for (int64_t d = 0; d < rank; ++d)
      if (d != *axis && in(k).shape[d] != first.shape[d])
        return std::nullopt;
    shape[*axis] += in(k).shape[*axis];
  }
  HostTensor out;
  out.shape = shape;
  out.elem = first.elem;
  out.isUnsigned = first.isUnsigned;
  int64_t outer = numElements(ArrayRef(shape).take_front(*axis));
  for (int64_t o = 0; o < outer; ++o)
    for (size_t k = 0; k < inputs.size(); ++k) {
      const HostTensor &t = in(k);
      int64_t chunk = numElements(ArrayRef(t.shape).drop_front(*axis));
      for (int64_t j = 0; j < chunk; ++j) {
        if (t.isFloat())
          out.floats.push_back(t.floats[o * chunk + j]);
        else
          out.ints.push_back(t.ints[o * chunk + j]);
      }
    }
  return out;
}

std::optional<HostTensor> Evaluator::reshapeTo(const HostTensor &x,
                                               ArrayRef<int64_t> shape) {
  if (numElements(shape) != x.size())
    return std::nullopt;
  HostTensor out = x;
  out.shape.assign(shape.begin(), shape.end());
  return out;
}

std::optional<HostTensor> Evaluator::reshape() {
  const HostTensor &x = in(0);
  auto target = ints(1, "shape", 5);
  if (!target)
    return std::nullopt;
  bool allowZero = ctx.getInt("allowzero", 0);
  SmallVector<int64_t> shape;
  int64_t inferred = -1, known = 1;
  for (auto [i, d] : llvm::enumerate(*target)) {
    if (d == 0 && !allowZero) {
      if (i >= x.shape.size())
        return std::nullopt;
      d = x.shape[i];
    }
    if (d == -1) {
      if (inferred >= 0)
        return std::nullopt;
      inferred = i;
      shape.push_back(1);
      continue;
    }
    if (d < 0)
      return std::nullopt;
    shape.push_back(d);
    known *= d;
  }
  if (inferred >= 0) {
    if (known == 0 || x.size() % known)
      return std::nullopt;
    shape[inferred] = x.size() / known;
  }
  return reshapeTo(x, shape);
}

std::optional<HostTensor> Evaluator::squeeze(bool unsqueeze) {
  const HostTensor &x = in(0);
  auto axes = ints(1, "axes", 13);
  if (!axes)
    return std::nullopt;
  SmallVector<int64_t> shape;
  if (unsqueeze) {
    int64_t rank = x.shape.size() + axes->size();
    SmallVector<bool> isNew(rank, false);
    for (int64_t a : *axes) {
      auto n = normalizeAxis(a, rank);
      if (!n || isNew[*n])
        return std::nullopt;
      isNew[*n] = true;
    }
    size_t j = 0;
    for (int64_t i = 0; i < rank; ++i)
      shape.push_back(isNew[i] ? 1 : x.shape[j++]);
    return reshapeTo(x, shape);
  }
  SmallVector<bool> drop(x.shape.size(), axes->empty());
  for (int64_t a : *axes) {
    auto n = normalizeAxis(a, x.shape.size());
    if (!n || x.shape[*n] != 1)
      return std::nullopt;
    drop[*n] = true;
  }
  for (size_t i = 0; i < x.shape.size(); ++i)
    if (!drop[i] || x.shape[i] != 1)
      shape.push_back(x.shape[i]);
  return reshapeTo(x, shape);
}

std::optional<HostTensor> Evaluator::transpose() {
  const HostTensor &x = in(0);
  int64_t rank = x.shape.size();
  std::optional<SmallVector<int64_t>> p = transposePerm(ctx, rank);
  if (!p)
    return std::nullopt;
  SmallVector<int64_t> perm = std::move(*p);
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(x.shape[p]);
  SmallVector<int64_t> inStrides = stridesOf(x.shape),
                       outStrides = stridesOf(shape);
  SmallVector<int64_t> src;
  for (int64_t i = 0, n = x.size(); i < n; ++i) {
    int64_t lin = 0;
    for (int64_t d = 0; d < rank; ++d)
      lin += ((i / outStrides[d]) % shape[d]) * inStrides[perm[d]];
    src.push_back(lin);
  }
  return take(x, shape, src);
}

std::optional<HostTensor> Evaluator::tile() {
  const HostTensor &x = in(0);
  auto reps = ints(1, "repeats", 0);
  if (!reps || reps->size() != x.shape.size())
    return std::nullopt;
  SmallVector<int64_t> shape;
  for (size_t d = 0; d < x.shape.size(); ++d) {
    if ((*reps)[d] < 0)
      return std::nullopt;
    shape.push_back(x.shape[d] * (*reps)[d]);
  }
  if (numElements(shape) > kMaxFoldElements)
    return std::nullopt;
  SmallVector<int64_t> inStrides = stridesOf(x.shape),
                       outStrides = stridesOf(shape);
  SmallVector<int64_t> src;
  for (int64_t i = 0, n = numElements(shape); i < n; ++i) {
    int64_t lin = 0;
    for (size_t d = 0; d < shape.size(); ++d)
      lin += (((i / outStrides[d]) % shape[d]) % x.shape[d]) * inStrides[d];
    src.push_back(lin);
  }
  return take(x, shape, src);
}

std::optional<HostTensor> Evaluator::range() {
  const HostTensor &s = in(0), &l = in(1), &d = in(2);
  if (s.elem != l.elem || s.elem != d.elem || s.size() != 1 || l.size() != 1 ||
      d.size() != 1)
    return std::nullopt;
  HostTensor out;
  out.elem = s.elem;
  out.isUnsigned = s.isUnsigned;
  if (s.isFloat()) {
    // n = max(ceil((limit - start) / delta), 0) and out[i] = start + i *
    // delta in double, rounded once to the element type (ONNX's reference
    // computes in numpy's double arithmetic).
    double start = s.floats[0].convertToDouble(),
           limit = l.floats[0].convertToDouble(),
           delta = d.floats[0].convertToDouble();
    double n = std::ceil((limit - start) / delta);
    if (delta == 0 || !std::isfinite(n) || n > kMaxFoldElements)
      return std::nullopt;
    out.shape = {std::max<int64_t>(0, (int64_t)n)};
    for (int64_t i = 0; i < out.shape[0]; ++i) {
      APFloat v(start + i * delta);
      bool lost;
      v.convert(s.floats[0].getSemantics(), APFloat::rmNearestTiesToEven,
                &lost);
      out.floats.push_back(v);
    }
    return out;
  }
  int64_t start = s.intAt(0), limit = l.intAt(0), delta = d.intAt(0);
  if (delta == 0)
    return std::nullopt;
  int64_t n = delta > 0 ? (limit - start + delta - 1) / delta
                        : (start - limit - delta - 1) / -delta;
  n = std::max<int64_t>(n, 0);
  if (n > kMaxFoldElements)
    return std::nullopt;
  out.shape = {n};
  unsigned width = s.elem.getIntOrFloatBitWidth();
  for (int64_t i = 0; i < n; ++i)
    out.ints.push_back(APInt(width, start + i * delta, /*isSigned=*/true));
  return out;
}

std::optional<SmallVector<HostTensor>> Evaluator::split() {
  const HostTensor &x = in(0);
  auto axis = normalizeAxis(ctx.getInt("axis", 0), x.shape.size());
  auto sizes = ints(1, "split", 13);
  if (!axis || !sizes)
    return std::nullopt;
  int64_t n = ctx.numOutputs(), dim = x.shape[*axis];
  if (sizes->empty()) {
    // Equal parts, the last one smaller (num_outputs since opset 18).
    int64_t parts = ctx.getInt("num_outputs", n);
    if (parts <= 0)
      return std::nullopt;
    int64_t chunk = (dim + parts - 1) / parts;
    for (int64_t i = 0; i < parts; ++i)
      sizes->push_back(std::max<int64_t>(0, std::min(chunk, dim - i * chunk)));
  }
  int64_t total = 0;
  for (int64_t sz : *sizes) {
    if (sz < 0)
      return std::nullopt;
    total += sz;
  }
  if ((int64_t)sizes->size() != n || total != dim)
    return std::nullopt;
  SmallVector<HostTensor> out;
  int64_t outer = numElements(ArrayRef(x.shape).take_front(*axis));
  int64_t inner = numElements(ArrayRef(x.shape).drop_front(*axis + 1));
  int64_t off = 0;
  for (int64_t sz : *sizes) {
    SmallVector<int64_t> shape(x.shape);
    shape[*axis] = sz;
    SmallVector<int64_t> src;
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t j = 0; j < sz * inner; ++j)
        src.push_back((o * dim + off) * inner + j);
    out.push_back(take(x, shape, src));
    off += sz;
  }
  return out;
}

std::optional<SmallVector<HostTensor>> Evaluator::run() {
  StringRef op = ctx.node.op_type();
  if (op == "Split" && has(0))
    return split();
  std::optional<HostTensor> r;
  auto need = [&](size_t n) {
    for (size_t i = 0; i < n; ++i)
      if (!has(i))
        return false;
    return true;
  };
  if (op == "Identity" && need(1)) {
    r = in(0);
  } else if ((op == "Neg" || op == "Abs" || op == "Relu" || op == "Floor" ||
              op == "Ceil" || op == "Round" || op == "Reciprocal" ||
              op == "Sqrt" || op == "Not") &&
             need(1)) {
    r = unary(op);
  } else if ((op == "Add" || op == "Sub" || op == "Mul" || op == "Div" ||
              op == "Mod" || op == "Equal" || op == "Less" ||
              op == "LessOrEqual" || op == "Greater" ||
              op == "GreaterOrEqual" || op == "And" || op == "Or" ||
              op == "Xor") &&
             need(2) && inputs.size() == 2) {
    r = binary(op, in(0), in(1));
  } else if ((op == "Max" || op == "Min" || op == "Sum") &&
             need(inputs.size()) && !inputs.empty()) {
    r = in(0);
    for (size_t i = 1; r && i < inputs.size(); ++i)
      r = binary(op == "Sum" ? "Add" : op, *r, in(i));
  } else if (op == "Cast" && need(1)) {
    int to = ctx.getInt("to", 0);
    r = cast(in(0), getElementType(ctx.b.getContext(), to),
             isUnsignedDType(to));
  } else if (op == "CastLike" && need(2)) {
    r = cast(in(0), in(1).elem, in(1).isUnsigned);
  } else if (op == "Where" && need(3)) {
    r = where();
  } else if (op == "Gather" && need(2)) {
    r = gather();
  } else if (op == "Slice" && need(1)) {
    r = slice();
  } else if (op == "Concat") {
    r = concat();
  } else if (op == "Reshape" && need(2)) {
    r = reshape();
  } else if ((op == "Squeeze" || op == "Unsqueeze") && need(1)) {
    r = squeeze(op == "Unsqueeze");
  } else if (op == "Flatten" && need(1)) {
    ArrayRef<int64_t> xs = in(0).shape;
    int64_t axis = ctx.getInt("axis", 1);
    if (axis < 0)
      axis += xs.size();
    if (axis >= 0 && axis <= (int64_t)xs.size())
      r = reshapeTo(in(0), {numElements(xs.take_front(axis)),
                            numElements(xs.drop_front(axis))});
  } else if (op == "Expand" && need(2)) {
    auto shape = ints(1, "shape", 0);
    if (shape)
      if (auto out = broadcastShapes({in(0).shape, *shape}))
        if (numElements(*out) <= kMaxFoldElements)
          r = broadcastTo(in(0), *out);
  } else if (op == "Tile" && need(2)) {
    r = tile();
  } else if (op == "Transpose" && need(1)) {
    r = transpose();
  } else if (op == "Range" && need(3)) {
    r = range();
  }
  if (!r || r->size() > kMaxFoldElements)
    return std::nullopt;
  return SmallVector<HostTensor>{std::move(*r)};
}

} // namespace

std::optional<SmallVector<KnownValue>>
lpc::frontend::evaluateNode(NodeContext &ctx, bool allowInputs) {
  SmallVector<Known> inputs;
  for (size_t i = 0; i < ctx.numInputs(); ++i) {
    if (!ctx.hasInput(i)) {
      inputs.push_back(std::nullopt);
      continue;
    }
    Value v = ctx.input(i);
    if (i == 1 && ctx.node.op_type() == "CastLike") {
      // Only the element type of CastLike's target_type matters.
      HostTensor like;
      like.elem = elemOf(v);
      like.isUnsigned = ctx.isUnsigned(v);
      inputs.push_back(std::move(like));
      continue;
    }
    if (numElements(shapeOf(v)) > kMaxFoldElements)
      return std::nullopt;
    std::optional<DenseElementsAttr> attr = ctx.constant(v, allowInputs);
    if (!attr)
      return std::nullopt;
    Known t = fromAttr(*attr, ctx.isUnsigned(v));
    if (!t)
      return std::nullopt;
    inputs.push_back(std::move(t));
  }
  auto results = Evaluator(ctx, inputs).run();
  if (!results || results->size() != ctx.numOutputs())
    return std::nullopt;
  SmallVector<KnownValue> out;
  for (const HostTensor &t : *results)
    out.push_back({toAttr(t), t.isUnsigned});
  return out;
}
