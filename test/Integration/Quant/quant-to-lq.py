"""quant.qcast / quant.dcast IR as StableHLO or TOSA users write it, converted
with -convert-quant-to-lq, run through lpc's reference pipeline, and compared
bit-for-bit with values computed here with numpy from the quant types alone:

    s = f32(scale), t = f32(x) / s (one f32 division), q = clamp(rint(t) + zp,
    storageMin, storageMax) with ties to even, x' = f32(q - zp) * s.

Each case prints its stored integers (quant.scast to the storage type,
extended to i32) and its dequantized values (as f32 bit patterns).
"""

import os
import struct
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
import lqrun  # noqa: E402


def f32_hex(v):
    return "0x%08X" % struct.unpack("<I", struct.pack("<f", float(v)))[0]


def f32_bits(v):
    return struct.unpack("<I", struct.pack("<f", float(v)))[0]


def tensor(shape, elem):
    return "tensor<%s%s>" % ("".join("%dx" % d for d in shape), elem)


class Case(object):
    """A quantized type: storage, range, layout, scales and zero points.

    `layout` is ("tensor",), ("axis", a) or ("block", {dim: size}); `scales`
    and `zps` are numpy arrays shaped like the layout's parameter tensor."""

    def __init__(self, name, shape, storage, signed, width, rng_min, rng_max,
                 layout, scales, zps, x):
        self.name, self.shape, self.storage = name, shape, storage
        self.signed, self.width = signed, width
        self.min, self.max = rng_min, rng_max
        self.layout, self.scales, self.zps = layout, np.asarray(scales), np.asarray(zps)
        self.x = np.asarray(x, dtype=np.float32).reshape(shape)

    def quant_type(self):
        full_min = -(1 << (self.width - 1)) if self.signed else 0
        full_max = (1 << (self.width - 1)) - 1 if self.signed else (1 << self.width) - 1
        st = ("i" if self.signed else "u") + str(self.width)
        if (self.min, self.max) != (full_min, full_max):
            st += "<%d:%d>" % (self.min, self.max)
        kind = self.layout[0]
        if kind == "tensor":
            return "!quant.uniform<%s:f32, %r:%d>" % (st, float(self.scales), int(self.zps))
        pairs = ["%r:%d" % (float(s), int(z)) for s, z in zip(self.scales.reshape(-1), self.zps.reshape(-1))]
        if kind == "axis":
            return "!quant.uniform<%s:f32:%d, {%s}>" % (st, self.layout[1], ", ".join(pairs))
        # Sub-channel: nested braces in the scale tensor's shape.
        rows = self.scales.shape[-1]
        nested = ", ".join("{%s}" % ", ".join(pairs[i:i + rows]) for i in range(0, len(pairs), rows))
        blocks = ", ".join("%d:%d" % (d, b) for d, b in self.layout[1].items())
        return "!quant.uniform<%s:f32:{%s}, {%s}>" % (st, blocks, nested)

    def param_index(self, idx):
        kind = self.layout[0]
        if kind == "tensor":
            return ()
        if kind == "axis":
            return (idx[self.layout[1]],)
        return tuple(i // self.layout[1].get(d, self.shape[d]) for d, i in enumerate(idx))

    def expected(self):
        codes, values = [], []
        for idx in np.ndindex(*self.shape):
            p = self.param_index(idx)
            s = np.float32(self.scales[p])
            z = int(self.zps[p])
            t = np.float32(self.x[idx]) / s
            q = min(max(int(np.rint(np.float64(t))) + z, self.min), self.max)
            codes.append(q)
            values.append(f32_bits(np.float32(q - z) * s))
        return codes, values


def build(cases):
    b = lqrun.MainBuilder()
    checks = []
    for c in cases:
        n = int(np.prod(c.shape))
        flat = b.const([f32_hex(v) for v in c.x.reshape(-1)], "f32")
        x = b.fresh()
        b.add("%s = tensor.expand_shape %s [[0, 1]] output_shape [%d, %d] : tensor<%dxf32> into %s" % (
            x, flat, c.shape[0], c.shape[1], n, tensor(c.shape, "f32")))
        qty = tensor(c.shape, c.quant_type())
        q = b.fresh()
        b.add("%s = quant.qcast %s : %s to %s" % (q, x, tensor(c.shape, "f32"), qty))
        raw = b.fresh()
        storage = "i%d" % c.width
        b.add("%s = quant.scast %s : %s to %s" % (raw, q, qty, tensor(c.shape, storage)))
        raw1 = b.fresh()
        b.add("%s = tensor.collapse_shape %s [[0, 1]] : %s into tensor<%dx%s>" % (
            raw1, raw, tensor(c.shape, storage), n, storage))
        ext = b.fresh()
        b.add("%s = arith.%s %s : tensor<%dx%s> to tensor<%dxi32>" % (
            ext, "extsi" if c.signed else "extui", raw1, n, storage, n))
        b.print_i32(c.name + " codes", ext, n)
        y = b.fresh()
        b.add("%s = quant.dcast %s : %s to %s" % (y, q, qty, tensor(c.shape, "f32")))
        y1 = b.fresh()
        b.add("%s = tensor.collapse_shape %s [[0, 1]] : %s into tensor<%dxf32>" % (
            y1, y, tensor(c.shape, "f32"), n))
        bits = b.fresh()
        b.add("%s = arith.bitcast %s : tensor<%dxf32> to tensor<%dxi32>" % (bits, y1, n, n))
        b.print_i32(c.name + " dequantized", bits, n)
        codes, values = c.expected()
        checks.append((c.name + " codes", codes))
        checks.append((c.name + " dequantized", values))
    return b.module(), checks


def main():
    rng = np.random.default_rng(20261123)
    ties = [1.25, -1.25, 0.75, -0.75, 2.25, 100.0, -100.0, 0.0]
    cases = [
        # Per-tensor, scale 0.5: exact ties round to even; saturation.
        Case("tensor_i8_ties", (2, 8), "i8", True, 8, -128, 127, ("tensor",), 0.5, -3,
             ties + list(rng.standard_normal(8) * 4)),
        # Per-tensor scale 0.1 is not an f32: the f32 nearest is used.
        Case("tensor_i8_tenth", (4, 4), "i8", True, 8, -128, 127, ("tensor",), 0.1, 5,
             rng.standard_normal(16) * 8),
        # Narrow signed range: -127 is the floor.
        Case("narrow_i8", (2, 8), "i8", True, 8, -127, 127, ("tensor",), 0.03, 0,
             rng.standard_normal(16) * 4),
        # Per-axis (axis 1), unsigned with zero points.
        Case("axis_u8", (3, 4), "u8", False, 8, 0, 255, ("axis", 1),
             [0.05, 0.1, 0.02, 0.2], [128, 100, 3, 250], rng.standard_normal(12) * 5),
        # Per-axis (axis 0), narrow unsigned 4-bit.
        Case("axis_u4_narrow", (2, 8), "u4", False, 4, 0, 14, ("axis", 0),
             [0.25, 0.5], [7, 2], rng.standard_normal(16) * 2),
        # Sub-channel: groups of 4 along dim 1 per row, int4 with zero points.
        Case("block_i4", (2, 8), "i4", True, 4, -8, 7, ("block", {0: 1, 1: 4}),
             np.array([[0.3, 0.15], [0.6, 0.07]]), np.array([[1, -2], [0, 3]]),
             rng.standard_normal(16) * 1.5),
        # Sub-channel: 2-D blocks of 2x4.
        Case("block2d_i8", (4, 8), "i8", True, 8, -128, 127, ("block", {0: 2, 1: 4}),
             np.array([[0.01, 0.02], [0.04, 0.08]]), np.array([[0, 10], [-10, 0]]),
             rng.standard_normal(32)),
    ]
    module, checks = build(cases)
    quant_ir = "func.func private @printMemrefI32(memref<*xi32>)\n" + module.split("\n", 1)[1]
    lpc_opt = os.environ.get("LPC_OPT", "lpc-opt")
    p = subprocess.run([lpc_opt, "-", "--convert-quant-to-lq"], input=quant_ir,
                       capture_output=True, text=True)
    if p.returncode:
        sys.exit("convert-quant-to-lq failed:\n" + p.stderr)
    if "quant." in p.stdout:
        sys.exit("quant ops left after convert-quant-to-lq")
    arrays = lqrun.run(p.stdout)
    assert len(arrays) == len(checks), (len(arrays), len(checks))
    bad = 0
    for (label, want), got in zip(checks, arrays):
        assert len(got) == len(want), (label, len(got), len(want))
        mism = sum(1 for g, w in zip(got, want) if (g & 0xFFFFFFFF) != (w & 0xFFFFFFFF))
        distinct = len(set(want))
        print("%s: %d values, %d distinct expected, %d mismatches" % (label, len(want), distinct, mism))
        if mism:
            print("  got      %s\n  expected %s" % (got, want))
        bad += mism
    print("quant-to-lq: %d cases, %d mismatches" % (len(cases), bad))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
