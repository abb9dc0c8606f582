// Backends know no ONNX.
#include "lpc/Frontend/ONNX/Importer.h"
#include "lpc/Dialect/LQ/IR/LQ.h"
