/**
 * keras.Model: a Functional model, a graph of layer calls from keras.Input
 * tensors to outputs, with one or several of each:
 *
 *     const image = keras.Input({ shape: [4], name: 'image' });
 *     const meta = keras.Input({ shape: [3], name: 'meta' });
 *     const h = new Dense(8, { activation: 'relu' }).apply(new Concatenate().apply([image, meta]));
 *     const kind = new Dense(3, { activation: 'softmax', name: 'kind' }).apply(h);
 *     const size = new Dense(1, { name: 'size' }).apply(h);
 *     const model = new keras.Model({ inputs: [image, meta], outputs: [kind, size] });
 *
 * The graph is recorded by the layer calls (src/layers/graph.ts) and read
 * once here (functional-graph.ts) into a list of nodes in an order where each
 * comes after its inputs; the forward pass is a loop over that list. Training,
 * evaluation and prediction are the same loops as Sequential's (src/training),
 * on one tensor per input and per output.
 */
import { Tensor } from '../tensor/tensor.js';
import type { History } from '../callbacks/callbacks.js';
import type { Logs } from '../callbacks/logs.js';
import { Layer, type BatchShape, type CallArgs } from '../layers/layer.js';
import type { KerasTensor, Node } from '../layers/graph.js';
import type { NestedSpec } from '../layers/fused-spec.js';
import { InputLayer } from '../layers/input-layer.js';
import { loadWeights, saveModel, saveWeights, type IOHandler, type SaveOptions, type SaveResult } from '../saving/index.js';
import type { KerasFileBytes } from '../saving/keras-weights-files.js';
import { modelTopology } from '../saving/model-json.js';
import { CompileSettings, type CompileArgs } from '../training/compile.js';
import { evaluate, evaluateAsync, predictOutputs, predictOutputsAsync, type EvaluateArgs, type PredictArgs } from '../training/evaluate.js';
import { fitLoop, type FitArgs } from '../training/fit.js';
import { prepareThreads } from '../training/executor.js';
import type { DataStructure } from '../training/inputs.js';
import type { GraphIO } from '../training/model-interface.js';
import { formatShape } from '../tensor/shape.js';
import { suggestClosest } from '../utils/suggest.js';
import { describeValue, ValueError } from '../errors.js';
import { checkOptions, isCallable } from '../utils/options.js';
import { checkInputs, flattenTensors, layersOf, orderNodes, type FlatTensors, type TensorStructure } from './functional-graph.js';
import { functionalSummaryLines } from './functional-summary.js';
import { functionalKeras3SummaryLines } from './functional-summary-keras3.js';
import { printStyle } from '../utils/print-style.js';

export interface ModelArgs {
  /** The keras.Input tensors: one, a list, or a dict by name ({ image, meta }). */
  inputs: TensorStructure;
  /** The tensors the model returns, from layer calls on the inputs: one, a list, or a dict by name. */
  outputs: TensorStructure;
  /** The model's name; "functional", "functional_1", … by default. */
  name?: string;
  trainable?: boolean;
}

export class Model extends Layer implements GraphIO {
  /** Keras 3's class name for a model built from inputs and outputs. */
  static override readonly className: string = 'Functional';
  /** The keras.Input tensors, in order (Keras's `model.inputs`). */
  readonly inputs: readonly KerasTensor[];
  /** The output tensors, in order (Keras's `model.outputs`). */
  readonly outputs: readonly KerasTensor[];
  /** Input names: the dict keys, or the names of the InputLayers. */
  readonly inputNames: readonly string[];
  /** Output names: the dict keys, or the names of the layers that produce the outputs (as Keras's output_names). */
  readonly outputNames: readonly string[];
  /** Every layer call, each after the calls that produce its inputs: the forward pass runs them in this order. */
  readonly nodes: readonly Node[];
  private readonly ownLayers: readonly Layer[];
  private readonly givenInputs: FlatTensors;
  private readonly givenOutputs: FlatTensors;
  compiled: CompileSettings | null = null;
  stopTraining = false;

