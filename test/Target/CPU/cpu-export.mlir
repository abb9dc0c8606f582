// RUN: lpc-opt %s -split-input-file -lpc-cpu-export -verify-diagnostics | FileCheck %s

/// lpc_run loads one pointer per argument: inputs from the first array,
/// outputs from the second.
// CHECK-LABEL: llvm.func @lpc_run(
// CHECK-SAME: %[[IN:.*]]: !llvm.ptr, %[[OUT:.*]]: !llvm.ptr) -> i32
// CHECK: %[[P0:.*]] = llvm.getelementptr %[[IN]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[A:.*]] = llvm.load %[[P0]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[P1:.*]] = llvm.getelementptr %[[IN]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[B:.*]] = llvm.load %[[P1]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[Q0:.*]] = llvm.getelementptr %[[OUT]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[C:.*]] = llvm.load %[[Q0]] : !llvm.ptr -> !llvm.ptr
// CHECK: llvm.call @lpc_main(%[[A]], %[[B]], %[[C]])
// CHECK: llvm.return
module attributes {lpc.num_inputs = 2 : i64} {
  llvm.func @lpc_main(%a: !llvm.ptr, %b: !llvm.ptr, %c: !llvm.ptr) {
    llvm.return
  }
}

// -----

/// negative: nothing to export.
// expected-error @+1 {{lpc-cpu-export: no llvm.func @lpc_main (run lpc-cpu-entry and lower to the LLVM dialect first)}}
module attributes {lpc.num_inputs = 0 : i64} {
}

// -----

/// negative: descriptors instead of bare pointers.
module attributes {lpc.num_inputs = 1 : i64} {
  // expected-error @+1 {{lpc-cpu-export: @lpc_main must take only pointers (bare-pointer calling convention), got 'i64'}}
  llvm.func @lpc_main(%a: !llvm.ptr, %n: i64) {
    llvm.return
  }
}

// -----

/// negative: the input count is unknown.
// expected-error @+1 {{lpc-cpu-export: the number of inputs is unknown (no lpc.num_inputs attribute)}}
module {
  llvm.func @lpc_main(%a: !llvm.ptr) {
    llvm.return
  }
}

// -----

/// negative: more inputs than arguments.
// expected-error @+1 {{lpc-cpu-export: @lpc_main has 1 arguments, fewer than the 3 inputs}}
module attributes {lpc.num_inputs = 3 : i64} {
  llvm.func @lpc_main(%a: !llvm.ptr) {
    llvm.return
  }
}
