// Where an export writes: into a temporary name beside the destination, renamed into place only when complete, so a
// failed or cancelled export never leaves a partial file (or folder) under the name the user chose.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { CotscopeError } from '../errors.ts';

/** The destination checked and a temporary sibling to write to. */
export interface Staged {
  /** The destination, absolute. */
  out: string;
  /** Where the writer writes (same folder, so the final rename is atomic). */
  tmp: string;
  folder: boolean;
}

/** Refuses a destination that cannot be written: its folder is missing, or (`hf`) it is a folder with files in it. */
export function checkDestination(out: string, folder: boolean): string {
  const abs = path.resolve(out);
  const dir = path.dirname(abs);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new CotscopeError(`cannot write ${out}: folder ${dir} does not exist`);
  }
  if (fs.existsSync(abs)) {
    const st = fs.statSync(abs);
    if (folder && (!st.isDirectory() || fs.readdirSync(abs).length > 0)) {
      throw new CotscopeError(`cannot write ${out}: ${abs} exists and is not an empty folder (a dataset folder is written anew)`);
    }
    if (!folder && st.isDirectory()) throw new CotscopeError(`cannot write ${out}: ${abs} is a folder; give a file name`);
  }
  return abs;
}

export function stage(out: string, folder: boolean): Staged {
  const abs = checkDestination(out, folder);
  const dir = path.dirname(abs);
  const tmp = path.join(dir, `.${path.basename(abs)}.partial-${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
  if (folder) fs.mkdirSync(tmp);
  return { out: abs, tmp, folder };
}

/** Moves a finished export into place (replacing a file of that name, or an empty folder). */
export function commit(s: Staged): void {
  if (s.folder && fs.existsSync(s.out)) fs.rmdirSync(s.out);
  fs.renameSync(s.tmp, s.out);
}

export function discard(s: Staged): void {
  fs.rmSync(s.tmp, { recursive: true, force: true });
}

/** Writes a small file atomically (a temporary name, then a rename). */
export function writeFileAtomic(file: string, text: string): void {
  const tmp = `${file}.partial-${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
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
