//===- Passes.td - lq transforms ---------------------------*- tablegen -*-===//

#ifndef LPC_DIALECT_LQ_TRANSFORMS_PASSES_TD
#define LPC_DIALECT_LQ_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def LQEmulateNarrowTypes : Pass<"lq-emulate-narrow-types", "::mlir::ModuleOp"> {
  let summary = "Pack memrefs of sub-byte and odd-width integers densely into i8 memrefs";
  let description = [{
    Rewrites every statically shaped, identity-layout `memref<...xiN>` with N
    not a multiple of 8 (1-7 and 9-15, including the non-powers of two 3, 5, 6
    and 7 that upstream's narrow-type emulation does not cover) into a
    `memref<ceil(numel*N/8)xi8>` holding the codes densely packed,
    little-endian by bit: 8 x i3 occupy 3 bytes. Loads become byte loads,
    shifts and masks; stores become read-modify-write of the bytes a code
    touches. Handles alloc/alloca/dealloc, load/store, copy, globals and
    get_global, and function signatures, calls and returns. Runs after
    bufferization and after linalg is lowered to loops.

    A 1-D in-bounds `vector.transfer_read` of whole bytes from a packed
    buffer of a width that divides 8 (i1, i2, i4), at an index this pass
    proves byte-aligned (constants, sums, products, loop induction
    variables), becomes a `vector.load` of the bytes and a `vector.bitcast`.
    These reads come from `lpc-cpu-vectorize-matmul`, which bitcasts the
    codes back to bytes and unpacks nibbles with shifts; a read not provably
    aligned is an error.

    ```mlir
    %m = memref.alloc() : memref<8xi3>      // becomes memref<3xi8>
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::vector::VectorDialect"];
}

def LQLinalgToLoops : Pass<"lq-linalg-to-loops", "::mlir::func::FuncOp"> {
  let summary = "Lower linalg ops on buffers to loops, sequential where they "
                "write packed sub-byte buffers";
  let description = [{
    Replaces every linalg op with buffer semantics by a loop nest, like
    upstream's `convert-linalg-to-loops` / `convert-linalg-to-parallel-loops`.
    With `parallel` (the default) an op becomes `scf.parallel` over its
    parallel dimensions, except when one of the buffers it writes has an
    element type that `lq-emulate-narrow-types` packs densely (an integer
    width that is not a multiple of 8, e.g. i1, i3, i4): neighbouring
    elements of such a buffer share bytes, and every store becomes a
    read-modify-write of those bytes, so stores from different threads would
    race. Those ops become sequential `scf.for` nests. Without `parallel`
    every op becomes `scf.for`. Ops that only read packed buffers stay
    parallel.

    ```mlir
    linalg.generic ... outs(%m : memref<64x2xi4>)   // scf.for
    linalg.generic ... outs(%f : memref<64x2xf32>)  // scf.parallel
    ```
  }];
  let options = [
    Option<"parallel", "parallel", "bool", /*default=*/"true",
           "Emit scf.parallel for ops that do not write packed buffers">
  ];
  let dependentDialects = ["::mlir::affine::AffineDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

def LQFuseQDQ : Pass<"lq-fuse-qdq"> {
  let summary = "Fuse dequantize -> matmul (-> quantize) chains into lq.matmul";
  let description = [{
    A float matrix product (`linalg.matmul`, or a `linalg.generic` with the
    same maps and a multiply-add body, as the ONNX importer emits for MatMul
    and Gemm) whose two operands are `lq.dequantize` results and whose
    accumulator starts at +0.0 becomes one `lq.matmul` with `acc(f32)` on the
    codes, so the weights stay in their low-bit format and later kernels see
    the quantized operands. When only the rhs (the weights) is dequantized
    and the lhs is any other f32 tensor (activations), it becomes the
    weight-only `lq.matmul` with the f32 lhs; a dequantized lhs times a float
    rhs is left alone. A following `lq.quantize` with a per-tensor or
    per-column layout becomes the matmul's output scale. Both rewrites are
    exact: lq.matmul with acc f32 is defined as the same sequence of f32
    multiplies and adds (docs/Semantics.md). Transposed operand maps are left
    alone.

    A convolution, recognized by its structure on any linalg op
    (`linalg::inferConvolutionDims`: the importer's grouped
    `linalg.conv_2d_ngchw_gfchw`, `linalg.conv_2d_nhwc_hwcf`, or an
    equivalent `linalg.generic` with a multiply-add body, in any loop order),
    of a dequantized input (per-tensor scale, optionally zero-padded, through
    `tensor.expand_shape`s) by dequantized weights (per-tensor or per-axis
    along the output channel) becomes, per group, an im2col of the input
    codes (padded with the zero-point code) and an `lq.matmul` with
    `rhs_transposed` on the weight codes, both gathered through the op's own
    indexing maps. The patch columns enumerate the reduction loops in the
    op's loop order, the convolution's own summation order, so this rewrite
    is exact too.

    ```mlir
    %a = lq.dequantize %qa, %sa layout <axis = 0> : ... -> tensor<4x64xf32>
    %b = lq.dequantize %qb, %sb layout <block = [32, 1]> : ... -> tensor<64x8xf32>
    %y = linalg.matmul ins(%a, %b : ...) outs(%zero : tensor<4x8xf32>) -> tensor<4x8xf32>
    // becomes
    %y = lq.matmul %qa, %qb scales(%sa, %sb) lhs_layout(<axis = 0>)
        rhs_layout(<block = [32, 1]>) acc(f32) : ... -> tensor<4x8xf32>
    // and linalg.matmul ins(%x, %b ...) with a plain f32 %x becomes
    %z = lq.matmul %x, %qb scales(%sb) rhs_layout(<block = [32, 1]>)
        acc(f32) : ... -> tensor<4x8xf32>
    ```
  }];
  let dependentDialects = ["::lpc::lq::LQDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::linalg::LinalgDialect"];
}

def LQQuantize : Pass<"lq-quantize"> {
  let summary = "Post-training quantization of float weights (and activations) by recipe";
  let description = [{
    Quantizes the constant float weights of every matrix product (the
    importer's MatMul and Gemm: a matmul whose rhs is an f32 constant, stored
    K x N or N x K) and every convolution (constant F x C x kh x kw filters)
    with one recipe (docs/Quantization.md lists them: `w8a8`, `w8a8-static`,
    `w4a8`, `w4a4`, `w4g128`, `w3g64`, `w2g64`, `ternary`, `nf4`, `mxfp4`,
    `nvfp4`, `fp8`).
    Scales are chosen on the host per output channel or per group along the
    reduction axis, and the codes are those `lq.quantize` gives with them
    (lq's host-side semantics library), so the result is ordinary lq IR: a
    matmul becomes a weight-only `lq.matmul` on constant N x K codes with
    `rhs_transposed` (plus the accumulator's start value when it is not
    +0.0), a convolution reads `lq.dequantize` of constant codes. Scales
    that are codes themselves (MXFP4's E8M0, NVFP4's UE4M3 with a tensor
    scale, NF4's double-quantized scales) are `lq.dequantize`d or decoded in
    the IR. Recipes with integer activations then quantize each matmul's
    activations at run time through lq-quantize-activations' implementation
    (`lq.dynamic_quantize`, `lq.matmul acc(i32)`); convolutions keep f32
    activations, with a remark. `fp8` and `w8a8-static` need static
    activation scales from calibration statistics (for matmuls and
    convolutions alike). `config=FILE` (`--quantize-config`) chooses the
    recipe per layer: a default and overrides by glob on the ONNX node name
    (the op's name location), `float` keeping a layer as it is.
    `gptq=true` (with `stats=FILE`) chooses each matmul's codes by GPTQ:
    the recipe's scales (static groups), the columns quantized in order (or
    by decreasing Hessian diagonal with `act-order=true`), each column's
    rounding error compensated in the later columns through the inverse of
    the calibration Gram matrix damped by 1% of its mean diagonal.

    ```mlir
    %y = linalg.matmul ins(%x, %w : tensor<1x256xf32>, tensor<256x64xf32>) ...
    // with recipe=w4g128 becomes
    %y = lq.matmul %x, %codes scales(%s), %zp rhs_layout(<block = [1, 128]>)
        rhs_transposed acc(f32) : tensor<1x256xf32>,
        tensor<64x256x!lq.int<4, unsigned>>, ... -> tensor<1x64xf32>
    ```
  }];
  let options = [
    Option<"recipe", "recipe", "std::string", /*default=*/"\"\"",
           "The quantization recipe (w8a8, w8a8-static, w4a8, w4a4, w4g128, "
           "w3g64, w2g64, ternary, nf4, mxfp4, nvfp4, fp8)">,
    Option<"config", "config", "std::string", /*default=*/"\"\"",
           "A JSON file with a default recipe and per-layer overrides by "
           "glob on ONNX node names (docs/Quantization.md)">,
    Option<"stats", "stats", "std::string", /*default=*/"\"\"",
           "Calibration statistics (lpc calibrate) for static activation "
           "scales and GPTQ">,
    Option<"gptq", "gptq", "bool", /*default=*/"false",
           "Choose matmul weight codes by GPTQ from the calibration Gram "
           "matrices instead of rounding to nearest">,
    Option<"actOrder", "act-order", "bool", /*default=*/"false",
           "GPTQ: quantize columns by decreasing Hessian diagonal">,
    Option<"progress", "progress", "bool", /*default=*/"false",
           "With gptq, print 'lq-quantize: GPTQ layer i/n NAME' to stderr "
           "as layers finish">
  ];
  let statistics = [
    Statistic<"numMatmuls", "matmuls", "Matmul weights quantized">,
    Statistic<"numFloat", "float", "Layers the config keeps in float">,
    Statistic<"numConvs", "convolutions", "Convolution weights quantized">,
    Statistic<"numActivations", "activations",
              "Matmuls given run-time quantized activations">
  ];
  let dependentDialects = ["::lpc::lq::LQDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def LQReport : Pass<"lq-report", "::mlir::ModuleOp"> {
  let summary = "Print a per-layer table of weight formats, scale layouts and sizes";
  let description = [{
    Lists every layer with constant weights: each `lq.matmul` whose rhs codes
    are constants, each `lq.dequantize` of constant codes that feeds a
    computation (a convolution's filter, say), and each float matmul or
    convolution with constant f32 weights. Per layer: the ONNX node name (the
    op's name location), the op, the weights' format and scale layout, the
    number of weights, bits per weight counting codes, scales, zero points
    and second-level scales (packed, as lpc stores them), and bytes; then the
    totals (weights, bytes, average bits per weight). The table goes to
    stderr; `json=FILE` also writes it as JSON (docs/Quantization.md). The IR
    does not change. A matmul lq-quantize quantized with calibration
    statistics carries `lq.calibration_sqnr`, the layer output's SQNR on the
    calibration inputs; the table then has an `sqnr_dB` column.
    `lpc compile --report[=FILE.json]` runs it after the graph-level stage.
  }];
  let options = [
    Option<"json", "json", "std::string", /*default=*/"\"\"",
           "Also write the report as JSON to this file">
  ];
}

def LQCalibrationOutputs : Pass<"lq-calibration-outputs", "::mlir::ModuleOp"> {
  let summary = "Return the activations of every weight layer as extra results";
  let description = [{
    What `lpc calibrate` compiles and runs on sample inputs: the entry
    function returns, after its own results, the float input of every layer
    lq-quantize would quantize (a matmul with constant weights: its lhs; a
    convolution with constant filters: its input before the importer's
    padding and grouped view). A value several layers read is returned once.
    Each extra result is named `calibration:<i>` (`lpc.name`) and carries
    `lpc.calibration = {layers = [node names], op = "matmul" | "conv",
    channel_axis = A}`, the axis of the input channels that per-channel
    statistics run over (a matmul's K, the last dim; a convolution's C).
  }];
  let options = [
    Option<"entry", "entry", "std::string", /*default=*/"\"main_graph\"",
           "The model function">
  ];
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

def LQQuantizeActivations : Pass<"lq-quantize-activations"> {
  let summary = "Quantize the activations of weight-only matmuls at run time";
  let description = [{
    Every weight-only `lq.matmul` (f32 activations times integer codes with
    integer or no zero points, static shapes) becomes `lq.dynamic_quantize`
    of its activations to signed `bits`-bit codes and an integer
    `lq.matmul ... acc(i32)` of those codes by the same weights: the
    activation groups are the weights' K-blocks (per token when the weight
    scales do not vary along K), a partial last block is padded with zeros.
    This is what `lpc compile --activations=int8` runs and what the ONNX
    importer does for MatMulNBits with `accuracy_level = 4`; the integer
    kernels of the CPU target then compute the products. Matmuls it cannot
    rewrite (codebook or minifloat weights, float offsets, dynamic shapes)
    keep f32 activations and get a remark saying why.

    ```mlir
    %y = lq.matmul %x, %w scales(%sw) rhs_layout(<block = [1, 128]>)
        rhs_transposed acc(f32) : tensor<1x4096xf32>, ... -> tensor<1x4096xf32>
    // becomes
    %q, %s = lq.dynamic_quantize %x layout <block = [1, 128]>
        : tensor<1x4096xf32> -> tensor<1x4096x!lq.int<8>>, tensor<1x32xf32>
    %y = lq.matmul %q, %w scales(%s, %sw) lhs_layout(<block = [1, 128]>)
        rhs_layout(<block = [1, 128]>) rhs_transposed acc(i32) : ...
    ```
  }];
  let options = [
    Option<"bits", "bits", "int64_t", /*default=*/"8",
           "Width of the activation codes (2-16)">
  ];
  let statistics = [
    Statistic<"numQuantized", "quantized", "Matmuls given int activations">,
    Statistic<"numKept", "kept", "Matmuls left with float activations">
  ];
  let dependentDialects = ["::lpc::lq::LQDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
}

#endif // LPC_DIALECT_LQ_TRANSFORMS_PASSES_TD
