// Where an export writes: into a temporary name beside the destination, renamed into place only when complete, so a
// failed or cancelled export never leaves a partial file (or folder) under the name the user chose.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { CotscopeError } from '../errors.ts';

/** Where an export goes and what it may replace. */
export interface Destination {
  /** A folder (a Hugging Face dataset): new, or empty. */
  folder: boolean;
  /** An existing file of that name (and its sidecar) may be replaced: the user said so (a save dialog, `--force`). */
  replace: boolean;
  /** The format also writes `<out>.meta.json`. */
  sidecar: boolean;
}

/** The destination checked and a temporary sibling to write to. */
export interface Staged {
  /** The destination, absolute. */
  out: string;
  /** Where the writer writes (same folder, so the final rename is atomic). */
  tmp: string;
  folder: boolean;
  replace: boolean;
}

/**
 * Refuses a destination that cannot be written: its folder is missing, it is a folder with files in it (`hf`), or it
 * is a file (or the sidecar is) that may not be replaced. Never replacing silently is what keeps an export from
 * landing on a file the user did not mean, such as a shell's start-up file.
 */
export function checkDestination(out: string, d: Destination): string {
  const abs = path.resolve(out);
  const dir = path.dirname(abs);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new CotscopeError(`cannot write ${out}: folder ${dir} does not exist`);
  }
  const st = fs.lstatSync(abs, { throwIfNoEntry: false });
  if (st) {
    if (d.folder && (!st.isDirectory() || fs.readdirSync(abs).length > 0)) {
      throw new CotscopeError(`cannot write ${out}: ${abs} exists and is not an empty folder (a dataset folder is written anew)`, 'exists');
    }
    if (!d.folder && st.isDirectory()) throw new CotscopeError(`cannot write ${out}: ${abs} is a folder; give a file name`);
    if (!d.folder && !d.replace) throw new CotscopeError(`${abs} exists: not replaced (choose another name, or --force to replace it)`, 'exists');
  }
  if (d.sidecar && !d.replace && fs.lstatSync(`${abs}.meta.json`, { throwIfNoEntry: false })) {
    throw new CotscopeError(`${abs}.meta.json exists: not replaced (choose another name, or --force to replace it)`, 'exists');
  }
  return abs;
}

export function stage(out: string, d: Destination): Staged {
  const abs = checkDestination(out, d);
  const dir = path.dirname(abs);
  const tmp = path.join(dir, `.${path.basename(abs)}.partial-${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
  if (d.folder) fs.mkdirSync(tmp);
  return { out: abs, tmp, folder: d.folder, replace: d.replace };
}

/**
 * Moves a finished file into place. Unless `replace`, a file that appeared meanwhile is not replaced: the file is
 * linked in under its name (which fails if the name is taken) rather than renamed over it.
 */
export function place(tmp: string, out: string, replace: boolean): void {
  if (replace) return fs.renameSync(tmp, out);
  try {
    fs.linkSync(tmp, out);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new CotscopeError(`${out} appeared while exporting: not replaced`, 'exists');
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw err;
    // A file system without hard links: check, then rename (a narrow window instead of none).
    if (fs.lstatSync(out, { throwIfNoEntry: false })) throw new CotscopeError(`${out} appeared while exporting: not replaced`, 'exists');
    return fs.renameSync(tmp, out);
  }
  fs.unlinkSync(tmp);
}

/** Moves a finished export into place (a file, or a folder onto an empty folder of that name). */
export function commit(s: Staged): void {
  if (!s.folder) return place(s.tmp, s.out, s.replace);
  if (fs.existsSync(s.out)) fs.rmdirSync(s.out); // empty, checked before; rmdir fails on anything else
  fs.renameSync(s.tmp, s.out);
}

export function discard(s: Staged): void {
  fs.rmSync(s.tmp, { recursive: true, force: true });
}

/** Writes a small file atomically (a temporary name, then into place), replacing one of that name only if `replace`. */
export function writeFileAtomic(file: string, text: string, replace = true): void {
  const tmp = `${file}.partial-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  fs.writeFileSync(tmp, text);
  try {
    place(tmp, file, replace);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** A text file written in large chunks, waiting when the disk is slower than the export. */
export class TextSink {
  private readonly stream: fs.WriteStream;
  private buf = '';
  private failed: Error | null = null;

  constructor(file: string) {
    // Opened here, not later by the stream: a failure to create the file is this call's, and a cancel that removes
    // the file right after cannot race the open.
    this.stream = fs.createWriteStream(file, { fd: fs.openSync(file, 'w') });
    this.stream.on('error', (err) => {
      this.failed = err;
    });
  }

  async write(text: string): Promise<void> {
    if (this.failed) throw this.failed;
    this.buf += text;
    if (this.buf.length < 1 << 20) return;
    const chunk = this.buf;
    this.buf = '';
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    if (this.buf) this.stream.write(this.buf);
    this.buf = '';
    this.stream.end();
    await once(this.stream, 'finish');
  }

  destroy(): void {
    this.stream.destroy();
  }
}
