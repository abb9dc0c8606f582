"""Models whose operands are computed in the graph (shape subgraphs that the
importer evaluates), If nodes (a condition known at import time, or one
known only at run time), and Mod and CastLike (which shape subgraphs use),
with inputs for `lpc run` and ONNX Runtime.

usage: subgraph_models.py NAME DIR
  writes DIR/model.onnx and DIR/input_<i>.pb (DIR/<set>/input_<i>.pb for
  models with several input sets)
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper
from onnx import numpy_helper as nh

F, I64, B = TensorProto.FLOAT, TensorProto.INT64, TensorProto.BOOL


def vi(name, dtype, shape):
    return helper.make_tensor_value_info(name, dtype, shape)


def const(name, value, dtype=np.int64):
    return helper.make_node("Constant", [], [name], name=name,
                            value=nh.from_array(np.asarray(value, dtype), name))


def model(nodes, inputs, outputs, opset=17, check=True):
    g = helper.make_graph(nodes, "g", inputs, outputs)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    if check:
        onnx.checker.check_model(m, full_check=True)
    return m


def n(op, ins, out, **attrs):
    return helper.make_node(op, ins, [out], name=out, **attrs)


def shape_reshape():
    """Shape -> Gather -> Unsqueeze -> Mul/Div -> Concat -> Reshape, the
    PaddleOCR pattern: x [2, 3, 4] becomes [2, 6, 2]."""
    nodes = [
        n("Shape", ["x"], "s"),
        const("i0", 0), const("i1", 1), const("i2", 2), const("two", [2]),
        const("ax0", [0]),
        n("Gather", ["s", "i0"], "d0"),
        n("Gather", ["s", "i1"], "d1"),
        n("Gather", ["s", "i2"], "d2"),
        n("Mul", ["d1", "d2"], "d12"),
        n("Div", ["d12", "two_s"], "half"),
        n("Unsqueeze", ["d0", "ax0"], "u0"),
        n("Unsqueeze", ["half", "ax0"], "u1"),
        n("Concat", ["u0", "u1", "two"], "target", axis=0),
        n("Reshape", ["x", "target"], "y"),
    ]
    nodes.insert(1, const("two_s", 2))
    return model(nodes, [vi("x", F, [2, 3, 4])], [vi("y", F, [2, 6, 2])]), \
        [("x", (2, 3, 4))]


def shape_constant_of_shape():
    """Shape -> Slice -> ConstantOfShape, broadcast against x; Size -> Cast
    -> Sub as a float."""
    nodes = [
        n("Shape", ["x"], "s"),
        const("st", [1]), const("en", [3]),
        n("Slice", ["s", "st", "en"], "tail"),
        n("ConstantOfShape", ["tail"], "ones",
          value=nh.from_array(np.array([1.5], np.float32), "v")),
        n("Size", ["x"], "sz"),
        n("Cast", ["sz"], "szf", to=F),
        n("Sub", ["ones", "szf"], "c"),
        n("Add", ["x", "c"], "y"),
    ]
    return model(nodes, [vi("x", F, [2, 3, 4])], [vi("y", F, [2, 3, 4])]), \
        [("x", (2, 3, 4))]


def shape_expand_range():
    """Range to a dimension split off Shape, Expand to the computed shape,
    Tile with repeats from Where over the shape, Squeeze of an Unsqueeze."""
    nodes = [
        n("Shape", ["x"], "s"),
        const("zero", 0), const("one", 1), const("ax", [0]),
        helper.make_node("Split", ["s"], ["s0", "s1", "s2"], name="split",
                         axis=0),
        n("Squeeze", ["s2", "ax"], "w"),
        n("Range", ["zero", "w", "one"], "r"),
        n("Cast", ["r"], "rf", to=F),
        n("Expand", ["rf", "s"], "e"),
        n("Mul", ["x", "e"], "m"),
        const("thr", [2]), const("rep2", [2]), const("rep1", [1]),
        n("Greater", ["s", "thr"], "big"),
        n("Where", ["big", "rep1", "rep2"], "reps"),
        n("Unsqueeze", ["reps", "ax"], "ureps"),
        n("Squeeze", ["ureps", "ax"], "sreps"),
        n("Tile", ["m", "sreps"], "y"),
    ]
    return model(nodes, [vi("x", F, [2, 3, 4])], [vi("y", F, [4, 3, 4])]), \
        [("x", (2, 3, 4))]


def branch(name, nodes, outputs):
    return helper.make_graph(nodes, name, [], outputs)


def if_constant():
    """The condition (dimension 0 of x > 1) is known at import time; the
    branches compute different shapes, which only a known condition allows.
    The taken branch reads x and w from the outer scope."""
    then_g = branch("then", [n("Add", ["x", "w"], "t_out")],
                    [vi("t_out", F, [2, 3])])
    else_g = branch("else", [const("flat", [6]),
                             n("Reshape", ["x", "flat"], "e_out")],
                    [vi("e_out", F, [6])])
    nodes = [
        const("w", np.arange(3) * 0.5, np.float32),
        n("Shape", ["x"], "s"), const("i0", 0), const("one", 1),
        n("Gather", ["s", "i0"], "d0"),
        n("Greater", ["d0", "one"], "cond"),
        helper.make_node("If", ["cond"], ["y"], name="pick",
                         then_branch=then_g, else_branch=else_g),
    ]
    return model(nodes, [vi("x", F, [2, 3])], [vi("y", F, None)],
                 check=False), [("x", (2, 3))]


def if_runtime():
    """The condition (sum of x > 0) is known only at run time: scf.if. Both
    branches read outer-scope values (x, w, the outer Relu); the else branch
    holds a nested If with a constant condition."""
    nested_then = branch("nt", [n("Neg", ["r"], "nt_out")],
                         [vi("nt_out", F, [2, 3])])
    nested_else = branch("ne", [n("Abs", ["r"], "ne_out")],
                         [vi("ne_out", F, [2, 3])])
    then_g = branch("then", [n("Mul", ["x", "w"], "t_out"),
                             n("Add", ["t_out", "r"], "t_out2"),
                             n("Identity", ["w"], "t_w")],
                    [vi("t_out2", F, [2, 3]), vi("t_w", F, [3])])
    else_g = branch("else", [
        const("yes", True, np.bool_),
        helper.make_node("If", ["yes"], ["inner"], name="inner_if",
                         then_branch=nested_then, else_branch=nested_else),
        n("Sub", ["inner", "x"], "e_out"),
        const("w2", [1.0, -2.0, 3.0], np.float32)],
        [vi("e_out", F, [2, 3]), vi("w2", F, [3])])
    nodes = [
        const("w", [0.5, 2.0, -1.0], np.float32),
        n("Relu", ["x"], "r"),
        n("ReduceSum", ["x"], "sum", keepdims=0),
        const("zero", 0.0, np.float32),
        n("Greater", ["sum", "zero"], "cond"),
        helper.make_node("If", ["cond"], ["y", "z"], name="branchy",
                         then_branch=then_g, else_branch=else_g),
    ]
    return model(nodes, [vi("x", F, [2, 3])],
                 [vi("y", F, [2, 3]), vi("z", F, [3])]), \
        {"pos": [("x", (2, 3), 1.0)], "neg": [("x", (2, 3), -1.0)]}


def if_input():
    """The condition is a graph input: `lpc run` knows its value and imports
    the taken branch; `lpc compile` builds scf.if."""
    then_g = branch("then", [n("Add", ["x", "x"], "t_out")],
                    [vi("t_out", F, [4])])
    else_g = branch("else", [n("Mul", ["x", "x"], "e_out")],
                    [vi("e_out", F, [4])])
    nodes = [helper.make_node("If", ["c"], ["y"], name="sel",
                              then_branch=then_g, else_branch=else_g)]
    return model(nodes, [vi("c", B, []), vi("x", F, [4])],
                 [vi("y", F, [4])]), \
        {"true": [("c", True), ("x", (4,))],
         "false": [("c", False), ("x", (4,))]}


def if_mismatch():
    """Branch shapes differ and the condition is known only at run time."""
    then_g = branch("then", [n("Identity", ["x"], "t_out")],
                    [vi("t_out", F, [2, 3])])
    else_g = branch("else", [const("flat", [6]),
                             n("Reshape", ["x", "flat"], "e_out")],
                    [vi("e_out", F, [6])])
    nodes = [
        n("ReduceSum", ["x"], "sum", keepdims=0),
        const("zero", 0.0, np.float32),
        n("Greater", ["sum", "zero"], "cond"),
        helper.make_node("If", ["cond"], ["y"], name="bad_if",
                         then_branch=then_g, else_branch=else_g),
    ]
    return model(nodes, [vi("x", F, [2, 3])], [vi("y", F, None)],
                 check=False), [("x", (2, 3))]


def if_missing_output():
    """A branch output that no node of the branch produces."""
    then_g = branch("then", [n("Identity", ["x"], "t_out")],
                    [vi("nowhere", F, [2])])
    else_g = branch("else", [n("Identity", ["x"], "e_out")],
                    [vi("e_out", F, [2])])
    nodes = [const("yes", True, np.bool_),
             helper.make_node("If", ["yes"], ["y"], name="broken_if",
                              then_branch=then_g, else_branch=else_g)]
    return model(nodes, [vi("x", F, [2])], [vi("y", F, [2])],
                 check=False), [("x", (2,))]


def if_malformed(kind):
    """If nodes lpc rejects: a float condition, a missing else_branch, or
    branches with another number of outputs than the node."""
    then_g = branch("then", [n("Identity", ["x"], "t_out")],
                    [vi("t_out", F, [2])])
    else_g = branch("else", [n("Identity", ["x"], "e_out"),
                             n("Neg", ["x"], "e_out2")],
                    [vi("e_out", F, [2])] + (
                        [vi("e_out2", F, [2])] if kind == "outputs" else []))
    attrs = {"then_branch": then_g}
    if kind != "no_else":
        attrs["else_branch"] = else_g
    cond = "x1" if kind == "float_cond" else "yes"
    nodes = [const("yes", True, np.bool_), const("x1", 1.0, np.float32),
             helper.make_node("If", [cond], ["y"], name="bad", **attrs)]
    return model(nodes, [vi("x", F, [2])], [vi("y", F, [2])],
                 check=False), [("x", (2,))]


def data_shape_reshape():
    """A Reshape whose shape is computed from x's values (not its shape):
    still an error, since it cannot be known at compile time."""
    nodes = [
        n("ReduceMax", ["x"], "mx", keepdims=1),
        n("Cast", ["mx"], "target", to=I64),
        n("Reshape", ["x", "target"], "y"),
    ]
    return model(nodes, [vi("x", F, [4])], [vi("y", F, None)],
                 check=False), [("x", (4,))]


def data_range():
    """A Range whose limit is computed from x's values."""
    nodes = [
        n("ReduceMax", ["x"], "mx", keepdims=0),
        n("Cast", ["mx"], "limit", to=I64),
        const("zero", 0), const("one", 1),
        n("Range", ["zero", "limit", "one"], "y"),
    ]
    return model(nodes, [vi("x", F, [4])], [vi("y", I64, None)],
                 check=False), [("x", (4,))]


