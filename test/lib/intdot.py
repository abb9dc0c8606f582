"""Exact integer products, and when x86 integer dot kernels are not exact.

x86 CPUs without AVX512-VNNI (an AMD Zen 3, say) compute u8 x s8 dot products
with `vpmaddubsw`, which multiplies unsigned bytes by signed bytes and adds
adjacent pairs of the 16-bit products with signed saturation to int16, then
`vpmaddwd` (by ones) to widen the pair sums to int32. Where a pair of products
exceeds [-32768, 32767] the result is not the exact product. ONNX Runtime's
MatMulInteger, ConvInteger, QLinearMatMul and QLinearConv (and QDQ graphs it
fuses into them) take that path on such CPUs, while on a VNNI CPU (`vpdpbusd`
adds four products into int32 without saturation) they are exact: an expected
value taken from ONNX Runtime would depend on the host.

So every test that keeps ONNX Runtime as the oracle of an 8-bit integer
product asserts, with `ort_is_exact`, that the saturating sequences give the
exact product on its data; the others compare with `exact_matmul` /
`exact_conv` (numpy int64).

Pairs are formed along K, (0, 1), (2, 3), ..., as the kernels pack K.
ONNX Runtime's x86 integer GEMMs take an unsigned left operand (MLAS's U8X8
kernels; signed x signed kernels exist only for AVX-VNNI-INT8), so signed
activations are modelled as shifted to unsigned, a + 128, with the shift
corrected afterwards through column sums: the pairs that can saturate are
those of (a + 128) x b. u8 x u8 kernels widen to 16 bits and use `vpmaddwd`,
which does not saturate for 8-bit inputs.
"""
import numpy as np

I16_MIN, I16_MAX = -(1 << 15), (1 << 15) - 1


def host_cpu():
    """This CPU's model name and /proc/cpuinfo flags ("unknown CPU" and no
    flags where it cannot be read)."""
    name, flags = "unknown CPU", set()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name") and name == "unknown CPU":
                name = line.split(":", 1)[1].strip()
            if line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
                break
    except OSError:
        pass
    return name, flags


def host_has_vnni():
    """Whether this CPU has a non-saturating u8 x s8 dot product that ONNX
    Runtime's kernels use (AVX512-VNNI or AVX-VNNI)."""
    return bool(host_cpu()[1] & {"avx512_vnni", "avx_vnni"})


def exact_matmul(a, b, a_zero=0, b_zero=0):
    """(a - a_zero) @ (b - b_zero) in int64. a: [..., M, K], b: [K, N];
    a_zero broadcasts against a's rows ([M, 1] or scalar), b_zero against b's
    columns ([N] or scalar)."""
    a = np.asarray(a, np.int64) - np.asarray(a_zero, np.int64)
    b = np.asarray(b, np.int64) - np.asarray(b_zero, np.int64)
    return a @ b


