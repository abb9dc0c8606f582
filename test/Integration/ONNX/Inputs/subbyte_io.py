"""Graph inputs and outputs of INT4, UINT4, FLOAT8 and FLOAT4E2M1 codes
through lpc's C ABI (4-bit codes packed two per byte, low nibble first).

usage: subbyte_io.py gen DIR        writes DIR/<case>/{lpc,ort}.onnx, inputs
       subbyte_io.py check DIR      compares DIR/<case>/out (lpc run
                                    --output-dir) with DIR/<case>/ref (ONNX
                                    Runtime) or with the decoding below

Output cases ("q-<fmt>"): lpc.onnx quantizes x and returns the raw codes and
their values (DequantizeLinear with scale 1); ort.onnx returns only the values
(onnxruntime-node cannot hand 4-bit or float8 tensors to JavaScript). The
check decodes lpc's raw codes here and requires them to equal ONNX Runtime's
values, as must lpc's own values. Input cases ("dq-<fmt>"): the codes are a
graph input, dequantized with scale 0.5; the oracle decodes them here.
FLOAT4E2M1 has no ONNX Runtime kernel; its output case checks the codes
against lpc's decoded values and the round-to-nearest-even rule.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper
from onnx import numpy_helper as nh

# name -> (data_type, bits, opset)
FORMATS = {
    "int4": (22, 4, 21), "uint4": (21, 4, 21), "e4m3fn": (17, 8, 19),
    "e5m2": (19, 8, 19), "e4m3fnuz": (18, 8, 19), "float4e2m1": (23, 4, 23),
}


def decode(fmt, code):
    """The real value of one code (independent of lpc's lowering)."""
    if fmt == "int4":
        return float(code - 16 if code >= 8 else code)
    if fmt == "uint4":
        return float(code)
    # minifloats: (exponent bits, mantissa bits, bias, nan rule)
    e, m, bias, kind = {"e4m3fn": (4, 3, 7, "fn"), "e5m2": (5, 2, 15, "ieee"),
                        "e4m3fnuz": (4, 3, 8, "fnuz"),
                        "float4e2m1": (2, 1, 1, "none")}[fmt]
    width = 1 + e + m
    sign = -1.0 if code >> (width - 1) else 1.0
    ex = (code >> m) & ((1 << e) - 1)
    man = code & ((1 << m) - 1)
    if kind == "fnuz" and code == 1 << (width - 1):
        return float("nan")
    if kind == "fn" and ex == (1 << e) - 1 and man == (1 << m) - 1:
        return float("nan")
    if kind == "ieee" and ex == (1 << e) - 1:
        return sign * float("inf") if man == 0 else float("nan")
    if ex == 0:
        return sign * man * 2.0 ** (1 - bias - m)
    return sign * (1 + man / 2.0 ** m) * 2.0 ** (ex - bias)


def unpack(t):
    """Codes of a TensorProto (raw_data)."""
    dtype, bits, _ = next(v for v in FORMATS.values() if v[0] == t.data_type)
    raw = np.frombuffer(t.raw_data, np.uint8)
    n = int(np.prod(t.dims))
    if bits == 4:
        return np.stack([raw & 0xF, raw >> 4], axis=1).reshape(-1)[:n]
    return raw[:n]


def pack(dtype, codes):
    codes = np.asarray(codes, np.uint8)
    if FORMATS_BY_DTYPE[dtype][1] == 4:
        c = np.append(codes, 0) if codes.size % 2 else codes
        return (c[0::2] | (c[1::2] << 4)).astype(np.uint8).tobytes()
    return codes.tobytes()


FORMATS_BY_DTYPE = {v[0]: v for v in FORMATS.values()}


def zero(dtype):
    t = TensorProto()
    t.name, t.data_type = "zp", dtype
    t.raw_data = bytes(1)
    return t


def save(graph_nodes, inputs, outputs, inits, opset, path):
    g = helper.make_graph(graph_nodes, "g", inputs, outputs, inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 11 if opset >= 23 else 10 if opset >= 21 else 9
    onnx.save(m, path)


def gen(root):
    rng = np.random.default_rng(3)
    shape = [3, 7]  # odd element count: a half-filled last byte
    for fmt, (dtype, bits, opset) in FORMATS.items():
        d = os.path.join(root, "q-" + fmt)
        os.makedirs(d, exist_ok=True)
        scale = nh.from_array(np.float32(0.25), "s")
        one = nh.from_array(np.float32(1.0), "one")
        q = helper.make_node("QuantizeLinear", ["x", "s", "zp"], ["y_raw"], name="q")
        dq = helper.make_node("DequantizeLinear", ["y_raw", "one"], ["y_value"], name="dq")
        x = (rng.standard_normal(shape) * (2 if bits == 4 else 30)).astype(np.float32)
        xin = [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)]
        vo = helper.make_tensor_value_info("y_value", TensorProto.FLOAT, shape)
        save([q, dq], xin, [helper.make_tensor_value_info("y_raw", dtype, shape), vo],
             [scale, one, zero(dtype)], opset, os.path.join(d, "lpc.onnx"))
        save([q, dq], xin, [vo], [scale, one, zero(dtype)], opset,
             os.path.join(d, "ort.onnx"))
        with open(os.path.join(d, "input_0.pb"), "wb") as f:
            f.write(nh.from_array(x, "x").SerializeToString())

        d = os.path.join(root, "dq-" + fmt)
        os.makedirs(d, exist_ok=True)
        codes = rng.integers(0, 1 << bits, size=shape)
        t = TensorProto()
        t.name, t.data_type = "codes", dtype
        t.dims.extend(shape)
        t.raw_data = pack(dtype, codes.reshape(-1))
        with open(os.path.join(d, "input_0.pb"), "wb") as f:
            f.write(t.SerializeToString())
        half = nh.from_array(np.float32(0.5), "half")
        save([helper.make_node("DequantizeLinear", ["codes", "half"], ["y"], name="dq")],
             [helper.make_tensor_value_info("codes", dtype, shape)],
             [helper.make_tensor_value_info("y", TensorProto.FLOAT, shape)],
             [half], opset, os.path.join(d, "lpc.onnx"))


def read(path):
    t = TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return t


def same(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))))


