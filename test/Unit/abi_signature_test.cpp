//===- abi_signature_test.cpp - Round trip of the signature grammar -------===//
//
// Writes signature lines with lpc::abi::formatSignatureLine, reads them back
// with parseSignatureLine and checks every field; then feeds malformed lines.
// The same for the CPU requirements string (formatCPURequirements).
// Prints one line per case for FileCheck (test/Unit/abi-signature.test).
//
//===----------------------------------------------------------------------===//

#include "lpc/Support/ABISignature.h"

#include "llvm/Support/raw_ostream.h"

using lpc::abi::SignatureEntry;

int main() {
  std::vector<SignatureEntry> entries = {
      {false, 0, 1, {1, 3, 224, 224}, "pixel_values"},
      {false, 1, 7, {}, "a scalar with spaces"},
      {false, 2, 22, {0, 5}, ""},
      {true, 0, 16, {2, 1}, "multi\nline"},
      {true, 1, 9, {1, 1, 1, 1, 1, 1, 1, 1}, "input 0 1 0 lookalike"},
  };
  int failures = 0;
  for (const SignatureEntry &e : entries) {
    std::string line = lpc::abi::formatSignatureLine(e);
    llvm::Expected<SignatureEntry> back = lpc::abi::parseSignatureLine(line);
    std::string name = e.name;
    for (char &c : name)
      if (c == '\n')
        c = ' ';
    bool ok = back && back->isOutput == e.isOutput && back->index == e.index &&
              back->dtype == e.dtype && back->shape == e.shape &&
              back->name == name;
    if (!back)
      llvm::consumeError(back.takeError());
    failures += !ok;
    llvm::outs() << (ok ? "round-trip ok: " : "round-trip FAILED: ") << line
                 << "\n";
  }
  for (const char *bad : {"inputs 0 1 0 x", "input x 1 0 x", "input 0 1 2 3",
                          "input 0 1 -1 x", "output 0 1 1 -4 x", ""}) {
    llvm::Expected<SignatureEntry> e = lpc::abi::parseSignatureLine(bad);
    if (e) {
      ++failures;
      llvm::outs() << "accepted malformed: '" << bad << "'\n";
    } else {
      llvm::outs() << "rejected: " << llvm::toString(e.takeError()) << "\n";
    }
  }
  llvm::outs() << "header: " << lpc::abi::signatureHeader() << "\n";

  lpc::abi::CPURequirements requirements{"x86_64", {"avx2", "fma", "sse4.1"}};
  std::string text = lpc::abi::formatCPURequirements(requirements);
  llvm::Expected<lpc::abi::CPURequirements> back =
      lpc::abi::parseCPURequirements(text);
  bool ok = back && back->arch == requirements.arch &&
            back->features == requirements.features;
  if (!back)
    llvm::consumeError(back.takeError());
  failures += !ok;
  llvm::outs() << (ok ? "requirements round-trip ok: "
                      : "requirements round-trip FAILED: ")
               << text << "\n";
  llvm::Expected<lpc::abi::CPURequirements> empty =
      lpc::abi::parseCPURequirements("  ");
  if (empty) {
    ++failures;
    llvm::outs() << "accepted empty requirements\n";
  } else {
    llvm::outs() << "rejected: " << llvm::toString(empty.takeError()) << "\n";
  }
  return failures ? 1 : 0;
}
