/*===- MemrefCopy.c - Support routines linked into compiled models --------===*\
|*                                                                            *|
|* `lpc compile` links this archive (liblpc_model_support.a) into every model *|
|* library, so that a model needs no MLIR runtime library. MLIR lowers a     *|
|* memref.copy between strided (non-contiguous) buffers to a call to         *|
|* memrefCopy with this signature (see mlir/ExecutionEngine/CRunnerUtils.h). *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#include <stdint.h>
#include <string.h>

/* An unranked memref: the rank and a pointer to the ranked descriptor
 * { void *allocated; void *aligned; int64_t offset; int64_t sizes[rank];
 *   int64_t strides[rank]; }. */
typedef struct {
  int64_t rank;
  void *descriptor;
} LPCUnrankedMemRef;

typedef struct {
  char *allocated;
  char *aligned;
  int64_t offset;
  int64_t sizesAndStrides[];
} LPCMemRefDescriptor;

__attribute__((visibility("hidden"))) void
memrefCopy(int64_t elemSize, LPCUnrankedMemRef *src, LPCUnrankedMemRef *dst) {
  int64_t rank = src->rank;
  LPCMemRefDescriptor *s = (LPCMemRefDescriptor *)src->descriptor;
  LPCMemRefDescriptor *d = (LPCMemRefDescriptor *)dst->descriptor;
  const int64_t *sizes = s->sizesAndStrides;
  const int64_t *sStrides = s->sizesAndStrides + rank;
  const int64_t *dStrides = d->sizesAndStrides + rank;
  char *sp = s->aligned + s->offset * elemSize;
  char *dp = d->aligned + d->offset * elemSize;
  if (rank == 0) {
    memcpy(dp, sp, elemSize);
    return;
  }
  for (int64_t i = 0; i < rank; ++i)
    if (sizes[i] == 0)
      return;
  int64_t index[rank];
  int64_t sOff = 0, dOff = 0;
  memset(index, 0, sizeof(index));
  for (;;) {
    memcpy(dp + dOff * elemSize, sp + sOff * elemSize, elemSize);
    int64_t axis = rank - 1;
    for (; axis >= 0; --axis) {
      ++index[axis];
      sOff += sStrides[axis];
      dOff += dStrides[axis];
      if (index[axis] < sizes[axis])
        break;
      sOff -= sStrides[axis] * index[axis];
      dOff -= dStrides[axis] * index[axis];
      index[axis] = 0;
    }
    if (axis < 0)
      return;
  }
}
