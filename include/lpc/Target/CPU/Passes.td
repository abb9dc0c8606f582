//===- Passes.td - The CPU target's ABI passes -------------*- tablegen -*-===//
//
// The two passes that give a compiled model lpc's C ABI
// (include/lpc/Runtime/lpc_model.h).
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

#endif // LPC_TARGET_CPU_PASSES_TD
