import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importBenchmark } from '../../electron/core/import-benchmark.ts';
import { ImportRefused, importRun } from '../../electron/core/import-run.ts';
import { computeStats } from '../../electron/core/stats.ts';
import { openStore, type Store } from '../../electron/core/store.ts';

const FIX = fileURLToPath(new URL('../fixtures/', import.meta.url));
const ROOT = path.join(FIX, 'root');
const ann = (f: string) => path.join(ROOT, 'annotations', f);
const runFile = (f: string) => path.join(FIX, 'runs', f);

let dir: string;
let store: Store;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-imp-'));
  store = openStore(path.join(dir, 'w.db'));
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function importValidation() {
  return importBenchmark(store, [ann('validation_L1.jsonl'), ann('validation_L2.jsonl'), ann('validation_L3.jsonl')], {
    dataRoot: ROOT,
  });
}

describe('benchmark import', () => {
  it('imports every valid record and reports each skipped line by number, field and reason', async () => {
    const r = await importValidation();
    expect(r.files.map((f) => [path.basename(f.file), f.level, f.imported, f.skipped])).toEqual([
      ['validation_L1.jsonl', 'L1', 3, 3],
      ['validation_L2.jsonl', 'L2', 2, 0],
      ['validation_L3.jsonl', 'L3', 1, 0],
    ]);
    const skipped = r.skipped.kept.map((s) => [s.line, s.field, s.reason]);
    expect(skipped[0][0]).toBe(3);
    expect(skipped[0][2]).toMatch(/^malformed JSON/);
    expect(skipped[1]).toEqual([5, 'question', 'missing field `question`']);
    expect(skipped[2][0]).toBe(6);
    expect(skipped[2][1]).toBe('golden_choice_idx');
    expect(skipped[2][2]).toMatch(/golden_choice_idx/);
    // The report is also kept in the workspace.
    expect(store.db.prepare('SELECT line, field FROM import_skips ORDER BY line').all()).toEqual([
      { line: 3, field: null },
      { line: 5, field: 'question' },
      { line: 6, field: 'golden_choice_idx' },
    ]);
  });

  it('keeps every benchmark field and the raw record; ids as text', async () => {
    await importValidation();
    const l3 = store.db.prepare("SELECT * FROM samples WHERE level = 'L3'").get() as any;
    expect(l3.sample_id).toBe('3e1f0a2b-7c44-4d0e-9a51-52c0d8e6b7aa_4');
    expect(l3).toMatchObject({ domain: 'Hobbies', scenario: 'gardening', task_start_frame: 0, golden: 'C', current_observation_frame: 540 });
    expect(JSON.parse(l3.task_progress)).toHaveLength(2);
    expect(JSON.parse(l3.raw).choice_c).toBe('take plant out of old pot');
    const l1 = store.db.prepare("SELECT sample_id, typeof(sample_id) AS t, choice_b FROM samples WHERE level = 'L1' AND sample_id = '2051'").get();
    expect(l1).toEqual({ sample_id: '2051', t: 'text', choice_b: 'put coffee into cup' });
    expect(computeStats(store).samples).toEqual({ L1: 3, L2: 2, L3: 1 });
  });

  it('resolves videos and images under the data root and reports the missing ones without failing', async () => {
    const r = await importValidation();
    expect(r.missing).toEqual([{ level: 'L1', sampleId: '115', kind: 'video', path: 'videos/EpicKitchens/115.mp4', reason: 'media file not found' }]);
    const media = store.db
      .prepare(
        `SELECT s.sample_id, m.kind, m.rel_path, m.expected, m.present FROM media m JOIN samples s ON s.id = m.sample_id
          WHERE s.level = 'L1' ORDER BY s.sample_id, m.kind`,
      )
      .all();
    expect(media).toEqual([
      { sample_id: '115', kind: 'image', rel_path: 'images/EpicKitchens/115.png', expected: 1, present: 1 },
      { sample_id: '115', kind: 'video', rel_path: 'videos/EpicKitchens/115.mp4', expected: 1, present: 0 },
      { sample_id: '2051', kind: 'image', rel_path: 'images/EpicKitchens/2051.png', expected: 1, present: 1 },
      { sample_id: '2051', kind: 'video', rel_path: 'videos/EpicKitchens/2051.mp4', expected: 1, present: 1 },
      // empty task progress: no video is expected, only the image
      { sample_id: '300', kind: 'image', rel_path: 'images/EpicKitchens/300.png', expected: 1, present: 1 },
      { sample_id: '300', kind: 'video', rel_path: 'videos/EpicKitchens/300.mp4', expected: 0, present: 0 },
    ]);
    expect((store.db.prepare('SELECT root FROM datasets').get() as any).root).toBe(fs.realpathSync(ROOT));
  });

  it('reads EgoPlan JSON arrays and training files (answer + negative_answers, with or without sample_id)', async () => {
    const r = await importBenchmark(store, [ann('EgoPlan_Bench2.json'), ann('training_6k.jsonl')], { level: undefined, dataRoot: ROOT }).catch((e) => e);
    // EgoPlan_Bench2.json has no level in its name
    expect(r).toBeInstanceOf(Error);
    expect((r as Error).message).toMatch(/EgoPlan_Bench2\.json: cannot tell the level.*--level/);

    const eg = await importBenchmark(store, [ann('EgoPlan_Bench2.json')], { level: 'L3' });
    expect(eg.files[0]).toMatchObject({ level: 'L3', imported: 2, skipped: 0 });
    const tr = await importBenchmark(store, [ann('training_6k.jsonl')], {});
    expect(tr.files[0]).toMatchObject({ level: 'train', split: 'training', imported: 2 });
    const ids = store.db.prepare("SELECT sample_id, answer, negative_answers, golden FROM samples WHERE level = 'train' ORDER BY source_line").all() as any[];
    expect(ids.map((x) => x.sample_id)).toEqual(['40017', 'training_6k.jsonl:2']);
    expect(ids[0].answer).toBe('scrub pan');
    expect(JSON.parse(ids[0].negative_answers)).toContain('open fridge');
    expect(ids[0].golden).toBeNull();
  });

  it('--strict imports nothing when a line would be skipped, and says which file', async () => {
    const err = await importBenchmark(store, [ann('validation_L2.jsonl'), ann('validation_L1.jsonl')], { strict: true }).catch((e) => e);
    expect(err).toBeInstanceOf(ImportRefused);
    expect(err.message).toBe(`${ann('validation_L1.jsonl')}: 3 line(s) would be skipped; nothing imported (--strict)`);
    expect((err as ImportRefused).skipped.count).toBe(3);
    expect(computeStats(store).samples).toEqual({});
    expect(store.db.prepare('SELECT COUNT(*) FROM imports').pluck().get()).toBe(0);
  });

  it('re-importing a benchmark file updates samples in place', async () => {
    await importValidation();
    const before = store.db.prepare('SELECT id, level, sample_id FROM samples ORDER BY id').all();
    await importValidation();
    expect(store.db.prepare('SELECT id, level, sample_id FROM samples ORDER BY id').all()).toEqual(before);
  });

  it('refuses a data root that does not exist', async () => {
    await expect(importBenchmark(store, [ann('validation_L2.jsonl')], { dataRoot: path.join(dir, 'nope') })).rejects.toThrow(
      /--data-root .*nope: no such directory/,
    );
  });
});

