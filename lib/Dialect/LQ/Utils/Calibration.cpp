//===- Calibration.cpp - Activation statistics of lpc calibrate -----------===//

#include "lpc/Dialect/LQ/Utils/Calibration.h"

#include "lpc/Dialect/LQ/Utils/JSONFile.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace lpc::lq;

double ActivationStats::tensorAbsMax() const {
  double m = 0;
  for (double a : absmax)
    m = std::max(m, a);
  return m;
}

void ActivationStats::init(llvm::ArrayRef<int64_t> sampleShape, int64_t axis,
                           bool withGram) {
  shape.assign(sampleShape.begin(), sampleShape.end());
  channelAxis = axis;
  int64_t c = shape[axis];
  min.assign(c, INFINITY);
  max.assign(c, -INFINITY);
  absmax.assign(c, 0.0);
  histogram.assign((kMaxExponent - kMinExponent) * kBinsPerOctave, 0);
  if (withGram)
    gram.assign(c * c, 0.0);
}

int64_t PatchGeometry::patchSize() const {
  int64_t k = 1;
  for (int64_t l : reductionLoops)
    k *= loopSizes[l];
  return k;
}

void ActivationStats::addPatchGram(PatchGeometry geometry) {
  PatchGram pg;
  pg.groups = geometry.groups();
  pg.size = geometry.patchSize();
  pg.values.assign(pg.groups * pg.size * pg.size, 0.0);
  pg.geometry = std::move(geometry);
  patchGrams.push_back(std::move(pg));
}

const PatchGram *ActivationStats::patchGram(llvm::StringRef layer) const {
  for (const PatchGram &pg : patchGrams)
    if (pg.geometry.layer == layer)
      return &pg;
  return nullptr;
}

/// Positions of `loops` (sizes from `sizes`), odometer order (last fastest),
/// each as the input index offsets sum_l coeffs[d][l] * pos[l] per dim.
static std::vector<int64_t> loopOffsets(const PatchGeometry &g,
                                        llvm::ArrayRef<int64_t> loops,
                                        int64_t rank) {
  int64_t n = 1, numLoops = g.loopSizes.size();
  for (int64_t l : loops)
    n *= g.loopSizes[l];
  std::vector<int64_t> out(n * rank, 0);
  std::vector<int64_t> pos(loops.size(), 0);
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t d = 0; d < rank; ++d)
      for (size_t j = 0; j < loops.size(); ++j)
        out[i * rank + d] += g.coeffs[d * numLoops + loops[j]] * pos[j];
    for (size_t j = loops.size(); j-- > 0;) {
      if (++pos[j] < g.loopSizes[loops[j]])
        break;
      pos[j] = 0;
    }
  }
  return out;
}

/// Adds one sample's im2col rows to the Gram matrices of `pg` (upper
/// triangles; mirrored when written).
static void addPatches(PatchGram &pg, llvm::ArrayRef<int64_t> shape,
                       llvm::ArrayRef<float> values) {
  const PatchGeometry &g = pg.geometry;
  int64_t rank = shape.size(), k = pg.size, numLoops = g.loopSizes.size();
  std::vector<int64_t> strides(rank, 1);
  for (int64_t d = rank - 1; d > 0; --d)
    strides[d - 1] = strides[d] * shape[d];
  std::vector<int64_t> image = loopOffsets(g, g.imageLoops, rank);
  std::vector<int64_t> red = loopOffsets(g, g.reductionLoops, rank);
  int64_t positions = image.size() / rank;
  std::vector<double> patch(k);
  for (int64_t grp = 0; grp < pg.groups; ++grp) {
    double *gram = pg.values.data() + grp * k * k;
    for (int64_t p = 0; p < positions; ++p) {
      for (int64_t r = 0; r < k; ++r) {
        int64_t flat = 0;
        bool inside = true;
        for (int64_t d = 0; d < rank && inside; ++d) {
          int64_t i = g.offsets[d] + image[p * rank + d] + red[r * rank + d];
          if (g.depthLoop >= 0)
            i += g.coeffs[d * numLoops + g.depthLoop] * grp;
          inside = i >= 0 && i < shape[d];
          flat += i * strides[d];
        }
        patch[r] = inside ? values[flat] : 0.0;
      }
      for (int64_t i = 0; i < k; ++i) {
        double xi = patch[i];
        if (xi == 0)
          continue;
        double *row = gram + i * k;
        for (int64_t j = i; j < k; ++j)
          row[j] += xi * patch[j];
      }
    }
  }
  pg.rows += positions;
}

/// The full symmetric matrices of upper triangles (`count` of k x k).
static std::vector<double> mirrored(llvm::ArrayRef<double> upper, int64_t k,
                                    int64_t count) {
  std::vector<double> full(upper.begin(), upper.end());
  for (int64_t m = 0; m < count; ++m)
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j < i; ++j)
        full[m * k * k + i * k + j] = full[m * k * k + j * k + i];
  return full;
}

