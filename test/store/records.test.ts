// The streaming record readers: what a user notices is which records come out, their text, and the line each is
// reported on — whatever the file's line endings, BOM, encoding, layout, size, or damage.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CotscopeError } from '../../electron/core/errors.ts';
import {
  firstInvalidUtf8,
  readJsonArray,
  readJsonLines,
  readRecords,
  sniffShape,
  type ReadOptions,
  type RecordText,
} from '../../electron/core/records.ts';

const MIB = 1 << 20;

let dir: string;
let seq = 0;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-records-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(name: string, content: string | Buffer): string {
  const file = path.join(dir, `${seq++}-${name}`);
  fs.writeFileSync(file, content);
  return file;
}

async function collect(gen: AsyncGenerator<RecordText[]>): Promise<RecordText[]> {
  const out: RecordText[] = [];
  for await (const batch of gen) out.push(...batch);
  return out;
}

const read = (file: string, opts: ReadOptions = {}) => collect(readRecords(file, opts));
const parsed = (recs: RecordText[]) => recs.map((r) => JSON.parse(r.text));
const lines = (recs: RecordText[]) => recs.map((r) => r.line);

/**
 * JSON.stringify(doc, null, k), built piece by piece (independently of the scanner) so we know the line and the
 * character offset at which each element of the target array (`doc` itself, or `doc[key]`) starts and ends.
 */
function layout(doc: unknown[] | Record<string, unknown>, k: number, key = 'results') {
  const parts: string[] = [];
  let line = 1;
  let offset = 0;
  const add = (s: string) => {
    parts.push(s);
    offset += s.length;
    for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) line++;
  };
  const nl = k ? '\n' : '';
  const pad = (d: number) => ' '.repeat(k * d);
  // JSON.stringify never leaves a raw newline inside a string, so shifting every line shifts the whole value.
  const nested = (v: unknown, d: number) => JSON.stringify(v, null, k).replace(/\n/g, '\n' + pad(d));
  const elements: { line: number; start: number; end: number }[] = [];
  const writeArray = (arr: unknown[], d: number) => {
    if (arr.length === 0) return add('[]');
    add('[' + nl);
    arr.forEach((el, i) => {
      add(pad(d + 1));
      const start = offset;
      const startLine = line;
      add(nested(el, d + 1));
      elements.push({ line: startLine, start, end: offset });
      add((i < arr.length - 1 ? ',' : '') + nl);
    });
    add(pad(d) + ']');
  };
  if (Array.isArray(doc)) writeArray(doc, 0);
  else {
    const entries = Object.entries(doc);
    add('{' + nl);
    entries.forEach(([name, v], i) => {
      add(pad(1) + JSON.stringify(name) + (k ? ': ' : ':'));
      if (name === key) writeArray(v as unknown[], 1);
      else add(nested(v, 1));
      add((i < entries.length - 1 ? ',' : '') + nl);
    });
    add('}');
  }
  const text = parts.join('');
  // The oracle must describe exactly the file JSON.stringify writes.
  expect(text).toBe(JSON.stringify(doc, null, k));
  return { text, elements };
}

