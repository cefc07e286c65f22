/**
 * Sequential: a plain stack of layers, each feeding the next, with Keras's
 * model API on top: summary, weights, compile, fit, evaluate, predict.
 *
 *     const model = new Sequential([
 *       new Flatten({ inputShape: [28, 28] }),
 *       new Dense(128, { activation: 'relu' }),
 *       new Dense(10, { activation: 'softmax' }),
 *     ]);
 *
 * The one place that ties layers, training and saving together: this class
 * owns the layers; the loops live in src/training, the file formats in src/saving.
 */
import { Tensor } from '../tensor/tensor.js';
import type { History } from '../callbacks/callbacks.js';
import type { Logs } from '../callbacks/logs.js';
import { Layer, type BatchShape, type CallArgs, type LayerArgs } from '../layers/layer.js';
import { summaryLines } from '../layers/summary.js';
import type { NestedSpec } from '../layers/fused-spec.js';
import { Input, InputLayer } from '../layers/input-layer.js';
import { KerasTensor } from '../layers/graph.js';
import { Model } from './functional.js';
import { loadWeights, saveModel, saveWeights, type IOHandler, type SaveOptions, type SaveResult } from '../saving/index.js';
import type { KerasFileBytes } from '../saving/keras-weights-files.js';
import { modelTopology } from '../saving/model-json.js';
import { CompileSettings, type CompileArgs } from '../training/compile.js';
import { evaluate, evaluateAsync, predict, predictAsync, type EvaluateArgs, type PredictArgs } from '../training/evaluate.js';
import { fitLoop, type FitArgs } from '../training/fit.js';
import { prepareThreads } from '../training/executor.js';
import type { DataLike } from '../training/inputs.js';
import { suggestClosest } from '../utils/suggest.js';
import { describeValue, RuntimeError, ValueError } from '../errors.js';
import { checkedOptions, isCallable } from '../utils/options.js';

export class Sequential extends Layer {
  static override readonly className = 'Sequential';
  private readonly stack: Layer[] = [];
  /** The input shape an InputLayer given first declared, or null. */
  private inputLayerShape: BatchShape | null = null;
  /** The compile() settings; null before compile. */
  compiled: CompileSettings | null = null;
  /** Set to true (by a callback such as EarlyStopping) to end fit after the current batch. */
  stopTraining = false;

  constructor(layers: readonly (Layer | KerasTensor)[] = [], args: Omit<LayerArgs, 'inputShape'> = {}) {
    super(checkedOptions('Sequential', args, ['name', 'trainable']));
    if (!Array.isArray(layers)) throw new ValueError(`Sequential: the first argument is the list of layers. Received: ${describeValue(layers)}`);
    for (const layer of layers) this.add(layer);
  }

  /**
   * Appends a layer; builds the model as soon as its input shape is known:
   * from an InputLayer (`keras.Input`) given first, the first layer's
   * inputShape, or a built model used as the first layer. A symbolic
   * tensor from keras.Input stands for its InputLayer, as in Keras 3.
   */
  add(entry: Layer | KerasTensor): void {
    if (entry instanceof KerasTensor && !(entry.node.layer instanceof InputLayer)) {
      throw new ValueError(
        `Sequential.add: ${entry.name} is the output of layer "${entry.node.layer.name}", not of keras.Input; ` +
          'a Sequential takes layers. To build a model from layer calls, use new keras.Model({ inputs, outputs }).',
      );
    }
    const layer = entry instanceof KerasTensor ? entry.node.layer : entry;
    if (!(layer instanceof Layer)) {
      throw new ValueError(`Sequential.add: only Layer instances can be added. Received: ${describeValue(layer)}`);
    }
    if (layer instanceof InputLayer) {
      if (this.stack.length > 0 || this.inputLayerShape !== null) {
        throw new ValueError(`Sequential.add: an InputLayer (keras.Input) can only be the first entry of model "${this.name}"; "${layer.name}" comes after other layers.`);
      }
      // As in Keras, the InputLayer gives the model its input shape and is not one of model.layers.
      this.inputLayerShape = layer.batchInputShape;
      return;
    }
    if (this.stack.includes(layer) || this.stack.some((l) => l.name === layer.name)) {
      throw new ValueError(`Sequential.add: a layer named "${layer.name}" is already in model "${this.name}"; layer names must be unique.`);
    }
    if ((this.stack.length > 0 || this.inputLayerShape !== null) && layer.batchInputShape !== null) {
      throw new ValueError(
        `Sequential.add: only the first layer may set inputShape; layer "${layer.name}" sets ` +
          `${JSON.stringify(layer.batchInputShape.slice(1))} but model "${this.name}" already has its input shape.`,
      );
    }
    this.stack.push(layer);
    this.graph = null;
    const first = this.stack[0]!;
    // A built model used as a layer brings its own input shape (the tutorial's Sequential([model, Softmax()])).
    const inputShape = this.inputLayerShape ?? first.batchInputShape ?? (first instanceof Sequential || first instanceof Model ? first.builtInputShape : null);
    if (inputShape) this.build(inputShape);
  }

