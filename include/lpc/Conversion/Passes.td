//===- Passes.td - lpc conversions -------------------------*- tablegen -*-===//

#ifndef LPC_CONVERSION_PASSES_TD
#define LPC_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertLQToLinalg : Pass<"convert-lq-to-linalg", "::mlir::ModuleOp"> {
  let summary = "Reference lowering of lq ops to linalg, arith and tensor";
  let description = [{
    The obviously-correct lowering every optimized path is tested against. It
    implements docs/Semantics.md exactly for every format, layout, zero point
    and rounding mode: `lq.quantize` and `lq.dequantize` become elementwise
    `linalg.generic` ops whose bodies read scales with `tensor.extract`,
    `lq.matmul` becomes integer or float contractions, and lq element types
    become signless integers of their storage width (`!lq.int<3>` -> `i3`,
    `!lq.float<e2m1>` -> `i4`, `f8E4M3FN` -> `i8`), in function signatures
    too.

    ```mlir
    %q = lq.quantize %x, %s layout<tensor>
        : tensor<8xf32>, tensor<f32> -> tensor<8x!lq.int<3>>
    // becomes a linalg.generic yielding i3
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::tensor::TensorDialect",
    "::mlir::func::FuncDialect"];
}

#endif // LPC_CONVERSION_PASSES_TD
