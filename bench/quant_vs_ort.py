"""lpc's quantization recipes beside ONNX Runtime's quantization tools on the
same float model: output SQNR against the float model (ONNX Runtime, f32) on
input sets that were not used for calibration.

    .deps/venv/bin/python bench/quant_vs_ort.py [--lpc build/bin/lpc]

Models: recipes_sqnr.py's pre-norm transformer block (rows "block ...")
and its MLP block (256 -> 1024 -> Relu -> 256, 16 tokens) whose inputs have
correlated, unevenly scaled channels (as activations do). 160 calibration
sets (2560 rows, more than any K), 4 held-out sets. Rows:
  int8   lpc w8a8 (per-channel int8 weights, per-token int8 activations at
         run time) | ORT quantize_dynamic (per-channel int8 weights, uint8
         per-tensor dynamic activations)
  4-bit  lpc w4g128 | ORT MatMulNBitsQuantizer RTN (asymmetric, block 128)
  GPTQ   lpc w4g128 --gptq | ORT MatMulNBitsQuantizer GPTQ (block 128,
         1% damping, same calibration sets)
And a CNN (3x3 convolutions 16 -> 32 -> Relu -> 32 on 32 x 32):
  int8   ORT quantize_static (QDQ, per-channel int8 weights, static uint8
         activations) | lpc w8a8-static (int8 filters, static int8 per-tensor
         activations: the same bits), lpc w8a8 (int8 filters; run-time
         activation quantization covers matmuls, so the convolutions'
         activations stay f32: not the same bits) and lpc fp8
         (E4M3FN filters and static E4M3FN activations from calibration)
ORT's integer kernels saturate without VNNI (docs/Rationale.md), so its int8
rows depend on the CPU; the script prints the CPU.
"""
import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import types

import numpy as np
import onnx

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import recipes_sqnr  # noqa: E402
import onnxruntime as ort
from onnx import helper, numpy_helper
from onnxruntime.quantization import (CalibrationDataReader, QuantFormat, QuantType, quantize_dynamic,
                                      quantize_static)
from onnxruntime.quantization.matmul_nbits_quantizer import (GPTQWeightOnlyQuantConfig, MatMulNBitsQuantizer,
                                                             RTNWeightOnlyQuantConfig)

# ORT's GPTQ (its bundled neural_compressor code) imports torch only to
# convert tensors to numpy; the calibration data here is numpy already, so an
# empty module stands in where torch is not installed (the project avoids it).
if importlib.util.find_spec("torch") is None:
    sys.modules["torch"] = types.ModuleType("torch")

D, FF, T = 256, 1024, 16


def cpu_name():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown CPU"


def build(work, rng):
    """recipes_sqnr.py's MLP block, written to WORK/mlp.onnx."""
    g, _ = recipes_sqnr.mlp(rng)
    path = os.path.join(work, "mlp.onnx")
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), path)
    return path


class Reader(CalibrationDataReader):
    def __init__(self, sets):
        self.sets = list(sets)
        self.it = iter([{"x": s} for s in self.sets])

    def get_next(self):
        return next(self.it, None)

    def __deepcopy__(self, memo):
        return Reader(self.sets)


def sqnr(ref, got):
    ref = np.concatenate([r.ravel() for r in ref]).astype(np.float64)
    got = np.concatenate([g.ravel() for g in got]).astype(np.float64)
    return 10 * np.log10((ref ** 2).sum() / ((ref - got) ** 2).sum())


