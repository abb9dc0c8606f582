"""lpc calibrate + --gptq on convolutions against numpy.

A float model of two convolutions: c1 (8 -> 12 channels, 3x3, padding 1)
and, after a Relu, c2 (grouped: 4 groups, 12 -> 8 channels, 3x3, stride 2,
uneven padding). lpc calibrate writes per convolution the Gram matrices of
its im2col patches (one per group); they must equal numpy's im2col P^T P
over the same input sets. The weights lpc quantizes with --gptq are read
out through a readout model of the same layer names (unit impulses in, the
flipped filter out, exactly) and must equal an independent numpy GPTQ on
the flattened filter (C x window columns, per group, with the recipe's
round-to-nearest scales) in >= 99.5 % of places; on input sets not used for
calibration each layer's output error must be no larger than with
round-to-nearest. --report's conv SQNR against numpy on the calibration
inputs."""
import json
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from recipes_model import F32, asymmetric, column_quantizer, dequantized, gptq  # noqa: E402

LPC = os.environ.get("LPC", "lpc")
WORK = sys.argv[1]
N, C, H = 2, 8, 10
rng = np.random.default_rng(5)
W1 = (rng.standard_normal((12, C, 3, 3)) * 0.2).astype(F32)
W2 = (rng.standard_normal((8, 3, 3, 3)) * 0.2).astype(F32)
# c2: group 4 of 12 channels, stride 2, pads (top, left, bottom, right).
GROUPS2, STRIDE2, PADS2 = 4, 2, (0, 1, 1, 0)
mix = rng.standard_normal((C, C)) * 0.5 + np.eye(C)


def sample():
    # Correlated channels, smooth in space (neighbouring pixels correlate).
    x = rng.standard_normal((N, C, H, H))
    x = x + np.roll(x, 1, axis=2) + np.roll(x, 1, axis=3)
    return np.einsum("nchw,cd->ndhw", x, mix).astype(F32)


