/**
 * Reading an HDF5 file held in memory: the superblock (versions 0-3), then
 * groups, datasets and attributes on demand.
 *
 *     const file = Hdf5File.open(bytes, 'model.weights.h5');
 *     const kernel = file.root.get('layers/dense/vars/0');   // an Hdf5Dataset
 *     const { shape, dtype, data } = await kernel.read();
 *     file.root.attributes().get('model_config')?.data        // ['{"class_name": …}']
 *
 * Groups are read in both styles: old (a symbol table: B-tree v1, symbol
 * table nodes and a local heap) and new (link messages in the object header,
 * or, for many links, a fractal heap indexed by a B-tree v2). Only structure
 * and attributes are read synchronously; a dataset's data is read by the
 * asynchronous `read()`, since inflating gzip chunks goes through the
 * platform's DecompressionStream.
 */
import { describeValue, ValueError } from '../../../errors.js';
import { ByteView, checkFileArguments } from '../bytes.js';
import { walkBTree2, walkGroupBTree } from './btree.js';
import { DEFAULT_HDF5_LIMITS, Hdf5Context, type Hdf5Limits } from './context.js';
import { dtypeName, elementCount, elementSize, parseDataspace, parseDatatype, type Datatype } from './datatype.js';
import { FractalHeap, GlobalHeaps, localHeapData } from './heaps.js';
import { parseLink, readSymbolNode, type Link } from './links.js';
import { MSG, readObjectHeader, refuseShared, type Message } from './object-header.js';
import { parseFilters, type Filter } from './filters.js';
import { parseLayout, readStorage, type Layout } from './storage.js';
import { decodeValues, parseAttribute, type Hdf5Array } from './values.js';

export type { Hdf5Array } from './values.js';

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

export class Hdf5File {
  readonly root: Hdf5Group;
  readonly superblockVersion: number;
  /** @internal */
  readonly ctx: Hdf5Context;
  /** @internal */
  readonly globalHeaps: GlobalHeaps;

  private constructor(ctx: Hdf5Context, superblockVersion: number, rootAddress: number) {
    this.ctx = ctx;
    this.superblockVersion = superblockVersion;
    this.globalHeaps = new GlobalHeaps(ctx);
    this.root = new Hdf5Group(this, '/', rootAddress, 0);
  }

  /** Parses the superblock of `bytes`; `fileName` names the file in every error. */
  static open(bytes: Uint8Array, fileName: string, limits: Partial<Hdf5Limits> = {}): Hdf5File {
    checkFileArguments(bytes, fileName, 'Hdf5File.open');
    const view = new ByteView(bytes, fileName);
    const fullLimits = { ...DEFAULT_HDF5_LIMITS, ...limits };
    // The superblock is at byte 0, 512, 1024, 2048, … (a user block may come first).
    let at = -1;
    for (let offset = 0; offset + 8 <= bytes.length; offset = offset === 0 ? 512 : offset * 2) {
      if (SIGNATURE.every((byte, i) => bytes[offset + i] === byte)) {
        at = offset;
        break;
      }
    }
    const fail = (message: string): never => new Hdf5Context(view, 8, 8, 0, fullLimits).fail(message);
    if (at < 0) fail('is not an HDF5 file (no HDF5 signature at byte 0, 512, 1024, …).');
    const what = 'the superblock';
    const version = view.u8(at + 8, what);
    if (version === 0 || version === 1) {
      const sizeOfOffsets = view.u8(at + 13, what);
      const sizeOfLengths = view.u8(at + 14, what);
      checkSizes(sizeOfOffsets, sizeOfLengths, fail);
      let p = at + 24 + (version === 1 ? 4 : 0);
      const base = view.uint(p, sizeOfOffsets, what);
      const ctx = new Hdf5Context(view, sizeOfOffsets, sizeOfLengths, base === -1 ? 0 : base, fullLimits);
      p += 4 * sizeOfOffsets; // base, free-space, end-of-file and driver-info addresses
      const rootAddress = ctx.address(p + sizeOfOffsets, 'the root group entry of the superblock');
      return new Hdf5File(ctx, version, rootAddress);
    }
    if (version === 2 || version === 3) {
      const sizeOfOffsets = view.u8(at + 9, what);
      const sizeOfLengths = view.u8(at + 10, what);
      checkSizes(sizeOfOffsets, sizeOfLengths, fail);
      const base = view.uint(at + 12, sizeOfOffsets, what);
      const ctx = new Hdf5Context(view, sizeOfOffsets, sizeOfLengths, base === -1 ? 0 : base, fullLimits);
      const rootAddress = ctx.address(at + 12 + 3 * sizeOfOffsets, what);
      ctx.verifyChecksum(at, at + 12 + 4 * sizeOfOffsets, what);
      return new Hdf5File(ctx, version, rootAddress);
    }
    return fail(`has superblock version ${version}; expected 0 to 3.`);
  }
}

