/** `keras.optimizers.schedules`: learning rates as a function of the step count, accepted wherever a learning rate is. */
export {
  LearningRateSchedule, ExponentialDecay, InverseTimeDecay, PiecewiseConstantDecay, CosineDecay,
  type ExponentialDecayOptions, type InverseTimeDecayOptions, type PiecewiseConstantDecayOptions, type CosineDecayOptions,
} from '../optim/schedules.js';
