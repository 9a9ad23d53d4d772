// Serves a video or image by database id, for both shells: the HTTP route of browser mode and Electron's media://
// protocol. The caller looks the id up (service.mediaFile) and passes the request's Range header; this module checks
// the file is a regular file inside its data root (after resolving symlinks) and answers the range itself, since
// seeking in a <video> needs 206 responses.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';

/** Where a media row points: the file (absolute, or relative to the root) and its dataset's data root. */
export interface MediaFile {
  path: string;
  root: string;
}

export type MediaHeaders = Record<string, string>;

export type MediaResult =
  | {
      status: 200 | 206;
      headers: MediaHeaders;
      /** The file actually read (symlinks resolved). */
      file: string;
      size: number;
      /** First and last byte served, inclusive; end = start - 1 for an empty file. */
      start: number;
      end: number;
      /** A stream of exactly the bytes start..end. Call it at most once, and only if the body is sent. */
      open(): Readable;
    }
  | { status: 403 | 404 | 416; headers: MediaHeaders; message: string };

const CONTENT_TYPES: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.webm': 'video/webm',
  '.mkv': 'video/x-matroska',
  '.mov': 'video/quicktime',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
};

export function mediaContentType(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type ByteRange = { start: number; end: number };

/**
 * Parses a Range header against a representation of `size` bytes (RFC 9110 §14).
 * - `null`: no usable Range (absent, another unit, or malformed) → serve the whole file with 200, as the RFC lets a
 *   server ignore a Range it cannot parse.
 * - `'unsatisfiable'`: well formed, but no range overlaps the file → 416.
 * - a range: the first satisfiable one of the list, end clamped to size - 1. A multi-range request gets that one range
 *   as a plain 206 rather than a multipart/byteranges body: media elements only ever ask for one, and the
 *   Content-Range tells any client exactly which bytes it got.
 */
export function parseRange(header: string | null | undefined, size: number): ByteRange | 'unsatisfiable' | null {
  if (header === null || header === undefined) return null;
  const m = /^\s*bytes\s*=\s*(.*)$/i.exec(header);
  if (!m) return null;
  const specs = m[1].split(',').map((s) => s.trim());
  if (specs.length === 0 || specs.every((s) => s === '')) return null;
  const ranges: (ByteRange | 'unsatisfiable')[] = [];
  for (const spec of specs) {
    if (spec === '') continue; // the grammar tolerates empty list elements
    const r = /^(\d*)\s*-\s*(\d*)$/.exec(spec);
    if (!r || (r[1] === '' && r[2] === '')) return null;
    if (r[1] === '') {
      // suffix: the last n bytes
      const n = Number(r[2]);
      if (n === 0 || size === 0) ranges.push('unsatisfiable');
      else ranges.push({ start: Math.max(0, size - n), end: size - 1 });
      continue;
    }
    const start = Number(r[1]);
    const last = r[2] === '' ? Infinity : Number(r[2]);
    if (last < start) return null; // invalid range-spec: the whole header is ignored
    if (start >= size) ranges.push('unsatisfiable');
    else ranges.push({ start, end: Math.min(last, size - 1) });
  }
  return ranges.find((r): r is ByteRange => r !== 'unsatisfiable') ?? 'unsatisfiable';
}

function refuse(status: 403 | 404 | 416, message: string, headers: MediaHeaders = {}): MediaResult {
  return { status, message, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers } };
}

function isInside(file: string, root: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '' && !rel.startsWith('..' + path.sep) && rel !== '..' && !path.isAbsolute(rel);
}

/** Whether a media file can be served, and if so the real file and its size (checkMediaFile). */
export type MediaCheck =
  | { ok: true; file: string; size: number }
  | { ok: false; status: 403 | 404; message: string };

/**
 * Whether the media server sends this file: it must resolve, after symlinks, to a regular video or image file inside
 * the data root, itself resolved (a data root that is a symlink is fine; a link inside it pointing elsewhere is not).
 * `file` is absolute or relative to `root`; `realRoot` is the root already resolved, when the caller has it. The
 * benchmark importer asks the same question to decide whether a video or image is present, so the two cannot disagree.
 */
export function checkMediaFile(root: string, file: string, realRoot?: string): MediaCheck {
  const no = (status: 403 | 404, message: string): MediaCheck => ({ ok: false, status, message });
  const absRoot = path.resolve(root);
  const wanted = path.resolve(absRoot, file);
  // A path that leaves the root before any symlink is looked at ("../../etc/passwd") is refused outright, whether or
  // not the target exists, so probing tells nothing.
  if (!isInside(wanted, absRoot)) return no(403, 'media path is outside its data root');
  try {
    realRoot ??= fs.realpathSync.native(absRoot);
  } catch {
    return no(404, 'data root not found');
  }
  let realFile: string;
  try {
    realFile = fs.realpathSync.native(wanted);
  } catch {
    return no(404, 'media file not found');
  }
  if (!isInside(realFile, realRoot)) return no(403, 'media path is outside its data root');
  let stat: fs.Stats;
  try {
    stat = fs.statSync(realFile);
  } catch {
    return no(404, 'media file not found');
  }
  if (stat.isDirectory()) return no(404, 'media file not found');
  if (!stat.isFile()) return no(403, 'media path is not a regular file');
  // Only videos and images, by the real file's extension: a data root also holds annotation files, and a data root
  // may be any folder the server allows, so a media row must not turn into a way to read whatever lies there.
  if (!Object.hasOwn(CONTENT_TYPES, path.extname(realFile).toLowerCase())) return no(403, 'media path is not a video or image');
  return { ok: true, file: realFile, size: stat.size };
}

/**
 * Resolves a media row and a Range header to what to send. `media` is what service.mediaFile(id) returned (null: no
 * such id); the file must pass checkMediaFile.
 */
export async function resolveMedia(media: MediaFile | null, rangeHeader?: string | null): Promise<MediaResult> {
  if (!media || !media.root) return refuse(404, 'no such media');
  const check = checkMediaFile(media.root, media.path);
  if (!check.ok) return refuse(check.status, check.message);
  const realFile = check.file;

  const size = check.size;
  const range = parseRange(rangeHeader, size);
  const base: MediaHeaders = { 'Content-Type': mediaContentType(realFile), 'Accept-Ranges': 'bytes' };
  if (range === 'unsatisfiable') return refuse(416, 'range not satisfiable', { 'Accept-Ranges': 'bytes', 'Content-Range': `bytes */${size}` });
  const { start, end } = range ?? { start: 0, end: size - 1 };
  const length = end - start + 1;
  const headers: MediaHeaders = { ...base, 'Content-Length': String(length) };
  if (range) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
  return {
    status: range ? 206 : 200,
    headers,
    file: realFile,
    size,
    start,
    end,
    open: () => (length === 0 ? Readable.from([]) : fs.createReadStream(realFile, { start, end })),
  };
}
