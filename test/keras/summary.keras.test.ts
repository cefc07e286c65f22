/**
 * model.summary() in the keras3 style against Keras 3's, character for
 * character, for a model with long names that wrap, a frozen layer, a nested
 * model and counts in the kilobytes, at terminal widths from narrow (the
 * headers wrap, the words end in "…") to wide (the table stops at 88); and
 * for Functional models: a chain (Keras 3's three columns) and graphs with a
 * "Connected to" column (two inputs and two outputs, shared layers, nested
 * models called twice), the table stopping at 108.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { printStyle, setPrintStyle } from '../../src/utils/print-style.js';
import { runKeras } from './oracle.js';

interface LayerSpec {
  type: 'Dense' | 'Flatten' | 'Dropout' | 'Concatenate' | 'Add' | 'Sequential' | 'Model';
  name?: string;
  units?: number;
  rate?: number;
  trainable?: boolean;
  layers?: LayerSpec[];
  graph?: GraphSpec;
}

/**
 * A Functional model: tensors are named by the inputs' names and the calls'
 * `out`s; `on` is one tensor's name or a list of them; a layer named in two
 * calls is one shared layer. `train`: one step of Adam, so that the summary
 * counts the optimizer's state.
 */
interface GraphSpec {
  name: string;
  inputs: { name: string; shape: number[] }[];
  layers: Record<string, LayerSpec>;
  calls: { out: string; layer: string; on: string | string[] }[];
  outputs: string[];
  train?: boolean;
}

const GRAPHS: GraphSpec[] = [
  {
    name: 'functional_chain',
    inputs: [{ name: 'input_layer', shape: [8] }],
    layers: { hidden: { type: 'Dense', units: 16 }, dropout: { type: 'Dropout', rate: 0.5 }, frozen_out: { type: 'Dense', units: 3, trainable: false } },
    calls: [
      { out: 'h', layer: 'hidden', on: 'input_layer' },
      { out: 'd', layer: 'dropout', on: 'h' },
      { out: 'y', layer: 'frozen_out', on: 'd' },
    ],
    outputs: ['y'],
    train: true,
  },
  {
    name: 'two_inputs_two_outputs',
    inputs: [{ name: 'image', shape: [4] }, { name: 'meta', shape: [3] }],
    layers: {
      concatenate_the_image_and_the_meta_data: { type: 'Concatenate' },
      hidden: { type: 'Dense', units: 8 },
      kind: { type: 'Dense', units: 3 },
      size: { type: 'Dense', units: 1 },
    },
    calls: [
      { out: 'joined', layer: 'concatenate_the_image_and_the_meta_data', on: ['image', 'meta'] },
      { out: 'h', layer: 'hidden', on: 'joined' },
      { out: 'kind', layer: 'kind', on: 'h' },
      { out: 'size', layer: 'size', on: 'h' },
    ],
    outputs: ['kind', 'size'],
  },
  {
    name: 'shared_layers',
    inputs: [{ name: 'left', shape: [4] }, { name: 'right', shape: [4] }],
    layers: { shared: { type: 'Dense', units: 5 }, add: { type: 'Add' }, twice: { type: 'Dense', units: 5 } },
    calls: [
      { out: 'l', layer: 'shared', on: 'left' },
      { out: 'r', layer: 'shared', on: 'right' },
      { out: 's', layer: 'add', on: ['l', 'r'] },
      { out: 't1', layer: 'twice', on: 's' },
      { out: 't2', layer: 'twice', on: 't1' },
    ],
    outputs: ['t2'],
    train: true,
  },
  {
    name: 'nested_models',
    inputs: [{ name: 'a', shape: [4] }, { name: 'b', shape: [4] }],
    layers: {
      inner: {
        type: 'Model',
        graph: { name: 'inner', inputs: [{ name: 'inner_in', shape: [4] }], layers: { inner_dense: { type: 'Dense', units: 2 } }, calls: [{ out: 'o', layer: 'inner_dense', on: 'inner_in' }], outputs: ['o'] },
      },
      concatenate: { type: 'Concatenate' },
      seq: { type: 'Sequential', layers: [{ type: 'Dense', units: 3, name: 'seq_dense' }], trainable: false },
    },
    calls: [
      { out: 'ia', layer: 'inner', on: 'a' },
      { out: 'ib', layer: 'inner', on: 'b' },
      { out: 'c', layer: 'concatenate', on: ['ia', 'ib'] },
      { out: 'y', layer: 'seq', on: 'c' },
    ],
    outputs: ['y'],
  },
  {
    name: 'a_chain_with_its_middle_as_an_output',
    inputs: [{ name: 'x', shape: [3] }],
    layers: { first: { type: 'Dense', units: 4 }, second: { type: 'Dense', units: 2 } },
    calls: [
      { out: 'h', layer: 'first', on: 'x' },
      { out: 'o', layer: 'second', on: 'h' },
    ],
    outputs: ['h', 'o'],
  },
];

