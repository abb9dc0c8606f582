"""lq-fuse-qdq on 2-D convolutions is exact: dequantize -> pad ->
conv_2d_ngchw_gfchw computes the same bits before and after fusion into
im2col + lq.matmul (both through the reference lowering), over groups,
strides, dilations, padding with a zero point, per-channel and per-tensor
weight scales and several code formats, and so do an NHWC/HWCF named
convolution, an NCHW generic with permuted loops and a strided 1-D generic;
every convolution is fused."""

import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
import lqgen  # noqa: E402
import lqrun  # noqa: E402

rng = np.random.default_rng(5)


def hexes(a):
    return [lqgen.f32_hex(float(v)) for v in np.asarray(a, dtype=np.float32).reshape(-1)]


def ty(shape, elem):
    return "tensor<%sx%s>" % ("x".join(map(str, shape)), elem) if shape else "tensor<%s>" % elem


# (name, N, C, H, W, M, KH, KW, group, stride, dilation, pads [t, l, b, r],
#  input format, input zero point?, weight format, per-channel weights?)
CASES = [
    ("u8_perchannel_pad_stride", 2, 3, 9, 8, 4, 3, 3, 1, (2, 1), (1, 1), (1, 0, 1, 2),
     "!lq.int<8, unsigned>", True, "i8", True),
    ("grouped_dilated", 1, 4, 9, 9, 6, 3, 3, 2, (1, 1), (2, 2), (2, 2, 2, 2),
     "!lq.int<8, unsigned>", True, "!lq.int<4>", True),
    ("depthwise_int4_tensor", 1, 5, 7, 6, 5, 3, 3, 5, (1, 2), (1, 1), (0, 0, 0, 0),
     "i8", False, "!lq.int<4>", False),
    ("e4m3_input_padded", 1, 3, 6, 6, 2, 2, 2, 1, (1, 1), (1, 1), (1, 1, 0, 0),
     "f8E4M3FN", False, "!lq.int<3>", True),
]

