//===- LQOps.td - lq operations ----------------------------*- tablegen -*-===//

#ifndef LPC_DIALECT_LQ_IR_LQOPS_TD
#define LPC_DIALECT_LQ_IR_LQOPS_TD

include "lpc/Dialect/LQ/IR/LQDialect.td"
include "lpc/Dialect/LQ/IR/LQEnums.td"
include "lpc/Dialect/LQ/IR/LQAttrs.td"
include "lpc/Dialect/LQ/IR/LQTypes.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

def LQ_FloatTensor : RankedTensorOf<[AnyFloat]>;
// Codes of a quantized format: an lq format type, a signless integer of
// width 1-16 or a builtin f8/f6/f4 type (lpc::lq::getFormat knows it).
def LQ_Code : Type<CPred<"::lpc::lq::getFormat($_self).has_value()">,
    "quantized format code (an lq format, an integer of width 1-16 or a "
    "builtin f8/f6/f4 type)">;
def LQ_CodeTensor : RankedTensorOf<[LQ_Code]>;
// Scales are floats or codes of a format (E8M0 for MX, UE4M3 for NVFP4, ...);
// the verifier checks which.
defvar LQ_ScaleTensor = AnyRankedTensor;

def LQ_QuantizeOp : LQ_Op<"quantize", [Pure, AllShapesMatch<["input", "result"]>]> {
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
  let arguments = (ins LQ_FloatTensor:$input, LQ_ScaleTensor:$scale,
      Optional<AnyRankedTensor>:$zero_point, LQ_LayoutAttr:$layout,
      DefaultValuedAttr<LQ_RoundingModeAttr, "RoundingMode::half_even">:$rounding,
      DefaultValuedAttr<I64Attr, "0">:$seed,
      DefaultValuedAttr<BoolAttr, "true">:$saturate);
  let results = (outs LQ_CodeTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale (`,` $zero_point^)? `layout` $layout (`rounding` $rounding^)?
    attr-dict `:` type($input) `,` type($scale) (`,` type($zero_point)^)?
    `->` type($result)
  }];
  let hasVerifier = 1;
}