  /**
   * Keras's `pop()`: removes the last layer and returns it. The model keeps
   * its input shape, so what it now outputs is the layer before's output
   * (a feature extractor from a trained classifier).
   */
  pop(): Layer {
    const layer = this.stack.pop();
    if (layer === undefined) throw new ValueError(`pop(): model "${this.name}" has no layers to remove.`);
    this.graph = null;
    return layer;
  }

  /**
   * The model's architecture as JSON, without its weights: the
   * `modelTopology` a saved model.json holds, which TF.js's and Keras's
   * converters read. `keras.models.modelFromJSON(json)` builds it again, with
   * fresh weights.
   */
  toJSON(): string {
    return JSON.stringify(modelTopology(this));
  }

  /**
   * Keras's `model.inputs` and `model.outputs`: the model's layers called in
   * turn on a symbolic input (keras.Input of the model's input shape), so that
   * each layer gets its `input` and `output`, as a Functional model's have.
   * The guide's feature extractor reads them:
   *
   *     new keras.Model({ inputs: model.inputs, outputs: model.layers.map((l) => l.output) })
   *
   * The graph is recorded when first asked for (again after add or pop, when
   * a layer's `output` stays its first call's, as Keras's does).
   */
  get inputs(): KerasTensor[] {
    return [this.symbolicGraph().input];
  }

  get outputs(): KerasTensor[] {
    return [this.symbolicGraph().output];
  }

  private graph: { input: KerasTensor; output: KerasTensor } | null = null;

  private symbolicGraph(): { input: KerasTensor; output: KerasTensor } {
    if (this.graph !== null) return this.graph;
    const shape = this.builtInputShape;
    if (shape === null || this.stack.length === 0) {
      throw new ValueError(
        `Model "${this.name}" has no input shape yet, so it has no symbolic inputs or outputs. ` +
          'Start it with keras.Input({ shape }) or give its first layer an inputShape.',
      );
    }
    const input = Input({ shape: shape.slice(1) as number[] });
    let output = input;
    for (const layer of this.stack) output = layer.apply(output);
    this.graph = { input, output };
    return this.graph;
  }

  /** A layer by name or by index in `layers` (Keras's get_layer). */
  getLayer(nameOrIndex: string | number): Layer {
    if (typeof nameOrIndex === 'number') {
      const layer = Number.isInteger(nameOrIndex) ? this.stack[nameOrIndex] : undefined;
      if (layer === undefined) {
        throw new ValueError(
          `getLayer: was asked for the layer at index ${nameOrIndex}, but model "${this.name}" has ${this.stack.length} layers (indices 0 to ${this.stack.length - 1}).`,
        );
      }
      return layer;
    }
    const layer = this.stack.find((l) => l.name === nameOrIndex);
    if (layer === undefined) {
      throw new ValueError(
        `getLayer: no layer named "${String(nameOrIndex)}" in model "${this.name}".${suggestClosest(String(nameOrIndex), this.stack.map((l) => l.name))} ` +
          `Existing layers: ${this.stack.map((l) => l.name).join(', ') || 'none'}.`,
      );
    }
    return layer;
  }

  /** The layers, in order. */
  protected override sublayers(): readonly Layer[] {
    return this.stack;
  }

  get layers(): Layer[] {
    return [...this.stack];
  }

  /** Builds every layer from the input shape, feeding each its predecessor's output shape. */
  override build(inputShape: BatchShape): void {
    this.requireLayers();
    let shape = inputShape;
    for (const layer of this.stack) {
      if (!layer.built) layer.build(shape);
      shape = layer.computeOutputShape(shape);
    }
    super.build(inputShape);
  }

  /** Runs the layers in order, passing `args` (the training flag) to each. */
  call(inputs: Tensor, args: CallArgs = {}): Tensor {
    this.requireLayers();
    let x = inputs;
    for (const layer of this.stack) x = layer.apply(x, args);
    return x;
  }

  private requireLayers(): void {
    if (this.stack.length === 0) throw new RuntimeError(`Model "${this.name}" has no layers yet; add some before calling it.`);
  }

  /** Used as a layer of another model, its layers run fused as if they were the parent's. */
  override fusedSpec(): NestedSpec | null {
    if (this.call !== Sequential.prototype.call) return null;
    return { kind: 'nested', name: this.name, trainable: this.trainable, layers: this.stack };
  }

  computeOutputShape(inputShape: BatchShape): BatchShape {
    return this.stack.reduce((shape, layer) => layer.computeOutputShape(shape), inputShape);
  }

  override get weights(): Tensor[] {
    return this.stack.flatMap((l) => l.weights);
  }

  override get trainableWeights(): Tensor[] {
    return this.trainable ? this.stack.flatMap((l) => l.trainableWeights) : [];
  }

