/**
 * Keras's `keras.utils.plot_model`: a model's graph drawn as an SVG string,
 * with no Graphviz. One box per layer, an arrow per connection, laid out top
 * to bottom by src/utils/layered-graph.ts:
 *
 *     const svg = keras.utils.plotModel(model, { showShapes: true });
 *     await keras.utils.plotModel(model, { toFile: 'model.svg', showShapes: true });   (Node: writes the file too)
 *
 * As Keras 3 draws them: a Sequential is its layers in a chain (no
 * InputLayer box); a Functional model has a box for each layer, InputLayers
 * included, and an arrow from each layer to each layer that reads its
 * output (a shared layer is one box, with the arrows of all its calls). A
 * box is headed by the layer's class, or `name (Class)` with
 * showLayerNames, then the optional lines Keras shows:
 *
 *     Activation: relu                                (showLayerActivations)
 *     Input shape: (None, 4)   Output shape: (None, 3)   (showShapes; an InputLayer has its output shape only)
 *     Output dtype: float32                           (showDtype)
 *     Trainable / Non-trainable                       (showTrainable, for layers with weights)
 */
import type { Layer, BatchShape } from '../layers/layer.js';
import { InputLayer } from '../layers/input-layer.js';
import { formatShape } from '../tensor/shape.js';
import { layeredGraphSvg, type GraphBox } from '../utils/layered-graph.js';
import { fileSystemService } from '../io/file-system.js';
import { checkTypedOptions, type OptionKind } from '../utils/options.js';
import { describeValue, FileFormatError, RuntimeError, ValueError } from '../errors.js';
import { Sequential } from './sequential.js';
import { Model } from './functional.js';

export interface PlotModelOptions {
  /** Show each layer's input and output shapes. False by default, as in Keras. */
  showShapes?: boolean;
  /** Show each layer's output dtype. False by default. */
  showDtype?: boolean;
  /** Head each box with `name (Class)` instead of the class alone. False by default, as in Keras 3. */
  showLayerNames?: boolean;
  /** Show the activation of layers that have one (Dense, Conv2D, Activation). False by default. */
  showLayerActivations?: boolean;
  /** Show whether each layer with weights is trainable. False by default. */
  showTrainable?: boolean;
  /** 'TB' (top to bottom, the default) or 'LR' (left to right). */
  rankdir?: 'TB' | 'LR';
  /** In Node: also write the SVG to this path, which must end in `.svg`. */
  toFile?: string;
}

const OPTION_KINDS = {
  showShapes: 'boolean',
  showDtype: 'boolean',
  showLayerNames: 'boolean',
  showLayerActivations: 'boolean',
  showTrainable: 'boolean',
  rankdir: 'string',
  toFile: 'string',
} as const satisfies Record<keyof PlotModelOptions, OptionKind>;

/** The model's graph as an SVG string; with `toFile`, written there too (a promise of the same string). */
export function plotModel(model: Sequential | Model, options?: PlotModelOptions & { toFile?: undefined }): string;
export function plotModel(model: Sequential | Model, options: PlotModelOptions & { toFile: string }): Promise<string>;
export function plotModel(model: Sequential | Model, options: PlotModelOptions = {}): string | Promise<string> {
  const where = 'plotModel()';
  checkTypedOptions(where, options, OPTION_KINDS);
  const rankdir = options.rankdir ?? 'TB';
  if (rankdir !== 'TB' && rankdir !== 'LR') throw new ValueError(`${where}: rankdir must be 'TB' or 'LR'. Received: rankdir=${describeValue(rankdir)}`);
  if (options.toFile !== undefined && !options.toFile.toLowerCase().endsWith('.svg')) {
    throw new ValueError(`${where}: tinykeras draws models as SVG, so toFile must end in .svg. Received: toFile=${describeValue(options.toFile)}`);
  }
  const { boxes, edges } = modelGraph(model, where);
  const svg = layeredGraphSvg({
    title: `Model: "${model.name}"`,
    boxes: boxes.map(({ layer, inputShapes, outputShape }) => ({ id: layer.name, lines: boxLines(layer, inputShapes, outputShape, options) })),
    edges,
    direction: rankdir,
  });
  if (options.toFile === undefined) return svg;
  return writeSvg(options.toFile, svg, where);
}

