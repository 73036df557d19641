/**
 * A small ONNX graph writer over the `onnx-proto` protobuf classes: just enough to express a BERT encoder with
 * initializers, nodes and typed inputs/outputs. Names are made unique by a counter so that callers can compose
 * sub-graphs (one attention block per layer) without bookkeeping.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export const DataType = { float: onnx.TensorProto.DataType.FLOAT, int64: onnx.TensorProto.DataType.INT64 } as const;
export type DataType = (typeof DataType)[keyof typeof DataType];

export type AttrValue = number | readonly number[] | { float: number };

/** A dimension is a fixed size or a symbolic name (`batch_size`), as exporters write them. */
export type Dim = number | string;

export class GraphBuilder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private counter = 0;

  fresh(hint: string): string {
    this.counter += 1;
    return `${hint}_${this.counter}`;
  }

  input(name: string, type: DataType, dims: readonly Dim[]): string {
    this.inputs.push(valueInfo(name, type, dims));
    return name;
  }

  output(name: string, type: DataType, dims: readonly Dim[]): void {
    this.outputs.push(valueInfo(name, type, dims));
  }

  floats(name: string, dims: readonly number[], data: Float32Array): string {
    if (data.length !== dims.reduce((a, b) => a * b, 1)) throw new Error(`${name}: ${data.length} values for dims ${dims.join('x')}`);
    this.initializers.push({ name, dims: [...dims], dataType: DataType.float, rawData: bytesOf(data) });
    return name;
  }

  /** An int64 constant; `dims` empty for a scalar. */
  int64s(name: string, dims: readonly number[], values: readonly number[]): string {
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.initializers.push({ name: this.fresh(name), dims: [...dims], dataType: DataType.int64, rawData: bytesOf(data) });
    return this.initializers[this.initializers.length - 1]!.name!;
  }

  scalar(name: string, value: number): string {
    return this.floats(this.fresh(name), [], Float32Array.of(value));
  }

  /** Adds a node; returns its output names (one fresh name per requested output unless given). */
  op(
    opType: string,
    inputs: readonly string[],
    attrs: Record<string, AttrValue> = {},
    outputs: readonly string[] = [this.fresh(opType)],
  ): string[] {
    this.nodes.push({
      opType,
      name: this.fresh(`${opType}_node`),
      input: [...inputs],
      output: [...outputs],
      attribute: Object.entries(attrs).map(([name, v]) => attribute(name, v)),
    });
    return [...outputs];
  }

  /** Single-output convenience. */
  op1(opType: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}, output?: string): string {
    return this.op(opType, inputs, attrs, output === undefined ? [this.fresh(opType)] : [output])[0]!;
  }

  encode(opts: { name: string; opset: number; producer: string; docString?: string }): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: opts.producer,
      producerVersion: '1',
      docString: opts.docString ?? '',
      opsetImport: [{ domain: '', version: opts.opset }],
      graph: { name: opts.name, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function bytesOf(a: Float32Array | BigInt64Array): Uint8Array {
  return new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
}

function valueInfo(name: string, type: DataType, dims: readonly Dim[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: type,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attribute(name: string, v: AttrValue): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'number') return { name, type: T.INT, i: v };
  if ('float' in v) return { name, type: T.FLOAT, f: v.float };
  return { name, type: T.INTS, ints: [...v] };
}
