"""An independent numpy model of lpc's quantization recipes
(docs/Quantization.md), for recipes.py and gptq.py: the scales each recipe
chooses, the round-to-nearest codes (numpy for integers, lqmodel.py's exact
encoder for minifloats), and GPTQ with those scales. Written from the
documentation, not from lpc's code."""
import numpy as np

import lqmodel

F32 = np.float32
NF4 = np.array([-1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453,
                -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0,
                0.07958029955625534, 0.16093020141124725, 0.24611230194568634,
                0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
                0.7229568362236023, 1.0], F32)


def blocks_of(w, g):
    """Splits rows of w (N x K) into groups of g columns (last one partial)."""
    return [w[:, j:j + g] for j in range(0, w.shape[1], g)]


def symmetric(w, g, bits):
    qmax = F32(2 ** (bits - 1) - 1)
    out = np.empty_like(w)
    for j, blk in zip(range(0, w.shape[1], g), blocks_of(w, g)):
        a = np.abs(blk).max(axis=1, keepdims=True)
        s = np.where(a == 0, F32(1), (a / qmax).astype(F32)).astype(F32)
        q = np.clip(np.rint((blk / s).astype(F32)), -qmax - 1, qmax)
        out[:, j:j + g] = (q.astype(F32) * s).astype(F32)
    return out


def asymmetric(w, g, bits):
    qmax = F32(2 ** bits - 1)
    out, codes, zps, scales = np.empty_like(w), np.empty(w.shape, np.int64), [], []
    for j, blk in zip(range(0, w.shape[1], g), blocks_of(w, g)):
        lo = np.minimum(blk.min(axis=1, keepdims=True), F32(0))
        hi = np.maximum(blk.max(axis=1, keepdims=True), F32(0))
        s = ((hi - lo).astype(F32) / qmax).astype(F32)
        zero = s == 0
        s = np.where(zero, F32(1), s).astype(F32)
        z = np.where(zero, 0, np.clip(np.rint((-lo / s).astype(F32)), 0, qmax)).astype(np.int64)
        q = np.clip(np.rint((blk / s).astype(F32)).astype(np.int64) + z, 0, int(qmax))
        codes[:, j:j + g] = q
        out[:, j:j + g] = ((q - z).astype(F32) * s).astype(F32)
        zps.append(z)
        scales.append(s)
    return out, codes, np.hstack(zps), np.hstack(scales)


def ternary(w, scales=None):
    """Dequantized ternary weights; the per-row scales go to `scales`."""
    out = np.empty_like(w)
    for r in range(w.shape[0]):
        a = np.abs(w[r].astype(np.float64))
        delta = 0.7 * (np.cumsum(a)[-1] / len(a))
        sel = a[a > delta]
        s = F32(np.cumsum(sel)[-1] / len(sel)) if len(sel) else F32(1)
        for _ in range(20):
            q = np.clip(np.rint((w[r] / s).astype(F32)), -1, 1)
            sel = a[q != 0]
            if not len(sel):
                break
            s_new = F32(np.cumsum(sel)[-1] / len(sel))
            if s_new == s:
                break
            s = s_new
        q = np.clip(np.rint((w[r] / s).astype(F32)), -1, 1)
        out[r] = (q.astype(F32) * s).astype(F32)
        if scales is not None:
            scales.append(s)
    return out


