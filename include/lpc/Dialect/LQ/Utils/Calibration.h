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

  /// The largest |x| over every channel.
  double tensorAbsMax() const;
  /// Adds one sample (f32, `shape`).
  void add(llvm::ArrayRef<float> values);
  /// Starts statistics of tensors of `shape` (sizes the arrays).
  void init(llvm::ArrayRef<int64_t> sampleShape, int64_t axis, bool withGram);
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
