/**
 * A directed acyclic graph of labelled boxes drawn as an SVG string, top to
 * bottom (or left to right), the way Graphviz's dot lays graphs out, in four
 * steps (Sugiyama's method), with no dependency:
 *
 *   1. Ranks (longest-path layering): a box with no incoming edge is on
 *      rank 0; any other on 1 + the largest rank of the boxes it comes from,
 *      so every edge points to a later rank.
 *   2. Bend points: an edge that spans k > 1 ranks gets a point on each of
 *      the k − 1 ranks between, so that it can pass between boxes.
 *   3. Order within each rank: first as the boxes were given, then sweeps
 *      that sort each rank by the mean position (barycenter) of its
 *      neighbours on the rank before (downward) or after (upward); the order
 *      with the fewest edge crossings seen is kept.
 *   4. Coordinates: each rank a row (a column left to right), its boxes side
 *      by side and centred; each edge a polyline through its bend points
 *      (straight across each rank it passes, in the gap its point holds),
 *      ending in an arrowhead, with several edges at one box spread along
 *      its side in the order they arrive.
 *
 * Text is measured as monospace (0.6 em a character), so the layout is the
 * same in every viewer and needs no font metrics.
 */
import { RuntimeError } from '../errors.js';

/** One box: its lines of text, the first drawn bold as a heading. */
export interface GraphBox {
  readonly id: string;
  readonly lines: readonly string[];
}

export interface LayeredGraph {
  /** The drawing's title (its SVG <title>). */
  readonly title: string;
  readonly boxes: readonly GraphBox[];
  /** [from id, to id]; repeated edges are drawn once. */
  readonly edges: readonly (readonly [string, string])[];
  /** 'TB': ranks are rows, top to bottom (the default); 'LR': columns, left to right. */
  readonly direction?: 'TB' | 'LR';
}

const FONT_SIZE = 13;
const CHAR_WIDTH = 0.6 * FONT_SIZE;
const LINE_HEIGHT = 18;
const PAD_X = 12;
const PAD_Y = 8;
/** Space between boxes on one rank, between ranks, and around the drawing. */
const GAP_ACROSS = 28;
const GAP_ALONG = 44;
const MARGIN = 16;
const SWEEPS = 8;

/** A box or a bend point, on one rank; `size` is [across, along] (width and height for TB). */
interface Item {
  readonly rank: number;
  readonly size: readonly [number, number];
  /** The box's index, or -1 for a bend point. */
  readonly box: number;
  /** Position of the top-left corner: [across, along]. */
  at: [number, number];
}