  constructor(args: ModelArgs) {
    if (args === null || typeof args !== 'object') {
      throw new ValueError(`Model: expected an options object { inputs, outputs }. Received: ${describeValue(args)}`);
    }
    checkOptions('Model', args, ['inputs', 'outputs', 'name', 'trainable'] satisfies (keyof ModelArgs)[]);
    super({ ...(args.name === undefined ? {} : { name: args.name }), ...(args.trainable === undefined ? {} : { trainable: args.trainable }) });
    this.givenInputs = flattenTensors(args.inputs, 'inputs', this.name);
    this.givenOutputs = flattenTensors(args.outputs, 'outputs', this.name);
    this.inputs = this.givenInputs.tensors;
    this.outputs = this.givenOutputs.tensors;
    checkInputs(this.inputs, this.name);
    this.nodes = orderNodes(this.inputs, this.outputs, this.name);
    this.ownLayers = layersOf(this.nodes, this.name);
    this.inputNames = this.givenInputs.keys ?? this.inputs.map((t) => t.node.layer.name);
    this.outputNames = this.givenOutputs.keys ?? this.outputs.map((t) => t.node.layer.name);
    // Every layer was built when it was called on the symbolic inputs: the model is built.
    this.built = true;
    this.builtInputShape = this.inputShapes[0]!;
  }

  /** The layers, InputLayers included, in Keras's order (deepest first, as the calls run). */
  protected override sublayers(): readonly Layer[] {
    return this.ownLayers;
  }

  get layers(): Layer[] {
    return [...this.ownLayers];
  }

  /** The inputs' shapes with the batch dimension null: the data may have any number of samples. */
  get inputShapes(): BatchShape[] {
    return this.inputs.map((t) => [null, ...t.shape.slice(1)]);
  }

  get outputShapes(): BatchShape[] {
    return this.outputs.map((t) => t.shape);
  }

  /** For the training loops: this model's inputs and outputs by name, and its forward pass on lists. */
  get graphIO(): GraphIO {
    return this;
  }

  /**
   * The forward pass: one tensor per input, in `inputs` order; one per output.
   * A loop over the nodes in order, each layer applied to the values its
   * inbound tensors took (the same loop shape as autograd's backward).
   */
  run(inputs: readonly Tensor[], args: CallArgs = {}): Tensor[] {
    if (!Array.isArray(inputs) || inputs.length !== this.inputs.length) {
      throw new ValueError(
        `Model "${this.name}" expects ${this.inputs.length} input${this.inputs.length === 1 ? '' : 's'} (${this.inputNames.join(', ')}). ` +
          `Received: ${Array.isArray(inputs) ? `${inputs.length} inputs` : describeValue(inputs)}`,
      );
    }
    const values = new Map<KerasTensor, Tensor>();
    this.inputs.forEach((t, i) => {
      const x = inputs[i]!;
      if (!(x instanceof Tensor)) throw new ValueError(`Model "${this.name}": input ${i} ("${this.inputNames[i]}") must be a Tensor. Received: ${describeValue(x)}`);
      this.checkInputShape(x.shape, [null, ...t.shape.slice(1)]);
      values.set(t, x);
    });
    for (const node of this.nodes) {
      if (values.has(node.output)) continue; // a model input, given above
      const layer = node.layer as Layer;
      const given = node.inputs.map((t) => values.get(t)!);
      values.set(node.output, node.calledOnList ? layer.apply(given, args) : layer.apply(given[0]!, args));
    }
    return this.outputs.map((t) => values.get(t)!);
  }

  /** Called on one tensor: the model's output, for a model of one input and one output. */
  call(inputs: Tensor, args: CallArgs = {}): Tensor {
    return this.singleOutput(this.run([inputs], args));
  }

  /** Called on a list of tensors, one per input. */
  override applyToList(inputs: readonly Tensor[], args: CallArgs = {}): Tensor {
    return this.singleOutput(this.run(inputs, args));
  }

  private singleOutput(outputs: Tensor[]): Tensor {
    if (outputs.length !== 1) {
      throw new ValueError(
        `Model "${this.name}" has ${outputs.length} outputs (${this.outputNames.join(', ')}); called as a layer it must have one. ` +
          'Use model.predict(x) or model.run(inputs) for all of them.',
      );
    }
    return outputs[0]!;
  }

  computeOutputShape(inputShape: BatchShape): BatchShape {
    return this.outputShapeForList([inputShape]);
  }

  override outputShapeForList(inputShapes: readonly BatchShape[]): BatchShape {
    if (inputShapes.length !== this.inputs.length) {
      throw new ValueError(`Model "${this.name}" expects ${this.inputs.length} inputs (${this.inputNames.join(', ')}). Received: ${inputShapes.length}`);
    }
    inputShapes.forEach((shape, i) => this.checkInputShape(shape, this.inputShapes[i]!));
    if (this.outputs.length !== 1) this.singleOutput(this.outputs as never);
    return this.outputs[0]!.shape;
  }

