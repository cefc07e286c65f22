/**
 * Sequential as a model: built from layers, nested as a layer of another
 * model, its weights read and written, its layers looked up, and its aliases.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { seedModel } from '../support/helpers.js';

const { Dense, Flatten, Softmax, Dropout } = keras.layers;

beforeEach(() => keras.utils.clearSession());

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-6) =>
  Array.from(a).every((v, i) => Math.abs(v - b[i]!) <= tol);

describe('Sequential', () => {
  it('get/setWeights round-trips and copies', () => {
    keras.utils.setRandomSeed(3);
    const a = seedModel();
    const b = seedModel();
    b.setWeights(a.getWeights());
    const x = keras.random.uniform([4, 28, 28]);
    expect(Array.from(b.predict(x, { verbose: 0 }).data)).toEqual(Array.from(a.predict(x, { verbose: 0 }).data));
    const copy = a.getWeights();
    copy[0]!.data[0] = 123;
    expect(a.getWeights()[0]!.data[0]).not.toBe(123);
  });

  it('rejects setWeights with a wrong shape, naming the weight', () => {
    const model = seedModel();
    const weights = model.getWeights();
    weights[2] = keras.ops.zeros([10, 128]);
    expect(() => model.setWeights(weights)).toThrow(/weight 2 \("dense_1\/kernel"\) has shape \[128, 10\]/);
  });

  it('builds lazily when first called on data, but will not predict before it is built', () => {
    const model = new keras.Sequential([new Dense(3), new Dense(2)]);
    expect(model.built).toBe(false);
    expect(() => model.predict(keras.ops.ones([5, 4]), { verbose: 0 })).toThrow(keras.RuntimeError);
    expect(() => model.predict(keras.ops.ones([5, 4]), { verbose: 0 })).toThrow(/has not been built.*inputShape/);
    const y = model.apply(keras.ops.ones([5, 4]));
    expect(y.shape).toEqual([5, 2]);
    expect(model.countParams()).toBe(4 * 3 + 3 + 3 * 2 + 2);
  });
});

describe('a model used as a layer', () => {
  it("the tutorial's probability model: built from the inner model, predicts softmax of its logits at once", () => {
    const model = new keras.Sequential([new Flatten({ inputShape: [28, 28] }), new Dense(128, { activation: 'relu' }), new Dense(10)]);
    const probabilityModel = new keras.Sequential([model, new Softmax()]);
    expect(probabilityModel.built).toBe(true);
    const x = keras.random.uniform([3, 28, 28]);
    const p = probabilityModel.predict(x, { verbose: 0 });
    const expected = model.predict(x, { verbose: 0 }).softmax();
    expect(close(p.data, expected.data, 1e-6)).toBe(true);
    expect(probabilityModel.countParams()).toBe(101770);
    expect(probabilityModel.getWeights().length).toBe(4);
  });

  it('summary() shows the inner model as one row, as Keras does', () => {
    const probabilityModel = new keras.Sequential([seedModel(), new Softmax()]);
    const lines: string[] = [];
    probabilityModel.summary((line) => lines.push(line));
    expect(lines.join('\n')).toBe(
      [
        'Model: "sequential_1"',
        '_________________________________________________________________',
        'Layer (type)                 Output Shape              Param #   ',
        '=================================================================',
        'sequential (Sequential)      (None, 10)                101770    ',
        '_________________________________________________________________',
        'softmax (Softmax)            (None, 10)                0         ',
        '=================================================================',
        'Total params: 101,770',
        'Trainable params: 101,770',
        'Non-trainable params: 0',
        '_________________________________________________________________',
      ].join('\n'),
    );
  });

  it('an unbuilt inner model is built by the outer one on first use, and trains inside it', async () => {
    keras.utils.setRandomSeed(1);
    const inner = new keras.Sequential([new Dense(4, { activation: 'relu' }), new Dropout(0.25)]);
    const outer = new keras.Sequential([inner, new Dense(2)]);
    expect(outer.built).toBe(false);
    outer.compile({ optimizer: 'adam', loss: 'mse' });
    const x = keras.random.normal([16, 3]);
    await outer.fit(x, keras.ops.zeros([16, 2]), { epochs: 1, batchSize: 16, verbose: 0 });
    expect(inner.built).toBe(true);
    expect(inner.getLayer(0).weights[0]!.shape).toEqual([3, 4]);
    const before = outer.evaluate(x, keras.ops.zeros([16, 2]), { verbose: 0 })[0]!;
    await outer.fit(x, keras.ops.zeros([16, 2]), { epochs: 5, batchSize: 16, verbose: 0 });
    expect(outer.evaluate(x, keras.ops.zeros([16, 2]), { verbose: 0 })[0]).toBeLessThan(before);
  });
});

describe('getWeights / setWeights / getLayer', () => {
  it('a layer gives copies in creation order and takes tensors, arrays or typed arrays of the right shapes', () => {
    const model = seedModel();
    const dense = model.getLayer(1) as InstanceType<typeof Dense>;
    const [kernel, bias] = dense.getWeights();
    expect(kernel!.shape).toEqual([784, 128]);
    expect(bias!.shape).toEqual([128]);
    kernel!.data[0] = 123;
    expect(dense.kernel!.data[0]).not.toBe(123);
    dense.setWeights([kernel!, Array.from({ length: 128 }, () => 0.5)]);
    expect(dense.kernel!.data[0]).toBe(123);
    expect(dense.bias!.data[5]).toBe(0.5);
    dense.setWeights([kernel!, new Float32Array(128)]);
    expect(dense.bias!.data[5]).toBe(0);
    // A flat typed array has no shape: it fits the 1-D bias, not the 2-D kernel (Keras requires each shape to match).
    expect(() => dense.setWeights([kernel!.data, new Float32Array(128)])).toThrow(
      /weight 0 \("dense\/kernel"\) has shape \[784, 128\]\. Received: shape \[100352\] \(a Float32Array is flat; give keras\.tensor\(values, \[784, 128\]\)\)/,
    );
    expect(() => dense.setWeights([kernel!])).toThrow(/has 2 weights/);
    expect(() => dense.setWeights([bias!, bias!])).toThrow(keras.ShapeError);
    expect(dense.bias!.data[5]).toBe(0);
  });

  it('getLayer by name or index, with a clear error otherwise', () => {
    const model = seedModel();
    expect(model.getLayer('dense_1').name).toBe('dense_1');
    expect(model.getLayer(0).className).toBe('Flatten');
    expect(() => model.getLayer('dense_2')).toThrow(/no layer named "dense_2".*Existing layers: flatten, dense, dense_1/);
    expect(() => model.getLayer(3)).toThrow(/index 3.*has 3 layers/);
  });
});

describe('aliases', () => {
  it('models.Sequential and models.loadModel', () => {
    expect(keras.models.Sequential).toBe(keras.Sequential);
    expect(typeof keras.models.loadModel).toBe('function');
  });
});

describe('pop, toJSON and modelFromJSON', () => {
  it('pop removes the last layer and returns it; the model then outputs the layer before', () => {
    keras.utils.setRandomSeed(2);
    const model = seedModel();
    const last = model.pop();
    expect(last.name).toBe('dense_1');
    expect(model.layers.map((l) => l.name)).toEqual(['flatten', 'dense']);
    expect(model.predict(keras.random.uniform([3, 28, 28]), { verbose: 0 }).shape).toEqual([3, 128]);
    model.pop();
    model.pop();
    expect(() => model.pop()).toThrow(/pop\(\): model "sequential(_\d+)?" has no layers to remove/);
  });

  it('toJSON gives the architecture that modelFromJSON builds again, with fresh weights', () => {
    keras.utils.setRandomSeed(3);
    const model = seedModel();
    const json = model.toJSON();
    expect(JSON.parse(json).class_name).toBe('Sequential');
    const again = keras.models.modelFromJSON(json);
    expect(again.layers.map((l) => [l.className, l.getConfig()])).toEqual(model.layers.map((l) => [l.className, l.getConfig()]));
    expect(keras.models.modelFromJSON(JSON.parse(json)).countParams()).toBe(101_770);
    // Fresh weights: initialised as the layers say (glorot-uniform kernels), not the original's and not zeros.
    const kernel = again.layers[1]!.getWeights()[0]!.data;
    expect(kernel.some((v) => v !== 0)).toBe(true);
    expect(Array.from(kernel)).not.toEqual(Array.from(model.layers[1]!.getWeights()[0]!.data));
    expect(() => keras.models.modelFromJSON('{"class_name":')).toThrow(keras.FileFormatError);
    expect(() => keras.models.modelFromJSON(42 as never)).toThrow(keras.ValueError);
  });
});
