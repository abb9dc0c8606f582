// RUN: lpc-opt %s -lpc-cpu-define-intrinsics -split-input-file -verify-diagnostics | FileCheck %s

/// A marked declaration gets a body: one llvm.call_intrinsic of the named
/// intrinsic on its arguments; the mark is gone. Unmarked declarations stay.
// CHECK-LABEL: func.func private @lpc_intrinsic_llvm_x86_avx512_vpdpbusd_512(
// CHECK-SAME: %[[A:.*]]: vector<16xi32>, %[[B:.*]]: vector<64xi8>, %[[C:.*]]: vector<64xi8>) -> vector<16xi32> {
// CHECK-NEXT: %[[R:.*]] = llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%[[A]], %[[B]], %[[C]]) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
// CHECK-NEXT: return %[[R]] : vector<16xi32>
// CHECK-NOT: lpc.llvm_intrinsic
// CHECK: func.func private @other(vector<8xi32>) -> vector<8xi32>
func.func private @lpc_intrinsic_llvm_x86_avx512_vpdpbusd_512(vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32> attributes {lpc.llvm_intrinsic = "llvm.x86.avx512.vpdpbusd.512"}
func.func private @other(vector<8xi32>) -> vector<8xi32>

// -----

// expected-error @+1 {{lpc-cpu-define-intrinsics: lpc.llvm_intrinsic must name an LLVM intrinsic as a string, got 3 : i64}}
func.func private @f(vector<8xi32>) -> vector<8xi32> attributes {lpc.llvm_intrinsic = 3}

// -----

// expected-error @+1 {{lpc-cpu-define-intrinsics: "llvm.x86.avx2.pmadd.wd" must have one result, got 0}}
func.func private @g(vector<16xi16>, vector<16xi16>) attributes {lpc.llvm_intrinsic = "llvm.x86.avx2.pmadd.wd"}
