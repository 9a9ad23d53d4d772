// What the importers say about input they cannot use. A folder is named as a folder; bytes
// that are not UTF-8 are reported by line and byte offset and the rest imports (nothing under --strict); a file that
// yields nothing is an error and records nothing, for benchmark and run files alike, from the CLI's calls and from
// the app's import jobs; and a video or image counts as present only if the media server would serve it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importBenchmark } from '../../electron/core/import-benchmark.ts';
import { ImportRefused, importRun } from '../../electron/core/import-run.ts';
import { ImportJobs } from '../../electron/core/jobs.ts';
import { Datasets } from '../../electron/core/datasets.ts';
import { resolveMedia } from '../../electron/core/media.ts';
import { Settings } from '../../electron/core/settings.ts';
import { openStore, type Store } from '../../electron/core/store.ts';

const FIX = fileURLToPath(new URL('../fixtures/', import.meta.url));
const ROOT = path.join(FIX, 'root');
const ann = (f: string) => path.join(ROOT, 'annotations', f);

let dir: string;
let store: Store;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-input-'));
  store = openStore(path.join(dir, 'w.db'));
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const count = (table: string) => store.db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
const nothingRecorded = () => expect({ imports: count('imports'), samples: count('samples'), datasets: count('datasets'), runs: count('runs') }).toEqual({ imports: 0, samples: 0, datasets: 0, runs: 0 });

/** Writes `parts` (text as UTF-8, byte arrays raw) to `name` in the test folder; `at` holds each byte array's offset. */
function write(name: string, ...parts: (string | number[])[]): { file: string; at: number[] } {
  const at: number[] = [];
  let n = 0;
  const bufs = parts.map((p) => {
    if (typeof p !== 'string') at.push(n);
    const b = typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p);
    n += b.length;
    return b;
  });
  const file = path.join(dir, name);
  fs.writeFileSync(file, Buffer.concat(bufs));
  return { file, at };
}

/** The fixture's two L2 records, as lines. */
const l2 = () => fs.readFileSync(ann('validation_L2.jsonl'), 'utf8').trim().split('\n');

async function refusal(p: Promise<unknown>): Promise<ImportRefused> {
  const err = await p.then(
    () => null,
    (e) => e,
  );
  expect(err).toBeInstanceOf(ImportRefused);
  return err as ImportRefused;
}

describe('a folder where a file is expected', () => {
  it('is named as a folder by both importers and by the app\'s import jobs, and nothing is recorded', async () => {
    const folder = path.join(dir, 'annotations');
    fs.mkdirSync(folder);
    await expect(importBenchmark(store, [folder], {})).rejects.toThrow(new RegExp(`^${folder}: is a folder, not a file$`));
    await expect(importRun(store, folder, { name: 'rl', method: 'rl' })).rejects.toThrow(new RegExp(`^${folder}: is a folder, not a file$`));
    const jobs = new ImportJobs(store);
    expect(() => jobs.start({ kind: 'benchmark', paths: [folder], strict: false })).toThrow(`field \`paths.0\`: is a folder, not a file: ${folder}`);
    expect(() => jobs.start({ kind: 'run', paths: [ann('validation_L1.jsonl'), folder], name: 'rl', method: 'rl', strict: false })).toThrow(
      `field \`paths.1\`: is a folder, not a file: ${folder}`,
    );
    nothingRecorded();
  });
});

