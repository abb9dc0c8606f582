// RUN: lpc-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(lq-linalg-to-loops))' | FileCheck %s
// RUN: lpc-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(lq-linalg-to-loops{parallel=false}))' | FileCheck %s --check-prefix=SEQ

#id = affine_map<(d0, d1) -> (d0, d1)>
#tr = affine_map<(d0, d1) -> (d1, d0)>

/// Writing i4 (packed two to a byte): sequential loops. Reading i4 and
/// writing f32 or i32: parallel.
// CHECK-LABEL: func.func @writes_i4(
// CHECK-NOT: scf.parallel
// CHECK: scf.for
// CHECK: scf.for
// CHECK: memref.store %{{.*}} : memref<64x2xi4>
// CHECK-NOT: linalg.generic
// SEQ-LABEL: func.func @writes_i4(
// SEQ-NOT: scf.parallel
// SEQ: scf.for
func.func @writes_i4(%x: memref<2x64xf32>, %q: memref<64x2xi4>) {
  linalg.generic {indexing_maps = [#id, #tr], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<2x64xf32>) outs(%q : memref<64x2xi4>) {
  ^bb0(%a: f32, %o: i4):
    %c = arith.fptosi %a : f32 to i4
    linalg.yield %c : i4
  }
  return
}

// CHECK-LABEL: func.func @reads_i4(
// CHECK: scf.parallel
// CHECK: memref.load %{{.*}} : memref<64x2xi4>
// CHECK: memref.store %{{.*}} : memref<64x2xi32>
// CHECK-NOT: scf.for
// SEQ-LABEL: func.func @reads_i4(
// SEQ-NOT: scf.parallel
// SEQ: scf.for
func.func @reads_i4(%q: memref<64x2xi4>, %y: memref<64x2xi32>) {
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%q : memref<64x2xi4>) outs(%y : memref<64x2xi32>) {
  ^bb0(%a: i4, %o: i32):
    %c = arith.extsi %a : i4 to i32
    linalg.yield %c : i32
  }
  return
}

// CHECK-LABEL: func.func @float(
// CHECK: scf.parallel
// CHECK: arith.mulf
// CHECK-NOT: scf.for
// SEQ-LABEL: func.func @float(
// SEQ-NOT: scf.parallel
// SEQ: scf.for
func.func @float(%x: memref<2x64xf32>, %y: memref<2x64xf32>) {
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<2x64xf32>) outs(%y : memref<2x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c = arith.mulf %a, %a : f32
    linalg.yield %c : f32
  }
  return
}

// -----

/// Any width that is not a multiple of 8 is packed: i1, i3 and i12 writers
/// are sequential, also for named ops and reductions; i8 and i16 are not.
// CHECK-LABEL: func.func @widths(
// CHECK: scf.for
// CHECK: memref.store %{{.*}} : memref<16xi1>
// CHECK: scf.for
// CHECK: memref.store %{{.*}} : memref<16xi3>
// CHECK: scf.for
// CHECK: scf.for
// CHECK: memref.store %{{.*}} : memref<4xi12>
// CHECK: scf.parallel
// CHECK: memref.store %{{.*}} : memref<16xi8>
// CHECK: scf.parallel
// CHECK: memref.store %{{.*}} : memref<16xi16>
func.func @widths(%b: memref<16xi1>, %t: memref<16xi3>, %r: memref<4xi12>,
                  %src: memref<4x16xi12>, %c: memref<16xi8>, %s: memref<16xi16>) {
  %true = arith.constant true
  %three = arith.constant 3 : i3
  %one8 = arith.constant 1 : i8
  %one16 = arith.constant 1 : i16
  linalg.fill ins(%true : i1) outs(%b : memref<16xi1>)
  linalg.fill ins(%three : i3) outs(%t : memref<16xi3>)
  linalg.reduce ins(%src : memref<4x16xi12>) outs(%r : memref<4xi12>) dimensions = [1]
    (%in: i12, %acc: i12) {
      %sum = arith.addi %in, %acc : i12
      linalg.yield %sum : i12
    }
  linalg.fill ins(%one8 : i8) outs(%c : memref<16xi8>)
  linalg.fill ins(%one16 : i16) outs(%s : memref<16xi16>)
  return
}
