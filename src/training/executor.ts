/**
 * Which executor runs a model: the fused executor (src/fused), or autograd,
 * op by op, which runs any model. The user chooses with compile()'s
 * runEagerly and jitCompile; under jitCompile 'auto' (the default) the fused
 * executor runs whenever its planner accepts the model, and otherwise the
 * planner's sentence says why autograd runs instead.
 */
import { planForward, planTraining, type FusedDense, type TrainingPlan } from '../fused/plan.js';
import type { RunnableModel } from './model-interface.js';
import type { CompileSettings } from './compile.js';
import { ValueError } from '../errors.js';

/** The fused plan to run, or null and why autograd runs instead. */
export type Choice<Plan> = { plan: Plan; reason: null } | { plan: null; reason: string };

function choose<Plan>(model: RunnableModel, settings: CompileSettings | null, where: string, plan: () => Plan | string): Choice<Plan> {
  if (settings?.runEagerly) return { plan: null, reason: 'runEagerly is true' };
  if (settings?.jitCompile === false) return { plan: null, reason: 'jitCompile is false' };
  const planned = plan();
  if (typeof planned !== 'string') return { plan: planned, reason: null };
  if (settings?.jitCompile === true) {
    throw new ValueError(
      `${where}: jitCompile is true, but the fused executor cannot run model "${model.name}": ${planned}. ` +
        "Compile with jitCompile: 'auto' to run it through autograd instead.",
    );
  }
  return { plan: null, reason: planned };
}

/** The executor for training on samples of `sampleShape` with labels of `labelShape`. */
export function chooseTraining(model: RunnableModel, settings: CompileSettings, sampleShape: readonly number[], labelShape: readonly number[], where: string): Choice<TrainingPlan> {
  return choose(model, settings, where, () => planTraining(model.layers, settings, sampleShape, labelShape));
}

/** The executor for predict (and evaluate's forward pass) on samples of `sampleShape`. */
export function chooseForward(model: RunnableModel, sampleShape: readonly number[], where: string): Choice<FusedDense[]> {
  return choose(model, model.compiled, where, () => planForward(model.layers, sampleShape));
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
