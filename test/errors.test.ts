/**
 * The error classes (src/errors.ts) are what they say they are: named, in
 * one hierarchy under TinykerasError, their name first in the stack.
 */
import { describe, expect, it } from 'vitest';
import * as keras from '../src/index.js';

describe('error classes', () => {
  it('are named, form a hierarchy, and print their name first in the stack', () => {
    const shape = new keras.ShapeError('bad shape');
    expect(shape).toBeInstanceOf(keras.ValueError);
    expect(shape).toBeInstanceOf(keras.TinykerasError);
    expect(shape).toBeInstanceOf(Error);
    expect(shape.name).toBe('ShapeError');
    expect(shape.stack!.startsWith('ShapeError: bad shape')).toBe(true);
    expect(new keras.RuntimeError('x')).not.toBeInstanceOf(keras.ValueError);
    const file = new keras.FileFormatError('/tmp/a.bin', 'truncated');
    expect([file.name, file.path]).toEqual(['FileFormatError', '/tmp/a.bin']);
  });
});
