// Backends know no ONNX.
#include "lpc/Dialect/LQ/IR/LQ.h"
#include "lpc/Frontend/ONNX/Importer.h"
