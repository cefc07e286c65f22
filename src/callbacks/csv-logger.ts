/**
 * CSVLogger: one row per epoch in a CSV file, as Keras writes it:
 *
 *     epoch,accuracy,loss,val_accuracy,val_loss
 *     0,0.8255,0.5004,0.8421,0.4377
 *
 * The columns are `epoch` (0-based, as Keras logs it) then the log keys,
 * sorted. With `append`, rows go after an existing file's (and the header is
 * written only if the file was empty), for resumed training.
 *
 * The file is rewritten whole, atomically, after every epoch (a temporary
 * file renamed into place), so a crash mid-write never leaves a torn row.
 * The file system is reached through `writeFile`/`readFile`, which default to
 * Node's (loaded only when first used); in a browser, pass your own.
 */
import { describeValue, RuntimeError, ValueError } from '../errors.js';
import { fileSystemService, type FileSystemService } from '../io/file-system.js';
import { Callback } from './callbacks.js';
import type { Logs } from './logs.js';
import { checkTypedOptions, type OptionKind } from '../utils/options.js';

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
    if (this.text !== '' && !this.text.endsWith('\n')) this.text += '\n';
  }

  override async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    if (this.keys === null) {
      this.keys = Object.keys(logs).sort();
      // Keras writes the header unless it is appending to a file that already has lines.
      if (this.text === '') this.text = ['epoch', ...this.keys].join(this.separator) + '\n';
    }
    const cells = [String(epoch), ...this.keys.map((key) => (key in logs ? String(logs[key]) : 'NA'))];
    this.text += cells.join(this.separator) + '\n';
    await this.writeFile(this.filename, this.text);
  }
}

async function nodeWriteFile(path: string, contents: string): Promise<void> {
  const { writeFileAtomic } = await fileSystem(path);
  await writeFileAtomic(path, contents);
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
