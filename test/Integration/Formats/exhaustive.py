"""Exhaustive format test: lpc's reference lowering against lqmodel.py.

For every format of a family: decode all codes (lq.dequantize, scale 1) and
encode a sweep of all code values, midpoints +-1 ulp, subnormal edges, values
past saturation, +-0, +-Inf and NaN (lq.quantize, scale 1) under every
rounding mode, and with saturate = false where the format has Inf or NaN.
The expected values come from test/lib/lqmodel.py, an exact-rational model of
docs/Semantics.md that shares no code with lpc.

usage: exhaustive.py FAMILY   (default-floats | unsigned-floats | named | builtin | integers)
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
import lqgen  # noqa: E402
import lqmodel as L  # noqa: E402
import lqrun  # noqa: E402

MODES = ["half_even", "half_away", "toward_zero", "floor", "ceil", "away_from_zero",
         "half_toward_zero", "stochastic"]
SEED = 7


def default_type(prefix, e, m):
    """Default flags spelled out: some keywords (e5m2, ue4m3) name other formats."""
    return "!lq.float<%s%dm%d, bias = %d, inf = false, nan = none, subnormals = true>" % (
        prefix, e, m, 2 ** (e - 1) - 1)


def family(name):
    """(mlir element type, model format) pairs of a family."""
    out = []
    if name == "default-floats":
        for e in range(1, 8):
            for m in range(0, 8 - e):
                out.append((default_type("e", e, m), L.default_float(e, m, True)))
    elif name == "unsigned-floats":
        for e in range(1, 8):
            for m in range(0, 9 - e):
                out.append((default_type("ue", e, m), L.default_float(e, m, False)))
    elif name == "named":
        for n in ["e4m3fn", "e4m3fnuz", "e4m3b11fnuz", "e5m2", "e5m2fnuz", "e3m2",
                  "e2m3", "e2m1", "ue4m3", "ue5m3", "e8m0"]:
            out.append(("!lq.float<%s>" % n, L.fmt_from_name(n)))
    elif name == "builtin":
        for n in ["f8E4M3FN", "f8E5M2", "f8E4M3FNUZ", "f8E5M2FNUZ", "f8E4M3B11FNUZ",
                  "f8E4M3", "f8E3M4", "f6E3M2FN", "f6E2M3FN", "f4E2M1FN", "f8E8M0FNU"]:
            out.append((n, L.fmt_from_name(n)))
    elif name == "integers":
        for w in list(range(1, 9)) + [12]:
            for signed in (True, False):
                for narrow in (False, True):
                    if w == 1 and narrow:
                        continue
                    flags = ("" if signed else ", unsigned") + (", narrow" if narrow else "")
                    out.append(("!lq.int<%d%s>" % (w, flags), L.IntFormat(w, signed, narrow)))
        out.append(("!lq.ternary", L.Ternary()))
        out.append(("!lq.bipolar", L.Bipolar()))
    else:
        raise SystemExit("unknown family " + name)
    return out


def has_special(fmt):
    return getattr(fmt, "inf", False) or getattr(fmt, "nan", "none") != "none"


def code_literal(code, width):
    # Two's-complement spelling for signless iW constants.
    return str(code - (1 << width) if code >= 1 << (width - 1) and width > 1 else code)


def build(formats):
    b = lqrun.MainBuilder()
    b.add("%one = arith.constant dense<1.0> : tensor<f32>")
    checks = []  # (format name, kind, mode, inputs, expected)
    for ty, fmt in formats:
        w = fmt.W
        codes = list(range(1 << w))
        n = len(codes)
        c = b.const([code_literal(x, w) for x in codes], "i%d" % w)
        q = b.fresh()
        b.add("%s = lq.bitcast %s : tensor<%dxi%d> to tensor<%dx%s>" % (q, c, n, w, n, ty))
        d = b.fresh()
        b.add("%s = lq.dequantize %s, %%one layout <tensor> : tensor<%dx%s>, tensor<f32> -> tensor<%dxf32>"
              % (d, q, n, ty, n))
        bits = b.fresh()
        b.add("%s = arith.bitcast %s : tensor<%dxf32> to tensor<%dxi32>" % (bits, d, n, n))
        b.print_i32(ty, bits, n)
        expected = [L.dequant_one(fmt, code) for code in codes]
        checks.append((ty, "decode", None, codes, expected))

        xs = lqgen.encode_sweep(fmt)
        n = len(xs)
        x = b.const([lqgen.f32_hex(v) for v in xs], "f32")
        variants = [(m, True) for m in MODES]
        if has_special(fmt):
            variants.append(("half_even", False))
        for mode, sat in variants:
            q = b.fresh()
            attrs = []
            if mode == "stochastic":
                attrs.append("seed = %d : i64" % SEED)
            if not sat:
                attrs.append("saturate = false")
            attr = (" {%s}" % ", ".join(attrs)) if attrs else ""
            b.add("%s = lq.quantize %s, %%one layout <tensor> rounding <%s>%s : tensor<%dxf32>, tensor<f32> -> tensor<%dx%s>"
                  % (q, x, mode, attr, n, n, ty))
            raw = b.fresh()
            b.add("%s = lq.bitcast %s : tensor<%dx%s> to tensor<%dxi%d>" % (raw, q, n, ty, n, w))
            ext = b.fresh()
            b.add("%s = arith.extui %s : tensor<%dxi%d> to tensor<%dxi32>" % (ext, raw, n, w, n))
            b.print_i32(ty, ext, n)
            expected = [L.encode(fmt, v, mode, SEED, i, sat) for i, v in enumerate(xs)]
            checks.append((ty, "encode", (mode, sat), xs, expected))
    return b, checks


def same_f32(got_bits, want):
    got = L.bits_f32(got_bits & 0xFFFFFFFF)
    if want != want:
        return got != got
    return (got_bits & 0xFFFFFFFF) == L.f32_bits(want)


def main():
    fam = sys.argv[1]
    formats = family(fam)
    builder, checks = build(formats)
    arrays = lqrun.run(builder.module())
    if len(arrays) != len(checks):
        raise SystemExit("expected %d printed arrays, got %d" % (len(checks), len(arrays)))
    failures = 0
    total = 0
    for (ty, kind, variant, inputs, expected), got in zip(checks, arrays):
        if len(got) != len(inputs):
            raise SystemExit("%s %s: printed %d values for %d inputs" % (ty, kind, len(got), len(inputs)))
        for i, (inp, want, g) in enumerate(zip(inputs, expected, got)):
            total += 1
            ok = same_f32(g, want) if kind == "decode" else g == want
            if not ok:
                failures += 1
                if failures <= 25:
                    what = ("code %d" % inp) if kind == "decode" else ("x=%s (%r) %s" % (lqgen.f32_hex(inp), inp, variant))
                    print("MISMATCH %s %s %s: got %r, expected %r" % (ty, kind, what, g, want))
    print("%s: %d formats, %d values checked, %d mismatches" % (fam, len(formats), total, failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
