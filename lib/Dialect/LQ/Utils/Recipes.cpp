//===- Recipes.cpp - Post-training quantization recipes -------------------===//
//
// Scale choice per recipe; every code comes from quantizeHost, every decoded
// scale from decodeHost / dequantizeHost. Sums over a block run in f64 in
// ascending element order (the numpy model in test/Integration/Quant does the
// same), every scale is rounded to f32 once.
//
//===----------------------------------------------------------------------===//

#include "lpc/Dialect/LQ/Utils/Recipes.h"

#include "lpc/Dialect/LQ/IR/Format.h"
#include "lpc/Dialect/LQ/IR/LQ.h"
#include "lpc/Dialect/LQ/Utils/HostQuantization.h"
#include "lpc/Dialect/LQ/Utils/JSONFile.h"
#include "lpc/Dialect/LQ/Utils/Rounding.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/GlobPattern.h"
#include "llvm/Support/JSON.h"

#include <cmath>

using namespace lpc::lq;
using llvm::ArrayRef;
using llvm::SmallVector;

static const Recipe kRecipes[] = {
    {"w8a8",
     "int8 per-channel symmetric weights, int8 per-token dynamic "
     "activations",
     RecipeScheme::Symmetric, 8, 0, 8, ""},
    {"w8a8-static",
     "int8 per-channel symmetric weights, int8 activations "
     "with static per-tensor scales from calibration",
     RecipeScheme::Symmetric, 8, 0, 0, "int8"},
    {"w4a8",
     "uint4 asymmetric weights in groups of 128 (as w4g128), int8 "
     "dynamic activations per group",
     RecipeScheme::Asymmetric, 4, 128, 8, ""},
    {"w4a4",
     "int4 per-channel symmetric weights, int4 per-token dynamic "
     "activations",
     RecipeScheme::Symmetric, 4, 0, 4, ""},
    {"w4g128",
     "uint4 asymmetric weights, groups of 128, integer zero points "
     "(weight-only)",
     RecipeScheme::Asymmetric, 4, 128, 0, ""},
    {"w3g64", "uint3 asymmetric weights, groups of 64 (weight-only)",
     RecipeScheme::Asymmetric, 3, 64, 0, ""},
    {"w2g64", "uint2 asymmetric weights, groups of 64 (weight-only)",
     RecipeScheme::Asymmetric, 2, 64, 0, ""},
    {"ternary",
     "{-1, 0, 1} per-channel weights, scale fitted by Lloyd "
     "iterations (weight-only)",
     RecipeScheme::Ternary, 2, 0, 0, ""},
    {"nf4",
     "NF4 codebook, absmax per 64, scales double-quantized to 8 bits "
     "per 256 (weight-only)",
     RecipeScheme::NF4, 4, 64, 0, ""},
    {"mxfp4", "OCP MXFP4: E2M1 weights, E8M0 scale per 32 (weight-only)",
     RecipeScheme::MXFP4, 4, 32, 0, ""},
    {"nvfp4",
     "NVFP4: E2M1 weights, UE4M3 scale per 16 times an f32 per "
     "tensor (weight-only)",
     RecipeScheme::NVFP4, 4, 16, 0, ""},
    {"fp8",
     "E4M3FN per-channel weights and E4M3FN activations with static "
     "per-tensor scales from calibration",
     RecipeScheme::FP8, 8, 0, 0, "e4m3fn"},
};

ArrayRef<Recipe> lpc::lq::getRecipes() { return kRecipes; }

const Recipe *lpc::lq::lookupRecipe(llvm::StringRef name) {
  for (const Recipe &r : kRecipes)
    if (r.name == name)
      return &r;
  return nullptr;
}

std::string lpc::lq::getRecipeNames() {
  return llvm::join(
      llvm::map_range(
          kRecipes, [](const Recipe &r) -> llvm::StringRef { return r.name; }),
      ", ");
}

/// Brace alternatives ({a,b}) a glob may expand to.
static constexpr size_t kMaxGlobAlternatives = 1024;

