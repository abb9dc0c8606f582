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
    /// (dynamic dims stay dynamic). Fails with a message on rank mismatch.
    ::mlir::FailureOr<::llvm::SmallVector<int64_t>>
    getScaleShape(::llvm::ArrayRef<int64_t> shape, std::string &error) const;
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

#endif // LPC_DIALECT_LQ_IR_LQATTRS_TD
