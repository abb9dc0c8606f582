"""Real exported models from PyPI wheels that scripts/setup.sh installs into
the venv (rapidocr-onnxruntime: PaddleOCR's text detector, direction
classifier and recognizer; silero-vad: Silero's voice-activity detector),
run by `lpc run` and compared with ONNX Runtime on seeded random inputs.

usage: real_models.py LPC WORK_DIR NAME...
  NAME: ocr_det, ocr_cls, ocr_rec, vad (silero_vad.onnx at 16 kHz),
        vad_8k (the same model at 8 kHz: the other If branch),
        vad_op15 (silero_vad_16k_op15.onnx)
Prints one "NAME: PASS|FAIL ..." line per model and exits non-zero on any
failure.
"""
import importlib.util
import os
import subprocess
import sys

import numpy as np
from onnx import numpy_helper as nh

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..",
                                "lib"))
import ort_run  # noqa: E402


def package_file(package, *parts):
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("%s is not installed in the venv (scripts/setup.sh "
                         "installs it)" % package)
    return os.path.join(spec.submodule_search_locations[0], *parts)


def ocr(name):
    return package_file("rapidocr_onnxruntime", "models", name)


def vad(name):
    return package_file("silero_vad", "data", name)


rng = np.random.default_rng(5)
MODELS = {
    # Image inputs in [-1, 1] as PaddleOCR normalises them; the detector
    # needs sides divisible by 32.
    "ocr_det": (ocr("ch_PP-OCRv4_det_infer.onnx"),
                [("x", rng.uniform(-1, 1, (1, 3, 96, 128)).astype(np.float32))]),
    "ocr_cls": (ocr("ch_ppocr_mobile_v2.0_cls_infer.onnx"),
                [("x", rng.uniform(-1, 1, (1, 3, 48, 192)).astype(np.float32))]),
    "ocr_rec": (ocr("ch_PP-OCRv4_rec_infer.onnx"),
                [("x", rng.uniform(-1, 1, (1, 3, 48, 160)).astype(np.float32))]),
    # One 32 ms chunk of audio, a random recurrent state and the rate.
    "vad": (vad("silero_vad.onnx"),
            [("input", (0.1 * rng.standard_normal((1, 512))).astype(np.float32)),
             ("state", (0.1 * rng.standard_normal((2, 1, 128))).astype(np.float32)),
             ("sr", np.array(16000, np.int64))]),
    "vad_8k": (vad("silero_vad.onnx"),
               [("input", (0.1 * rng.standard_normal((1, 256))).astype(np.float32)),
                ("state", (0.1 * rng.standard_normal((2, 1, 128))).astype(np.float32)),
                ("sr", np.array(8000, np.int64))]),
    "vad_op15": (vad("silero_vad_16k_op15.onnx"),
                 [("input", (0.1 * rng.standard_normal((1, 512))).astype(np.float32)),
                  ("state", (0.1 * rng.standard_normal((2, 1, 128))).astype(np.float32)),
                  ("sr", np.array(16000, np.int64))]),
}


def main():
    lpc, work = sys.argv[1], sys.argv[2]
    failed = 0
    for name in sys.argv[3:]:
        model, inputs = MODELS[name]
        d = os.path.join(work, name)
        os.makedirs(os.path.join(d, "ref"), exist_ok=True)
        files = []
        for i, (n, a) in enumerate(inputs):
            p = os.path.join(d, "input_%d.pb" % i)
            with open(p, "wb") as f:
                f.write(nh.from_array(a, n).SerializeToString())
            files.append(p)
        ort_run.run(model, files, os.path.join(d, "ref"))
        p = subprocess.run([lpc, "run", model] + files +
                           ["--compare-dir", os.path.join(d, "ref"),
                            "--rtol", "1e-3", "--atol", "1e-5"],
                           capture_output=True, text=True)
        out = (p.stdout + p.stderr).strip().splitlines()
        ok = p.returncode == 0
        failed += not ok
        print("%s: %s" % (name, "PASS" if ok else "FAIL"))
        for line in out:
            print("  " + line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
