"""Test-vector generation for the lq exhaustive tests (uses lqmodel.py).

encode_sweep(fmt)  -> list of f32-exact Python floats to quantize:
    every code's value, every midpoint between adjacent representable values and
    each midpoint +-1 f32 ulp, +-(each value +-1 f32 ulp), subnormal / underflow
    edges, values past saturation (max*1.01, max*4, the overflow threshold +-1 ulp,
    1e30, f32 max), +-0, +-Inf and NaN.  At most `limit` (default 1200) values: the
    essential ones are always kept, the other categories are thinned evenly.
decode_codes(fmt)  -> every code of the format.
expected_encode(fmt, xs, ...) / expected_decode(fmt, codes, ...) pair vectors with
    the model's results.
f32_hex(x)         -> MLIR hex literal of an f32 ("0x3F800000"), exact for tensor<f32>.

CLI: .deps/venv/bin/python test/lib/lqgen.py FORMAT [--codes] [--mode half_even] [--no-saturate]
prints "x_hex code" lines (or "code value_hex" with --codes).
"""

import math
import os
import sys
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lqmodel as L  # noqa: E402

DEFAULT_LIMIT = 1200


def f32_hex(x):
    return '0x%08X' % L.f32_bits(x)


def decode_codes(fmt):
    return list(range(1 << fmt.W))


def _key(x):
    if x != x:
        return 'nan'
    return L.f32_bits(x)


def _finite_values(fmt):
    """Sorted distinct finite values (Fractions) of the format."""
    vals = set()
    for c in range(1 << fmt.W):
        v = L.decode(fmt, c)
        if not isinstance(v, str):
            vals.add(Fraction(v))
    return sorted(vals)


def _thin(items, n):
    """n evenly spaced items of a list (deterministic)."""
    if n >= len(items):
        return list(items)
    if n <= 0:
        return []
    step = len(items) / float(n)
    return [items[int(i * step)] for i in range(n)]


def _uniq(xs, seen):
    out = []
    for x in xs:
        k = _key(x)
        if k not in seen:
            seen.add(k)
            out.append(x)
    return out


def _pm_ulp(x):
    return [L.next_f32_up(x), L.next_f32_down(x)]


def _categories(fmt):
    """Lists of candidate f32 values by priority: [essential edges, code values,
    midpoints, midpoints +- ulp, values +- ulp]."""
    F = lambda q: L.round_f32(Fraction(q))  # noqa: E731
    ess, mids, midulp, valulp = [], [], [], []
    ess += [0.0, -0.0, math.inf, -math.inf, math.nan]
    ess += [F(1e30), F(-1e30), float(L.F32_MAX), -float(L.F32_MAX),
            L.bits_f32(1), -L.bits_f32(1), F(L.pow2(-126)), -F(L.pow2(-126))]

    if fmt.kind == 'bipolar':
        ess += [1.0, -1.0, 0.5, -0.5, 2.0, -2.0]
        return [ess, [], [], [], []]

    vals = _finite_values(fmt)
    if fmt.kind == 'int':
        vals = [Fraction(q) for q in range(fmt.qmin, fmt.qmax + 1)]
        lo, hi = fmt.qmin, fmt.qmax
        ess += [float(v) for v in (lo, hi, lo - 1, hi + 1, lo - Fraction(1, 2),
                                   hi + Fraction(1, 2), 2 * hi + 2, 4 * lo - 4)]
        ess += [F(Fraction(hi) * Fraction(101, 100)), F(Fraction(lo) * Fraction(101, 100))]
        for q in (lo, hi, 0, 1, -1):
            for d in (Fraction(1, 2), -Fraction(1, 2)):
                x = F(q + d)
                ess += [x] + _pm_ulp(x)
            ess += _pm_ulp(float(q))
        cats_vals = [float(v) for v in vals]
    else:
        maxv = fmt.max_value()
        # past saturation / overflow threshold
        top_q = L.pow2(L.floor_log2(maxv) - fmt.M)  # quantum at max
        thr = maxv + top_q / 2
        for s in (1, -1):
            for q in (maxv * Fraction(101, 100), maxv * 4, thr, maxv + top_q,
                      maxv * 2, maxv + top_q / 4):
                x = F(s * q)
                ess.append(x)
            ess += _pm_ulp(F(s * thr))
            ess += _pm_ulp(F(s * maxv))
        # subnormal / underflow edges
        mp = fmt.min_positive()
        edges = [mp, mp / 2, mp / 4, mp * 3 / 4, L.pow2(fmt.emin), mp * 3 / 2]
        if fmt.subnormals and fmt.M > 0:
            edges += [L.pow2(fmt.emin) - mp, L.pow2(fmt.emin) - mp / 2]  # largest subnormal, mid to min normal
        for s in (1, -1):
            for q in edges:
                x = F(s * q)
                ess += [x] + _pm_ulp(x)
        cats_vals = []
        for c in range(1 << fmt.W):
            v = L.decode(fmt, c)
            if not isinstance(v, str):
                cats_vals.append(L.to_f32(v))
    # negatives of everything for unsigned formats are cheap extra checks of the clamp
    for a, b in zip(vals, vals[1:]):
        m = F((a + b) / 2)
        mids.append(m)
        midulp += _pm_ulp(m)
    for x in cats_vals:
        valulp += _pm_ulp(x)
    if not getattr(fmt, 'signed', True) or (fmt.kind == 'int' and fmt.qmin == 0):
        # unsigned: also a thinned mirror of the positive values (clamp to 0)
        valulp += [-x for x in cats_vals if x > 0]
        mids += [-m for m in mids]
    return [ess, cats_vals, mids, midulp, valulp]


