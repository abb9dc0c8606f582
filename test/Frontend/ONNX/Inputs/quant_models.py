"""Small quantized-operator models for the importer's lit tests.

usage: quant_models.py DIR     writes DIR/<name>.onnx for every model below

Valid models show the imported lq IR; the bad_* ones each carry one mistake
that the importer must report at the node.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper
from onnx import numpy_helper as nh


def raw(name, dtype, dims, data):
    t = TensorProto()
    t.name, t.data_type = name, dtype
    t.dims.extend(dims)
    t.raw_data = bytes(data)
    return t


def model(nodes, inputs, outputs, inits, opset=21):
    g = helper.make_graph(nodes, "g", inputs, outputs, inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 10 if opset >= 21 else 8
    return m


def vi(name, dtype, shape):
    return helper.make_tensor_value_info(name, dtype, shape)


def f32(name, a):
    return nh.from_array(np.asarray(a, np.float32), name)


def q(name, ins, outs=("y",), op="QuantizeLinear", **attrs):
    return helper.make_node(op, list(ins), list(outs), name=name, **attrs)


MODELS = {}

# Valid: blocked int4 quantization, per-axis uint8 dequantization.
MODELS["q_int4_block"] = model(
    [q("q", ["x", "s", "z"], block_size=4, axis=1)],
    [vi("x", 1, [2, 8])], [vi("y", 22, [2, 8])],
    [f32("s", np.full([2, 2], 0.5)), raw("z", 22, [2, 2], [0x1F, 0x02])])
MODELS["dq_uint8_axis"] = model(
    [q("dq", ["x", "s", "z"], op="DequantizeLinear", axis=0)],
    [vi("x", 2, [3, 4])], [vi("y", 1, [3, 4])],
    [f32("s", [0.1, 0.2, 0.3]), nh.from_array(np.array([1, 2, 3], np.uint8), "z")])
MODELS["q_e4m3_nosat"] = model(
    [q("q", ["x", "s", "z"], saturate=0)],
    [vi("x", 1, [4])], [vi("y", 17, [4])],
    [f32("s", 2.0), raw("z", 17, [], [0])], opset=19)
MODELS["qlinear_matmul"] = model(
    [q("qmm", ["a", "as", "az", "b", "bs", "bz", "ys", "yz"], op="QLinearMatMul")],
    [vi("a", 2, [2, 3])], [vi("y", 3, [2, 4])],
    [f32("as", 0.1), nh.from_array(np.uint8(3), "az"),
     nh.from_array(np.ones([3, 4], np.int8), "b"), f32("bs", [0.1, 0.2, 0.3, 0.4]),
     nh.from_array(np.zeros([4], np.int8), "bz"), f32("ys", 0.5),
     nh.from_array(np.int8(-2), "yz")], opset=10)

# Errors.
MODELS["bad_axis_scale"] = model(
    [q("q", ["x", "s"], axis=1)], [vi("x", 1, [2, 4])], [vi("y", 2, [2, 4])],
    [f32("s", [1, 2, 3])])
MODELS["bad_block_scale"] = model(
    [q("q", ["x", "s"], axis=1, block_size=4)], [vi("x", 1, [2, 8])],
    [vi("y", 2, [2, 8])], [f32("s", np.ones([2, 3]))])
MODELS["bad_zp_shape"] = model(
    [q("q", ["x", "s", "z"], axis=0)], [vi("x", 1, [2, 4])], [vi("y", 2, [2, 4])],
    [f32("s", [1, 2]), nh.from_array(np.zeros([3], np.uint8), "z")])
MODELS["bad_dtype"] = model(
    [q("q", ["x", "s", "z"])], [vi("x", 1, [2])], [vi("y", 6, [2])],
    [f32("s", 1.0), nh.from_array(np.int32(0), "z")])
MODELS["bad_fp8_zp"] = model(
    [q("q", ["x", "s", "z"])], [vi("x", 1, [2])], [vi("y", 17, [2])],
    [f32("s", 1.0), raw("z", 17, [], [0x38])], opset=19)
MODELS["bad_axis"] = model(
    [q("q", ["x", "s"], axis=3)], [vi("x", 1, [2, 4])], [vi("y", 2, [2, 4])],
    [f32("s", [1, 2, 3, 4])])
MODELS["bad_dq_zp_type"] = model(
    [q("dq", ["x", "s", "z"], op="DequantizeLinear")], [vi("x", 3, [2])],
    [vi("y", 1, [2])], [f32("s", 1.0), nh.from_array(np.uint8(0), "z")])
MODELS["bad_matmulinteger_float"] = model(
    [q("mm", ["a", "b"], op="MatMulInteger")], [vi("a", 1, [2, 3])],
    [vi("y", 6, [2, 2])], [nh.from_array(np.ones([3, 2], np.int8), "b")], opset=10)
MODELS["bad_qlinear_scale"] = model(
    [q("qmm", ["a", "as", "az", "b", "bs", "bz", "ys", "yz"], op="QLinearMatMul")],
    [vi("a", 2, [2, 3])], [vi("y", 2, [2, 4])],
    [f32("as", [0.1, 0.2]), nh.from_array(np.uint8(3), "az"),
     nh.from_array(np.ones([3, 4], np.uint8), "b"), f32("bs", 0.1),
     nh.from_array(np.uint8(0), "bz"), f32("ys", 0.5), nh.from_array(np.uint8(0), "yz")],
    opset=10)
MODELS["bad_qlinearconv_bias"] = model(
    [q("qc", ["x", "xs", "xz", "w", "ws", "wz", "ys", "yz", "B"], op="QLinearConv")],
    [vi("x", 2, [1, 1, 3, 3])], [vi("y", 2, [1, 2, 3, 3])],
    [f32("xs", 0.1), nh.from_array(np.uint8(0), "xz"),
     nh.from_array(np.ones([2, 1, 1, 1], np.uint8), "w"), f32("ws", 0.1),
     nh.from_array(np.uint8(0), "wz"), f32("ys", 0.5), nh.from_array(np.uint8(0), "yz"),
     f32("B", [1, 2])], opset=10)

MODELS["bad_block_size"] = model(
    [q("q", ["x", "s"], axis=1, block_size=-2)], [vi("x", 1, [2, 8])],
    [vi("y", 2, [2, 8])], [f32("s", np.ones([2, 4]))])
MODELS["bad_output_dtype"] = model(
    [q("q", ["x", "s", "z"], output_dtype=3)], [vi("x", 1, [2])], [vi("y", 2, [2])],
    [f32("s", 1.0), nh.from_array(np.uint8(0), "z")])
MODELS["bad_dq_output_dtype"] = model(
    [q("dq", ["x", "s"], op="DequantizeLinear", output_dtype=6)], [vi("x", 3, [2])],
    [vi("y", 6, [2])], [f32("s", 1.0)], opset=23)
MODELS["bad_int32_block"] = model(
    [q("dq", ["x", "s"], op="DequantizeLinear", axis=1, block_size=2)], [vi("x", 6, [2, 4])],
    [vi("y", 1, [2, 4])], [f32("s", np.ones([2, 2]))])
MODELS["bad_dq_dtype"] = model(
    [q("dq", ["x", "s"], op="DequantizeLinear")], [vi("x", 7, [2])],
    [vi("y", 1, [2])], [f32("s", 1.0)])
MODELS["bad_mmi_zp_type"] = model(
    [q("mm", ["a", "b", "az"], op="MatMulInteger")], [vi("a", 2, [2, 3])],
    [vi("y", 6, [2, 2])], [nh.from_array(np.ones([3, 2], np.int8), "b"),
                           nh.from_array(np.int8(1), "az")], opset=10)
MODELS["bad_mmi_zp_shape"] = model(
    [q("mm", ["a", "b", "az", "bz"], op="MatMulInteger")], [vi("a", 2, [2, 3])],
    [vi("y", 6, [2, 2])], [nh.from_array(np.ones([3, 2], np.int8), "b"),
                           nh.from_array(np.uint8(1), "az"),
                           nh.from_array(np.zeros([3], np.int8), "bz")], opset=10)
MODELS["bad_convinteger_rank"] = model(
    [q("ci", ["x", "w"], op="ConvInteger")], [vi("x", 2, [1, 3, 4])],
    [vi("y", 6, [1, 2, 4])], [nh.from_array(np.ones([2, 3, 1, 1], np.uint8), "w")], opset=10)


def qlinear_conv(ws=0.1, yz=np.uint8(0)):
    return model(
        [q("qc", ["x", "xs", "xz", "w", "ws", "wz", "ys", "yz"], op="QLinearConv")],
        [vi("x", 2, [1, 1, 3, 3])], [vi("y", 2, [1, 2, 3, 3])],
        [f32("xs", 0.1), nh.from_array(np.uint8(0), "xz"),
         nh.from_array(np.ones([2, 1, 1, 1], np.uint8), "w"), f32("ws", ws),
         nh.from_array(np.uint8(0), "wz"), f32("ys", 0.5), nh.from_array(yz, "yz")],
        opset=10)


MODELS["bad_qlinear_wscale"] = qlinear_conv(ws=[0.1, 0.2, 0.3])
MODELS["bad_qlinear_output"] = qlinear_conv(yz=np.uint16(0))
MODELS["bad_qlinear_yzp"] = qlinear_conv(yz=np.zeros([2], np.uint8))

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for name, m in MODELS.items():
    onnx.save(m, os.path.join(out, name + ".onnx"))