/** One layer's box: the layer, and the shapes it is called on (null: unknown) and returns. */
interface LayerBox {
  layer: Layer;
  inputShapes: BatchShape[] | null;
  outputShape: BatchShape | null;
}

/** The boxes and the edges [from layer name, to layer name] Keras draws for `model`. */
function modelGraph(model: Sequential | Model, where: string): { boxes: LayerBox[]; edges: [string, string][] } {
  if (model instanceof Model) {
    const nodes = new Set(model.nodes);
    const boxes = model.layers.map((layer): LayerBox => {
      // As Keras, a layer's shapes are those of its first call (in this model).
      const node = layer.inboundNodes.find((n) => nodes.has(n));
      const isInput = layer instanceof InputLayer;
      return { layer, inputShapes: node === undefined || isInput ? null : node.inputs.map((t) => t.shape), outputShape: node?.output.shape ?? null };
    });
    const edges = model.nodes.flatMap((node) => node.inputs.map((t): [string, string] => [t.node.layer.name, node.layer.name]));
    return { boxes, edges };
  }
  if (!(model instanceof Sequential)) {
    throw new ValueError(`${where}: expected a Sequential or Functional model (keras.Model). Received: ${describeValue(model)}`);
  }
  let shape = model.builtInputShape;
  if (shape === null) {
    throw new RuntimeError(
      `${where}: model "${model.name}" has not been built yet, so its graph is not known. Give the first layer an inputShape ` +
        '(for example new Flatten({ inputShape: [28, 28] })), or call the model on data first.',
    );
  }
  const layers = model.layers;
  const boxes = layers.map((layer): LayerBox => {
    const inputShape: BatchShape = shape!;
    shape = layer.computeOutputShape(inputShape);
    return { layer, inputShapes: [inputShape], outputShape: shape };
  });
  const edges = layers.slice(1).map((layer, i): [string, string] => [layers[i]!.name, layer.name]);
  return { boxes, edges };
}

/** The lines of a layer's box, as Keras's labels read. */
function boxLines(layer: Layer, inputShapes: BatchShape[] | null, outputShape: BatchShape | null, options: PlotModelOptions): GraphBox['lines'] {
  const lines = [options.showLayerNames ? `${layer.name} (${layer.className})` : layer.className];
  const activation = layer.getConfig().activation;
  if (options.showLayerActivations && typeof activation === 'string') lines.push(`Activation: ${activation}`);
  if (options.showShapes) {
    if (!(layer instanceof InputLayer)) {
      const shapes = inputShapes === null ? '?' : inputShapes.length === 1 ? formatShape(inputShapes[0]!) : `[${inputShapes.map(formatShape).join(', ')}]`;
      lines.push(`Input shape: ${shapes}`);
    }
    lines.push(`Output shape: ${outputShape === null ? '?' : formatShape(outputShape)}`);
  }
  if (options.showDtype) lines.push('Output dtype: float32');
  if (options.showTrainable && layer.weights.length > 0) lines.push(layer.trainable ? 'Trainable' : 'Non-trainable');
  return lines;
}

/** Writes the SVG through the platform's file system (Node's); a browser has none. */
async function writeSvg(path: string, svg: string, where: string): Promise<string> {
  const files = fileSystemService();
  if (files === null) {
    throw new RuntimeError(`${where}: toFile needs a file system, which this platform (a browser) does not have. Use the SVG string plotModel returns without toFile.`);
  }
  try {
    await (await files).writeFileAtomic(path, svg);
  } catch (error) {
    // A read-only folder, a full disk: say which file and why, as a tinykeras error.
    const reason = error instanceof Error ? error.message.slice(0, 200) : String(error).slice(0, 200);
    throw new FileFormatError(path, `${where}: could not write ${path}. Received: ${reason}`, { cause: error });
  }
  return svg;
}