const Recipe *QuantizeConfig::lookup(llvm::StringRef node) const {
  for (const Override &o : overrides) {
    llvm::Expected<llvm::GlobPattern> glob =
        llvm::GlobPattern::create(o.pattern, kMaxGlobAlternatives);
    if (!glob) { // checked by readQuantizeConfig
      llvm::consumeError(glob.takeError());
      continue;
    }
    if (glob->match(node))
      return o.recipe;
  }
  return defaultRecipe;
}

llvm::Expected<QuantizeConfig>
lpc::lq::readQuantizeConfig(llvm::StringRef path, const Recipe *defaultRecipe) {
  auto fail = [&](const llvm::Twine &msg) { return fileError(path, msg); };
  llvm::Expected<llvm::json::Value> doc = readJSONFile(path);
  if (!doc)
    return doc.takeError();
  const llvm::json::Object *top = doc->getAsObject();
  if (!top)
    return fail("the top level must be an object");
  // A recipe name, or "float".
  auto recipeOf = [&](const llvm::json::Value &v, const llvm::Twine &key,
                      const Recipe *&out) -> llvm::Error {
    std::optional<llvm::StringRef> name = v.getAsString();
    if (!name)
      return fail("'" + key + "' must be a string");
    if (*name == "float") {
      out = nullptr;
      return llvm::Error::success();
    }
    out = lookupRecipe(*name);
    if (!out)
      return fail("'" + key + "': unknown recipe '" + *name +
                  "' (lpc has: " + getRecipeNames() + ", float)");
    return llvm::Error::success();
  };
  QuantizeConfig config;
  config.defaultRecipe = defaultRecipe;
  for (const auto &[key, value] : *top) {
    if (key == "default") {
      if (defaultRecipe)
        return fail("'default' and --quantize both give the default recipe; "
                    "give one");
      if (llvm::Error e = recipeOf(value, "default", config.defaultRecipe))
        return std::move(e);
    } else if (key == "layers") {
      const llvm::json::Array *layers = value.getAsArray();
      if (!layers)
        return fail("'layers' must be an array of {\"match\", \"recipe\"} "
                    "objects");
      for (auto [i, item] : llvm::enumerate(*layers)) {
        std::string where = ("layers[" + llvm::Twine(i) + "]").str();
        const llvm::json::Object *o = item.getAsObject();
        if (!o)
          return fail("'" + where + "' must be an object");
        QuantizeConfig::Override ov;
        bool hasMatch = false, hasRecipe = false;
        for (const auto &[k, v] : *o) {
          if (k == "match") {
            std::optional<llvm::StringRef> p = v.getAsString();
            if (!p)
              return fail("'" + where + ".match' must be a string");
            llvm::Expected<llvm::GlobPattern> g =
                llvm::GlobPattern::create(*p, kMaxGlobAlternatives);
            if (!g)
              return fail("'" + where + ".match': bad glob '" + *p +
                          "': " + llvm::toString(g.takeError()));
            ov.pattern = p->str();
            hasMatch = true;
          } else if (k == "recipe") {
            if (llvm::Error e = recipeOf(v, where + ".recipe", ov.recipe))
              return std::move(e);
            hasRecipe = true;
          } else {
            return fail("unknown key '" + where + "." + k.str() +
                        "' (expected match, recipe)");
          }
        }
        if (!hasMatch || !hasRecipe)
          return fail("'" + where + "' needs both 'match' and 'recipe'");
        config.overrides.push_back(std::move(ov));
      }
    } else {
      return fail("unknown key '" + key.str() + "' (expected default, layers)");
    }
  }
  return config;
}

SmallVector<int64_t> lpc::lq::getWeightBlock(const Recipe &recipe,
                                             ArrayRef<int64_t> shape,
                                             ArrayRef<WeightDim> dims) {
  SmallVector<int64_t> block(shape.begin(), shape.end());
  for (auto [b, d, role] : llvm::zip(block, shape, dims)) {
    if (role == WeightDim::Channel)
      b = 1;
    else if (recipe.group > 0)
      b = role == WeightDim::Reduction ? std::min(recipe.group, d) : 1;
  }
  return block;
}

