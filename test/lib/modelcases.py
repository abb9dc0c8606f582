"""Many cases in one lpc model: the kernel tests (vectorized_matmul.py,
int8_activations.py) add each case's arguments, body lines, result and input
tensors, then write one `func.func @main_graph` with every case as its own
inputs and output, and its input TensorProto files in argument order."""
import os


def write_model(work, args, body, results, inputs):
    """Writes WORK/model.mlir (`args` the argument declarations, `body` the
    op lines, `results` (value, type) pairs) and WORK/in_NN.pb for every
    TensorProto in `inputs`; returns (model path, input paths)."""
    mlir = "func.func @main_graph(%s) -> (%s) {\n%s\n  return %s : %s\n}\n" % (
        ", ".join(args), ", ".join(t for _, t in results), "\n".join(body),
        ", ".join(v for v, _ in results), ", ".join(t for _, t in results))
    model = os.path.join(work, "model.mlir")
    with open(model, "w") as f:
        f.write(mlir)
    paths = []
    for j, t in enumerate(inputs):
        paths.append(os.path.join(work, "in_%02d.pb" % j))
        with open(paths[-1], "wb") as f:
            f.write(t.SerializeToString())
    return model, paths