describe('sniffShape', () => {
  it('tells JSONL, top-level arrays and documents apart', () => {
    expect(sniffShape(write('a.jsonl', '{"results":[1]}\n{"results":[2]}\n'))).toBe('jsonl');
    expect(sniffShape(write('a.json', '{"a":1}\n{"a":2}\n'))).toBe('jsonl');
    expect(sniffShape(write('a.json', '\uFEFF\n  [\n{"a":1}]'))).toBe('json-array');
    expect(sniffShape(write('a.json', '{\n  "results": []\n}\n'))).toBe('json-results');
    expect(sniffShape(write('a.json', '{"results": [\n{"a":1}]}\n'))).toBe('json-results');
    // A one-line document, with or without a final newline, is a document, not a one-record JSONL file.
    expect(sniffShape(write('a.json', '{"results":[{"a":1}]}'))).toBe('json-results');
    expect(sniffShape(write('a.json', '{"results":[{"a":1}]}\n'))).toBe('json-results');
    expect(sniffShape(write('a.json', '{"results":[{"a":1}]}\r\n\n'))).toBe('json-results');
  });

  it('reads a first line longer than one read whole: a .json file of JSONL whose first record is long is JSONL', async () => {
    const long = 'x'.repeat(300_000); // a chain with a prompt of inlined data, say: past any fixed sniffing window
    const jsonlFile = write('long.json', `\uFEFF{"sample_id":1,"response":"${long}"}\n{"sample_id":2,"response":"b"}\n`);
    expect(sniffShape(jsonlFile)).toBe('jsonl');
    expect((await read(jsonlFile)).map((r) => r.line)).toEqual([1, 2]);
    // A one-line document as long is still a document, and a pretty-printed one too.
    const doc = write('long-doc.json', `{"results":[{"output":"${long}"},{"output":"b"}]}\n`);
    expect(sniffShape(doc)).toBe('json-results');
    expect(await read(doc)).toHaveLength(2);
    expect(sniffShape(write('long-pretty.json', `{\n  "results": [{"output":"${long}"}]\n}\n`))).toBe('json-results');
    // A first line with a newline only after the first read, then more records: JSONL.
    expect(sniffShape(write('long-two.json', `{"a":"${long}"}\n\n   \n{"a":1}`))).toBe('jsonl');
  });
});

