//===- KernelUtils.h - Shared parts of the CPU matmul kernels ---*- C++ -*-===//
//
// What lpc-cpu-vectorize-matmul's kernels share: the register tile chosen
// from the #lq.target, the threads-over-row-tiles skeleton, and the LLVM
// intrinsics they call (declared here, defined after bufferization by
// lpc-cpu-define-intrinsics).
//
//===----------------------------------------------------------------------===//

#ifndef LPC_LIB_TARGET_CPU_KERNELUTILS_H
#define LPC_LIB_TARGET_CPU_KERNELUTILS_H

#include "lpc/Dialect/LQ/IR/LQ.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"

namespace lpc::cpu {

/// The register tile: `rows` output rows, `lanes` 32-bit lanes per vector,
/// `unroll` code reads per row and step (float kernel), and what the
/// target's ISA offers the integer kernel.
struct Tile {
  int64_t rows = 1;
  int64_t lanes = 8;
  int64_t unroll = 2;
  /// u8 x s8 dot products accumulating into i32 (vpdpbusd).
  bool vnni = false;
  /// u8 x s8 pair products into i16 (vpmaddubsw) and i16 pairs into i32
  /// (vpmaddwd) at this vector width.
  bool maddubs = false;
  /// Activation rows per register tile of the integer kernel; 0: choose
  /// (chooseActivationRows).
  int64_t activationRows = 0;
  /// f32 vectors one read of `width`-bit codes gives.
  static int64_t vectorsPerRead(unsigned width) { return width == 4 ? 2 : 1; }
  /// Codes of one row consumed per step.
  int64_t step(unsigned width) const {
    return lanes * vectorsPerRead(width) * unroll;
  }
};

/// The tile for `target`, or nothing without a CPU description.
std::optional<Tile> chooseTile(lq::TargetAttr target);

/// How the integer kernel forms u8 x s8 dot products.
enum class Dot { VNNI, MaddUBS, Wide };

/// The dot for `width`-bit weights on `tile`'s ISA: vpdpbusd with VNNI,
/// vpmaddubsw + vpmaddwd for weights of at most 4 bits (their i16 pair sums
/// cannot saturate), widened i32 products otherwise.
Dot chooseDot(const Tile &tile, unsigned width);

/// Activation rows per register tile of `rows` output rows: the rows x
/// activation rows accumulators fit one vector of sums (at most 4; 1 for
/// widened products, which take four registers each).
int64_t chooseActivationRows(const Tile &tile, Dot dot, int64_t rows);

/// `base` with the rows and activation rows of `op`'s `lq.tile` attribute
/// (lq-tile-matmul), when it has one.
Tile applyTileAttr(mlir::Operation *op, Tile base);

/// Writes `count` tiles of `rows` output columns each into `out` (M x N),
/// tile t holding columns first + t + r * count (r < rows): one scf.forall
/// iteration per tile (threads), or a one-iteration scf.for for a single
/// tile. `body(b, loc, columns, init)` builds the tile's M x rows result
/// from `init`, the tile's (strided) slice of `out`, so the tile is written
/// in place.
mlir::Value buildRowTiles(
    mlir::OpBuilder &b, mlir::Location loc, mlir::Value out, int64_t m,
    int64_t first, int64_t count, int64_t rows,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                   llvm::ArrayRef<mlir::Value>, mlir::Value)>
        body);

/// The attribute naming the LLVM intrinsic a declaration stands for.
inline constexpr llvm::StringLiteral kIntrinsicAttrName = "lpc.llvm_intrinsic";

/// A call of LLVM intrinsic `name` (e.g. "llvm.x86.avx512.vpdpbusd.512") on
/// vectors: a call of a private declaration in `module` that
/// lpc-cpu-define-intrinsics later gives an llvm.call_intrinsic body (buffer
/// deallocation does not accept llvm.call_intrinsic itself).
mlir::Value callIntrinsic(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::ModuleOp module, llvm::StringRef name,
                          mlir::Type result, mlir::ValueRange operands);

/// lpc-cpu-vectorize-matmul's kernel for integer lq.matmul (acc(i32)) and its
/// activation quantization (lq.dynamic_quantize).
void populateIntegerMatmulKernel(mlir::RewritePatternSet &patterns,
                                 const Tile &tile);

} // namespace lpc::cpu

#endif // LPC_LIB_TARGET_CPU_KERNELUTILS_H
