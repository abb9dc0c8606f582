"""Independent models of the lq ops beyond quantize/dequantize/matmul
(docs/Semantics.md): codebooks, Hadamard, requantize, packing, bit planes,
salient merge. Built on lqmodel.py's exact f32 arithmetic; shares no code
with lpc's C++.
"""

import math
import os
import sys
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lqmodel as L  # noqa: E402

NF4 = [-1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453,
       -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0,
       0.07958029955625534, 0.16093020141124725, 0.24611230194568634,
       0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
       0.7229568362236023, 1.0]


class Codebook(object):
    kind = "codebook"

    def __init__(self, width, values):
        self.W = self.width = width
        self.values = [L.f32(float(v)) for v in values]
        assert len(self.values) == 1 << width


def nf4():
    return Codebook(4, NF4)


def codebook_encode(cb, x, scale=1.0, offset=None):
    t = L.compute_t(x, scale, offset)
    if t != t:
        t = 0.0
    t = min(max(t, min(cb.values)), max(cb.values))
    best, best_d = 0, abs(L.f32_sub(t, cb.values[0]))
    for i, v in enumerate(cb.values[1:], 1):
        d = abs(L.f32_sub(t, v))
        if d < best_d:
            best, best_d = i, d
    return best


def codebook_dequant(cb, code, scale=1.0, offset=None):
    x = L.f32_mul(cb.values[code], float(scale))
    return L.f32_add(x, float(offset)) if offset is not None else x


# ---------------------------------------------------------------- Hadamard

def _chi(x, q):
    x %= q
    if x == 0:
        return 0
    return 1 if any((y * y) % q == x for y in range(1, q)) else -1


def hadamard_base(m):
    """The m x m base matrices of Semantics.md (Paley I for 12, 20; II for 28)."""
    if m == 1:
        return [[1]]
    if m in (12, 20):
        q = m - 1
        return [[(0 if i == 0 and j == 0 else 1 if i == 0 else -1 if j == 0 else _chi(j - i, q))
                 + (1 if i == j else 0) for j in range(m)] for i in range(m)]
    if m == 28:
        q, s = 13, 14
        H = [[0] * m for _ in range(m)]
        for i in range(s):
            for j in range(s):
                e = 0 if i == 0 and j == 0 else 1 if (i == 0 or j == 0) else _chi(j - i, q)
                blk = [[1, -1], [-1, -1]] if e == 0 else [[e, e], [e, -e]]
                for a in range(2):
                    for b in range(2):
                        H[2 * i + a][2 * j + b] = blk[a][b]
        return H
    raise ValueError(m)


def hadamard_factors(n):
    for m in (1, 12, 20, 28):
        if n % m == 0 and (n // m) & (n // m - 1) == 0:
            return m, n // m
    raise ValueError(n)


def hadamard_matrix(n):
    """Dense H_m (x) H_p with Sylvester H_p: H[i][j]."""
    m, p = hadamard_factors(n)
    B = hadamard_base(m)
    return [[B[i // p][j // p] * (-1) ** bin((i % p) & (j % p)).count("1") for j in range(n)]
            for i in range(n)]


def hadamard_row(x, normalize=True):
    """The exact f32 operation order of Semantics.md for one row."""
    n = len(x)
    m, p = hadamard_factors(n)
    x = [float(v) for v in x]
    h = 1
    while h < p:
        y = list(x)
        for i in range(n):
            if (i & h) == 0:
                y[i] = L.f32_add(x[i], x[i ^ h])
            else:
                y[i] = L.f32_sub(x[i ^ h], x[i])
        x = y
        h *= 2
    if m > 1:
        B = hadamard_base(m)
        y = []
        for i in range(n):
            im, ip = divmod(i, p)
            acc = 0.0
            for j in range(m):
                acc = L.f32_add(acc, L.f32_mul(float(B[im][j]), x[j * p + ip]))
            y.append(acc)
        x = y
    if normalize:
        c = L.round_f32(_inv_sqrt(n))
        x = [L.f32_mul(v, c) for v in x]
    return x


def _inv_sqrt(n):
    """1/sqrt(n) as an exact-enough Fraction (60 bits) for f32 rounding."""
    r = math.isqrt(n << 240)  # sqrt(n) * 2^120, floored
    lo, hi = Fraction(1 << 120, r + 1), Fraction(1 << 120, r)
    assert L.round_f32(lo) == L.round_f32(hi), "1/sqrt(n) rounding not settled"
    return lo


# ---------------------------------------------------------------- requantize

def round_shift(p, s, mode):
    """round(p / 2^s) exactly."""
    if s == 0:
        return p
    fl = p >> s
    r = p - (fl << s)
    half = 1 << (s - 1)
    if mode == "floor":
        up = False
    elif mode == "ceil":
        up = r != 0
    elif mode == "toward_zero":
        up = p < 0 and r != 0
    elif mode == "half_away":
        up = r > half if p < 0 else r >= half
    elif mode == "away_from_zero":
        up = p > 0 and r != 0
    elif mode == "half_toward_zero":
        up = r >= half if p < 0 else r > half
    elif mode == "half_even":
        up = r > half or (r == half and fl & 1)
    else:
        raise ValueError(mode)
    return fl + (1 if up else 0)


def requantize_fixed(x, mult, shift, out, zx=0, zy=0, mode="half_even"):
    q = round_shift((x - zx) * mult, min(max(31 + shift, 0), 62), mode)
    return out.code_of(min(max(q + zy, out.qmin), out.qmax))


def requantize_float(x, mult, out, zx=0, zy=0, mode="half_even", seed=0, index=0):
    t = L.f32_mul(L.f32_from_int(x - zx), float(mult))
    return L._encode_int(out, t, zy, mode, seed, index)


# ---------------------------------------------------------------- packing

def pack_dense(codes, w):
    acc = 0
    for i, c in enumerate(codes):
        acc |= (int(c) & ((1 << w) - 1)) << (i * w)
    return list(acc.to_bytes((len(codes) * w + 7) // 8, "little"))


def pack_bitplanes(codes, w):
    n = len(codes)
    nb = (n + 7) // 8
    out = []
    for p in range(w):
        plane = 0
        for i, c in enumerate(codes):
            plane |= ((int(c) >> p) & 1) << i
        out += list(plane.to_bytes(nb, "little"))
    return out


def tile_order(rows, cols, tr, tc):
    """Row-major (r, c) visited in tile order."""
    order = []
    for tr0 in range(0, rows, tr):
        for tc0 in range(0, cols, tc):
            for r in range(tr0, tr0 + tr):
                for c in range(tc0, tc0 + tc):
                    order.append((r, c))
    return order


def pack_tiles(codes2d, w, tr, tc):
    rows, cols = len(codes2d), len(codes2d[0])
    return pack_dense([codes2d[r][c] for r, c in tile_order(rows, cols, tr, tc)], w)


def signed_byte(b):
    return b - 256 if b >= 128 else b