  /** A layer by name or by index in `layers` (Keras's get_layer). */
  getLayer(nameOrIndex: string | number): Layer {
    const layers = this.ownLayers;
    if (typeof nameOrIndex === 'number') {
      const layer = Number.isInteger(nameOrIndex) ? layers[nameOrIndex] : undefined;
      if (layer === undefined) {
        throw new ValueError(`getLayer: was asked for the layer at index ${nameOrIndex}, but model "${this.name}" has ${layers.length} layers (indices 0 to ${layers.length - 1}).`);
      }
      return layer;
    }
    const layer = layers.find((l) => l.name === nameOrIndex);
    if (layer === undefined) {
      const names = layers.map((l) => l.name);
      throw new ValueError(`getLayer: no layer named "${String(nameOrIndex)}" in model "${this.name}".${suggestClosest(String(nameOrIndex), names)} Existing layers: ${names.join(', ')}.`);
    }
    return layer;
  }

  override get weights(): Tensor[] {
    return this.ownLayers.flatMap((l) => l.weights);
  }

  override get trainableWeights(): Tensor[] {
    return this.trainable ? this.ownLayers.flatMap((l) => l.trainableWeights) : [];
  }

  override countParams(): number {
    return this.ownLayers.reduce((n, l) => n + l.countParams(), 0);
  }

  /**
   * Why the fused executor cannot run this model, or null when it can: it
   * takes chains (one input, one output, each call reading the one before),
   * which are a Sequential in effect.
   */
  whyNotFused(): string | null {
    if (this.call !== Model.prototype.call) return `model "${this.name}" is a subclass with its own call()`;
    if (this.inputs.length !== 1) return `the model has ${this.inputs.length} inputs (the fused executor runs chains: one input, one output)`;
    if (this.outputs.length !== 1) return `the model has ${this.outputs.length} outputs (the fused executor runs chains: one input, one output)`;
    let previous: KerasTensor = this.inputs[0]!;
    for (const node of this.nodes.slice(1)) {
      if (node.calledOnList || node.inputs.length !== 1 || node.inputs[0] !== previous) {
        return `layer "${node.layer.name}" does not simply read the layer before it (the graph branches or merges; the fused executor runs chains)`;
      }
      previous = node.output;
    }
    if (this.ownLayers.length !== this.nodes.length) return 'a layer is called more than once (a shared layer)';
    return null;
  }

  /** Used by the fused executor when the graph is a chain: its layers (after the InputLayer) run in order. */
  override fusedSpec(): NestedSpec | null {
    if (this.whyNotFused() !== null) return null;
    return { kind: 'nested', name: this.name, trainable: this.trainable, layers: this.ownLayers.filter((l) => !(l instanceof InputLayer)) };
  }

  /** Prints the Keras summary table (in the print style in use), with the "Connected to" column when the graph is not a chain. */
  summary(printFn: (line: string) => void = console.log): void {
    if (!isCallable(printFn)) throw new ValueError(`summary(): printFn must be a function called with each line. Received: ${describeValue(printFn)}`);
    const lines = printStyle() === 'keras3' ? functionalKeras3SummaryLines(this, { optimizer: this.compiled?.optimizer }) : functionalSummaryLines(this);
    for (const line of lines) printFn(line);
  }

  /**
   * Chooses the optimizer, the losses and the metrics. With several outputs,
   * `loss` is one loss for all, a list (one per output) or a dict by output
   * name; `lossWeights` a list or dict (the total loss is Σ weight·loss);
   * `metrics` a list with one entry per output or a dict by output name.
   */
  /**
   * Keras 3's `model.metrics_names`: [] before compile; then 'loss', and
   * 'compile_metrics' when compile has metrics (and, once a batch has run, a
   * model of several outputs adds each output's loss).
   */
  get metricsNames(): string[] {
    return this.compiled?.metricsNames ?? [];
  }

  compile(args: CompileArgs): void {
    this.compiled = new CompileSettings(args, this.outputNames, this.givenOutputs.writtenKeys);
    prepareThreads();
  }

  /** Trains for `epochs` passes over (x, y): x one tensor per input (list or dict), y one per output. */
  fit(x: DataStructure, y: DataStructure, args: FitArgs = {}): Promise<History> {
    return fitLoop(this, x, y, args);
  }

