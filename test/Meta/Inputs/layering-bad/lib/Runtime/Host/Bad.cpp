// The run-time library links no MLIR: neither directly...
#include "mlir/IR/MLIRContext.h"
// ...nor through an lpc header.
#include "lpc/Support/UsesMLIR.h"