function checkSizes(offsets: number, lengths: number, fail: (message: string) => never): void {
  for (const [name, size] of [['offsets', offsets], ['lengths', lengths]] as const) {
    if (![2, 4, 8].includes(size)) fail(`declares a size of ${name} of ${size} bytes; expected 2, 4 or 8.`);
  }
}

/** Shared by groups and datasets: the object header, its attributes. */
abstract class Hdf5Object {
  private messageList: Message[] | null = null;

  constructor(
    /** @internal */ readonly file: Hdf5File,
    /** The path from the root, like '/layers/dense/vars/0'. */
    readonly path: string,
    /** @internal */ readonly address: number,
    /** @internal */ readonly depth: number,
  ) {}

  /** @internal */
  messages(): Message[] {
    this.messageList ??= readObjectHeader(this.file.ctx, this.address, `'${this.path}'`);
    return this.messageList;
  }

  /** Every attribute, by name, in the order stored. */
  attributes(): Map<string, Hdf5Array> {
    const ctx = this.file.ctx;
    const where = `'${this.path}'`;
    const result = new Map<string, Hdf5Array>();
    for (const message of this.messages()) {
      if (message.type === MSG.attribute) {
        const [name, value] = parseAttribute(ctx, this.file.globalHeaps, ctx.view.slice(message.offset, message.size, where), where);
        result.set(name, value);
      } else if (message.type === MSG.attributeInfo) {
        const p = message.offset + 2 + ((ctx.view.u8(message.offset + 1, where) & 0x01) !== 0 ? 2 : 0);
        const heapAddress = ctx.address(p, where);
        const indexAddress = ctx.address(p + ctx.sizeOfOffsets, where);
        if (heapAddress === -1 || indexAddress === -1) continue;
        const heap = new FractalHeap(ctx, heapAddress, `the attributes of ${where}`);
        walkBTree2(ctx, indexAddress, 8, `the attributes of ${where}`, (record) => {
          const bytes = heap.object(ctx.view.slice(record, 8, where));
          const [name, value] = parseAttribute(ctx, this.file.globalHeaps, bytes, where);
          result.set(name, value);
        });
      }
    }
    return result;
  }
}

export class Hdf5Group extends Hdf5Object {
  private linkList: Link[] | null = null;
  private linksByName: Map<string, Link> | null = null;

  /** The names of the members, as h5py lists them: by name, or in creation order where the group tracks it. */
  keys(): string[] {
    return this.links().map((link) => link.name);
  }

  /** What the member `name` is: a hard link (a group or dataset), or a soft or external link with its target path (not followed). */
  linkKind(name: string): { kind: 'hard' } | { kind: 'soft' | 'external'; target: string } | null {
    const link = this.link(name);
    if (link === undefined) return null;
    return link.kind === 'hard' ? { kind: 'hard' } : { kind: link.kind, target: link.target };
  }

  /** The member at `path` (names separated by '/', relative to this group). */
  get(path: string): Hdf5Group | Hdf5Dataset {
    checkPath(path, 'get');
    let current: Hdf5Group | Hdf5Dataset = this;
    for (const name of path.split('/').filter((part) => part !== '')) {
      if (!(current instanceof Hdf5Group)) this.file.ctx.fail(`'${current.path}' is a dataset, so it has no member '${name}' (looking up '${path}').`);
      current = current.child(name, path);
    }
    return current;
  }

  /** The member at `path`, or null when some name along it is missing. */
  find(path: string): Hdf5Group | Hdf5Dataset | null {
    checkPath(path, 'find');
    let current: Hdf5Group | Hdf5Dataset = this;
    for (const name of path.split('/').filter((part) => part !== '')) {
      if (!(current instanceof Hdf5Group) || current.link(name) === undefined) return null;
      current = current.child(name, path);
    }
    return current;
  }

  private child(name: string, path: string): Hdf5Group | Hdf5Dataset {
    const ctx = this.file.ctx;
    const link = this.link(name);
    const childPath = this.path === '/' ? `/${name}` : `${this.path}/${name}`;
    if (link === undefined) return ctx.fail(`'${this.path}' has no member '${name}' (looking up '${path}'). Members: ${this.keys().slice(0, 20).join(', ') || 'none'}.`);
    if (link.kind !== 'hard') return ctx.fail(`'${childPath}' is a ${link.kind} link to '${link.target}', which is not supported; only hard links are followed.`);
    if (this.depth + 1 > ctx.limits.maxDepth) ctx.fail(`'${childPath}' is nested more than ${ctx.limits.maxDepth} groups deep (a cycle?).`);
    const messages = readObjectHeader(ctx, link.address, `'${childPath}'`);
    if (messages.some((m) => m.type === MSG.layout)) return new Hdf5Dataset(this.file, childPath, link.address, this.depth + 1);
    if (messages.some((m) => m.type === MSG.symbolTable || m.type === MSG.linkInfo || m.type === MSG.link)) {
      return new Hdf5Group(this.file, childPath, link.address, this.depth + 1);
    }
    return ctx.fail(`'${childPath}' is neither a group nor a dataset (a committed datatype?), which is not supported.`);
  }