  override countParams(): number {
    return this.stack.reduce((n, l) => n + l.countParams(), 0);
  }

  /** Prints the Keras summary table (to console.log unless `printFn` is given). */
  summary(printFn: (line: string) => void = console.log): void {
    if (!isCallable(printFn)) throw new ValueError(`summary(): printFn must be a function called with each line. Received: ${describeValue(printFn)}`);
    const inputShape = this.builtInputShape;
    if (inputShape === null) {
      throw new RuntimeError(
        `summary(): model "${this.name}" has not been built yet. Give the first layer an inputShape ` +
          '(for example new Flatten({ inputShape: [28, 28] })), or call the model on data first.',
      );
    }
    let shape: BatchShape = inputShape;
    const rows = this.stack.map((layer) => {
      shape = layer.computeOutputShape(shape);
      return { layer, outputShape: shape };
    });
    for (const line of summaryLines(this.name, rows, { optimizer: this.compiled?.optimizer })) printFn(line);
  }

  /** Chooses the optimizer, the loss and the metrics for training. */
  /**
   * Keras 3's `model.metrics_names`: [] before compile; then 'loss', and
   * 'compile_metrics' when compile has metrics (and, once a batch has run, a
   * model of several outputs adds each output's loss).
   */
  get metricsNames(): string[] {
    return this.compiled?.metricsNames ?? [];
  }

  compile(args: CompileArgs): void {
    this.compiled = new CompileSettings(args);
    prepareThreads();
  }

  /** Trains for `epochs` passes over (x, y); resolves to the History. */
  fit(x: DataLike, y: DataLike, args: FitArgs = {}): Promise<History> {
    return fitLoop(this, x, y, args);
  }

  /** [loss, ...metrics] over (x, y), e.g. [0.34, 0.88]; { loss, accuracy } with returnDict. */
  evaluate(x: DataLike, y: DataLike, args: EvaluateArgs & { returnDict: true }): Logs;
  evaluate(x: DataLike, y: DataLike, args?: EvaluateArgs): number[];
  evaluate(x: DataLike, y: DataLike, args: EvaluateArgs = {}): number[] | Logs {
    return evaluate(this, x, y, args);
  }

  /**
   * `evaluate` that lets the event loop run every few tens of milliseconds,
   * so a page stays responsive; resolves to the same values. (`evaluate`
   * runs in one go, as Keras's does: 10,000 images hold a page for ~0.4 s.)
   */
  evaluateAsync(x: DataLike, y: DataLike, args: EvaluateArgs & { returnDict: true }): Promise<Logs>;
  evaluateAsync(x: DataLike, y: DataLike, args?: EvaluateArgs): Promise<number[]>;
  evaluateAsync(x: DataLike, y: DataLike, args: EvaluateArgs = {}): Promise<number[] | Logs> {
    return evaluateAsync(this, x, y, args);
  }

  /** The model's output for every sample of x (class probabilities for the seed model). */
  predict(x: DataLike, args: PredictArgs = {}): Tensor {
    return predict(this, x, args);
  }

  /** `predict` that lets the event loop run every few tens of milliseconds; resolves to the same tensor. */
  predictAsync(x: DataLike, args: PredictArgs = {}): Promise<Tensor> {
    return predictAsync(this, x, args);
  }

  /**
   * Saves the model in TF.js's layers-model format: `dir` gets model.json and
   * weights.bin. Also takes `file://dir`, `'downloads://name'` in a browser, or
   * an IOHandler. A compiled model is saved with its compile settings and
   * optimizer state (as Keras does), so a loaded copy evaluates and resumes
   * training exactly; `{ includeOptimizer: false }` leaves them out. A path
   * ending in .keras is written in Keras 3's format instead, and one ending
   * in .h5 in Keras's legacy HDF5 format; `keras.saving.load_model` loads
   * both (docs/keras-files.md).
   */
  async save(pathOrHandler: string | IOHandler, options: SaveOptions = {}): Promise<SaveResult> {
    return saveModel(this, pathOrHandler, options);
  }

  /**
   * Saves the weights alone: `name.weights.h5` is Keras 3's weights file, with
   * the optimizer's state when compiled (Keras's `save_weights`);
   * `name.weights.json` TF.js's, the values in `name.weights.bin`; or an IOHandler.
   */
  async saveWeights(pathOrHandler: string | IOHandler): Promise<SaveResult> {
    return saveWeights(this, pathOrHandler);
  }

  /**
   * Loads weights into this model: Keras's `.weights.h5`, `.keras` or legacy `.h5`
   * (by path, or as a File or bytes; a compiled model's optimizer state too), or
   * what saveWeights or save wrote in TF.js's format. Checks every shape before
   * changing any weight.
   */
  async loadWeights(pathOrHandler: string | IOHandler | KerasFileBytes): Promise<void> {
    return loadWeights(this, pathOrHandler);
  }
}