def slice_bad(kind):
    """A Slice of a graph input with invalid operands: ends longer than
    starts, or a step of 0."""
    nodes = [const("starts", [0]),
             const("ends", [2, 3] if kind == "lengths" else [2]),
             const("axes", [0]),
             const("steps", [0] if kind == "step" else [1]),
             n("Slice", ["x", "starts", "ends", "axes", "steps"], "y")]
    return model(nodes, [vi("x", F, [4])], [vi("y", F, None)],
                 check=False), [("x", (4,))]


def mod_castlike():
    """Mod with the divisor's sign (fmod = 0) and the dividend's (fmod = 1)
    on int32 inputs of all sign combinations, float Mod, CastLike to the
    float input's type; the same on constants (folded at import)."""
    I32 = TensorProto.INT32
    a = np.array([7, -7, 7, -7, 6, 0], np.int32)
    b = np.array([3, 3, -3, -3, 3, 5], np.int32)
    nodes = [
        n("Mod", ["a", "b"], "py"),
        n("Mod", ["a", "b"], "c", fmod=1),
        n("Mod", ["x", "yf"], "fm", fmod=1),
        n("CastLike", ["a", "x"], "af"),
        const("ca", a, np.int32), const("cb", b, np.int32),
        n("Mod", ["ca", "cb"], "cpy"),
        n("Mod", ["ca", "cb"], "cc", fmod=1),
        n("CastLike", ["cpy", "x"], "cf"),
    ]
    outs = [vi("py", I32, [6]), vi("c", I32, [6]), vi("fm", F, [6]),
            vi("af", F, [6]), vi("cpy", I32, [6]), vi("cc", I32, [6]),
            vi("cf", F, [6])]
    return model(nodes, [vi("a", I32, [6]), vi("b", I32, [6]),
                         vi("x", F, [6]), vi("yf", F, [6])], outs, opset=19), \
        [("a", a), ("b", b), ("x", (6,)), ("yf", np.float32([1.5, -2, 0.7, 3,
                                                           -0.25, 1]))]