  private link(name: string): Link | undefined {
    this.linksByName ??= new Map(this.links().map((link) => [link.name, link]));
    return this.linksByName.get(name);
  }

  /** @internal The group's links, by name or, where the group tracks it, in creation order. */
  links(): Link[] {
    if (this.linkList !== null) return this.linkList;
    const ctx = this.file.ctx;
    const where = `the group '${this.path}'`;
    const links: Link[] = [];
    let creationOrdered = false;
    for (const message of this.messages()) {
      if (message.type === MSG.symbolTable) {
        const btree = ctx.address(message.offset, where);
        const heap = localHeapData(ctx, ctx.address(message.offset + ctx.sizeOfOffsets, where), where);
        walkGroupBTree(ctx, btree, where, (node) => readSymbolNode(ctx, node, heap, where, links));
      } else if (message.type === MSG.link) {
        links.push(parseLink(ctx, ctx.view.slice(message.offset, message.size, where), where));
      } else if (message.type === MSG.linkInfo) {
        creationOrdered = (ctx.view.u8(message.offset + 1, where) & 0x01) !== 0;
        const p = message.offset + 2 + (creationOrdered ? 8 : 0);
        const heapAddress = ctx.address(p, where);
        const indexAddress = ctx.address(p + ctx.sizeOfOffsets, where);
        if (heapAddress === -1 || indexAddress === -1) continue;
        const heap = new FractalHeap(ctx, heapAddress, where);
        walkBTree2(ctx, indexAddress, 5, where, (record, size) => {
          links.push(parseLink(ctx, heap.object(ctx.view.slice(record + 4, Math.min(heap.idLength, size - 4), where)), where));
        });
      }
    }
    links.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (let i = 1; i < links.length; i++) if (links[i]!.name === links[i - 1]!.name) ctx.fail(`${where} has two members named '${links[i]!.name}'.`);
    if (creationOrdered) links.sort((a, b) => a.creationOrder - b.creationOrder);
    this.linkList = links;
    return links;
  }
}

export class Hdf5Dataset extends Hdf5Object {
  private info: { type: Datatype; dims: number[]; maxDims: number[]; layout: Layout; filters: Filter[] } | null = null;

  /** @internal */
  describe(): { type: Datatype; dims: number[]; maxDims: number[]; layout: Layout; filters: Filter[] } {
    if (this.info !== null) return this.info;
    const ctx = this.file.ctx;
    const where = `the dataset '${this.path}'`;
    let type: Datatype | null = null;
    let dims: number[] | null = null;
    let maxDims: number[] = [];
    let layoutMessage: Message | null = null;
    let filters: Filter[] = [];
    for (const message of this.messages()) {
      if (message.type === MSG.datatype) {
        refuseShared(ctx, message, where);
        type = parseDatatype(ctx.view, message.offset, message.offset + message.size, where);
      } else if (message.type === MSG.dataspace) {
        refuseShared(ctx, message, where);
        ({ dims, maxDims } = parseDataspace(ctx.view, message.offset, ctx.sizeOfLengths, where));
      } else if (message.type === MSG.layout) layoutMessage = message;
      else if (message.type === MSG.filterPipeline) filters = parseFilters(ctx, message.offset, message.offset + message.size, where);
      else if (message.type === MSG.externalFiles) ctx.fail(`${where} keeps its data in external files, which is not supported.`);
    }
    if (type === null || dims === null || layoutMessage === null) return ctx.fail(`${where} lacks its ${type === null ? 'datatype' : dims === null ? 'dataspace' : 'layout'} message.`);
    const layout = parseLayout(ctx, layoutMessage.offset, layoutMessage.size, dims.length, where);
    this.info = { type, dims, maxDims, layout, filters };
    return this.info;
  }

  get shape(): number[] {
    return [...this.describe().dims];
  }

  get dtype(): string {
    return dtypeName(this.describe().type);
  }

  /** The dataset's values. */
  async read(): Promise<Hdf5Array> {
    const ctx = this.file.ctx;
    const where = `the dataset '${this.path}'`;
    const { type, dims, maxDims, layout, filters } = this.describe();
    const count = elementCount(dims, ctx.limits.maxElements, ctx.fileName, where);
    const size = elementSize(type, ctx.sizeOfOffsets);
    const raw = await readStorage(ctx, layout, filters, { dims, maxDims }, count, size, where);
    return { shape: [...dims], dtype: dtypeName(type), data: decodeValues(ctx, this.file.globalHeaps, raw, type, count, where) };
  }
}

function checkPath(path: unknown, method: string): void {
  if (typeof path !== 'string') throw new ValueError(`Hdf5Group.${method} takes a path like 'layers/dense/vars/0'. Received: path=${describeValue(path)}`);
}