void ActivationStats::add(llvm::ArrayRef<float> values) {
  int64_t c = shape[channelAxis], inner = 1;
  for (size_t d = channelAxis + 1; d < shape.size(); ++d)
    inner *= shape[d];
  for (size_t i = 0; i < values.size(); ++i) {
    double x = values[i];
    int64_t ch = (int64_t)(i / inner) % c;
    min[ch] = std::min(min[ch], x);
    max[ch] = std::max(max[ch], x);
    absmax[ch] = std::max(absmax[ch], std::fabs(x));
    if (x == 0 || std::isnan(x)) {
      zeros += x == 0;
      continue;
    }
    int k;
    double f = std::frexp(std::fabs(x), &k) * 2; // |x| = f * 2^(k - 1)
    int64_t e = std::min(std::max(k - 1, kMinExponent), kMaxExponent - 1);
    int64_t sub = std::min<int64_t>(
        kBinsPerOctave - 1,
        std::max<int64_t>(0, (int64_t)((f - 1) * kBinsPerOctave)));
    ++histogram[(e - kMinExponent) * kBinsPerOctave + sub];
  }
  if (!gram.empty()) {
    // Rows of K = c (the last dim): X^T X, the upper triangle, mirrored.
    int64_t rows = (int64_t)values.size() / c;
    for (int64_t r = 0; r < rows; ++r) {
      const float *x = values.data() + r * c;
      for (int64_t i = 0; i < c; ++i) {
        double xi = x[i];
        if (xi == 0)
          continue;
        double *g = gram.data() + i * c;
        for (int64_t j = i; j < c; ++j)
          g[j] += xi * (double)x[j];
      }
    }
    gramRows += rows;
  }
  for (PatchGram &pg : patchGrams)
    addPatches(pg, shape, values);
  ++samples;
}

const ActivationStats *CalibrationStats::lookup(llvm::StringRef name) const {
  auto it = byLayer.find(name.str());
  return it == byLayer.end() ? nullptr : &activations[it->second];
}

static llvm::json::Array array(llvm::ArrayRef<double> v) {
  llvm::json::Array a;
  a.reserve(v.size());
  for (double x : v)
    a.push_back(x);
  return a;
}

llvm::Error lpc::lq::writeCalibrationStats(const CalibrationStats &stats,
                                           llvm::StringRef path) {
  llvm::json::Array acts;
  for (const ActivationStats &s : stats.activations) {
    llvm::json::Array layers, shape, hist;
    for (const std::string &l : s.layers)
      layers.push_back(l);
    for (int64_t d : s.shape)
      shape.push_back(d);
    for (int64_t h : s.histogram)
      hist.push_back(h);
    llvm::json::Object o{
        {"layers", std::move(layers)},
        {"op", s.op},
        {"shape", std::move(shape)},
        {"channel_axis", s.channelAxis},
        {"samples", s.samples},
        {"min", array(s.min)},
        {"max", array(s.max)},
        {"absmax", array(s.absmax)},
        {"histogram", llvm::json::Object{
                          {"bins_per_octave", ActivationStats::kBinsPerOctave},
                          {"min_exponent", ActivationStats::kMinExponent},
                          {"zeros", s.zeros},
                          {"counts", std::move(hist)}}}};
    if (!s.gram.empty()) {
      // Symmetric: the file holds the full matrix.
      int64_t c = s.shape[s.channelAxis];
      o["gram"] = llvm::json::Object{{"rows", s.gramRows},
                                     {"values", array(mirrored(s.gram, c, 1))}};
    }
    if (!s.patchGrams.empty()) {
      llvm::json::Array pgs;
      for (const PatchGram &pg : s.patchGrams)
        pgs.push_back(llvm::json::Object{
            {"layer", pg.geometry.layer},
            {"groups", pg.groups},
            {"size", pg.size},
            {"rows", pg.rows},
            {"values", array(mirrored(pg.values, pg.size, pg.groups))}});
      o["patch_grams"] = std::move(pgs);
    }
    acts.push_back(std::move(o));
  }
  llvm::json::Object top{{"format", "lpc-calibration"},
                         {"version", 1},
                         {"model", stats.model},
                         {"sets", stats.sets},
                         {"activations", std::move(acts)}};
  llvm::SmallString<256> tmp;
  int fd;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueFile(path + ".tmp-%%%%%%", fd, tmp))
    return llvm::createStringError(ec, "cannot write '" + path +
                                           "': " + ec.message());
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << llvm::formatv("{0}", llvm::json::Value(std::move(top))) << "\n";
    if (os.has_error()) {
      os.clear_error();
      llvm::sys::fs::remove(tmp);
      return llvm::createStringError("cannot write '" + path + "'");
    }
  }
  if (std::error_code ec = llvm::sys::fs::rename(tmp, path)) {
    llvm::sys::fs::remove(tmp);
    return llvm::createStringError(ec, "cannot write '" + path +
                                           "': " + ec.message());
  }
  return llvm::Error::success();
}

