//===- JSONFile.h - The JSON files lq's passes read -------------*- C++ -*-===//
//
// Reading a JSON input file (calibration statistics, quantization configs)
// with errors that name the file.
//
//===----------------------------------------------------------------------===//

#ifndef LPC_DIALECT_LQ_UTILS_JSONFILE_H
#define LPC_DIALECT_LQ_UTILS_JSONFILE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

namespace lpc::lq {

/// The error "PATH: MSG".
llvm::Error fileError(llvm::StringRef path, const llvm::Twine &msg);

/// The JSON document in `path`, or "PATH: cannot read: ..." /
/// "PATH: not valid JSON: ...".
llvm::Expected<llvm::json::Value> readJSONFile(llvm::StringRef path);

} // namespace lpc::lq

#endif // LPC_DIALECT_LQ_UTILS_JSONFILE_H