def nf4(w, g=64, scales=None):
    n, k = w.shape
    kb = -(-k // g)
    absmax = np.stack([np.abs(b).max(axis=1) for b in blocks_of(w, g)], axis=1).astype(F32)
    absmax = np.where(absmax == 0, F32(1), absmax).astype(F32)
    # Double quantization: uint8 codes, a step and a minimum per ~256 scales.
    b1 = min(kb, 256)
    b0 = min(n, max(1, 256 // b1))
    s2 = np.empty_like(absmax)
    for r in range(0, n, b0):
        for c in range(0, kb, b1):
            blk = absmax[r:r + b0, c:c + b1]
            lo, hi = blk.min(), blk.max()
            step = F32((hi - lo) / F32(255))
            step = F32(1) if step == 0 else step
            q = np.clip(np.rint(((blk - lo).astype(F32) / step).astype(F32)), 0, 255)
            s2[r:r + b0, c:c + b1] = ((q.astype(F32) * step).astype(F32) + lo).astype(F32)
    if scales is not None:
        scales.append(s2)
    out = np.empty_like(w)
    for j, blk in enumerate(blocks_of(w, g)):
        s = s2[:, j:j + 1]
        t = np.clip(np.nan_to_num((blk / s).astype(F32)), F32(-1), F32(1))
        code = np.argmin(np.abs((t[:, :, None] - NF4[None, None, :]).astype(F32)), axis=2)
        out[:, j * g:j * g + blk.shape[1]] = (NF4[code] * s).astype(F32)
    return out


def minifloat(fmt, blk, s):
    """lqmodel's exact encoder, then value(code) * s (f32)."""
    codes = [[lqmodel.encode(fmt, float(x), scale=float(sc)) for x in row]
             for row, sc in zip(blk, s.reshape(-1))]
    vals = np.array([[lqmodel.decode_f32(fmt, c) for c in row] for row in codes], F32)
    return (vals * s.reshape(-1, 1)).astype(F32)


def mxfp4(w, g=32):
    e2m1, e8m0 = lqmodel.e2m1(), lqmodel.e8m0()
    out = np.empty_like(w)
    for j, blk in zip(range(0, w.shape[1], g), blocks_of(w, g)):
        a = np.abs(blk).max(axis=1)
        x = np.where(a > 0, np.clip(np.frexp(a)[1] - 1 - 2, -127, 127), -127)
        s = np.array([lqmodel.decode_f32(e8m0, int(v) + 127) for v in x], F32)
        out[:, j:j + blk.shape[1]] = minifloat(e2m1, blk, s)
    return out


def nvfp4(w, g=16):
    e2m1, ue4m3 = lqmodel.e2m1(), lqmodel.ue4m3()
    gs = F32(np.abs(w).max() / F32(6 * 448))
    gs = F32(1) if gs == 0 else gs
    out = np.empty_like(w)
    for j, blk in zip(range(0, w.shape[1], g), blocks_of(w, g)):
        a = (np.abs(blk).max(axis=1) / F32(6)).astype(F32)
        s = np.array([F32(lqmodel.decode_f32(ue4m3, lqmodel.encode(ue4m3, float(v), scale=float(gs)))) * gs
                      for v in a], F32)
        out[:, j:j + blk.shape[1]] = minifloat(e2m1, blk, s)
    return out


def dequantized(recipe, w):
    """numpy's dequantized weights (N x K, or F x C x kh x kw) for a
    weight-only recipe: groups run along dim 1."""
    if w.ndim == 4:  # filters: groups along C at each (kh, kw), as 2-D rows
        f, c, kh, kw = w.shape
        rows = w.transpose(0, 2, 3, 1).reshape(f * kh * kw, c)
        if recipe in ("ternary", "w8a8", "w4a4", "fp8"):
            rows = w.reshape(f, -1)  # per output channel
            return dequantized(recipe, rows).reshape(w.shape)
        return dequantized(recipe, rows).reshape(f, kh, kw, c).transpose(0, 3, 1, 2)
    if recipe in ("w8a8", "w4a4"):
        return symmetric(w, w.shape[1], 8 if recipe == "w8a8" else 4)
    if recipe in ("w4g128", "w4a8"):
        return asymmetric(w, 128, 4)[0]
    if recipe == "w3g64":
        return asymmetric(w, 64, 3)[0]
    if recipe == "w2g64":
        return asymmetric(w, 64, 2)[0]
    if recipe == "ternary":
        return ternary(w)
    if recipe == "nf4":
        return nf4(w)
    if recipe == "mxfp4":
        return mxfp4(w)
    if recipe == "nvfp4":
        return nvfp4(w)
    if recipe == "fp8":
        a = np.abs(w).max(axis=1)
        s = np.where(a == 0, F32(1), (a / F32(448)).astype(F32)).astype(F32)
        return minifloat(lqmodel.e4m3fn(), w, s)
    raise ValueError(recipe)




def nf4_nearest(t):
    """NF4 entries nearest to f32 t (clamped to [-1, 1]), ties low."""
    t = np.clip(np.nan_to_num(t.astype(F32)), F32(-1), F32(1))
    return NF4[np.argmin(np.abs((t[..., None] - NF4).astype(F32)), axis=-1)]


def column_quantizer(recipe, w):
    """For GPTQ: the recipe's round-to-nearest scales from w (N x K, static
    groups) and a function (x column of N values, column index) -> the
    dequantized values of x with them."""
    if recipe in ("w4g128", "w3g64", "w2g64"):
        g, bits = {"w4g128": (128, 4), "w3g64": (64, 3), "w2g64": (64, 2)}[recipe]
        _, _, z, s = asymmetric(w, g, bits)
        qmax = 2 ** bits - 1

        def q(x, c):
            sc, zc = s[:, c // g], z[:, c // g]
            code = np.clip(np.rint((x.astype(F32) / sc).astype(F32)).astype(np.int64) + zc, 0, qmax)
            return ((code - zc).astype(F32) * sc).astype(F32)
        return q
    if recipe == "ternary":
        sl = []
        ternary(w, sl)
        s = np.array(sl, F32)
        return lambda x, c: (np.clip(np.rint((x.astype(F32) / s).astype(F32)), -1, 1).astype(F32) * s).astype(F32)
    if recipe == "nf4":
        sl = []
        nf4(w, 64, sl)
        s2 = sl[0]
        return lambda x, c: (nf4_nearest((x.astype(F32) / s2[:, c // 64]).astype(F32)) * s2[:, c // 64]).astype(F32)
    raise ValueError(recipe)


def gptq(recipe, w, gram, act_order=False):
    """GPTQ (Frantar et al.) with static groups, in float64: dead inputs
    zeroed, damping 1% of the mean Hessian diagonal, Hinv's upper Cholesky
    factor, columns in order or by decreasing diagonal. Returns the
    dequantized weights (N x K). `recipe` is a name or a column quantizer
    (x, column) -> dequantized x, as column_quantizer returns."""
    q = recipe if callable(recipe) else column_quantizer(recipe, w)
    n, k = w.shape
    H = np.array(gram, np.float64).reshape(k, k).copy()
    W = w.astype(np.float64).copy()
    dead = np.diag(H) == 0
    H[dead, dead] = 1
    W[:, dead] = 0
    H += 0.01 * np.mean(np.diag(H)) * np.eye(k)
    perm = np.argsort(-np.diag(H), kind="stable") if act_order else np.arange(k)
    H = H[perm][:, perm]
    W = W[:, perm]
    U = np.linalg.cholesky(np.linalg.inv(H)).T  # H^-1 = U^T U
    out = np.empty((n, k), F32)
    for j in range(k):
        d = q(W[:, j].astype(F32), perm[j])
        out[:, perm[j]] = d
        err = (W[:, j] - d.astype(np.float64)) / U[j, j]
        W[:, j + 1:] -= np.outer(err, U[j, j + 1:])
    return out
