"""Exact-rational reference model of the `lq` dialect numerics (docs/Semantics.md).

Independent of the C++ lowering: every value is a fractions.Fraction, every f32
operation that Semantics.md names is computed exactly and then rounded to f32 by
`round_f32` (round-to-nearest-even, f32 subnormals, overflow to +-inf), written
here from first principles rather than relying on numpy/C float arithmetic.

Standard library only (numpy is optional: array helpers accept numpy arrays or
nested lists and return nested lists / numpy arrays when numpy is present).

Run `.deps/venv/bin/python test/lib/lqmodel.py --self-test` for the built-in checks and
`--apfloat` for the cross-check against MLIR's APFloat (mlir-opt constant folding).

Conventions
-----------
* An f32 value is a Python float that is exactly representable in binary32
  (signed zeros, infinities and NaN included). `is_f32(x)` checks that.
* `decode(fmt, code)` returns 'nan', '+inf', '-inf', or a `Fraction`.  Zero is
  returned as the `Zero` subclass of Fraction (`POS_ZERO` / `NEG_ZERO`) whose
  `.sign` tells the sign; `is_neg_zero(v)` is a helper.  `decode_f32` returns
  the same value as an f32 Python float.
* Codes are unsigned ints in [0, 2^W).
"""

import math
import os
import struct
import sys
from fractions import Fraction

# ----------------------------------------------------------------------------
# f32 helpers
# ----------------------------------------------------------------------------

F32_MAX = Fraction((2 ** 24 - 1) * 2 ** 104)
F32_MIN_NORMAL_EXP = -126
F32_MANT = 23


def f32_bits(x):
    """Bit pattern (uint32) of an f32-exact Python float."""
    if x != x:
        # keep the sign of the NaN if we can see it; canonical quiet NaN otherwise
        return 0xFFC00000 if math.copysign(1.0, x) < 0 else 0x7FC00000
    if not is_f32(x):
        raise ValueError("f32_bits: %r is not exactly an f32 value" % (x,))
    return struct.unpack('<I', struct.pack('<f', x))[0]


def bits_f32(i):
    """f32 value (as Python float) of a uint32 bit pattern."""
    return struct.unpack('<f', struct.pack('<I', i & 0xFFFFFFFF))[0]


def floor_log2(a):
    """floor(log2(a)) for a positive Fraction (exact)."""
    n, d = a.numerator, a.denominator
    e = n.bit_length() - d.bit_length()
    # 2^e <= a < 2^(e+1) ?
    if e >= 0:
        if n < d << e:
            e -= 1
    else:
        if n << (-e) < d:
            e -= 1
    return e


def pow2(k):
    return Fraction(2) ** k if k >= 0 else Fraction(1, 2 ** (-k))


def _round_half_even_int(v):
    """Round a Fraction to the nearest integer, ties to even."""
    fl = v.numerator // v.denominator
    rem = v - fl
    if rem > Fraction(1, 2):
        return fl + 1
    if rem < Fraction(1, 2):
        return fl
    return fl + (fl & 1)


def round_f32(q, neg=None):
    """Round an exact rational q to the nearest f32 (ties to even), with f32
    subnormals and overflow to +-inf.  `neg` gives the sign to use when q == 0
    or when q rounds to zero (defaults to the sign of q, + for exact 0)."""
    q = Fraction(q)
    if neg is None:
        neg = q < 0
    if q == 0:
        return -0.0 if neg else 0.0
    a = abs(q)
    e = max(floor_log2(a), F32_MIN_NORMAL_EXP)
    shift = e - F32_MANT
    N = _round_half_even_int(a / pow2(shift))  # N <= 2^24
    if N == 0:
        return -0.0 if q < 0 else 0.0
    val = Fraction(N) * pow2(shift)
    if val > F32_MAX:
        return -math.inf if q < 0 else math.inf
    r = math.ldexp(N, shift)  # exact: N < 2^25 and shift within double range
    return -r if q < 0 else r


def is_f32(x):
    if x != x or math.isinf(x):
        return True
    if x == 0:
        return True
    return round_f32(Fraction(x)) == x


def f32(x):
    """Round a Python float (double) or int to f32 (RNE), keeping -0/inf/nan."""
    if isinstance(x, float):
        if x != x or math.isinf(x):
            return x
        if x == 0:
            return x
        return round_f32(Fraction(x))
    return round_f32(Fraction(x))


def _signbit(x):
    return math.copysign(1.0, x) < 0


def _chk(*xs):
    for x in xs:
        if not isinstance(x, float):
            raise TypeError("f32 op operand must be float, got %r" % (x,))
        if not is_f32(x):
            raise ValueError("f32 op operand %r is not an f32 value" % (x,))


def f32_mul(a, b):
    a, b = float(a), float(b)
    _chk(a, b)
    if a != a or b != b:
        return math.nan
    neg = _signbit(a) != _signbit(b)
    if math.isinf(a) or math.isinf(b):
        if a == 0 or b == 0:
            return math.nan
        return -math.inf if neg else math.inf
    return round_f32(Fraction(a) * Fraction(b), neg)


def f32_div(a, b):
    a, b = float(a), float(b)
    _chk(a, b)
    if a != a or b != b:
        return math.nan
    neg = _signbit(a) != _signbit(b)
    if math.isinf(a):
        if math.isinf(b):
            return math.nan
        return -math.inf if neg else math.inf
    if math.isinf(b):
        return -0.0 if neg else 0.0
    if b == 0:
        if a == 0:
            return math.nan
        return -math.inf if neg else math.inf
    return round_f32(Fraction(a) / Fraction(b), neg)


def f32_add(a, b):
    a, b = float(a), float(b)
    _chk(a, b)
    if a != a or b != b:
        return math.nan
    if math.isinf(a) or math.isinf(b):
        if math.isinf(a) and math.isinf(b) and (a > 0) != (b > 0):
            return math.nan
        return a if math.isinf(a) else b
    s = Fraction(a) + Fraction(b)
    if s == 0:
        # exact zero sum: -0 only if both operands are -0 (round-to-nearest)
        neg = (a == 0 and b == 0 and _signbit(a) and _signbit(b))
        return -0.0 if neg else 0.0
    return round_f32(s)


def f32_sub(a, b):
    b = float(b)
    return f32_add(a, -b)


def f32_from_int(i):
    """sitofp i32 -> f32, round to nearest even."""
    return round_f32(Fraction(int(i)))


def next_f32_up(x):
    """Next f32 above x (x f32-exact, finite)."""
    if x != x or x == math.inf:
        return x
    if x == 0:
        return bits_f32(1)
    b = f32_bits(x)
    return bits_f32(b + 1) if x > 0 else bits_f32(b - 1)


def next_f32_down(x):
    return -next_f32_up(-x)


# ----------------------------------------------------------------------------
# Signed zero
# ----------------------------------------------------------------------------

class Zero(Fraction):
    """A Fraction equal to 0 that remembers its sign (.sign = 0 or 1)."""

    def __new__(cls, sign=0):
        self = super().__new__(cls, 0)
        self.sign = sign
        return self

    def __repr__(self):
        return 'NEG_ZERO' if self.sign else 'POS_ZERO'


POS_ZERO = Zero(0)
NEG_ZERO = Zero(1)


def is_neg_zero(v):
    return isinstance(v, Zero) and v.sign == 1


# ----------------------------------------------------------------------------
# Formats
# ----------------------------------------------------------------------------

