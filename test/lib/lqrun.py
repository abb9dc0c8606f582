"""Runs MLIR through lpc's reference pipeline and mlir-runner.

Test scripts build a `func.func @main()` that prints 1-D i32 tensors with
`print_i32(name, tensor)` snippets from `MainBuilder`, run it with `run()`,
and get the printed arrays back in order.
"""

import os
import re
import subprocess
import tempfile

LLVM_BIN = "/usr/lib/llvm-22/bin"
LLVM_LIB = "/usr/lib/llvm-22/lib"


def _tool(name, default):
    return os.environ.get(name.upper().replace("-", "_"), default)


def tensor_type(shape, elem):
    return "tensor<%s%s>" % ("".join("%dx" % d for d in shape), elem)


class MainBuilder(object):
    """Accumulates the body of @main and the arrays it prints."""

    def __init__(self):
        self.lines = []
        self.count = 0
        self.names = []

    def fresh(self, prefix="v"):
        self.count += 1
        return "%%%s%d" % (prefix, self.count)

    def add(self, line):
        self.lines.append("  " + line)

    def const(self, values, elem):
        """A dense constant; `values` are MLIR literals (ints or f32 hex)."""
        name = self.fresh("c")
        self.add("%s = arith.constant dense<[%s]> : tensor<%dx%s>" %
                 (name, ", ".join(values), len(values), elem))
        return name

    def print_i32(self, label, value, n):
        """Prints a tensor<n x i32>; results come back in print order."""
        m = self.fresh("m")
        u = self.fresh("u")
        self.add("%s = bufferization.to_buffer %s : tensor<%dxi32> to memref<%dxi32>" % (m, value, n, n))
        self.add("%s = memref.cast %s : memref<%dxi32> to memref<*xi32>" % (u, m, n))
        self.add("func.call @printMemrefI32(%s) : (memref<*xi32>) -> ()" % u)
        self.names.append(label)

    def const_shaped(self, values, shape, elem):
        """A dense constant reshaped to `shape` (rank 0 allowed)."""
        flat = self.const(values, elem)
        if len(shape) == 1 and shape[0] == len(values):
            return flat
        v = self.fresh()
        if not shape:
            self.add("%s = tensor.collapse_shape %s [] : tensor<1x%s> into tensor<%s>" % (v, flat, elem, elem))
        else:
            self.add("%s = tensor.expand_shape %s [[%s]] output_shape [%s] : tensor<%dx%s> into %s" % (
                v, flat, ", ".join(str(i) for i in range(len(shape))),
                ", ".join(str(d) for d in shape), len(values), elem, tensor_type(shape, elem)))
        return v

    def flatten(self, value, shape, elem):
        if len(shape) == 1:
            return value
        count = 1
        for d in shape:
            count *= d
        flat = self.fresh()
        self.add("%s = tensor.collapse_shape %s [[%s]] : %s into tensor<%dx%s>" % (
            flat, value, ", ".join(str(i) for i in range(len(shape))), tensor_type(shape, elem), count, elem))
        return flat

    def print_codes(self, label, value, shape, ty, width):
        """Prints the raw codes (zero-extended) of a tensor of format `ty`."""
        count = 1
        for d in shape:
            count *= d
        flat = self.flatten(value, shape, ty)
        raw = self.fresh()
        self.add("%s = lq.bitcast %s : tensor<%dx%s> to tensor<%dxi%d>" % (raw, flat, count, ty, count, width))
        ext = self.fresh()
        self.add("%s = arith.extui %s : tensor<%dxi%d> to tensor<%dxi32>" % (ext, raw, count, width, count))
        self.print_i32(label, ext, count)

    def print_ints(self, label, value, shape, width):
        """Prints a tensor of signless iN, sign-extended."""
        count = 1
        for d in shape:
            count *= d
        flat = self.flatten(value, shape, "i%d" % width)
        if width != 32:
            ext = self.fresh()
            self.add("%s = arith.extsi %s : tensor<%dxi%d> to tensor<%dxi32>" % (ext, flat, count, width, count))
            flat = ext
        self.print_i32(label, flat, count)

    def print_f32(self, label, value, shape):
        """Prints the bits of an f32 tensor."""
        count = 1
        for d in shape:
            count *= d
        flat = self.flatten(value, shape, "f32")
        bits = self.fresh()
        self.add("%s = arith.bitcast %s : tensor<%dxf32> to tensor<%dxi32>" % (bits, flat, count, count))
        self.print_i32(label, bits, count)

    def module(self):
        return "\n".join([
            "func.func private @printMemrefI32(memref<*xi32>)",
            "func.func @main() {",
        ] + self.lines + ["  return", "}", ""])


def run(mlir_text, keep=None, passes=()):
    """Compiles and runs `mlir_text` (after the lpc-opt flags in `passes`, if
    any); returns the list of printed int arrays."""
    lpc_opt = _tool("lpc-opt", "lpc-opt")
    runner = _tool("mlir-runner", os.path.join(LLVM_BIN, "mlir-runner"))
    libs = ",".join(os.path.join(LLVM_LIB, l) for l in
                    ("libmlir_runner_utils.so", "libmlir_c_runner_utils.so"))
    with tempfile.TemporaryDirectory() as tmp:
        src = keep or os.path.join(tmp, "in.mlir")
        with open(src, "w") as f:
            f.write(mlir_text)
        low = os.path.join(tmp, "low.mlir")
        p = subprocess.run([lpc_opt, src] + list(passes) + ["--lpc-reference-pipeline", "-o", low],
                           capture_output=True, text=True)
        if p.returncode:
            raise RuntimeError("lpc-opt failed:\n" + p.stderr[-4000:])
        p = subprocess.run([runner, low, "-e", "main", "-entry-point-result=void",
                            "-shared-libs=" + libs], capture_output=True, text=True)
        if p.returncode:
            raise RuntimeError("mlir-runner failed:\n" + p.stderr[-4000:])
    arrays = []
    for block in p.stdout.split("Unranked Memref")[1:]:
        data = block.split("data =", 1)[1]
        arrays.append([int(v) for v in re.findall(r"-?\d+", data)])
    return arrays
