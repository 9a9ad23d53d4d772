// Streaming readers for record files: JSONL (one record a line) and JSON documents holding an array of records
// (a top-level array, as EgoPlan publishes, or the `results` array of GRPO-CARE / Video-R1). Both yield the raw
// text of each record with its line number, in batches, so memory stays bounded by the batch, not the file, and
// malformed records can be reported by line while the rest imports.
import fs from 'node:fs';
import { isAscii } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';
import { CotscopeError } from './errors.ts';

export interface RecordText {
  /** 1-based line where the record starts. */
  line: number;
  text: string;
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
 */
export async function* readJsonLines(file: string, opts: ReadOptions = {}): AsyncGenerator<RecordText[]> {
  const total = fs.statSync(file).size;
  const stream = fs.createReadStream(file, { highWaterMark: opts.chunkSize ?? CHUNK });
  let carry: Buffer[] = []; // bytes of a line that continues in the next chunk(s)
  let line = 0;
  let bytesRead = 0;
  let bomChecked = false;
  try {
    for await (const read of stream as AsyncIterable<Buffer>) {
      if (opts.signal?.aborted) throw abortError();
      bytesRead += read.length;
      opts.onBytes?.(read);
      let chunk = read;
      if (!bomChecked) {
        chunk = carry.length ? Buffer.concat([...carry, chunk]) : chunk;
        carry = [];
        if (chunk.length < 3 && bytesRead < total) {
          carry = [chunk]; // too short to tell yet
          continue;
        }
        if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
        bomChecked = true;
      }
      const batch: RecordText[] = [];
      const encoding = isAscii(chunk) ? 'latin1' : 'utf8';
      let pos = 0;
      for (;;) {
        const nl = chunk.indexOf(10, pos);
        if (nl < 0) break;
        line++;
        if (carry.length) {
          pushLine(batch, Buffer.concat([...carry, chunk.subarray(0, nl)]), 'utf8', line);
          carry = [];
        } else pushLine(batch, chunk.subarray(pos, nl), encoding, line);
        pos = nl + 1;
      }
      // A copy, so the chunk itself can be freed.
      if (pos < chunk.length) carry.push(Buffer.from(chunk.subarray(pos)));
      opts.onProgress?.({ bytesRead, bytesTotal: total });
      if (batch.length) yield batch;
    }
    if (carry.length) {
      const batch: RecordText[] = [];
      let rest = Buffer.concat(carry);
      if (!bomChecked && rest[0] === 0xef && rest[1] === 0xbb && rest[2] === 0xbf) rest = rest.subarray(3);
      pushLine(batch, rest, 'utf8', line + 1);
      if (batch.length) yield batch;
    }
  } finally {
    stream.destroy();
  }
}

function pushLine(batch: RecordText[], bytes: Buffer, encoding: 'latin1' | 'utf8', line: number): void {
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === 13) end--; // CRLF
  // Blank lines are not records.
  let s = 0;
  while (s < end && isSpace(bytes[s])) s++;
  if (s === end) return;
  // latin1 decodes an all-ASCII chunk exactly, and faster than utf8.
  batch.push({ line, text: bytes.toString(encoding, 0, end) });
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
  const decoder = new StringDecoder('utf8');
  const stream = fs.createReadStream(file, { highWaterMark: opts.chunkSize ?? CHUNK });
  const scanner = new ArrayScanner(shape === 'json-array' ? null : arrayKey);
  let bytesRead = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (opts.signal?.aborted) throw abortError();
      bytesRead += chunk.length;
      opts.onBytes?.(chunk);
      const batch = scanner.feed(decoder.write(chunk));
      opts.onProgress?.({ bytesRead, bytesTotal: total });
      if (batch.length) yield batch;
    }
    const batch = scanner.feed(decoder.end());
    scanner.finish(file);
    if (batch.length) yield batch;
  } finally {
    stream.destroy();
  }
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
  // Key tracking at depth 1 of a top-level object, to find `"results": [`.
  private keyStart = -1;
  private lastKey: string | null = null;
  private keyText = '';
  private expectValueFor: string | null = null;

  constructor(private readonly key: string | null) {}

  feed(text: string): RecordText[] {
    const out: RecordText[] = [];
    let segStart = -1; // start of the current element's text within this chunk
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
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
    out.push({ line: this.elementLine, text: whole });
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
