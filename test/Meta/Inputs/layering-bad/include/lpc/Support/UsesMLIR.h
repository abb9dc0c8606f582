#include "mlir/IR/BuiltinTypes.h"
