/**
 * Serialises a small ONNX model (ModelProto) with protobufjs's wire-format Writer. Only what our
 * exported graphs use: tensors as raw little-endian data, nodes with int attributes, inputs and
 * outputs with a symbolic batch dimension. Field numbers follow onnx/onnx.proto (IR version 7).
 */
import protobuf from 'protobufjs/minimal.js';

const { Writer } = protobuf;
type W = protobuf.Writer;

export const TensorType = { FLOAT: 1, UINT8: 2, INT8: 3, INT64: 7 } as const;
export type TensorTypeCode = (typeof TensorType)[keyof typeof TensorType];

export interface OnnxTensor {
  readonly name: string;
  readonly type: TensorTypeCode;
  readonly dims: readonly number[];
  readonly data: Float32Array | Uint8Array | Int8Array | BigInt64Array;
}

export interface OnnxNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name: string;
  readonly intAttributes?: Readonly<Record<string, number>>;
  readonly intsAttributes?: Readonly<Record<string, readonly number[]>>;
}

export interface OnnxValueInfo {
  readonly name: string;
  readonly type: TensorTypeCode;
  /** A number is a fixed size, a string a symbolic one (e.g. "batch"). */
  readonly shape: readonly (number | string)[];
}

export interface OnnxGraph {
  readonly name: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxTensor[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
}

export interface OnnxModelMeta {
  readonly producerName: string;
  readonly producerVersion: string;
  readonly opset: number;
  readonly docString?: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

const LEN = 2;
const VARINT = 0;
const tag = (w: W, field: number, wire: number) => w.uint32((field << 3) | wire);

function message(w: W, field: number, body: (w: W) => void): void {
  tag(w, field, LEN).fork();
  body(w);
  w.ldelim();
}

function tensor(w: W, t: OnnxTensor): void {
  tag(w, 1, LEN).fork();
  for (const d of t.dims) w.int64(d);
  w.ldelim();
  tag(w, 2, VARINT).int32(t.type);
  tag(w, 8, LEN).string(t.name);
  const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  tag(w, 9, LEN).bytes(bytes);
}

function node(w: W, n: OnnxNode): void {
  for (const i of n.inputs) tag(w, 1, LEN).string(i);
  for (const o of n.outputs) tag(w, 2, LEN).string(o);
  tag(w, 3, LEN).string(n.name);
  tag(w, 4, LEN).string(n.op);
  for (const [name, value] of Object.entries(n.intAttributes ?? {})) {
    message(w, 5, (a) => {
      tag(a, 1, LEN).string(name);
      tag(a, 3, VARINT).int64(value);
      tag(a, 20, VARINT).int32(2); // AttributeType.INT
    });
  }
  for (const [name, values] of Object.entries(n.intsAttributes ?? {})) {
    message(w, 5, (a) => {
      tag(a, 1, LEN).string(name);
      for (const v of values) tag(a, 8, VARINT).int64(v);
      tag(a, 20, VARINT).int32(7); // AttributeType.INTS
    });
  }
}

function valueInfo(w: W, v: OnnxValueInfo): void {
  tag(w, 1, LEN).string(v.name);
  message(w, 2, (type) =>
    message(type, 1, (tensorType) => {
      tag(tensorType, 1, VARINT).int32(v.type);
      message(tensorType, 2, (shape) => {
        for (const d of v.shape) {
          message(shape, 1, (dim) => {
            if (typeof d === 'number') tag(dim, 1, VARINT).int64(d);
            else tag(dim, 2, LEN).string(d);
          });
        }
      });
    }),
  );
}

export function encodeOnnxModel(graph: OnnxGraph, meta: OnnxModelMeta): Uint8Array {
  const w = Writer.create();
  tag(w, 1, VARINT).int64(7); // ir_version
  tag(w, 2, LEN).string(meta.producerName);
  tag(w, 3, LEN).string(meta.producerVersion);
  if (meta.docString) tag(w, 6, LEN).string(meta.docString);
  message(w, 7, (g) => {
    for (const n of graph.nodes) message(g, 1, (nw) => node(nw, n));
    tag(g, 2, LEN).string(graph.name);
    for (const t of graph.initializers) message(g, 5, (tw) => tensor(tw, t));
    for (const i of graph.inputs) message(g, 11, (vw) => valueInfo(vw, i));
    for (const o of graph.outputs) message(g, 12, (vw) => valueInfo(vw, o));
  });
  message(w, 8, (o) => {
    tag(o, 1, LEN).string('');
    tag(o, 2, VARINT).int64(meta.opset);
  });
  for (const [key, value] of Object.entries(meta.metadata ?? {})) {
    message(w, 14, (e) => {
      tag(e, 1, LEN).string(key);
      tag(e, 2, LEN).string(value);
    });
  }
  return w.finish();
}
