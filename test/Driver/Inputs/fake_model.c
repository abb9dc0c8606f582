/*===- fake_model.c - A library that claims an instruction set ----------===*\
|*                                                                            *|
|* cpu-requires.test builds it with -DREQUIRES="..." (or without, for a      *|
|* library that records none). Its functions abort: the loader must refuse  *|
|* it before calling any of them.                                            *|
\*===----------------------------------------------------------------------===*/

#include <stdint.h>
#include <stdlib.h>

#ifdef REQUIRES
const char lpc_cpu_requires[] = REQUIRES;
#endif

const char *lpc_signature(void) { abort(); }

int32_t lpc_run(void *const *inputs, void *const *outputs) { abort(); }