namespace {
/// The block of every element of a row-major tensor.
struct Blocks {
  SmallVector<int64_t> shape, count;
  std::vector<int64_t> of; // element -> block
  int64_t num = 1;

  Blocks(ArrayRef<int64_t> dims, ArrayRef<int64_t> block)
      : shape(dims.begin(), dims.end()) {
    for (auto [d, b] : llvm::zip(dims, block)) {
      count.push_back((d + b - 1) / b);
      num *= count.back();
    }
    int64_t n = 1;
    for (int64_t d : dims)
      n *= d;
    of.resize(n);
    SmallVector<int64_t> idx(dims.size(), 0);
    for (int64_t i = 0; i < n; ++i) {
      int64_t id = 0;
      for (size_t d = 0; d < dims.size(); ++d)
        id = id * count[d] + idx[d] / block[d];
      of[i] = id;
      for (size_t d = dims.size(); d-- > 0;) {
        if (++idx[d] < dims[d])
          break;
        idx[d] = 0;
      }
    }
  }
};

mlir::Type namedFloat(mlir::MLIRContext *ctx, llvm::StringRef name) {
  return MiniFloatType::getNamed(ctx, name);
}

Format formatOf(mlir::Type t) { return *getFormat(t); }

/// max |w| per block.
std::vector<float> absMax(const Blocks &blocks, ArrayRef<float> w) {
  std::vector<float> m(blocks.num, 0.0f);
  for (size_t i = 0; i < w.size(); ++i)
    m[blocks.of[i]] = std::max(m[blocks.of[i]], std::fabs(w[i]));
  return m;
}

/// Codes of `w` with the scale (and zero point) of each element's block.
void encodeAll(QuantizedWeights &q, const Blocks &blocks, ArrayRef<float> w) {
  Format f = formatOf(q.codeType);
  q.codes.resize(w.size());
  for (size_t i = 0; i < w.size(); ++i) {
    HostQuantizeParams p;
    if (!q.zeroPoints.empty())
      p.zeroPoint = (int64_t)q.zeroPoints[blocks.of[i]];
    q.codes[i] = quantizeHost(f, w[i], q.scales[blocks.of[i]], p);
  }
}

void symmetric(QuantizedWeights &q, const Blocks &blocks, ArrayRef<float> w,
               float qmax) {
  q.scales = absMax(blocks, w);
  for (float &s : q.scales)
    s = s == 0.0f ? 1.0f : s / qmax;
}

void asymmetric(QuantizedWeights &q, const Blocks &blocks, ArrayRef<float> w,
                unsigned bits) {
  std::vector<float> lo(blocks.num, 0.0f), hi(blocks.num, 0.0f);
  for (size_t i = 0; i < w.size(); ++i) {
    lo[blocks.of[i]] = std::min(lo[blocks.of[i]], w[i]);
    hi[blocks.of[i]] = std::max(hi[blocks.of[i]], w[i]);
  }
  float qmax = (float)((1 << bits) - 1);
  q.scales.resize(blocks.num);
  q.zeroPoints.resize(blocks.num);
  for (int64_t b = 0; b < blocks.num; ++b) {
    float s = (hi[b] - lo[b]) / qmax;
    if (s == 0.0f || !std::isfinite(s)) {
      q.scales[b] = s == 0.0f ? 1.0f : s;
      q.zeroPoints[b] = 0;
      continue;
    }
    q.scales[b] = s;
    double z = roundHost((double)(-lo[b] / s), RoundingMode::half_even);
    q.zeroPoints[b] = (uint64_t)std::min(std::max(z, 0.0), (double)qmax);
  }
}

/// Ternary: TWN's start (the mean of |w| above 0.7 mean|w|), then Lloyd
/// iterations s = mean |w| over the weights whose code is not 0 (|w / s|
/// rounds away from 0), so the scale fits the round-to-nearest codes.
void ternary(QuantizedWeights &q, const Blocks &blocks, ArrayRef<float> w) {
  const int64_t nb = blocks.num;
  std::vector<double> sum(nb, 0.0), cnt(nb, 0.0);
  for (size_t i = 0; i < w.size(); ++i) {
    sum[blocks.of[i]] += std::fabs((double)w[i]);
    cnt[blocks.of[i]] += 1;
  }
  std::vector<double> delta(nb);
  for (int64_t b = 0; b < nb; ++b)
    delta[b] = 0.7 * (sum[b] / cnt[b]);
  std::vector<double> s2(nb, 0.0), c2(nb, 0.0);
  for (size_t i = 0; i < w.size(); ++i)
    if (std::fabs((double)w[i]) > delta[blocks.of[i]]) {
      s2[blocks.of[i]] += std::fabs((double)w[i]);
      c2[blocks.of[i]] += 1;
    }
  q.scales.resize(nb);
  for (int64_t b = 0; b < nb; ++b)
    q.scales[b] = c2[b] > 0 ? (float)(s2[b] / c2[b]) : 1.0f;
  Format f = formatOf(q.codeType);
  std::vector<bool> done(nb, false);
  for (int iter = 0; iter < 20; ++iter) {
    std::fill(s2.begin(), s2.end(), 0.0);
    std::fill(c2.begin(), c2.end(), 0.0);
    for (size_t i = 0; i < w.size(); ++i)
      if (quantizeHost(f, w[i], q.scales[blocks.of[i]]) != 0) {
        s2[blocks.of[i]] += std::fabs((double)w[i]);
        c2[blocks.of[i]] += 1;
      }
    bool changed = false;
    for (int64_t b = 0; b < nb; ++b) {
      if (done[b] || c2[b] == 0) {
        done[b] = true;
        continue;
      }
      float s = (float)(s2[b] / c2[b]);
      if (s == q.scales[b])
        done[b] = true;
      else
        changed = true;
      q.scales[b] = s;
    }
    if (!changed)
      break;
  }
}

/// The block shape of about 256 entries over `shape` that double
/// quantization uses: the innermost dims first.
SmallVector<int64_t> block256(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> b(shape.size(), 1);
  int64_t rem = 256;
  for (size_t d = shape.size(); d-- > 0;) {
    b[d] = std::min(shape[d], rem);
    rem = std::max<int64_t>(1, rem / b[d]);
  }
  return b;
}

/// NF4: absmax scales, quantized to 8-bit unsigned codes with a step and a
/// minimum (float offset) per block of 256 scales; the codes use the
/// dequantized scales.
void nf4(mlir::MLIRContext *ctx, QuantizedWeights &q, const Blocks &blocks,
         ArrayRef<float> w) {
  std::vector<float> absmax = absMax(blocks, w);
  for (float &s : absmax)
    s = s == 0.0f ? 1.0f : s;
  q.scaleCodeType = IntType::get(ctx, 8, /*isSigned=*/false, /*narrow=*/false);
  q.scale2Block = block256(q.scaleShape);
  Blocks second(q.scaleShape, q.scale2Block);
  q.scale2Shape = second.count;
  std::vector<float> lo(second.num, INFINITY), hi(second.num, 0.0f);
  for (size_t i = 0; i < absmax.size(); ++i) {
    lo[second.of[i]] = std::min(lo[second.of[i]], absmax[i]);
    hi[second.of[i]] = std::max(hi[second.of[i]], absmax[i]);
  }
  q.scale2.resize(second.num);
  q.offset2 = lo;
  for (int64_t b = 0; b < second.num; ++b) {
    float step = (hi[b] - lo[b]) / 255.0f;
    q.scale2[b] = step == 0.0f ? 1.0f : step;
  }
  Format u8 = formatOf(q.scaleCodeType);
  q.scaleCodes.resize(absmax.size());
  q.scales.resize(absmax.size());
  for (size_t i = 0; i < absmax.size(); ++i) {
    HostQuantizeParams p;
    p.offset = q.offset2[second.of[i]];
    float step = q.scale2[second.of[i]];
    q.scaleCodes[i] = quantizeHost(u8, absmax[i], step, p);
    q.scales[i] = dequantizeHost(u8, q.scaleCodes[i], step, p);
  }
}

/// OCP MX: the shared scale 2^(floor(log2 amax) - emax) with emax = 2, the
/// largest exponent of E2M1 (6 = 1.5 * 2^2), as an E8M0 code.
void mxfp4(mlir::MLIRContext *ctx, QuantizedWeights &q, const Blocks &blocks,
           ArrayRef<float> w) {
  q.scaleCodeType = namedFloat(ctx, "e8m0");
  Format e8m0 = formatOf(q.scaleCodeType);
  std::vector<float> amax = absMax(blocks, w);
  q.scaleCodes.resize(blocks.num);
  q.scales.resize(blocks.num);
  for (int64_t b = 0; b < blocks.num; ++b) {
    int x = -127;
    if (amax[b] > 0.0f && std::isfinite(amax[b])) {
      int e;
      (void)std::frexp(amax[b], &e); // amax = m * 2^e, m in [0.5, 1)
      x = std::min(std::max(e - 1 - 2, -127), 127);
    }
    q.scaleCodes[b] = (uint64_t)(x + 127);
    q.scales[b] = decodeHost(e8m0, q.scaleCodes[b]);
  }
}

/// NVFP4: a per-tensor f32 g = amax / (6 * 448), block scales amax_b / 6
/// quantized to UE4M3 with scale g; the codes use value(code) * g.
void nvfp4(mlir::MLIRContext *ctx, QuantizedWeights &q, const Blocks &blocks,
           ArrayRef<float> w) {
  q.scaleCodeType = namedFloat(ctx, "ue4m3");
  Format ue4m3 = formatOf(q.scaleCodeType);
  std::vector<float> amax = absMax(blocks, w);
  float tensorMax = 0.0f;
  for (float a : amax)
    tensorMax = std::max(tensorMax, a);
  float g = tensorMax / (6.0f * 448.0f);
  if (g == 0.0f || !std::isfinite(g))
    g = 1.0f;
  q.scale2Block = q.scaleShape;
  q.scale2Shape.assign(q.scaleShape.size(), 1);
  q.scale2 = {g};
  q.scaleCodes.resize(blocks.num);
  q.scales.resize(blocks.num);
  for (int64_t b = 0; b < blocks.num; ++b) {
    q.scaleCodes[b] = quantizeHost(ue4m3, amax[b] / 6.0f, g);
    q.scales[b] = dequantizeHost(ue4m3, q.scaleCodes[b], g);
  }
}
} // namespace

