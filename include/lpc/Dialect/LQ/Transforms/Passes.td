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

    ```mlir
    %m = memref.alloc() : memref<8xi3>      // becomes memref<3xi8>
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect"];
}

#endif // LPC_DIALECT_LQ_TRANSFORMS_PASSES_TD
