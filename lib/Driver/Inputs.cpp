//===- Inputs.cpp - Tensors bound to model inputs -------------------------===//

#include "Inputs.h"

using lpc::runtime::Tensor;

llvm::Expected<std::vector<int>>
lpc::driver::bindInputs(const std::vector<std::string> &names,
                        const std::vector<Tensor> &inputs,
                        const std::vector<std::string> &explicitNames) {
  std::vector<int> bound(names.size(), -1);
  std::vector<bool> used(inputs.size(), false);
  for (int pass = 0; pass < 2; ++pass)
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (used[i])
        continue;
      std::string name = pass == 0 ? explicitNames[i] : inputs[i].info.name;
      if (name.empty())
        continue;
      for (size_t j = 0; j < names.size(); ++j)
        if (bound[j] < 0 && names[j] == name) {
          bound[j] = i;
          used[i] = true;
          break;
        }
      if (pass == 0 && !used[i])
        return llvm::createStringError("the model has no input named '" + name +
                                       "'");
    }
  for (size_t i = 0, j = 0; i < inputs.size(); ++i) {
    if (used[i])
      continue;
    while (j < names.size() && bound[j] >= 0)
      ++j;
    if (j == names.size())
      return llvm::createStringError("too many inputs: the model takes " +
                                     std::to_string(names.size()));
    bound[j] = i;
  }
  return bound;
}
