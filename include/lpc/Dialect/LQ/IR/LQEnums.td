//===- LQEnums.td - lq enums -------------------------------*- tablegen -*-===//

#ifndef LPC_DIALECT_LQ_IR_LQENUMS_TD
#define LPC_DIALECT_LQ_IR_LQENUMS_TD

include "mlir/IR/EnumAttr.td"
include "lpc/Dialect/LQ/IR/LQDialect.td"

def LQ_RoundingMode : I32EnumAttr<"RoundingMode", "rounding mode", [
    I32EnumAttrCase<"half_even", 0>,
    I32EnumAttrCase<"half_away", 1>,
    I32EnumAttrCase<"toward_zero", 2>,
    I32EnumAttrCase<"floor", 3>,
    I32EnumAttrCase<"ceil", 4>,
    I32EnumAttrCase<"stochastic", 5>,
    I32EnumAttrCase<"away_from_zero", 6>,
    I32EnumAttrCase<"half_toward_zero", 7>]> {
  let cppNamespace = "::lpc::lq";
  let genSpecializedAttr = 0;
}

def LQ_RoundingModeAttr : EnumAttr<LQ_Dialect, LQ_RoundingMode, "rounding"> {
  let summary = "How a real value is rounded to a code";
  let description = [{
    `half_even` (default, as ONNX and QONNX), `half_away`, `toward_zero`,
    `floor`, `ceil`, `away_from_zero`, `half_toward_zero` (QONNX's UP and
    HALF_DOWN), or `stochastic` (a counter-based hash of the op's seed and
    the element's linear index; see docs/Semantics.md).
  }];
  let assemblyFormat = "`<` $value `>`";
}

def LQ_NanKind : I32EnumAttr<"NanKind", "NaN encoding of a minifloat", [
    I32EnumAttrCase<"none", 0>,
    I32EnumAttrCase<"ieee", 1>,
    I32EnumAttrCase<"allones", 2>,
    I32EnumAttrCase<"negzero", 3>]> {
  let cppNamespace = "::lpc::lq";
  let genSpecializedAttr = 0;
}

def LQ_LayoutKind : I32EnumAttr<"LayoutKind", "scale layout kind", [
    I32EnumAttrCase<"tensor", 0>,
    I32EnumAttrCase<"axis", 1>,
    I32EnumAttrCase<"block", 2>]> {
  let cppNamespace = "::lpc::lq";
  let genSpecializedAttr = 0;
}

def LQ_PackingKind : I32EnumAttr<"PackingKind", "packing kind", [
    I32EnumAttrCase<"dense", 0>,
    I32EnumAttrCase<"bitplanes", 1>,
    I32EnumAttrCase<"tiles", 2>]> {
  let cppNamespace = "::lpc::lq";
  let genSpecializedAttr = 0;
}

def LQ_TargetKind : I32EnumAttr<"TargetKind", "target kind", [
    I32EnumAttrCase<"cpu", 0>,
    I32EnumAttrCase<"nvvm", 1>,
    I32EnumAttrCase<"hls", 2>]> {
  let cppNamespace = "::lpc::lq";
  let genSpecializedAttr = 0;
}

#endif // LPC_DIALECT_LQ_IR_LQENUMS_TD
