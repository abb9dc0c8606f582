"""Output SQNR versus float of every lpc --quantize recipe on generated
models: an MLP block (256 -> 1024 -> 256 with Relu, 16 tokens) and
a pre-norm transformer block (LayerNorm, one attention head, the same MLP,
residuals) and a small CNN (3x3 convolutions 16 -> 32 -> 32 channels on 32 x 32). The float
reference is ONNX Runtime on the float model; lpc runs the quantized build.

    .deps/venv/bin/python bench/recipes_sqnr.py [--lpc build/bin/lpc]

Prints one line per model and recipe: SQNR = 10 log10(sum y^2 / sum (y - y')^2)
on an input not used for calibration; for the MLP also with --gptq (and fp8)
after lpc calibrate on 160 other inputs (2560 rows, more than any K). bench/quant_vs_ort.py puts lpc beside
ONNX Runtime's quantizers.
"""
import argparse
import os
import subprocess
import tempfile

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

CAL_SETS = 160
RECIPES = ["w8a8", "w4a8", "w4a4", "w4g128", "w3g64", "w2g64", "ternary", "nf4", "mxfp4", "nvfp4"]


def mlp(rng):
    d, ff = 256, 1024
    w1 = (rng.standard_normal((d, ff)) / np.sqrt(d)).astype(np.float32)
    w2 = (rng.standard_normal((ff, d)) / np.sqrt(ff)).astype(np.float32)
    g = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w1"], ["h"], name="up"),
         helper.make_node("Relu", ["h"], ["r"], name="act"),
         helper.make_node("MatMul", ["r", "w2"], ["y"], name="down")],
        "mlp", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [16, d])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [16, d])],
        [numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(w2, "w2")])
    return g, rng.standard_normal((16, d)).astype(np.float32)


def block(rng):
    """A pre-norm transformer block: LayerNorm, one attention head (Q, K, V,
    softmax(Q K^T / 16), output projection), residual, LayerNorm, the MLP
    (256 -> 1024 -> Relu -> 256), residual; 16 tokens."""
    d, ff = 256, 1024

    def w(name, k, n):
        return numpy_helper.from_array((rng.standard_normal((k, n)) / np.sqrt(k)).astype(np.float32), name)

    ln = [numpy_helper.from_array(np.ones(d, np.float32), "g"), numpy_helper.from_array(np.zeros(d, np.float32), "b")]
    nodes = [
        helper.make_node("LayerNormalization", ["x", "g", "b"], ["n1"], name="ln1", axis=-1),
        helper.make_node("MatMul", ["n1", "wq"], ["q"], name="q_proj"),
        helper.make_node("MatMul", ["n1", "wk"], ["k"], name="k_proj"),
        helper.make_node("MatMul", ["n1", "wv"], ["v"], name="v_proj"),
        helper.make_node("Transpose", ["k"], ["kt"], name="kt", perm=[1, 0]),
        helper.make_node("MatMul", ["q", "kt"], ["s"], name="scores"),
        helper.make_node("Div", ["s", "scale"], ["ss"], name="scale"),
        helper.make_node("Softmax", ["ss"], ["p"], name="softmax", axis=-1),
        helper.make_node("MatMul", ["p", "v"], ["a"], name="attend"),
        helper.make_node("MatMul", ["a", "wo"], ["o"], name="o_proj"),
        helper.make_node("Add", ["x", "o"], ["h"], name="res1"),
        helper.make_node("LayerNormalization", ["h", "g", "b"], ["n2"], name="ln2", axis=-1),
        helper.make_node("MatMul", ["n2", "w1"], ["u"], name="up"),
        helper.make_node("Relu", ["u"], ["r"], name="act"),
        helper.make_node("MatMul", ["r", "w2"], ["m"], name="down"),
        helper.make_node("Add", ["h", "m"], ["y"], name="res2"),
    ]
    inits = [w("wq", d, d), w("wk", d, d), w("wv", d, d), w("wo", d, d), w("w1", d, ff), w("w2", ff, d),
             numpy_helper.from_array(np.array(16.0, np.float32), "scale")] + ln
    g = helper.make_graph(nodes, "block", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [16, d])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [16, d])], inits)
    return g, rng.standard_normal((16, d)).astype(np.float32)


def cnn(rng):
    def conv(name, cin, cout):
        return (rng.standard_normal((cout, cin, 3, 3)) / np.sqrt(cin * 9)).astype(np.float32)
    ws = {"c1": conv("c1", 16, 32), "c2": conv("c2", 32, 32)}
    g = helper.make_graph(
        [helper.make_node("Conv", ["x", "c1"], ["a"], name="conv1", pads=[1, 1, 1, 1]),
         helper.make_node("Relu", ["a"], ["b"], name="act"),
         helper.make_node("Conv", ["b", "c2"], ["y"], name="conv2", pads=[1, 1, 1, 1])],
        "cnn", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 16, 32, 32])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 32, 32, 32])],
        [numpy_helper.from_array(v, k) for k, v in ws.items()])
    return g, rng.standard_normal((1, 16, 32, 32)).astype(np.float32)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lpc", default=os.path.join(os.path.dirname(__file__), "..", "build", "bin", "lpc"))
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as work:
        for name, build in (("mlp", mlp), ("block", block), ("cnn", cnn)):
            graph, x = build(rng)
            path = os.path.join(work, name + ".onnx")
            onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)
            ref = ort.InferenceSession(path, providers=["CPUExecutionProvider"]).run(None, {"x": x})[0]
            inp = os.path.join(work, "x.pb")
            with open(inp, "wb") as f:
                f.write(numpy_helper.from_array(x, "x").SerializeToString())
            cal = os.path.join(work, name + "_cal")
            # Enough rows for full-rank Gram matrices (K up to 1024): GPTQ
            # on fewer fits the calibration subspace and loses elsewhere.
            for i in range(CAL_SETS):
                os.makedirs(os.path.join(cal, str(i)))
                with open(os.path.join(cal, str(i), "input_0.pb"), "wb") as f:
                    f.write(numpy_helper.from_array(rng.standard_normal(x.shape).astype(np.float32),
                                                    "x").SerializeToString())
            runs = [(r, []) for r in RECIPES] + [(r, ["--calibration", cal]) for r in ("w8a8-static", "fp8")]
            if name != "cnn":
                runs += [(r + "+gptq", ["--gptq", "--calibration", cal]) for r in RECIPES]
            for recipe, flags in runs:
                out = os.path.join(work, name + "_" + recipe)
                p = subprocess.run([args.lpc, "run", path, inp, "--quantize=" + recipe.split("+")[0], *flags,
                                    "--output-dir", out], capture_output=True, text=True)
                if p.returncode:
                    print("%s %-8s FAILED: %s" % (name, recipe, p.stderr.strip()))
                    continue
                y = numpy_helper.to_array(onnx.load_tensor(os.path.join(out, "output_0.pb")))
                err = float(((y - ref).astype(np.float64) ** 2).sum())
                sqnr = 10 * np.log10(float((ref.astype(np.float64) ** 2).sum()) / max(err, 1e-300))
                print("%s %-13s SQNR %6.2f dB" % (name, recipe, sqnr))


if __name__ == "__main__":
    main()
