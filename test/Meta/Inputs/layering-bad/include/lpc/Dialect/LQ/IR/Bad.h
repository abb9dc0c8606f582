// The dialect knows no pass.
#include "lpc/Dialect/LQ/Transforms/Passes.h"
