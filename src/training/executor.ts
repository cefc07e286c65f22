/**
 * Which executor runs a model: the fused executor (src/fused), or autograd,
 * op by op, which runs any model. The user chooses with compile()'s
 * runEagerly and jitCompile; under jitCompile 'auto' (the default) the fused
 * executor runs whenever its planner accepts the model, and otherwise the
 * planner's sentence says why autograd runs instead.
 */
import { inferenceOps, planForward, planTraining, type FusedOp, type TrainingPlan } from '../fused/plan.js';
import { prestartPool, startFusedTraining, type FusedTraining } from '../fused/runner.js';
import type { StepRunner } from '../fused/step.js';
import { checkClassIndices } from '../losses/labels.js';
import type { Tensor } from '../tensor/tensor.js';
import type { RunnableModel } from './model-interface.js';
import type { CompileSettings } from './compile.js';
import { ValueError } from '../errors.js';
import { regularizedLayer } from './regularization.js';

/** The fused plan to run, or null and why autograd runs instead. */
export type Choice<Plan> = { plan: Plan; reason: null } | { plan: null; reason: string };

function choose<Plan>(model: RunnableModel, settings: CompileSettings | null, where: string, plan: () => Plan | string): Choice<Plan> {
  if (settings?.runEagerly) return { plan: null, reason: 'runEagerly is true' };
  if (settings?.jitCompile === false) return { plan: null, reason: 'jitCompile is false' };
  // A graph that is not a chain is refused before its layers are read, with the graph's own reason.
  const planned = model.whyNotFused?.() ?? plan();
  if (typeof planned !== 'string') return { plan: planned, reason: null };
  if (settings?.jitCompile === true) {
    throw new ValueError(
      `${where}: jitCompile is true, but the fused executor cannot run model "${model.name}": ${planned}. ` +
        "Compile with jitCompile: 'auto' to run it through autograd instead.",
    );
  }
  return { plan: null, reason: planned };
}

/** The executor for training on samples of `sampleShape` with labels of `labelShape`, with sample weights or not (`weighted`). */
export function chooseTraining(
  model: RunnableModel,
  settings: CompileSettings,
  sampleShape: readonly number[],
  labelShape: readonly number[],
  weighted: boolean,
  where: string,
): Choice<TrainingPlan> {
  return choose(model, settings, where, () => {
    // The fused loss kernel computes the plain loss; weighting it is autograd's.
    if (settings.lossWeights?.some((w) => w !== 1)) return 'lossWeights scale the loss';
    if (weighted) return 'sample weights (sampleWeight or classWeight) weight the loss';
    const regularized = regularizedLayer(model);
    if (regularized !== null) return `layer "${regularized}" has a regularizer`;
    return planTraining([model], settings, sampleShape, labelShape);
  });
}

/** The executor for predict on samples of `sampleShape`: the ops it runs (Dropout is the identity outside training). */
export function chooseForward(model: RunnableModel, sampleShape: readonly number[], where: string): Choice<FusedOp[]> {
  return choose(model, model.compiled, where, () => {
    const ops = planForward([model], sampleShape);
    return typeof ops === 'string' ? ops : inferenceOps(ops);
  });
}

/** What trains: the fused step's runner (null for autograd), on how many threads, and why not more. */
export interface TrainingExecutor {
  readonly runner: StepRunner | null;
  readonly executor: 'fused' | 'autograd';
  readonly threads: number;
  /** Why autograd runs, or why the fused step runs on fewer threads than asked for; null when neither. */
  readonly reason: string | null;
}

/**
 * Chooses and starts the executor `fit` trains (x, y) with. Threads asked
 * for that it cannot use, or worker threads that could not serve the fused
 * step, are said once per model.
 */
export async function startTrainingExecutor(
  model: RunnableModel,
  settings: CompileSettings,
  x: Tensor,
  y: Tensor,
  weighted: boolean,
  batchSize: number,
  threadsArg: number | undefined,
  where: string,
): Promise<TrainingExecutor> {
  const choice = chooseTraining(model, settings, x.shape.slice(1), y.shape, weighted, where);
  let fused: FusedTraining | null = null;
  if (choice.plan) {
    // The fused step reads labels without the loss's per-batch checks: check them all once, here.
    checkClassIndices(y.data, choice.plan.classes, settings.loss.name);
    fused = await startFusedTraining(choice.plan, settings.optimizer, Math.min(batchSize, x.shape[0]!), threadsArg ?? 'auto');
  }
  const runner = fused?.runner ?? null;
  const threads = runner?.threads ?? 1;
  const reason = choice.reason ?? fused?.threadsNote ?? fused?.autoNote ?? null;
  const askedInVain = threadsArg !== undefined && threadsArg > threads;
  if (reason !== null && (askedInVain || fused?.threadsNote)) {
    const runsOn = `training runs on ${threads === 1 ? 'one thread' : `${threads} threads`}`;
    warnOnce(model, `${where}: ${askedInVain ? `threads=${threadsArg} was asked for, but ${runsOn}` : runsOn}: ${reason}.`);
  }
  return { runner, executor: runner ? 'fused' : 'autograd', threads, reason };
}

/** Messages already shown, per model: a warning about threads is said once. */
const warned = new WeakMap<object, Set<string>>();

/** console.warn(message), once per model. */
export function warnOnce(model: object, message: string): void {
  let seen = warned.get(model);
  if (!seen) warned.set(model, (seen = new Set()));
  if (seen.has(message)) return;
  seen.add(message);
  console.warn(message);
}

/** Gets worker threads booting before fit needs them (called by compile()). */
export function prepareThreads(): void {
  prestartPool();
}
