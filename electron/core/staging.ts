// Browser mode's own folder for files that cross the network: uploads (a file the page sends to import) and exports
// (written here, then downloaded by the browser). The page never names a path in it: an upload is `upload:<id>`, a
// download is a random key. The folder is private to the user running the server (0700) and removed when it stops.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { ExportDownload, ExportFormatName } from '../../shared/api.ts';
import { CotscopeError } from './errors.ts';

/** A download stays offered this long after its export ends (or until the server stops). */
export const DOWNLOAD_TTL_MS = 60 * 60 * 1000;
/** An upload nothing imported (an import refused, a dialog closed) is removed after this long. */
export const UPLOAD_TTL_MS = 24 * 60 * 60 * 1000;
/** The default cap on what uploads may hold at once (waiting to be imported, or arriving). */
export const MAX_UPLOAD_BYTES = 16 * 1024 ** 3;
/** An upload is refused if it would leave less than this free on the staging folder's disk. */
const FREE_SPACE_KEPT = 512 * 1024 ** 2;

const UPLOAD_PREFIX = 'upload:';
const EXTENSIONS: Record<ExportFormatName, string> = {
  jsonl: '.jsonl',
  csv: '.csv',
  parquet: '.parquet',
  hf: '-hf',
  prm: '.prm.jsonl',
  pairs: '.pairs.jsonl',
};

export interface Upload {
  /** What the page passes as a path: `upload:<id>`. */
  ref: string;
  /** The file's own name (as the browser gave it, made safe). */
  name: string;
  bytes: number;
}

/** What /download/<key> serves: a file, or a folder sent as a zip of its files. */
export interface Offered {
  file: string;
  name: string;
  folder: boolean;
}

interface Entry extends Offered {
  expires: number;
}

/**
 * A file name from a browser made safe to keep: its last path component, without control characters, never `.`,
 * `..` or empty. The name matters to the importers (`validation_L2…` gives the level), so it is kept where it can be.
 */
export function safeFileName(name: string): string {
  const last = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = last.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 200);
  return clean === '' || clean === '.' || clean === '..' ? 'upload' : clean;
}

export function isUploadRef(p: string): boolean {
  return p.startsWith(UPLOAD_PREFIX);
}

export class Staging {
  private readonly uploads = new Map<string, Upload & { file: string; expires: number }>();
  private readonly downloads = new Map<string, Entry>();
  /** Export job id → its download, once offered. */
  private readonly offered = new Map<string, ExportDownload>();
  private closed = false;
  /** Bytes of uploads still arriving. */
  private arriving = 0;

  private constructor(
    readonly root: string,
    readonly maxUploadBytes: number,
  ) {}

  static create(opts: { parent?: string; maxUploadBytes?: number } = {}): Staging {
    const root = fs.mkdtempSync(path.join(opts.parent ?? os.tmpdir(), 'cotscope-serve-'));
    fs.chmodSync(root, 0o700);
    fs.mkdirSync(path.join(root, 'uploads'));
    fs.mkdirSync(path.join(root, 'exports'));
    return new Staging(root, opts.maxUploadBytes ?? MAX_UPLOAD_BYTES);
  }

  // ---------- uploads ----------

  /**
   * Streams a request body into a new upload. Refuses (and removes what it wrote) past what uploads may hold at once
   * (`maxUploadBytes`, counting those waiting to be imported), when the disk would be nearly full, or when the body
   * ends early; `declared` is the Content-Length when the client sent one.
   */
  async receive(name: string, body: Readable, declared: number | null): Promise<Upload> {
    if (this.closed) throw new CotscopeError('upload: the server is stopping', 'internal');
    this.sweep();
    let kept = this.arriving;
    for (const u of this.uploads.values()) kept += u.bytes;
    const room = this.maxUploadBytes - kept;
    const tooLarge = () =>
      new CotscopeError(
        `upload: more than this server takes (${this.maxUploadBytes} bytes at once` +
          (kept > 0 ? `, of which ${kept} are held by uploads not imported yet` : '') +
          ')',
        'too_large',
      );
    if (declared !== null && declared > room) throw tooLarge();
    if (declared !== null) {
      const fsInfo = fs.statfsSync(this.root);
      const free = fsInfo.bavail * fsInfo.bsize;
      if (declared > free - FREE_SPACE_KEPT) {
        throw new CotscopeError(`upload: ${declared} bytes would nearly fill the server's disk (${free} bytes free)`, 'no_space');
      }
    }
    const id = crypto.randomUUID();
    const dir = path.join(this.root, 'uploads', id);
    fs.mkdirSync(dir);
    const safe = safeFileName(name);
    const file = path.join(dir, safe);
    let bytes = 0;
    const count = new Transform({
      transform: (chunk: Buffer, _enc, done) => {
        bytes += chunk.length;
        this.arriving += chunk.length;
        if (bytes > room) return done(tooLarge());
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, count, fs.createWriteStream(file, { flags: 'wx', mode: 0o600 }));
      if (declared !== null && bytes !== declared) throw new CotscopeError(`upload: the body ended after ${bytes} of ${declared} bytes`, 'invalid');
    } catch (err) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw err instanceof CotscopeError ? err : new CotscopeError(`upload: ${(err as Error).message}`, 'invalid');
    } finally {
      this.arriving -= bytes;
    }
    const upload = { ref: `${UPLOAD_PREFIX}${id}`, name: safe, bytes, file, expires: Date.now() + UPLOAD_TTL_MS };
    this.uploads.set(upload.ref, upload);
    return { ref: upload.ref, name: safe, bytes };
  }

