/**
 * Writing the subset of HDF5 a Keras weights file needs, in the layout that
 * libhdf5 1.8+ (so h5py and Keras) reads: superblock version 2, version-2
 * object headers with checksums, groups whose links are messages of their
 * header (new-style compact groups), contiguous datasets of numbers, and
 * attributes that are numbers, a variable-length UTF-8 string (as h5py
 * writes a Python `str`) or a 1-D array of them. The strings' bytes go into
 * global heap collections written first; each object is written after its
 * members, so every address is known when the header pointing to it is.
 *
 *     const bytes = writeHdf5({ kind: 'group', members: {
 *       vars: { kind: 'group', attributes: { name: 'dense' }, members: {
 *         '0': { kind: 'dataset', shape: [4, 3], data: kernel } } } } });
 */
import { describeValue, ValueError } from '../../../errors.js';
import { ByteWriter } from '../bytes.js';
import { lookup3 } from './checksum.js';

export type WritableArray = Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | BigInt64Array | BigUint64Array;

/** An attribute value: a string, a list of strings, or numbers with a shape ([] for a scalar). */
export type AttributeValue = string | string[] | { shape: number[]; data: WritableArray };

export interface WritableDataset {
  kind: 'dataset';
  shape: number[];
  /** The values, row-major; the typed array's type is the dataset's dtype. */
  data: WritableArray;
  attributes?: Record<string, AttributeValue>;
}

export interface WritableGroup {
  kind: 'group';
  members: Record<string, WritableGroup | WritableDataset>;
  attributes?: Record<string, AttributeValue>;
}

const UNDEFINED = -1;
const OFFSET_SIZE = 8;
const COLLECTION_MIN = 4096;

/** An HDF5 file holding `root` as its root group. */
export function writeHdf5(root: WritableGroup): Uint8Array {
  const out = new ByteWriter();
  out.bytes(new Uint8Array(48)); // the superblock, filled in last
  const strings = new StringHeap(out);
  strings.collect(root, '/');
  strings.write();
  const rootAddress = writeGroup(out, strings, root, '/', 0);
  const end = out.length;
  const superblock = new ByteWriter();
  superblock.bytes(new Uint8Array([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]));
  superblock.u8(2).u8(OFFSET_SIZE).u8(8).u8(0);
  superblock.u64(0).u64(UNDEFINED).u64(end).u64(rootAddress);
  superblock.u32(lookup3(superblock.written()));
  const bytes = out.toBytes();
  bytes.set(superblock.written(), 0);
  return bytes;
}

function checkName(name: string, path: string): void {
  if (name === '' || name.includes('/') || name === '.' || name.includes('\0')) {
    throw new ValueError(`HDF5 member names cannot be empty, '.', or contain '/' or NUL. Received: name=${JSON.stringify(name)} in '${path}'.`);
  }
}

function writeGroup(out: ByteWriter, strings: StringHeap, group: WritableGroup, path: string, depth: number): number {
  if (typeof group?.members !== 'object' || group.members === null) throw new ValueError(`The group '${path}' needs members (an object of name → group or dataset). Received: ${describeValue(group)}`);
  if (depth > 64) throw new ValueError(`HDF5 groups nest at most 64 deep here. Received: '${path}'.`);
  const links: Array<[string, number]> = [];
  for (const [name, member] of Object.entries(group.members)) {
    checkName(name, path);
    const childPath = path === '/' ? `/${name}` : `${path}/${name}`;
    links.push([name, member?.kind === 'group' ? writeGroup(out, strings, member, childPath, depth + 1) : writeDataset(out, strings, member, childPath)]);
  }
  const messages: Message[] = [
    // Link info: no creation order, no dense storage (both addresses undefined).
    { type: 0x02, flags: 0, body: new ByteWriter().u8(0).u8(0).u64(UNDEFINED).u64(UNDEFINED).toBytes() },
    { type: 0x0a, flags: 0x01, body: new Uint8Array(2) }, // group info: defaults
  ];
  for (const [name, address] of links) messages.push({ type: 0x06, flags: 0, body: linkMessage(name, address) });
  messages.push(...attributeMessages(strings, group.attributes, path));
  return writeObjectHeader(out, messages);
}

