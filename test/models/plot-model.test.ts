/**
 * keras.utils.plotModel: the SVG is well-formed XML; every layer is a box
 * and every connection an arrow, as Keras 3 draws them (a Sequential as a
 * chain without its InputLayer, a Functional model with its InputLayers and
 * one box per shared layer); the labels of each option; the layout puts
 * every arrow from an earlier rank to a later one; toFile writes the file.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import * as keras from '../../src/index.js';
import { layeredGraphSvg } from '../../src/utils/layered-graph.js';
import { failure, seedModel, useTempDir } from '../support/helpers.js';
import { xmlElements } from '../support/xml.js';

const { Dense, Concatenate, Dropout } = keras.layers;
const dir = useTempDir('plot-model');

beforeEach(() => keras.utils.clearSession());

/** The boxes (data-id) and arrows (data-from → data-to) of a drawing. */
function drawn(svg: string) {
  const boxes = [...svg.matchAll(/<g class="box" data-id="([^"]*)">/g)].map((m) => m[1]!);
  const edges = [...svg.matchAll(/<path class="edge" data-from="([^"]*)" data-to="([^"]*)" d="([^"]*)"/g)].map((m) => ({ from: m[1]!, to: m[2]!, d: m[3]! }));
  const box = (id: string) => {
    const m = new RegExp(`data-id="${id}"><rect x="([\\d.]+)" y="([\\d.]+)" width="([\\d.]+)" height="([\\d.]+)"`).exec(svg)!;
    return { x: Number(m[1]), y: Number(m[2]), width: Number(m[3]), height: Number(m[4]) };
  };
  return { boxes, edges, box };
}

/** The guide's ticket model: three inputs, a shared layer, a merge, two outputs. */
function ticketModel(): keras.Model {
  const title = keras.Input({ shape: [6], name: 'title' });
  const body = keras.Input({ shape: [6], name: 'body' });
  const tags = keras.Input({ shape: [4], name: 'tags' });
  const text = new Dense(5, { activation: 'relu', name: 'text_features' });
  const x = new Concatenate({ name: 'joined' }).apply([text.apply(title), text.apply(body), tags]);
  const priority = new Dense(1, { name: 'priority' }).apply(x);
  const department = new Dense(4, { name: 'department' }).apply(new Dropout(0.2, { name: 'drop' }).apply(x));
  return new keras.Model({ inputs: [title, body, tags], outputs: [priority, department], name: 'ticket_classifier' });
}

