//===- HostTarget.cpp - CPUs as #lq.target descriptions -------------------===//

#include "lpc/Target/CPU/HostTarget.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/Threading.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <mutex>
#include <thread>

using namespace mlir;

namespace {
/// A sysfs file's first line, trimmed, or "".
std::string readLine(const llvm::Twine &path) {
  auto buf = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buf)
    return "";
  return (*buf)->getBuffer().split('\n').first.trim().str();
}

/// Data cache sizes in bytes by level (1: L1 data, 2, 3), from
/// /sys/devices/system/cpu/cpu0/cache/index*/{level,type,size} ("32K").
void readCacheSizes(int64_t sizes[4]) {
  for (int i = 0; i < 8; ++i) {
    std::string dir =
        "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(i) + "/";
    std::string level = readLine(dir + "level");
    if (level.empty())
      break;
    std::string type = readLine(dir + "type");
    if (type == "Instruction")
      continue;
    std::string sizeText = readLine(dir + "size");
    llvm::StringRef size = sizeText;
    int64_t scale = 1;
    if (size.consume_back("K"))
      scale = 1024;
    else if (size.consume_back("M"))
      scale = 1024 * 1024;
    int64_t n = 0, l = 0;
    if (!size.getAsInteger(10, n) &&
        !llvm::StringRef(level).getAsInteger(10, l) && l >= 1 && l <= 3)
      sizes[l] = n * scale;
  }
}
} // namespace

namespace {
/// Facts every CPU description has: the model, the ISA features lpc knows
/// (those `has` says the CPU has) and the vector width they give.
SmallVector<NamedAttribute>
cpuFacts(Builder &b, llvm::StringRef cpu,
         llvm::function_ref<bool(llvm::StringRef)> has) {
  SmallVector<Attribute> features;
  for (const char *f : lpc::lq::TargetAttr::getCPUFeatureNames())
    if (has(f))
      features.push_back(b.getStringAttr(f));
  int64_t vectorBits = has("avx512f") && has("avx512bw") && has("avx512vl")
                           ? 512
                       : has("avx2") || has("avx") ? 256
                                                   : 128;
  return {b.getNamedAttr("cpu", b.getStringAttr(cpu)),
          b.getNamedAttr("features", b.getArrayAttr(features)),
          b.getNamedAttr("vector_bits", b.getI64IntegerAttr(vectorBits))};
}
} // namespace

lpc::lq::TargetAttr lpc::cpu::getHostCPUTarget(MLIRContext *context) {
  // The module may hold no lq op yet (a resumed .mlir of upstream dialects).
  context->getOrLoadDialect<lpc::lq::LQDialect>();
  Builder b(context);
  llvm::StringMap<bool, llvm::MallocAllocator> host =
      llvm::sys::getHostCPUFeatures();
  SmallVector<NamedAttribute> facts =
      cpuFacts(b, llvm::sys::getHostCPUName(),
               [&](llvm::StringRef f) { return host.lookup(f); });
  int64_t cores = llvm::get_physical_cores();
  if (cores < 1)
    cores = std::max(1u, std::thread::hardware_concurrency());
  facts.push_back(b.getNamedAttr("cores", b.getI64IntegerAttr(cores)));
  int64_t caches[4] = {0, 0, 0, 0};
  readCacheSizes(caches);
  const char *names[4] = {nullptr, "l1d", "l2", "l3"};
  for (int l = 1; l <= 3; ++l)
    if (caches[l] > 0)
      facts.push_back(b.getNamedAttr(names[l], b.getI64IntegerAttr(caches[l])));
  return lpc::lq::TargetAttr::get(context, lpc::lq::TargetKind::cpu,
                                  b.getDictionaryAttr(facts));
}

FailureOr<lpc::lq::TargetAttr>
lpc::cpu::getNamedCPUTarget(Location loc, llvm::StringRef tripleName,
                            llvm::StringRef cpu) {
  MLIRContext *context = loc.getContext();
  context->getOrLoadDialect<lpc::lq::LQDialect>();
  llvm::Triple triple;
  std::string error;
  const llvm::Target *target = lookupLLVMTarget(tripleName, triple, error);
  if (!target)
    return emitError(loc) << "unknown target triple '" << triple.str()
                          << "': " << error;
  std::unique_ptr<llvm::MCSubtargetInfo> info(
      target->createMCSubtargetInfo(triple, cpu, ""));
  if (!info || !info->isCPUStringValid(cpu))
    return emitError(loc) << "unknown CPU '" << cpu << "' for " << triple.str()
                          << " (LLVM's names: llc -mcpu=help)";
  Builder b(context);
  SmallVector<NamedAttribute> facts = cpuFacts(b, cpu, [&](llvm::StringRef f) {
    return info->checkFeatures(("+" + f).str());
  });
  return lpc::lq::TargetAttr::get(context, lpc::lq::TargetKind::cpu,
                                  b.getDictionaryAttr(facts));
}

FailureOr<lpc::lq::TargetAttr>
lpc::cpu::applyCPUFeatures(Location loc, lpc::lq::TargetAttr target,
                           llvm::StringRef spec) {
  llvm::ArrayRef<const char *> known =
      lpc::lq::TargetAttr::getCPUFeatureNames();
  llvm::StringMap<bool> on;
  for (const char *f : known)
    on[f] = target.hasFeature(f);
  SmallVector<llvm::StringRef> items;
  spec.split(items, ',', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef item : items) {
    item = item.trim();
    bool enable = item.consume_front("+");
    if (!enable && !item.consume_front("-"))
      return emitError(loc)
             << "--cpu-features expects +NAME or -NAME, got '" << item << "'";
    if (!llvm::is_contained(known, item))
      return emitError(loc)
             << "unknown cpu feature '" << item << "' in --cpu-features ("
             << "expected one of " << llvm::join(known, ", ") << ")";
    on[item] = enable;
  }
  // The edited features through the same rule as any description; "avx"
  // (not a listed feature) is there exactly when the vectors were wider than
  // 128 bits, so removing AVX2 keeps 256-bit AVX code.
  int64_t old = target.getInt("vector_bits", 128);
  Builder b(loc.getContext());
  SmallVector<NamedAttribute> edited =
      cpuFacts(b, target.getString("cpu"), [&](llvm::StringRef f) {
        return f == "avx" ? old >= 256 : on.lookup(f);
      });
  NamedAttrList facts(target.getFacts());
  for (NamedAttribute &f : edited)
    if (f.getName() != "cpu") // the model stays what it was
      facts.set(f.getName(), f.getValue());
  return lpc::lq::TargetAttr::get(loc.getContext(), lpc::lq::TargetKind::cpu,
                                  facts.getDictionary(loc.getContext()));
}

const llvm::Target *lpc::cpu::lookupLLVMTarget(llvm::StringRef name,
                                               llvm::Triple &triple,
                                               std::string &error) {
  initializeNativeTarget();
  triple = llvm::Triple(name.empty() ? llvm::sys::getDefaultTargetTriple()
                                     : name.str());
  return llvm::TargetRegistry::lookupTarget(triple, error);
}

void lpc::cpu::initializeNativeTarget() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
}