/** The SVG drawing of `graph` (see above). Throws a RuntimeError on an unknown id or a cycle: callers pass graphs they built. */
export function layeredGraphSvg(graph: LayeredGraph): string {
  const lr = graph.direction === 'LR';
  const index = new Map(graph.boxes.map((b, i) => [b.id, i]));
  const edges = dedupe(graph.edges.map(([from, to]) => [lookup(index, from), lookup(index, to)] as const));
  const ranks = longestPathRanks(graph.boxes.length, edges);

  // Steps 1 and 2: items on ranks, and each edge as a chain of items.
  const items: Item[] = graph.boxes.map((box, i) => {
    const width = Math.max(...box.lines.map((l) => l.length), 1) * CHAR_WIDTH + 2 * PAD_X;
    const height = box.lines.length * LINE_HEIGHT + 2 * PAD_Y;
    return { rank: ranks[i]!, size: lr ? [height, width] : [width, height], box: i, at: [0, 0] };
  });
  const chains = edges.map(([from, to]) => {
    const chain = [from];
    for (let r = ranks[from]! + 1; r < ranks[to]!; r++) chain.push(items.push({ rank: r, size: [0, 0], box: -1, at: [0, 0] }) - 1);
    chain.push(to);
    return chain;
  });
  const rankCount = Math.max(0, ...ranks) + 1;
  const up: number[][] = items.map(() => []);
  const down: number[][] = items.map(() => []);
  for (const chain of chains) {
    for (let k = 1; k < chain.length; k++) {
      down[chain[k - 1]!]!.push(chain[k]!);
      up[chain[k]!]!.push(chain[k - 1]!);
    }
  }

  // Step 3: order within ranks.
  let order: number[][] = Array.from({ length: rankCount }, () => []);
  items.forEach((item, i) => order[item.rank]!.push(i));
  let best = order.map((r) => [...r]);
  let fewest = crossings(order, down);
  for (let sweep = 0; sweep < SWEEPS && fewest > 0; sweep++) {
    const downward = sweep % 2 === 0;
    const ranksInTurn = downward ? [...order.keys()].slice(1) : [...order.keys()].reverse().slice(1);
    for (const r of ranksInTurn) {
      const neighbourRank = order[downward ? r - 1 : r + 1]!;
      const position = new Map(neighbourRank.map((item, p) => [item, p]));
      const current = order[r]!;
      const barycenter = (item: number, p: number) => {
        const near = (downward ? up : down)[item]!.map((n) => position.get(n)!);
        return near.length === 0 ? p : near.reduce((a, b) => a + b, 0) / near.length;
      };
      const keyed = current.map((item, p) => ({ item, key: barycenter(item, p), p }));
      keyed.sort((a, b) => a.key - b.key || a.p - b.p);
      order[r] = keyed.map((k) => k.item);
    }
    const count = crossings(order, down);
    if (count < fewest) {
      fewest = count;
      best = order.map((r) => [...r]);
    }
  }
  order = best;

  // Step 4: coordinates, [across, along].
  const rankThickness = order.map((r) => Math.max(0, ...r.map((i) => items[i]!.size[1])));
  const rankLength = order.map((r) => r.reduce((sum, i) => sum + items[i]!.size[0], 0) + GAP_ACROSS * Math.max(0, r.length - 1));
  const across = Math.max(0, ...rankLength);
  let along = MARGIN;
  const rankStart: number[] = [];
  order.forEach((r, rank) => {
    rankStart.push(along);
    let offset = MARGIN + (across - rankLength[rank]!) / 2;
    for (const i of r) {
      const item = items[i]!;
      // Centred on the rank's thickness, so that rows of boxes of different heights line up.
      item.at = [offset, along + (rankThickness[rank]! - item.size[1]) / 2];
      offset += item.size[0] + GAP_ACROSS;
    }
    along += rankThickness[rank]! + GAP_ALONG;
  });
  const size: [number, number] = [across + 2 * MARGIN, along - GAP_ALONG + MARGIN];
  const [width, height] = lr ? [size[1], size[0]] : size;
  const xy = (p: readonly [number, number]) => (lr ? [p[1], p[0]] : [p[0], p[1]]).map(round);

  // Ports: where each edge leaves its source and enters its target, spread along the side in order of the far end.
  const centre = (i: number) => items[i]!.at[0] + items[i]!.size[0] / 2;
  const port = (box: number, ends: number[], end: number, side: 'out' | 'in'): [number, number] => {
    const sorted = [...ends].sort((a, b) => centre(a) - centre(b));
    const item = items[box]!;
    const share = (sorted.indexOf(end) + 1) / (sorted.length + 1);
    return [item.at[0] + item.size[0] * share, side === 'out' ? item.at[1] + item.size[1] : item.at[1]];
  };
  const paths = chains.map((chain) => {
    const first = chain[0]!;
    const last = chain[chain.length - 1]!;
    const points: [number, number][] = [port(first, down[first]!, chain[1]!, 'out')];
    // Through each rank it crosses, the edge runs straight along the gap its bend point holds, clear of the boxes.
    for (const bend of chain.slice(1, -1)) {
      const rank = items[bend]!.rank;
      points.push([centre(bend), rankStart[rank]!], [centre(bend), rankStart[rank]! + rankThickness[rank]!]);
    }
    points.push(port(last, up[last]!, chain[chain.length - 2]!, 'in'));
    const d = points.map((p, k) => `${k === 0 ? 'M' : 'L'}${xy(p).join(' ')}`).join(' ');
    return `<path class="edge" data-from="${escapeXml(graph.boxes[first]!.id)}" data-to="${escapeXml(graph.boxes[last]!.id)}" d="${d}" marker-end="url(#arrow)"/>`;
  });

  const boxes = graph.boxes.map((box, i) => {
    const item = items[i]!;
    const [x, y] = xy(item.at);
    const [w, h] = lr ? [item.size[1], item.size[0]] : item.size;
    const texts = box.lines.map((line, k) => {
      const weight = k === 0 ? ' font-weight="bold"' : '';
      return `<text x="${round(x! + w / 2)}" y="${round(y! + PAD_Y + LINE_HEIGHT * k + FONT_SIZE)}" text-anchor="middle"${weight}>${escapeXml(line)}</text>`;
    });
    return `<g class="box" data-id="${escapeXml(box.id)}"><rect x="${x}" y="${y}" width="${round(w)}" height="${round(h)}" rx="4" fill="#ffffff" stroke="#333333"/>${texts.join('')}</g>`;
  });

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${round(width)}" height="${round(height)}" viewBox="0 0 ${round(width)} ${round(height)}" font-family="monospace" font-size="${FONT_SIZE}">`,
    `<title>${escapeXml(graph.title)}</title>`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="#333333"/></marker></defs>',
    '<rect width="100%" height="100%" fill="#ffffff"/>',
    `<g fill="none" stroke="#333333" stroke-width="1.2">${paths.join('')}</g>`,
    ...boxes,
    '</svg>',
  ].join('\n');
}

