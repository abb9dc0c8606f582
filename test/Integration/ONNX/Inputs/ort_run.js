// Runs an ONNX model with ONNX Runtime (npm onnxruntime-node) and writes its
// outputs as ONNX TensorProto files output_<i>.pb, the layout `lpc run
// --compare-dir` reads.
//
// usage: node ort_run.js ORT_MODULE_DIR MODEL.onnx OUT_DIR INPUT.pb...
// With ORT_OPT_LEVEL=disabled in the environment, ONNX Runtime runs the graph
// as written (no graph optimizations, e.g. no QDQ -> QLinear fusion).
// Inputs are TensorProtos with raw_data (what the tests write) of the dtypes
// in DTYPES; outputs may have any of those dtypes.
const fs = require("fs");
const path = require("path");
const ort = require(process.argv[2]);

// ONNX data_type -> [onnxruntime-node tensor type, typed array].
const DTYPES = {
  1: ["float32", Float32Array], 2: ["uint8", Uint8Array], 3: ["int8", Int8Array],
  4: ["uint16", Uint16Array], 5: ["int16", Int16Array], 6: ["int32", Int32Array],
  7: ["int64", BigInt64Array], 9: ["bool", Uint8Array], 10: ["float16", Uint16Array],
  11: ["float64", Float64Array],
};
const BY_NAME = {};
for (const [k, v] of Object.entries(DTYPES)) BY_NAME[v[0]] = Number(k);

// Minimal protobuf reader/writer for the TensorProto fields used here:
// dims (1, int64), data_type (2), name (8), raw_data (9).
function readVarint(buf, pos) {
  let v = 0n, shift = 0n;
  for (;;) {
    const b = buf[pos++];
    v |= BigInt(b & 0x7f) << shift;
    if (!(b & 0x80)) return [v, pos];
    shift += 7n;
  }
}
function readTensor(file) {
  const buf = fs.readFileSync(file);
  const t = { dims: [], type: 0, name: "", raw: null };
  let pos = 0;
  while (pos < buf.length) {
    let key;
    [key, pos] = readVarint(buf, pos);
    const field = Number(key >> 3n), wire = Number(key & 7n);
    if (wire === 0) {
      let v;
      [v, pos] = readVarint(buf, pos);
      if (field === 1) t.dims.push(Number(v));
      if (field === 2) t.type = Number(v);
    } else if (wire === 2) {
      let len;
      [len, pos] = readVarint(buf, pos);
      const bytes = buf.subarray(pos, pos + Number(len));
      pos += Number(len);
      if (field === 1) { // packed dims
        let p = 0;
        while (p < bytes.length) { let v; [v, p] = readVarint(bytes, p); t.dims.push(Number(v)); }
      }
      if (field === 8) t.name = bytes.toString("utf8");
      if (field === 9) t.raw = Buffer.from(bytes);
    } else {
      throw new Error("unexpected wire type " + wire + " in " + file);
    }
  }
  if (!DTYPES[t.type] || !t.raw) throw new Error(file + ": expected a raw_data tensor of a supported dtype, got dtype " + t.type);
  return t;
}
function varint(n) {
  const out = [];
  let v = BigInt(n);
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return Buffer.from(out);
}
function writeTensor(file, name, dims, dtype, data) {
  const parts = [];
  for (const d of dims) parts.push(varint(1 << 3), varint(d));
  parts.push(varint((2 << 3)), varint(dtype));
  const nameBuf = Buffer.from(name, "utf8");
  parts.push(varint((8 << 3) | 2), varint(nameBuf.length), nameBuf);
  const raw = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  parts.push(varint((9 << 3) | 2), varint(raw.length), raw);
  fs.writeFileSync(file, Buffer.concat(parts));
}

(async () => {
  const [, , , model, outDir, ...inputs] = process.argv;
  const options = {};
  if (process.env.ORT_OPT_LEVEL) options.graphOptimizationLevel = process.env.ORT_OPT_LEVEL;
  const session = await ort.InferenceSession.create(model, options);
  const feeds = {};
  inputs.forEach((file, i) => {
    const t = readTensor(file);
    const [type, Array] = DTYPES[t.type];
    const data = new Array(t.raw.buffer.slice(t.raw.byteOffset, t.raw.byteOffset + t.raw.length));
    feeds[t.name || session.inputNames[i]] = new ort.Tensor(type, data, t.dims);
  });
  const results = await session.run(feeds);
  fs.mkdirSync(outDir, { recursive: true });
  session.outputNames.forEach((name, i) => {
    const t = results[name];
    if (!(t.type in BY_NAME)) throw new Error("output " + name + " is " + t.type);
    writeTensor(path.join(outDir, "output_" + i + ".pb"), name, t.dims, BY_NAME[t.type], t.data);
  });
  console.log("ort " + ort.env.versions.common + ": wrote " + session.outputNames.length + " outputs");
})().catch((e) => { console.error(e.message); process.exit(1); });
