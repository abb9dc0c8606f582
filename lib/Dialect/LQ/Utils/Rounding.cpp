//===- Rounding.cpp - Host-side rounding of lq's rounding modes -----------===//

#include "lpc/Dialect/LQ/Utils/Rounding.h"

#include "llvm/Support/ErrorHandling.h"

#include <cmath>

double lpc::lq::roundHost(double v, RoundingMode mode) {
  switch (mode) {
  case RoundingMode::half_even: {
    double f = std::floor(v), d = v - f;
    if (d > 0.5 || (d == 0.5 && std::fmod(f, 2.0) != 0.0))
      return f + 1;
    return f;
  }
  case RoundingMode::half_away:
    return std::round(v);
  case RoundingMode::toward_zero:
    return std::trunc(v);
  case RoundingMode::floor:
    return std::floor(v);
  case RoundingMode::ceil:
    return std::ceil(v);
  case RoundingMode::away_from_zero:
    return std::copysign(std::ceil(std::fabs(v)), v);
  case RoundingMode::half_toward_zero:
    return std::copysign(std::ceil(std::fabs(v) - 0.5), v);
  case RoundingMode::stochastic:
    break;
  }
  llvm_unreachable("stochastic rounding needs an element index and a seed");
}
