//===- Calibration.h - Activation statistics of lpc calibrate ---*- C++ -*-===//
//
// The statistics `lpc calibrate` gathers from the activations of every weight
// layer on sample inputs, and the one reader and writer of the statistics
// file (JSON, docs/Quantization.md) that lq-quantize's `stats=FILE` reads.
//
//===----------------------------------------------------------------------===//

#ifndef LPC_DIALECT_LQ_UTILS_CALIBRATION_H
#define LPC_DIALECT_LQ_UTILS_CALIBRATION_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace lpc::lq {

/// How a convolution reads its input (one sample, row-major `shape`): loop
/// l runs over [0, loopSizes[l]) and input dim d is read at
/// offsets[d] + sum_l coeffs[d * loops + l] * l (out of range: zero
/// padding). Per value of the depth loop (a group), per position of the
/// image loops, the values at every position of the reduction loops (in
/// the filter's order) are one row of that group's im2col matrix.
struct PatchGeometry {
  std::string layer;
  std::vector<int64_t> loopSizes, coeffs, offsets;
  std::vector<int64_t> imageLoops, reductionLoops;
  int64_t depthLoop = -1;

  int64_t groups() const { return depthLoop < 0 ? 1 : loopSizes[depthLoop]; }
  /// Columns of one group's im2col matrix.
  int64_t patchSize() const;
};

/// The Gram matrices P^T P of one convolution's im2col matrices P, one per
/// group (groups x K x K, row-major, f64), and the rows per group.
struct PatchGram {
  PatchGeometry geometry;
  int64_t groups = 1, size = 0, rows = 0;
  std::vector<double> values;
};

/// Statistics of one activation tensor, which one or more layers read.
struct ActivationStats {
  /// The ONNX node names of the layers reading it.
  std::vector<std::string> layers;
  /// "matmul" or "conv".
  std::string op;
  /// The shape of one sample and the axis of its input channels.
  std::vector<int64_t> shape;
  int64_t channelAxis = 0;
  /// Samples (input sets) seen.
  int64_t samples = 0;
  /// Per input channel.
  std::vector<double> min, max, absmax;
  /// |x| histogram: bin (k - kMinExponent) * kBinsPerOctave +
  /// floor((f - 1) * kBinsPerOctave) for |x| = f * 2^k, f in [1, 2)
  /// (exponents clamped to the range), zeros counted apart.
  static constexpr int kBinsPerOctave = 8, kMinExponent = -40,
                       kMaxExponent = 40;
  int64_t zeros = 0;
  std::vector<int64_t> histogram;
  /// Matmuls: the Gram matrix X^T X of the K-wide rows over every sample
  /// (K x K, row-major, f64) and the number of rows; empty for convolutions.
  int64_t gramRows = 0;
  std::vector<double> gram;
  /// Convolutions: per layer reading it, the Gram matrices of its patches.
  std::vector<PatchGram> patchGrams;

  /// The largest |x| over every channel.
  double tensorAbsMax() const;
  /// Adds one sample (f32, `shape`).
  void add(llvm::ArrayRef<float> values);
  /// Starts statistics of tensors of `shape` (sizes the arrays).
  void init(llvm::ArrayRef<int64_t> sampleShape, int64_t axis, bool withGram);
  /// Collects the patch Gram matrices of a convolution reading it (from the
  /// next add on).
  void addPatchGram(PatchGeometry geometry);
  /// The patch Gram matrices of convolution `layer`, or null.
  const PatchGram *patchGram(llvm::StringRef layer) const;
};

/// A statistics file: the activations, and per layer name the index of the
/// activation it reads.
struct CalibrationStats {
  std::string model;
  int64_t sets = 0;
  std::vector<ActivationStats> activations;
  std::map<std::string, size_t> byLayer;

  /// The statistics of the activations layer `name` reads, or null.
  const ActivationStats *lookup(llvm::StringRef name) const;
};

/// Writes `stats` to `path` as JSON (to a temporary file renamed on
/// success, so a failed write leaves no file).
llvm::Error writeCalibrationStats(const CalibrationStats &stats,
                                  llvm::StringRef path);
/// Reads a statistics file; errors name the file and what is wrong.
llvm::Expected<CalibrationStats> readCalibrationStats(llvm::StringRef path);

} // namespace lpc::lq

#endif // LPC_DIALECT_LQ_UTILS_CALIBRATION_H
