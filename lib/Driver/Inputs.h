//===- Inputs.h - Tensors bound to model inputs -----------------*- C++ -*-===//
//
// What lpc run and lpc calibrate share: binding the tensors a user gives to
// the inputs of a model.
//
//===----------------------------------------------------------------------===//

#ifndef LPC_LIB_DRIVER_INPUTS_H
#define LPC_LIB_DRIVER_INPUTS_H

#include "lpc/Runtime/ModelLibrary.h"

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace lpc::driver {

/// Binds the given tensors to the model inputs `names`: by explicit NAME=,
/// then by the tensor's own name (.pb), then by position. Returns, per model
/// input, the index of its tensor (-1 if none), or an error.
llvm::Expected<std::vector<int>>
bindInputs(const std::vector<std::string> &names,
           const std::vector<runtime::Tensor> &inputs,
           const std::vector<std::string> &explicitNames);

} // namespace lpc::driver

#endif // LPC_LIB_DRIVER_INPUTS_H
