// LLVM-dialect input (so the driver resumes at translation) holding an op
// that has no LLVM IR translation.
module {
  llvm.func @f() -> i32 {
    %0 = arith.constant 1 : i32
    llvm.return %0 : i32
  }
}