describe('run import', () => {
  beforeEach(async () => {
    await importValidation();
  });

  it('imports infer.py JSONL: scores each response, keeps the reward, flags disagreements, numbers rollouts', async () => {
    const r = await importRun(store, runFile('eval_results_for_validation_L1.jsonl'), { name: 'rl-grpo', method: 'rl' });
    expect(r).toMatchObject({ format: 'infer-py', level: 'L1', imported: 4, scoreDisagreements: 1, runCreated: true });
    expect(r.skipped.kept.map((s) => [s.line, s.field, s.reason.replace(/:.*/, '')])).toEqual([
      [3, null, 'malformed JSON'],
      [4, 'sample_id', 'unknown sample id 4242 in L1'],
      [5, 'response', 'missing field `response`'],
    ]);
    const rows = store.db
      .prepare(
        `SELECT s.sample_id, x.rollout, x.prediction, x.correct, x.file_reward, x.file_correct, x.score_disagreement, x.format_ok, x.source_line
           FROM responses x JOIN samples s ON s.id = x.sample_id ORDER BY x.source_line`,
      )
      .all();
    expect(rows).toEqual([
      { sample_id: '2051', rollout: 0, prediction: 'B', correct: 1, file_reward: 1, file_correct: 1, score_disagreement: 0, format_ok: 1, source_line: 1 },
      // "115" as a string matches sample 115; infer.py's first-character rule scored " C" 0, ours says C: right
      { sample_id: '115', rollout: 0, prediction: 'C', correct: 1, file_reward: 0, file_correct: 0, score_disagreement: 1, format_ok: 1, source_line: 2 },
      { sample_id: '300', rollout: 0, prediction: 'A', correct: 1, file_reward: 1, file_correct: 1, score_disagreement: 0, format_ok: 1, source_line: 6 },
      { sample_id: '2051', rollout: 1, prediction: 'A', correct: 0, file_reward: 0, file_correct: 0, score_disagreement: 0, format_ok: 1, source_line: 7 },
    ]);
  });

  it('stores steps whose offsets slice exactly the step text, and indexes the chain for search', async () => {
    await importRun(store, runFile('eval_results_for_validation_L1.jsonl'), { name: 'rl-grpo', method: 'rl' });
    const resp = store.db.prepare("SELECT x.id, x.raw, x.step_count, x.think_start, x.think_end FROM responses x JOIN samples s ON s.id = x.sample_id WHERE s.sample_id = '2051' AND x.rollout = 0").get() as any;
    const steps = store.db.prepare('SELECT idx, start, end FROM steps WHERE response_id = ? ORDER BY idx').all(resp.id) as any[];
    expect(steps.map((s) => resp.raw.slice(s.start, s.end))).toEqual([
      'The kettle was filled and switched on, and the coffee jar is in hand.',
      'The cup is empty, so the coffee goes into the cup next.',
    ]);
    expect(resp.step_count).toBe(2);
    expect(resp.raw.slice(resp.think_start, resp.think_end)).toMatch(/^The kettle .* next\.$/s);
    const hits = store.db.prepare("SELECT rowid FROM responses_fts WHERE responses_fts MATCH 'kettle'").all();
    expect(hits).toEqual([{ rowid: resp.id }]);
  });

  it('imports GRPO-CARE JSON and flags where its exact-match scoring differs from ours', async () => {
    const r = await importRun(store, runFile('eval_16frames_seed_bench_r1_L1_results.json'), { name: 'sft', method: 'sft' });
    expect(r).toMatchObject({ format: 'grpo-care', level: 'L1', imported: 3, scoreDisagreements: 1 });
    const closeTap = store.db
      .prepare("SELECT x.answer_text, x.prediction, x.correct, x.file_correct, x.score_disagreement FROM responses x JOIN samples s ON s.id = x.sample_id WHERE s.sample_id = '115' AND s.level = 'L1'")
      .get();
    expect(closeTap).toEqual({ answer_text: 'C. close tap', prediction: 'C', correct: 1, file_correct: 0, score_disagreement: 1 });
  });

  it('imports any JSONL with named id and response fields; a level-less id found in several levels is reported', async () => {
    const r = await importRun(store, runFile('judged_outputs.jsonl'), { name: 'judge', method: 'other', idField: 'qid', responseField: 'text' });
    expect(r.format).toBe('generic');
    expect(r.imported).toBe(2);
    expect(r.skipped.kept).toEqual([
      expect.objectContaining({ line: 2, field: 'qid', reason: 'sample id 115 matches samples in L1, L2; pass --level' }),
    ]);
    const got = store.db
      .prepare('SELECT s.level, s.sample_id, x.prediction, x.correct FROM responses x JOIN samples s ON s.id = x.sample_id ORDER BY x.source_line')
      .all();
    expect(got).toEqual([
      { level: 'L1', sample_id: '2051', prediction: 'B', correct: 1 }, // the option's text matched
      { level: 'L2', sample_id: '116', prediction: 'A', correct: 1 },
    ]);
    // With --level the ambiguity is gone.
    const again = await importRun(store, runFile('judged_outputs.jsonl'), { name: 'judge-l2', method: 'other', idField: 'qid', responseField: 'text', level: 'L2' });
    expect(again.imported).toBe(2);
    expect(again.skipped.kept.map((s) => s.reason)).toEqual(['unknown sample id 2051 in L2']);
  });

  it('keeps every response to the same sample, numbered in file order, across files of one run', async () => {
    await importRun(store, runFile('rollouts_validation_L1.jsonl'), { name: 'rl-k', method: 'rl' });
    await importRun(store, runFile('eval_results_for_validation_L1.jsonl'), { name: 'rl-k', method: 'rl' });
    const rollouts = store.db
      .prepare("SELECT x.rollout, x.source_line, i.path FROM responses x JOIN samples s ON s.id = x.sample_id JOIN imports i ON i.id = x.import_id WHERE s.sample_id = '2051' ORDER BY x.rollout")
      .all() as any[];
    expect(rollouts.map((x) => [x.rollout, path.basename(x.path), x.source_line])).toEqual([
      [0, 'rollouts_validation_L1.jsonl', 1],
      [1, 'rollouts_validation_L1.jsonl', 3],
      [2, 'rollouts_validation_L1.jsonl', 4],
      [3, 'eval_results_for_validation_L1.jsonl', 1],
      [4, 'eval_results_for_validation_L1.jsonl', 7],
    ]);
    const stats = computeStats(store);
    expect(stats.runs).toEqual([
      {
        name: 'rl-k',
        method: 'rl',
        levels: { L1: { responses: 8, answered: 8, correct: 6, accuracy: 0.75, format_errors: 0, score_disagreements: 1 } },
      },
    ]);
  });

  it('refuses to import the same file into the same run twice', async () => {
    await importRun(store, runFile('eval_results_for_validation_L1.jsonl'), { name: 'rl-grpo', method: 'rl' });
    await expect(importRun(store, runFile('eval_results_for_validation_L1.jsonl'), { name: 'rl-grpo', method: 'rl' })).rejects.toThrow(
      /already imported into run "rl-grpo"/,
    );
    // A copy under another name has the same sha256.
    const copy = path.join(dir, 'copy_L1.jsonl');
    fs.copyFileSync(runFile('eval_results_for_validation_L1.jsonl'), copy);
    await expect(importRun(store, copy, { name: 'rl-grpo', method: 'rl' })).rejects.toThrow(/already imported/);
    // Into another run it is fine.
    await expect(importRun(store, copy, { name: 'other', method: 'rl' })).resolves.toMatchObject({ imported: 4 });
  });

  it('refuses adding to a run under a different method', async () => {
    await importRun(store, runFile('eval_results_for_validation_L1.jsonl'), { name: 'rl-grpo', method: 'rl' });
    await expect(importRun(store, runFile('rollouts_validation_L1.jsonl'), { name: 'rl-grpo', method: 'sft' })).rejects.toThrow(
      /already exists with method rl/,
    );
  });

  it('--strict imports nothing and leaves no run when any line would be skipped', async () => {
    const err = await importRun(store, runFile('eval_results_for_validation_L1.jsonl'), { name: 'rl-grpo', method: 'rl', strict: true }).catch((e) => e);
    expect(err).toBeInstanceOf(ImportRefused);
    expect(err.message).toMatch(/3 line\(s\) would be skipped; nothing imported \(--strict\)/);
    expect((err as ImportRefused).skipped.count).toBe(3);
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM runs').get()).toEqual({ n: 0 });
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM responses').get()).toEqual({ n: 0 });
    expect(store.db.prepare("SELECT COUNT(*) AS n FROM imports WHERE kind = 'run'").get()).toEqual({ n: 0 });
  });

  it('says which field to name when a generic file has no response field', async () => {
    await expect(importRun(store, runFile('judged_outputs.jsonl'), { name: 'j', method: 'other', idField: 'qid' })).rejects.toThrow(
      /judged_outputs\.jsonl, line 1: no `response` or `output` field; .*--response-field \(fields here: qid, text\)/,
    );
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM runs').get()).toEqual({ n: 0 });
  });

  it('a cancelled import leaves no partial run and keeps everything committed before it', async () => {
    await importRun(store, runFile('rollouts_validation_L1.jsonl'), { name: 'kept', method: 'rl' });
    const ctl = new AbortController();
    ctl.abort();
    await expect(
      importRun(store, runFile('eval_results_for_validation_L1.jsonl'), { name: 'cancelled', method: 'rl', signal: ctl.signal }),
    ).rejects.toThrow(/cancelled/);
    expect(store.db.prepare('SELECT name FROM runs').all()).toEqual([{ name: 'kept' }]);
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM responses').get()).toEqual({ n: 4 });
  });
});