QuantizedWeights lpc::lq::quantizeWeights(mlir::MLIRContext *ctx,
                                          const Recipe &recipe,
                                          ArrayRef<float> values,
                                          ArrayRef<int64_t> shape,
                                          ArrayRef<int64_t> block) {
  QuantizedWeights q;
  Blocks blocks(shape, block);
  q.scaleShape = blocks.count;
  switch (recipe.scheme) {
  case RecipeScheme::Symmetric:
    q.codeType = IntType::get(ctx, recipe.bits, true, false);
    symmetric(q, blocks, values,
              (float)((int64_t(1) << (recipe.bits - 1)) - 1));
    break;
  case RecipeScheme::Asymmetric:
    q.codeType = IntType::get(ctx, recipe.bits, false, false);
    q.zeroPointType = q.codeType;
    asymmetric(q, blocks, values, recipe.bits);
    break;
  case RecipeScheme::Ternary:
    q.codeType = TernaryType::get(ctx);
    ternary(q, blocks, values);
    break;
  case RecipeScheme::NF4:
    q.codeType = CodebookType::getNF4(ctx);
    nf4(ctx, q, blocks, values);
    break;
  case RecipeScheme::MXFP4:
    q.codeType = namedFloat(ctx, "e2m1");
    mxfp4(ctx, q, blocks, values);
    break;
  case RecipeScheme::NVFP4:
    q.codeType = namedFloat(ctx, "e2m1");
    nvfp4(ctx, q, blocks, values);
    break;
  case RecipeScheme::FP8:
    q.codeType = namedFloat(ctx, "e4m3fn");
    symmetric(q, blocks, values, 448.0f);
    break;
  }
  encodeAll(q, blocks, values);
  return q;
}

