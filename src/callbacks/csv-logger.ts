/**
 * CSVLogger: one row per epoch in a CSV file, byte for byte as Keras writes
 * it with Python's csv module:
 *
 *     epoch,accuracy,loss,val_accuracy,val_loss
 *     0,0.8255208134651184,0.5004123449325562,0.8420833349227905,0.4377220571041107
 *
 * The columns are `epoch` (0-based, as Keras logs it) then the log keys,
 * sorted; when the first epoch has no `val_` key, Keras adds a `val_` column
 * for each key anyway, filled with `NA`. A value is written as Python's
 * `repr` of the float (src/utils/python-format.ts), a cell holding the
 * separator or a quote is quoted, and lines end in `\r\n` (the csv module's
 * "excel" dialect). With `append`, rows go after an existing file's (and
 * the header is written only if the file was empty), for resumed training.
 *
 * The file is rewritten whole, atomically, after every epoch (a temporary
 * file renamed into place), so a crash mid-write never leaves a torn row.
 * The file system is reached through `writeFile`/`readFile`, which default to
 * Node's (loaded only when first used); in a browser, pass your own.
 */
import { describeValue, FileFormatError, RuntimeError, ValueError } from '../errors.js';
import { fileSystemService, type FileSystemService } from '../io/file-system.js';
import { Callback } from './callbacks.js';
import type { Logs } from './logs.js';
import { checkTypedOptions, type OptionKind } from '../utils/options.js';
import { pythonRepr } from '../utils/python-format.js';

/** The csv module's line ending in its default ("excel") dialect. */
const LINE_END = '\r\n';

export interface CsvLoggerArgs {
  /** The cell separator; ',' by default. */
  separator?: string;
  /** Add to an existing file instead of replacing it; false by default. */
  append?: boolean;
  /** Writes the whole file atomically; Node's writeFileAtomic by default. */
  writeFile?: (path: string, contents: string) => Promise<void>;
  /** Reads an existing file for `append`, resolving to null when there is none; Node's by default. */
  readFile?: (path: string) => Promise<string | null>;
}

export class CSVLogger extends Callback {
  readonly filename: string;
  readonly separator: string;
  readonly append: boolean;
  private readonly writeFile: (path: string, contents: string) => Promise<void>;
  private readonly readFile: (path: string) => Promise<string | null>;
  /** The text written so far (the file's whole content). */
  private text = '';
  private keys: string[] | null = null;

  constructor(filename: string, args: CsvLoggerArgs = {}) {
    super();
    if (typeof filename !== 'string' || filename === '') {
      throw new ValueError(`CSVLogger: filename must be a non-empty string, the path of the CSV file. Received: filename=${describeValue(filename)}`);
    }
    checkTypedOptions('CSVLogger', args, { separator: 'string', append: 'boolean', writeFile: 'function', readFile: 'function' } satisfies Record<keyof CsvLoggerArgs, OptionKind>);
    this.filename = filename;
    this.separator = args.separator ?? ',';
    this.append = args.append ?? false;
    this.writeFile = args.writeFile ?? nodeWriteFile;
    this.readFile = args.readFile ?? nodeReadFile;
  }

  override async onTrainBegin(): Promise<void> {
    this.keys = null;
    this.text = this.append ? ((await this.readFile(this.filename)) ?? '') : '';
    if (this.text !== '' && !this.text.endsWith('\n')) this.text += LINE_END;
  }

  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    if (this.keys === null) {
      this.keys = Object.keys(logs).sort();
      // As Keras: without validation logs in the first epoch (validationFreq, or none at all), still give them columns.
      if (this.keys.length > 0 && !this.keys.some((key) => key.startsWith('val_'))) this.keys.push(...this.keys.map((key) => `val_${key}`));
      // Keras writes the header unless it is appending to a file that already has lines.
      if (this.text === '') this.text = csvRow(['epoch', ...this.keys], this.separator);
    }
    const values = this.keys.map((key) => (Object.hasOwn(logs, key) ? pythonRepr(logs[key]!) : 'NA'));
    this.text += csvRow([String(epoch), ...values], this.separator);
    await this.writeFile(this.filename, this.text);
  }
}

/**
 * One line of the file, as the csv module's "excel" dialect writes it: a
 * cell holding the separator, a quote or a line break is put in quotes, its
 * quotes doubled.
 */
function csvRow(cells: readonly string[], separator: string): string {
  const quote = (cell: string) => ((separator !== '' && cell.includes(separator)) || /["\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);
  return cells.map(quote).join(separator) + LINE_END;
}

async function nodeWriteFile(path: string, contents: string): Promise<void> {
  const { writeFileAtomic } = await fileSystem(path);
  try {
    await writeFileAtomic(path, contents);
  } catch (error) {
    // A read-only folder, a full disk: say which file and why, as a tinykeras error (the log as it was stays whole).
    const reason = error instanceof Error ? error.message.slice(0, 200) : String(error).slice(0, 200);
    throw new FileFormatError(path, `CSVLogger: could not write the log ${path}; the file as it was before this epoch is unchanged. Received: ${reason}`, { cause: error });
  }
}

async function nodeReadFile(path: string): Promise<string | null> {
  const { pathKind, readRegularFile } = await fileSystem(path);
  if ((await pathKind(path)) !== 'file') return null;
  // The whole log is rewritten every epoch, so an existing one is read only up to a size that stays practical.
  return new TextDecoder().decode(await readRegularFile(path, { maxBytes: 256 << 20, role: 'CSV log to append to' }));
}

/** The platform's file system; CSVLogger writes a file, which a browser cannot. */
function fileSystem(path: string): Promise<FileSystemService> {
  const service = fileSystemService();
  if (service === null) {
    throw new RuntimeError(`CSVLogger writes a file, which needs Node.js; there is no file system here. Received: filename='${path}'`);
  }
  return service;
}
