//===- TargetRegistry.cpp - Compilation phases and registered targets -----===//

#include "lpc/Pipelines/TargetRegistry.h"

#include "lpc/Pipelines/CPUTarget.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Format.h"

#include <chrono>
#include <mutex>

using namespace mlir;
using namespace lpc;

double lpc::nowMs() {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

PhaseTimer::PhaseTimer(const PhaseLog &log, llvm::StringRef phase)
    : log(log), phase(phase.str()), start(nowMs()) {
  if (log.progress)
    *log.os << "lpc: " << phase << "...\n";
}

PhaseTimer::~PhaseTimer() {
  if (log.timing)
    *log.os << llvm::format("timing: %-10s %9.2f ms\n", phase.c_str(),
                            nowMs() - start);
}

TargetBackend::~TargetBackend() = default;

llvm::StringRef TargetBackend::getPhaseName(Phase phase) const {
  switch (phase) {
  case Phase::Imported:
    return "imported";
  case Phase::LQ:
    return "lq";
  case Phase::Lowered:
    return "lowered";
  default:
    return "";
  }
}

static constexpr Phase kAllPhases[] = {Phase::Imported, Phase::LQ,
                                       Phase::Lowered,  Phase::Translated,
                                       Phase::Object,   Phase::Library};

SmallVector<Phase> TargetBackend::getPhases() const {
  SmallVector<Phase> phases;
  for (Phase p : kAllPhases)
    if (!getPhaseName(p).empty())
      phases.push_back(p);
  return phases;
}

std::optional<Phase> TargetBackend::parsePhase(llvm::StringRef name) const {
  for (Phase p : getPhases())
    if (getPhaseName(p) == name)
      return p;
  return std::nullopt;
}

std::string TargetBackend::getPhaseList() const {
  return llvm::join(
      llvm::map_range(getPhases(), [&](Phase p) { return getPhaseName(p); }),
      ", ");
}

namespace {
/// Backends by name. Registration happens once, before the driver reads it.
llvm::StringMap<std::unique_ptr<TargetBackend>> &registry() {
  static llvm::StringMap<std::unique_ptr<TargetBackend>> backends;
  return backends;
}
} // namespace

void lpc::registerTargetBackend(std::unique_ptr<TargetBackend> backend) {
  std::string name = backend->getName().str();
  bool inserted = registry().try_emplace(name, std::move(backend)).second;
  if (!inserted)
    llvm::report_fatal_error("lpc target '" + llvm::Twine(name) +
                             "' registered twice");
}

SmallVector<const TargetBackend *> lpc::getTargetBackends() {
  SmallVector<const TargetBackend *> backends;
  for (auto &entry : registry())
    backends.push_back(entry.second.get());
  llvm::sort(backends, [](const TargetBackend *a, const TargetBackend *b) {
    return a->getName() < b->getName();
  });
  return backends;
}

llvm::Expected<const TargetBackend *>
lpc::lookupTargetBackend(llvm::StringRef name) {
  registerAllTargetBackends();
  auto it = registry().find(name);
  if (it != registry().end())
    return it->second.get();
  auto names = llvm::map_range(
      getTargetBackends(), [](const TargetBackend *b) { return b->getName(); });
  return llvm::createStringError("unknown target '" + name.str() +
                                 "' (lpc supports: " + llvm::join(names, ", ") +
                                 ")");
}

void lpc::registerAllTargetBackends() {
  static std::once_flag once;
  std::call_once(once, [] { registerTargetBackend(createCPUTargetBackend()); });
}