/// In-place Cholesky factor L (lower, row-major) of the SPD matrix `a`
/// (k x k); false if it is not positive definite.
static bool cholesky(std::vector<double> &a, int64_t k) {
  for (int64_t j = 0; j < k; ++j) {
    double d = a[j * k + j];
    for (int64_t p = 0; p < j; ++p)
      d -= a[j * k + p] * a[j * k + p];
    if (!(d > 0))
      return false;
    d = std::sqrt(d);
    a[j * k + j] = d;
    for (int64_t i = j + 1; i < k; ++i) {
      double v = a[i * k + j];
      for (int64_t p = 0; p < j; ++p)
        v -= a[i * k + p] * a[j * k + p];
      a[i * k + j] = v / d;
    }
    for (int64_t i = 0; i < j; ++i)
      a[i * k + j] = 0;
  }
  return true;
}

/// The inverse of L L^T from its Cholesky factor L (lower, row-major).
static std::vector<double> choleskyInverse(const std::vector<double> &l,
                                           int64_t k) {
  // L^-1 by forward substitution, then (L^-1)^T L^-1.
  std::vector<double> inv(k * k, 0.0);
  for (int64_t c = 0; c < k; ++c)
    for (int64_t i = c; i < k; ++i) {
      double v = i == c ? 1.0 : 0.0;
      for (int64_t p = c; p < i; ++p)
        v -= l[i * k + p] * inv[p * k + c];
      inv[i * k + c] = v / l[i * k + i];
    }
  std::vector<double> out(k * k, 0.0);
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j <= i; ++j) {
      double v = 0;
      for (int64_t p = i; p < k; ++p)
        v += inv[p * k + i] * inv[p * k + j];
      out[i * k + j] = out[j * k + i] = v;
    }
  return out;
}

