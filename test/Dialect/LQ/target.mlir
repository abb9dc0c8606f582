// RUN: lpc-opt %s | lpc-opt | FileCheck %s
// RUN: lpc-opt %s --mlir-print-op-generic | lpc-opt | FileCheck %s

/// The target description of each kind prints back; facts are optional.
// CHECK: module attributes {lq.target = #lq.target<cpu, {cores = 2 : i64, features = ["avx2", "fma", "avx512vnni"], l1d = 32768 : i64, l2 = 1048576 : i64, l3 = 33554432 : i64, vector_bits = 256 : i64}>}
// CHECK-LABEL: func.func private @kinds()
// CHECK-SAME: bare = #lq.target<cpu>
// CHECK-SAME: hls = #lq.target<hls, {clock_ns = 5.000000e+00 : f64, part = "xcu250-figd2104-2L-e", reuse = 4 : i64}>
// CHECK-SAME: nvvm = #lq.target<nvvm, {mma = ["m16n8k16:f16", "m16n8k32:s8", "m16n8k64:e2m1"], ptx = 80 : i64, sm = 90 : i64, smem = 232448 : i64}>
module attributes {lq.target = #lq.target<cpu, {features = ["avx2", "fma", "avx512vnni"], vector_bits = 256, cores = 2, l1d = 32768, l2 = 1048576, l3 = 33554432}>} {
  func.func private @kinds() attributes {
    bare = #lq.target<cpu>,
    nvvm = #lq.target<nvvm, {sm = 90, ptx = 80, smem = 232448, mma = ["m16n8k16:f16", "m16n8k32:s8", "m16n8k64:e2m1"]}>,
    hls = #lq.target<hls, {part = "xcu250-figd2104-2L-e", clock_ns = 5.0, reuse = 4}>}
}
