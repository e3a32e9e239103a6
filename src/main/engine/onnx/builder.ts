import pkg from 'onnx-proto';
import type { onnx } from 'onnx-proto';

// onnx-proto is CommonJS: its values come through the default import (a named import fails at run time).
const { onnx: proto } = pkg;

/** ONNX IR 8 and opset 15: what onnx-proto (ONNX 1.10) describes and every onnxruntime since 1.10 runs. */
export const IR_VERSION = 8;
export const OPSET = 15;

export type ElemType = 'float' | 'float16' | 'int64' | 'int32' | 'bool';
const elemTypes: Record<ElemType, number> = {
  float: proto.TensorProto.DataType.FLOAT,
  float16: proto.TensorProto.DataType.FLOAT16,
  int64: proto.TensorProto.DataType.INT64,
  int32: proto.TensorProto.DataType.INT32,
  bool: proto.TensorProto.DataType.BOOL,
};

/** A dimension: a fixed size, or a name for a size given at run time. */
export type Dim = number | string;

export type AttrValue =
  number | number[] | string | { float: number } | { floats: number[] } | onnx.ITensorProto;

/**
 * A small ONNX graph builder: name values, add nodes, get model bytes. Node outputs get fresh names unless given,
 * so graphs read like the maths they compute. Used for the training-step graphs, the GEMM benchmark and the probe
 * models; it knows only what those need.
 */
export class GraphBuilder {
  readonly #nodes: onnx.INodeProto[] = [];
  readonly #inputs: onnx.IValueInfoProto[] = [];
  readonly #outputs: onnx.IValueInfoProto[] = [];
  readonly #initializers: onnx.ITensorProto[] = [];
  #counter = 0;

  constructor(readonly name: string) {}

  input(name: string, type: ElemType, shape: Dim[]): string {
    this.#inputs.push(valueInfo(name, type, shape));
    return name;
  }

  output(name: string, type: ElemType, shape: Dim[]): string {
    this.#outputs.push(valueInfo(name, type, shape));
    return name;
  }

  /** A constant tensor stored in the model. */
  constant(name: string, type: 'float' | 'int64', shape: number[], values: ArrayLike<number>): string {
    this.#initializers.push(tensorProto(name, type, shape, values));
    return name;
  }

  scalar(value: number, type: 'float' | 'int64' = 'float'): string {
    return this.constant(this.fresh('c'), type, [], [value]);
  }

  /** Adds a node; returns its output names (fresh ones unless `outputs` names them). */
  node(
    op: string,
    inputs: string[],
    attrs: Record<string, AttrValue> = {},
    outputs: string[] | number = 1,
  ): string[] {
    const outs =
      typeof outputs === 'number' ? Array.from({ length: outputs }, () => this.fresh(op)) : outputs;
    this.#nodes.push({
      opType: op,
      name: this.fresh(`${op}_node`),
      input: inputs,
      output: outs,
      attribute: Object.entries(attrs).map(([name, value]) => attribute(name, value)),
    });
    return outs;
  }

  /** One-output node. */
  op(op: string, inputs: string[], attrs: Record<string, AttrValue> = {}, output?: string): string {
    return this.node(op, inputs, attrs, output ? [output] : 1)[0]!;
  }

  fresh(prefix: string): string {
    return `${prefix}_${this.#counter++}`;
  }

  /** The model as ONNX protobuf bytes, with `metadata` as metadata_props. */
  build(metadata: Record<string, string> = {}): Uint8Array {
    const model = proto.ModelProto.create({
      irVersion: IR_VERSION,
      producerName: 'flywheel',
      opsetImport: [{ domain: '', version: OPSET }],
      metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
      graph: {
        name: this.name,
        node: this.#nodes,
        input: this.#inputs,
        output: this.#outputs,
        initializer: this.#initializers,
      },
    });
    return proto.ModelProto.encode(model).finish();
  }
}

function valueInfo(name: string, type: ElemType, shape: Dim[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: elemTypes[type],
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function tensorProto(
  name: string,
  type: 'float' | 'int64',
  shape: number[],
  values: ArrayLike<number>,
): onnx.ITensorProto {
  const raw =
    type === 'float'
      ? new Uint8Array(Float32Array.from(values).buffer)
      : new Uint8Array(BigInt64Array.from(Array.from(values, (v) => BigInt(v))).buffer);
  return { name, dataType: elemTypes[type], dims: shape, rawData: raw };
}

function attribute(name: string, value: AttrValue): onnx.IAttributeProto {
  const T = proto.AttributeProto.AttributeType;
  if (typeof value === 'number') return { name, type: T.INT, i: value };
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  if ('float' in value) return { name, type: T.FLOAT, f: value.float };
  if ('floats' in value) return { name, type: T.FLOATS, floats: value.floats };
  return { name, type: T.TENSOR, t: value };
}