class IntFormat(object):
    kind = 'int'

    def __init__(self, width, signed=True, narrow=False, name=None):
        if not 1 <= width <= 16:
            raise ValueError('int width must be in [1, 16]')
        self.width = self.W = width
        self.signed = signed
        self.narrow = narrow
        self.name = name or ('%sint%d%s' % ('' if signed else 'u', width, 'n' if narrow else ''))
        if signed:
            self.qmin = -2 ** (width - 1) + (1 if narrow else 0)
            self.qmax = 2 ** (width - 1) - 1
        else:
            self.qmin = 0
            self.qmax = 2 ** width - 1 - (1 if narrow else 0)

    def int_value(self, code):
        """Integer meaning of a code (two's complement / plain binary). A narrow
        format's excluded code (-2^(W-1) / 2^W-1) decodes to that integer too:
        Semantics.md does not say otherwise (see spec notes)."""
        code &= (1 << self.W) - 1
        if self.signed and code >= 1 << (self.W - 1):
            return code - (1 << self.W)
        return code

    def code_of(self, q):
        return q & ((1 << self.W) - 1)

    def __repr__(self):
        return self.name


class Ternary(IntFormat):
    def __init__(self):
        IntFormat.__init__(self, 2, True, True, name='ternary')


class Bipolar(object):
    kind = 'bipolar'
    W = width = 1
    name = 'bipolar'
    signed = True

    def int_value(self, code):
        return 1 if code & 1 else -1

    def __repr__(self):
        return 'bipolar'


NAN_KINDS = ('none', 'ieee', 'allones', 'negzero')


class FloatFormat(object):
    kind = 'float'

    def __init__(self, E, M, signed=True, bias=None, inf=False, nan='none',
                 subnormals=True, name=None, check=True):
        if bias is None:
            bias = 2 ** (E - 1) - 1
        self.E, self.M, self.signed, self.bias = E, M, signed, bias
        self.inf, self.nan, self.subnormals = inf, nan, subnormals
        self.W = E + M + (1 if signed else 0)
        self.name = name or self._default_name()
        if nan not in NAN_KINDS:
            raise ValueError('bad nan kind %r' % (nan,))
        # max finite (top field, mantissa)
        if nan == 'ieee':
            self.fmax, self.mmax = 2 ** E - 2, 2 ** M - 1
        elif nan == 'allones':
            if M == 0:
                self.fmax, self.mmax = 2 ** E - 2, 0
            else:
                self.fmax, self.mmax = 2 ** E - 1, 2 ** M - 2
        else:
            self.fmax, self.mmax = 2 ** E - 1, 2 ** M - 1
        self.emin = 1 - bias if subnormals else -bias
        if check:
            errs = self.validity_errors()
            if errs:
                raise ValueError('invalid format %s: %s' % (self.name, '; '.join(errs)))

    def _default_name(self):
        return '%se%dm%d' % ('' if self.signed else 'u', self.E, self.M)

    # -- validity -----------------------------------------------------------
    def validity_errors(self, literal=False):
        """Semantics.md validity rules.  With literal=True the max-exponent rule is
        applied exactly as written (`2^E-1-bias <= 127`), which rejects e8m0; the
        default uses `fmax - bias <= 127` (see spec notes)."""
        e = []
        if not 1 <= self.E <= 8:
            e.append('E out of [1,8]')
        if not 0 <= self.M <= 7:
            e.append('M out of [0,7]')
        if self.inf and self.nan != 'ieee':
            e.append('inf requires nan=ieee')
        if self.nan == 'ieee' and self.M < 1:
            e.append('nan=ieee requires M>=1')
        if self.nan == 'negzero' and not self.signed:
            e.append('negzero requires a sign bit')
        top = (2 ** self.E - 1) if literal else self.fmax
        if top - self.bias > 127:
            e.append('max exponent %d > 127' % (top - self.bias))
        if self.emin - self.M < -149:
            e.append('smallest quantum 2^%d < 2^-149' % (self.emin - self.M))
        if self.emin < -127:
            e.append('emin %d < -127' % self.emin)
        return e

    # -- code fields --------------------------------------------------------
    def fields(self, code):
        M, E = self.M, self.E
        m = code & ((1 << M) - 1)
        f = (code >> M) & ((1 << E) - 1)
        s = (code >> (E + M)) & 1 if self.signed else 0
        return s, f, m

    def make(self, s, f, m):
        code = (f << self.M) | m
        if self.signed:
            code |= s << (self.E + self.M)
        return code

    def nan_code(self):
        if self.nan in ('ieee', 'allones'):
            return (1 << (self.E + self.M)) - 1
        if self.nan == 'negzero':
            return 1 << (self.E + self.M)
        return None

    def max_code(self, sign=0):
        return self.make(sign if self.signed else 0, self.fmax, self.mmax)

    def inf_code(self, sign=0):
        if not self.inf:
            return None
        return self.make(sign, 2 ** self.E - 1, 0)

    def magnitude(self, f, m):
        M, bias = self.M, self.bias
        if self.subnormals and f == 0:
            return Fraction(m) * pow2(1 - bias - M)
        return Fraction(2 ** M + m) * pow2(f - bias - M)

    def max_value(self):
        return self.magnitude(self.fmax, self.mmax)

    def min_positive(self):
        if not self.subnormals:
            return self.magnitude(0, 0)
        return self.magnitude(0, 1) if self.M > 0 else self.magnitude(1, 0)

    def __repr__(self):
        return self.name

    def describe(self):
        return ('%s(E=%d M=%d %s bias=%d inf=%s nan=%s subnormals=%s)' %
                (self.name, self.E, self.M, 'signed' if self.signed else 'unsigned',
                 self.bias, self.inf, self.nan, self.subnormals))


def default_float(E, M, signed=True):
    """The default-flag `eXmY` / `ueXmY` keyword format."""
    return FloatFormat(E, M, signed=signed)


# Named keyword formats of the Semantics.md table.
def e4m3fn():
    return FloatFormat(4, 3, True, 7, False, 'allones', True, name='e4m3fn')


def e4m3fnuz():
    return FloatFormat(4, 3, True, 8, False, 'negzero', True, name='e4m3fnuz')


def e4m3b11fnuz():
    return FloatFormat(4, 3, True, 11, False, 'negzero', True, name='e4m3b11fnuz')


def f8e4m3():
    """Builtin f8E4M3 (IEEE-like).  NB: the keyword `e4m3` in !lq.float<> is the
    default-flag format, see `default_float(4, 3)`."""
    return FloatFormat(4, 3, True, 7, True, 'ieee', True, name='f8E4M3')


def f8e3m4():
    return FloatFormat(3, 4, True, 3, True, 'ieee', True, name='f8E3M4')


def e5m2():
    return FloatFormat(5, 2, True, 15, True, 'ieee', True, name='e5m2')


def e5m2fnuz():
    return FloatFormat(5, 2, True, 16, False, 'negzero', True, name='e5m2fnuz')


def e3m2():
    return FloatFormat(3, 2, True, 3, False, 'none', True, name='e3m2')


def e2m3():
    return FloatFormat(2, 3, True, 1, False, 'none', True, name='e2m3')


def e2m1():
    return FloatFormat(2, 1, True, 1, False, 'none', True, name='e2m1')


def ue4m3():
    return FloatFormat(4, 3, False, 7, False, 'allones', True, name='ue4m3')


def ue5m3():
    return FloatFormat(5, 3, False, 15, False, 'allones', True, name='ue5m3')


def e8m0():
    return FloatFormat(8, 0, False, 127, False, 'allones', False, name='e8m0')


NAMED = {
    'e4m3fn': e4m3fn, 'e4m3fnuz': e4m3fnuz, 'e4m3b11fnuz': e4m3b11fnuz,
    'e5m2': e5m2, 'e5m2fnuz': e5m2fnuz, 'e3m2': e3m2, 'e2m3': e2m3, 'e2m1': e2m1,
    'ue4m3': ue4m3, 'ue5m3': ue5m3, 'e8m0': e8m0,
}

BUILTIN = {
    'f8E4M3FN': e4m3fn, 'f8E4M3FNUZ': e4m3fnuz, 'f8E4M3B11FNUZ': e4m3b11fnuz,
    'f8E4M3': f8e4m3, 'f8E3M4': f8e3m4, 'f8E5M2': e5m2, 'f8E5M2FNUZ': e5m2fnuz,
    'f6E3M2FN': e3m2, 'f6E2M3FN': e2m3, 'f4E2M1FN': e2m1, 'f8E8M0FNU': e8m0,
}


