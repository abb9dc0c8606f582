//===- OneDNNPeer.cpp - oneDNN matmuls as lpc-bench's peers ---------------===//
//
// oneDNN's (Debian libdnnl-dev) u8 x s8 -> s32 and f32 matmul of M rows
// (one for the GEMV, the batch for the GEMM) by prepacked weights, through
// its C API: every call is checked and a failure is an error message, never
// a trap.
//
//===----------------------------------------------------------------------===//

#include "OneDNNPeer.h"

#include <oneapi/dnnl/dnnl.h>

#include <cstring>
#include <string>

namespace {

#define LPC_DNNL_CHECK(call)                                                   \
  do {                                                                         \
    dnnl_status_t status = (call);                                             \
    if (status != dnnl_success) {                                              \
      error = std::string("oneDNN: ") + #call + " failed with status " +       \
              std::to_string(int(status));                                     \
      return false;                                                            \
    }                                                                          \
  } while (0)

class OneDNNMatmul : public lpc::bench::Peer {
public:
  OneDNNMatmul(bool int8, int64_t m, int64_t n, int64_t k)
      : int8(int8), m(m), n(n), k(k) {}
  ~OneDNNMatmul() override {
    for (dnnl_memory_t m : weights)
      dnnl_memory_destroy(m);
    if (src)
      dnnl_memory_destroy(src);
    if (dst)
      dnnl_memory_destroy(dst);
    if (matmul)
      dnnl_primitive_destroy(matmul);
    if (pd)
      dnnl_primitive_desc_destroy(pd);
    if (stream)
      dnnl_stream_destroy(stream);
    if (engine)
      dnnl_engine_destroy(engine);
  }

  bool init(int64_t copies, std::string &error) {
    LPC_DNNL_CHECK(dnnl_engine_create(&engine, dnnl_cpu, 0));
    LPC_DNNL_CHECK(
        dnnl_stream_create(&stream, engine, dnnl_stream_default_flags));
    dnnl_data_type_t a = int8 ? dnnl_u8 : dnnl_f32,
                     w = int8 ? dnnl_s8 : dnnl_f32,
                     c = int8 ? dnnl_s32 : dnnl_f32;
    dnnl_dims_t srcDims = {m, k}, wDims = {k, n}, dstDims = {m, n};
    dnnl_memory_desc_t srcMd, anyMd, userMd, dstMd;
    LPC_DNNL_CHECK(
        dnnl_memory_desc_init_by_tag(&srcMd, 2, srcDims, a, dnnl_ab));
    LPC_DNNL_CHECK(
        dnnl_memory_desc_init_by_tag(&anyMd, 2, wDims, w, dnnl_format_tag_any));
    // lpc-bench stores weights N x K row-major: K x N in `ba` order.
    LPC_DNNL_CHECK(dnnl_memory_desc_init_by_tag(&userMd, 2, wDims, w, dnnl_ba));
    LPC_DNNL_CHECK(
        dnnl_memory_desc_init_by_tag(&dstMd, 2, dstDims, c, dnnl_ab));
    dnnl_matmul_desc_t desc;
    LPC_DNNL_CHECK(
        dnnl_matmul_desc_init(&desc, &srcMd, &anyMd, nullptr, &dstMd));
    LPC_DNNL_CHECK(
        dnnl_primitive_desc_create(&pd, &desc, nullptr, engine, nullptr));
    LPC_DNNL_CHECK(dnnl_primitive_create(&matmul, pd));
    const dnnl_memory_desc_t *packedMd =
        dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
    LPC_DNNL_CHECK(
        dnnl_memory_create(&src, &srcMd, engine, DNNL_MEMORY_ALLOCATE));
    LPC_DNNL_CHECK(
        dnnl_memory_create(&dst, &dstMd, engine, DNNL_MEMORY_ALLOCATE));
    fill(src, dnnl_memory_desc_get_size(&srcMd), 1);

    // Prepacked weights: each copy is written in the user layout and
    // reordered once into the layout the primitive chose.
    dnnl_primitive_desc_t reorderPd;
    LPC_DNNL_CHECK(dnnl_reorder_primitive_desc_create(
        &reorderPd, &userMd, engine, packedMd, engine, nullptr));
    dnnl_primitive_t reorder;
    dnnl_status_t made = dnnl_primitive_create(&reorder, reorderPd);
    dnnl_primitive_desc_destroy(reorderPd);
    LPC_DNNL_CHECK(made);
    bool ok = true;
    for (int64_t i = 0; i < copies && ok; ++i) {
      dnnl_memory_t user, packed;
      LPC_DNNL_CHECK(
          dnnl_memory_create(&user, &userMd, engine, DNNL_MEMORY_ALLOCATE));
      fill(user, dnnl_memory_desc_get_size(&userMd), 1000 + i);
      dnnl_status_t created =
          dnnl_memory_create(&packed, packedMd, engine, DNNL_MEMORY_ALLOCATE);
      dnnl_exec_arg_t args[] = {{DNNL_ARG_FROM, user}, {DNNL_ARG_TO, packed}};
      ok = created == dnnl_success &&
           dnnl_primitive_execute(reorder, stream, 2, args) == dnnl_success &&
           dnnl_stream_wait(stream) == dnnl_success;
      dnnl_memory_destroy(user);
      if (created == dnnl_success)
        weights.push_back(packed);
    }
    dnnl_primitive_destroy(reorder);
    if (!ok) {
      error = "oneDNN: reordering the weights failed";
      return false;
    }
    packedBytes = dnnl_memory_desc_get_size(packedMd);
    return true;
  }