function lookup(index: ReadonlyMap<string, number>, id: string): number {
  const i = index.get(id);
  if (i === undefined) throw new RuntimeError(`layeredGraphSvg: an edge names box "${id}", which is not in the graph`);
  return i;
}

function dedupe(edges: readonly (readonly [number, number])[]): (readonly [number, number])[] {
  const seen = new Set<string>();
  return edges.filter(([a, b]) => {
    const key = `${a}>${b}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** rank(v) = 0 without incoming edges, else 1 + max rank(u) over edges u → v; boxes taken in topological order (Kahn). */
function longestPathRanks(count: number, edges: readonly (readonly [number, number])[]): number[] {
  const ranks = new Array<number>(count).fill(0);
  const waiting = new Array<number>(count).fill(0);
  const next: number[][] = Array.from({ length: count }, () => []);
  for (const [a, b] of edges) {
    waiting[b]!++;
    next[a]!.push(b);
  }
  const ready = [...ranks.keys()].filter((i) => waiting[i] === 0);
  for (let k = 0; k < ready.length; k++) {
    const a = ready[k]!;
    for (const b of next[a]!) {
      ranks[b] = Math.max(ranks[b]!, ranks[a]! + 1);
      if (--waiting[b]! === 0) ready.push(b);
    }
  }
  if (ready.length !== count) throw new RuntimeError('layeredGraphSvg: the edges form a cycle');
  return ranks;
}

/** The number of pairs of edges that cross between adjacent ranks, for this order. */
function crossings(order: readonly (readonly number[])[], down: readonly (readonly number[])[]): number {
  let count = 0;
  for (let r = 0; r + 1 < order.length; r++) {
    const below = new Map(order[r + 1]!.map((item, p) => [item, p]));
    const segments = order[r]!.flatMap((item, p) => down[item]!.filter((n) => below.has(n)).map((n) => [p, below.get(n)!] as const));
    for (let i = 0; i < segments.length; i++) {
      for (let j = i + 1; j < segments.length; j++) {
        const [a1, b1] = segments[i]!;
        const [a2, b2] = segments[j]!;
        if ((a1 - a2) * (b1 - b2) < 0) count++;
      }
    }
  }
  return count;
}

const round = (v: number) => Math.round(v * 10) / 10;

/** Text safe inside an XML element or a double-quoted attribute. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