def fmt_from_name(name):
    """Format from a keyword (named or eXmY/ueXmY), builtin float name, iN/siN/uiN,
    'ternary', 'bipolar'."""
    import re
    if name in NAMED:
        return NAMED[name]()
    if name in BUILTIN:
        return BUILTIN[name]()
    if name == 'ternary':
        return Ternary()
    if name == 'bipolar':
        return Bipolar()
    mo = re.fullmatch(r'(u?)e(\d)m(\d)', name)
    if mo:
        return default_float(int(mo.group(2)), int(mo.group(3)), signed=not mo.group(1))
    mo = re.fullmatch(r'(s|u)?i(\d+)', name)
    if mo:
        return IntFormat(int(mo.group(2)), signed=mo.group(1) != 'u')
    raise ValueError('unknown format %r' % (name,))


# ----------------------------------------------------------------------------
# Decode
# ----------------------------------------------------------------------------

def decode(fmt, code):
    """Value of a code: Fraction (Zero for +-0), 'nan', '+inf' or '-inf'."""
    if not 0 <= code < (1 << fmt.W):
        raise ValueError('code %r out of range for %s' % (code, fmt))
    if fmt.kind == 'bipolar':
        return Fraction(fmt.int_value(code))
    if fmt.kind == 'int':
        v = fmt.int_value(code)
        return Fraction(v) if v else POS_ZERO
    s, f, m = fmt.fields(code)
    E, M = fmt.E, fmt.M
    if fmt.nan == 'ieee' and f == 2 ** E - 1:
        if m == 0 and fmt.inf:
            return '-inf' if s else '+inf'
        return 'nan'
    if fmt.nan == 'allones' and f == 2 ** E - 1 and m == 2 ** M - 1:
        return 'nan'
    if fmt.nan == 'negzero' and s == 1 and f == 0 and m == 0:
        return 'nan'
    mag = fmt.magnitude(f, m)
    if mag == 0:
        return NEG_ZERO if s else POS_ZERO
    return -mag if s else mag


def to_f32(v):
    """decode() result -> f32 Python float."""
    if v == 'nan':
        return math.nan
    if v == '+inf':
        return math.inf
    if v == '-inf':
        return -math.inf
    if isinstance(v, Zero):
        return -0.0 if v.sign else 0.0
    r = round_f32(v)
    assert Fraction(r) == v, 'value not exact in f32'
    return r


def decode_f32(fmt, code):
    return to_f32(decode(fmt, code))


# ----------------------------------------------------------------------------
# Rounding
# ----------------------------------------------------------------------------

MODES = ('half_even', 'half_away', 'toward_zero', 'floor', 'ceil', 'stochastic')
DETERMINISTIC_MODES = MODES[:5]
_M64 = (1 << 64) - 1


def stochastic_p(seed, index):
    """The threshold p in [0,1) (a multiple of 2^-24) from the Semantics.md hash."""
    z = (seed + (index + 1) * 0x9E3779B97F4A7C15) & _M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
    z = z ^ (z >> 31)
    return Fraction(z >> 40, 1 << 24)


def round_rational(v, mode, seed=0, index=0):
    """Map a real (Fraction) to an integer with a Semantics.md rounding mode."""
    v = Fraction(v)
    fl = v.numerator // v.denominator
    frac = v - fl
    if mode == 'half_even':
        return _round_half_even_int(v)
    if mode == 'half_away':
        a = abs(v)
        r = (a + Fraction(1, 2)).__floor__()
        return -r if v < 0 else r
    if mode == 'toward_zero':
        return fl if v >= 0 else -((-v).__floor__())
    if mode == 'floor':
        return fl
    if mode == 'ceil':
        return fl + (1 if frac else 0)
    if mode == 'stochastic':
        return fl + (1 if frac > stochastic_p(seed, index) else 0)
    if mode == 'away_from_zero':
        a = abs(v)
        r = -((-a).__floor__())  # ceil(|v|)
        return -r if v < 0 else r
    if mode == 'half_toward_zero':
        a = abs(v)
        r = a.__floor__() + (1 if a - a.__floor__() > Fraction(1, 2) else 0)
        return -r if v < 0 else r
    raise ValueError('unknown rounding mode %r' % (mode,))


# ----------------------------------------------------------------------------
# Encode (quantize one element)
# ----------------------------------------------------------------------------

def compute_t(x, scale=1.0, offset=None):
    """t = x / s, or t = (x - o) / s, each step rounded to f32."""
    x = float(x)
    _chk(x)
    if offset is not None:
        x = f32_sub(x, float(offset))
    return f32_div(x, float(scale))


def encode(fmt, x_f32, rounding='half_even', seed=0, index=0, saturate=True,
           scale=1.0, zero_point=None, offset=None):
    """Quantize one f32 value to a code of `fmt` per Semantics.md.

    x_f32: f32-exact Python float.  scale: f32 scale (default 1.0, then t == x).
    zero_point: integer zero point (integer formats only).  offset: float zero
    point (real offset o, x = s*q + o)."""
    if zero_point is not None and offset is not None:
        raise ValueError('integer and float zero point are exclusive')
    t = compute_t(x_f32, scale, offset)
    if fmt.kind == 'bipolar':
        return 1 if (t != t or t >= 0) else 0
    if fmt.kind == 'int':
        z = 0 if zero_point is None else int(zero_point)
        return _encode_int(fmt, t, z, rounding, seed, index)
    if zero_point is not None and zero_point != 0:
        raise ValueError('float formats take no integer zero point')
    return encode_float_t(fmt, t, rounding, seed, index, saturate)


def _encode_int(fmt, t, z, rounding, seed, index):
    if t != t:
        q = z
    elif math.isinf(t):
        q = fmt.qmax if t > 0 else fmt.qmin
    else:
        q = round_rational(Fraction(t), rounding, seed, index) + z
    q = min(max(q, fmt.qmin), fmt.qmax)
    return fmt.code_of(q)


def _overflow_code(fmt, sign, saturate):
    if saturate:
        return fmt.max_code(sign)
    if fmt.inf:
        return fmt.inf_code(sign)
    if fmt.nan == 'negzero':
        return fmt.nan_code()
    if fmt.nan != 'none':
        # The sign is kept (as APFloat and ONNX Runtime do).
        return fmt.nan_code() | (sign << (fmt.E + fmt.M) if fmt.signed else 0)
    return fmt.max_code(sign)


def encode_float_t(fmt, t, rounding='half_even', seed=0, index=0, saturate=True):
    """Minifloat encode of an already-computed f32 t (Semantics.md, quantize)."""
    M = fmt.M
    if t != t:
        nc = fmt.nan_code()
        return nc if nc is not None else fmt.max_code(0)
    if not fmt.signed and (t < 0 or (t == 0 and _signbit(t))):
        t = 0.0
    sign = 1 if _signbit(t) else 0
    if math.isinf(t):
        return _overflow_code(fmt, sign, saturate)
    T = Fraction(t)
    a = abs(T)
    if a == 0:
        e = fmt.emin
    else:
        e = max(floor_log2(a), fmt.emin)
    u = pow2(e - M)
    r = round_rational(T / u, rounding, seed, index)
    R = abs(r)
    assert R <= 2 ** (M + 1)
    if R == 2 ** (M + 1):
        e += 1
        R = 2 ** M
    if not fmt.subnormals and R < 2 ** M:
        R = 2 ** M
    if R >= 2 ** M:
        f, m = e + fmt.bias, R - 2 ** M
    else:
        f, m = 0, R
    if (f, m) > (fmt.fmax, fmt.mmax):
        return _overflow_code(fmt, sign, saturate)
    if f == 0 and m == 0 and fmt.subnormals and fmt.nan == 'negzero':
        sign = 0
    return fmt.make(sign, f, m)