  std::string name() const override {
    return int8 ? "onednn-u8s8s32" : "onednn-f32";
  }
  int64_t copies() const override { return weights.size(); }
  size_t weightBytes() const override { return packedBytes; }
  bool run(int64_t copy) override {
    dnnl_exec_arg_t args[] = {{DNNL_ARG_SRC, src},
                              {DNNL_ARG_WEIGHTS, weights[copy]},
                              {DNNL_ARG_DST, dst}};
    return dnnl_primitive_execute(matmul, stream, 3, args) == dnnl_success &&
           dnnl_stream_wait(stream) == dnnl_success;
  }
  const uint8_t *weightData(int64_t copy) const override {
    void *p = nullptr;
    dnnl_memory_get_data_handle(weights[copy], &p);
    return static_cast<const uint8_t *>(p);
  }

private:
  /// Small, distinct contents (valid in every data type).
  static void fill(dnnl_memory_t m, size_t bytes, uint64_t seed) {
    void *p = nullptr;
    dnnl_memory_get_data_handle(m, &p);
    auto *b = static_cast<uint8_t *>(p);
    for (size_t i = 0; i < bytes; ++i)
      b[i] = uint8_t((i * 2654435761u + seed * 40503u) >> 7) & 0x3f;
  }

  bool int8;
  int64_t m, n, k;
  dnnl_engine_t engine = nullptr;
  dnnl_stream_t stream = nullptr;
  dnnl_primitive_desc_t pd = nullptr;
  dnnl_primitive_t matmul = nullptr;
  dnnl_memory_t src = nullptr, dst = nullptr;
  std::vector<dnnl_memory_t> weights;
  size_t packedBytes = 0;
};

} // namespace

std::unique_ptr<lpc::bench::Peer>
lpc::bench::makeOneDNNMatmul(bool int8, int64_t m, int64_t n, int64_t k,
                             int64_t coldBytes, std::string &error) {
  auto peer = std::make_unique<OneDNNMatmul>(int8, m, n, k);
  int64_t bytes = n * k * (int8 ? 1 : 4);
  int64_t copies = std::max<int64_t>(1, (coldBytes + bytes - 1) / bytes);
  if (!peer->init(copies, error))
    return nullptr;
  return peer;
}
