// RUN: not lpc-opt %s -lq-emulate-narrow-types 2>&1 | FileCheck %s

/// A vector read of packed i4 codes at an index not provably on a byte
/// boundary has no byte load: the pass fails on it.
// CHECK: error: failed to legalize operation 'vector.transfer_read'
func.func @unaligned(%m: memref<64xi4>, %k: index) -> vector<16xi4> {
  %pad = arith.constant 0 : i4
  %v = vector.transfer_read %m[%k], %pad {in_bounds = [true]} : memref<64xi4>, vector<16xi4>
  return %v : vector<16xi4>
}