def mod_float_fmod0():
    """Float Mod needs fmod = 1."""
    nodes = [n("Mod", ["x", "x"], "y")]
    return model(nodes, [vi("x", F, [2])], [vi("y", F, [2])], check=False), \
        [("x", (2,))]


def loop_model(kind):
    """A Loop whose trip count comes from Shape(x) (3), whose body reads the
    outer x and w, slices x's row by the iteration number, grows a carried
    tensor by Concat (its shape changes each iteration), and scans a row;
    "early" stops after iteration 1 through a condition computed from the
    iteration number. The other kinds are the errors lpc reports."""
    body_in = [vi("i", I64, []), vi("c_in", B, []), vi("acc_in", F, None),
               vi("grow_in", F, None)]
    body_nodes = [
        const("one", [1]), const("ax", [0]),
        n("Unsqueeze", ["i", "ax"], "st"),
        n("Add", ["st", "one"], "en"),
        n("Slice", ["x", "st", "en"], "row"),
        n("Mul", ["row", "w"], "roww"),
        n("Add", ["acc_in", "roww"], "acc_out"),
        n("Concat", ["grow_in", "row"], "grow_out", axis=0),
    ]
    if kind == "early":
        body_nodes.append(n("Less", ["i", "one_s"], "c_out"))
        body_nodes.insert(0, const("one_s", 1))
    elif kind == "runtime_cond":
        body_nodes.append(n("ReduceSum", ["acc_out"], "tot", keepdims=0))
        body_nodes.append(const("zero", 0.0, np.float32))
        body_nodes.append(n("Greater", ["tot", "zero"], "c_out"))
    else:
        body_nodes.append(n("Identity", ["c_in"], "c_out"))
    scan = "grow_out" if kind == "scan_type" else "roww"
    body_out = [vi("c_out", B, []), vi("acc_out", F, None),
                vi("grow_out", F, None), vi(scan, F, None)]
    body = helper.make_graph(body_nodes, "body", body_in, body_out)
    nodes = [
        const("w", [[1.0, -1.0, 2.0, 0.5]], np.float32),
        const("acc0", [[0.0, 0.0, 0.0, 0.0]], np.float32),
        const("grow0", np.zeros((1, 4)), np.float32),
        const("i0", 0), n("Shape", ["x"], "s"), n("Gather", ["s", "i0"], "m"),
        const("go", True, np.bool_),
    ]
    trips = "m"
    if kind == "runtime_trips":
        nodes += [n("ReduceMax", ["x"], "mx", keepdims=0),
                  n("Cast", ["mx"], "mt", to=I64)]
        trips = "mt"
    elif kind == "too_many":
        nodes.append(const("big", 5000))
        trips = "big"
    elif kind == "zero_scan":
        nodes.append(const("none", 0))
        trips = "none"
    attrs = {} if kind == "no_body" else {"body": body}
    ins = [trips, "go", "acc0", "grow0"]
    outs = ["acc", "grow", "rows"]
    if kind == "arity":
        ins = ins[:3]
    nodes.append(helper.make_node("Loop", ins, outs, name="loop", **attrs))
    final = 2 if kind == "early" else 3
    return model(nodes, [vi("x", F, [3, 4])],
                 [vi("acc", F, [1, 4]), vi("grow", F, [1 + final, 4]),
                  vi("rows", F, [final, 1, 4])],
                 check=kind in ("all", "early")), [("x", (3, 4))]