b = lqrun.MainBuilder()
for (name, n, c, h, w, m, kh, kw, g, st, dil, pads, xfmt, xzp, wfmt, perch) in CASES:
    x = rng.standard_normal((n, c, h, w)).astype(np.float32) * 2
    wt = rng.standard_normal((m, c // g, kh, kw)).astype(np.float32)
    xv = b.const_shaped(hexes(x), (n, c, h, w), "f32")
    wv = b.const_shaped(hexes(wt), (m, c // g, kh, kw), "f32")
    sx = b.const_shaped(hexes([0.03]), (), "f32")
    sw_shape = (m,) if perch else ()
    sw = b.const_shaped(hexes(rng.uniform(0.1, 0.4, sw_shape)), sw_shape, "f32")
    wl = "<axis = 0>" if perch else "<tensor>"
    p = name
    xt, wt_t = ty((n, c, h, w), "f32"), ty((m, c // g, kh, kw), "f32")
    xq_t, wq_t = ty((n, c, h, w), xfmt), ty((m, c // g, kh, kw), wfmt)
    zp = ""
    zp_ty = ""
    if xzp:
        b.lines.append("  %%%s_zc = arith.constant dense<%d> : tensor<i8>" % (p, 37))
        b.lines.append("  %%%s_z = lq.bitcast %%%s_zc : tensor<i8> to tensor<%s>" % (p, p, xfmt))
        zp, zp_ty = ", %%%s_z" % p, ", tensor<%s>" % xfmt
    hp, wp = h + pads[0] + pads[2], w + pads[1] + pads[3]
    oh = (hp - ((kh - 1) * dil[0] + 1)) // st[0] + 1
    ow = (wp - ((kw - 1) * dil[1] + 1)) // st[1] + 1
    out5 = (n, g, m // g, oh, ow)
    lines = [
        "%{p}_qx = lq.quantize {x}, {sx}{zp} layout <tensor> : {xt}, tensor<f32>{zpt} -> {xqt}",
        "%{p}_qw = lq.quantize {w}, {sw} layout {wl} : {wt}, {swt} -> {wqt}",
        "%{p}_dx = lq.dequantize %{p}_qx, {sx}{zp} layout <tensor> : {xqt}, tensor<f32>{zpt} -> {xt}",
        "%{p}_dw = lq.dequantize %{p}_qw, {sw} layout {wl} : {wqt}, {swt} -> {wt}",
        "%{p}_zero = arith.constant 0.0 : f32",
        "%{p}_pad = tensor.pad %{p}_dx low[0, 0, {pt}, {pl}] high[0, 0, {pb}, {pr}] {{\n"
        "  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):\n"
        "    tensor.yield %{p}_zero : f32\n"
        "  }} : {xt} to {xpt}",
        "%{p}_xe = tensor.expand_shape %{p}_pad [[0], [1, 2], [3], [4]] output_shape [{n}, {g}, {cg}, {hp}, {wp}] : {xpt} into {xet}",
        "%{p}_we = tensor.expand_shape %{p}_dw [[0, 1], [2], [3], [4]] output_shape [{g}, {mg}, {cg}, {kh}, {kw}] : {wt} into {wet}",
        "%{p}_e = tensor.empty() : {ot}",
        "%{p}_init = linalg.fill ins(%{p}_zero : f32) outs(%{p}_e : {ot}) -> {ot}",
        "%{p}_y = linalg.conv_2d_ngchw_gfchw {{dilations = dense<[{d0}, {d1}]> : tensor<2xi64>, strides = dense<[{s0}, {s1}]> : tensor<2xi64>}} ins(%{p}_xe, %{p}_we : {xet}, {wet}) outs(%{p}_init : {ot}) -> {ot}",
    ]
    text = "\n".join(lines).format(
        p=p, x=xv, w=wv, sx=sx, sw=sw, zp=zp, zpt=zp_ty, xt=xt, wt=wt_t, xqt=xq_t, wqt=wq_t,
        wl=wl, swt=ty(sw_shape, "f32"), pt=pads[0], pl=pads[1], pb=pads[2], pr=pads[3],
        xpt=ty((n, c, hp, wp), "f32"), n=n, g=g, cg=c // g, mg=m // g, hp=hp, wp=wp,
        kh=kh, kw=kw, xet=ty((n, g, c // g, hp, wp), "f32"),
        wet=ty((g, m // g, c // g, kh, kw), "f32"), ot=ty(out5, "f32"),
        d0=dil[0], d1=dil[1], s0=st[0], s1=st[1])
    for line in text.split("\n"):
        b.lines.append("  " + line)
    b.print_f32(name, "%%%s_y" % p, out5)

# Layouts lq-fuse-qdq recognizes by structure: a named NHWC/HWCF convolution
# (per-channel weights along HWCF's last axis, strides and dilations) and a
# hand-written NCHW/FCHW generic whose loops run (n, kh, f, oh, kw, ow, c), and
# a 1-D one (stride 2, per-channel int4 weights).


def add_layout_case(name, xshape, wshape, sx, sw_shape, body, out_shape):
    """Random input and weights of the given shapes and scales as constants
    {x}, {w}, {sx}, {sw} of `body` (MLIR whose result is %<name>_y)."""
    x = rng.standard_normal(xshape).astype(np.float32) * 2
    wt = rng.standard_normal(wshape).astype(np.float32)
    consts = {
        "x": b.const_shaped(hexes(x), xshape, "f32"),
        "w": b.const_shaped(hexes(wt), wshape, "f32"),
        "sx": b.const_shaped(hexes([sx]), (), "f32"),
        "sw": b.const_shaped(hexes(rng.uniform(0.1, 0.4, sw_shape)), sw_shape, "f32"),
    }
    for line in body.format(**consts).split("\n"):
        b.lines.append("  " + line)
    b.print_f32(name, "%%%s_y" % name, out_shape)


add_layout_case("nhwc", (2, 9, 8, 3), (2, 3, 3, 4), 0.05, (4,), """%nhwc_qx = lq.quantize {x}, {sx} layout <tensor> : tensor<2x9x8x3xf32>, tensor<f32> -> tensor<2x9x8x3xi8>
%nhwc_qw = lq.quantize {w}, {sw} layout <axis = 3> : tensor<2x3x3x4xf32>, tensor<4xf32> -> tensor<2x3x3x4x!lq.int<5>>
%nhwc_dx = lq.dequantize %nhwc_qx, {sx} layout <tensor> : tensor<2x9x8x3xi8>, tensor<f32> -> tensor<2x9x8x3xf32>
%nhwc_dw = lq.dequantize %nhwc_qw, {sw} layout <axis = 3> : tensor<2x3x3x4x!lq.int<5>>, tensor<4xf32> -> tensor<2x3x3x4xf32>
%nhwc_zero = arith.constant 0.0 : f32
%nhwc_e = tensor.empty() : tensor<2x4x2x4xf32>
%nhwc_init = linalg.fill ins(%nhwc_zero : f32) outs(%nhwc_e : tensor<2x4x2x4xf32>) -> tensor<2x4x2x4xf32>
%nhwc_y = linalg.conv_2d_nhwc_hwcf {{dilations = dense<[1, 2]> : tensor<2xi64>, strides = dense<[2, 1]> : tensor<2xi64>}} ins(%nhwc_dx, %nhwc_dw : tensor<2x9x8x3xf32>, tensor<2x3x3x4xf32>) outs(%nhwc_init : tensor<2x4x2x4xf32>) -> tensor<2x4x2x4xf32>""", (2, 4, 2, 4))
add_layout_case("gen", (1, 3, 6, 5), (4, 3, 2, 3), 0.04, (), """%gen_qx = lq.quantize {x}, {sx} layout <tensor> : tensor<1x3x6x5xf32>, tensor<f32> -> tensor<1x3x6x5x!lq.int<8, unsigned>>
%gen_qw = lq.quantize {w}, {sw} layout <tensor> : tensor<4x3x2x3xf32>, tensor<f32> -> tensor<4x3x2x3xi8>
%gen_dx = lq.dequantize %gen_qx, {sx} layout <tensor> : tensor<1x3x6x5x!lq.int<8, unsigned>>, tensor<f32> -> tensor<1x3x6x5xf32>
%gen_dw = lq.dequantize %gen_qw, {sw} layout <tensor> : tensor<4x3x2x3xi8>, tensor<f32> -> tensor<4x3x2x3xf32>
%gen_zero = arith.constant 0.0 : f32
%gen_e = tensor.empty() : tensor<1x4x5x3xf32>
%gen_init = linalg.fill ins(%gen_zero : f32) outs(%gen_e : tensor<1x4x5x3xf32>) -> tensor<1x4x5x3xf32>
%gen_y = linalg.generic {{indexing_maps = [affine_map<(n, kh, f, oh, kw, ow, c) -> (n, c, oh + kh, ow + kw)>, affine_map<(n, kh, f, oh, kw, ow, c) -> (f, c, kh, kw)>, affine_map<(n, kh, f, oh, kw, ow, c) -> (n, f, oh, ow)>], iterator_types = ["parallel", "reduction", "parallel", "parallel", "reduction", "parallel", "reduction"]}} ins(%gen_dx, %gen_dw : tensor<1x3x6x5xf32>, tensor<4x3x2x3xf32>) outs(%gen_init : tensor<1x4x5x3xf32>) {{
  ^bb0(%a: f32, %bw: f32, %acc: f32):
    %prod = arith.mulf %bw, %a : f32
    %sum = arith.addf %prod, %acc : f32
    linalg.yield %sum : f32
  }} -> tensor<1x4x5x3xf32>""", (1, 4, 5, 3))
add_layout_case("c1d", (2, 3, 11), (4, 3, 3), 0.03, (4,), """%c1d_qx = lq.quantize {x}, {sx} layout <tensor> : tensor<2x3x11xf32>, tensor<f32> -> tensor<2x3x11xi8>
%c1d_qw = lq.quantize {w}, {sw} layout <axis = 0> : tensor<4x3x3xf32>, tensor<4xf32> -> tensor<4x3x3x!lq.int<4>>
%c1d_dx = lq.dequantize %c1d_qx, {sx} layout <tensor> : tensor<2x3x11xi8>, tensor<f32> -> tensor<2x3x11xf32>
%c1d_dw = lq.dequantize %c1d_qw, {sw} layout <axis = 0> : tensor<4x3x3x!lq.int<4>>, tensor<4xf32> -> tensor<4x3x3xf32>
%c1d_zero = arith.constant 0.0 : f32
%c1d_e = tensor.empty() : tensor<2x4x5xf32>
%c1d_init = linalg.fill ins(%c1d_zero : f32) outs(%c1d_e : tensor<2x4x5xf32>) -> tensor<2x4x5xf32>
%c1d_y = linalg.generic {{indexing_maps = [affine_map<(n, f, o, c, k) -> (n, c, o * 2 + k)>, affine_map<(n, f, o, c, k) -> (f, c, k)>, affine_map<(n, f, o, c, k) -> (n, f, o)>], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]}} ins(%c1d_dx, %c1d_dw : tensor<2x3x11xf32>, tensor<4x3x3xf32>) outs(%c1d_init : tensor<2x4x5xf32>) {{
  ^bb0(%a: f32, %bw: f32, %acc: f32):
    %prod = arith.mulf %a, %bw : f32
    %sum = arith.addf %acc, %prod : f32
    linalg.yield %sum : f32
  }} -> tensor<2x4x5xf32>""", (2, 4, 5))
EXTRA = 3
text = b.module()

fused_ir = subprocess.run(["lpc-opt", "-", "-lq-fuse-qdq"], input=text, capture_output=True,
                          text=True, check=True).stdout
n_conv = fused_ir.count("linalg.conv_2d") + fused_ir.count("arith.mulf")
n_mm = fused_ir.count("lq.matmul")
plain = lqrun.run(text)
fused = lqrun.run(text, passes=["-lq-fuse-qdq"])
diff = sum(1 for p, f in zip(plain, fused) for a, c in zip(p, f) if a != c)
values = sum(len(p) for p in plain)
nonzero = sum(1 for p in plain for v in p if v)
groups = sum(case[8] for case in CASES) + EXTRA
print("fuse-qdq conv: %d convolutions left, %d lq.matmul (%d groups), %d values, "
      "%d nonzero, %d differ" % (n_conv, n_mm, groups, values, nonzero, diff))
sys.exit(1 if diff or n_conv or n_mm != groups or not nonzero else 0)
