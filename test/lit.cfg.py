# -*- Python -*-
import os
import shutil
import subprocess

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
# CMake and the compilers lpc was built with, for projects a test builds
# against lpc (test/Install).
config.substitutions.append(("%cmake_compiler_args", " ".join(
    ["-DCMAKE_C_COMPILER=" + config.c_compiler,
     "-DCMAKE_CXX_COMPILER=" + config.cxx_compiler] +
    (["-DCMAKE_CXX_COMPILER_LAUNCHER=" + config.compiler_launcher]
     if config.compiler_launcher else []))))
config.substitutions.append(("%cmake", config.cmake))

# Every test script runs with the project's venv (scripts/setup.sh makes it
# from scripts/requirements.txt). Its oracles are not optional: without them
# the suite stops here instead of skipping tests.
venv_python = os.path.join(config.lpc_src_root, ".deps", "venv", "bin",
                           "python")
probe = None
if os.path.exists(venv_python):
    probe = subprocess.run(
        [venv_python, "-c",
         "import os, onnx, onnxruntime, numpy, pytest, qonnx; "
         "import onnx.backend.test as t; "
         "print(onnx.__version__, onnxruntime.__version__, numpy.__version__, "
         "os.path.join(os.path.dirname(t.__file__), 'data'))"],
        capture_output=True, text=True)
if probe is None or probe.returncode != 0:
    why = (probe.stderr.strip().splitlines() or ["?"])[-1] if probe else \
        "%s does not exist" % venv_python
    lit_config.fatal("the test environment .deps/venv is missing or broken "
                     "(%s); run scripts/setup.sh" % why)
onnx_version, ort_version, numpy_version, onnx_wheel_data = probe.stdout.split()
lit_config.note("oracles: onnx %s, onnxruntime %s, numpy %s (%s)" %
                (onnx_version, ort_version, numpy_version, venv_python))
config.substitutions.append(("%python", venv_python))
# ONNX Runtime as a differential oracle: runs a model on .pb inputs and writes
# output_<i>.pb (test/lib/ort_run.py).
config.substitutions.append(
    ("%ort_run", venv_python + " " +
     os.path.join(config.lpc_src_root, "test", "lib", "ort_run.py")))
config.substitutions.append(("%ort_version", ort_version))
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
    "lpc-bench",
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

# ONNX's node test data: written by scripts/setup.sh from the venv's onnx
# wheel (the primary source), and Debian's libonnx-testdata (ONNX 1.12) as a
# second source.
onnx_node_data = os.path.join(config.lpc_src_root, ".deps", "onnx-node-data",
                              "onnx-" + onnx_version)
if not os.path.isfile(os.path.join(onnx_node_data, "VERSION")):
    lit_config.fatal("ONNX %s node test data missing in %s; run "
                     "scripts/setup.sh" % (onnx_version, onnx_node_data))
config.substitutions.append(("%onnx_node_data", onnx_node_data))
# The wheel's own data files: PyTorch-exported models (pytorch-converted,
# pytorch-operator) with their inputs and outputs.
config.substitutions.append(("%onnx_wheel_data", onnx_wheel_data))
debian_node_data = "/usr/share/libonnx-testdata/data/node"
if os.path.isdir(debian_node_data):
    config.available_features.add("debian-onnx-node-data")
config.substitutions.append(("%debian_onnx_node_data", debian_node_data))

# The host CPU's vector extensions, so a kernel test runs a path only where
# the host has it (and compiles / inspects it everywhere):
#   cpu-avx2         AVX2 + FMA (Zen 3 and newer)
#   cpu-avx512       AVX-512 F, BW, VL and DQ
#   cpu-avx512vnni   AVX512-VNNI (vpdpbusd)
#   cpu-avx512bf16   AVX512-BF16 (vdpbf16ps)
# LPC_HOST_CPU_FLAGS (a space-separated /proc/cpuinfo flag list) overrides the
# host's, to try the suite as another machine would see it.
def host_cpu_flags():
    override = os.environ.get("LPC_HOST_CPU_FLAGS")
    if override is not None:
        config.available_features.add("cpu-flags-override")
        return set(override.split())
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


cpu_flags = host_cpu_flags()
cpu_features = []
if {"avx2", "fma"} <= cpu_flags:
    cpu_features.append("cpu-avx2")
if {"avx512f", "avx512bw", "avx512vl", "avx512dq"} <= cpu_flags:
    cpu_features.append("cpu-avx512")
    if "avx512_vnni" in cpu_flags:
        cpu_features.append("cpu-avx512vnni")
    if "avx512_bf16" in cpu_flags:
        cpu_features.append("cpu-avx512bf16")
for feature in cpu_features:
    config.available_features.add(feature)
config.substitutions.append(("%cpu_features", ",".join(cpu_features) or "none"))
lit_config.note("host CPU features: %s" % (" ".join(cpu_features) or "none"))
