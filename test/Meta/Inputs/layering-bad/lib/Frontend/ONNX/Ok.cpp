// Allowed: the frontend sets the CPU ABI's attributes (a listed exception).
#include "lpc/Target/CPU/ABIAttrs.h"
// Not allowed: the frontend knows no pipeline.
#include "lpc/Pipelines/Pipelines.h"
