"""Writes ONNX's node test data from the installed `onnx` package.

usage: onnx_node_data.py OUT_DIR

The `onnx` wheel ships the node test cases as code (onnx.backend.test.case.node:
each case builds its model and computes its expected outputs with ONNX's
reference implementation), not as data files. This script writes them in the
layout ONNX's repository and Debian's libonnx-testdata use:
  OUT_DIR/<test name>/model.onnx
  OUT_DIR/<test name>/test_data_set_<k>/{input,output}_<i>.pb
and finally OUT_DIR/VERSION ("onnx <version>: <n> cases"). It writes into a
temporary folder beside OUT_DIR and renames it at the end, so OUT_DIR is
either complete or absent. Run by scripts/setup.sh into .deps/.
"""
import os
import shutil
import sys
import warnings

import numpy as np
import onnx
from onnx import TensorProto, numpy_helper


def serialize(value, value_info):
    """One input or output as the bytes of its .pb file."""
    t = value_info.type
    name = value_info.name
    if t.HasField("sequence_type"):
        return numpy_helper.from_list(value, name).SerializeToString()
    if t.HasField("optional_type"):
        return numpy_helper.from_optional(value, name).SerializeToString()
    if t.HasField("map_type"):
        return numpy_helper.from_dict(value, name).SerializeToString()
    if isinstance(value, TensorProto):
        return value.SerializeToString()
    return numpy_helper.from_array(np.asarray(value), name).SerializeToString()


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    out = os.path.abspath(sys.argv[1])
    tmp = out + ".partial"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    # The case generators import every op's module; some print numpy
    # warnings (division by zero in Reduce* cases) that are expected.
    warnings.simplefilter("ignore")
    np.seterr(all="ignore")
    import onnx.backend.test.case.node as node_cases

    cases = node_cases.collect_testcases()
    for case in cases:
        folder = os.path.join(tmp, case.name)
        os.makedirs(folder)
        with open(os.path.join(folder, "model.onnx"), "wb") as f:
            f.write(case.model.SerializeToString())
        graph = case.model.graph
        for k, (inputs, outputs) in enumerate(case.data_sets):
            ds = os.path.join(folder, "test_data_set_%d" % k)
            os.makedirs(ds)
            for kind, values, infos in (("input", inputs, graph.input),
                                        ("output", outputs, graph.output)):
                for i, v in enumerate(values):
                    with open(os.path.join(ds, "%s_%d.pb" % (kind, i)), "wb") as f:
                        f.write(serialize(v, infos[i]))
    with open(os.path.join(tmp, "VERSION"), "w") as f:
        f.write("onnx %s: %d cases\n" % (onnx.__version__, len(cases)))
    shutil.rmtree(out, ignore_errors=True)
    os.rename(tmp, out)
    print("lpc setup: wrote %d ONNX %s node test cases to %s" %
          (len(cases), onnx.__version__, out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