def scan_model(kind):
    """Scan over x [3, 4] along axis 1 (reversed) and y [4, 2] along axis 0:
    a running sum state, scan outputs stacked along axis 1 and (prepended)
    along axis 0; the body reads the outer w. The other kinds are errors."""
    body = helper.make_graph(
        [n("Mul", ["xs", "w"], "xw"),
         n("Add", ["st_in", "xw"], "st_out"),
         n("ReduceSum", ["ys"], "ysum", keepdims=1),
         n("Add", ["st_out", "ysum"], "o1"),
         n("Identity", ["ys"], "o2")],
        "body", [vi("st_in", F, [3]), vi("xs", F, [3]), vi("ys", F, [2])],
        [vi("st_out", F, [3]), vi("o1", F, [3]), vi("o2", F, [2])])
    attrs = dict(num_scan_inputs=2, scan_input_axes=[1, 0],
                 scan_input_directions=[1, 0], scan_output_axes=[1, 0],
                 scan_output_directions=[0, 1])
    y_shape = [4, 2]
    opset = 17
    if kind == "bad_in_axis":
        attrs["scan_input_axes"] = [5, 0]
    elif kind == "bad_out_axis":
        attrs["scan_output_axes"] = [3, 0]
    elif kind == "lengths":
        y_shape = [5, 2]
    elif kind == "opset8":
        opset = 8
    nodes = [const("w", [1.0, -2.0, 0.5], np.float32),
             const("s0", [0.0, 1.0, 2.0], np.float32),
             helper.make_node("Scan", ["s0", "x", "y"], ["s", "z1", "z2"],
                              name="scan", body=body, **attrs)]
    return model(nodes, [vi("x", F, [3, 4]), vi("y", F, y_shape)],
                 [vi("s", F, [3]), vi("z1", F, [3, 4]), vi("z2", F, [4, 2])],
                 opset=opset, check=kind == "all"), \
        [("x", (3, 4)), ("y", tuple(y_shape))]