describe('bytes that are not UTF-8', () => {
  it('benchmark JSONL: the line is reported with the byte offset, the rest imports; --strict imports nothing', async () => {
    const [a, b] = l2();
    const cut = b.indexOf('fold laundry');
    const { file, at } = write('validation_L2.jsonl', a, '\n', b.slice(0, cut), [0xff, 0xfe], b.slice(cut), '\n');
    const r = await importBenchmark(store, [file], {});
    expect(r.imported).toBe(1);
    expect(r.skipped.kept).toEqual([{ file, line: 2, field: null, reason: `invalid UTF-8 at byte ${at[0]}` }]);
    expect(store.db.prepare('SELECT line, field, reason FROM import_skips').all()).toEqual([{ line: 2, field: null, reason: `invalid UTF-8 at byte ${at[0]}` }]);
    expect(store.db.prepare('SELECT sample_id FROM samples').pluck().all()).toEqual(['115']);
    // No U+FFFD anywhere in the workspace.
    expect(store.db.prepare("SELECT COUNT(*) FROM samples WHERE raw LIKE '%' || char(65533) || '%'").pluck().get()).toBe(0);

    store.db.exec('DELETE FROM media; DELETE FROM samples; DELETE FROM import_skips; DELETE FROM imports; DELETE FROM datasets');
    const err = await refusal(importBenchmark(store, [file], { strict: true }));
    expect(err.message).toBe(`${file}: 1 line(s) would be skipped; nothing imported (--strict)`);
    expect(err.skipped.kept.map((s) => s.reason)).toEqual([`invalid UTF-8 at byte ${at[0]}`]);
    nothingRecorded();
  });

  it('benchmark JSON array (EgoPlan shape): the element is reported on the line it starts, with the byte offset', async () => {
    const [a, b] = l2().map((l) => JSON.stringify(JSON.parse(l), null, 2));
    const cut = b.indexOf('fold laundry');
    const { file, at } = write('egoplan.json', '[\n', a, ',\n', b.slice(0, cut), [0xc3, 0x28], b.slice(cut), '\n]\n');
    const line = 1 + a.split('\n').length + 1;
    const r = await importBenchmark(store, [file], { level: 'L2' });
    expect(r.imported).toBe(1);
    expect(r.skipped.kept.map((s) => [s.line, s.reason])).toEqual([[line, `invalid UTF-8 at byte ${at[0]}`]]);
  });

  it('run files (JSONL and JSON documents), parsed inline and on the worker: reported by line and offset, the rest imports', async () => {
    await importBenchmark(store, [ann('validation_L1.jsonl')], {});
    const rec = (id: number, text: string) => JSON.stringify({ sample_id: id, response: `<think>${text}</think><answer>B</answer>`, reward: 1 });
    const jsonl = write(
      'eval_results_for_validation_L1.jsonl',
      rec(2051, 'café'), '\n',
      '{"sample_id": 115, "response": "<think>the ', [0xe2, 0x82], 'tap</think><answer>C</answer>", "reward": 1}\n',
      rec(300, 'a pan'), '\n',
    );
    const doc = write(
      'eval_L1_results.json',
      '{\n  "results": [\n    ', rec(2051, 'ok'), ',\n    ',
      '{"sample_id": 115, "output": "<think>', [0xed, 0xa0, 0x80], '</think><answer>C</answer>", "correct": true}',
      '\n  ]\n}\n',
    );
    for (const parallel of [false, true]) {
      const r = await importRun(store, jsonl.file, { name: `jsonl-${parallel}`, method: 'rl', parallel });
      expect(r.imported).toBe(2);
      expect(r.skipped.kept.map((s) => [s.line, s.field, s.reason])).toEqual([[2, null, `invalid UTF-8 at byte ${jsonl.at[0]}`]]);
      const d = await importRun(store, doc.file, { name: `doc-${parallel}`, method: 'rl', level: 'L1', parallel });
      expect(d.imported).toBe(1);
      expect(d.skipped.kept.map((s) => [s.line, s.reason])).toEqual([[4, `invalid UTF-8 at byte ${doc.at[0]}`]]);
      const err = await refusal(importRun(store, jsonl.file, { name: `strict-${parallel}`, method: 'rl', parallel, strict: true }));
      expect(err.message).toBe(`${jsonl.file}: 1 line(s) would be skipped; nothing imported (--strict)`);
    }
    expect(store.db.prepare("SELECT COUNT(*) FROM responses WHERE raw LIKE '%' || char(65533) || '%'").pluck().get()).toBe(0);
    expect(store.db.prepare('SELECT name FROM runs ORDER BY id').pluck().all()).toEqual(['jsonl-false', 'doc-false', 'jsonl-true', 'doc-true']);
  });
});

describe('a file that yields nothing to import', () => {
  // A PNG's signature (its 0x0a bytes end lines), then bytes that are not UTF-8 at offset 10: four lines, none a record.
  const binary = () => write('validation_L1.jsonl', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0xff, 0xd8], '\n', [0x00, 0x01, 0x02]).file;
  const BINARY_REASONS = ['invalid UTF-8 at byte 0', expect.stringMatching(/^malformed JSON/), 'invalid UTF-8 at byte 10', expect.stringMatching(/^malformed JSON/)];

  it('benchmark: empty or binary is an error naming the file, and nothing is recorded (with other files or alone)', async () => {
    const empty = write('validation_L3.jsonl').file;
    let err = await refusal(importBenchmark(store, [empty], {}));
    expect(err.message).toBe(`${empty}: no records found; nothing imported`);
    nothingRecorded();

    err = await refusal(importBenchmark(store, [ann('validation_L2.jsonl'), binary()], { dataRoot: ROOT }));
    expect(err.message).toBe(`${path.join(dir, 'validation_L1.jsonl')}: no valid samples (4 line(s) skipped); nothing imported`);
    expect(err.skipped.kept.map((s) => s.reason)).toEqual(BINARY_REASONS);
    nothingRecorded();
  });

  it('run: the same rule (it was already the run importer\'s)', async () => {
    await importBenchmark(store, [ann('validation_L1.jsonl')], {});
    const before = count('imports');
    const empty = write('eval_L1.jsonl', '\n\n').file;
    expect((await refusal(importRun(store, empty, { name: 'a', method: 'rl' }))).message).toBe(`${empty}: no records found; nothing imported`);
    const bin = binary();
    const err = await refusal(importRun(store, bin, { name: 'a', method: 'rl' }));
    expect(err.message).toBe(`${bin}: no valid responses (4 line(s) skipped); nothing imported`);
    expect(err.skipped.kept.map((s) => s.reason)).toEqual(BINARY_REASONS);
    expect([count('imports'), count('runs')]).toEqual([before, 0]);
  });

  it('an app import job of an empty benchmark file fails naming it and records nothing', async () => {
    const empty = write('validation_L3.jsonl').file;
    const jobs = new ImportJobs(store);
    const job = await jobs.settle(jobs.start({ kind: 'benchmark', paths: [empty], strict: false }).id);
    expect(job).toMatchObject({ state: 'failed', imported: 0, message: `${empty}: no records found; nothing imported` });
    const bin = binary();
    const two = await jobs.settle(jobs.start({ kind: 'benchmark', paths: [ann('validation_L2.jsonl'), bin], strict: false }).id);
    expect(two.state).toBe('failed');
    expect(two.message).toBe(`${bin}: no valid samples (4 line(s) skipped); nothing imported; nothing was imported from any of the 2 files`);
    expect(two.skipped.map((s) => s.line)).toEqual([1, 2, 3, 4]);
    nothingRecorded();
  });
});

