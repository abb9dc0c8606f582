"""ONNX TensorProtos of codes for the tests, in the layout lpc's ABI and
ONNX share: INT4, UINT4 and FLOAT4E2M1 codes two per byte, the first in the
low nibble."""
import numpy as np
from onnx import TensorProto, helper

NIBBLE_TYPES = (TensorProto.UINT4, TensorProto.INT4, TensorProto.FLOAT4E2M1)


def pack_nibbles(values):
    """4-bit codes (any integer array; the low 4 bits count) as bytes, two
    per byte, the first in the low nibble; an odd count is padded with 0."""
    nib = (np.asarray(values).astype(np.int64).ravel() & 0xF).astype(np.uint8)
    if nib.size % 2:
        nib = np.append(nib, 0)
    return (nib[0::2] | (nib[1::2] << 4)).astype(np.uint8).tobytes()


def tensor_proto(name, dtype, values):
    """`values` as a TensorProto of ONNX type `dtype`: 4-bit codes packed
    into raw_data, every other type from the values themselves."""
    values = np.asarray(values)
    if dtype in NIBBLE_TYPES:
        return helper.make_tensor(name, dtype, values.shape, pack_nibbles(values), raw=True)
    return helper.make_tensor(name, dtype, values.shape, values.reshape(-1).tolist())