llvm::Expected<CalibrationStats>
lpc::lq::readCalibrationStats(llvm::StringRef path) {
  auto fail = [&](const llvm::Twine &msg) { return fileError(path, msg); };
  llvm::Expected<llvm::json::Value> doc = readJSONFile(path);
  if (!doc)
    return doc.takeError();
  const llvm::json::Object *top = doc->getAsObject();
  if (!top || top->getString("format") != "lpc-calibration")
    return fail("not an lpc calibration file (no \"format\": "
                "\"lpc-calibration\"; write one with lpc calibrate)");
  if (top->getInteger("version") != 1)
    return fail("unsupported version (lpc reads version 1)");
  CalibrationStats stats;
  if (std::optional<llvm::StringRef> m = top->getString("model"))
    stats.model = m->str();
  stats.sets = top->getInteger("sets").value_or(0);
  const llvm::json::Array *acts = top->getArray("activations");
  if (!acts)
    return fail("'activations' must be an array");
  auto numbers = [&](const llvm::json::Object &o, llvm::StringRef key,
                     std::vector<double> &out,
                     const llvm::Twine &where) -> llvm::Error {
    const llvm::json::Array *a = o.getArray(key);
    if (!a)
      return fail("'" + where + "." + key + "' must be an array of numbers");
    for (const llvm::json::Value &v : *a) {
      std::optional<double> d = v.getAsNumber();
      if (!d)
        return fail("'" + where + "." + key + "' must be an array of numbers");
      out.push_back(*d);
    }
    return llvm::Error::success();
  };
  for (auto [i, v] : llvm::enumerate(*acts)) {
    std::string where = ("activations[" + llvm::Twine(i) + "]").str();
    const llvm::json::Object *o = v.getAsObject();
    if (!o)
      return fail("'" + where + "' must be an object");
    ActivationStats s;
    const llvm::json::Array *layers = o->getArray("layers");
    if (!layers || layers->empty())
      return fail("'" + where + ".layers' must be a non-empty array of names");
    for (const llvm::json::Value &l : *layers) {
      std::optional<llvm::StringRef> n = l.getAsString();
      if (!n)
        return fail("'" + where +
                    ".layers' must be a non-empty array of names");
      s.layers.push_back(n->str());
    }
    s.op = o->getString("op").value_or("").str();
    s.channelAxis = o->getInteger("channel_axis").value_or(0);
    s.samples = o->getInteger("samples").value_or(0);
    if (llvm::Error e = numbers(*o, "absmax", s.absmax, where))
      return std::move(e);
    if (o->getArray("min"))
      if (llvm::Error e = numbers(*o, "min", s.min, where))
        return std::move(e);
    if (o->getArray("max"))
      if (llvm::Error e = numbers(*o, "max", s.max, where))
        return std::move(e);
    if (const llvm::json::Object *g = o->getObject("gram")) {
      s.gramRows = g->getInteger("rows").value_or(0);
      if (llvm::Error e = numbers(*g, "values", s.gram, where + ".gram"))
        return std::move(e);
      size_t c = s.absmax.size();
      if (s.gram.size() != c * c)
        return fail("'" + where + ".gram.values' must hold " +
                    llvm::Twine(c * c) + " numbers (channels^2)");
    }
    if (const llvm::json::Array *pgs = o->getArray("patch_grams")) {
      for (auto [j, pv] : llvm::enumerate(*pgs)) {
        std::string at = (where + ".patch_grams[" + llvm::Twine(j) + "]").str();
        const llvm::json::Object *po = pv.getAsObject();
        std::optional<llvm::StringRef> layer =
            po ? po->getString("layer") : std::nullopt;
        std::optional<int64_t> groups =
                                   po ? po->getInteger("groups") : std::nullopt,
                               size =
                                   po ? po->getInteger("size") : std::nullopt;
        if (!layer || !groups || !size || *groups < 1 || *size < 1)
          return fail("'" + at +
                      "' must be an object with a \"layer\" name and "
                      "positive \"groups\" and \"size\"");
        PatchGram pg;
        pg.geometry.layer = layer->str();
        pg.groups = *groups;
        pg.size = *size;
        pg.rows = po->getInteger("rows").value_or(0);
        if (llvm::Error e = numbers(*po, "values", pg.values, at))
          return std::move(e);
        if ((int64_t)pg.values.size() != pg.groups * pg.size * pg.size)
          return fail("'" + at + ".values' must hold " +
                      llvm::Twine(pg.groups * pg.size * pg.size) +
                      " numbers (groups x size^2)");
        s.patchGrams.push_back(std::move(pg));
      }
    }
    for (const std::string &l : s.layers)
      stats.byLayer[l] = stats.activations.size();
    stats.activations.push_back(std::move(s));
  }
  return stats;
}
