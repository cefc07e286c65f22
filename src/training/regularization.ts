/**
 * The regularization term of the training loss, as Keras's `model.losses`
 * (src/regularizers/penalties.ts): every regularized trainable weight's
 * penalty, and the activity penalties of the forward pass, summed. The
 * layers that have regularizers (Dense, Conv2D) say so by their methods;
 * nested models are searched through their layers.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { HasRegularizers, RegularizedWeights } from '../regularizers/penalties.js';
import type { RunnableModel } from './model-interface.js';

/** What the search reads of a layer: its name, its own layers (a nested model), its regularizers. */
type LayerLike = { readonly name: string; readonly layers?: readonly LayerLike[] } & Partial<RegularizedWeights & HasRegularizers>;

/** Every layer of the model, nested models' layers included, each once. */
function allLayers(model: { readonly layers: readonly LayerLike[] }): LayerLike[] {
  const seen = new Set<LayerLike>();
  const visit = (layer: LayerLike) => {
    if (seen.has(layer)) return;
    seen.add(layer);
    layer.layers?.forEach(visit);
  };
  model.layers.forEach(visit);
  return [...seen];
}

/** The name of the first layer with a regularizer, or null: the fused executor has no regularization. */
export function regularizedLayer(model: RunnableModel): string | null {
  return allLayers(model as { layers: readonly LayerLike[] }).find((layer) => layer.hasRegularizers?.())?.name ?? null;
}

/** Σ regularizer(w) over the model's trainable regularized weights, plus the activity penalties; null when there are none. */
export function regularizationLoss(model: RunnableModel, activityPenalties: readonly Tensor[]): Tensor | null {
  const trainable = new Set(model.trainableWeights);
  const penalties = allLayers(model as { layers: readonly LayerLike[] })
    .flatMap((layer) => layer.regularizedWeights?.() ?? [])
    .filter(([weight]) => trainable.has(weight))
    .map(([weight, regularizer]) => regularizer.call(weight));
  const all = [...penalties, ...activityPenalties];
  return all.length === 0 ? null : all.reduce((sum, p) => sum.add(p));
}