describe('JSONL', () => {
  it('numbers lines as an editor does: blank lines, CRLF, a BOM and a last line without newline', async () => {
    const text = '\uFEFF{"n":1}\r\n\r\n  \t \r\n{"n":2}\r\n\n{"n":3}\n{"n":4}';
    const file = write('lines.jsonl', text);
    const recs = await read(file);
    expect(recs).toEqual([
      { line: 1, text: '{"n":1}' },
      { line: 4, text: '{"n":2}' },
      { line: 6, text: '{"n":3}' },
      { line: 7, text: '{"n":4}' },
    ]);
    // Every record parses: no BOM, no \r left on it.
    expect(parsed(recs)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
  });

  it('keeps a malformed line as it is, with its line number, between good ones', async () => {
    const recs = await read(write('bad.jsonl', '{"n":1}\n{"n": 2,, }\n{"n":3}\n'));
    expect(recs.map((r) => [r.line, r.text])).toEqual([
      [1, '{"n":1}'],
      [2, '{"n": 2,, }'],
      [3, '{"n":3}'],
    ]);
    expect(() => JSON.parse(recs[1].text)).toThrow();
  });

  it('reports progress up to the whole file', async () => {
    const file = write('progress.jsonl', '{"n":1}\n'.repeat(1000));
    const seen: number[] = [];
    const recs = await read(file, { chunkSize: 1000, onProgress: (p) => seen.push(p.bytesRead / p.bytesTotal) });
    expect(recs).toHaveLength(1000);
    expect(seen.at(-1)).toBe(1);
  });

  // Each character is placed so that the default 1 MiB read boundary falls after each of its first bytes.
  const splitCases = ['é', '中', '😀'].flatMap((ch) =>
    Array.from({ length: Buffer.byteLength(ch) - 1 }, (_, i) => ({ ch, before: i + 1 })),
  );
  it.each(splitCases)('decodes $ch split after byte $before of it at the 1 MiB read boundary', async ({ ch, before }) => {
    const head = '{"t":"';
    // Bytes of the first line before the character, so that `before` of its bytes fall in the first read.
    const pad = 'a'.repeat(MIB - before - head.length);
    const first = `${head}${pad}${ch}${ch}中文😀"}`;
    const text = `${first}\n{"t":"${ch}"}\n`;
    const buf = Buffer.from(text, 'utf8');
    expect(buf.subarray(0, MIB).toString('utf8').endsWith('\uFFFD')).toBe(true); // the boundary is inside `ch`
    const recs = await read(write('split.jsonl', buf));
    expect(lines(recs)).toEqual([1, 2]);
    expect(recs[0].text).toBe(first);
    expect(parsed(recs).map((r) => r.t)).toEqual([`${pad}${ch}${ch}中文😀`, ch]);
  });

  it('gives the same records for any read size, down to one byte', async () => {
    const text = '\uFEFF{"t":"中文"}\r\n\r\n{"t":"😀😀","u":"é"}\n\n  \n{"t":"x\\"y"}\r\n{"t":"z"}';
    const file = write('small.jsonl', text);
    const expected = await read(file);
    expect(lines(expected)).toEqual([1, 3, 6, 7]);
    expect(parsed(expected)).toEqual([{ t: '中文' }, { t: '😀😀', u: 'é' }, { t: 'x"y' }, { t: 'z' }]);
    for (const chunkSize of [1, 2, 3, 4, 5, 7, 16]) {
      expect(await collect(readJsonLines(file, { chunkSize })), `chunkSize ${chunkSize}`).toEqual(expected);
    }
  });

  it('property: any records, blank lines and line endings come back with their line numbers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            rec: fc.jsonValue({ stringUnit: 'grapheme', maxDepth: 2 }),
            blanks: fc.nat(2),
            crlf: fc.boolean(),
          }),
          { maxLength: 12 },
        ),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 1, max: 40 }),
        async (items, bom, finalNewline, chunkSize) => {
          let text = bom ? '\uFEFF' : '';
          let line = 1;
          const want: { line: number; value: unknown }[] = [];
          items.forEach(({ rec, blanks, crlf }, i) => {
            const eol = crlf ? '\r\n' : '\n';
            for (let b = 0; b < blanks; b++, line++) text += (b % 2 ? ' \t' : '') + eol;
            want.push({ line, value: JSON.parse(JSON.stringify(rec)) });
            text += JSON.stringify(rec);
            if (i < items.length - 1 || finalNewline) text += eol;
            line++;
          });
          const recs = await collect(readJsonLines(write('prop.jsonl', text), { chunkSize }));
          expect(recs.map((r) => ({ line: r.line, value: JSON.parse(r.text) }))).toEqual(want);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('JSON documents', () => {
  it('yields the results of a pretty-printed GRPO-CARE document, each with the line it starts on', async () => {
    const text = [
      /*  1 */ '{',
      /*  2 */ '  "results": [',
      /*  3 */ '    {',
      /*  4 */ '      "sample_id": 115,',
      /*  5 */ '      "output": "<think>a ] b } c , d [ e { f</think><answer>A</answer>",',
      /*  6 */ '      "process": ["x", ["y", {"z": [1, 2]}]],',
      /*  7 */ '      "correct": true',
      /*  8 */ '    },',
      /*  9 */ '    {',
      /* 10 */ '      "sample_id": 2051,',
      /* 11 */ '      "output": "say \\"hi\\" and \\\\ then",',
      /* 12 */ '      "correct": false',
      /* 13 */ '    },',
      /* 14 */ '    {"sample_id": 7, "output": "", "correct": false}',
      /* 15 */ '  ],',
      /* 16 */ '  "final_acc": [',
      /* 17 */ '    {',
      /* 18 */ '      "mean_acc": 0.333',
      /* 19 */ '    }',
      /* 20 */ '  ]',
      /* 21 */ '}',
      '',
    ].join('\n');
    const file = write('grpo.json', text);
    expect(sniffShape(file)).toBe('json-results');
    const recs = await read(file);
    expect(lines(recs)).toEqual([3, 9, 14]);
    expect(parsed(recs)).toEqual(JSON.parse(text).results);
    expect(recs[2].text).toBe('{"sample_id": 7, "output": "", "correct": false}');
  });

  it('finds `results` when it is not the first key, ignoring other `results` keys and the word in values', async () => {
    const doc = {
      model: 'Qwen2.5-VL-7B "results": [1, 2]',
      final_acc: [{ results: [9, 9] }, { mean_acc: 0.5 }],
      config: { results: [8], nested: { results: [[7]] } },
      'results"': [6],
      'key with \\ and "results": [': 'value ] } , [ {',
      results: [{ sample_id: 1, output: 'A' }, { sample_id: 2, output: 'B' }],
      after: { results: [5] },
    };
    for (const k of [0, 2]) {
      const { text, elements } = layout(doc, k);
      const file = write('later-key.json', text);
      expect(sniffShape(file)).toBe('json-results');
      const recs = await read(file);
      expect(parsed(recs)).toEqual(doc.results);
      expect(lines(recs)).toEqual(elements.map((e) => e.line));
      expect(lines(recs)).toEqual(k ? [31, 35] : [1, 1]);
    }
  });

  it('reads a one-line minified document, with or without a final newline', async () => {
    const results = [{ sample_id: 1, output: '[x]' }, { sample_id: 2, output: '{y}' }, 3, 'four', null, [5, [6]]];
    const min = JSON.stringify({ results, final_acc: [0.5] });
    for (const text of [min, min + '\n', min + '\r\n']) {
      const recs = await read(write('minified.json', text));
      expect(recs.map((r) => r.line)).toEqual([1, 1, 1, 1, 1, 1]);
      expect(recs.map((r) => r.text)).toEqual(results.map((r) => JSON.stringify(r)));
    }
  });

  it('reads a top-level array (EgoPlan shape), BOM or not', async () => {
    const samples = [
      { sample_id: 'egoplan-1', task_progress_metadata: [{ narration_text: 'open [lid]', start_frame: 1 }] },
      { sample_id: 'egoplan-2', task_progress_metadata: [] },
      { sample_id: 'egoplan-3', question: 'what next, "really"?' },
    ];
    const { text, elements } = layout(samples, 2);
    expect(elements.map((e) => e.line)).toEqual([2, 11, 15]);
    for (const t of [text, '\uFEFF' + text + '\n']) {
      const file = write('egoplan.json', t);
      expect(sniffShape(file)).toBe('json-array');
      const recs = await read(file);
      expect(lines(recs)).toEqual([2, 11, 15]);
      expect(parsed(recs)).toEqual(samples);
    }
  });

  it('is not fooled by brackets, braces, commas, quotes and backslashes inside strings', async () => {
    const tricky = [
      ']',
      '}',
      ',',
      '[',
      '{',
      '"',
      '\\',
      '\\"',
      '"\\',
      '"results": [',
      '], "results": [{"x": 1}, ',
      'end with backslash \\',
      '\\\\"]}',
      '\n\r\t',
      '中文 😀 é',
    ];
    const results = [
      ...tricky.map((s, i) => ({ id: i, s, [s]: [s, { [s]: s }] })),
      ...tricky,
      [tricky, { nested: [[[tricky]]] }],
    ];
    const doc = { [']"results": [']: tricky, results, '"': '"results": [' };
    for (const k of [0, 2]) {
      const { text, elements } = layout(doc, k);
      for (const chunkSize of [undefined, 1, 3, 64]) {
        const recs = await read(write('tricky.json', text), { chunkSize });
        expect(parsed(recs)).toEqual(JSON.parse(text).results);
        expect(lines(recs)).toEqual(elements.map((e) => e.line));
      }
      const { text: arrText, elements: arrElements } = layout(results, k);
      const recs = await read(write('tricky-array.json', arrText), { chunkSize: 5 });
      expect(parsed(recs)).toEqual(results);
      expect(lines(recs)).toEqual(arrElements.map((e) => e.line));
    }
  });

  it('reads elements that span the 1 MiB read boundary in a multi-MiB file', async () => {
    const big = (i: number) => ({
      sample_id: i,
      output: `<think>${`step ${i}: "quote" ] } , [ { \\ 中文😀 `.repeat(9000)}</think><answer>A</answer>`,
      process: Array.from({ length: 200 }, (_, j) => ({ j, s: ['a]', 'b}', { c: [j, [j]] }] })),
    });
    const doc = { results: Array.from({ length: 8 }, (_, i) => big(i)), final_acc: [{ mean_acc: 0.25 }] };
    const { text, elements } = layout(doc, 2);
    const file = write('big.json', text);
    const size = fs.statSync(file).size;
    expect(size).toBeGreaterThan(3 * MIB);
    // Some element straddles every 1 MiB boundary in the file, so the scanner's carry across reads is exercised.
    const spans = elements.map((e) => [Buffer.byteLength(text.slice(0, e.start)), Buffer.byteLength(text.slice(0, e.end))]);
    for (let b = MIB; b < size; b += MIB) {
      expect(spans.some(([start, end]) => start < b && b < end), `boundary ${b}`).toBe(true);
    }
    const recs = await read(file);
    expect(recs).toHaveLength(8);
    expect(parsed(recs)).toEqual(JSON.parse(text).results);
    expect(lines(recs)).toEqual(elements.map((e) => e.line));
  });

  it('yields nothing for an empty results array', async () => {
    for (const text of ['{"results":[]}', '{\n  "results": [],\n  "final_acc": []\n}\n', '{"results": [ \n\n ], "x": [1]}']) {
      expect(await read(write('empty.json', text))).toEqual([]);
    }
    expect(await read(write('empty-array.json', '[\n]\n'))).toEqual([]);
  });

  it('refuses a truncated document, naming the file and saying it is truncated', async () => {
    const doc = { results: [{ sample_id: 1, output: 'A' }, { sample_id: 2, output: 'B' }, { sample_id: 3, output: 'C' }] };
    const text = JSON.stringify(doc, null, 2);
    const cuts = [
      text.indexOf('"output": "B') + 5, // in the middle of an element
      text.indexOf('"output": "B') + 12, // in the middle of a string in an element
      text.indexOf('},') + 2, // between elements
      text.lastIndexOf(']'), // just before the array closes
    ];
    for (const cut of cuts) {
      const file = write('truncated.json', text.slice(0, cut));
      await expect(read(file), `cut at ${cut}`).rejects.toThrow(CotscopeError);
      await expect(read(file), `cut at ${cut}`).rejects.toThrow(new RegExp(`^${escapeRe(file)}\\b.*truncated`));
    }
    const arr = write('truncated-array.json', JSON.stringify(doc.results, null, 2).slice(0, 40));
    await expect(read(arr)).rejects.toThrow(new RegExp(`^${escapeRe(arr)}\\b.*truncated`));
  });

  it('refuses an object without a results array, clearly', async () => {
    for (const text of [
      '{\n  "data": [{"a": 1}]\n}\n',
      '{\n  "results": {"a": [1]}\n}\n',
      '{\n  "meta": {"results": [1, 2]},\n  "final_acc": [0.5]\n}\n',
      '{\n  "note": "\\"results\\": [1, 2]"\n}\n',
    ]) {
      const file = write('no-results.json', text);
      await expect(read(file)).rejects.toThrow(
        `${file}: expected a JSON array, or an object with a "results" array; found neither`,
      );
    }
  });

  it('yields a malformed element with its line, and every element after it', async () => {
    const text = [
      /* 1 */ '{',
      /* 2 */ '  "results": [',
      /* 3 */ '    {"sample_id": 1, "output": "A"},',
      /* 4 */ '    {"a": 1,, },',
      /* 5 */ '    {"sample_id": 2,',
      /* 6 */ '     "output": "B, ] }"},',
      /* 7 */ '    {"a": 1}},',
      /* 8 */ '    {"a": [1]]},',
      /* 9 */ '    {"sample_id": 3, "output": "C"}',
      /* 10 */ '  ]',
      /* 11 */ '}',
    ].join('\n');
    const recs = await read(write('malformed.json', text), { chunkSize: 7 });
    expect(recs.map((r) => [r.line, r.text])).toEqual([
      [3, '{"sample_id": 1, "output": "A"}'],
      [4, '{"a": 1,, }'],
      [5, '{"sample_id": 2,\n     "output": "B, ] }"}'],
      [7, '{"a": 1}}'],
      [8, '{"a": [1]]}'],
      [9, '{"sample_id": 3, "output": "C"}'],
    ]);
    const ok = recs.flatMap((r) => {
      try {
        return [JSON.parse(r.text)];
      } catch {
        return [];
      }
    });
    expect(ok).toEqual([
      { sample_id: 1, output: 'A' },
      { sample_id: 2, output: 'B, ] }' },
      { sample_id: 3, output: 'C' },
    ]);
  });

  describe('property: any array of JSON values, as {"results": …} or a bare array, minified or indented', () => {
    const value = fc.jsonValue({ stringUnit: 'grapheme', maxDepth: 3 });
    const otherKeys = fc.dictionary(
      fc.string({ unit: 'grapheme', maxLength: 12 }).filter((k) => k !== 'results' && k !== '__proto__'),
      value,
      { maxKeys: 3 },
    );
    const chunkSize = fc.oneof(fc.integer({ min: 1, max: 16 }), fc.constantFrom(64, 4096, MIB));

    for (const k of [0, 2]) {
      it(`JSON.stringify(doc, null, ${k})`, async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.array(value, { maxLength: 10 }),
            otherKeys,
            otherKeys,
            fc.boolean(),
            chunkSize,
            async (arr, before, after, bare, chunk) => {
              const doc = bare ? arr : { ...before, results: arr, ...after };
              const { text, elements } = layout(doc, k);
              const file = write('prop.json', text);
              expect(sniffShape(file)).toBe(bare ? 'json-array' : 'json-results');
              const recs = await collect(readJsonArray(file, bare ? 'json-array' : 'json-results', { chunkSize: chunk }));
              expect(parsed(recs)).toEqual(JSON.parse(JSON.stringify(arr)));
              expect(lines(recs)).toEqual(elements.map((e) => e.line));
              // Each element's text is exactly its text in the file.
              expect(recs.map((r) => r.text)).toEqual(elements.map((e) => text.slice(e.start, e.end)));
            },
          ),
          { numRuns: 150 },
        );
      });
    }
  });
});