/// The rows of each group: rowGroup[r] (all rows in group 0 if empty).
static std::vector<std::vector<int64_t>>
rowsByGroup(int64_t n, int64_t groups, ArrayRef<int64_t> rowGroup) {
  std::vector<std::vector<int64_t>> rows(groups);
  for (int64_t r = 0; r < n; ++r)
    rows[rowGroup.empty() ? 0 : rowGroup[r]].push_back(r);
  return rows;
}

/// GPTQ's column loop on the rows `rows` of the n x k weights `w` with the
/// Hessian `h` (k x k, this group's): codes into `q`.
static llvm::Error gptqRows(QuantizedWeights &q, const Blocks &blocks, Format f,
                            std::vector<double> w, std::vector<double> h,
                            ArrayRef<int64_t> rows, int64_t k, bool actOrder) {
  int64_t n = rows.size();
  for (int64_t i = 0; i < k; ++i) {
    if (h[i * k + i] == 0) { // a dead input: its weights do not matter
      h[i * k + i] = 1;
      for (int64_t r : rows)
        w[r * k + i] = 0;
    }
  }
  double mean = 0;
  for (int64_t i = 0; i < k; ++i)
    mean += h[i * k + i];
  double damp = 0.01 * (mean / (double)k);
  for (int64_t i = 0; i < k; ++i)
    h[i * k + i] += damp;
  std::vector<int64_t> perm(k);
  for (int64_t i = 0; i < k; ++i)
    perm[i] = i;
  if (actOrder)
    std::sort(perm.begin(), perm.end(), [&](int64_t a, int64_t b) {
      double da = h[a * k + a], db = h[b * k + b];
      return da != db ? da > db : a < b; // ties: original order
    });
  // H, W in the column order of quantization.
  std::vector<double> hp(k * k), wp(n * k);
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < k; ++j)
      hp[i * k + j] = h[perm[i] * k + perm[j]];
  for (int64_t r = 0; r < n; ++r)
    for (int64_t j = 0; j < k; ++j)
      wp[r * k + j] = w[rows[r] * k + perm[j]];
  // U: the upper Cholesky factor of H^-1 (H^-1 = U^T U).
  if (!cholesky(hp, k))
    return llvm::createStringError(
        "the Hessian of the layer is not positive definite after damping");
  std::vector<double> u = choleskyInverse(hp, k);
  if (!cholesky(u, k))
    return llvm::createStringError(
        "the inverse Hessian of the layer is not positive definite");
  // cholesky gave L (lower) with H^-1 = L L^T; U = L^T.
  std::vector<double> err(n);
  for (int64_t j = 0; j < k; ++j) {
    int64_t col = perm[j];
    double d = u[j * k + j]; // U[j][j] = L[j][j]
    for (int64_t r = 0; r < n; ++r) {
      int64_t e = rows[r] * k + col, b = blocks.of[e];
      HostQuantizeParams p;
      if (!q.zeroPoints.empty())
        p.zeroPoint = (int64_t)q.zeroPoints[b];
      float x = (float)wp[r * k + j];
      uint64_t code = quantizeHost(f, x, q.scales[b], p);
      q.codes[e] = code;
      err[r] =
          (wp[r * k + j] - (double)dequantizeHost(f, code, q.scales[b], p)) / d;
    }
    for (int64_t r = 0; r < n; ++r) {
      double e = err[r];
      if (e == 0)
        continue;
      double *row = wp.data() + r * k;
      for (int64_t jj = j + 1; jj < k; ++jj)
        row[jj] -= e * u[jj * k + j]; // U[j][jj] = L[jj][j]
    }
  }
  return llvm::Error::success();
}

