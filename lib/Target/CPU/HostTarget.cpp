//===- HostTarget.cpp - The host CPU as an #lq.target ---------------------===//

#include "lpc/Target/CPU/HostTarget.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Threading.h"
#include "llvm/TargetParser/Host.h"

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
    llvm::StringRef size = readLine(dir + "size");
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

lpc::lq::TargetAttr lpc::cpu::getHostCPUTarget(MLIRContext *context) {
  // The module may hold no lq op yet (a resumed .mlir of upstream dialects).
  context->getOrLoadDialect<lpc::lq::LQDialect>();
  Builder b(context);
  llvm::StringMap<bool, llvm::MallocAllocator> host =
      llvm::sys::getHostCPUFeatures();
  auto has = [&](llvm::StringRef f) { return host.lookup(f); };
  SmallVector<Attribute> features;
  for (const char *f : lpc::lq::TargetAttr::getCPUFeatureNames())
    if (has(f))
      features.push_back(b.getStringAttr(f));
  int64_t vectorBits = has("avx512f") && has("avx512bw") && has("avx512vl")
                           ? 512
                       : has("avx2") || has("avx") ? 256
                                                   : 128;
  int64_t cores = llvm::get_physical_cores();
  if (cores < 1)
    cores = std::max(1u, std::thread::hardware_concurrency());
  SmallVector<NamedAttribute> facts = {
      b.getNamedAttr("features", b.getArrayAttr(features)),
      b.getNamedAttr("vector_bits", b.getI64IntegerAttr(vectorBits)),
      b.getNamedAttr("cores", b.getI64IntegerAttr(cores))};
  int64_t caches[4] = {0, 0, 0, 0};
  readCacheSizes(caches);
  const char *names[4] = {nullptr, "l1d", "l2", "l3"};
  for (int l = 1; l <= 3; ++l)
    if (caches[l] > 0)
      facts.push_back(b.getNamedAttr(names[l], b.getI64IntegerAttr(caches[l])));
  return lpc::lq::TargetAttr::get(context, lpc::lq::TargetKind::cpu,
                                  b.getDictionaryAttr(facts));
}

void lpc::cpu::attachHostCPUTargetIfAbsent(Operation *module) {
  if (!lpc::lq::TargetAttr::lookup(module))
    module->setAttr(lpc::lq::TargetAttr::kAttrName,
                    getHostCPUTarget(module->getContext()));
}
