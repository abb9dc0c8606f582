//===- LQTypes.td - lq format types ------------------------*- tablegen -*-===//
//
// Element types that say what a code means. They are valid as tensor, memref
// and vector elements, unlike upstream !quant.uniform.
//
//===----------------------------------------------------------------------===//

#ifndef LPC_DIALECT_LQ_IR_LQTYPES_TD
#define LPC_DIALECT_LQ_IR_LQTYPES_TD

include "lpc/Dialect/LQ/IR/LQDialect.td"
include "lpc/Dialect/LQ/IR/LQEnums.td"
include "mlir/IR/BuiltinTypeInterfaces.td"

defvar LQ_ElementTraits = [MemRefElementTypeInterface,
                           VectorElementTypeInterface];

def LQ_IntType : LQ_Type<"Int", "int", LQ_ElementTraits> {
  let summary = "Integer codes of any width 1-16";
  let description = [{
    A `width`-bit integer format, signed (two's complement, the default) or
    `unsigned`, optionally `narrow` (the most negative code, or for unsigned
    the largest, is never produced). Widths that are not powers of two are
    first-class and pack densely in memory.

    ```mlir
    !lq.int<3>
    !lq.int<4, unsigned>
    !lq.int<8, narrow>
    ```
  }];
  let parameters = (ins "unsigned":$width, "bool":$isSigned, "bool":$narrow);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
}

def LQ_BipolarType : LQ_Type<"Bipolar", "bipolar", LQ_ElementTraits> {
  let summary = "Binary +-1 format";
  let description = [{
    One bit per element: code 0 means -1 and code 1 means +1 (BNN weights,
    QONNX BipolarQuant). Quantization maps `t >= 0` to +1.

    ```mlir
    tensor<64x!lq.bipolar>
    ```
  }];
}

def LQ_TernaryType : LQ_Type<"Ternary", "ternary", LQ_ElementTraits> {
  let summary = "Ternary {-1, 0, 1} format";
  let description = [{
    Two-bit two's-complement codes restricted to {-1, 0, 1}.

    ```mlir
    tensor<64x!lq.ternary>
    ```
  }];
}

def LQ_MiniFloatType : LQ_Type<"MiniFloat", "float", LQ_ElementTraits> {
  let summary = "Minifloat of any ExMy";
  let description = [{
    A minifloat with `exponentBits` E in 1..8 and `mantissaBits` M in 0..7, an
    optional sign bit, an exponent `bias`, and flags for infinities, the NaN
    encoding (`none`, `ieee`, `allones`, `negzero`) and subnormals. Written
    as a keyword plus the parameters that differ from it: `eXmY` / `ueXmY`
    mean bias 2^(E-1)-1 and no inf/NaN; named keywords (`e4m3fn`, `e5m2`,
    `e2m1`, `ue4m3`, `e8m0`, ...) carry their standard flags.

    ```mlir
    !lq.float<e2m1>
    !lq.float<e4m3fn>
    !lq.float<e8m0>
    !lq.float<e3m2, bias = 4>
    !lq.float<ue4m3, nan = none, subnormals = false>
    ```
  }];
  let parameters = (ins "unsigned":$exponentBits, "unsigned":$mantissaBits,
                        "bool":$isSigned, "int64_t":$bias, "bool":$hasInf,
                        "NanKind":$nan, "bool":$hasSubnormals);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Storage width in bits: E + M + sign.
    unsigned getWidth() const {
      return getExponentBits() + getMantissaBits() + (getIsSigned() ? 1 : 0);
    }
    /// A named or default-flag format from its keyword, or null.
    static MiniFloatType getNamed(::mlir::MLIRContext *ctx, ::llvm::StringRef name);
  }];
}

def LQ_CodebookType : LQ_Type<"Codebook", "codebook", LQ_ElementTraits> {
  let summary = "Codes that index a constant table of 2^b values";
  let description = [{
    A `width`-bit code selects one of `2^width` f32 table entries (NF4,
    learned lookup tables). The table is part of the type; a table that is
    an SSA value (per-group tables) goes through `lq.lookup` instead.
    Quantization picks the nearest entry (ties to the lowest code). The
    keyword `nf4` spells QLoRA's NormalFloat-4 table.

    ```mlir
    !lq.codebook<nf4>
    !lq.codebook<2, [-1.5, -0.5, 0.5, 1.5]>
    ```
  }];
  let parameters = (ins "unsigned":$width, "::mlir::DenseF32ArrayAttr":$table);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    ::llvm::ArrayRef<float> getValues() const { return getTable().asArrayRef(); }
    /// QLoRA's NormalFloat-4 table (the keyword `nf4`).
    static CodebookType getNF4(::mlir::MLIRContext *ctx);
  }];
}

#endif // LPC_DIALECT_LQ_IR_LQTYPES_TD
