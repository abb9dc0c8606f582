//===- Passes.td - The CPU target's ABI passes -------------*- tablegen -*-===//
//
// The two passes that give a compiled model lpc's C ABI
// (include/lpc/Runtime/lpc_model.h), and the CPU's matmul kernels.
//
//===----------------------------------------------------------------------===//

#ifndef LPC_TARGET_CPU_PASSES_TD
#define LPC_TARGET_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def LPCCPUEntry : Pass<"lpc-cpu-entry", "::mlir::ModuleOp"> {
  let summary = "Wrap the model function into a destination-passing entry with a signature string";
  let description = [{
    Runs on tensor-level IR. Finds the public function `entry` (the ONNX
    importer's `@main_graph`, whose arguments and results carry `lpc.name`
    and `lpc.onnx_type`), makes it private and adds

    - `func.func @lpc_main(%in0: memref<...>, ..., %out0: memref<...>, ...)`
      that reads the inputs through `bufferization.to_tensor`, calls the
      model and writes each result into its caller-owned output buffer with
      `bufferization.materialize_in_destination`;
    - `llvm.func @lpc_signature() -> !llvm.ptr` returning a constant string
      that describes every input and output (see docs/Driver.md).

    Every input and output must be statically shaped. Boolean (`i1`)
    tensors cross the boundary as one byte per element (`memref<...xi8>`),
    so that packing passes never change the ABI. Tensors without elements
    cross as `memref<0xT>`.

    ```mlir
    func.func @main_graph(%x: tensor<2xf32> {lpc.name = "x", lpc.onnx_type = 1 : i64})
        -> (tensor<2xf32> {lpc.name = "y", lpc.onnx_type = 1 : i64})
    // gains
    func.func @lpc_main(%x: memref<2xf32>, %y: memref<2xf32>)
    ```
  }];
  let options = [
    Option<"entry", "entry", "std::string", /*default=*/"\"main_graph\"",
           "Name of the model function">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::bufferization::BufferizationDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::tensor::TensorDialect"];
}

