//===- LQ.h - The lq dialect ------------------------------------*- C++ -*-===//
//
// Public header of the lq dialect: dialect, enums, attributes, types, ops.
//
//===----------------------------------------------------------------------===//

#ifndef LPC_DIALECT_LQ_IR_LQ_H
#define LPC_DIALECT_LQ_IR_LQ_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "lpc/Dialect/LQ/IR/LQOpsDialect.h.inc"

#include "lpc/Dialect/LQ/IR/LQEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "lpc/Dialect/LQ/IR/LQAttrs.h.inc"

#define GET_TYPEDEF_CLASSES
#include "lpc/Dialect/LQ/IR/LQOpsTypes.h.inc"

#define GET_OP_CLASSES
#include "lpc/Dialect/LQ/IR/LQOps.h.inc"

#endif // LPC_DIALECT_LQ_IR_LQ_H
