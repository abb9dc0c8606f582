// An LLVM-dialect module that defines lpc's lpc_cpu_requires itself
// (cpu-requires.test): code generation refuses to add a second one.
module {
  llvm.mlir.global external constant @lpc_cpu_requires("x86_64\00") {addr_space = 0 : i32}
}
