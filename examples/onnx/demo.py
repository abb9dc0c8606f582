#!/usr/bin/python3
"""lpc demo: compile the bundled ONNX model (examples/onnx/tiny_cnn.onnx, made
by make_model.py) to a shared library, run it on input_0.pb, run the same
model with ONNX Runtime, and print both outputs side by side.

The same by hand:
  build/bin/lpc compile examples/onnx/tiny_cnn.onnx --target=cpu -o build/demo/tiny_cnn.so
  build/bin/lpc run build/demo/tiny_cnn.so examples/onnx/input_0.pb --output-dir build/demo/lpc
"""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.join(ROOT, "examples", "onnx")
OUT = os.path.join(ROOT, "build", "demo")
LPC = os.path.join(ROOT, "build", "bin", "lpc")
ORT = os.path.join(ROOT, ".deps", "node_modules", "onnxruntime-node")
model = os.path.join(HERE, "tiny_cnn.onnx")
inp = os.path.join(HERE, "input_0.pb")


def run(cmd):
    print("$", " ".join(os.path.relpath(c, ROOT) if c.startswith(ROOT) else c for c in cmd),
          flush=True)
    subprocess.run(cmd, check=True)


def load(path):
    t = onnx.TensorProto()
    t.ParseFromString(open(path, "rb").read())
    return numpy_helper.to_array(t)


os.makedirs(OUT, exist_ok=True)
lib = os.path.join(OUT, "tiny_cnn.so")
run([LPC, "compile", model, "--target=cpu", "-o", lib, "--timing"])
run([LPC, "run", lib, inp, "--output-dir", os.path.join(OUT, "lpc"), "--repeat", "20"])
got = load(os.path.join(OUT, "lpc", "output_0.pb")).reshape(-1)

ref = None
if os.path.isdir(ORT):
    run(["node", os.path.join(ROOT, "test", "Integration", "ONNX", "Inputs", "ort_run.js"),
         ORT, model, os.path.join(OUT, "ort"), inp])
    ref = load(os.path.join(OUT, "ort", "output_0.pb")).reshape(-1)
else:
    print("(ONNX Runtime not installed in .deps: run scripts/setup.sh)")

print("\nclass  lpc            onnxruntime    |diff|")
for i, g in enumerate(got):
    r = "" if ref is None else "%-14.8f %.2e" % (ref[i], abs(g - ref[i]))
    print("%5d  %-14.8f %s" % (i, g, r))
if ref is not None:
    err = np.abs(got - ref)
    ok = bool(np.all(err <= 1e-5 + 1e-4 * np.abs(ref)))
    print("\nmax |lpc - ort| = %.3g; within atol 1e-5 + rtol 1e-4: %s" % (err.max(), ok))
    sys.exit(0 if ok else 1)