/** Throws unless `shape` is a list of sizes and `data` a typed array of that many numbers. */
function checkArray(shape: unknown, data: unknown, where: string): void {
  if (!Array.isArray(shape) || !shape.every((dim) => Number.isSafeInteger(dim) && dim >= 0)) {
    throw new ValueError(`The shape of ${where} must be a list of non-negative integers. Received: shape=${describeValue(shape)}`);
  }
  const count = shape.reduce((a: number, b: number) => a * b, 1);
  if (!ArrayBuffer.isView(data) || data instanceof DataView || (data as WritableArray).length !== count) {
    throw new ValueError(`${where} needs a typed array of ${count} values for shape [${shape.join(', ')}]. Received: data=${describeValue(data)}`);
  }
}

function writeDataset(out: ByteWriter, strings: StringHeap, dataset: WritableDataset, path: string): number {
  checkArray(dataset?.shape, dataset?.data, `the dataset '${path}'`);
  const type = numericType(dataset.data, path);
  const raw = new Uint8Array(dataset.data.buffer, dataset.data.byteOffset, dataset.data.byteLength);
  const dataAddress = raw.length === 0 ? UNDEFINED : out.length;
  out.bytes(raw);
  const layout = new ByteWriter().u8(3).u8(1).u64(dataAddress).u64(raw.length).toBytes();
  return writeObjectHeader(out, [
    { type: 0x01, flags: 0, body: dataspace(dataset.shape) },
    { type: 0x03, flags: 0x01, body: type },
    { type: 0x05, flags: 0x01, body: new Uint8Array([3, 0x0a]) }, // fill value v3: allocated late, written if set, none set
    { type: 0x08, flags: 0, body: layout },
    ...attributeMessages(strings, dataset.attributes, path),
  ]);
}

interface Message {
  type: number;
  flags: number;
  body: Uint8Array;
}

/** A version-2 object header with one chunk (a 4-byte chunk size) and its checksum; returns its address. */
function writeObjectHeader(out: ByteWriter, messages: Message[]): number {
  const header = new ByteWriter();
  header.bytes(new Uint8Array([0x4f, 0x48, 0x44, 0x52])).u8(2).u8(0x02);
  const size = messages.reduce((sum, message) => sum + 4 + message.body.length, 0);
  header.u32(size);
  for (const message of messages) {
    if (message.body.length > 0xffff) throw new ValueError(`An HDF5 header message is limited to 65535 bytes; this one has ${message.body.length} (an attribute too large?).`);
    header.u8(message.type).u16(message.body.length).u8(message.flags).bytes(message.body);
  }
  header.u32(lookup3(header.written()));
  const address = out.length;
  out.bytes(header.written());
  return address;
}

function linkMessage(name: string, address: number): Uint8Array {
  const bytes = new TextEncoder().encode(name);
  const ascii = bytes.length === name.length;
  const lengthSize = bytes.length < 0x100 ? 0 : 1;
  // Flags: the size of the name-length field, and whether a charset byte (UTF-8) follows.
  const message = new ByteWriter().u8(1).u8(lengthSize | (ascii ? 0 : 0x10));
  if (!ascii) message.u8(1);
  if (lengthSize === 0) message.u8(bytes.length);
  else message.u16(bytes.length);
  return message.bytes(bytes).u64(address).toBytes();
}

/** A version-2 dataspace: scalar for [], simple otherwise, without maximum dimensions. */
function dataspace(shape: number[]): Uint8Array {
  const message = new ByteWriter().u8(2).u8(shape.length).u8(0).u8(shape.length === 0 ? 0 : 1);
  for (const dim of shape) message.u64(dim);
  return message.toBytes();
}

/** The datatype message of a typed array's element type (little-endian). */
function numericType(data: WritableArray, path: string): Uint8Array {
  const message = new ByteWriter();
  if (data instanceof Float32Array || data instanceof Float64Array) {
    const double = data instanceof Float64Array;
    // Class 1 (float), version 1; IEEE with an implied leading mantissa bit; sign bit at the top.
    message.u8(0x11).u8(0x20).u8(double ? 63 : 31).u8(0).u32(double ? 8 : 4);
    message.u16(0).u16(double ? 64 : 32).u8(double ? 52 : 23).u8(double ? 11 : 8).u8(0).u8(double ? 52 : 23).u32(double ? 1023 : 127);
    return message.toBytes();
  }
  const signed = data instanceof Int8Array || data instanceof Int16Array || data instanceof Int32Array || data instanceof BigInt64Array;
  const size = data.BYTES_PER_ELEMENT;
  if (!(data instanceof Uint8Array || data instanceof Uint16Array || data instanceof Uint32Array || data instanceof BigUint64Array || signed)) {
    throw new ValueError(`The data of '${path}' must be a typed array of numbers.`);
  }
  return message.u8(0x10).u8(signed ? 0x08 : 0).u8(0).u8(0).u32(size).u16(0).u16(size * 8).toBytes();
}

