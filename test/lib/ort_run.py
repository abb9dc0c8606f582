"""Runs an ONNX model with ONNX Runtime (PyPI onnxruntime, pinned in
scripts/requirements.txt) and writes its outputs as ONNX TensorProto files
output_<i>.pb, the layout `lpc run --compare-dir` reads.

usage: ort_run.py MODEL.onnx OUT_DIR INPUT.pb...

Inputs are matched to the graph's inputs by the TensorProto's name, or by
position when it has none. With ORT_OPT_LEVEL=disabled in the environment
ONNX Runtime runs the graph as written (no graph optimizations, so no
QDQ -> QLinearConv/MatMulInteger fusion into its integer kernels, whose u8 x s8
products saturate on CPUs without VNNI). ONNX Runtime runs single-threaded,
so its float reductions do not depend on the host's core count.

As a module: run(model, input_files, out_dir, optimize=True) -> output names.
"""
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper

VERSION = ort.__version__


def read_tensor(path):
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return t


def session(model, optimize=True):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    if not optimize:
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    return ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])


def run(model, input_files, out_dir, optimize=True):
    """Runs `model` on the TensorProto files `input_files`; writes
    out_dir/output_<i>.pb; returns the output names."""
    sess = session(model, optimize)
    names = [i.name for i in sess.get_inputs()]
    feeds = {}
    for i, path in enumerate(input_files):
        t = read_tensor(path)
        name = t.name if t.name in names else (names[i] if i < len(names) else None)
        if name is None:
            raise ValueError("%s: more inputs than the model's %d" % (path, len(names)))
        feeds[name] = numpy_helper.to_array(t)
    outputs = [o.name for o in sess.get_outputs()]
    results = sess.run(outputs, feeds)
    os.makedirs(out_dir, exist_ok=True)
    for i, (name, value) in enumerate(zip(outputs, results)):
        with open(os.path.join(out_dir, "output_%d.pb" % i), "wb") as f:
            f.write(numpy_helper.from_array(np.asarray(value), name).SerializeToString())
    return outputs


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    model, out_dir, inputs = sys.argv[1], sys.argv[2], sys.argv[3:]
    optimize = os.environ.get("ORT_OPT_LEVEL", "") != "disabled"
    try:
        outputs = run(model, inputs, out_dir, optimize)
    except Exception as e:  # report ORT's message, not a traceback
        print("ort_run.py: %s: %s" % (model, str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__),
              file=sys.stderr)
        return 1
    print("ort %s: wrote %d outputs" % (VERSION, len(outputs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