  /** [loss, ...per-output losses, ...metrics]; a dict with returnDict. */
  evaluate(x: DataStructure, y: DataStructure, args: EvaluateArgs & { returnDict: true }): Logs;
  evaluate(x: DataStructure, y: DataStructure, args?: EvaluateArgs): number[];
  evaluate(x: DataStructure, y: DataStructure, args: EvaluateArgs = {}): number[] | Logs {
    return evaluate(this, x, y, args);
  }

  /** `evaluate`, letting the event loop run every few tens of milliseconds. */
  evaluateAsync(x: DataStructure, y: DataStructure, args: EvaluateArgs = {}): Promise<number[] | Logs> {
    return evaluateAsync(this, x, y, args);
  }

  /**
   * The outputs for every sample: one tensor for a model of one output; a
   * list, or a dict when the outputs were given as a dict, for several (as Keras).
   */
  predict(x: DataStructure, args: PredictArgs = {}): Tensor | Tensor[] | Record<string, Tensor> {
    return this.asGiven(predictOutputs(this, x, args));
  }

  /** `predict` that lets the event loop run every few tens of milliseconds; resolves to the same outputs. */
  async predictAsync(x: DataStructure, args: PredictArgs = {}): Promise<Tensor | Tensor[] | Record<string, Tensor>> {
    return this.asGiven(await predictOutputsAsync(this, x, args));
  }

  /** The inputs' and the outputs' dict keys in the order written, or null where a tensor or a list was given: what a saved Keras config keeps. */
  get dictKeys(): { readonly inputs: readonly string[] | null; readonly outputs: readonly string[] | null } {
    return { inputs: this.givenInputs.writtenKeys, outputs: this.givenOutputs.writtenKeys };
  }

  /**
   * One tensor per output, shaped as the outputs were given: one tensor, a list, or a dict by name (its keys in
   * the order they were written); a list of one output gives its tensor, as Keras's predict does (its unpack_singleton).
   */
  private asGiven(outputs: Tensor[]): Tensor | Tensor[] | Record<string, Tensor> {
    const { keys, writtenKeys } = this.givenOutputs;
    if (keys && writtenKeys) return Object.fromEntries(writtenKeys.map((k) => [k, outputs[keys.indexOf(k)]!]));
    return outputs.length === 1 ? outputs[0]! : outputs;
  }

  /**
   * Saves the model: a path ending in `.keras` (or a legacy `.h5`) gets
   * Keras's own file, which `keras.models.loadModel` and Keras's
   * `keras.saving.load_model` read; any other path TF.js's layers-model
   * format: `dir` gets model.json (the graph: each layer with the calls it
   * makes) and weights.bin. Also takes `file://dir`, `'downloads://name'`
   * in a browser, or an IOHandler. A compiled model is saved with its
   * compile settings (a loss per output, lossWeights, metrics by output)
   * and its optimizer's state, as Keras does; `{ includeOptimizer: false }`
   * leaves them out.
   */
  async save(pathOrHandler: string | IOHandler, options: SaveOptions = {}): Promise<SaveResult> {
    return saveModel(this, pathOrHandler, options);
  }

  /**
   * The model's architecture as JSON, without its weights: the
   * `modelTopology` a saved model.json holds. `keras.models.modelFromJSON(json)`
   * builds it again, with fresh weights.
   */
  toJSON(): string {
    return JSON.stringify(modelTopology(this));
  }

  /**
   * Saves the weights alone: `name.weights.h5` is Keras 3's weights file, with
   * the optimizer's state when compiled (Keras's `save_weights`);
   * `name.weights.json` TF.js's, the values in `name.weights.bin`; or an
   * IOHandler.
   */
  async saveWeights(pathOrHandler: string | IOHandler): Promise<SaveResult> {
    return saveWeights(this, pathOrHandler);
  }

  /**
   * Loads weights into this model: Keras's `.weights.h5`, `.keras` or legacy `.h5`
   * (by path, or as a File or bytes; a compiled model's optimizer state too), or
   * what saveWeights wrote in TF.js's format. Checks every shape before
   * changing any weight.
   */
  async loadWeights(pathOrHandler: string | IOHandler | KerasFileBytes): Promise<void> {
    return loadWeights(this, pathOrHandler);
  }

  /** The model in one line, for messages and consoles: its name and its input and output shapes. */
  override toString(): string {
    return `<Functional name=${this.name}, inputs=[${this.inputShapes.map(formatShape).join(', ')}], outputs=[${this.outputShapes.map(formatShape).join(', ')}]>`;
  }
}