const SPEC = {
  name: 'a_model_with_a_name_long_enough_to_wrap_at_thirty_columns',
  input_shape: [28, 28],
  layers: [
    { type: 'Flatten', name: 'flatten' },
    { type: 'Dense', units: 300, name: 'hidden layer with spaces in its name' },
    { type: 'Dropout', rate: 0.2, name: 'dropout' },
    { type: 'Dense', units: 100, name: 'averyveryveryveryveryveryverylongwordwithoutspaces', trainable: false },
    { type: 'Sequential', name: 'inner', layers: [{ type: 'Dense', units: 10, name: 'inner_dense' }] },
  ] satisfies LayerSpec[],
  columns: [30, 45, 60, 80, 92, 100, 112, 200],
  graphs: GRAPHS,
};

function build(spec: LayerSpec): InstanceType<typeof keras.layers.Layer> {
  const args = { name: spec.name!, trainable: spec.trainable ?? true };
  if (spec.type === 'Dense') return new keras.layers.Dense(spec.units!, args);
  if (spec.type === 'Flatten') return new keras.layers.Flatten(args);
  if (spec.type === 'Dropout') return new keras.layers.Dropout(spec.rate!, args);
  if (spec.type === 'Concatenate') return new keras.layers.Concatenate(args);
  if (spec.type === 'Add') return new keras.layers.Add(args);
  if (spec.type === 'Model') {
    const model = buildGraph(spec.graph!);
    model.trainable = args.trainable;
    return model;
  }
  return new keras.Sequential(spec.layers!.map(build), args);
}

function buildGraph(graph: GraphSpec): keras.Model {
  const tensors = new Map(graph.inputs.map(({ name, shape }) => [name, keras.Input({ shape, name })]));
  const layers = new Map(Object.entries(graph.layers).map(([name, spec]) => [name, build({ ...spec, name })]));
  for (const { out, layer, on } of graph.calls) {
    const called = layers.get(layer)!;
    tensors.set(out, typeof on === 'string' ? called.apply(tensors.get(on)!) : called.apply(on.map((t) => tensors.get(t)!)));
  }
  const one = <T>(list: T[]) => (list.length === 1 ? list[0]! : list);
  const inputs = graph.inputs.map(({ name }) => tensors.get(name)!);
  const outputs = graph.outputs.map((t) => tensors.get(t)!);
  return new keras.Model({ inputs: one(inputs), outputs: one(outputs), name: graph.name });
}

/** One step of Adam on zeros, as the script does, so that the optimizer has its state. */
async function trainOneStep(model: keras.Model): Promise<void> {
  model.compile({ optimizer: 'adam', loss: 'mse' });
  const zeros = (shape: readonly (number | null)[]) => keras.ops.zeros([2, ...shape.slice(1).map((d) => d!)]);
  const x = model.inputs.map((t) => zeros(t.shape));
  const y = model.outputs.map((t) => zeros(t.shape));
  await model.fit(x.length === 1 ? x[0]! : x, y.length === 1 ? y[0]! : y, { epochs: 1, verbose: 0 });
}

describe('summary() in the keras3 style, against Keras 3', () => {
  const previousStyle = printStyle();
  const previousColumns = process.env.COLUMNS;
  afterAll(() => {
    setPrintStyle(previousStyle);
    if (previousColumns === undefined) delete process.env.COLUMNS;
    else process.env.COLUMNS = previousColumns;
  });

  let fromKeras: { tables: string[]; graphs: string[][] } | undefined;
  /** Keras 3's texts, from one run of the script shared by the cases. */
  const keras3 = () => (fromKeras ??= runKeras<{ tables: string[]; graphs: string[][] }>('summary_table', SPEC));

  /** The summary's text with COLUMNS at each of SPEC.columns, in the keras3 style. */
  const summaries = (model: { summary(printFn: (line: string) => void): void }) =>
    SPEC.columns.map((columns) => {
      setPrintStyle('keras3');
      process.env.COLUMNS = String(columns);
      const lines: string[] = [];
      model.summary((line) => lines.push(line));
      return lines.map((l) => `${l}\n`).join('');
    });

  it.each(GRAPHS.map((graph, i) => [graph.name, i] as const))('prints the same table as Keras 3 for the Functional model %s', async (_, i) => {
    const graph = GRAPHS[i]!;
    const model = buildGraph(graph);
    if (graph.train) await trainOneStep(model);
    expect(summaries(model)).toEqual(keras3().graphs[i]);
  });

  it('prints the same table at every terminal width', () => {
    const model = new keras.Sequential([keras.Input({ shape: SPEC.input_shape }), ...SPEC.layers.map(build)], { name: SPEC.name });
    expect(summaries(model)).toEqual(keras3().tables);
  });
});