def cnn_rows(work, rng, lpc, so):
    """The CNN rows: ORT quantize_static beside lpc w8a8 and fp8."""
    g, _ = recipes_sqnr.cnn(rng)
    model = os.path.join(work, "cnn.onnx")
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), model)
    cal = [rng.standard_normal((1, 16, 32, 32)).astype(np.float32) for _ in range(8)]
    held = [rng.standard_normal((1, 16, 32, 32)).astype(np.float32) for _ in range(2)]
    caldir = os.path.join(work, "cnn_cal")
    for i, x in enumerate(cal):
        os.makedirs(os.path.join(caldir, str(i)))
        with open(os.path.join(caldir, str(i), "input_0.pb"), "wb") as f:
            f.write(numpy_helper.from_array(x, "x").SerializeToString())

    def run_ort(path):
        s = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
        return [s.run(None, {"x": x})[0] for x in held]

    def run_lpc(*flags):
        lib = os.path.join(work, "cnn.so")
        subprocess.run([lpc, "compile", model, *flags, "-o", lib], check=True, capture_output=True)
        outs = []
        for i, x in enumerate(held):
            f = os.path.join(work, "cnn_held_%d.pb" % i)
            with open(f, "wb") as fh:
                fh.write(numpy_helper.from_array(x, "x").SerializeToString())
            out = os.path.join(work, "cnn_out")
            subprocess.run([lpc, "run", lib, f, "--output-dir", out], check=True, capture_output=True)
            outs.append(numpy_helper.to_array(onnx.load_tensor(os.path.join(out, "output_0.pb"))))
        return outs

    ref = run_ort(model)
    qdq = os.path.join(work, "cnn_qdq.onnx")
    quantize_static(model, qdq, Reader(cal), quant_format=QuantFormat.QDQ, per_channel=True,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8)
    theirs = sqnr(ref, run_ort(qdq))
    return [("cnn int8 w (f32 a)", sqnr(ref, run_lpc("--quantize=w8a8")), "ORT quantize_static", theirs),
            ("cnn int8 w+a static", sqnr(ref, run_lpc("--quantize=w8a8-static", "--calibration", caldir)),
             "ORT quantize_static", theirs),
            ("cnn fp8 w+a", sqnr(ref, run_lpc("--quantize=fp8", "--calibration", caldir)), "ORT quantize_static",
             theirs)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lpc", default=os.path.join(os.path.dirname(__file__), "..", "build", "bin", "lpc"))
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    mix = rng.standard_normal((D, D)) * 0.3 + np.eye(D)
    chan = np.exp(rng.standard_normal(D))

    def sample():
        return ((rng.standard_normal((T, D)) @ mix) * chan).astype(np.float32)

    with tempfile.TemporaryDirectory() as work:
        model = build(work, rng)
        cal, held = [sample() for _ in range(160)], [sample() for _ in range(4)]
        for i, x in enumerate(cal):
            os.makedirs(os.path.join(work, "cal", "%d" % i))
            with open(os.path.join(work, "cal", "%d" % i, "input_0.pb"), "wb") as f:
                f.write(numpy_helper.from_array(x, "x").SerializeToString())
        held_files = []
        for i, x in enumerate(held):
            held_files.append(os.path.join(work, "held_%d.pb" % i))
            with open(held_files[-1], "wb") as f:
                f.write(numpy_helper.from_array(x, "x").SerializeToString())
        so = ort.SessionOptions()
        so.intra_op_num_threads = 1

        def ort_outputs(path):
            s = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
            return [s.run(None, {"x": x})[0] for x in held]

        def weight_rows(tag, model):
            """int8 and 4-bit rows for one model reading x (16 x 256)."""
            ref = ort_outputs(model)
            stats = os.path.join(work, tag + "stats.json")
            subprocess.run([args.lpc, "calibrate", model, "--data", os.path.join(work, "cal"), "-o", stats],
                           check=True, capture_output=True)

            def lpc_outputs(*flags):
                lib = os.path.join(work, "q.so")
                subprocess.run([args.lpc, "compile", model, *flags, "-o", lib], check=True, capture_output=True)
                outs = []
                for f in held_files:
                    out = os.path.join(work, "out")
                    subprocess.run([args.lpc, "run", lib, f, "--output-dir", out], check=True, capture_output=True)
                    outs.append(numpy_helper.to_array(onnx.load_tensor(os.path.join(out, "output_0.pb"))))
                return outs

            def ort_nbits(config):
                q = MatMulNBitsQuantizer(onnx.load(model), block_size=128, is_symmetric=False, algo_config=config)
                q.process()
                path = os.path.join(work, "nbits.onnx")
                q.model.save_model_to_file(path)
                return ort_outputs(path)

            dyn = os.path.join(work, "dyn.onnx")
            quantize_dynamic(model, dyn, per_channel=True, weight_type=QuantType.QInt8)
            gptq = GPTQWeightOnlyQuantConfig(calibration_data_reader=Reader(cal), block_size=128)
            return [
                (tag + "int8", sqnr(ref, lpc_outputs("--quantize=w8a8")), "ORT quantize_dynamic",
                 sqnr(ref, ort_outputs(dyn))),
                (tag + "4-bit RTN g128", sqnr(ref, lpc_outputs("--quantize=w4g128")), "ORT MatMulNBits RTN",
                 sqnr(ref, ort_nbits(RTNWeightOnlyQuantConfig()))),
                (tag + "4-bit GPTQ g128",
                 sqnr(ref, lpc_outputs("--quantize=w4g128", "--gptq", "--calibration", stats)),
                 "ORT MatMulNBits GPTQ", sqnr(ref, ort_nbits(gptq))),
            ]

        block_model = os.path.join(work, "block.onnx")
        onnx.save(helper.make_model(recipes_sqnr.block(rng)[0], opset_imports=[helper.make_opsetid("", 17)]),
                  block_model)
        rows = weight_rows("", model) + weight_rows("block ", block_model)
        rows += cnn_rows(work, rng, args.lpc, so)
        print("CPU: %s; onnxruntime %s; held-out SQNR vs float (dB)" % (cpu_name(), ort.__version__))
        for name, ours, peer, theirs in rows:
            print("%-21s lpc %6.3f | %-22s %6.3f | lpc - ORT %+.3f dB" % (name, ours, peer, theirs, ours - theirs))


if __name__ == "__main__":
    main()
