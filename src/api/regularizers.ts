/**
 * `keras.regularizers`: penalties on a layer's weights or outputs that
 * training adds to the loss. Dense and Conv2D take them as
 * kernelRegularizer, biasRegularizer and activityRegularizer, also as the
 * strings 'l1', 'l2' (factor 0.01) and 'l1l2':
 *
 *     new Dense(64, { kernelRegularizer: keras.regularizers.l2(0.001) })
 */
export { l1, l2, l1l2, L1, L2, L1L2, Regularizer, type RegularizerIdentifier } from '../regularizers/regularizers.js';
