//===- ABISignature.h - The signature text of a compiled model --*- C++ -*-===//
//
// The one owner of the grammar of `lpc_signature()` (documented in
// include/lpc/Runtime/lpc_model.h): lpc-cpu-entry writes it with
// formatSignatureLine, the host runtime reads it with parseSignatureLine.
// Header-only; no MLIR.
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
inline constexpr int kSignatureVersion = 1;

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

} // namespace lpc::abi

#endif // LPC_SUPPORT_ABISIGNATURE_H