# ----------------------------------------------------------------------------
# Dequantize (one element)
# ----------------------------------------------------------------------------

def dequant_one(fmt, code, scale=1.0, zero_point=None, offset=None):
    scale = float(scale)
    if fmt.kind == 'int' and offset is None:
        z = 0 if zero_point is None else int(zero_point)
        return f32_mul(f32_from_int(fmt.int_value(code) - z), scale)
    if zero_point is not None and zero_point != 0:
        if fmt.kind != 'int':
            raise ValueError('integer zero point on a non-integer format')
    if fmt.kind in ('int', 'bipolar'):
        v = f32_from_int(fmt.int_value(code))
    else:
        v = decode_f32(fmt, code)
    x = f32_mul(v, scale)
    if offset is not None:
        x = f32_add(x, float(offset))
    return x


# ----------------------------------------------------------------------------
# Arrays and layouts
# ----------------------------------------------------------------------------

def _shape_of(a):
    if hasattr(a, 'shape'):
        return tuple(int(d) for d in a.shape)
    shape = []
    while isinstance(a, (list, tuple)):
        shape.append(len(a))
        if not a:
            break
        a = a[0]
    return tuple(shape)


def _flatten(a):
    if hasattr(a, 'shape'):
        return [x.item() if hasattr(x, 'item') else x for x in a.reshape(-1)]
    if isinstance(a, (list, tuple)):
        out = []
        for x in a:
            out.extend(_flatten(x))
        return out
    return [a]


def _unflatten(flat, shape):
    if not shape:
        return flat[0]
    n = 1
    for d in shape[1:]:
        n *= d
    return [_unflatten(flat[i * n:(i + 1) * n], shape[1:]) for i in range(shape[0])]


def _indices(shape):
    """Row-major multi-indices."""
    if not shape:
        yield ()
        return
    n = 1
    for d in shape:
        n *= d
    for lin in range(n):
        idx = []
        r = lin
        for d in reversed(shape):
            idx.append(r % d)
            r //= d
        yield tuple(reversed(idx))


def parse_layout(layout):
    """'tensor' | 'axis=a' | 'block=[B0,...]' | ('tensor',) | ('axis', a) |
    ('block', [B...]) -> normalized tuple."""
    if isinstance(layout, str):
        s = layout.replace(' ', '')
        if s == 'tensor':
            return ('tensor',)
        if s.startswith('axis='):
            return ('axis', int(s[5:]))
        if s.startswith('block='):
            return ('block', tuple(int(b) for b in s[6:].strip('[]').split(',')))
        raise ValueError('bad layout %r' % (layout,))
    if layout[0] == 'tensor':
        return ('tensor',)
    if layout[0] == 'axis':
        return ('axis', int(layout[1]))
    if layout[0] == 'block':
        return ('block', tuple(int(b) for b in layout[1]))
    raise ValueError('bad layout %r' % (layout,))