MODELS = {
    "shape_reshape": shape_reshape,
    "shape_constant_of_shape": shape_constant_of_shape,
    "shape_expand_range": shape_expand_range,
    "if_constant": if_constant,
    "if_runtime": if_runtime,
    "if_input": if_input,
    "if_mismatch": if_mismatch,
    "if_missing_output": if_missing_output,
    "if_float_cond": lambda: if_malformed("float_cond"),
    "if_no_else": lambda: if_malformed("no_else"),
    "if_outputs": lambda: if_malformed("outputs"),
    "data_shape_reshape": data_shape_reshape,
    "data_range": data_range,
    "mod_castlike": mod_castlike,
    "loop": lambda: loop_model("all"),
    "loop_early": lambda: loop_model("early"),
    "loop_runtime_cond": lambda: loop_model("runtime_cond"),
    "loop_runtime_trips": lambda: loop_model("runtime_trips"),
    "loop_too_many": lambda: loop_model("too_many"),
    "loop_zero_scan": lambda: loop_model("zero_scan"),
    "loop_scan_type": lambda: loop_model("scan_type"),
    "loop_no_body": lambda: loop_model("no_body"),
    "loop_arity": lambda: loop_model("arity"),
    "scan": lambda: scan_model("all"),
    "scan_bad_in_axis": lambda: scan_model("bad_in_axis"),
    "scan_bad_out_axis": lambda: scan_model("bad_out_axis"),
    "scan_lengths": lambda: scan_model("lengths"),
    "scan_opset8": lambda: scan_model("opset8"),
    "mod_float_fmod0": mod_float_fmod0,
    "slice_lengths": lambda: slice_bad("lengths"),
    "slice_step": lambda: slice_bad("step"),
}


def write_inputs(folder, specs, seed):
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(seed)
    for i, spec in enumerate(specs):
        name, value = spec[0], spec[1]
        if isinstance(value, (bool, np.ndarray)):
            a = np.array(value)
        else:
            a = rng.standard_normal(value).astype(np.float32)
            if len(spec) > 2:
                # A sign for the whole tensor, so the sum's sign is known.
                a = np.abs(a) * np.float32(spec[2])
        with open(os.path.join(folder, "input_%d.pb" % i), "wb") as f:
            f.write(nh.from_array(a, name).SerializeToString())


if __name__ == "__main__":
    name, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    m, inputs = MODELS[name]()
    onnx.save(m, os.path.join(out, "model.onnx"))
    if isinstance(inputs, dict):
        for k, (set_name, specs) in enumerate(sorted(inputs.items())):
            write_inputs(os.path.join(out, set_name), specs, 7 + k)
    else:
        write_inputs(out, inputs, 7)