def encode_sweep(fmt, limit=DEFAULT_LIMIT):
    """f32-exact values to quantize (see module doc).  Sorted: finite ascending
    (-0 before +0), then -inf, +inf, nan."""
    cats = _categories(fmt)
    seen = set()
    cats = [_uniq([x for x in c if L.is_f32(x)], seen) for c in cats]
    out = list(cats[0])
    rest = cats[1:]
    for i, c in enumerate(rest):
        share = (limit - len(out)) // (len(rest) - i)
        out += _thin(c, max(share, 0))
    finite = [x for x in out if x == x and not math.isinf(x)]
    finite.sort(key=lambda x: (x, 0 if L._signbit(x) else 1))
    specials = [x for x in (-math.inf, math.inf) if x in out]
    if any(x != x for x in out):
        specials.append(math.nan)
    return finite + specials


def expected_encode(fmt, xs, rounding='half_even', seed=0, saturate=True, scale=1.0,
                    zero_point=None, offset=None):
    """[(x, code)] with index = position in xs (as for a 1-D quantize)."""
    return [(x, L.encode(fmt, x, rounding, seed, i, saturate, scale, zero_point, offset))
            for i, x in enumerate(xs)]


def expected_decode(fmt, codes=None, scale=1.0, zero_point=None, offset=None):
    """[(code, f32 value)] via dequantize semantics (scale 1.0: the exact value)."""
    codes = decode_codes(fmt) if codes is None else codes
    return [(c, L.dequant_one(fmt, c, scale, zero_point, offset)) for c in codes]


def _main(argv):
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument('format')
    ap.add_argument('--codes', action='store_true')
    ap.add_argument('--mode', default='half_even')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--no-saturate', action='store_true')
    ap.add_argument('--limit', type=int, default=DEFAULT_LIMIT)
    a = ap.parse_args(argv)
    fmt = L.fmt_from_name(a.format)
    if a.codes:
        for c, v in expected_decode(fmt):
            print('%d %s' % (c, f32_hex(v) if v == v else 'nan'))
        return 0
    xs = encode_sweep(fmt, a.limit)
    for x, c in expected_encode(fmt, xs, a.mode, a.seed, not a.no_saturate):
        print('%s %d' % (f32_hex(x), c))
    return 0


if __name__ == '__main__':
    sys.exit(_main(sys.argv[1:]))