def LQ_DynamicQuantizeOp : LQ_Op<"dynamic_quantize", [Pure,
    AllShapesMatch<["input", "result"]>]> {
  let summary = "Quantize with symmetric scales computed from the values";
  let description = [{
    Run-time (dynamic) quantization, as activations are quantized: for each
    group of elements `layout` gives (per tensor, per axis entry or per
    block), `a` is the largest magnitude in the group, the scale is
    `a / qmax` and the codes are `round_half_even(x * (qmax / a))` (0 where
    `a` is 0), saturated to the result's signed integer format, whose
    `qmax = 2^(W-1) - 1`. Both results feed an integer `lq.matmul`; the
    formula is ONNX Runtime's MatMulNBits `accuracy_level = 4` activation
    quantization (for W = 8). Exact semantics: docs/Semantics.md.

    ```mlir
    %q, %s = lq.dynamic_quantize %x layout <block = [1, 128]>
        : tensor<1x4096xf32> -> tensor<1x4096x!lq.int<8>>, tensor<1x32xf32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[F32]>:$input, LQ_LayoutAttr:$layout);
  let results = (outs LQ_CodeTensor:$result,
      RankedTensorOf<[F32]>:$scale);
  let assemblyFormat = [{
    $input `layout` $layout attr-dict `:` type($input) `->` type($result) `,`
    type($scale)
  }];
  let hasVerifier = 1;
}

def LQ_DequantizeOp : LQ_Op<"dequantize", [Pure, AllShapesMatch<["input", "result"]>]> {
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
  let arguments = (ins LQ_CodeTensor:$input, LQ_ScaleTensor:$scale,
      Optional<AnyRankedTensor>:$zero_point, LQ_LayoutAttr:$layout);
  let results = (outs LQ_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale (`,` $zero_point^)? `layout` $layout
    attr-dict `:` type($input) `,` type($scale) (`,` type($zero_point)^)?
    `->` type($result)
  }];
  let hasVerifier = 1;
}

def LQ_BitcastOp : LQ_Op<"bitcast", [Pure, AllShapesMatch<["input", "result"]>]> {
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
  let summary = "Matrix multiply of quantized operands (or a float lhs and a quantized rhs)";
  let description = [{
    Multiplies `lhs` (MxK) by `rhs` (KxN); each operand has its own format,
    scale layout and optional zero point. `acc` chooses the accumulator: `f32`
    accumulates dequantized products, `i32` accumulates integer products per K
    segment (the K-block of the scale layouts) and scales each segment sum.
    With `rhs_transposed`, `rhs` is stored NxK (ONNX Gemm transB,
    MatMulNBits) and its layout refers to that NxK tensor.
    With `out_scale`, the result is quantized to the result element format
    with `out_layout` (`tensor`, or `axis = 1` per output column).

    Weight-only form: the lhs may be a plain `f32` tensor (activations that
    were never quantized, as in MatMulNBits). It then has no scale, zero
    point or layout: `scales(%sb)` names only the rhs scale, `lhs_layout` is
    omitted, the types list only the rhs scale type, and `acc` must be
    `f32`; the lhs enters the products unchanged. Exact semantics:
    docs/Semantics.md.

    ```mlir
    %y = lq.matmul %a, %b scales(%sa, %sb)
        lhs_layout(<axis = 0>) rhs_layout(<block = [32, 1]>) acc(i32)
        : tensor<4x64x!lq.int<8>>, tensor<64x16x!lq.int<4>>,
          tensor<4xf32>, tensor<2x16xf32> -> tensor<4x16xf32>
    %z = lq.matmul %x, %w scales(%sw) rhs_zero_point(%zw : tensor<16x2xi4>)
        rhs_layout(<block = [1, 32]>) rhs_transposed acc(f32)
        : tensor<4x64xf32>, tensor<16x64x!lq.int<4, unsigned>>,
          tensor<16x2xf32> -> tensor<4x16xf32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[LQ_Code, F32]>:$lhs, LQ_CodeTensor:$rhs,
      Optional<LQ_ScaleTensor>:$lhs_scale, LQ_ScaleTensor:$rhs_scale,
      Optional<AnyRankedTensor>:$lhs_zero_point,
      Optional<AnyRankedTensor>:$rhs_zero_point,
      Optional<LQ_ScaleTensor>:$out_scale,
      Optional<AnyRankedTensor>:$out_zero_point,
      OptionalAttr<LQ_LayoutAttr>:$lhs_layout, LQ_LayoutAttr:$rhs_layout,
      UnitAttr:$rhs_transposed,
      OptionalAttr<LQ_LayoutAttr>:$out_layout,
      TypeAttrOf<AnyTypeOf<[F32, I32]>>:$acc,
      DefaultValuedAttr<LQ_RoundingModeAttr, "RoundingMode::half_even">:$rounding,
      DefaultValuedAttr<I64Attr, "0">:$seed);
  let results = (outs AnyRankedTensor:$result);
  let extraClassDeclaration = [{
    /// The K segment of integer accumulation: the smaller K-block of the two
    /// layouts, or std::nullopt when neither scale varies along K.
    std::optional<int64_t> getKSegment();
    /// True for the weight-only form: a plain float lhs without scale.
    bool hasFloatLhs();
  }];
  let builders = [
    // A matmul with a float result, f32 accumulation and round-half-even
    // (what lq-fuse-qdq builds); a null lhs scale makes the weight-only form.
    OpBuilder<(ins "::mlir::Type":$result, "::mlir::Value":$lhs,
        "::mlir::Value":$rhs, "::mlir::Value":$lhsScale,
        "::mlir::Value":$rhsScale, "::mlir::Value":$lhsZeroPoint,
        "::mlir::Value":$rhsZeroPoint, "LayoutAttr":$lhsLayout,
        "LayoutAttr":$rhsLayout, "bool":$rhsTransposed), [{
      build($_builder, $_state, result, lhs, rhs, lhsScale, rhsScale,
            lhsZeroPoint, rhsZeroPoint, /*out_scale=*/::mlir::Value(),
            /*out_zero_point=*/::mlir::Value(), lhsLayout, rhsLayout,
            rhsTransposed, /*out_layout=*/LayoutAttr(),
            $_builder.getF32Type(), RoundingMode::half_even, /*seed=*/0);
    }]>
  ];
  let assemblyFormat = [{
    $lhs `,` $rhs `scales` `(` custom<MatmulScales>($lhs_scale, $rhs_scale) `)`
    (`lhs_zero_point` `(` $lhs_zero_point^ `:` type($lhs_zero_point) `)`)?
    (`rhs_zero_point` `(` $rhs_zero_point^ `:` type($rhs_zero_point) `)`)?
    (`out_scale` `(` $out_scale^ `:` type($out_scale) `)`)?
    (`out_zero_point` `(` $out_zero_point^ `:` type($out_zero_point) `)`)?
    (`lhs_layout` `(` $lhs_layout^ `)`)? `rhs_layout` `(` $rhs_layout `)`
    (`rhs_transposed` $rhs_transposed^)?
    (`out_layout` `(` $out_layout^ `)`)?
    `acc` `(` $acc `)` (`rounding` $rounding^)?
    attr-dict `:` type($lhs) `,` type($rhs) `,`
    custom<MatmulScaleTypes>(type($lhs_scale), type($rhs_scale))
    `->` type($result)
  }];
  let hasVerifier = 1;
}

def LQ_RequantizeOp : LQ_Op<"requantize", [Pure, AttrSizedOperandSegments,
    AllShapesMatch<["input", "result"]>]> {
  let summary = "Rescale integer codes (accumulators) into an integer format";
  let description = [{
    Two forms. Fixed point (with `shift`): `multiplier` holds i32 Q31 values
    M and `shift` integer right shifts s, and
    `q = round((x - zx) * M / 2^(31 + s)) + zy`, computed exactly in integers.
    Float (no `shift`): `multiplier` holds floats m and
    `q = round(f32(x - zx) * m) + zy`. Both saturate to the result format;
    `layout` says where multipliers, shifts and zero points apply. The
    fixed-point form supports every rounding mode but `stochastic`.

    ```mlir
    %y = lq.requantize %acc, %m shift(%s) layout <axis = 1>
        : tensor<4x16xi32>, tensor<16xi32>, tensor<16xi8> -> tensor<4x16x!lq.int<8>>
    %z = lq.requantize %acc, %f zero_point(%zp) layout <tensor> rounding <floor>
        : tensor<4x16xi32>, tensor<f32>, tensor<i8> -> tensor<4x16x!lq.int<4, unsigned>>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$multiplier,
      Optional<AnyRankedTensor>:$shift,
      Optional<AnyRankedTensor>:$input_zero_point,
      Optional<AnyRankedTensor>:$zero_point, LQ_LayoutAttr:$layout,
      DefaultValuedAttr<LQ_RoundingModeAttr, "RoundingMode::half_even">:$rounding,
      DefaultValuedAttr<I64Attr, "0">:$seed);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $multiplier
    (`shift` `(` $shift^ `:` type($shift) `)`)?
    (`input_zero_point` `(` $input_zero_point^ `:` type($input_zero_point) `)`)?
    (`zero_point` `(` $zero_point^ `:` type($zero_point) `)`)?
    `layout` $layout (`rounding` $rounding^)?
    attr-dict `:` type($input) `,` type($multiplier) `->` type($result)
  }];
  let hasVerifier = 1;
}

def LQ_HadamardOp : LQ_Op<"hadamard", [Pure, SameOperandsAndResultType]> {
  let summary = "Walsh-Hadamard transform along the innermost dimension";
  let description = [{
    Multiplies the innermost dimension (size n = m * 2^k, m in {1, 12, 20,
    28}) by the Hadamard matrix H_m (x) H_{2^k}, scaled by 1/sqrt(n) when
    `normalize` (the default), so the transform is orthogonal. This is the
    online rotation of QuaRot/SpinQuant-style pipelines. The reference
    lowering is a fast Walsh-Hadamard transform (docs/Semantics.md gives the
    exact operation order).

    ```mlir
    %y = lq.hadamard %x : tensor<4x96xf32>
    ```
  }];
  let arguments = (ins LQ_FloatTensor:$input,
      DefaultValuedAttr<BoolAttr, "true">:$normalize);
  let results = (outs LQ_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def LQ_LookupOp : LQ_Op<"lookup", [Pure, AllShapesMatch<["input", "result"]>]> {
  let summary = "Decode codes through an SSA lookup table";
  let description = [{
    `result[i] = table[t..., code[i]]` where the leading indices `t...` of the
    table come from `layout` exactly as scale indices do (one table for the
    tensor, per axis, or per block), and the last table dimension has 2^b
    entries for b-bit codes. Codes are unsigned integer formats (or
    codebook codes, whose own table is then ignored). Learned per-group
    lookup tables (LUT-based GEMM) use this form.

    ```mlir
    %w = lq.lookup %codes, %tables layout <block = [1, 64]>
        : tensor<8x128x!lq.int<4, unsigned>>, tensor<8x2x16xf32> -> tensor<8x128xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, LQ_FloatTensor:$table,
      LQ_LayoutAttr:$layout);
  let results = (outs LQ_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $table `layout` $layout attr-dict `:` type($input) `,`
    type($table) `->` type($result)
  }];
  let hasVerifier = 1;
}

def LQ_PackOp : LQ_Op<"pack", [Pure]> {
  let summary = "Pack codes into bytes";
  let description = [{
    Lays codes out in a byte tensor as `packing` says (dense, bit-planes or
    tile-interleaved). Bits past the last code are zero.

    ```mlir
    %b = lq.pack %q packing <dense> : tensor<8x!lq.int<3>> -> tensor<3xi8>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, LQ_PackingAttr:$packing);
  let results = (outs RankedTensorOf<[I8]>:$result);
  let assemblyFormat = [{
    $input `packing` $packing attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def LQ_UnpackOp : LQ_Op<"unpack", [Pure]> {
  let summary = "Unpack codes from bytes";
  let description = [{
    The inverse of `lq.pack`: reads codes of the result type from bytes laid
    out as `packing` says.

    ```mlir
    %q = lq.unpack %b packing <dense> : tensor<3xi8> -> tensor<8x!lq.int<3>>
    ```
  }];
  let arguments = (ins RankedTensorOf<[I8]>:$input, LQ_PackingAttr:$packing);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `packing` $packing attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def LQ_SalientMergeOp : LQ_Op<"salient_merge", [Pure]> {
  let summary = "Put high-precision salient channels back into a tensor";
  let description = [{
    Salient-channel splits keep a few channels (an index list along `axis`)
    in a higher-precision format and the rest in a low one. This op merges
    the two dequantized parts: the result is `base` with channel
    `indices[j]` replaced by channel j of `salient`.

    ```mlir
    %w = lq.salient_merge %low, %high indices [3, 17] axis 0
        : tensor<64x16xf32>, tensor<2x16xf32> -> tensor<64x16xf32>
    ```
  }];
  let arguments = (ins LQ_FloatTensor:$base, LQ_FloatTensor:$salient,
      DenseI64ArrayAttr:$indices, I64Attr:$axis);
  let results = (outs LQ_FloatTensor:$result);
  let assemblyFormat = [{
    $base `,` $salient `indices` $indices `axis` $axis attr-dict `:`
    type($base) `,` type($salient) `->` type($result)
  }];
  let hasVerifier = 1;
}

def LQ_SplitPlanesOp : LQ_Op<"split_planes", [Pure]> {
  let summary = "Decompose b-bit codes into b binary planes";
  let description = [{
    Plane p (the new leading dimension) holds bit p of every code as a
    1-bit unsigned code, so a b-bit tensor becomes b binary planes that can
    carry per-plane scales (`lq.combine_planes`).

    ```mlir
    %p = lq.split_planes %q : tensor<16x!lq.int<3, unsigned>> -> tensor<3x16x!lq.int<1, unsigned>>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def LQ_CombinePlanesOp : LQ_Op<"combine_planes", [Pure]> {
  let summary = "Sum scaled binary planes";
  let description = [{
    `result = sum_p scale_p * value(plane_p)`, p ascending from 0.0, where
    the planes are the leading dimension of `input` (1-bit unsigned or
    bipolar codes) and `layout` places the scales over the whole planes
    tensor (per plane: `<axis = 0>`; per plane and group: a block layout).

    ```mlir
    %x = lq.combine_planes %planes, %s layout <axis = 0>
        : tensor<3x16x!lq.bipolar>, tensor<3xf32> -> tensor<16xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, LQ_ScaleTensor:$scale,
      LQ_LayoutAttr:$layout);
  let results = (outs LQ_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale `layout` $layout attr-dict `:` type($input) `,`
    type($scale) `->` type($result)
  }];
  let hasVerifier = 1;
}

#endif // LPC_DIALECT_LQ_IR_LQOPS_TD
