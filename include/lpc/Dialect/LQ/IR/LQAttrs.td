//===- LQAttrs.td - lq attributes --------------------------*- tablegen -*-===//

#ifndef LPC_DIALECT_LQ_IR_LQATTRS_TD
#define LPC_DIALECT_LQ_IR_LQATTRS_TD

include "lpc/Dialect/LQ/IR/LQDialect.td"
include "lpc/Dialect/LQ/IR/LQEnums.td"

def LQ_LayoutAttr : LQ_Attr<"Layout", "layout"> {
  let summary = "Where the scales (and zero points) of a quantized tensor apply";
  let description = [{
    Maps every element of a data tensor to one entry of its scale tensor:

    - `tensor`: one scale for the whole tensor (a rank-0 scale tensor);
    - `axis = a`: one scale per index along axis `a` (a rank-1 scale tensor);
    - `block = [B0, ..., Bn-1]`: one scale per N-D block; the scale tensor has
      `ceil(Dd / Bd)` entries in dimension d. Group-128 along K of an MxK
      weight is `block = [1, 128]`; 2-D blocks are `block = [32, 32]`.

    ```mlir
    #lq.layout<tensor>
    #lq.layout<axis = 1>
    #lq.layout<block = [1, 128]>
    ```
  }];
  let parameters = (ins
    EnumParameter<LQ_LayoutKind>:$kind,
    DefaultValuedParameter<"int64_t", "0">:$axis,
    OptionalArrayRefParameter<"int64_t">:$block);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    static LayoutAttr getTensor(::mlir::MLIRContext *ctx);
    static LayoutAttr getAxis(::mlir::MLIRContext *ctx, int64_t axis);
    static LayoutAttr getBlock(::mlir::MLIRContext *ctx,
                               ::llvm::ArrayRef<int64_t> block);
    bool isTensor() const { return getKind() == LayoutKind::tensor; }
    bool isAxis() const { return getKind() == LayoutKind::axis; }
    bool isBlock() const { return getKind() == LayoutKind::block; }
    /// How many consecutive indices along `dim` share one scale, or
    /// std::nullopt when the scale is constant along `dim`.
    std::optional<int64_t> getBlockAlong(unsigned dim) const;
    /// The shape the scale tensor must have for a data tensor of `shape`
    /// (dynamic dims stay dynamic). Fails on a rank mismatch, with the
    /// message streamed into `emitError()`.
    ::mlir::FailureOr<::llvm::SmallVector<int64_t>>
    getScaleShape(::llvm::ArrayRef<int64_t> shape,
                  ::llvm::function_ref<::mlir::InFlightDiagnostic()>
                      emitError) const;
  }];
}

def LQ_PackingAttr : LQ_Attr<"Packing", "packing"> {
  let summary = "How codes sit in bytes";
  let description = [{
    - `dense`: codes in row-major order as one little-endian bit stream:
      element i occupies bits [i*W, i*W+W) (8 x 3-bit codes = 3 bytes).
    - `bitplanes`: plane p holds bit p of every code, row-major, as a dense
      bit stream of ceil(N/8) bytes; planes follow one another, p ascending.
    - `tiles = [R, C]`: a rank-2 tensor is cut into R x C tiles (its
      dimensions must be multiples), tiles are visited row-major and codes
      row-major inside a tile, then packed densely.

    ```mlir
    #lq.packing<dense>
    #lq.packing<bitplanes>
    #lq.packing<tiles = [4, 16]>
    ```
  }];
  let parameters = (ins EnumParameter<LQ_PackingKind>:$kind,
                        OptionalArrayRefParameter<"int64_t">:$tile);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
}

def LQ_TargetAttr : LQ_Attr<"Target", "target"> {
  let summary = "The machine a module is compiled for (what passes may know of it)";
  let description = [{
    The one target description of lpc (docs/Target.md): a kind and the facts
    about the machine that tiling, packing and lowering passes read. Passes
    read it from the module's `lq.target` attribute, never from the command
    line; `lpc compile` attaches the host CPU's by default. Every fact is
    optional; a fact of another kind, an unknown name or a value of the wrong
    type is an error.

    - `cpu`: `cpu` (the CPU model by LLVM's name, e.g. `znver4`: what code
      generation schedules for), `features` (array of ISA feature names: `avx2`, `fma`,
      `avx512f`, `avx512bw`, `avx512vl`, `avx512dq`, `avx512vnni`,
      `avx512bf16`, `avxvnni`), `vector_bits` (128, 256 or 512: the widest
      vector registers the code may use), `cores`, and the data cache sizes
      in bytes `l1d`, `l2`, `l3`;
    - `nvvm`: `sm` (compute capability, e.g. 90), `ptx` (PTX ISA version,
      e.g. 80), `smem` (shared memory per block in bytes), `mma` (the
      tensor-core shapes and operand types, `"m16n8k32:s8"`);
    - `hls`: `part` (a string), `clock_ns` (a float), `reuse` (the default
      reuse factor).

    ```mlir
    module attributes {lq.target = #lq.target<cpu, {features = ["avx2", "fma"], vector_bits = 256, cores = 2, l1d = 32768, l2 = 524288, l3 = 33554432}>} {}
    #lq.target<nvvm, {sm = 90, ptx = 80}>
    #lq.target<hls, {part = "xcu250-figd2104-2L-e", clock_ns = 5.0, reuse = 4}>
    ```
  }];
  let parameters = (ins EnumParameter<LQ_TargetKind>:$kind,
                        OptionalParameter<"::mlir::DictionaryAttr">:$facts);
  let assemblyFormat = "`<` $kind (`,` $facts^)? `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The module attribute that holds a module's target.
    static constexpr ::llvm::StringLiteral kAttrName = "lq.target";
    /// The target of `module` (its `lq.target` attribute), or null.
    static TargetAttr lookup(::mlir::Operation *module);
    /// The ISA feature names a cpu target's `features` may list.
    static ::llvm::ArrayRef<const char *> getCPUFeatureNames();
    /// Whether a cpu target lists ISA feature `name`.
    bool hasFeature(::llvm::StringRef name) const;
    /// An integer fact, or `dflt` when the target does not give it.
    int64_t getInt(::llvm::StringRef name, int64_t dflt) const;
    /// A string fact, or "" when the target does not give it.
    ::llvm::StringRef getString(::llvm::StringRef name) const;
  }];
}

def LQ_TileAttr : LQ_Attr<"Tile", "tile"> {
  let summary = "The register tile a matmul kernel uses";
  let description = [{
    Set on an `lq.matmul` (as its `lq.tile` attribute) by `lq-tile-matmul`
    from the module's `#lq.target`, read by the kernels that lower it: `rows`
    output rows (weight rows) per register tile, `activation_rows` lhs rows
    computed together against each weight vector read, and `vector_bits`,
    the vector width the tile was chosen for. Both counts are at least 1.

    ```mlir
    %y = lq.matmul ... {lq.tile = #lq.tile<rows = 4, activation_rows = 4, vector_bits = 512>}
    ```
  }];
  let parameters = (ins "int64_t":$rows, "int64_t":$activation_rows,
                        "int64_t":$vector_bits);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The discardable attribute name an lq.matmul carries it under.
    static constexpr ::llvm::StringLiteral kAttrName = "lq.tile";
  }];
}

#endif // LPC_DIALECT_LQ_IR_LQATTRS_TD
