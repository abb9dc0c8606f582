"""The error bound of docs/Semantics.md ("Reordered float sums") for f32
results whose summation order differs from the reference lowering.

    |y' - y_exact| <= gamma(n - 1 + r) * sum_i |p_i|,  gamma(m) = m u / (1 - m u),
    u = 2^-24

Kernel tests call `within(got, terms, r)` (or `bound(terms, r)`) with the
exact products `terms` (an array whose last axis is the summation axis),
evaluated in f64.

`python fbound.py --self-test` checks the bound against f32 sums in many
orders (sequential, reversed, shuffled, pairwise, numpy's float32 dot, FMA
emulated in f64) and that it rejects results one step past it.
"""
import sys

import numpy as np

U = 2.0 ** -24


def gamma(m):
    m = np.asarray(m, np.float64)
    return m * U / (1 - m * U)


def bound(terms, r=1):
    """The bound for sums over the last axis of `terms` (f64 products)."""
    terms = np.asarray(terms, np.float64)
    n = terms.shape[-1]
    return gamma(n - 1 + r) * np.abs(terms).sum(axis=-1)


def exact(terms):
    """sum over the last axis in f64 (math.fsum per output, exact rounding)."""
    import math
    terms = np.asarray(terms, np.float64)
    flat = terms.reshape(-1, terms.shape[-1])
    return np.array([math.fsum(row) for row in flat]).reshape(terms.shape[:-1])


def within(got, terms, r=1):
    """Elementwise: whether f32 results `got` are within the bound of the
    exact sums of `terms`. NaN / Inf in the exact sum must be matched."""
    got = np.asarray(got, np.float64)
    ref = exact(terms)
    with np.errstate(invalid="ignore"):
        ok = np.abs(got - ref) <= bound(terms, r)
    special = ~np.isfinite(ref)
    return np.where(special, (np.isnan(ref) & np.isnan(got)) | (got == ref), ok)


def _f32_sum(terms, order):
    acc = np.float32(0)
    for i in order:
        acc = np.float32(acc + terms[i])
    return acc


def _pairwise(terms):
    t = [np.float32(v) for v in terms]
    while len(t) > 1:
        t = [np.float32(t[i] + t[i + 1]) if i + 1 < len(t) else t[i]
             for i in range(0, len(t), 2)]
    return t[0]


def self_test():
    rng = np.random.default_rng(0)
    checked = rejected = 0
    for trial in range(300):
        k = int(rng.integers(1, 2048))
        x = rng.standard_normal(k).astype(np.float32)
        w = (rng.standard_normal(k) * 10.0 ** rng.integers(-3, 3)).astype(np.float32)
        terms = x.astype(np.float64) * w.astype(np.float64)
        p32 = (x * w).astype(np.float32)  # r = 1: the product rounds once
        results = [
            _f32_sum(p32, range(k)),
            _f32_sum(p32, range(k - 1, -1, -1)),
            _f32_sum(p32, rng.permutation(k)),
            _pairwise(p32),
            np.dot(x, w),  # numpy/BLAS float32, its own blocking and FMA
        ]
        # FMA: acc = round(acc + x*w) with the product exact.
        acc = np.float32(0)
        for i in rng.permutation(k):
            acc = np.float32(np.float64(acc) + terms[i])
        results.append(acc)
        for y in results:
            assert within(np.float32(y), terms[None, :], r=1).all(), (trial, k, y)
            checked += 1
        # One step past the bound is rejected.
        b = float(bound(terms, 1))
        ref = float(exact(terms))
        if b > 0:
            past = np.nextafter(ref + b, np.inf)
            assert not within(past, terms[None, :], r=1).all()
            rejected += 1
    # NaN and infinities.
    assert within(np.nan, np.array([[np.nan, 1.0]])).all()
    assert not within(1.0, np.array([[np.nan, 1.0]])).all()
    assert within(np.inf, np.array([[np.inf, 1.0]])).all()
    assert not within(-np.inf, np.array([[np.inf, 1.0]])).all()
    print("fbound self-test: %d results within the bound, %d past it rejected"
          % (checked, rejected))


if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        self_test()
    else:
        print(__doc__.strip())
        sys.exit(2)
