// RUN: lpc-opt %s | lpc-opt | FileCheck %s
// RUN: lpc-opt %s --mlir-print-op-generic | lpc-opt | FileCheck %s

/// Integer formats: every width, signedness and narrow range print back.
// CHECK-LABEL: func.func @ints(
// CHECK-SAME: tensor<4x!lq.int<1>>
// CHECK-SAME: tensor<4x!lq.int<3>>
// CHECK-SAME: tensor<4x!lq.int<5, unsigned>>
// CHECK-SAME: tensor<4x!lq.int<6, narrow>>
// CHECK-SAME: tensor<4x!lq.int<7, unsigned, narrow>>
// CHECK-SAME: tensor<4x!lq.int<16>>
func.func @ints(%a: tensor<4x!lq.int<1>>, %b: tensor<4x!lq.int<3>>,
                %c: tensor<4x!lq.int<5, unsigned>>, %d: tensor<4x!lq.int<6, narrow>>,
                %e: tensor<4x!lq.int<7, narrow, unsigned>>, %f: tensor<4x!lq.int<16>>) {
  return
}

/// Binary and ternary formats.
// CHECK-LABEL: func.func @binary(
// CHECK-SAME: tensor<4x!lq.bipolar>
// CHECK-SAME: tensor<4x!lq.ternary>
func.func @binary(%a: tensor<4x!lq.bipolar>, %b: tensor<4x!lq.ternary>) {
  return
}

/// Named minifloats print as their keyword.
// CHECK-LABEL: func.func @named(
// CHECK-SAME: !lq.float<e4m3fn>
// CHECK-SAME: !lq.float<e4m3fnuz>
// CHECK-SAME: !lq.float<e5m2>
// CHECK-SAME: !lq.float<e5m2fnuz>
// CHECK-SAME: !lq.float<e3m2>
// CHECK-SAME: !lq.float<e2m3>
// CHECK-SAME: !lq.float<e2m1>
// CHECK-SAME: !lq.float<ue4m3>
// CHECK-SAME: !lq.float<ue5m3>
// CHECK-SAME: !lq.float<e8m0>
// CHECK-SAME: !lq.float<e4m3b11fnuz>
func.func @named(%a: tensor<2x!lq.float<e4m3fn>>, %b: tensor<2x!lq.float<e4m3fnuz>>,
                 %c: tensor<2x!lq.float<e5m2>>, %d: tensor<2x!lq.float<e5m2fnuz>>,
                 %e: tensor<2x!lq.float<e3m2>>, %f: tensor<2x!lq.float<e2m3>>,
                 %g: tensor<2x!lq.float<e2m1>>, %h: tensor<2x!lq.float<ue4m3>>,
                 %i: tensor<2x!lq.float<ue5m3>>, %j: tensor<2x!lq.float<e8m0>>,
                 %k: tensor<2x!lq.float<e4m3b11fnuz>>) {
  return
}

/// Explicit parameters equal to a named format collapse to its keyword;
/// other parameters print relative to the closest keyword.
// CHECK-LABEL: func.func @params(
// CHECK-SAME: !lq.float<e4m3fn>
// CHECK-SAME: !lq.float<e3m2, bias = 4>
// CHECK-SAME: !lq.float<e1m0>
// CHECK-SAME: !lq.float<ue4m3, nan = none, subnormals = false>
// CHECK-SAME: !lq.float<e5m2, inf = false>
// CHECK-SAME: !lq.float<e8m7, inf = true, nan = ieee>
func.func @params(%a: tensor<2x!lq.float<e4m3, nan = allones>>,
                  %b: tensor<2x!lq.float<e3m2, bias = 4>>,
                  %c: tensor<2x!lq.float<e1m0>>,
                  %d: tensor<2x!lq.float<ue4m3, nan = none, subnormals = false>>,
                  %e: tensor<2x!lq.float<e5m2, inf = false>>,
                  %f: tensor<2x!lq.float<e8m7, inf = true, nan = ieee>>) {
  return
}

/// Formats are valid memref and vector elements (unlike !quant.uniform).
// CHECK-LABEL: func.func @containers(
// CHECK-SAME: memref<8x!lq.int<3>>
// CHECK-SAME: vector<8x!lq.float<e2m1>>
func.func @containers(%a: memref<8x!lq.int<3>>, %b: vector<8x!lq.float<e2m1>>) {
  return
}

/// Layout attributes.
// CHECK-LABEL: func.func @layouts(
// CHECK: lq.l = #lq.layout<tensor>
// CHECK-SAME: lq.m = #lq.layout<axis = 2>
// CHECK-SAME: lq.n = #lq.layout<block = [1, 128]>
func.func @layouts() attributes {lq.l = #lq.layout<tensor>, lq.m = #lq.layout<axis = 2>, lq.n = #lq.layout<block = [1, 128]>} {
  return
}

/// Codebooks: NF4 prints by name, other tables in full.
// CHECK-LABEL: func.func @codebooks(
// CHECK-SAME: tensor<4x!lq.codebook<nf4>>
// CHECK-SAME: tensor<4x!lq.codebook<2, [-1.5, -0.5, 0.5, 1.5]>>
func.func @codebooks(%a: tensor<4x!lq.codebook<nf4>>, %b: tensor<4x!lq.codebook<2, [-1.5, -0.5, 0.5, 1.5]>>) {
  return
}

/// Packing attributes.
// CHECK-LABEL: func.func @packings(
// CHECK: lq.a = #lq.packing<dense>
// CHECK-SAME: lq.b = #lq.packing<bitplanes>
// CHECK-SAME: lq.c = #lq.packing<tiles = [4, 16]>
func.func @packings() attributes {lq.a = #lq.packing<dense>, lq.b = #lq.packing<bitplanes>, lq.c = #lq.packing<tiles = [4, 16]>} {
  return
}