def write(path, x, name="x"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(numpy_helper.from_array(x, name).SerializeToString())


def conv_model(path, shape, layers):
    """A chain of Conv nodes (name, weight, group, stride, pads), Relu between."""
    nodes, inits, cur = [], [], "x"
    for i, (name, w, group, stride, pads) in enumerate(layers):
        if i:
            nodes.append(helper.make_node("Relu", [cur], [cur + "_r"]))
            cur += "_r"
        nodes.append(helper.make_node("Conv", [cur, name + "_w"], [name + "_y"], name=name, group=group,
                                      strides=[stride, stride], pads=[pads[0], pads[1], pads[2], pads[3]]))
        inits.append(numpy_helper.from_array(w, name + "_w"))
        cur = name + "_y"
    graph = helper.make_graph(nodes, "convs", [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
                              [helper.make_tensor_value_info(cur, TensorProto.FLOAT, None)], inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)


def im2col(x, group, groups, kh, kw, stride, pads):
    """Rows of (c, i, j) patches of group `group` (f64), positions n, oh, ow."""
    x = x.astype(np.float64)
    cg = x.shape[1] // groups
    xp = np.pad(x[:, group * cg:(group + 1) * cg], ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    oh = (xp.shape[2] - kh) // stride + 1
    ow = (xp.shape[3] - kw) // stride + 1
    cols = np.empty((x.shape[0], oh, ow, cg, kh, kw))
    for i in range(kh):
        for j in range(kw):
            cols[:, :, :, :, i, j] = xp[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride].transpose(0, 2, 3, 1)
    return cols.reshape(-1, cg * kh * kw)


def conv(x, w, groups, stride, pads):
    f = w.shape[0] // groups
    outs = []
    for g in range(groups):
        p = im2col(x, g, groups, 3, 3, stride, pads)
        outs.append(p @ w[g * f:(g + 1) * f].reshape(f, -1).astype(np.float64).T)
    return np.concatenate(outs, axis=1)  # rows: positions, columns: channels


LAYERS = {"c1": (W1, 1, 1, (1, 1, 1, 1)), "c2": (W2, GROUPS2, STRIDE2, PADS2)}


def layer_inputs(x):
    """The f64 inputs of c1 and c2 for a model input x."""
    y1 = conv(x, W1, 1, 1, (1, 1, 1, 1)).reshape(N, H, H, 12).transpose(0, 3, 1, 2)
    return {"c1": x.astype(np.float64), "c2": np.maximum(y1, 0)}


os.makedirs(WORK, exist_ok=True)
model = os.path.join(WORK, "float.onnx")
conv_model(model, [N, C, H, H], [("c1", W1, 1, 1, (1, 1, 1, 1)), ("c2", W2, GROUPS2, STRIDE2, PADS2)])
cal = [sample() for _ in range(4)]
for s, x in enumerate(cal):
    write(os.path.join(WORK, "cal", "set_%d" % s, "input_0.pb"), x)
held_out = [sample() for _ in range(2)]
stats = os.path.join(WORK, "stats.json")
p = subprocess.run([LPC, "calibrate", model, "--data", os.path.join(WORK, "cal"), "-o", stats],
                   capture_output=True, text=True)
print(p.stderr.strip().splitlines()[-1] if p.returncode == 0 else "calibrate failed: " + p.stderr)

grams = {}
for act in json.load(open(stats))["activations"]:
    for pg in act.get("patch_grams", []):
        k = pg["size"]
        grams[pg["layer"]] = np.array(pg["values"]).reshape(pg["groups"], k, k)
        print("stats: %s %d group(s) of %dx%d, %d rows per group" % (pg["layer"], pg["groups"], k, k, pg["rows"]))
# The patch Gram matrices against numpy's im2col over the same sets (c2's
# input is lpc's f32 c1, numpy's f64: a looser bound).
for name, tol in (("c1", 1e-12), ("c2", 1e-5)):
    w, groups, stride, pads = LAYERS[name]
    err = 0.0
    for g in range(groups):
        ps = np.concatenate([im2col(layer_inputs(x)[name], g, groups, 3, 3, stride, pads) for x in cal])
        want = ps.T @ ps
        err = max(err, np.abs(grams[name][g] - want).max() / np.abs(want).max())
    print("%s gram vs numpy im2col: rel err %.1e (%s)" % (name, err, "ok" if err < tol else "DIFFER"))


def readout(name, recipe, *flags):
    """lpc's dequantized filter of layer `name`: unit impulses through a
    one-conv model of that name (padding 1, 3x3 images)."""
    w, groups, _, _ = LAYERS[name]
    cin = w.shape[1] * groups
    path = os.path.join(WORK, "readout_%s.onnx" % name)
    conv_model(path, [cin, cin, 3, 3], [(name, w, groups, 1, (1, 1, 1, 1))])
    x = np.zeros((cin, cin, 3, 3), F32)
    x[np.arange(cin), np.arange(cin), 1, 1] = 1
    write(os.path.join(WORK, "impulses_%s.pb" % name), x)
    out = os.path.join(WORK, "out_%s_%s%s" % (name, recipe, "".join(flags)))
    p = subprocess.run([LPC, "run", path, os.path.join(WORK, "impulses_%s.pb" % name), "--quantize=" + recipe,
                        "--calibration", stats, *flags, "--output-dir", out], capture_output=True, text=True)
    if p.returncode:
        print(name, recipe, "lpc run failed:", p.stderr)
        sys.exit(1)
    y = numpy_helper.to_array(onnx.load_tensor(os.path.join(out, "output_0.pb")))
    # y[c, f, oh, ow] = w[f, c - group(f) * cg, 2 - oh, 2 - ow] for c in f's group.
    cg, fg = w.shape[1], w.shape[0] // groups
    got = np.empty_like(w)
    for f in range(w.shape[0]):
        g = f // fg
        for c in range(cg):
            got[f, c] = y[g * cg + c, f, ::-1, ::-1]
    return got


def quantizer(recipe, w, rows):
    """numpy's round-to-nearest scales of `recipe` for rows `rows` of the
    filter w (F x C x 3 x 3) as a column quantizer on (c, i, j) columns."""
    flat = w.reshape(w.shape[0], -1)
    if recipe == "ternary":  # one scale per output channel
        return column_quantizer("ternary", flat[rows])
    # w4g128 with C <= 128: one block per output channel and window position.
    assert recipe == "w4g128" and w.shape[1] <= 128
    window = w.shape[2] * w.shape[3]
    _, _, z, s = asymmetric(w.transpose(0, 2, 3, 1).reshape(w.shape[0], -1), w.shape[1], 4)
    s, z = s[rows], z[rows]

    def q(x, col):
        sc, zc = s[:, col % window], z[:, col % window]
        code = np.clip(np.rint((x.astype(F32) / sc).astype(F32)).astype(np.int64) + zc, 0, 15)
        return ((code - zc).astype(F32) * sc).astype(F32)
    return q


def numpy_gptq(name, recipe, act_order):
    w, groups, _, _ = LAYERS[name]
    fg = w.shape[0] // groups
    out = np.empty_like(w)
    for g in range(groups):
        rows = np.arange(g * fg, (g + 1) * fg)
        wg = w.reshape(w.shape[0], -1)[rows]
        out[rows] = gptq(quantizer(recipe, w, rows), wg, grams[name][g], act_order).reshape(fg, *w.shape[1:])
    return out


def rtn(name, recipe):
    w = LAYERS[name][0]
    if recipe == "ternary":
        return dequantized("ternary", w.reshape(w.shape[0], -1)).reshape(w.shape)
    q = quantizer(recipe, w, np.arange(w.shape[0]))
    flat = w.reshape(w.shape[0], -1)
    return np.stack([q(flat[:, c], c) for c in range(flat.shape[1])], axis=1).reshape(w.shape)


def loss(name, wq):
    w, groups, stride, pads = LAYERS[name]
    return sum(float(((conv(layer_inputs(x)[name], w, groups, stride, pads)
                       - conv(layer_inputs(x)[name], wq, groups, stride, pads)) ** 2).sum()) for x in held_out)


for name in ("c1", "c2"):
    for recipe, flags in (("w4g128", ()), ("w4g128", ("--gptq-act-order",)), ("ternary", ())):
        got = readout(name, recipe, "--gptq", *flags)
        want = numpy_gptq(name, recipe, bool(flags))
        equal = float((got.view(np.uint32) == (want + F32(0)).view(np.uint32)).mean())
        near = rtn(name, recipe)
        rtn_equal = np.array_equal(readout(name, recipe), near) if not flags else True
        lg, lr = loss(name, got), loss(name, near)
        print("%s %s%s: %.2f %% of weights equal numpy's GPTQ (%s); RTN %s; held-out loss GPTQ/RTN %.3f (%s)" % (
            name, recipe, " act-order" if flags else "", 100 * equal, "ok" if equal >= 0.995 else "TOO FEW",
            "equal" if rtn_equal else "DIFFERS", lg / lr, "ok" if lg <= lr else "WORSE"))

# --report: c1's SQNR on the calibration inputs against numpy's.
for flags, wq in ((("--quantize=w4g128",), rtn("c1", "w4g128")),
                  (("--quantize=w4g128", "--gptq"), numpy_gptq("c1", "w4g128", False))):
    report = os.path.join(WORK, "report.json")
    p = subprocess.run([LPC, "compile", model, *flags, "--calibration", stats, "--report=" + report,
                        "-o", os.path.join(WORK, "r.so")], capture_output=True, text=True)
    layers = {l["name"]: l for l in json.load(open(report))["layers"]} if p.returncode == 0 else {}
    got = layers.get("c1", {}).get("sqnr_db", float("nan"))
    xs = [layer_inputs(x)["c1"] for x in cal]
    sig = sum(float((conv(x, W1, 1, 1, (1, 1, 1, 1)) ** 2).sum()) for x in xs)
    noise = sum(float(((conv(x, W1, 1, 1, (1, 1, 1, 1)) - conv(x, wq, 1, 1, (1, 1, 1, 1))) ** 2).sum()) for x in xs)
    want = 10 * np.log10(sig / noise)
    print("report %s: c1 sqnr_db %.3f, numpy %.3f (%s)" % (" ".join(flags), got, want,
          "ok" if abs(got - want) < 1e-6 * abs(want) else "DIFFER"))

# A statistics file without the patch Gram matrices: GPTQ on a convolution
# is an error naming the layer, not a silent round-to-nearest.
doc = json.load(open(stats))
for act in doc["activations"]:
    act.pop("patch_grams", None)
bare = os.path.join(WORK, "stats-no-patches.json")
json.dump(doc, open(bare, "w"))
p = subprocess.run([LPC, "compile", model, "--quantize=w4g128", "--gptq", "--calibration", bare,
                    "-o", os.path.join(WORK, "bare.so")], capture_output=True, text=True)
print("no patch grams: exit %d: %s" % (p.returncode, p.stderr.strip().splitlines()[0]))
