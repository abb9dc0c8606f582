//===- Recipes.h - Post-training quantization recipes -----------*- C++ -*-===//
//
// The recipes of lq-quantize (`lpc --quantize=RECIPE`): for each, the weight
// format, the scale layout and how scales are chosen, and whether the
// activations are quantized too. quantizeWeights computes codes and scales on
// the host; the codes are those lq.quantize gives with those scales
// (HostQuantization.h), so the IR the pass builds is the folded form of an
// ordinary lq.quantize. docs/Quantization.md describes every recipe.
//
//===----------------------------------------------------------------------===//

#ifndef LPC_DIALECT_LQ_UTILS_RECIPES_H
#define LPC_DIALECT_LQ_UTILS_RECIPES_H

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Types.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lpc::lq {

/// How a recipe chooses codes and scales for one block of weights.
enum class RecipeScheme {
  /// Signed integers, scale max|w| / qmax, no zero point.
  Symmetric,
  /// Unsigned integers over [min(w, 0), max(w, 0)] with an integer zero
  /// point.
  Asymmetric,
  /// {-1, 0, 1} times a scale fitted by Lloyd iterations.
  Ternary,
  /// NF4 codebook, absmax scales double-quantized to 8 bits.
  NF4,
  /// OCP MXFP4: E2M1 codes, an E8M0 power of two per 32.
  MXFP4,
  /// NVFP4: E2M1 codes, a UE4M3 scale per 16 times one f32 per tensor.
  NVFP4,
  /// E4M3FN codes, scale max|w| / 448 per output channel.
  FP8,
};

struct Recipe {
  llvm::StringLiteral name;
  llvm::StringLiteral summary;
  RecipeScheme scheme;
  /// Width of the weight codes.
  unsigned bits;
  /// Weights per scale along the reduction axis; 0: one scale per output
  /// channel.
  int64_t group;
  /// Activations quantized at run time to this many bits (lq.dynamic_quantize
  /// per token, or per weight group); 0: f32 activations.
  unsigned activationBits;
  /// Activations quantized with a static per-tensor scale max|x| / max
  /// code from calibration statistics, to this format (an lq keyword:
  /// "e4m3fn" or "int8"); "" for none.
  llvm::StringLiteral staticActivations;
};

/// Every recipe, in the order `lpc --help` lists them.
llvm::ArrayRef<Recipe> getRecipes();
/// The recipe called `name`, or null.
const Recipe *lookupRecipe(llvm::StringRef name);
/// "w8a8, w4a8, ...", for messages.
std::string getRecipeNames();

/// A `--quantize-config` file (docs/Quantization.md): a default recipe and
/// per-layer overrides by glob on ONNX node names, "float" keeping a layer
/// in float.
struct QuantizeConfig {
  /// The recipe of layers no override matches; null: float.
  const Recipe *defaultRecipe = nullptr;
  struct Override {
    /// A glob (llvm::GlobPattern syntax: *, ?, [...], {a,b}); checked when
    /// the file is read. (A GlobPattern refers into its pattern's text, so
    /// only the text is kept.)
    std::string pattern;
    /// null: keep the layer in float.
    const Recipe *recipe = nullptr;
  };
  std::vector<Override> overrides;

  /// The recipe of the layer called `node` (the first matching override,
  /// else the default); null: float.
  const Recipe *lookup(llvm::StringRef node) const;
};

/// Reads a config file; `defaultRecipe` (`--quantize`, may be null) is the
/// default unless the file names one. Errors name the file and the key.
llvm::Expected<QuantizeConfig> readQuantizeConfig(llvm::StringRef path,
                                                  const Recipe *defaultRecipe);

/// What a weight tensor's dim is to the product that reads it.
enum class WeightDim {
  /// An output channel (a matmul's N; a convolution's F and group G).
  Channel,
  /// The reduction axis groups run along (K; a convolution's C).
  Reduction,
  /// Any other reduced dim (a convolution's kernel window).
  Window,
};

/// The scale block of `recipe` for a weight tensor of `shape` whose dims are
/// `dims`: 1 along channels; per output channel the whole of every other
/// dim, with a group the group along the reduction dim (min(group, D), a
/// partial last group where D is not a multiple) and 1 along the window.
llvm::SmallVector<int64_t> getWeightBlock(const Recipe &recipe,
                                          llvm::ArrayRef<int64_t> shape,
                                          llvm::ArrayRef<WeightDim> dims);

/// Codes and scales of one weight tensor (row-major, as the weights).
struct QuantizedWeights {
  /// The codes' format (an lq or builtin format type) and the codes.
  mlir::Type codeType;
  std::vector<uint64_t> codes;
  /// ceil(D_d / B_d) for the block shape quantizeWeights was given.
  llvm::SmallVector<int64_t> scaleShape;
  /// The f32 scale each block's codes were computed with (the decoded value
  /// where scales are themselves codes).
  std::vector<float> scales;
  /// Integer zero points (unsigned codes of zeroPointType), or empty.
  mlir::Type zeroPointType;
  std::vector<uint64_t> zeroPoints;
  /// Scales stored as codes of scaleCodeType (null: plain f32 scales). With
  /// an empty scale2Block they are the scales (MX's E8M0); otherwise the
  /// scales are lq.dequantize(scaleCodes, scale2 [, offset2]) under a block
  /// layout of scale2Block over scaleShape (two-level scales).
  mlir::Type scaleCodeType;
  std::vector<uint64_t> scaleCodes;
  llvm::SmallVector<int64_t> scale2Block, scale2Shape;
  std::vector<float> scale2, offset2;
};

/// Quantizes `values` (a tensor of `shape`, row-major) with `recipe`, one
/// scale per block of `block` (getWeightBlock).
QuantizedWeights quantizeWeights(mlir::MLIRContext *ctx, const Recipe &recipe,
                                 llvm::ArrayRef<float> values,
                                 llvm::ArrayRef<int64_t> shape,
                                 llvm::ArrayRef<int64_t> block);

/// Weights as GPTQ and the layer SQNR see them: a matrix of shape[0] rows
/// (output channels) by the other dims flattened (K, the reduction: a
/// matmul's K, a convolution's C x window). Each row belongs to a group
/// (rowGroup[r]; all rows to group 0 where it is empty) whose K x K Gram
/// matrix G = X^T X (of its im2col rows, for convolutions) is the group's
/// slice of `grams`.

/// The layer's output SQNR (dB) on its calibration inputs:
/// 10 log10(sum_r w_r^T G w_r / sum_r e_r^T G e_r), w_r the float weights of
/// row r, e_r their difference from the dequantized `q` (scale blocks
/// `block`). +inf where the weights are exact.
double layerSQNR(const QuantizedWeights &q, llvm::ArrayRef<float> values,
                 llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> block,
                 llvm::ArrayRef<double> grams,
                 llvm::ArrayRef<int64_t> rowGroup = {});

/// GPTQ (Frantar et al., 2022): the scales and zero points are the recipe's
/// round-to-nearest ones (static groups), and the codes are chosen column by
/// column, each column's rounding error spread over the columns not yet
/// quantized through the upper Cholesky factor of the inverse Hessian
/// H = G + 1% of its mean diagonal, per group of rows. Columns go in order,
/// or by decreasing H diagonal with `actOrder`; columns with a zero diagonal
/// (never active) are quantized as zeros. Fails (an error message) when H is
/// not positive definite.
llvm::Expected<QuantizedWeights>
gptqWeights(mlir::MLIRContext *ctx, const Recipe &recipe,
            llvm::ArrayRef<float> values, llvm::ArrayRef<int64_t> shape,
            llvm::ArrayRef<int64_t> block, llvm::ArrayRef<double> grams,
            llvm::ArrayRef<int64_t> rowGroup, bool actOrder);

} // namespace lpc::lq

#endif // LPC_DIALECT_LQ_UTILS_RECIPES_H