describe('plotModel', () => {
  it('draws a Functional model: a box per layer, InputLayers included, an arrow per connection', () => {
    const model = ticketModel();
    const svg = keras.utils.plotModel(model, { showLayerNames: true });
    expect(xmlElements(svg)[0]).toBe('svg');
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(svg).toContain('<title>Model: &quot;ticket_classifier&quot;</title>');
    const { boxes, edges } = drawn(svg);
    expect(boxes.sort()).toEqual(model.layers.map((l) => l.name).sort());
    // The shared layer is one box with two arrows in; Concatenate reads three layers.
    expect(edges.map((e) => `${e.from}>${e.to}`).sort()).toEqual(
      ['title>text_features', 'body>text_features', 'text_features>joined', 'tags>joined', 'joined>priority', 'joined>drop', 'drop>department'].sort(),
    );
    for (const layer of model.layers) expect(svg).toContain(`>${layer.name} (${layer.className})</text>`);
  });

  it('heads each box with the class alone by default, as Keras 3', () => {
    const svg = keras.utils.plotModel(ticketModel());
    expect(svg).toContain('>Concatenate</text>');
    expect(svg).not.toContain('joined (Concatenate)');
    expect(svg).not.toContain('shape');
  });

  it('draws a Sequential as a chain of its layers, without an InputLayer box', () => {
    const model = seedModel();
    const { boxes, edges } = drawn(keras.utils.plotModel(model, { showShapes: true }));
    expect(boxes).toEqual(['flatten', 'dense', 'dense_1']);
    expect(edges.map((e) => `${e.from}>${e.to}`)).toEqual(['flatten>dense', 'dense>dense_1']);
  });

  it('labels shapes, dtype, activations and trainability as Keras does', () => {
    const model = ticketModel();
    model.getLayer('priority').trainable = false;
    const svg = keras.utils.plotModel(model, { showShapes: true, showDtype: true, showLayerActivations: true, showTrainable: true });
    expect(svg).toContain('>Input shape: [(None, 5), (None, 5), (None, 4)]</text>');
    expect(svg).toContain('>Output shape: (None, 14)</text>');
    // An InputLayer has its output shape only; the shared layer shows its first call's shapes, as Keras.
    expect(svg.match(/Output shape: \(None, 6\)/g)).toHaveLength(2);
    expect(svg.match(/Input shape: \(None, 6\)/g)).toHaveLength(1);
    expect(svg).not.toContain('Input shape: (None, 4)');
    expect(svg).toContain('>Activation: relu</text>');
    expect(svg).toContain('>Output dtype: float32</text>');
    expect(svg.match(/>Non-trainable</g)).toHaveLength(1);
    expect(svg.match(/>Trainable</g)).toHaveLength(2);
  });

  it('lays every arrow from an earlier rank to a later one, boxes apart, top to bottom or left to right', () => {
    const model = ticketModel();
    for (const rankdir of ['TB', 'LR'] as const) {
      const { edges, box } = drawn(keras.utils.plotModel(model, { rankdir, showShapes: true }));
      for (const { from, to, d } of edges) {
        const [a, b] = [box(from), box(to)];
        if (rankdir === 'TB') expect(a.y + a.height, `${from} above ${to}`).toBeLessThan(b.y);
        else expect(a.x + a.width, `${from} left of ${to}`).toBeLessThan(b.x);
        expect(d).toMatch(/^M[\d.]+ [\d.]+( L[\d.]+ [\d.]+)+$/);
      }
      const rects = model.layers.map((l) => box(l.name));
      for (const [i, p] of rects.entries()) {
        for (const q of rects.slice(i + 1)) {
          const apart = p.x + p.width <= q.x || q.x + q.width <= p.x || p.y + p.height <= q.y || q.y + q.height <= p.y;
          expect(apart).toBe(true);
        }
      }
    }
  });

  it('routes an edge that skips ranks through a bend point, and escapes text', () => {
    const svg = layeredGraphSvg({
      title: 'a < b & "c"',
      boxes: [{ id: 'a', lines: ['A & <1>'] }, { id: 'b', lines: ['B'] }, { id: 'c', lines: ['C'] }],
      edges: [['a', 'b'], ['b', 'c'], ['a', 'c'], ['a', 'c']],
    });
    expect(xmlElements(svg)[0]).toBe('svg');
    expect(svg).toContain('>A &amp; &lt;1&gt;</text>');
    const { edges } = drawn(svg);
    expect(edges).toHaveLength(3);
    // Out of a, straight down through b's rank beside b, into c.
    expect(edges.find((e) => e.from === 'a' && e.to === 'c')!.d.split(' L')).toHaveLength(4);
  });

  it('draws any DAG well-formed, with each edge once and every box', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 30 }), (n, pairs) => {
        // Edges from a lower to a higher index: a DAG.
        const edges = pairs.map(([p, q]) => [p % n, q % n] as const).filter(([p, q]) => p < q).map(([p, q]) => [`n${p}`, `n${q}`] as const);
        const svg = layeredGraphSvg({ title: 't', boxes: Array.from({ length: n }, (_, i) => ({ id: `n${i}`, lines: [`box ${i}`] })), edges });
        expect(xmlElements(svg)[0]).toBe('svg');
        const { boxes, edges: arrows, box } = drawn(svg);
        expect(boxes).toHaveLength(n);
        expect(arrows).toHaveLength(new Set(edges.map((e) => e.join('>'))).size);
        for (const { from, to } of arrows) expect(box(from).y + box(from).height).toBeLessThan(box(to).y);
      }),
      { numRuns: 100 },
    );
  });

  it('writes the file with toFile, and refuses another format or an unknown option', async () => {
    const path = join(dir(), 'model.svg');
    const svg = await keras.utils.plotModel(ticketModel(), { toFile: path, showShapes: true });
    expect(await readFile(path, 'utf8')).toBe(svg);
    const model = ticketModel();
    expect((await failure(() => keras.utils.plotModel(model, { toFile: 'model.png' } as never))).message).toMatch(
      /plotModel\(\): tinykeras draws models as SVG, so toFile must end in \.svg\. Received: toFile='model\.png'/,
    );
    expect((await failure(() => keras.utils.plotModel(model, { show_shapes: true } as never))).message).toMatch(/show_shapes.*showShapes/);
    // A path where a file cannot be written (a directory): a tinykeras error naming it.
    await mkdir(join(dir(), 'taken.svg', 'inside'), { recursive: true });
    const blocked = await failure(() => keras.utils.plotModel(model, { toFile: join(dir(), 'taken.svg') }));
    expect(blocked).toBeInstanceOf(keras.FileFormatError);
    expect(blocked.message).toMatch(/plotModel\(\): could not write .*taken\.svg\. Received: /);
    expect((await failure(() => keras.utils.plotModel(model, { rankdir: 'BT' } as never))).message).toMatch(/rankdir must be 'TB' or 'LR'/);
    expect((await failure(() => keras.utils.plotModel({} as never))).message).toMatch(/expected a Sequential or Functional model/);
    expect((await failure(() => keras.utils.plotModel(new keras.Sequential([new Dense(2)])))).message).toMatch(/has not been built yet/);
  });
});

