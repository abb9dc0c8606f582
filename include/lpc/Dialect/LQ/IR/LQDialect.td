//===- LQDialect.td - The lq dialect -----------------------*- tablegen -*-===//
//
// The lq dialect: low-precision formats, scale layouts and the ops that
// quantize, dequantize and compute on them.
//
//===----------------------------------------------------------------------===//

#ifndef LPC_DIALECT_LQ_IR_LQDIALECT_TD
#define LPC_DIALECT_LQ_IR_LQDIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def LQ_Dialect : Dialect {
  let name = "lq";
  let cppNamespace = "::lpc::lq";
  let summary = "Low-precision formats, scale layouts and quantized computation";
  let description = [{
    `lq` represents arbitrary-width integer and minifloat formats and the
    layouts of their scales. Codes are integers, formats say what codes mean,
    layouts say where scales apply, and scales are SSA values:

    ```mlir
    %q = lq.quantize %x, %s layout <block = [1, 128]>
        : tensor<64x256xf32>, tensor<64x2xf32> -> tensor<64x256x!lq.int<4>>
    ```

    Element semantics are fixed in docs/Semantics.md.
  }];
  let useDefaultTypePrinterParser = 1;
  let useDefaultAttributePrinterParser = 1;
  let usePropertiesForAttributes = 1;
  let extraClassDeclaration = [{
    void registerTypes();
    void registerAttributes();
  }];
}

class LQ_Type<string name, string typeMnemonic, list<Trait> traits = []>
    : TypeDef<LQ_Dialect, name, traits> {
  let mnemonic = typeMnemonic;
}

class LQ_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<LQ_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

class LQ_Op<string mnemonic, list<Trait> traits = []>
    : Op<LQ_Dialect, mnemonic, traits>;

#endif // LPC_DIALECT_LQ_IR_LQDIALECT_TD