describe('media behind symlinks', () => {
  it('count as present only where the media server would serve them; the others are reported with the reason', async () => {
    // A data root whose L2 media are: 115's image a link leading outside the root, 115's video a link to a video
    // inside it, 116's image a .png link to the annotation file, 116's video a plain file.
    const root = path.join(dir, 'root');
    const outside = path.join(dir, 'passwd');
    fs.writeFileSync(outside, 'root:x:0:0:root:/root:/bin/bash\n');
    for (const d of ['annotations', 'images/Ego4D', 'videos/Ego4D', 'clips']) fs.mkdirSync(path.join(root, d), { recursive: true });
    fs.copyFileSync(ann('validation_L2.jsonl'), path.join(root, 'annotations', 'validation_L2.jsonl'));
    fs.writeFileSync(path.join(root, 'clips', 'real.mp4'), Buffer.alloc(1234));
    fs.symlinkSync(outside, path.join(root, 'images/Ego4D/115.png'));
    fs.symlinkSync(path.join(root, 'clips', 'real.mp4'), path.join(root, 'videos/Ego4D/115.mp4'));
    fs.symlinkSync(path.join(root, 'annotations', 'validation_L2.jsonl'), path.join(root, 'images/Ego4D/116.png'));
    fs.writeFileSync(path.join(root, 'videos/Ego4D/116.mp4'), Buffer.alloc(99));

    const r = await importBenchmark(store, [path.join(root, 'annotations', 'validation_L2.jsonl')], { dataRoot: root });
    expect(r.missing).toEqual([
      { level: 'L2', sampleId: '115', kind: 'image', path: 'images/Ego4D/115.png', reason: 'media path is outside its data root' },
      { level: 'L2', sampleId: '116', kind: 'image', path: 'images/Ego4D/116.png', reason: 'media path is not a video or image' },
    ]);
    const media = store.db
      .prepare('SELECT s.sample_id, m.kind, m.rel_path, m.present, m.bytes FROM media m JOIN samples s ON s.id = m.sample_id ORDER BY s.sample_id, m.kind')
      .all() as { sample_id: string; kind: string; rel_path: string; present: number; bytes: number | null }[];
    expect(media.map((m) => [m.sample_id, m.kind, m.present, m.bytes])).toEqual([
      ['115', 'image', 0, null], // not the size of the file outside
      ['115', 'video', 1, 1234],
      ['116', 'image', 0, null],
      ['116', 'video', 1, 99],
    ]);
    // Import and serving agree on every file.
    for (const m of media) {
      const served = await resolveMedia({ path: path.join(root, m.rel_path), root });
      expect(served.status === 200, m.rel_path).toBe(m.present === 1);
    }
    // And so does a remap of the data root (to the same folder reached through a link): the same files are present.
    fs.symlinkSync(root, path.join(dir, 'root-link'));
    const datasetId = (store.db.prepare('SELECT id FROM datasets WHERE root = ?').get(fs.realpathSync(root)) as { id: number }).id;
    await new Datasets(store.db, new Settings(store.db)).remap(datasetId, path.join(dir, 'root-link'));
    const again = store.db
      .prepare('SELECT s.sample_id, m.kind, m.present, m.bytes FROM media m JOIN samples s ON s.id = m.sample_id ORDER BY s.sample_id, m.kind')
      .all() as { sample_id: string; kind: string; present: number; bytes: number | null }[];
    expect(again.map((m) => [m.sample_id, m.kind, m.present, m.bytes])).toEqual(media.map((m) => [m.sample_id, m.kind, m.present, m.bytes]));
  });
});
