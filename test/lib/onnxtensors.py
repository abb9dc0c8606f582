"""ONNX TensorProtos of codes for the tests, in the layout lpc's ABI and
ONNX share: INT4, UINT4 and FLOAT4E2M1 codes two per byte, the first in the
low nibble; INT2 and UINT2 codes four per byte, the first in the lowest two
bits."""
import numpy as np
from onnx import TensorProto, helper

NIBBLE_TYPES = (TensorProto.UINT4, TensorProto.INT4, TensorProto.FLOAT4E2M1)
TWO_BIT_TYPES = (TensorProto.UINT2, TensorProto.INT2)


def pack_codes(values, bits):
    """`bits`-bit codes (any integer array; the low `bits` bits count) as
    bytes, 8 / bits per byte, the first in the lowest bits; a partial last
    byte is padded with 0."""
    per = 8 // bits
    c = (np.asarray(values).astype(np.int64).ravel() & ((1 << bits) - 1)).astype(np.uint8)
    c = np.append(c, np.zeros((-c.size) % per, np.uint8))
    out = np.zeros(c.size // per, np.uint8)
    for p in range(per):
        out |= c[p::per] << (bits * p)
    return out.tobytes()


def pack_nibbles(values):
    """4-bit codes as bytes, two per byte, the first in the low nibble."""
    return pack_codes(values, 4)


def tensor_proto(name, dtype, values):
    """`values` as a TensorProto of ONNX type `dtype`: 2- and 4-bit codes
    packed into raw_data, every other type from the values themselves."""
    values = np.asarray(values)
    if dtype in NIBBLE_TYPES:
        return helper.make_tensor(name, dtype, values.shape, pack_codes(values, 4), raw=True)
    if dtype in TWO_BIT_TYPES:
        return helper.make_tensor(name, dtype, values.shape, pack_codes(values, 2), raw=True)
    return helper.make_tensor(name, dtype, values.shape, values.reshape(-1).tolist())
