# -*- Python -*-
import os
import shutil

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "LPC"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["lib", "Inputs", "CMakeLists.txt", "lit.cfg.py",
                   "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.lpc_obj_root, "test")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%shlibext", ".so"))
config.substitutions.append(("%lpc_src", config.lpc_src_root))
config.substitutions.append(("%lpc_lib", config.lpc_lib_dir))
config.substitutions.append(("%lpc_obj", config.lpc_obj_root))
config.substitutions.append(("%mlir_lib", config.mlir_lib_dir))
config.substitutions.append(("%python", "/usr/bin/python3"))
runner_libs = ",".join(
    os.path.join(config.mlir_lib_dir, name + ".so")
    for name in ("libmlir_runner_utils", "libmlir_c_runner_utils"))
config.substitutions.append(("%runner_libs", runner_libs))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.lpc_tools_dir, append_path=True)
llvm_config.with_environment("PYTHONPATH",
                             os.path.join(config.lpc_src_root, "test", "lib"),
                             append_path=True)

tools = [
    "lpc-opt",
    "lpc",
    ToolSubst("mlir-opt", os.path.join(config.llvm_tools_dir, "mlir-opt")),
    ToolSubst("mlir-runner",
              os.path.join(config.llvm_tools_dir, "mlir-runner")),
]
llvm_config.add_tool_substitutions(tools, [config.lpc_tools_dir,
                                           config.llvm_tools_dir])

if shutil.which("nvidia-smi"):
    config.available_features.add("cuda-gpu")
if os.environ.get("LPC_SLOW_TESTS", "1") != "0":
    config.available_features.add("slow")

# ONNX's node test data (Debian libonnx-testdata).
onnx_node_data = "/usr/share/libonnx-testdata/data/node"
if os.path.isdir(onnx_node_data):
    config.available_features.add("onnx-node-data")
config.substitutions.append(("%onnx_node_data", onnx_node_data))
# ONNX Runtime 1.30 through node (npm onnxruntime-node in .deps, installed by
# scripts/setup.sh with --ignore-scripts).
ort_dir = os.path.join(config.lpc_src_root, ".deps", "node_modules",
                       "onnxruntime-node")
if os.path.isdir(ort_dir) and shutil.which("node"):
    config.available_features.add("ort")
config.substitutions.append(("%ort_module", ort_dir))