describe('cancelling', () => {
  const jsonl = () => write('cancel.jsonl', '{"n":1}\n'.repeat(5000));
  const json = () => write('cancel.json', JSON.stringify({ results: Array.from({ length: 5000 }, (_, n) => ({ n })) }, null, 2));

  it('stops before reading anything when the signal is already aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    for (const file of [jsonl(), json()]) {
      const err = await read(file, { signal: ac.signal }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(CotscopeError);
      expect((err as CotscopeError).message).toBe('cancelled');
    }
  });

  it('stops mid-file when the signal is aborted while reading', async () => {
    for (const file of [jsonl(), json()]) {
      const ac = new AbortController();
      let got = 0;
      const run = async () => {
        for await (const batch of readRecords(file, { signal: ac.signal, chunkSize: 4096 })) {
          got += batch.length;
          ac.abort();
        }
      };
      await expect(run()).rejects.toThrow(/^cancelled$/);
      expect(got).toBeGreaterThan(0);
      expect(got).toBeLessThan(5000);
    }
  });
});

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('bytes that are not UTF-8', () => {
  /** The bytes of `parts` (text as UTF-8, arrays as raw bytes), and where each raw part starts in them. */
  const bytes = (...parts: (string | number[])[]) => {
    const at: number[] = [];
    let n = 0;
    const bufs = parts.map((p) => {
      if (typeof p !== 'string') at.push(n);
      const b = typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p);
      n += b.length;
      return b;
    });
    return Object.assign(Buffer.concat(bufs), { at });
  };

  it('JSONL: marks each line holding them with the file offset of the first, for any read size; the rest read as before', async () => {
    // A BOM, valid non-ASCII on the lines around, a lone continuation byte, a cut-off 3-byte character, an overlong
    // slash, a surrogate, and a last line without newline holding a 0xFF.
    const buf = bytes(
      [0xef, 0xbb, 0xbf],
      '{"t":"中文"}\n',
      '{"t":"a', [0x80], 'b"}\r\n',
      '\n',
      '{"t":"é😀"}\n',
      '{"t":"', [0xe4, 0xb8], '"}\n',
      '{"t":"', [0xc0, 0xaf], '"}\n',
      '{"t":"', [0xed, 0xa0, 0x80], '"}\n',
      '{"t":"ok"}\n',
      '{"t":"x', [0xff], [0xfe], '"}',
    );
    const file = write('bad.jsonl', buf);
    // buf.at: [BOM, 0x80, cut-off, overlong, surrogate, 0xFF, 0xFE]
    const want = [
      { line: 1 },
      { line: 2, invalidUtf8: buf.at[1] },
      { line: 4 },
      { line: 5, invalidUtf8: buf.at[2] },
      { line: 6, invalidUtf8: buf.at[3] },
      { line: 7, invalidUtf8: buf.at[4] },
      { line: 8 },
      { line: 9, invalidUtf8: buf.at[5] },
    ];
    const shape = (recs: RecordText[]) => recs.map((r) => (r.invalidUtf8 === undefined ? { line: r.line } : { line: r.line, invalidUtf8: r.invalidUtf8 }));
    const whole = await read(file);
    expect(shape(whole)).toEqual(want);
    expect(parsed(whole.filter((r) => r.invalidUtf8 === undefined))).toEqual([{ t: '中文' }, { t: 'é😀' }, { t: 'ok' }]);
    // Text as before: the bad bytes read as U+FFFD.
    expect(whole[1].text).toBe('{"t":"a\uFFFDb"}');
    for (const chunkSize of [1, 2, 3, 4, 5, 7, 16, 64]) {
      expect(await collect(readJsonLines(file, { chunkSize })), `chunkSize ${chunkSize}`).toEqual(whole);
    }
  });

  it('JSONL: a bad line in a chunk of otherwise valid non-ASCII lines, at the 1 MiB read boundary', async () => {
    const good = `{"t":"${'é'.repeat(100)}"}\n`;
    const lead = good.repeat(Math.ceil(MIB / Buffer.byteLength(good)) - 1);
    const buf = bytes(lead, '{"t":"', [0xff], '"}\n', good, good);
    const recs = await read(write('big.jsonl', buf));
    expect(recs.filter((r) => r.invalidUtf8 !== undefined)).toEqual([
      { line: lead.split('\n').length, text: '{"t":"\uFFFD"}', invalidUtf8: buf.at[0] },
    ]);
    expect(recs).toHaveLength(lead.split('\n').length + 2);
  });

  it('JSON documents: marks the element holding them (first offset), for any read size; bytes outside the records are not data', async () => {
    const buf = bytes(
      '{"model": "x', [0xff], '",\n',
      ' "results": [\n',
      '  {"t": "中"},\n',
      '  {"t": "a', [0xc3], '", "u": "', [0xfe], '"},\n',
      '  {"t": "b"}, ', [0xf0, 0x9f, 0x98], '\n',
      ' ],\n',
      ' "final_acc": ["', [0x80], '"]}\n',
    );
    const file = write('bad.json', buf);
    expect(sniffShape(file)).toBe('json-results');
    const want = (recs: RecordText[]) => recs.map((r) => [r.line, r.invalidUtf8]);
    const whole = await read(file);
    expect(want(whole)).toEqual([
      [3, undefined],
      [4, buf.at[1]],
      [5, undefined],
      // a stray cut-off character between elements starts an element of its own: not UTF-8, and not JSON either
      [5, buf.at[3]],
    ]);
    for (const chunkSize of [1, 2, 3, 5, 7, 64]) {
      expect(await collect(readJsonArray(file, 'json-results', { chunkSize })), `chunkSize ${chunkSize}`).toEqual(whole);
    }
    // A top-level array whose file ends in the middle of a character.
    const arr = bytes('[{"t": 1},\n {"t": "', [0xe4], '"}]', [0xe4, 0xb8]);
    const recs = await read(write('cut.json', arr));
    expect(recs.map((r) => [r.line, r.invalidUtf8])).toEqual([
      [1, undefined],
      [2, arr.at[0]],
    ]);
  });

  it('firstInvalidUtf8 agrees with a fatal TextDecoder on any bytes, and points at the byte where valid text stops', () => {
    const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    const valid = (b: Uint8Array) => {
      try {
        fatal.decode(b);
        return true;
      } catch {
        return false;
      }
    };
    const byte = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x80, 0xbf, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5));
    const chunks = fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 4 }).map((s) => [...Buffer.from(s)]), fc.array(byte, { maxLength: 4 })), { maxLength: 8 });
    fc.assert(
      fc.property(chunks, (parts) => {
        const b = Uint8Array.from(parts.flat());
        const k = firstInvalidUtf8(b);
        expect(k < 0).toBe(valid(b));
        if (k >= 0) {
          // Valid up to k, and no character starts at k.
          expect(valid(b.subarray(0, k))).toBe(true);
          for (let n = 1; n <= 4 && k + n <= b.length; n++) expect(valid(b.subarray(k, k + n))).toBe(false);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