def maddubs_matmul(u, s):
    """u @ s computed as `vpmaddubsw` + `vpmaddwd` do: u holds unsigned bytes
    [0, 255], s signed bytes [-128, 127]; each adjacent pair of products along
    K is summed and saturated to int16, the pair sums are added in int64.
    u: [..., M, K], s: [K, N]."""
    u = np.asarray(u, np.int64)
    s = np.asarray(s, np.int64)
    assert u.min(initial=0) >= 0 and u.max(initial=0) <= 255, "u must be u8"
    assert s.min(initial=0) >= -128 and s.max(initial=0) <= 127, "s must be s8"
    k = u.shape[-1]
    if k % 2:  # the kernels pad K with zeros
        u = np.concatenate([u, np.zeros(u.shape[:-1] + (1,), np.int64)], axis=-1)
        s = np.concatenate([s, np.zeros((1,) + s.shape[1:], np.int64)], axis=0)
    # products [..., M, K, N] -> pairs [..., M, K/2, 2, N]
    p = u[..., :, :, None] * s
    p = p.reshape(p.shape[:-2] + (p.shape[-2] // 2, 2, p.shape[-1]))
    pairs = np.clip(p.sum(axis=-2), I16_MIN, I16_MAX)
    return pairs.sum(axis=-2)


def ort_is_exact(a, b, ta, tb):
    """Whether ONNX Runtime's integer kernels give the exact raw-code product
    a @ b on every x86 CPU, VNNI or not: a [..., M, K] of dtype name ta
    ('uint8' / 'int8'), b [K, N] of tb. Zero points do not enter: the kernels
    multiply the raw codes (int8 a shifted to uint8) and correct with row and
    column sums."""
    if tb == "uint8":
        return True  # u8 x u8 (and s8 x u8, shifted): 16-bit vpmaddwd
    u = np.asarray(a, np.int64) + (128 if ta == "int8" else 0)
    return bool(np.array_equal(maddubs_matmul(u, b), exact_matmul(u, b)))


def conv_output_size(size, k, pad_begin, pad_end, stride):
    return (size + pad_begin + pad_end - k) // stride + 1


def im2col(x, kernel, pads, strides, pad_value):
    """Patches of x [N, C, H, W] as rows: [N, OH*OW, C*KH*KW], padding with
    pad_value (the input zero point, as the integer convolutions pad)."""
    x = np.asarray(x, np.int64)
    n, c, h, w = x.shape
    kh, kw = kernel
    xp = np.pad(x, [(0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])],
                constant_values=pad_value)
    oh = conv_output_size(h, kh, pads[0], pads[2], strides[0])
    ow = conv_output_size(w, kw, pads[1], pads[3], strides[1])
    rows = np.empty([n, oh * ow, c * kh * kw], np.int64)
    for i in range(oh):
        for j in range(ow):
            patch = xp[:, :, i * strides[0]:i * strides[0] + kh,
                       j * strides[1]:j * strides[1] + kw]
            rows[:, i * ow + j, :] = patch.reshape(n, -1)
    return rows, (oh, ow)


def conv_operands(x, w, x_zero, attrs):
    """Per group g, the integer GEMM a convolution is: (im2col rows of x's
    group-g channels [N, OH*OW, Cg*KH*KW], w's group-g filters as columns
    [Cg*KH*KW, Mg]), and the output size (OH, OW)."""
    w = np.asarray(w, np.int64)
    m, cg, kh, kw = w.shape
    g = attrs.get("group", 1)
    pads = attrs.get("pads", [0, 0, 0, 0])
    strides = attrs.get("strides", [1, 1])
    mg = m // g
    out = []
    for gi in range(g):
        rows, hw = im2col(np.asarray(x)[:, gi * cg:(gi + 1) * cg], (kh, kw),
                          pads, strides, int(x_zero))
        out.append((rows, w[gi * mg:(gi + 1) * mg].reshape(mg, -1).T))
    return out, hw


def exact_conv(x, w, x_zero, w_zero, attrs):
    """ConvInteger's exact result in int64: sum((x - x_zero) (w - w_zero)) over
    each window, x padded with x_zero (so padding contributes 0); w_zero
    scalar or per output channel. [N, M, OH, OW]."""
    w = np.asarray(w, np.int64)
    wz = np.broadcast_to(np.asarray(w_zero, np.int64), [w.shape[0]])
    groups, (oh, ow) = conv_operands(x, w - wz[:, None, None, None], x_zero, attrs)
    parts = [exact_matmul(rows, cols, x_zero) for rows, cols in groups]
    y = np.concatenate(parts, axis=-1)  # [N, OH*OW, M]
    return np.moveaxis(y, -1, 1).reshape(y.shape[0], -1, oh, ow)


def ort_conv_is_exact(x, w, x_zero, attrs, tx, tw):
    """ort_is_exact for a convolution's GEMMs (raw codes, padding with the
    input zero point)."""
    groups, _ = conv_operands(x, w, x_zero, attrs)
    return all(ort_is_exact(rows, cols, tx, tw) for rows, cols in groups)
