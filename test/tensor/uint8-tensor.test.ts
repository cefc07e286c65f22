/**
 * 'uint8' tensors: image data as the dataset loaders return it (a quarter of
 * float32's memory, as Keras keeps it). They read as float32 values
 * everywhere; element-wise arithmetic (images.div(255)), reshape and row
 * slices work on the bytes without a float32 copy of them.
 */
import { describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { requireFashionMnist } from '../support/requirements.js';

const bytes = Uint8Array.from({ length: 24 }, (_, i) => (i * 37) % 256);

describe('uint8 tensors', () => {
  it('read as float32 values, and div(255) equals dividing the float32 values bit for bit', () => {
    const images = new keras.Tensor(bytes, [2, 3, 4]);
    expect(images.dtype).toBe('uint8');
    expect(images.size).toBe(24);
    const asFloat = new keras.Tensor(Float32Array.from(bytes), [2, 3, 4]);
    const scaled = images.div(255);
    expect(scaled.dtype).toBe('float32');
    expect(scaled.data).toEqual(asFloat.div(255).data);
    expect(images.data).toBeInstanceOf(Float32Array);
    expect(Array.from(images.data)).toEqual(Array.from(bytes));
    expect(images.data).toBe(images.data); // converted once, then kept
  });

  it('reshape, row and sliceRows keep the bytes (no float32 copy)', () => {
    const images = new keras.Tensor(bytes, [2, 3, 4]);
    for (const t of [images.reshape([6, 4]), images.row(1), images.sliceRows(0, 1)]) {
      expect(t.dtype).toBe('uint8');
      expect(t.values.buffer).toBe(bytes.buffer);
    }
    expect(Array.from(images.row(1).values)).toEqual(Array.from(bytes.subarray(12)));
    expect(images.gather([1, 0]).data.slice(0, 12)).toEqual(Float32Array.from(bytes.subarray(12)));
  });

  it('are what the Fashion-MNIST loader returns for images (labels stay float32)', async () => {
    requireFashionMnist();
    const [[x, y]] = await keras.datasets.fashionMnist.loadData();
    expect(x.dtype).toBe('uint8');
    expect(y.dtype).toBe('float32');
    expect(x.div(255).data[x.size - 1]).toBe(Math.fround(x.values[x.size - 1]! / 255));
  });
});
