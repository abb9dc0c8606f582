//===- OneDNNPeer.h - Peers lpc-bench times beside lpc ----------*- C++ -*-===//
//
// A peer is another library's matmul on its own weight copies; lpc-bench
// times it as it times lpc's code (GEMV: cold copies, each sample paired
// with a read of the same buffers; GEMM: hot, against the int8 peak).
//
//===----------------------------------------------------------------------===//

#ifndef LPC_BENCH_ONEDNNPEER_H
#define LPC_BENCH_ONEDNNPEER_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace lpc::bench {

class Peer {
public:
  virtual ~Peer() = default;
  virtual std::string name() const = 0;
  virtual int64_t copies() const = 0;
  /// Bytes of one weight copy as the peer stores it (prepacked).
  virtual size_t weightBytes() const = 0;
  virtual const uint8_t *weightData(int64_t copy) const = 0;
  /// One matmul on weight copy `copy`; false on failure.
  virtual bool run(int64_t copy) = 0;
};

/// oneDNN's matmul of M x K rows by prepacked K x N weights: u8 x s8 -> s32
/// (`int8`) or f32, with weight copies filling at least `coldBytes` (one copy
/// for 0: hot weights). Null with `error` set when oneDNN fails.
std::unique_ptr<Peer> makeOneDNNMatmul(bool int8, int64_t m, int64_t n,
                                       int64_t k, int64_t coldBytes,
                                       std::string &error);

} // namespace lpc::bench

#endif // LPC_BENCH_ONEDNNPEER_H
