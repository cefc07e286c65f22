/**
 * readLegacyH5 on files built with tinykeras's own HDF5 writer in the
 * layouts Keras used: weights at the root (save_weights), name lists split
 * in parts, an empty list stored as an empty float array (as Keras 3 does),
 * and the errors for files that are not Keras files.
 */
import { describe, expect, it } from 'vitest';
import { FileFormatError } from '../../src/errors.js';
import { readLegacyH5, writeHdf5, type WritableGroup } from '../../src/saving/keras-format/index.js';

const kernel = new Float32Array([1, 2, 3, 4, 5, 6]);
const bias = new Float32Array([0.5, -0.5]);

function weightsOnly(extra: Record<string, string> = {}): WritableGroup {
  return {
    kind: 'group',
    attributes: { layer_names0: ['dense'], layer_names1: ['flatten'], backend: 'tensorflow', keras_version: '2.4.0', ...extra },
    members: {
      dense: {
        kind: 'group',
        attributes: { weight_names: ['dense/kernel:0', 'dense/bias:0'] },
        members: { dense: { kind: 'group', members: { 'kernel:0': { kind: 'dataset', shape: [3, 2], data: kernel }, 'bias:0': { kind: 'dataset', shape: [2], data: bias } } } },
      },
      flatten: { kind: 'group', attributes: { weight_names: { shape: [0], data: new Float64Array(0) } }, members: {} },
    },
  };
}

describe('readLegacyH5', () => {
  it('reads a weights-only file: layers at the root, a name list in two parts, an empty list as floats', async () => {
    const legacy = await readLegacyH5(writeHdf5(weightsOnly()), 'weights.h5');
    expect(legacy.modelConfig).toBeNull();
    expect(legacy.trainingConfig).toBeNull();
    expect(legacy.kerasVersion).toBe('2.4.0');
    expect([...legacy.weights.keys()]).toEqual(['dense', 'flatten']);
    expect(legacy.weights.get('dense')).toEqual([
      { name: 'dense/kernel:0', shape: [3, 2], dtype: 'float32', data: kernel },
      { name: 'dense/bias:0', shape: [2], dtype: 'float32', data: bias },
    ]);
    expect(legacy.weights.get('flatten')).toEqual([]);
    expect(legacy.optimizerWeights).toEqual([]);
  });

  it('parses model_config, and says so when it is not JSON', async () => {
    const config = { class_name: 'Sequential', config: { layers: [] } };
    expect((await readLegacyH5(writeHdf5(weightsOnly({ model_config: JSON.stringify(config) })), 'm.h5')).modelConfig).toEqual(config);
    await expect(readLegacyH5(writeHdf5(weightsOnly({ model_config: '{"class_name": ' })), 'broken.h5')).rejects.toThrow(/broken\.h5: not valid JSON, so not a model_config/);
  });

  it('refuses a file that is not a Keras file, and a weight name that is missing', async () => {
    const plain = writeHdf5({ kind: 'group', members: { x: { kind: 'dataset', shape: [1], data: new Float32Array(1) } } });
    await expect(readLegacyH5(plain, 'data.h5')).rejects.toThrow(/data\.h5: is not a Keras HDF5 file: '\/' has no 'layer_names' attribute/);
    const tree = weightsOnly();
    (tree.members.dense as WritableGroup).attributes = { weight_names: ['dense/kernel:0', 'dense/gamma:0'] };
    const missing = readLegacyH5(writeHdf5(tree), 'missing.h5');
    await expect(missing).rejects.toBeInstanceOf(FileFormatError);
    await expect(readLegacyH5(writeHdf5(tree), 'missing.h5')).rejects.toThrow(/'\/dense\/dense' has no member 'gamma:0'/);
  });
});