def e2m1_rne(t):
    grid = np.array([0, 0.5, 1, 1.5, 2, 3, 4, 6])
    a = min(abs(t), 6.0)
    d = np.abs(grid - a)
    best = np.flatnonzero(d == d.min())
    code = best[0] if len(best) == 1 else best[best % 2 == 0][0]
    return np.copysign(grid[code], t)


def check(root):
    bad = 0
    for fmt in FORMATS:
        d = os.path.join(root, "q-" + fmt)
        raw = read(os.path.join(d, "out", "output_0.pb"))
        codes = unpack(raw)
        decoded = np.array([decode(fmt, int(c)) for c in codes])
        lpc_values = nh.to_array(read(os.path.join(d, "out", "output_1.pb"))).reshape(-1)
        if fmt == "float4e2m1":
            x = nh.to_array(read(os.path.join(d, "input_0.pb"))).reshape(-1)
            ref = np.array([e2m1_rne(float(np.float32(v) / np.float32(0.25))) for v in x])
        else:
            ref = nh.to_array(read(os.path.join(d, "ref", "output_0.pb"))).reshape(-1)
        ok = raw.data_type == FORMATS[fmt][0] and same(decoded, ref) and same(lpc_values, ref)
        bad += not ok
        print("output %-10s %s: %d codes, %d bytes" % (
            fmt, "ok" if ok else "MISMATCH", len(codes), len(raw.raw_data)))

        d = os.path.join(root, "dq-" + fmt)
        codes = unpack(read(os.path.join(d, "input_0.pb")))
        want = np.array([decode(fmt, int(c)) * 0.5 for c in codes], np.float32)
        got = nh.to_array(read(os.path.join(d, "out", "output_0.pb"))).reshape(-1)
        ok = same(got, want)
        bad += not ok
        print("input  %-10s %s: %d codes" % (fmt, "ok" if ok else "MISMATCH", len(codes)))
    print("sub-byte io: %d failed" % bad)
    return 1 if bad else 0


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2])
    else:
        sys.exit(check(sys.argv[2]))
