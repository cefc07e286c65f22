/** `keras.layers`: the layers a Sequential is built from, and `Input`, as in Keras. */
export { Layer, type LayerArgs, type BatchShape, type CallArgs } from '../layers/layer.js';
export { Dense, type DenseArgs } from '../layers/dense.js';
export { Flatten } from '../layers/flatten.js';
export { Dropout, type DropoutArgs } from '../layers/dropout.js';
export { Activation, ReLU, Softmax, type ActivationArgs, type ReLUArgs, type SoftmaxArgs } from '../layers/activation-layers.js';
export { Input, InputLayer, type InputArgs } from '../layers/input-layer.js';
export type { ActivationName } from '../layers/activations.js';
export { Conv2D } from '../layers/conv2d.js';
export { AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D } from '../layers/pooling.js';
export { ZeroPadding2D } from '../layers/zero-padding.js';
export { Reshape } from '../layers/reshape.js';
export { BatchNormalization } from '../layers/batch-normalization.js';
export { RandomFlip, RandomTranslation, Rescaling } from '../layers/preprocessing.js';
export { RandomRotation, RandomZoom } from '../layers/random-affine.js';
export { Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract } from '../layers/merge.js';
export { Normalization, type NormalizationArgs } from '../layers/normalization.js';
