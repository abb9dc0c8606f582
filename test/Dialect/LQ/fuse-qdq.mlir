// RUN: lpc-opt %s -lq-fuse-qdq -split-input-file | FileCheck %s

/// The importer's form of MatMul: a generic multiply-accumulate of two
/// dequantized operands into +0.0 becomes lq.matmul on the codes.
// CHECK-LABEL: func.func @generic_matmul(
// CHECK-SAME: %[[QA:[^:]*]]: tensor<4x64x!lq.int<8>>, %[[SA:[^:]*]]: tensor<4xf32>, %[[QB:[^:]*]]: tensor<64x8x!lq.int<4>>, %[[SB:[^:]*]]: tensor<2x8xf32>
// CHECK: %[[Y:.*]] = lq.matmul %[[QA]], %[[QB]] scales(%[[SA]], %[[SB]]) lhs_layout(<axis = 0>) rhs_layout(<block = [32, 1]>) acc(f32) : tensor<4x64x!lq.int<8>>, tensor<64x8x!lq.int<4>>, tensor<4xf32>, tensor<2x8xf32> -> tensor<4x8xf32>
// CHECK-NOT: linalg.generic
// CHECK: return %[[Y]]
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>
func.func @generic_matmul(%qa: tensor<4x64x!lq.int<8>>, %sa: tensor<4xf32>, %qb: tensor<64x8x!lq.int<4>>, %sb: tensor<2x8xf32>) -> tensor<4x8xf32> {
  %a = lq.dequantize %qa, %sa layout <axis = 0> : tensor<4x64x!lq.int<8>>, tensor<4xf32> -> tensor<4x64xf32>
  %b = lq.dequantize %qb, %sb layout <block = [32, 1]> : tensor<64x8x!lq.int<4>>, tensor<2x8xf32> -> tensor<64x8xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : tensor<4x64xf32>, tensor<64x8xf32>) outs(%init : tensor<4x8xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %p = arith.mulf %x, %w : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

/// linalg.matmul with zero points, then a per-column quantize that becomes
/// the matmul's output quantization.
// CHECK-LABEL: func.func @named_matmul_requant(
// CHECK: %[[Y:.*]] = lq.matmul %{{.*}}, %{{.*}} scales(%{{.*}}, %{{.*}}) lhs_zero_point(%{{.*}} : tensor<i8>) rhs_zero_point(%{{.*}} : tensor<8xi8>) out_scale(%{{.*}} : tensor<8xf32>) out_zero_point(%{{.*}} : tensor<8xi8>) lhs_layout(<tensor>) rhs_layout(<axis = 1>) out_layout(<axis = 1>) acc(f32) rounding <floor> : tensor<4x16x!lq.int<8, unsigned>>, tensor<16x8x!lq.int<8>>, tensor<f32>, tensor<8xf32> -> tensor<4x8x!lq.int<8, unsigned>>
// CHECK-NOT: linalg.matmul
// CHECK-NOT: lq.quantize
// CHECK: return %[[Y]]
func.func @named_matmul_requant(%qa: tensor<4x16x!lq.int<8, unsigned>>, %sa: tensor<f32>, %za: tensor<i8>,
                                %qb: tensor<16x8x!lq.int<8>>, %sb: tensor<8xf32>, %zb: tensor<8xi8>,
                                %so: tensor<8xf32>, %zo: tensor<8xi8>) -> tensor<4x8x!lq.int<8, unsigned>> {
  %a = lq.dequantize %qa, %sa, %za layout <tensor> : tensor<4x16x!lq.int<8, unsigned>>, tensor<f32>, tensor<i8> -> tensor<4x16xf32>
  %b = lq.dequantize %qb, %sb, %zb layout <axis = 1> : tensor<16x8x!lq.int<8>>, tensor<8xf32>, tensor<8xi8> -> tensor<16x8xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = linalg.matmul ins(%a, %b : tensor<4x16xf32>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  %q = lq.quantize %y, %so, %zo layout <axis = 1> rounding <floor> : tensor<4x8xf32>, tensor<8xf32>, tensor<8xi8> -> tensor<4x8x!lq.int<8, unsigned>>
  return %q : tensor<4x8x!lq.int<8, unsigned>>
}

// -----

/// Weight-only: a plain f32 lhs times dequantized weights becomes lq.matmul
/// with the float lhs (no lhs scale or layout).
// CHECK-LABEL: func.func @float_lhs(
// CHECK-SAME: %[[X:[^:]*]]: tensor<4x16xf32>, %[[QB:[^:]*]]: tensor<16x8x!lq.int<8>>, %[[SB:[^:]*]]: tensor<8xf32>
// CHECK: %[[Y:.*]] = lq.matmul %[[X]], %[[QB]] scales(%[[SB]]) rhs_layout(<axis = 1>) acc(f32) : tensor<4x16xf32>, tensor<16x8x!lq.int<8>>, tensor<8xf32> -> tensor<4x8xf32>
// CHECK-NOT: linalg.matmul
// CHECK: return %[[Y]]
func.func @float_lhs(%x: tensor<4x16xf32>, %qb: tensor<16x8x!lq.int<8>>, %sb: tensor<8xf32>) -> tensor<4x8xf32> {
  %b = lq.dequantize %qb, %sb layout <axis = 1> : tensor<16x8x!lq.int<8>>, tensor<8xf32> -> tensor<16x8xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = linalg.matmul ins(%x, %b : tensor<4x16xf32>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

/// MatMulNBits-style weights: N x K uint4 codes with K-group scales and zero
/// points, read transposed by the importer's generic; the following quantize
/// becomes the output scale.
// CHECK-LABEL: func.func @float_lhs_transposed_requant(
// CHECK: lq.matmul %{{.*}}, %{{.*}} scales(%{{.*}}) rhs_zero_point(%{{.*}} : tensor<8x2x!lq.int<4, unsigned>>) out_scale(%{{.*}} : tensor<f32>) rhs_layout(<block = [1, 32]>) rhs_transposed out_layout(<tensor>) acc(f32) : tensor<4x64xf32>, tensor<8x64x!lq.int<4, unsigned>>, tensor<8x2xf32> -> tensor<4x8x!lq.int<8>>
// CHECK-NOT: linalg.generic
// CHECK-NOT: lq.quantize
#a = affine_map<(m, n, k) -> (m, k)>
#bt = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>
func.func @float_lhs_transposed_requant(%x: tensor<4x64xf32>, %qb: tensor<8x64x!lq.int<4, unsigned>>, %sb: tensor<8x2xf32>, %zb: tensor<8x2x!lq.int<4, unsigned>>, %so: tensor<f32>) -> tensor<4x8x!lq.int<8>> {
  %b = lq.dequantize %qb, %sb, %zb layout <block = [1, 32]> : tensor<8x64x!lq.int<4, unsigned>>, tensor<8x2xf32>, tensor<8x2x!lq.int<4, unsigned>> -> tensor<8x64xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = linalg.generic {indexing_maps = [#a, #bt, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %b : tensor<4x64xf32>, tensor<8x64xf32>) outs(%init : tensor<4x8xf32>) {
  ^bb0(%p: f32, %w: f32, %acc: f32):
    %m = arith.mulf %p, %w : f32
    %s2 = arith.addf %acc, %m : f32
    linalg.yield %s2 : f32
  } -> tensor<4x8xf32>
  %q = lq.quantize %y, %so layout <tensor> : tensor<4x8xf32>, tensor<f32> -> tensor<4x8x!lq.int<8>>
  return %q : tensor<4x8x!lq.int<8>>
}

// -----

/// Only the lhs is dequantized: lq.matmul needs a quantized rhs, nothing to
/// fuse.
// CHECK-LABEL: func.func @negative_float_rhs(
// CHECK: linalg.matmul
// CHECK-NOT: lq.matmul
func.func @negative_float_rhs(%qa: tensor<4x16x!lq.int<8>>, %sa: tensor<f32>, %w: tensor<16x8xf32>) -> tensor<4x8xf32> {
  %a = lq.dequantize %qa, %sa layout <tensor> : tensor<4x16x!lq.int<8>>, tensor<f32> -> tensor<4x16xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = linalg.matmul ins(%a, %w : tensor<4x16xf32>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

/// A float lhs that is not f32 (linalg.matmul would extend it): not fused.
// CHECK-LABEL: func.func @negative_f16_lhs(
// CHECK: linalg.matmul
// CHECK-NOT: lq.matmul
func.func @negative_f16_lhs(%x: tensor<4x16xf16>, %qb: tensor<16x8x!lq.int<8>>, %sb: tensor<8xf32>) -> tensor<4x8xf32> {
  %b = lq.dequantize %qb, %sb layout <axis = 1> : tensor<16x8x!lq.int<8>>, tensor<8xf32> -> tensor<16x8xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = linalg.matmul ins(%x, %b : tensor<4x16xf16>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

/// An accumulator that does not start at +0.0 (a bias, or -0.0) would
/// change the result: not fused.
// CHECK-LABEL: func.func @negative_nonzero_init(
// CHECK: linalg.matmul
// CHECK-NOT: lq.matmul
func.func @negative_nonzero_init(%qa: tensor<4x16x!lq.int<8>>, %qb: tensor<16x8x!lq.int<8>>, %s: tensor<f32>) -> tensor<4x8xf32> {
  %a = lq.dequantize %qa, %s layout <tensor> : tensor<4x16x!lq.int<8>>, tensor<f32> -> tensor<4x16xf32>
  %b = lq.dequantize %qb, %s layout <tensor> : tensor<16x8x!lq.int<8>>, tensor<f32> -> tensor<16x8xf32>
  %zero = arith.constant -0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = linalg.matmul ins(%a, %b : tensor<4x16xf32>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

/// A B operand read as (n, k) (Gemm transB) fuses with rhs_transposed.
// CHECK-LABEL: func.func @generic_transposed(
// CHECK: lq.matmul %{{.*}}, %{{.*}} scales(%{{.*}}, %{{.*}}) lhs_layout(<tensor>) rhs_layout(<axis = 0>) rhs_transposed acc(f32) : tensor<4x16x!lq.int<8>>, tensor<8x16x!lq.int<8>>, tensor<f32>, tensor<8xf32> -> tensor<4x8xf32>
// CHECK-NOT: linalg.generic
#a = affine_map<(m, n, k) -> (m, k)>
#bt = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>
func.func @generic_transposed(%qa: tensor<4x16x!lq.int<8>>, %qb: tensor<8x16x!lq.int<8>>, %s: tensor<f32>, %sb: tensor<8xf32>) -> tensor<4x8xf32> {
  %a = lq.dequantize %qa, %s layout <tensor> : tensor<4x16x!lq.int<8>>, tensor<f32> -> tensor<4x16xf32>
  %b = lq.dequantize %qb, %sb layout <axis = 0> : tensor<8x16x!lq.int<8>>, tensor<8xf32> -> tensor<8x16xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = linalg.generic {indexing_maps = [#a, #bt, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : tensor<4x16xf32>, tensor<8x16xf32>) outs(%init : tensor<4x8xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %p = arith.mulf %x, %w : f32
    %s2 = arith.addf %acc, %p : f32
    linalg.yield %s2 : f32
  } -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

/// Recognized by structure, not by the importer's form: a hand-written
/// generic with the loops in another order (n, k, m) and B read as (n, k).
// CHECK-LABEL: func.func @generic_permuted_loops_transposed(
// CHECK: lq.matmul %{{.*}}, %{{.*}} scales(%{{.*}}, %{{.*}}) lhs_layout(<tensor>) rhs_layout(<tensor>) rhs_transposed acc(f32) : tensor<4x16x!lq.int<8>>, tensor<8x16x!lq.int<4>>, tensor<f32>, tensor<f32> -> tensor<4x8xf32>
// CHECK-NOT: linalg.generic
#a = affine_map<(n, k, m) -> (m, k)>
#bt = affine_map<(n, k, m) -> (n, k)>
#c = affine_map<(n, k, m) -> (m, n)>
func.func @generic_permuted_loops_transposed(%qa: tensor<4x16x!lq.int<8>>, %qb: tensor<8x16x!lq.int<4>>, %s: tensor<f32>) -> tensor<4x8xf32> {
  %a = lq.dequantize %qa, %s layout <tensor> : tensor<4x16x!lq.int<8>>, tensor<f32> -> tensor<4x16xf32>
  %b = lq.dequantize %qb, %s layout <tensor> : tensor<8x16x!lq.int<4>>, tensor<f32> -> tensor<8x16xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = linalg.generic {indexing_maps = [#a, #bt, #c], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : tensor<4x16xf32>, tensor<8x16xf32>) outs(%init : tensor<4x8xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %p = arith.mulf %w, %x : f32
    %s2 = arith.addf %p, %acc : f32
    linalg.yield %s2 : f32
  } -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

/// A named linalg.matmul with indexing_maps that read B transposed.
// CHECK-LABEL: func.func @named_matmul_indexing_maps(
// CHECK: lq.matmul %{{.*}}, %{{.*}} scales(%{{.*}}, %{{.*}}) lhs_layout(<tensor>) rhs_layout(<axis = 0>) rhs_transposed acc(f32) : tensor<4x16x!lq.int<8>>, tensor<8x16x!lq.int<8>>, tensor<f32>, tensor<8xf32> -> tensor<4x8xf32>
// CHECK-NOT: linalg.matmul
func.func @named_matmul_indexing_maps(%qa: tensor<4x16x!lq.int<8>>, %qb: tensor<8x16x!lq.int<8>>, %s: tensor<f32>, %sb: tensor<8xf32>) -> tensor<4x8xf32> {
  %a = lq.dequantize %qa, %s layout <tensor> : tensor<4x16x!lq.int<8>>, tensor<f32> -> tensor<4x16xf32>
  %b = lq.dequantize %qb, %sb layout <axis = 0> : tensor<8x16x!lq.int<8>>, tensor<8xf32> -> tensor<8x16xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%a, %b : tensor<4x16xf32>, tensor<8x16xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

/// A read as (k, m) (transposed A) has no lq.matmul form: not fused.
// CHECK-LABEL: func.func @negative_transposed_lhs(
// CHECK: linalg.matmul
// CHECK-NOT: lq.matmul
func.func @negative_transposed_lhs(%qa: tensor<16x4x!lq.int<8>>, %qb: tensor<16x8x!lq.int<8>>, %s: tensor<f32>) -> tensor<4x8xf32> {
  %a = lq.dequantize %qa, %s layout <tensor> : tensor<16x4x!lq.int<8>>, tensor<f32> -> tensor<16x4xf32>
  %b = lq.dequantize %qb, %s layout <tensor> : tensor<16x8x!lq.int<8>>, tensor<f32> -> tensor<16x8xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%a, %b : tensor<16x4xf32>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

/// A batched contraction (a batch dimension) is not a 2-D matmul: not fused.
// CHECK-LABEL: func.func @negative_batch_matmul(
// CHECK: linalg.batch_matmul
// CHECK-NOT: lq.matmul
func.func @negative_batch_matmul(%qa: tensor<2x4x16x!lq.int<8>>, %qb: tensor<2x16x8x!lq.int<8>>, %s: tensor<f32>) -> tensor<2x4x8xf32> {
  %a = lq.dequantize %qa, %s layout <tensor> : tensor<2x4x16x!lq.int<8>>, tensor<f32> -> tensor<2x4x16xf32>
  %b = lq.dequantize %qb, %s layout <tensor> : tensor<2x16x8x!lq.int<8>>, tensor<f32> -> tensor<2x16x8xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %y = linalg.batch_matmul ins(%a, %b : tensor<2x4x16xf32>, tensor<2x16x8xf32>) outs(%init : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %y : tensor<2x4x8xf32>
}

// -----

/// A body that is not multiply-add is not a matmul.
// CHECK-LABEL: func.func @negative_body(
// CHECK: linalg.generic
// CHECK-NOT: lq.matmul
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>
func.func @negative_body(%qa: tensor<4x16x!lq.int<8>>, %qb: tensor<16x8x!lq.int<8>>, %s: tensor<f32>) -> tensor<4x8xf32> {
  %a = lq.dequantize %qa, %s layout <tensor> : tensor<4x16x!lq.int<8>>, tensor<f32> -> tensor<4x16xf32>
  %b = lq.dequantize %qb, %s layout <tensor> : tensor<16x8x!lq.int<8>>, tensor<f32> -> tensor<16x8xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : tensor<4x16xf32>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %p = arith.subf %x, %w : f32
    %s2 = arith.addf %acc, %p : f32
    linalg.yield %s2 : f32
  } -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

/// A grouped 2-D convolution of a zero-padded dequantized input by
/// per-channel dequantized weights: per group, the codes are padded with the
/// zero-point code, gathered into patches (im2col) and multiplied by the
/// group's weight codes with lq.matmul (rhs_transposed); a generic puts the
/// groups' results into the output layout.
// CHECK-LABEL: func.func @grouped_conv(
// CHECK-SAME: %[[X:[^:]*]]: tensor<1x4x5x5x!lq.int<8, unsigned>>, %[[SX:[^:]*]]: tensor<f32>, %[[ZX:[^:]*]]: tensor<!lq.int<8, unsigned>>, %[[W:[^:]*]]: tensor<6x2x3x3x!lq.int<4>>, %[[SW:[^:]*]]: tensor<6xf32>
// CHECK: %[[XS:.*]] = lq.bitcast %[[X]] : tensor<1x4x5x5x!lq.int<8, unsigned>> to tensor<1x4x5x5xi8>
// CHECK: %[[ZS:.*]] = lq.bitcast %[[ZX]] : tensor<!lq.int<8, unsigned>> to tensor<i8>
// CHECK: %[[PV:.*]] = tensor.extract %[[ZS]][] : tensor<i8>
// CHECK: tensor.pad %[[XS]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[PV]] : i8
// CHECK-COUNT-2: lq.matmul %{{.*}}, %{{.*}} scales(%[[SX]], %{{.*}}) lhs_zero_point(%[[ZX]] : tensor<!lq.int<8, unsigned>>) lhs_layout(<tensor>) rhs_layout(<axis = 0>) rhs_transposed acc(f32) : tensor<25x18x!lq.int<8, unsigned>>, tensor<3x18x!lq.int<4>>, tensor<f32>, tensor<3xf32> -> tensor<25x3xf32>
// CHECK: %[[ALL:.*]] = tensor.concat dim(0) {{.*}} -> tensor<2x1x5x5x3xf32>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%[[ALL]] : tensor<2x1x5x5x3xf32>) outs(%{{.*}} : tensor<1x2x3x5x5xf32>)
// CHECK-NOT: linalg.conv_2d_ngchw_gfchw
func.func @grouped_conv(%qx: tensor<1x4x5x5x!lq.int<8, unsigned>>, %sx: tensor<f32>, %zx: tensor<!lq.int<8, unsigned>>,
                        %qw: tensor<6x2x3x3x!lq.int<4>>, %sw: tensor<6xf32>) -> tensor<1x2x3x5x5xf32> {
  %x = lq.dequantize %qx, %sx, %zx layout <tensor> : tensor<1x4x5x5x!lq.int<8, unsigned>>, tensor<f32>, tensor<!lq.int<8, unsigned>> -> tensor<1x4x5x5xf32>
  %w = lq.dequantize %qw, %sw layout <axis = 0> : tensor<6x2x3x3x!lq.int<4>>, tensor<6xf32> -> tensor<6x2x3x3xf32>
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x4x5x5xf32> to tensor<1x4x7x7xf32>
  %xe = tensor.expand_shape %p [[0], [1, 2], [3], [4]] output_shape [1, 2, 2, 7, 7] : tensor<1x4x7x7xf32> into tensor<1x2x2x7x7xf32>
  %we = tensor.expand_shape %w [[0, 1], [2], [3], [4]] output_shape [2, 3, 2, 3, 3] : tensor<6x2x3x3xf32> into tensor<2x3x2x3x3xf32>
  %e = tensor.empty() : tensor<1x2x3x5x5xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x3x5x5xf32>) -> tensor<1x2x3x5x5xf32>
  %y = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%xe, %we : tensor<1x2x2x7x7xf32>, tensor<2x3x2x3x3xf32>) outs(%init : tensor<1x2x3x5x5xf32>) -> tensor<1x2x3x5x5xf32>
  return %y : tensor<1x2x3x5x5xf32>
}

// -----

/// A convolution whose input scale varies per channel is left alone.
// CHECK-LABEL: func.func @conv_per_channel_input(
// CHECK: linalg.conv_2d_ngchw_gfchw
// CHECK-NOT: lq.matmul
func.func @conv_per_channel_input(%qx: tensor<1x2x4x4xi8>, %sx: tensor<2xf32>, %qw: tensor<3x2x2x2xi8>, %sw: tensor<f32>) -> tensor<1x1x3x3x3xf32> {
  %x = lq.dequantize %qx, %sx layout <axis = 1> : tensor<1x2x4x4xi8>, tensor<2xf32> -> tensor<1x2x4x4xf32>
  %w = lq.dequantize %qw, %sw layout <tensor> : tensor<3x2x2x2xi8>, tensor<f32> -> tensor<3x2x2x2xf32>
  %zero = arith.constant 0.0 : f32
  %xe = tensor.expand_shape %x [[0], [1, 2], [3], [4]] output_shape [1, 1, 2, 4, 4] : tensor<1x2x4x4xf32> into tensor<1x1x2x4x4xf32>
  %we = tensor.expand_shape %w [[0, 1], [2], [3], [4]] output_shape [1, 3, 2, 2, 2] : tensor<3x2x2x2xf32> into tensor<1x3x2x2x2xf32>
  %e = tensor.empty() : tensor<1x1x3x3x3xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1x3x3x3xf32>) -> tensor<1x1x3x3x3xf32>
  %y = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%xe, %we : tensor<1x1x2x4x4xf32>, tensor<1x3x2x2x2xf32>) outs(%init : tensor<1x1x3x3x3xf32>) -> tensor<1x1x3x3x3xf32>
  return %y : tensor<1x1x3x3x3xf32>
}

// -----

/// Convolutions are recognized by structure: a named NHWC/HWCF convolution
/// with strides and dilations. Its reduction loops are (kh, kw, c), so the
/// patch columns and the weight matrix follow that order.
// CHECK-LABEL: func.func @conv_nhwc_hwcf(
// CHECK-SAME: %[[X:[^:]*]]: tensor<1x9x9x3xi8>, %[[SX:[^:]*]]: tensor<f32>, %[[W:[^:]*]]: tensor<2x2x3x4xi8>, %[[SW:[^:]*]]: tensor<4xf32>
// CHECK: %[[P:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<1x4x4x2x2x3xi8>)
// CHECK: tensor.extract %[[X]][{{.*}}] : tensor<1x9x9x3xi8>
// CHECK: %[[LHS:.*]] = tensor.collapse_shape %[[P]] {{\[}}[0, 1, 2], [3, 4, 5]] : tensor<1x4x4x2x2x3xi8> into tensor<16x12xi8>
// CHECK: %[[WG:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<4x2x2x3xi8>)
// CHECK: %[[F:.*]] = linalg.index 0 : index
// CHECK: %[[KH:.*]] = linalg.index 1 : index
// CHECK: %[[KW:.*]] = linalg.index 2 : index
// CHECK: %[[C:.*]] = linalg.index 3 : index
// CHECK: tensor.extract %[[W]][%[[KH]], %[[KW]], %[[C]], %[[F]]] : tensor<2x2x3x4xi8>
// CHECK: %[[RHS:.*]] = tensor.collapse_shape %[[WG]] {{\[}}[0], [1, 2, 3]] : tensor<4x2x2x3xi8> into tensor<4x12xi8>
// CHECK: %[[WS:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<4xf32>)
// CHECK: tensor.extract %[[SW]]
// CHECK: lq.matmul %[[LHS]], %[[RHS]] scales(%[[SX]], %[[WS]]) lhs_layout(<tensor>) rhs_layout(<axis = 0>) rhs_transposed acc(f32) : tensor<16x12xi8>, tensor<4x12xi8>, tensor<f32>, tensor<4xf32> -> tensor<16x4xf32>
// CHECK-NOT: linalg.conv_2d_nhwc_hwcf
func.func @conv_nhwc_hwcf(%qx: tensor<1x9x9x3xi8>, %sx: tensor<f32>, %qw: tensor<2x2x3x4xi8>, %sw: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  %x = lq.dequantize %qx, %sx layout <tensor> : tensor<1x9x9x3xi8>, tensor<f32> -> tensor<1x9x9x3xf32>
  %w = lq.dequantize %qw, %sw layout <axis = 3> : tensor<2x2x3x4xi8>, tensor<4xf32> -> tensor<2x2x3x4xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x4x4xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<2> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%x, %w : tensor<1x9x9x3xf32>, tensor<2x2x3x4xf32>) outs(%init : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

// -----

/// A hand-written NCHW/FCHW convolution generic, its loops in the order
/// (n, kh, f, oh, kw, ow, c): the reduction order is (kh, kw, c).
// CHECK-LABEL: func.func @generic_conv(
// CHECK-SAME: %[[X:[^:]*]]: tensor<1x2x4x4xi8>, %{{[^:]*}}: tensor<f32>, %[[W:[^:]*]]: tensor<5x2x2x2xi8>
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x3x3x2x2x2xi8>)
// CHECK: %[[OH:.*]] = linalg.index 1 : index
// CHECK: %[[OW:.*]] = linalg.index 2 : index
// CHECK: %[[KH:.*]] = linalg.index 3 : index
// CHECK: %[[KW:.*]] = linalg.index 4 : index
// CHECK: %[[C:.*]] = linalg.index 5 : index
// CHECK: %[[H:.*]] = arith.addi %[[OH]], %[[KH]] : index
// CHECK: %[[WI:.*]] = arith.addi %[[OW]], %[[KW]] : index
// CHECK: tensor.extract %[[X]][%{{.*}}, %[[C]], %[[H]], %[[WI]]] : tensor<1x2x4x4xi8>
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<5x2x2x2xi8>)
// CHECK: %[[F:.*]] = linalg.index 0 : index
// CHECK: %[[KH2:.*]] = linalg.index 1 : index
// CHECK: %[[KW2:.*]] = linalg.index 2 : index
// CHECK: %[[C2:.*]] = linalg.index 3 : index
// CHECK: tensor.extract %[[W]][%[[F]], %[[C2]], %[[KH2]], %[[KW2]]] : tensor<5x2x2x2xi8>
// CHECK: lq.matmul {{.*}} : tensor<9x8xi8>, tensor<5x8xi8>, tensor<f32>, tensor<f32> -> tensor<9x5xf32>
// CHECK-NOT: arith.mulf
func.func @generic_conv(%qx: tensor<1x2x4x4xi8>, %sx: tensor<f32>, %qw: tensor<5x2x2x2xi8>, %sw: tensor<f32>) -> tensor<1x5x3x3xf32> {
  %x = lq.dequantize %qx, %sx layout <tensor> : tensor<1x2x4x4xi8>, tensor<f32> -> tensor<1x2x4x4xf32>
  %w = lq.dequantize %qw, %sw layout <tensor> : tensor<5x2x2x2xi8>, tensor<f32> -> tensor<5x2x2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x5x3x3xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x5x3x3xf32>) -> tensor<1x5x3x3xf32>
  %y = linalg.generic {
      indexing_maps = [affine_map<(n, kh, f, oh, kw, ow, c) -> (n, c, oh + kh, ow + kw)>,
                       affine_map<(n, kh, f, oh, kw, ow, c) -> (f, c, kh, kw)>,
                       affine_map<(n, kh, f, oh, kw, ow, c) -> (n, f, oh, ow)>],
      iterator_types = ["parallel", "reduction", "parallel", "parallel", "reduction", "parallel", "reduction"]}
      ins(%x, %w : tensor<1x2x4x4xf32>, tensor<5x2x2x2xf32>) outs(%init : tensor<1x5x3x3xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %b, %a : f32
    %s = arith.addf %p, %acc : f32
    linalg.yield %s : f32
  } -> tensor<1x5x3x3xf32>
  return %y : tensor<1x5x3x3xf32>
}

// -----

/// A convolution-shaped generic whose body is not a multiply-add is left
/// alone.
// CHECK-LABEL: func.func @negative_conv_body(
// CHECK: arith.subf
// CHECK-NOT: lq.matmul
func.func @negative_conv_body(%qx: tensor<1x2x4x4xi8>, %sx: tensor<f32>, %qw: tensor<5x2x2x2xi8>, %sw: tensor<f32>) -> tensor<1x5x3x3xf32> {
  %x = lq.dequantize %qx, %sx layout <tensor> : tensor<1x2x4x4xi8>, tensor<f32> -> tensor<1x2x4x4xf32>
  %w = lq.dequantize %qw, %sw layout <tensor> : tensor<5x2x2x2xi8>, tensor<f32> -> tensor<5x2x2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x5x3x3xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x5x3x3xf32>) -> tensor<1x5x3x3xf32>
  %y = linalg.generic {
      indexing_maps = [affine_map<(n, f, oh, ow, c, kh, kw) -> (n, c, oh + kh, ow + kw)>,
                       affine_map<(n, f, oh, ow, c, kh, kw) -> (f, c, kh, kw)>,
                       affine_map<(n, f, oh, ow, c, kh, kw) -> (n, f, oh, ow)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
      ins(%x, %w : tensor<1x2x4x4xf32>, tensor<5x2x2x2xf32>) outs(%init : tensor<1x5x3x3xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.subf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x5x3x3xf32>
  return %y : tensor<1x5x3x3xf32>
}
