//===- JSONFile.cpp - The JSON files lq's passes read ---------------------===//

#include "lpc/Dialect/LQ/Utils/JSONFile.h"

#include "llvm/Support/MemoryBuffer.h"

llvm::Error lpc::lq::fileError(llvm::StringRef path, const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 path + ": " + msg);
}

llvm::Expected<llvm::json::Value> lpc::lq::readJSONFile(llvm::StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buf =
      llvm::MemoryBuffer::getFile(path);
  if (!buf)
    return fileError(path, "cannot read: " + buf.getError().message());
  llvm::Expected<llvm::json::Value> doc =
      llvm::json::parse((*buf)->getBuffer());
  if (!doc)
    return fileError(path,
                     "not valid JSON: " + llvm::toString(doc.takeError()));
  return doc;
}
