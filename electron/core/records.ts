// Streaming readers for record files: JSONL (one record a line) and JSON documents holding an array of records
// (a top-level array, as EgoPlan publishes, or the `results` array of GRPO-CARE / Video-R1). Both yield the raw
// text of each record with its line number, in batches, so memory stays bounded by the batch, not the file, and
// malformed records can be reported by line while the rest imports.
import fs from 'node:fs';
import { isAscii, isUtf8 } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';
import { CotscopeError } from './errors.ts';

export interface RecordText {
  /** 1-based line where the record starts. */
  line: number;
  /** The record's text; bytes that are not UTF-8 read as U+FFFD. */
  text: string;
  /**
   * Set when the record holds bytes that are not UTF-8: the offset in the file (from 0, as `xxd` and Python count) of
   * the first such byte. Importers skip the record and report it rather than import text with U+FFFD in it.
   */
  invalidUtf8?: number;
}

/**
 * Whether `file` is a file an importer can read: its size, or what is wrong in a few words — a folder, a missing path,
 * a device or pipe (read once and gone, so neither hashed nor re-read), or one the user may not read.
 */
export function inputFileProblem(file: string): { size: number } | { problem: string } {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (err) {
    return { problem: (err as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : 'no such file' };
  }
  if (st.isDirectory()) return { problem: 'is a folder, not a file' };
  if (!st.isFile()) return { problem: 'not a regular file (a device, pipe or socket)' };
  try {
    fs.closeSync(fs.openSync(file, 'r'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { problem: code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (err as Error).message };
  }
  return { size: st.size };
}

/** The file's size, or an error naming it: `<file>: is a folder, not a file` (see inputFileProblem). */
export function checkInputFile(file: string): number {
  const r = inputFileProblem(file);
  if ('problem' in r) throw new CotscopeError(`${file}: ${r.problem}`);
  return r.size;
}

/**
 * The index of the first byte of `bytes[from, to)` that does not begin a well-formed UTF-8 character (RFC 3629: no
 * overlong forms, no surrogates, nothing past U+10FFFF, no character cut off by `to`), or -1 when all are well formed.
 * Only called where node:buffer's isUtf8 already said no, to say where.
 */
export function firstInvalidUtf8(bytes: Uint8Array, from = 0, to = bytes.length): number {
  let i = from;
  while (i < to) {
    const c = bytes[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    // Continuation bytes after the lead, and the range the first of them must lie in.
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c === 0xe0) (n = 2), (lo = 0xa0);
    else if (c === 0xed) (n = 2), (hi = 0x9f);
    else if (c >= 0xe1 && c <= 0xef) n = 2;
    else if (c === 0xf0) (n = 3), (lo = 0x90);
    else if (c >= 0xf1 && c <= 0xf3) n = 3;
    else if (c === 0xf4) (n = 3), (hi = 0x8f);
    else return i;
    if (i + n >= to) return i;
    const d = bytes[i + 1];
    if (d < lo || d > hi) return i;
    for (let k = 2; k <= n; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return -1;
}

/** Where in `bytes` (which start at file offset `base`) the first byte that is not UTF-8 lies, or -1. */
function invalidAt(bytes: Buffer, base: number): number {
  return isUtf8(bytes) ? -1 : base + firstInvalidUtf8(bytes);
}

export interface ReadProgress {
  bytesRead: number;
  bytesTotal: number;
}

export type FileShape = 'jsonl' | 'json-array' | 'json-results';

export interface ReadOptions {
  onProgress?: (p: ReadProgress) => void;
  signal?: AbortSignal;
  /** Key of the array inside a top-level object (default `results`). */
  arrayKey?: string;
  /** Bytes per read (default 1 MiB); tests use small chunks to exercise records split across reads. */
  chunkSize?: number;
  /** Sees every byte of the file, in order, as it is read (the run importer hashes the file on the way). */
  onBytes?: (chunk: Buffer) => void;
}

const CHUNK = 1 << 20;

/** Bytes read at a time while sniffing a file's shape. */
const SNIFF_CHUNK = 64 * 1024;
/** A first line longer than this (no newline in it) is taken for a one-line document, not one JSONL record. */
const SNIFF_MAX = 16 << 20;

/**
 * Decides how a file holds its records: by its first non-blank character, and for `{` whether the first line is a
 * whole JSON object (JSONL) or the opening of a document. The first line is read whole, however long (a record
 * holding a long chain or a prompt with inlined data runs past any fixed window), up to SNIFF_MAX.
 */
export function sniffShape(file: string, arrayKey = 'results'): FileShape {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(SNIFF_CHUNK);
    const decoder = new StringDecoder('utf8');
    let head = '';
    let pos = 0;
    // Read until the first line is whole and something non-blank follows it (or the file ends). Each read scans only
    // what it added, so a long one-line document costs one pass. first: the first non-blank character; nl: the end
    // of the line it starts.
    let first = -1;
    let nl = -1;
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, pos);
      const from = head.length;
      head += n > 0 ? decoder.write(buf.subarray(0, n)) : decoder.end();
      if (pos === 0 && head.charCodeAt(0) === 0xfeff) head = head.slice(1);
      pos += n;
      if (first < 0) {
        const at = head.slice(from).search(/\S/);
        if (at >= 0) first = from + at;
      }
      if (first >= 0 && nl < 0) nl = head.indexOf('\n', Math.max(first, from));
      const decided = first >= 0 && (head[first] !== '{' || (nl >= 0 && /\S/.test(head.slice(nl + 1))));
      if (decided || n === 0 || pos >= SNIFF_MAX) break;
    }
    if (first < 0) return 'jsonl';
    if (head[first] === '[') return 'json-array';
    if (head[first] !== '{') return 'jsonl';
    if (/\.jsonl$/i.test(file)) return 'jsonl';
    const firstLine = nl < 0 ? head.slice(first) : head.slice(first, nl);
    try {
      const value = JSON.parse(firstLine) as Record<string, unknown>;
      // A one-line document {"results":[…]} is a document, not a one-record JSONL file, with or without a final
      // newline (only blank text may follow its line).
      const onlyLine = nl < 0 || !/\S/.test(head.slice(nl + 1));
      if (onlyLine && value && Array.isArray(value[arrayKey])) return 'json-results';
      return 'jsonl';
    } catch {
      return 'json-results';
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads any supported file, choosing the reader from its shape. */
export function readRecords(file: string, opts: ReadOptions = {}): AsyncGenerator<RecordText[]> {
  const shape = sniffShape(file, opts.arrayKey);
  return shape === 'jsonl' ? readJsonLines(file, opts) : readJsonArray(file, shape, opts);
}

/**
 * Yields the non-blank lines of a JSONL file in batches. Lines are found in the bytes (a newline byte never occurs
 * inside a multi-byte UTF-8 character) and each line is decoded on its own: decoding whole 1 MiB chunks into strings
 * and slicing them costs several times more than the JSON parsing that follows.
 *
 * A line holding bytes that are not UTF-8 comes with `invalidUtf8`. Checking costs nothing on an all-ASCII chunk and
 * one native pass (isUtf8) over the complete lines of any other; only a chunk that fails is checked line by line.
 */
export async function* readJsonLines(file: string, opts: ReadOptions = {}): AsyncGenerator<RecordText[]> {
  const total = fs.statSync(file).size;
  const stream = fs.createReadStream(file, { highWaterMark: opts.chunkSize ?? CHUNK });
  let carry: Buffer[] = []; // bytes of a line that continues in the next chunk(s)
  let carryStart = 0; // the carried line's offset in the file
  let line = 0;
  let bytesRead = 0;
  let bomChecked = false;
  try {
    for await (const read of stream as AsyncIterable<Buffer>) {
      if (opts.signal?.aborted) throw abortError();
      let chunkStart = bytesRead; // chunk[0]'s offset in the file
      bytesRead += read.length;
      opts.onBytes?.(read);
      let chunk = read;
      if (!bomChecked) {
        chunk = carry.length ? Buffer.concat([...carry, chunk]) : chunk;
        carry = [];
        chunkStart = 0; // everything before was carried
        if (chunk.length < 3 && bytesRead < total) {
          carry = [chunk]; // too short to tell yet
          continue;
        }
        if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
          chunk = chunk.subarray(3);
          chunkStart = 3;
        }
        bomChecked = true;
      }
      const batch: RecordText[] = [];
      const ascii = isAscii(chunk);
      // The lines wholly inside this chunk run from the first line starting in it to its last newline.
      let checkEach = false;
      if (!ascii) {
        const from = carry.length ? chunk.indexOf(10) + 1 : 0;
        const to = chunk.lastIndexOf(10);
        checkEach = from <= to && !isUtf8(chunk.subarray(from, to));
      }
      let pos = 0;
      for (;;) {
        const nl = chunk.indexOf(10, pos);
        if (nl < 0) break;
        line++;
        if (carry.length) {
          const bytes = Buffer.concat([...carry, chunk.subarray(0, nl)]);
          pushLine(batch, bytes, 'utf8', line, invalidAt(bytes, carryStart));
          carry = [];
        } else {
          const bytes = chunk.subarray(pos, nl);
          pushLine(batch, bytes, ascii ? 'latin1' : 'utf8', line, checkEach ? invalidAt(bytes, chunkStart + pos) : -1);
        }
        pos = nl + 1;
      }
      // A copy, so the chunk itself can be freed.
      if (pos < chunk.length) {
        if (!carry.length) carryStart = chunkStart + pos;
        carry.push(Buffer.from(chunk.subarray(pos)));
      }
      opts.onProgress?.({ bytesRead, bytesTotal: total });
      if (batch.length) yield batch;
    }
    if (carry.length) {
      const batch: RecordText[] = [];
      let rest = Buffer.concat(carry);
      let restStart = bomChecked ? carryStart : 0;
      if (!bomChecked && rest[0] === 0xef && rest[1] === 0xbb && rest[2] === 0xbf) {
        rest = rest.subarray(3);
        restStart = 3;
      }
      pushLine(batch, rest, 'utf8', line + 1, invalidAt(rest, restStart));
      if (batch.length) yield batch;
    }
  } finally {
    stream.destroy();
  }
}

function pushLine(batch: RecordText[], bytes: Buffer, encoding: 'latin1' | 'utf8', line: number, invalidUtf8: number): void {
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === 13) end--; // CRLF
  // Blank lines are not records.
  let s = 0;
  while (s < end && isSpace(bytes[s])) s++;
  if (s === end) return;
  // latin1 decodes an all-ASCII chunk exactly, and faster than utf8.
  const text = bytes.toString(encoding, 0, end);
  batch.push(invalidUtf8 < 0 ? { line, text } : { line, text, invalidUtf8 });
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function abortError(): Error {
  return new CotscopeError('cancelled', 'cancelled');
}

/**
 * Yields the elements of a JSON array as text, each with the line it starts on: the top-level array, or the array
 * under `arrayKey` (default `results`) of a top-level object. The scan only tracks strings and nesting depth; each
 * element is parsed by its consumer, so a malformed element is reported by line and the elements after it still
 * import.
 */
export async function* readJsonArray(
  file: string,
  shape: 'json-array' | 'json-results',
  opts: ReadOptions = {},
): AsyncGenerator<RecordText[]> {
  const total = fs.statSync(file).size;
  const arrayKey = opts.arrayKey ?? 'results';
  const decoder = new Utf8Decoder();
  const stream = fs.createReadStream(file, { highWaterMark: opts.chunkSize ?? CHUNK });
  const scanner = new ArrayScanner(shape === 'json-array' ? null : arrayKey);
  let bytesRead = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (opts.signal?.aborted) throw abortError();
      bytesRead += chunk.length;
      opts.onBytes?.(chunk);
      const batch = scanner.feed(...decoder.write(chunk));
      opts.onProgress?.({ bytesRead, bytesTotal: total });
      if (batch.length) yield batch;
    }
    const batch = scanner.feed(...decoder.end());
    scanner.finish(file);
    if (batch.length) yield batch;
  } finally {
    stream.destroy();
  }
}

/** Bytes that are not UTF-8 in a decoded piece: where each U+FFFD standing for them is, and their offset in the file. */
type Invalid = { at: number[]; byte: number[] };
const NO_INVALID: Invalid = { at: [], byte: [] };

/**
 * Decodes a file's chunks as UTF-8 as StringDecoder does (a character cut by a chunk's end is completed by the next)
 * and says where bytes that are not UTF-8 were. A chunk that is valid as a whole (isUtf8, one native pass) is decoded
 * at once; only one that is not is walked to find them.
 */
class Utf8Decoder {
  private pending: Buffer | null = null;
  /** Offset in the file of the next byte written. */
  private offset = 0;

  write(chunk: Buffer): [string, Invalid] {
    const base = this.offset - (this.pending?.length ?? 0);
    const bytes = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.offset += chunk.length;
    const cut = completeUpTo(bytes);
    this.pending = cut < bytes.length ? Buffer.from(bytes.subarray(cut)) : null;
    return decodeUtf8(bytes.subarray(0, cut), base);
  }

  /** The bytes held back: a character the file's end cuts off is not UTF-8. */
  end(): [string, Invalid] {
    const bytes = this.pending;
    this.pending = null;
    return bytes ? decodeUtf8(bytes, this.offset - bytes.length) : ['', NO_INVALID];
  }
}

/** The length of `bytes` without a multi-byte character its end cuts off (at most 3 bytes held back). */
function completeUpTo(bytes: Buffer): number {
  const n = bytes.length;
  for (let k = 1; k <= 3 && k <= n; k++) {
    const c = bytes[n - k];
    if ((c & 0xc0) === 0x80) continue; // a continuation byte: its lead is further back
    const len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return len > k ? n - k : n;
  }
  return n;
}

function decodeUtf8(bytes: Buffer, base: number): [string, Invalid] {
  if (isUtf8(bytes)) return [bytes.toString('utf8'), NO_INVALID];
  const invalid: Invalid = { at: [], byte: [] };
  let text = '';
  let i = 0;
  for (;;) {
    const bad = firstInvalidUtf8(bytes, i);
    if (bad < 0) break;
    text += bytes.toString('utf8', i, bad);
    invalid.at.push(text.length);
    invalid.byte.push(base + bad);
    text += '\uFFFD';
    i = bad + 1;
  }
  return [text + bytes.toString('utf8', i), invalid];
}

/**
 * Finds the target array's elements in streamed text. Outside the target it skips values by depth; inside it
 * collects each element's text between the separating commas at the array's own depth.
 */
class ArrayScanner {
  private line = 1;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Depth of the target array's contents (elements sit at this depth), or -1 before it is found. */
  private arrayDepth = -1;
  private done = false;
  private parts: string[] = [];
  private elementLine = 0;
  private inElement = false;
  /** Offset in the file of the element's first byte that is not UTF-8, or -1. */
  private elementInvalid = -1;
  // Key tracking at depth 1 of a top-level object, to find `"results": [`.
  private keyStart = -1;
  private lastKey: string | null = null;
  private keyText = '';
  private expectValueFor: string | null = null;

  constructor(private readonly key: string | null) {}

  /** `invalid`: where this text holds U+FFFD for bytes that are not UTF-8 (Utf8Decoder). */
  feed(text: string, invalid: Invalid = NO_INVALID): RecordText[] {
    const out: RecordText[] = [];
    let segStart = -1; // start of the current element's text within this chunk
    let nextInvalid = 0;
    let invalidAt = invalid.at.length ? invalid.at[0] : -1;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (i === invalidAt) {
        // Inside an element, or at the array's own depth where this character starts one, it spoils the element.
        // Bytes outside the records are not read as data (the scan does not check the rest of the document either).
        const inRecord = this.inElement || (this.arrayDepth >= 0 && this.depth === this.arrayDepth && !this.done);
        if (inRecord && this.elementInvalid < 0) this.elementInvalid = invalid.byte[nextInvalid];
        invalidAt = ++nextInvalid < invalid.at.length ? invalid.at[nextInvalid] : -1;
      }
      if (c === 10) this.line++;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 92) this.escaped = true;
        else if (c === 34) {
          this.inString = false;
          if (this.keyStart >= 0 || this.keyText) {
            // end of a key string at depth 1
            this.lastKey = this.keyText + text.slice(Math.max(this.keyStart, 0), i);
            this.keyText = '';
            this.keyStart = -1;
          }
        }
        continue;
      }
      if (this.done) continue;
      if (this.arrayDepth >= 0 && this.depth === this.arrayDepth && !this.inElement) {
        if (c === 44 || isSpace(c)) continue; // separators between elements
        if (c === 93) {
          // the target array closes
          this.depth--;
          this.done = true;
          continue;
        }
        this.inElement = true;
        this.elementLine = this.line;
        segStart = i;
      }
      if (this.inElement) {
        if (c === 34) this.inString = true;
        else if (c === 123 || c === 91) this.depth++;
        else if (c === 125 || c === 93) {
          // A `}` with no open object in the element is a malformed element, not the end of the array: keep it in
          // the element's text (the consumer reports it) and go on to the elements after it.
          if (c === 125 && this.depth === this.arrayDepth) continue;
          if (this.depth === this.arrayDepth) {
            // the array closes right after an element with no trailing comma
            this.flushElement(out, text, segStart, i);
            segStart = -1;
            this.depth--;
            this.done = true;
            continue;
          }
          this.depth--;
        } else if (c === 44 && this.depth === this.arrayDepth) {
          this.flushElement(out, text, segStart, i);
          segStart = -1;
        }
        continue;
      }
      // Outside the target array.
      if (c === 34) {
        this.inString = true;
        if (this.key !== null && this.depth === 1 && this.expectValueFor === null) {
          this.keyStart = i + 1;
          this.keyText = '';
        }
        continue;
      }
      if (c === 58 && this.depth === 1) {
        this.expectValueFor = this.lastKey;
        continue;
      }
      if (c === 91) {
        this.depth++;
        if ((this.key === null && this.depth === 1) || (this.key !== null && this.depth === 2 && this.expectValueFor === this.key)) {
          this.arrayDepth = this.depth;
        }
        this.expectValueFor = null;
        continue;
      }
      if (c === 123) {
        this.depth++;
        this.expectValueFor = null;
        continue;
      }
      if (c === 125 || c === 93) {
        this.depth--;
        continue;
      }
      if (c === 44 && this.depth === 1) this.expectValueFor = null;
    }
    if (this.inElement && segStart >= 0) this.parts.push(text.slice(segStart));
    else if (this.inElement && segStart < 0) this.parts.push(text);
    if (this.keyStart >= 0 && this.inString) {
      this.keyText += text.slice(this.keyStart);
      this.keyStart = 0;
    }
    return out;
  }

  private flushElement(out: RecordText[], text: string, segStart: number, end: number): void {
    const piece = segStart >= 0 ? text.slice(segStart, end) : text.slice(0, end);
    this.parts.push(piece);
    const whole = this.parts.join('').trimEnd();
    this.parts = [];
    this.inElement = false;
    if (this.elementInvalid < 0) out.push({ line: this.elementLine, text: whole });
    else out.push({ line: this.elementLine, text: whole, invalidUtf8: this.elementInvalid });
    this.elementInvalid = -1;
  }

  finish(file: string): void {
    if (this.arrayDepth < 0) {
      throw new CotscopeError(
        this.key === null
          ? `${file}: no JSON array found`
          : `${file}: expected a JSON array, or an object with a "${this.key}" array; found neither`,
      );
    }
    if (this.inElement || !this.done) {
      throw new CotscopeError(`${file}, line ${this.line}: the file ends inside the record array (truncated?)`);
    }
  }
}