  /** The file behind `upload:<id>`, or a not_found naming the field. Using it keeps it another full term. */
  uploadFile(ref: string, field: string): string {
    const u = this.uploads.get(ref);
    if (!u) throw new CotscopeError(`field \`${field}\`: no upload ${ref} on this server (upload the file again)`, 'not_found');
    u.expires = Date.now() + UPLOAD_TTL_MS;
    return u.file;
  }

  /** Removes an upload once what used it is done with it. */
  release(ref: string): void {
    const u = this.uploads.get(ref);
    if (!u) return;
    this.uploads.delete(ref);
    fs.rmSync(path.dirname(u.file), { recursive: true, force: true });
  }

  /** Shows an upload's own name where its staged path would be (job views, skipped-line reports). */
  unstage(text: string): string {
    const prefix = path.join(this.root, 'uploads') + path.sep;
    if (!text.includes(prefix)) return text;
    return text.split(prefix).map((part, i) => (i === 0 ? part : part.replace(/^[0-9a-f-]{36}[\\/]/, ''))).join('');
  }

  // ---------- exports as downloads ----------

  /** A fresh place for one export, named as the download will be. */
  exportTarget(format: ExportFormatName, now = new Date()): string {
    const dir = path.join(this.root, 'exports', crypto.randomUUID());
    fs.mkdirSync(dir);
    const stamp = now.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
    return path.join(dir, `cotscope-export-${stamp}${EXTENSIONS[format]}`);
  }

  /** Whether `out` is one of this staging folder's export targets. */
  isExportTarget(out: string): boolean {
    return path.dirname(path.dirname(out)) === path.join(this.root, 'exports');
  }

  /** The download of a finished export (offered once per job; later calls return the same keys). */
  offer(jobId: string, out: string, meta: string | null, folder: boolean): ExportDownload {
    const known = this.offered.get(jobId);
    if (known) return known;
    const expires = Date.now() + DOWNLOAD_TTL_MS;
    const add = (file: string, name: string, isFolder: boolean) => {
      const key = crypto.randomBytes(32).toString('hex');
      this.downloads.set(key, { file, name, folder: isFolder, expires });
      return `download/${key}`;
    };
    const name = path.basename(out) + (folder ? '.zip' : '');
    const download: ExportDownload = {
      name,
      url: add(out, name, folder),
      meta: meta ? { name: path.basename(meta), url: add(meta, path.basename(meta), false) } : null,
    };
    this.offered.set(jobId, download);
    return download;
  }

  /** What a download key serves, or null (unknown, expired: its files are removed then). */
  download(key: string): Offered | null {
    this.sweep();
    const e = this.downloads.get(key);
    return e ? { file: e.file, name: e.name, folder: e.folder } : null;
  }

  /** Forgets expired downloads and uploads and removes their files. */
  sweep(now = Date.now()): void {
    for (const [ref, u] of this.uploads) if (u.expires <= now) this.release(ref);
    for (const [key, e] of this.downloads) {
      if (e.expires > now) continue;
      this.downloads.delete(key);
      if (![...this.downloads.values()].some((o) => path.dirname(o.file) === path.dirname(e.file))) {
        fs.rmSync(path.dirname(e.file), { recursive: true, force: true });
      }
    }
  }

  /** Removes everything (the server stops). */
  close(): void {
    this.closed = true;
    this.uploads.clear();
    this.downloads.clear();
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
