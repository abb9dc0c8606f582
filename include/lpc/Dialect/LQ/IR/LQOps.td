//===- LQOps.td - lq operations ----------------------------*- tablegen -*-===//

#ifndef LPC_DIALECT_LQ_IR_LQOPS_TD
#define LPC_DIALECT_LQ_IR_LQOPS_TD

include "lpc/Dialect/LQ/IR/LQDialect.td"
include "lpc/Dialect/LQ/IR/LQEnums.td"
include "lpc/Dialect/LQ/IR/LQAttrs.td"
include "lpc/Dialect/LQ/IR/LQTypes.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

def LQ_FloatTensor : RankedTensorOf<[AnyFloat]>;

def LQ_QuantizeOp : LQ_Op<"quantize", [Pure]> {
  let summary = "Quantize real values to codes of a format";
  let description = [{
    Divides each element by its scale (from `layout`), applies the optional
    zero point (an integer zero point for integer formats, or a float offset
    for any format), rounds with `rounding` and saturates to the result
    element format. `seed` feeds stochastic rounding. With `saturate = false`,
    out-of-range values become Inf or NaN where the format has them. Exact
    semantics: docs/Semantics.md.

    ```mlir
    %q = lq.quantize %x, %s layout <axis = 1> rounding <floor>
        : tensor<4x8xf32>, tensor<8xf32> -> tensor<4x8x!lq.int<3>>
    %f = lq.quantize %x, %s, %zp layout <block = [1, 32]>
        : tensor<4x64xf32>, tensor<4x2xf32>, tensor<4x2xi8>
        -> tensor<4x64x!lq.int<8, unsigned>>
    ```
  }];
  let arguments = (ins LQ_FloatTensor:$input, LQ_FloatTensor:$scale,
      Optional<AnyRankedTensor>:$zero_point, LQ_LayoutAttr:$layout,
      DefaultValuedAttr<LQ_RoundingModeAttr, "RoundingMode::half_even">:$rounding,
      DefaultValuedAttr<I64Attr, "0">:$seed,
      DefaultValuedAttr<BoolAttr, "true">:$saturate);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale (`,` $zero_point^)? `layout` $layout (`rounding` $rounding^)?
    attr-dict `:` type($input) `,` type($scale) (`,` type($zero_point)^)?
    `->` type($result)
  }];
  let hasVerifier = 1;
}

def LQ_DequantizeOp : LQ_Op<"dequantize", [Pure]> {
  let summary = "Dequantize codes to real values";
  let description = [{
    Decodes each code and applies its scale and optional zero point from
    `layout`: `x = (q - z) * s` for integer zero points, `x = value(q) * s + o`
    for a float offset. Exact semantics: docs/Semantics.md.

    ```mlir
    %x = lq.dequantize %q, %s layout <block = [1, 128]>
        : tensor<64x256x!lq.int<4>>, tensor<64x2xf32> -> tensor<64x256xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, LQ_FloatTensor:$scale,
      Optional<AnyRankedTensor>:$zero_point, LQ_LayoutAttr:$layout);
  let results = (outs LQ_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale (`,` $zero_point^)? `layout` $layout
    attr-dict `:` type($input) `,` type($scale) (`,` type($zero_point)^)?
    `->` type($result)
  }];
  let hasVerifier = 1;
}

def LQ_BitcastOp : LQ_Op<"bitcast", [Pure]> {
  let summary = "Reinterpret codes as storage integers or another format";
  let description = [{
    Reinterprets the codes of a tensor without changing any bit: between an
    lq format, a builtin small float (f8/f6/f4) and the signless integer of the
    same storage width. This is how packed weights and raw codes enter and
    leave lq.

    ```mlir
    %c = lq.bitcast %q : tensor<8x!lq.int<3>> to tensor<8xi3>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def LQ_MatmulOp : LQ_Op<"matmul", [Pure, AttrSizedOperandSegments]> {
  let summary = "Matrix multiply of two quantized operands";
  let description = [{
    Multiplies `lhs` (MxK) by `rhs` (KxN); each operand has its own format,
    scale layout and optional zero point. `acc` chooses the accumulator: `f32`
    accumulates dequantized products, `i32` accumulates integer products per K
    segment (the K-block of the scale layouts) and scales each segment sum.
    With `out_scale`, the result is quantized to the result element format
    with `out_layout` (`tensor`, or `axis = 1` per output column). Exact
    semantics: docs/Semantics.md.

    ```mlir
    %y = lq.matmul %a, %b scales(%sa, %sb)
        lhs_layout(<axis = 0>) rhs_layout(<block = [32, 1]>) acc(i32)
        : tensor<4x64x!lq.int<8>>, tensor<64x16x!lq.int<4>>,
          tensor<4xf32>, tensor<2x16xf32> -> tensor<4x16xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs,
      LQ_FloatTensor:$lhs_scale, LQ_FloatTensor:$rhs_scale,
      Optional<AnyRankedTensor>:$lhs_zero_point,
      Optional<AnyRankedTensor>:$rhs_zero_point,
      Optional<LQ_FloatTensor>:$out_scale,
      Optional<AnyRankedTensor>:$out_zero_point,
      LQ_LayoutAttr:$lhs_layout, LQ_LayoutAttr:$rhs_layout,
      OptionalAttr<LQ_LayoutAttr>:$out_layout,
      TypeAttr:$acc,
      DefaultValuedAttr<LQ_RoundingModeAttr, "RoundingMode::half_even">:$rounding,
      DefaultValuedAttr<I64Attr, "0">:$seed);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs `scales` `(` $lhs_scale `,` $rhs_scale `)`
    (`lhs_zero_point` `(` $lhs_zero_point^ `:` type($lhs_zero_point) `)`)?
    (`rhs_zero_point` `(` $rhs_zero_point^ `:` type($rhs_zero_point) `)`)?
    (`out_scale` `(` $out_scale^ `:` type($out_scale) `)`)?
    (`out_zero_point` `(` $out_zero_point^ `:` type($out_zero_point) `)`)?
    `lhs_layout` `(` $lhs_layout `)` `rhs_layout` `(` $rhs_layout `)`
    (`out_layout` `(` $out_layout^ `)`)?
    `acc` `(` $acc `)` (`rounding` $rounding^)?
    attr-dict `:` type($lhs) `,` type($rhs) `,` type($lhs_scale) `,`
    type($rhs_scale) `->` type($result)
  }];
  let hasVerifier = 1;
}

#endif // LPC_DIALECT_LQ_IR_LQOPS_TD
