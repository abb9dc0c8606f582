/*===- lpc_model.h - C ABI of a model compiled by lpc ------------*- C -*-===*\
|*                                                                            *|
|* A shared library built by `lpc compile --target=cpu` exports these two    *|
|* functions (and nothing else that callers may rely on). Include this header *|
|* from C or C++ and dlopen the library, or link against it directly.        *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef LPC_RUNTIME_LPC_MODEL_H
#define LPC_RUNTIME_LPC_MODEL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Version of the signature text below. */
#define LPC_ABI_VERSION 2

/* A NUL-terminated text describing the model, one line per entry:
 *
 *   lpc-abi 2
 *   input <i> <dtype> <rank> <d0> ... <d(rank-1)> <name>
 *   ...
 *   output <i> <dtype> <rank> <d0> ... <d(rank-1)> <name>
 *
 * <i> counts inputs and outputs separately from 0, in ONNX graph order;
 * <dtype> is the ONNX TensorProto.DataType number (1 FLOAT, 7 INT64, 9 BOOL,
 * ...); the name is the rest of the line. All shapes are static. The string
 * is owned by the library. lpc writes and reads this text through one
 * implementation, include/lpc/Support/ABISignature.h. */
const char *lpc_signature(void);

/* The instruction set the library's code uses, as data (read it before
 * calling either function; the library's code may not run on a CPU that
 * lacks one of them):
 *
 *   <arch> <feature> <feature> ...
 *
 * <arch> is the target triple's architecture ("x86_64"); each feature is
 * LLVM's name of an ISA extension the code generator was allowed to use
 * ("avx2", "fma", "avx512vnni", ...), as llvm::sys::getHostCPUFeatures
 * reports them. `lpc run` refuses a library whose features the host lacks. */
extern const char lpc_cpu_requires[];

/* Runs the model once. `inputs[i]` points to input i's data and
 * `outputs[i]` to a caller-allocated buffer for output i: dense, row-major,
 * the element size of the dtype (BOOL and FLOAT8* are one byte per element;
 * INT4, UINT4 and FLOAT4E2M1 are packed two per byte, the first element in
 * the low nibble, INT2 and UINT2 four per byte, the first element in the
 * lowest two bits, as ONNX stores them), any alignment the element type
 * needs. Inputs are not modified; outputs may not
 * alias inputs or each other. Returns 0 on success. Safe to call from
 * several threads at once on distinct buffers. */
int32_t lpc_run(void *const *inputs, void *const *outputs);

#ifdef __cplusplus
}
#endif

#endif /* LPC_RUNTIME_LPC_MODEL_H */
