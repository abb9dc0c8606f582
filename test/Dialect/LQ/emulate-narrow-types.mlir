// RUN: lpc-opt %s -lq-emulate-narrow-types -split-input-file | FileCheck %s

/// 8 x i3 pack into 3 bytes; a load reads the (up to) two bytes an i3 can
/// straddle, shifts by the bit offset and truncates.
// CHECK-LABEL: func.func @load_i3(
// CHECK-SAME: %[[M:.*]]: memref<3xi8>, %[[I:.*]]: index) -> i3
// CHECK: %[[BITS:.*]] = arith.muli %{{.*}}, %c3
// CHECK: %[[BYTE:.*]] = arith.divui %[[BITS]], %c8
// CHECK: %[[BIT:.*]] = arith.remui %[[BITS]], %c8
// CHECK: memref.load %[[M]][%{{.*}}] : memref<3xi8>
// CHECK: memref.load %[[M]][%{{.*}}] : memref<3xi8>
// CHECK-NOT: memref.load
// CHECK: arith.shrui
// CHECK: arith.trunci %{{.*}} : i32 to i3
func.func @load_i3(%m: memref<8xi3>, %i: index) -> i3 {
  %v = memref.load %m[%i] : memref<8xi3>
  return %v : i3
}

// -----

/// A store is a read-modify-write of each byte the code touches; 2-D memrefs
/// are linearized row-major. 4 x 5 x i7 = 140 bits = 18 bytes.
// CHECK-LABEL: func.func @store_i7_2d(
// CHECK-SAME: %[[M:.*]]: memref<18xi8>
// CHECK-COUNT-2: memref.store %{{.*}}, %[[M]][%{{.*}}] : memref<18xi8>
// CHECK-NOT: memref.store
func.func @store_i7_2d(%m: memref<4x5xi7>, %i: index, %j: index, %v: i7) {
  memref.store %v, %m[%i, %j] : memref<4x5xi7>
  return
}

// -----

/// Allocations, globals and copies move to byte buffers; constant codes are
/// packed little-endian by bit: [1, 2, 3, -1] as i3 = 0b111_011_010_001.
// CHECK-LABEL: memref.global "private" constant @codes : memref<2xi8> = dense<[-47, 14]>
// CHECK-LABEL: func.func @buffers(
// CHECK: %[[G:.*]] = memref.get_global @codes : memref<2xi8>
// CHECK: %[[A:.*]] = memref.alloc() : memref<2xi8>
// CHECK: memref.copy %[[G]], %[[A]] : memref<2xi8> to memref<2xi8>
// CHECK: memref.dealloc %[[A]] : memref<2xi8>
memref.global "private" constant @codes : memref<4xi3> = dense<[1, 2, 3, -1]>
func.func @buffers() {
  %g = memref.get_global @codes : memref<4xi3>
  %a = memref.alloc() : memref<4xi3>
  memref.copy %g, %a : memref<4xi3> to memref<4xi3>
  memref.dealloc %a : memref<4xi3>
  return
}

// -----

/// Byte-multiple widths and dynamic shapes are left alone.
// CHECK-LABEL: func.func @negative_untouched(
// CHECK-SAME: memref<4xi8>, %{{.*}}: memref<?xi3>
// CHECK: memref.load %{{.*}} : memref<4xi8>
// CHECK: memref.load %{{.*}} : memref<?xi3>
func.func @negative_untouched(%a: memref<4xi8>, %b: memref<?xi3>, %i: index) -> (i8, i3) {
  %x = memref.load %a[%i] : memref<4xi8>
  %y = memref.load %b[%i] : memref<?xi3>
  return %x, %y : i8, i3
}

// -----

/// Reshapes of a packed buffer are the same bytes (row-major, dense).
// CHECK-LABEL: func.func @reshape(
// CHECK-SAME: %[[M:.*]]: memref<6xi8>) -> memref<6xi8>
// CHECK-NEXT: return %[[M]] : memref<6xi8>
func.func @reshape(%m: memref<4x4xi3>) -> memref<16xi3> {
  %c = memref.collapse_shape %m [[0, 1]] : memref<4x4xi3> into memref<16xi3>
  return %c : memref<16xi3>
}

// -----

/// Loops carry the packed buffer.
// CHECK-LABEL: func.func @loop_carried(
// CHECK-SAME: %[[M:.*]]: memref<3xi8>
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[M]]) -> (memref<3xi8>)
// CHECK: scf.yield %{{.*}} : memref<3xi8>
func.func @loop_carried(%m: memref<8xi3>, %n: index) -> memref<8xi3> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%b = %m) -> (memref<8xi3>) {
    %a = memref.alloc() : memref<8xi3>
    memref.copy %b, %a : memref<8xi3> to memref<8xi3>
    scf.yield %a : memref<8xi3>
  }
  return %r : memref<8xi3>
}

// -----

/// A vector read of whole bytes of i4 codes at a byte-aligned index (the
/// loop steps by 32 codes) loads the bytes; the kernel's bitcast back to
/// bytes folds away.
// CHECK-LABEL: func.func @vector_read_i4(
// CHECK-SAME: %[[M:.*]]: memref<128xi8>
// CHECK: scf.for %[[K:[^ ]*]] =
// CHECK: %[[LIN:.*]] = arith.addi %{{.*}}, %[[K]]
// CHECK: %[[BYTE:.*]] = arith.divui %[[LIN]], %c2
// CHECK: %[[B:.*]] = vector.load %[[M]][%[[BYTE]]] : memref<128xi8>, vector<16xi8>
// CHECK: vector.bitcast %[[B]] : vector<16xi8> to vector<32xi4>
func.func @vector_read_i4(%m: memref<4x64xi4>, %row: index) -> vector<32xi4> {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %c32 = arith.constant 32 : index
  %pad = arith.constant 0 : i4
  %init = arith.constant dense<0> : vector<32xi4>
  %r = scf.for %k = %c0 to %c64 step %c32 iter_args(%acc = %init) -> vector<32xi4> {
    %v = vector.transfer_read %m[%row, %k], %pad {in_bounds = [true]} : memref<4x64xi4>, vector<32xi4>
    %s = arith.addi %acc, %v : vector<32xi4>
    scf.yield %s : vector<32xi4>
  }
  return %r : vector<32xi4>
}
