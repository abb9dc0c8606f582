//===- Hadamard.cpp - Hadamard matrices of lq.hadamard --------------------===//

#include "lpc/Dialect/LQ/IR/Hadamard.h"

#include "llvm/Support/ErrorHandling.h"

using namespace lpc::lq;
using llvm::SmallVector;

std::optional<std::pair<int64_t, int64_t>>
lpc::lq::getHadamardFactors(int64_t n) {
  if (n < 1)
    return std::nullopt;
  for (int64_t m : kHadamardBaseOrders) {
    if (n % m)
      continue;
    int64_t p = n / m;
    if ((p & (p - 1)) == 0)
      return std::make_pair(m, p);
  }
  return std::nullopt;
}

/// Quadratic character of x modulo the prime q: 0, 1 or -1.
static int chi(int64_t x, int64_t q) {
  x = ((x % q) + q) % q;
  if (x == 0)
    return 0;
  for (int64_t y = 1; y < q; ++y)
    if ((y * y) % q == x)
      return 1;
  return -1;
}

SmallVector<int8_t> lpc::lq::getHadamardBaseMatrix(int64_t m) {
  if (m == 1)
    return {1};
  if (m == 12 || m == 20) {
    // Paley I, q = m - 1 = 3 mod 4: H = I + S with
    // S = [[0, 1^T], [-1, Q]], Q[i][j] = chi(j - i).
    int64_t q = m - 1;
    SmallVector<int8_t> h(m * m, 0);
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < m; ++j) {
        int s;
        if (i == 0 && j == 0)
          s = 0;
        else if (i == 0)
          s = 1;
        else if (j == 0)
          s = -1;
        else
          s = chi(j - i, q);
        h[i * m + j] = static_cast<int8_t>(s + (i == j ? 1 : 0));
      }
    return h;
  }
  if (m == 28) {
    // Paley II, q = 13 = 1 mod 4: S = [[0, 1^T], [1, Q]] (symmetric); each
    // entry becomes a 2x2 block: 0 -> [[1, -1], [-1, -1]],
    // +-1 -> +-[[1, 1], [1, -1]].
    int64_t q = 13, s = q + 1;
    SmallVector<int8_t> h(m * m, 0);
    for (int64_t i = 0; i < s; ++i)
      for (int64_t j = 0; j < s; ++j) {
        int e;
        if (i == 0 && j == 0)
          e = 0;
        else if (i == 0 || j == 0)
          e = 1;
        else
          e = chi(j - i, q);
        int block[2][2];
        if (e == 0) {
          block[0][0] = 1, block[0][1] = -1, block[1][0] = -1, block[1][1] = -1;
        } else {
          block[0][0] = e, block[0][1] = e, block[1][0] = e, block[1][1] = -e;
        }
        for (int a = 0; a < 2; ++a)
          for (int b = 0; b < 2; ++b)
            h[(2 * i + a) * m + (2 * j + b)] = static_cast<int8_t>(block[a][b]);
      }
    return h;
  }
  llvm_unreachable("unsupported Hadamard base order");
}
