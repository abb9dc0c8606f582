// Prints the host's lit CPU features (test/lit.cfg.py) as the compiler's
// runtime CPU detection (__builtin_cpu_supports, CPUID) sees them, in the
// same order and spelling as the %cpu_features substitution.
#include <stdio.h>

int main(void) {
  __builtin_cpu_init();
  int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  int avx512 =
      __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
  const char *sep = "";
  if (avx2) {
    printf("cpu-avx2");
    sep = ",";
  }
  if (avx512) {
    printf("%scpu-avx512", sep);
    sep = ",";
    if (__builtin_cpu_supports("avx512vnni"))
      printf(",cpu-avx512vnni");
    if (__builtin_cpu_supports("avx512bf16"))
      printf(",cpu-avx512bf16");
  }
  printf("%s\n", *sep ? "" : "none");
  return 0;
}