def layout_param_shape(layout, shape):
    lay = parse_layout(layout)
    if lay[0] == 'tensor':
        return ()
    if lay[0] == 'axis':
        return (shape[lay[1]],)
    B = lay[1]
    assert len(B) == len(shape)
    return tuple(-(-d // b) for d, b in zip(shape, B))


def layout_param_index(layout, idx):
    lay = parse_layout(layout)
    if lay[0] == 'tensor':
        return ()
    if lay[0] == 'axis':
        return (idx[lay[1]],)
    return tuple(i // b for i, b in zip(idx, lay[1]))


class _Param(object):
    """Scale / zero-point tensor accessed by a layout index."""

    def __init__(self, arr, layout, data_shape):
        self.layout = parse_layout(layout)
        pshape = layout_param_shape(self.layout, data_shape)
        if arr is None:
            self.flat = None
            return
        ashape = _shape_of(arr)
        flat = _flatten(arr)
        if ashape == () and pshape != ():
            raise ValueError('parameter shape %r, layout needs %r' % (ashape, pshape))
        if ashape != pshape:
            raise ValueError('parameter shape %r, layout needs %r' % (ashape, pshape))
        self.pshape = pshape
        self.flat = flat

    def at(self, idx):
        if self.flat is None:
            return None
        pidx = layout_param_index(self.layout, idx)
        lin = 0
        for i, d in zip(pidx, self.pshape):
            lin = lin * d + i
        return self.flat[lin]


def _to_array(flat, shape, dtype):
    try:
        import numpy as np
        return np.array(flat, dtype=dtype).reshape(shape)
    except ImportError:
        return _unflatten(flat, shape)


def quantize(x, fmt, layout='tensor', scale=1.0, zero_point=None, offset=None,
             rounding='half_even', seed=0, saturate=True):
    """Quantize an f32 array (numpy array or nested lists of f32-exact floats).
    Returns the array of codes (same shape).  scale / zero_point / offset have the
    shape the layout prescribes (a scalar for 'tensor')."""
    shape = _shape_of(x)
    flat = [float(v) for v in _flatten(x)]
    S = _Param(scale, layout, shape)
    Z = _Param(zero_point, layout, shape)
    O = _Param(offset, layout, shape)
    out = []
    for lin, idx in enumerate(_indices(shape)):
        out.append(encode(fmt, flat[lin], rounding, seed, lin, saturate,
                          scale=S.at(idx), zero_point=Z.at(idx), offset=O.at(idx)))
    return _to_array(out, shape, 'int64')


def dequantize(codes, fmt, layout='tensor', scale=1.0, zero_point=None, offset=None):
    """Dequantize an array of codes to f32 values (Python floats / float32 array)."""
    shape = _shape_of(codes)
    flat = [int(c) for c in _flatten(codes)]
    S = _Param(scale, layout, shape)
    Z = _Param(zero_point, layout, shape)
    O = _Param(offset, layout, shape)
    out = []
    for lin, idx in enumerate(_indices(shape)):
        out.append(dequant_one(fmt, flat[lin], S.at(idx), Z.at(idx), O.at(idx)))
    return _to_array(out, shape, 'float32')


def _wrap32(v):
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v >= 1 << 31 else v


def _k_block(layout, kdim):
    lay = parse_layout(layout)
    if lay[0] == 'block':
        return lay[1][kdim]
    if lay[0] == 'axis' and lay[1] == kdim:
        return 1  # a per-K scale: segments of one element
    return None


def matmul(lhs, lhs_fmt, rhs, rhs_fmt, lhs_layout='tensor', lhs_scale=1.0,
           lhs_zero_point=None, lhs_offset=None, rhs_layout='tensor', rhs_scale=1.0,
           rhs_zero_point=None, rhs_offset=None, acc='f32',
           out_fmt=None, out_layout='tensor', out_scale=None, out_zero_point=None,
           out_offset=None, rounding='half_even', seed=0, saturate=True):
    """lq.matmul per Semantics.md.  lhs: MxK codes, rhs: KxN codes.
    Returns an MxN array of f32 values, or of codes when out_fmt and out_scale are
    given (quantized result, layout 'tensor' or 'axis=1').
    Weight-only form: lhs_fmt None means lhs holds f32 values used as they are
    (deq(lhs) = lhs); it takes no lhs scale parameters and needs acc 'f32'."""
    ls, rs = _shape_of(lhs), _shape_of(rhs)
    Mdim, K = ls
    K2, N = rs
    assert K == K2, 'K mismatch'
    if lhs_fmt is None:
        if acc != 'f32':
            raise ValueError('a float lhs needs acc=f32')
        if lhs_zero_point is not None or lhs_offset is not None:
            raise ValueError('a float lhs takes no zero point or offset')
        lflat = [float(v) for v in _flatten(lhs)]
        _chk(*lflat)
    else:
        lflat = [int(c) for c in _flatten(lhs)]
    rflat = [int(c) for c in _flatten(rhs)]
    LS, LZ, LO = (_Param(lhs_scale, lhs_layout, ls), _Param(lhs_zero_point, lhs_layout, ls),
                  _Param(lhs_offset, lhs_layout, ls))
    RS, RZ, RO = (_Param(rhs_scale, rhs_layout, rs), _Param(rhs_zero_point, rhs_layout, rs),
                  _Param(rhs_offset, rhs_layout, rs))
    out = []
    if acc == 'f32':
        if lhs_fmt is None:
            A = [[lflat[m * K + k] for k in range(K)] for m in range(Mdim)]
        else:
            A = [[dequant_one(lhs_fmt, lflat[m * K + k], LS.at((m, k)), LZ.at((m, k)),
                              LO.at((m, k))) for k in range(K)] for m in range(Mdim)]
        B = [[dequant_one(rhs_fmt, rflat[k * N + n], RS.at((k, n)), RZ.at((k, n)), RO.at((k, n)))
              for n in range(N)] for k in range(K)]
        for m in range(Mdim):
            for n in range(N):
                s = 0.0
                for k in range(K):
                    s = f32_add(s, f32_mul(A[m][k], B[k][n]))
                out.append(s)
    elif acc == 'i32':
        for f_ in (lhs_fmt, rhs_fmt):
            if f_.kind not in ('int', 'bipolar'):
                raise ValueError('acc=i32 needs integer formats')
        if LO.flat is not None or RO.flat is not None:
            raise ValueError('acc=i32 takes no float zero points')
        bl, br = _k_block(lhs_layout, 1), _k_block(rhs_layout, 0)
        cands = [b for b in (bl, br) if b is not None]
        g = min(cands) if cands else K
        for b in cands + [K]:
            if b % g:
                raise ValueError('g=%d must divide the K block sizes and K' % g)
        nseg = K // g
        for m in range(Mdim):
            for n in range(N):
                total = 0.0
                for j in range(nseg):
                    S = 0
                    for k in range(j * g, (j + 1) * g):
                        za = LZ.at((m, k)) or 0
                        zb = RZ.at((k, n)) or 0
                        qa = lhs_fmt.int_value(lflat[m * K + k])
                        qb = rhs_fmt.int_value(rflat[k * N + n])
                        S = _wrap32(S + _wrap32(_wrap32(qa - za) * _wrap32(qb - zb)))
                    sa = float(LS.at((m, j * g)))
                    sb = float(RS.at((j * g, n)))
                    total = f32_add(total, f32_mul(f32_mul(f32_from_int(S), sa), sb))
                out.append(total)
    else:
        raise ValueError('acc must be f32 or i32')
    if out_fmt is not None and out_scale is not None:
        return quantize(_to_array(out, (Mdim, N), 'float32') if _has_numpy() else
                        _unflatten(out, (Mdim, N)), out_fmt, out_layout, out_scale,
                        out_zero_point, out_offset, rounding, seed, saturate)
    return _to_array(out, (Mdim, N), 'float32')


def _has_numpy():
    try:
        import numpy  # noqa: F401
        return True
    except ImportError:
        return False


# ----------------------------------------------------------------------------
# Packing (codes of width W not in {8,16} are packed little-endian by bit)
# ----------------------------------------------------------------------------

def pack_codes(codes, W):
    if W in (8, 16):
        nb = W // 8
        return b''.join(int(c).to_bytes(nb, 'little') for c in codes)
    acc = 0
    for i, c in enumerate(codes):
        acc |= (int(c) & ((1 << W) - 1)) << (i * W)
    return acc.to_bytes((len(codes) * W + 7) // 8, 'little')


def unpack_codes(buf, W, n):
    if W in (8, 16):
        nb = W // 8
        return [int.from_bytes(buf[i * nb:(i + 1) * nb], 'little') for i in range(n)]
    acc = int.from_bytes(buf, 'little')
    return [(acc >> (i * W)) & ((1 << W) - 1) for i in range(n)]


# ----------------------------------------------------------------------------
# The exhaustive format set
# ----------------------------------------------------------------------------

def exhaustive_formats(max_float_width=16):
    """Named + builtin formats, every valid default eXmY / ueXmY, a few flag
    variants, all int widths / signedness / narrowness, ternary, bipolar."""
    fmts = [f() for f in NAMED.values()]
    fmts += [f8e4m3(), f8e3m4()]
    for signed in (True, False):
        for E in range(1, 9):
            for M in range(0, 8):
                f = FloatFormat(E, M, signed, check=False)
                if not f.validity_errors() and f.W <= max_float_width:
                    fmts.append(f)
    variants = [
        FloatFormat(4, 3, True, 7, False, 'none', False, name='e4m3_nosub', check=False),
        FloatFormat(3, 2, True, 3, False, 'ieee', True, name='e3m2_ieee_noinf', check=False),
        FloatFormat(3, 2, True, 3, True, 'ieee', True, name='e3m2_ieee', check=False),
        FloatFormat(5, 0, True, 15, False, 'allones', True, name='e5m0_allones', check=False),
        FloatFormat(5, 0, True, 15, False, 'allones', False, name='e5m0_allones_nosub', check=False),
        FloatFormat(4, 2, False, 7, False, 'allones', False, name='ue4m2_allones_nosub', check=False),
        FloatFormat(4, 3, True, 3, False, 'negzero', True, name='e4m3_b3_negzero', check=False),
        FloatFormat(2, 1, False, 0, False, 'none', True, name='ue2m1_b0', check=False),
        FloatFormat(1, 0, True, 0, False, 'none', True, name='e1m0', check=False),
        FloatFormat(1, 0, True, 0, False, 'none', False, name='e1m0_nosub', check=False),
    ]
    for v in variants:
        if not v.validity_errors():
            fmts.append(v)
    for W in range(1, 17):
        for signed in (True, False):
            for narrow in (False, True):
                fmts.append(IntFormat(W, signed, narrow))
    fmts += [Ternary(), Bipolar()]
    return fmts


# ----------------------------------------------------------------------------
# Self-test
# ----------------------------------------------------------------------------

class _T(object):
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.msgs = []

    def check(self, cond, msg):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            if len(self.msgs) < 50:
                self.msgs.append(msg)


def _self_test_known(T):
    f = e2m1()
    mags = sorted({decode(f, c) for c in range(8)})
    T.check(mags == [Fraction(x) for x in ('0', '1/2', '1', '3/2', '2', '3', '4', '6')],
            'e2m1 magnitudes %r' % mags)
    T.check(is_neg_zero(decode(f, 0x8)), 'e2m1 0x8 is -0')
    f = e4m3fn()
    T.check(decode(f, 0x7E) == 448 and decode(f, 0x7F) == 'nan' and decode(f, 0xFF) == 'nan',
            'e4m3fn max/nan')
    T.check(f.max_value() == 448, 'e4m3fn max')
    T.check(decode(f, 0x01) == pow2(-9), 'e4m3fn min subnormal')
    f = e5m2()
    T.check(f.max_value() == 57344 and decode(f, 0x7B) == 57344, 'e5m2 max')
    T.check(decode(f, 0x7C) == '+inf' and decode(f, 0xFC) == '-inf', 'e5m2 inf')
    T.check(decode(f, 0x7D) == 'nan' and decode(f, 0x7F) == 'nan', 'e5m2 nan')
    f = e8m0()
    T.check(decode(f, 0x7F) == 1 and decode(f, 0x00) == pow2(-127) and decode(f, 0xFF) == 'nan',
            'e8m0 values')
    T.check(f.max_value() == pow2(127), 'e8m0 max')
    T.check(encode(f, 0.0) == 0 and encode(f, -5.0) == 0, 'e8m0 zero/neg -> 2^-127')
    T.check(encode(f, 3.0) == 0x81 and encode(f, 1.5) == 0x80 and encode(f, f32(1.4)) == 0x7F,
            'e8m0 ties (1.5 -> 2, 3 -> 4)')
    T.check(encode(f, math.nan) == 0xFF, 'e8m0 nan')
    T.check(f.validity_errors(literal=True) != [], 'e8m0 fails literal max-exponent rule')
    f = ue4m3()
    T.check(f.max_value() == 448 and decode(f, 0x7F) == 'nan' and f.W == 7, 'ue4m3')
    f = ue5m3()
    T.check(f.max_value() == Fraction(114688) and f.W == 8, 'ue5m3 max %s' % f.max_value())
    f = e4m3fnuz()
    T.check(f.max_value() == 240 and decode(f, 0x80) == 'nan' and encode(f, -0.0) == 0, 'e4m3fnuz')
    T.check(e4m3b11fnuz().max_value() == 30, 'e4m3b11fnuz max')
    T.check(e5m2fnuz().max_value() == 57344, 'e5m2fnuz max')
    T.check(default_float(4, 3).max_value() == 480, 'keyword e4m3 max 480')
    T.check(f8e4m3().max_value() == 240, 'f8E4M3 max 240')
    T.check(f8e3m4().max_value() == Fraction(31, 2), 'f8E3M4 max 15.5')
    T.check(e3m2().max_value() == 28 and e2m3().max_value() == Fraction(15, 2), 'f6 max')
    f = IntFormat(3)
    T.check([decode(f, c) for c in range(8)] == [0, 1, 2, 3, -4, -3, -2, -1], 'int3')
    T.check((f.qmin, f.qmax) == (-4, 3), 'int3 range')
    f = IntFormat(8, narrow=True)
    T.check((f.qmin, f.qmax) == (-127, 127) and encode(f, -1000.0) == 0x81, 'int8 narrow')
    T.check(IntFormat(8, False, True).qmax == 254, 'uint8 narrow')
    f = Ternary()
    T.check([encode(f, v) for v in (-3.0, f32(-0.6), -0.5, f32(0.4), 0.5, 1.5)] == [3, 3, 0, 0, 0, 1],
            'ternary')
    T.check(encode(Bipolar(), -0.0) == 1 and encode(Bipolar(), f32(-1e-30)) == 0 and
            encode(Bipolar(), math.nan) == 1, 'bipolar')
    # rounding modes on the integer grid
    f = IntFormat(8)
    vals = [2.5, -2.5, 3.5, -3.5, 2.25, -2.75]
    exp = {'half_even': [2, -2, 4, -4, 2, -3], 'half_away': [3, -3, 4, -4, 2, -3],
           'toward_zero': [2, -2, 3, -3, 2, -2], 'floor': [2, -3, 3, -4, 2, -3],
           'ceil': [3, -2, 4, -3, 3, -2]}
    for mode, e in exp.items():
        got = [f.int_value(encode(f, v, mode)) for v in vals]
        T.check(got == e, 'int rounding %s: %r' % (mode, got))
    T.check(encode(f, math.nan, zero_point=-5) == (-5) & 0xFF, 'int nan -> z')
    T.check(encode(IntFormat(8, False), 1.0, scale=0.5, zero_point=128) == 130, 'int zp')
    # hash: reference values computed independently with numpy uint64 wrap-around
    try:
        import numpy as np
        with np.errstate(over='ignore'):
            for seed, idx in ((0, 0), (1, 7), (2 ** 63 + 5, 12345), (0xFFFFFFFFFFFFFFFF, 2 ** 40)):
                z = np.uint64(seed) + np.uint64(idx + 1) * np.uint64(0x9E3779B97F4A7C15)
                z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
                z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
                z = z ^ (z >> np.uint64(31))
                T.check(stochastic_p(seed, idx) == Fraction(int(z >> np.uint64(40)), 2 ** 24),
                        'hash %d %d' % (seed, idx))
    except ImportError:
        pass
    # splitmix64 golden value: seed 0 index 0 -> first splitmix64 output of state 0
    T.check(stochastic_p(0, 0) == Fraction(0xE220A8397B1DCDAF >> 40, 2 ** 24),
            'splitmix64(0) = 0xE220A8397B1DCDAF')
    # stochastic: statistics and determinism
    f = IntFormat(8)
    ups = sum(f.int_value(encode(f, 0.25, 'stochastic', seed=3, index=i)) for i in range(4000))
    T.check(800 < ups < 1200, 'stochastic 0.25 rounds up ~25%% (%d/4000)' % ups)
    T.check(encode(f, 1.0, 'stochastic', 9, 3) == 1, 'stochastic exact')
    # f32 helpers
    T.check(f32_bits(1.0) == 0x3F800000 and bits_f32(0x7F7FFFFF) == float(F32_MAX), 'f32 bits')
    T.check(round_f32(pow2(-150)) == 0.0 and round_f32(pow2(-150) * 3) == bits_f32(2),
            'f32 subnormal ties')
    T.check(round_f32(F32_MAX + pow2(103)) == math.inf and
            round_f32(F32_MAX + pow2(103) - pow2(-10)) == float(F32_MAX), 'f32 overflow')
    T.check(f32_div(1.0, 3.0) == bits_f32(0x3EAAAAAB), '1/3 f32')
    T.check(_signbit(f32_sub(1.0, 1.0)) is False and _signbit(f32_add(-0.0, -0.0)), 'zero signs')
    T.check(_signbit(f32_div(f32(-1e-30), f32(1e30))), 'underflow keeps sign')
    # compare exact f32 ops with numpy float32 on random operands (double-rounding-free)
    try:
        import numpy as np
        import random
        rnd = random.Random(1)
        bad = 0
        for _ in range(3000):
            a = bits_f32(rnd.getrandbits(32))
            b = bits_f32(rnd.getrandbits(32))
            if a != a or b != b:
                continue
            with np.errstate(all='ignore'):
                for op, npop in ((f32_mul, np.multiply), (f32_div, np.divide), (f32_add, np.add)):
                    r = op(a, b)
                    n = float(npop(np.float32(a), np.float32(b)))
                    if not ((r != r and n != n) or (r == n and _signbit(r) == _signbit(n))):
                        bad += 1
        T.check(bad == 0, 'f32 ops vs numpy float32: %d mismatches' % bad)
    except ImportError:
        pass
    # quantize / dequantize / layouts
    x = [[1.0, 2.0, 3.0, 4.0], [-1.0, -2.0, 5.0, 100.0]]
    q = quantize(x, IntFormat(8), 'axis=0', [0.5, 1.0])
    T.check(_flatten(q) == [2, 4, 6, 8, 255, 254, 5, 100], 'axis quantize %r' % _flatten(q))
    q = quantize(x, IntFormat(4), 'block=[1,3]', [[1.0, 2.0], [1.0, 0.25]], zero_point=[[0, 1], [0, -8]])
    T.check(_flatten(q) == [1, 2, 3, 3, 15, 14, 5, 7], 'block quantize %r' % _flatten(q))
    d = dequantize(q, IntFormat(4), 'block=[1,3]', [[1.0, 2.0], [1.0, 0.25]], zero_point=[[0, 1], [0, -8]])
    T.check([float(v) for v in _flatten(d)] == [1.0, 2.0, 3.0, 4.0, -1.0, -2.0, 5.0, 3.75],
            'block dequantize %r' % _flatten(d))
    q = quantize([0.0, 1.0, 2.0], IntFormat(8, False), 'tensor', 0.5, offset=-1.0)
    T.check(_flatten(q) == [2, 4, 6], 'float offset quantize')
    T.check(float(_flatten(dequantize(q, IntFormat(8, False), 'tensor', 0.5, offset=-1.0))[2]) == 2.0,
            'float offset dequantize')
    q = quantize([3.0, -7.0, f32(1e30), math.nan], e2m1(), 'tensor', 0.5)
    T.check(_flatten(q) == [0x7, 0xF, 0x7, 0x7], 'e2m1 quantize %r' % _flatten(q))
    # packing
    T.check(pack_codes([1, 2, 3, 4, 5, 6, 7, 0], 3) == bytes([0xD1, 0x58, 0x1F]), 'pack int3')
    T.check(unpack_codes(pack_codes(list(range(8)), 3), 3, 8) == list(range(8)), 'unpack')
    # matmul
    A = [[1, 2, 3, 4], [5, 6, 7, 8]]
    Bm = [[1, 0], [0, 1], [1, 1], [2, 3]]
    r = matmul(A, IntFormat(8), Bm, IntFormat(8), acc='i32')
    T.check([float(v) for v in _flatten(r)] == [12.0, 17.0, 28.0, 37.0], 'i32 matmul %r' % _flatten(r))
    r2 = matmul(A, IntFormat(8), Bm, IntFormat(8), acc='f32')
    T.check(_flatten(r) == _flatten(r2), 'f32 matmul = i32 matmul on small ints')
    r = matmul(A, IntFormat(8), Bm, IntFormat(8), lhs_layout='block=[1,2]',
               lhs_scale=[[1.0, 0.5], [2.0, 0.25]], rhs_layout='axis=1', rhs_scale=[1.0, 2.0],
               rhs_zero_point=[0, 1], acc='i32')
    # row0: seg0 (1*1+2*0)=1 *1.0, seg1 (3*1+4*2)=11*0.5 -> col0 = 1+5.5; col1 (q-1): seg0 1*-1+2*0=-1, seg1 3*0+4*2=8
    T.check([float(v) for v in _flatten(r)] == [6.5, 6.0, 15.75, -12.0],
            'blocked i32 matmul %r' % _flatten(r))
    # weight-only: f32 lhs values times dequantized codes (zero point 1, scale 0.5)
    r = matmul([[0.5, -1.0, 2.0, 0.25]], None, Bm, IntFormat(4), rhs_layout='tensor',
               rhs_scale=0.5, rhs_zero_point=1, acc='f32')
    # deq(B) = [[0, -0.5], [-0.5, 0], [0, 0], [0.5, 1]]: col0 = 0.5 + 0.125, col1 = -0.25 + 0.25
    T.check([float(v) for v in _flatten(r)] == [0.625, 0.0], 'weight-only matmul %r' % _flatten(r))


def _self_test_roundtrip(T, verbose=False, max_width=12):
    import time
    t0 = time.time()
    ncodes = 0
    for fmt in exhaustive_formats():
        if fmt.W > max_width:
            continue
        for code in range(1 << fmt.W):
            if fmt.kind == 'bipolar':
                v = float(fmt.int_value(code))
                T.check(encode(fmt, v) == code, 'bipolar roundtrip %d' % code)
                continue
            if fmt.kind == 'int':
                q = fmt.int_value(code)
                if not fmt.qmin <= q <= fmt.qmax:
                    continue  # the narrow format's unused code
                for mode in DETERMINISTIC_MODES:
                    T.check(encode(fmt, float(q), mode) == code,
                            '%s roundtrip %d %s' % (fmt, code, mode))
                ncodes += 1
                continue
            v = decode(fmt, code)
            if v == 'nan':
                continue
            x = to_f32(v)
            infcode = isinstance(v, str)
            for mode in MODES:
                for sat in ((False,) if infcode else (True, False)):
                    got = encode(fmt, x, mode, seed=7, index=code, saturate=sat)
                    T.check(got == code, '%s roundtrip code 0x%x (%r) %s sat=%s -> 0x%x'
                            % (fmt.describe(), code, x, mode, sat, got))
            ncodes += 1
        if verbose:
            sys.stderr.write('.')
    if verbose:
        sys.stderr.write('\n%d codes round-tripped in %.1fs\n' % (ncodes, time.time() - t0))
    return ncodes


def encode_value_space(fmt, x, mode, seed=0, index=0):
    """Second, value-space implementation of minifloat encode (saturate=True):
    pick the bracketing representable values by search over the sorted value
    list and apply the mode; used to cross-check encode_float_t."""
    cache = fmt.__dict__.setdefault('_vs_cache', {})
    if not cache:
        by_val = {}
        for c in range(1 << fmt.W):
            v = decode(fmt, c)
            if isinstance(v, str):
                continue
            s = fmt.fields(c)[0]
            by_val[(Fraction(v), s if v == 0 else 0)] = c
        cache['vals'] = sorted({k[0] for k in by_val})
        cache['code'] = by_val
    vals, code_of = cache['vals'], cache['code']
    if x != x:
        nc = fmt.nan_code()
        return nc if nc is not None else fmt.max_code(0)
    if not fmt.signed and (x < 0 or (x == 0 and _signbit(x))):
        x = 0.0
    neg = _signbit(x)
    maxv = fmt.max_value()

    def code(v):
        if v == 0:
            if fmt.nan == 'negzero' or not fmt.signed:
                return code_of[(Fraction(0), 0)]
            return code_of[(Fraction(0), 1 if neg else 0)]
        return code_of[(v, 0)]

    if math.isinf(x):
        return fmt.max_code(1 if neg else 0)
    X = Fraction(x)
    if not fmt.subnormals and abs(X) < fmt.min_positive():
        return code(-fmt.min_positive() if neg else fmt.min_positive())
    if X > maxv:
        return code(maxv)
    if X < -maxv:
        return code(-maxv)
    import bisect
    i = bisect.bisect_left(vals, X)
    if i < len(vals) and vals[i] == X:
        return code(X)
    # virtual neighbours one quantum past +-max (the value the top code would have)
    top = maxv + pow2(floor_log2(maxv) - fmt.M)
    lo = vals[i - 1] if i > 0 else -top
    hi = vals[i] if i < len(vals) else top
    assert lo < X < hi
    # parity on the quantum grid of x's binade (R even)
    u = pow2(max(floor_log2(abs(X)), fmt.emin) - fmt.M)
    if mode == 'floor':
        r = lo
    elif mode == 'ceil':
        r = hi
    elif mode == 'toward_zero':
        r = lo if X > 0 else hi
    elif mode == 'stochastic':
        r = hi if (X - lo) / (hi - lo) > stochastic_p(seed, index) else lo
    else:
        dl, dh = X - lo, hi - X
        if dl != dh:
            r = lo if dl < dh else hi
        elif mode == 'half_away':
            r = hi if X > 0 else lo
        else:
            r = lo if (lo / u).numerator % 2 == 0 else hi
    r = max(min(r, maxv), -maxv)
    return code(r)


def _self_test_value_space(T, verbose=False):
    """encode (spec algorithm) == encode_value_space on the lqgen sweeps."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import lqgen
    fmts = [f for f in exhaustive_formats() if f.kind == 'float' and f.W <= 8]
    n = 0
    for fmt in fmts:
        for i, x in enumerate(lqgen.encode_sweep(fmt, limit=400)):
            for mode in MODES:
                a = encode(fmt, x, mode, seed=11, index=i)
                b = encode_value_space(fmt, x, mode, seed=11, index=i)
                n += 1
                T.check(a == b, 'value-space %s x=%r %s: spec 0x%x, value-space 0x%x'
                        % (fmt.describe(), x, mode, a, b))
    if verbose:
        sys.stderr.write('%d value-space comparisons over %d formats\n' % (n, len(fmts)))
    return n


def self_test(verbose=True, full=False):
    T = _T()
    _self_test_known(T)
    n = _self_test_roundtrip(T, verbose, 16 if full else 12)
    _self_test_value_space(T, verbose)
    for m in T.msgs:
        print('FAIL: ' + m)
    print('lqmodel self-test: %d codes round-tripped' % n)
    print('%d passed, %d failed' % (T.passed, T.failed))
    return T.failed == 0


# ----------------------------------------------------------------------------
# Cross-check against MLIR's APFloat (mlir-opt constant folding)
# ----------------------------------------------------------------------------

APFLOAT_TYPES = [
    ('f8E4M3FN', e4m3fn), ('f8E5M2', e5m2), ('f8E4M3FNUZ', e4m3fnuz),
    ('f8E5M2FNUZ', e5m2fnuz), ('f8E4M3', f8e4m3), ('f8E3M4', f8e3m4),
    ('f6E3M2FN', e3m2), ('f6E2M3FN', e2m3), ('f4E2M1FN', e2m1), ('f8E8M0FNU', e8m0),
    ('f8E4M3B11FNUZ', e4m3b11fnuz),
]

MLIR_OPT = '/usr/lib/llvm-22/bin/mlir-opt'


def _mlir_float_literal(x):
    # MLIR float literals need a '.'; repr of an f32-exact double is exact after
    # strtod (round-trips), and MLIR parses the literal as a double first.
    r = repr(float(x))
    if 'e' in r and '.' not in r.split('e')[0]:
        m, e = r.split('e')
        r = m + '.0e' + e
    elif '.' not in r and 'e' not in r:
        r += '.0'
    return r


def _run_mlir(text, mlir_opt):
    import subprocess
    p = subprocess.run([mlir_opt, '--canonicalize',
                        '--mlir-print-elementsattrs-with-hex-if-larger=100000000'],
                       input=text, capture_output=True, text=True)
    if p.returncode:
        raise RuntimeError(p.stderr)
    return p.stdout


def _parse_dense_ints(out, fname):
    import re
    blk = out.split('func.func @%s(' % fname, 1)[1]
    mo = re.search(r'dense<\[?([^>\]]*)\]?>', blk)
    return [int(v) for v in mo.group(1).split(',')]


def apfloat_check(mlir_opt=MLIR_OPT, verbose=True):
    """Encode sweeps (lqgen) through APFloat (parse + RNE convert) vs our half_even
    encode with saturate=False, and decode of every code vs APFloat's printed value.
    Returns a dict of per-type counts."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import lqgen
    results = {}
    for tname, ctor in APFLOAT_TYPES:
        fmt = ctor()
        W = fmt.W
        sweep = [x for x in lqgen.encode_sweep(fmt) if x == x and not math.isinf(x)]
        if not fmt.signed:
            sweep = [x for x in sweep if x > 0]  # APFloat: E8M0 has no zero/negatives
        lits = ', '.join(_mlir_float_literal(x) for x in sweep)
        codes = list(range(1 << W))
        n = len(sweep)
        to_int = lambda c: c - (1 << W) if c >= 1 << (W - 1) else c  # noqa: E731
        # 1) which codes APFloat calls NaN (scalar cmpf uno folds; tensor does not)
        text = ''.join(
            'func.func @u{c}() -> i1 {{\n  %c = arith.constant {v} : i{W}\n'
            '  %b = arith.bitcast %c : i{W} to {t}\n  %u = arith.cmpf uno, %b, %b : {t}\n'
            '  return %u : i1\n}}\n'.format(c=c, v=to_int(c), W=W, t=tname) for c in codes)
        out = _run_mlir(text, mlir_opt)
        ap_nan = {}
        for c in codes:
            blk = out.split('func.func @u%d(' % c, 1)[1].split('func.func', 1)[0]
            ap_nan[c] = 'constant true' in blk
            assert ap_nan[c] or 'constant false' in blk, blk
        # 2) values of the non-NaN codes (tensor extf to f32 folds unless a NaN is there)
        vcodes = [c for c in codes if not ap_nan[c]]
        nc = len(vcodes)
        ints = ', '.join(str(to_int(c)) for c in vcodes)
        text = ('func.func @enc() -> tensor<{n}xi{W}> {{\n'
                '  %c = arith.constant dense<[{lits}]> : tensor<{n}x{t}>\n'
                '  %b = arith.bitcast %c : tensor<{n}x{t}> to tensor<{n}xi{W}>\n'
                '  return %b : tensor<{n}xi{W}>\n}}\n'
                'func.func @dec() -> tensor<{nc}xi32> {{\n'
                '  %c = arith.constant dense<[{ints}]> : tensor<{nc}xi{W}>\n'
                '  %b = arith.bitcast %c : tensor<{nc}xi{W}> to tensor<{nc}x{t}>\n'
                '  %e = arith.extf %b : tensor<{nc}x{t}> to tensor<{nc}xf32>\n'
                '  %i = arith.bitcast %e : tensor<{nc}xf32> to tensor<{nc}xi32>\n'
                '  return %i : tensor<{nc}xi32>\n}}\n').format(
                    n=n, nc=nc, W=W, t=tname, lits=lits, ints=ints)
        out = _run_mlir(text, mlir_opt)
        ap = [c & ((1 << W) - 1) for c in _parse_dense_ints(out, 'enc')]
        assert len(ap) == len(sweep)
        r = {'values': len(sweep), 'agree': 0, 'in_range_disagree': [], 'overflow_agree': 0,
             'overflow_disagree': [], 'nan_sign_only': 0, 'decode_codes': len(codes), 'decode_agree': 0,
             'decode_disagree': []}
        maxv = fmt.max_value()
        for x, a in zip(sweep, ap):
            ours = encode(fmt, x, 'half_even', saturate=False)
            # in range: |x| does not round above max (below the overflow threshold)
            thresh = maxv + pow2(floor_log2(maxv) - fmt.M - 1)
            overflow = abs(Fraction(x)) >= thresh
            same = ours == a
            if not same and fmt.nan_code() is not None and decode(fmt, ours) == 'nan' \
                    and decode(fmt, a) == 'nan':
                same = 'nan-sign'
            if same == 'nan-sign':
                r['nan_sign_only'] += 1
            if overflow:
                if same:
                    r['overflow_agree'] += 1
                else:
                    r['overflow_disagree'].append((x, ours, a))
            elif same:
                r['agree'] += 1
            else:
                r['in_range_disagree'].append((x, ours, a))
        dec = dict(zip(vcodes, [bits_f32(v) for v in _parse_dense_ints(out, 'dec')]))
        for c in codes:
            v = decode(fmt, c)
            fv = math.nan if ap_nan[c] else dec[c]
            if fv != fv:
                ok = v == 'nan'
            elif math.isinf(fv):
                ok = v == ('+inf' if fv > 0 else '-inf')
            else:
                ok = not isinstance(v, str) and Fraction(fv) == v and \
                    (fv != 0 or _signbit(fv) == is_neg_zero(v))
            if ok:
                r['decode_agree'] += 1
            else:
                r['decode_disagree'].append((c, v, fv))
        results[tname] = r
        if verbose:
            print('%-14s encode: %4d values, %4d agree in range, %d disagree in range; '
                  'overflow %d agree (%d only up to NaN sign), %d disagree | decode: %d/%d agree'
                  % (tname, r['values'], r['agree'], len(r['in_range_disagree']),
                     r['overflow_agree'], r['nan_sign_only'], len(r['overflow_disagree']),
                     r['decode_agree'],
                     r['decode_codes']))
            for x, o, a in r['in_range_disagree'][:10]:
                print('    in-range x=%r ours=0x%x apfloat=0x%x' % (x, o, a))
            for x, o, a in r['overflow_disagree'][:6]:
                print('    overflow x=%r ours=0x%x (%s) apfloat=0x%x (%s)'
                      % (x, o, decode(fmt, o), a, decode(fmt, a)))
            for c, v, a in r['decode_disagree'][:6]:
                print('    decode code=0x%x ours=%r apfloat=%s' % (c, v, a))
    return results


if __name__ == '__main__':
    args = sys.argv[1:]
    ok = True
    if not args or '--self-test' in args:
        ok = self_test(full='--full' in args) and ok
    if '--apfloat' in args:
        res = apfloat_check()
        bad = sum(len(r['in_range_disagree']) + len(r['decode_disagree']) for r in res.values())
        print('apfloat cross-check: %d in-range/decode disagreements' % bad)
        ok = ok and bad == 0
    sys.exit(0 if ok else 1)