/// Rows (dim 0) and columns (the other dims, flattened) of `shape`.
static std::pair<int64_t, int64_t> matrixOf(ArrayRef<int64_t> shape) {
  int64_t k = 1;
  for (int64_t d : shape.drop_front())
    k *= d;
  return {shape[0], k};
}

llvm::Expected<QuantizedWeights>
lpc::lq::gptqWeights(mlir::MLIRContext *ctx, const Recipe &recipe,
                     ArrayRef<float> values, ArrayRef<int64_t> shape,
                     ArrayRef<int64_t> block, ArrayRef<double> grams,
                     ArrayRef<int64_t> rowGroup, bool actOrder) {
  QuantizedWeights q = quantizeWeights(ctx, recipe, values, shape, block);
  Format f = formatOf(q.codeType);
  Blocks blocks(shape, block);
  auto [n, k] = matrixOf(shape);
  int64_t groups = grams.size() / (k * k);
  std::vector<double> w(values.begin(), values.end());
  for (auto [g, rows] : llvm::enumerate(rowsByGroup(n, groups, rowGroup))) {
    if (rows.empty())
      continue;
    ArrayRef<double> h = grams.slice(g * k * k, k * k);
    if (llvm::Error e =
            gptqRows(q, blocks, f, w, {h.begin(), h.end()}, rows, k, actOrder))
      return std::move(e);
  }
  return q;
}

double lpc::lq::layerSQNR(const QuantizedWeights &q, ArrayRef<float> values,
                          ArrayRef<int64_t> shape, ArrayRef<int64_t> block,
                          ArrayRef<double> grams, ArrayRef<int64_t> rowGroup) {
  Format f = formatOf(q.codeType);
  Blocks blocks(shape, block);
  auto [n, k] = matrixOf(shape);
  double signal = 0, noise = 0;
  std::vector<double> w(k), e(k);
  for (int64_t r = 0; r < n; ++r) {
    const double *gram =
        grams.data() + (rowGroup.empty() ? 0 : rowGroup[r]) * k * k;
    for (int64_t c = 0; c < k; ++c) {
      int64_t b = blocks.of[r * k + c];
      HostQuantizeParams p;
      if (!q.zeroPoints.empty())
        p.zeroPoint = (int64_t)q.zeroPoints[b];
      w[c] = values[r * k + c];
      e[c] =
          w[c] - (double)dequantizeHost(f, q.codes[r * k + c], q.scales[b], p);
    }
    for (int64_t i = 0; i < k; ++i) {
      double gw = 0, ge = 0;
      for (int64_t j = 0; j < k; ++j) {
        gw += gram[i * k + j] * w[j];
        ge += gram[i * k + j] * e[j];
      }
      signal += w[i] * gw;
      noise += e[i] * ge;
    }
  }
  return noise > 0 ? 10 * std::log10(signal / noise) : INFINITY;
}