def LPCCPUExport : Pass<"lpc-cpu-export", "::mlir::ModuleOp"> {
  let summary = "Add the fixed C entry point `lpc_run(void *const *in, void *const *out)`";
  let description = [{
    Runs on LLVM-dialect IR produced with the bare-pointer calling
    convention. Adds `llvm.func @lpc_run(%in: !llvm.ptr, %out: !llvm.ptr) -> i32`
    that loads one data pointer per `@lpc_main` argument from the two arrays
    (inputs first, then outputs, in signature order), calls `@lpc_main` and
    returns 0.

    ```mlir
    llvm.func @lpc_main(%arg0: !llvm.ptr, %arg1: !llvm.ptr)
    // gains
    llvm.func @lpc_run(%in: !llvm.ptr, %out: !llvm.ptr) -> i32
    ```
  }];
  let options = [
    Option<"numInputs", "num-inputs", "int64_t", /*default=*/"-1",
           "How many leading @lpc_main arguments are inputs (default: read "
           "the lpc.num_inputs attribute that lpc-cpu-entry sets)">,
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def LQTileMatmul : Pass<"lq-tile-matmul", "::mlir::ModuleOp"> {
  let summary = "Choose the register tile of every lq.matmul from the module's #lq.target";
  let description = [{
    Sets `lq.tile = #lq.tile<rows = R, activation_rows = A, vector_bits = V>`
    on every `lq.matmul` the CPU kernels of `lpc-cpu-vectorize-matmul` may
    take (weights stored NxK: the weight-only form and the integer
    `acc(i32)` form), chosen from the module's CPU `#lq.target`: `V` is its
    `vector_bits` (at most 512), `R` output rows per tile (the `rows`
    option), and for the integer form `A` activation rows computed against
    each weight vector read, as many as keep the R x A accumulators' sums in
    one vector (at most 4) where the target's dot product is `vpdpbusd` or
    `vpmaddubsw` (`avx512vnni`, `avxvnni`, `avx512bw`, `avx2`), 1 where it
    has to widen products (8-bit weights without VNNI); the weight-only
    kernel takes one activation row at a time (A = 1). The kernels read the
    attribute, so two targets give two tilings of the same IR; without a CPU
    target nothing is set. An existing `lq.tile` is kept (a user's choice).

    ```mlir
    // #lq.target<cpu, {features = ["avx512f", "avx512bw", "avx512vnni", ...], vector_bits = 512}>
    %y = lq.matmul %q, %w ... acc(i32) {lq.tile = #lq.tile<rows = 4, activation_rows = 4, vector_bits = 512>}
    // #lq.target<cpu, {features = ["avx2", "fma"], vector_bits = 256}>
    %y = lq.matmul %q, %w ... acc(i32) {lq.tile = #lq.tile<rows = 4, activation_rows = 2, vector_bits = 256>}
    ```
  }];
  let options = [
    Option<"rows", "rows", "int64_t", /*default=*/"4",
           "Output rows per register tile">,
  ];
  let dependentDialects = ["::lpc::lq::LQDialect"];
}

def LPCCPUVectorizeMatmul : Pass<"lpc-cpu-vectorize-matmul", "::mlir::ModuleOp"> {
  let summary = "Weight-only and int8-activation lq.matmul as threaded vector code, tiled for the module's #lq.target";
  let description = [{
    Runs on tensor-level lq IR, before `convert-lq-to-linalg`. Rewrites the
    weight-only `lq.matmul` (an `f32` lhs, `acc(f32)`, no output
    quantization) whose rhs is stored NxK (`rhs_transposed`, as MatMulNBits
    and Gemm transB store weights) in a 4- or 8-bit integer format (or, on
    512-bit targets, any 4-bit format: NF4 and other codebooks, E2M1 and
    other minifloats), with `f32` scales per K-group (`block = [1, G]`), per
    row (`axis = 0`) or per tensor, and optional integer zero points (integer
    formats) or `f32` offsets with the same layout:

    - the output rows are split into register tiles of `rows` rows, one
      `scf.forall` iteration each (threads over output rows); a ragged
      remainder gets one-row tiles;
    - in a tile, for each lhs row, an `scf.for` over K-groups and one over
      the `lanes` codes of a vector step read the lhs and each row's codes
      with `vector.transfer_read`, dequantize in registers exactly as the
      reference does (`f32(code - zp) * scale`, bit-identical), and
      accumulate with `vector.fma` into one f32 vector per row, reduced
      once per output;
    - `lanes` is the target's `vector_bits / 32` (16 on a 512-bit target, 8
      on a 256-bit one); `rows` is the option (default 4). The rows of a
      tile are N / rows apart, so each thread reads `rows` separate
      sequential streams of weights (as the paired read of lpc-bench does;
      adjacent rows, a few KiB apart, alias in caches and DRAM banks and
      measured slower, docs/Rationale.md);
    - 4-bit codes: the lhs is split once into its even and odd columns, and
      each read of `lanes` bytes gives the low and the high nibbles as two
      index vectors; with 16 lanes each index selects its value from a
      per-row, per-group table of the 16 dequantized values (one variable
      permute, `vpermps`), with 8 lanes the nibble is placed in the mantissa
      of 2^23 and the offset subtracted, exactly; 8-bit codes are extended
      and converted.

    Integer `lq.matmul ... acc(i32)` with signed 8-bit activation codes (as
    `lq-quantize-activations` makes them), or unsigned ones with an integer
    zero point (QDQ's uint8 activations: shifted to signed codes once, the
    shift restored through per-row weight sums), and 2-, 4- or 8-bit integer weights
    stored NxK, f32 scales per K-block, row or tensor on both sides,
    optional integer weight zero points, K-segments a multiple of one byte
    vector (64 codes at 512 bits, 32 at 256; or, for 8-bit weights, one
    segment over a K no vector divides, read with a masked last step padded
    so that it adds nothing): the same threads over row
    tiles, a register tile of `rows` output rows x up to 4 activation rows,
    every weight code turned into an unsigned byte `code + bias` and one
    u8 x s8 dot per vector (`vpdpbusd` with AVX512-VNNI / AVX-VNNI,
    `vpmaddubsw` + `vpmaddwd` for 2- and 4-bit weights otherwise, widened i32
    products for 8-bit weights without VNNI), the bias and zero point
    removed with the activation sums, the tile's segment sums reduced
    together, and the f32 epilogue `(f32(S) * sa) * sb` added segment by
    segment: bit-identical to the reference lowering. The intrinsics are
    calls of declarations that `lpc-cpu-define-intrinsics` defines.
    `lq.dynamic_quantize` of 8-bit codes per row or per K-block whose size is
    a multiple of the f32 lanes becomes vector loops (absolute maximum,
    multiplier, rounded products), exactly as the reference computes it.

    The float sum is reordered within docs/Semantics.md's bound. Other
    matmuls, shapes whose group or K is not a multiple of `lanes`, and
    modules without a CPU `#lq.target` are left to the reference lowering.
    Codes of 4 bits are read as vectors from their packed bytes by
    `lq-emulate-narrow-types`.

    ```mlir
    %y = lq.matmul %x, %w scales(%s) rhs_layout(<block = [1, 128]>)
        rhs_transposed acc(f32)
        : tensor<1x4096xf32>, tensor<4096x4096x!lq.int<4>>,
          tensor<4096x32xf32> -> tensor<1x4096xf32>
    // becomes scf.forall (%t) in (1024) { scf.for ... { scf.for ... {
    //   vector.transfer_read ... : vector<32xi4>; vector.bitcast; ...;
    //   vector.fma } } }
    ```
  }];
  let options = [
    Option<"rows", "rows", "int64_t", /*default=*/"4",
           "Output rows per register tile (one scf.forall iteration), each "
           "N / rows rows from the next, for matmuls without an lq.tile "
           "(lq-tile-matmul's choice wins)">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::vector::VectorDialect",
                           "::lpc::lq::LQDialect"];
}

def LPCCPUDefineIntrinsics : Pass<"lpc-cpu-define-intrinsics", "::mlir::ModuleOp"> {
  let summary = "Give the kernels' intrinsic declarations llvm.call_intrinsic bodies";
  let description = [{
    The kernels of `lpc-cpu-vectorize-matmul` call LLVM intrinsics that no
    upstream dialect has (`llvm.x86.avx512.vpdpbusd.512`, the AVX2
    `pmaddubsw` / `pmaddwd` sequences): at tensor level they call a private
    `func.func` declaration carrying `lpc.llvm_intrinsic = "<name>"`,
    because buffer deallocation rejects `llvm.call_intrinsic` (an op without
    memory-effect information). After deallocation this pass gives each such
    declaration a body, one `llvm.call_intrinsic` of the named intrinsic on
    its arguments, and the inliner that follows puts it into the kernels.
    A marked declaration whose name is not a string is an error.

    ```mlir
    func.func private @lpc_intrinsic_llvm_x86_avx512_vpdpbusd_512(
        vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
        attributes {lpc.llvm_intrinsic = "llvm.x86.avx512.vpdpbusd.512"}
    // gets the body
    %r = llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%a, %b, %c) : ...
    ```
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::func::FuncDialect"];
}

#endif // LPC_TARGET_CPU_PASSES_TD