describe('run import on a worker thread', () => {
  it('gives exactly the rows, skips and figures of the inline import', async () => {
    await importValidation();
    const files = ['eval_results_for_validation_L1.jsonl', 'eval_16frames_seed_bench_r1_L1_results.json'];
    const results = [];
    for (const parallel of [false, true]) {
      for (const f of files) {
        const r = await importRun(store, runFile(f), { name: `${f}-${parallel}`, method: 'rl', parallel });
        results.push({ format: r.format, imported: r.imported, disagreements: r.scoreDisagreements, skipped: r.skipped.kept.map((s) => [s.line, s.field, s.reason]) });
      }
    }
    expect(results.slice(2)).toEqual(results.slice(0, 2));
    const rows = (parallel: boolean) =>
      files.flatMap((f) =>
        store.db
          .prepare(
            `SELECT x.sample_id, x.rollout, x.source_line, x.raw, x.think_start, x.think_end, x.answer_text, x.prediction, x.correct, x.format_ok,
                    x.file_reward, x.file_correct, x.score_disagreement, x.steps, x.step_count
               FROM responses x JOIN runs r ON r.id = x.run_id WHERE r.name = ? ORDER BY x.id`,
          )
          .all(`${f}-${parallel}`),
      );
    expect(rows(true)).toEqual(rows(false));
    expect(rows(true)).toHaveLength(7);
  });

  it('records the file\'s sha256 and makes every chain searchable, inline and on the worker', async () => {
    await importValidation();
    const f = 'eval_results_for_validation_L1.jsonl';
    for (const parallel of [false, true]) await importRun(store, runFile(f), { name: `${f}-${parallel}`, method: 'rl', parallel });
    const sha = crypto.createHash('sha256').update(fs.readFileSync(runFile(f))).digest('hex');
    expect(store.db.prepare("SELECT sha256 FROM imports WHERE kind = 'run' ORDER BY id").pluck().all()).toEqual([sha, sha]);
    // A new run's hash is taken while parsing: adding the same file to it again is still refused.
    await expect(importRun(store, runFile(f), { name: `${f}-true`, method: 'rl', parallel: true })).rejects.toThrow(/already imported/);
    // The full-text index holds exactly the stored chains (FTS5 checks it against the responses table).
    expect(() => store.db.prepare("INSERT INTO responses_fts (responses_fts) VALUES ('integrity-check')").run()).not.toThrow();
    const hits = (q: string) => store.db.prepare('SELECT rowid FROM responses_fts WHERE responses_fts MATCH ? ORDER BY rowid').pluck().all(q);
    const ids = store.db.prepare('SELECT id FROM responses ORDER BY id').pluck().all();
    expect(hits('think* OR answer* OR the')).toEqual(ids);
    expect(hits('kettle')).toHaveLength(2);
  });

  it('reports a file without a response field from the worker as clearly as inline', async () => {
    await importValidation();
    await expect(
      importRun(store, runFile('judged_outputs.jsonl'), { name: 'j', method: 'other', idField: 'qid', parallel: true }),
    ).rejects.toThrow(/judged_outputs\.jsonl, line 1: no `response` or `output` field/);
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM runs').get()).toEqual({ n: 0 });
  });
});
