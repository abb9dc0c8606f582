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
    "::mlir::func::FuncDialect", "::mlir::scf::SCFDialect"];
}

def ConvertQuantToLQ : Pass<"convert-quant-to-lq", "::mlir::ModuleOp"> {
  let summary = "Convert upstream quant casts and !quant.uniform types to lq";
  let description = [{
    Replaces `quant.qcast` with `lq.quantize` and `quant.dcast` with
    `lq.dequantize`, moving the scales and zero points out of the
    `!quant.uniform` type into `arith.constant` tensors: rank 0 for per-tensor
    types (`#lq.layout<tensor>`), rank 1 for per-axis types
    (`#lq.layout<axis = d>`), and the scale tensor of a sub-channel type for
    `#lq.layout<block = [...]>`. Zero points become an integer constant of the
    scale's shape, omitted when all are zero. The storage type becomes
    `!lq.int<W>` or `!lq.int<W, unsigned>`, `narrow` when the storage range
    drops the most negative (or, unsigned, the largest) code; other storage
    ranges, widths over 16 and expressed types other than f32, f16 and bf16
    are rejected. `quant.scast` becomes `lq.bitcast`, and tensors of
    `!quant.uniform` in `func.func`, `func.call` and `func.return` become
    tensors of the lq format. Any other op on `!quant.uniform` values is an
    error. Quantization rounds half to even (quant leaves rounding to the
    lowering; see docs/Rationale.md).

    ```mlir
    %q = quant.qcast %x : tensor<4x8xf32> to tensor<4x8x!quant.uniform<i8:f32:1, {0.5, 0.25, ...}>>
    // becomes
    %s = arith.constant dense<[5.0e-01, 2.5e-01, ...]> : tensor<8xf32>
    %q = lq.quantize %x, %s layout <axis = 1> : tensor<4x8xf32>, tensor<8xf32> -> tensor<4x8x!lq.int<8>>
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::lpc::lq::LQDialect"];
}

def ConvertLQToQuant : Pass<"convert-lq-to-quant", "::mlir::ModuleOp"> {
  let summary = "Convert lq quantize/dequantize with constant scales to quant";
  let description = [{
    The reverse of `convert-quant-to-lq`: an `lq.quantize` or `lq.dequantize`
    whose format is an integer format, whose layout is `tensor`, `axis` or
    `block` (without partial blocks) and whose scale and optional integer
    zero point are constants becomes `quant.qcast` / `quant.dcast` on the
    matching `!quant.uniform` (per-tensor, per-axis or sub-channel) type,
    bridged to the storage integers with `quant.scast`. Tensors of lq
    integer formats become tensors of signless storage integers (in function
    signatures too); `lq.bitcast` bridges them to ops that keep lq types,
    such as `lq.matmul`. Everything else that quant cannot describe (dynamic
    scales, float zero points, minifloat and bipolar formats, rounding other
    than half-even) is an error on the op.

    ```mlir
    %s = arith.constant dense<5.000000e-01> : tensor<f32>
    %q = lq.quantize %x, %s layout <tensor> : tensor<8xf32>, tensor<f32> -> tensor<8x!lq.int<4>>
    // becomes
    %0 = quant.qcast %x : tensor<8xf32> to tensor<8x!quant.uniform<i4:f32, 5.000000e-01>>
    %q = quant.scast %0 : tensor<8x!quant.uniform<i4:f32, 5.000000e-01>> to tensor<8xi4>
    ```
  }];
  let dependentDialects = [
    "::mlir::func::FuncDialect", "::mlir::quant::QuantDialect",
    "::lpc::lq::LQDialect"];
}

#endif // LPC_CONVERSION_PASSES_TD