/** A variable-length UTF-8 string type, as h5py writes `str`: its base type is one unsigned byte. */
function vlenStringType(): Uint8Array {
  return new ByteWriter().u8(0x19).u8(0x01).u8(0x01).u8(0).u32(4 + OFFSET_SIZE + 4).u8(0x10).u8(0).u8(0).u8(0).u32(1).u16(0).u16(8).toBytes();
}

function attributeMessages(strings: StringHeap, attributes: Record<string, AttributeValue> | undefined, path: string): Message[] {
  const messages: Message[] = [];
  for (const [name, value] of Object.entries(attributes ?? {})) {
    const nameBytes = new TextEncoder().encode(`${name}\0`);
    let type: Uint8Array;
    let space: Uint8Array;
    let data: Uint8Array;
    if (typeof value === 'string' || Array.isArray(value)) {
      const list = typeof value === 'string' ? [value] : value;
      type = vlenStringType();
      space = dataspace(typeof value === 'string' ? [] : [list.length]);
      const body = new ByteWriter();
      for (const text of list) {
        const [collection, index, length] = strings.locate(text);
        body.u32(length).u64(collection).u32(index);
      }
      data = body.toBytes();
    } else {
      checkArray(value?.shape, value?.data, `the attribute '${name}' of '${path}'`);
      type = numericType(value.data, `${path} @${name}`);
      space = dataspace(value.shape);
      data = new Uint8Array(value.data.buffer, value.data.byteOffset, value.data.byteLength);
    }
    const body = new ByteWriter().u8(3).u8(0).u16(nameBytes.length).u16(type.length).u16(space.length).u8(1);
    body.bytes(nameBytes).bytes(type).bytes(space).bytes(data);
    messages.push({ type: 0x0c, flags: 0, body: body.toBytes() });
  }
  return messages;
}

/** The file's variable-length strings, packed into global heap collections ("GCOL") before any object. */
class StringHeap {
  private readonly objects = new Map<string, Uint8Array>();
  private readonly located = new Map<string, [number, number, number]>();

  constructor(private readonly out: ByteWriter) {}

  collect(group: WritableGroup | WritableDataset, path: string): void {
    if (typeof group !== 'object' || group === null) return; // refused with its path when written
    for (const value of Object.values(group.attributes ?? {})) {
      for (const text of typeof value === 'string' ? [value] : Array.isArray(value) ? value : []) {
        if (typeof text !== 'string') throw new ValueError(`String-list attributes of '${path}' must hold only strings.`);
        if (!this.objects.has(text)) this.objects.set(text, new TextEncoder().encode(text));
      }
    }
    if (group.kind === 'group' && typeof group.members === 'object' && group.members !== null) {
      for (const [name, member] of Object.entries(group.members)) this.collect(member, `${path}/${name}`);
    }
  }

  /** Writes the collections: at most 65535 objects each (a 16-bit index), each at least 4096 bytes as libhdf5 expects. */
  write(): void {
    const entries = [...this.objects];
    for (let start = 0; start < entries.length; ) {
      const address = this.out.length;
      const collection = new ByteWriter().bytes(new Uint8Array([0x47, 0x43, 0x4f, 0x4c])).u8(1).u8(0).u8(0).u8(0).u64(0);
      let index = 0;
      for (; start < entries.length && index < 0xffff; start++) {
        const [text, bytes] = entries[start]!;
        index++;
        collection.u16(index).u16(0).u32(0).u64(bytes.length).bytes(bytes).pad(8);
        this.located.set(text, [address, index, bytes.length]);
      }
      // The rest of the collection is free space: an object with index 0 whose size counts its own header.
      const size = Math.max(COLLECTION_MIN, collection.length + 16);
      const free = size - collection.length;
      collection.u16(0).u16(0).u32(0).u64(free);
      while (collection.length < size) collection.u8(0);
      collection.setU64(8, size);
      this.out.bytes(collection.written());
    }
  }

  locate(text: string): [number, number, number] {
    const found = this.located.get(text);
    if (found === undefined) throw new ValueError(`internal: the string ${JSON.stringify(text.slice(0, 40))} was not collected.`);
    return found;
  }
}
