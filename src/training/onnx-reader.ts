/**
 * Reads back what onnx-writer writes (pure): the graph's float initializers and its nodes'
 * names and operators, enough to rebuild a dense autoencoder from its fp32 export. Field numbers
 * follow onnx/onnx.proto; fields we do not use are skipped.
 */
import protobuf from 'protobufjs/minimal.js';

const { Reader } = protobuf;
type R = protobuf.Reader;

export interface ReadTensor {
  readonly name: string;
  readonly dims: readonly number[];
  readonly type: number;
  readonly raw: Uint8Array;
}

export interface ReadGraph {
  readonly initializers: ReadonlyMap<string, ReadTensor>;
  readonly nodes: readonly { readonly name: string; readonly op: string }[];
}

function readTensor(r: R, end: number): ReadTensor {
  let name = '';
  let type = 0;
  let raw: Uint8Array = new Uint8Array(0);
  const dims: number[] = [];
  while (r.pos < end) {
    const t = r.uint32();
    const field = t >>> 3;
    if (field === 1 && (t & 7) === 2) {
      const e = r.uint32() + r.pos;
      while (r.pos < e) dims.push(Number(r.int64()));
    } else if (field === 1) dims.push(Number(r.int64()));
    else if (field === 2) type = r.int32();
    else if (field === 8) name = r.string();
    else if (field === 9) raw = r.bytes();
    else r.skipType(t & 7);
  }
  return { name, dims, type, raw };
}

function readNode(r: R, end: number): { name: string; op: string } {
  let name = '';
  let op = '';
  while (r.pos < end) {
    const t = r.uint32();
    const field = t >>> 3;
    if (field === 3) name = r.string();
    else if (field === 4) op = r.string();
    else r.skipType(t & 7);
  }
  return { name, op };
}

export function readOnnxGraph(bytes: Uint8Array, what = 'model'): ReadGraph {
  const r = Reader.create(bytes);
  const initializers = new Map<string, ReadTensor>();
  const nodes: { name: string; op: string }[] = [];
  let sawGraph = false;
  try {
    while (r.pos < r.len) {
      const t = r.uint32();
      if (t >>> 3 !== 7) {
        r.skipType(t & 7);
        continue;
      }
      sawGraph = true;
      const end = r.uint32() + r.pos;
      while (r.pos < end) {
        const g = r.uint32();
        const field = g >>> 3;
        if (field === 1) nodes.push(readNode(r, r.uint32() + r.pos));
        else if (field === 5) {
          const tensor = readTensor(r, r.uint32() + r.pos);
          initializers.set(tensor.name, tensor);
        } else r.skipType(g & 7);
      }
    }
  } catch (err) {
    throw new Error(`${what}: not a readable ONNX file (${(err as Error).message})`);
  }
  if (!sawGraph) throw new Error(`${what}: not an ONNX model (no graph)`);
  return { initializers, nodes };
}

/** A FLOAT tensor's values. */
export function floats(t: ReadTensor): Float64Array {
  // A fresh, aligned copy (in Node the bytes are a Buffer view into the whole file).
  const copy = new Uint8Array(t.raw);
  return Float64Array.from(new Float32Array(copy.buffer, 0, copy.byteLength / 4));
}
