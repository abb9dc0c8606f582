//===- ABISignature.h - The signature text of a compiled model --*- C++ -*-===//
//
// The one owner of the grammar of `lpc_signature()` and `lpc_cpu_requires`
// (documented in include/lpc/Runtime/lpc_model.h): lpc-cpu-entry writes the
// signature with formatSignatureLine, code generation the requirements with
// formatCPURequirements; the host runtime reads both. Header-only; no MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef LPC_SUPPORT_ABISIGNATURE_H
#define LPC_SUPPORT_ABISIGNATURE_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace lpc::abi {

/// The signature version (lpc_model.h's LPC_ABI_VERSION).
inline constexpr int kSignatureVersion = 2;

/// The first line of every signature.
inline std::string signatureHeader() {
  return "lpc-abi " + std::to_string(kSignatureVersion);
}

/// One `input` or `output` line.
struct SignatureEntry {
  bool isOutput = false;
  int64_t index = 0;
  /// ONNX TensorProto.DataType number.
  int dtype = 0;
  llvm::SmallVector<int64_t> shape;
  /// The rest of the line; newlines become spaces when written.
  std::string name;
};

/// "input <i> <dtype> <rank> <d0> ... <name>" (no trailing newline).
inline std::string formatSignatureLine(const SignatureEntry &e) {
  std::string line = (e.isOutput ? "output " : "input ") +
                     std::to_string(e.index) + " " + std::to_string(e.dtype) +
                     " " + std::to_string(e.shape.size());
  for (int64_t d : e.shape)
    line += " " + std::to_string(d);
  std::string name = e.name;
  for (char &c : name)
    if (c == '\n')
      c = ' ';
  return line + " " + name;
}

/// Parses one line written by formatSignatureLine.
inline llvm::Expected<SignatureEntry> parseSignatureLine(llvm::StringRef line) {
  llvm::StringRef rest = line;
  auto next = [&]() {
    auto [tok, tail] = rest.split(' ');
    rest = tail;
    return tok;
  };
  auto malformed = [&]() {
    return llvm::createStringError("malformed signature line '" + line.str() +
                                   "'");
  };
  SignatureEntry e;
  llvm::StringRef kind = next();
  int64_t rank;
  if ((kind != "input" && kind != "output") ||
      next().getAsInteger(10, e.index) || next().getAsInteger(10, e.dtype) ||
      next().getAsInteger(10, rank) || rank < 0)
    return malformed();
  e.isOutput = kind == "output";
  for (int64_t i = 0; i < rank; ++i) {
    int64_t d;
    if (next().getAsInteger(10, d) || d < 0)
      return malformed();
    e.shape.push_back(d);
  }
  e.name = rest.str();
  return e;
}

/// The data symbol (a NUL-terminated string) that names the instruction set
/// a library's code uses. It is data, so a loader reads it without running
/// any of the library's code.
inline constexpr const char *kCPURequirementsSymbol = "lpc_cpu_requires";

/// What a compiled library needs of the CPU that runs it.
struct CPURequirements {
  /// The architecture of the target triple ("x86_64").
  std::string arch;
  /// LLVM's names of the ISA features the code may use ("avx2", "fma", ...).
  llvm::SmallVector<std::string> features;
};

/// "<arch> <feature> <feature> ..." (features in the order given).
inline std::string formatCPURequirements(const CPURequirements &r) {
  std::string text = r.arch;
  for (const std::string &f : r.features)
    text += " " + f;
  return text;
}

/// Parses the text formatCPURequirements writes.
inline llvm::Expected<CPURequirements>
parseCPURequirements(llvm::StringRef text) {
  llvm::SmallVector<llvm::StringRef> words;
  text.split(words, ' ', -1, /*KeepEmpty=*/false);
  if (words.empty())
    return llvm::createStringError("malformed CPU requirements '" + text.str() +
                                   "'");
  CPURequirements r;
  r.arch = words.front().str();
  for (llvm::StringRef w : llvm::ArrayRef(words).drop_front())
    r.features.push_back(w.str());
  return r;
}

} // namespace lpc::abi

#endif // LPC_SUPPORT_ABISIGNATURE_H
