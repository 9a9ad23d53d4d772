import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wilson } from '../../shared/wilson.ts';
import { buildFixture } from '../store/aggregates-fixture.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(REPO, 'bin', 'cotscope.js');
const FIX = path.join(REPO, 'test', 'fixtures');

function cotscope(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: REPO });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-cli-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('cotscope CLI', () => {
  it('has --help for every command', () => {
    const top = cotscope('--help');
    expect(top.code).toBe(0);
    for (const cmd of ['init', 'import-benchmark', 'import-run', 'stats', 'export', 'demo', 'serve']) {
      expect(top.stdout).toContain(cmd);
      const help = cotscope(cmd, '--help');
      expect(help.code, cmd).toBe(0);
      expect(help.stdout, cmd).toMatch(new RegExp(`Usage: cotscope ${cmd}`));
    }
    // The package's bin, as `npx cotscope` finds it after `npm ci`.
    const npx = spawnSync('npx', ['--no-install', 'cotscope', '--help'], { encoding: 'utf8', cwd: REPO });
    expect(npx.status).toBe(0);
    expect(npx.stdout).toMatch(/^Usage: cotscope \[options\] \[command\]/);
    expect(cotscope('import-run', '--help').stdout).toMatch(/--method <method>\s+training method \(choices: "rl", "sft", "base",\s+"other"\)/);
  });

  it('init, import, stats, export: a whole session on fixture files', () => {
    const db = path.join(dir, 'session.db');
    const init = cotscope('--db', db, 'init');
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/created workspace .*session\.db \(schema version \d+\)/);
    expect(cotscope('--db', db, 'init').stdout).toMatch(/is up to date/);

    const bench = cotscope(
      '--db', db, 'import-benchmark',
      path.join(FIX, 'root/annotations/validation_L1.jsonl'),
      path.join(FIX, 'root/annotations/validation_L2.jsonl'),
      path.join(FIX, 'root/annotations/validation_L3.jsonl'),
      '--data-root', path.join(FIX, 'root'),
    );
    expect(bench.code).toBe(0);
    expect(bench.stdout).toMatch(/validation_L1\.jsonl: 3 validation samples \(L1\), 3 skipped/);
    expect(bench.stdout).toMatch(/validation_L1\.jsonl:3: malformed JSON/);
    expect(bench.stdout).toMatch(/validation_L1\.jsonl:5: missing field `question`/);
    expect(bench.stdout).toMatch(/missing media under .*: 1 file\(s\)\n\s+L1 115: video videos\/EpicKitchens\/115\.mp4/);

    const run = cotscope('--db', db, 'import-run', path.join(FIX, 'runs/eval_results_for_validation_L1.jsonl'), '--name', 'rl-grpo', '--method', 'rl');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/4 responses into new run "rl-grpo" \(infer-py, L1\); 1 score disagreement/);
    expect(run.stdout).toMatch(/eval_results_for_validation_L1\.jsonl:4: unknown sample id 4242 in L1/);

    const again = cotscope('--db', db, 'import-run', path.join(FIX, 'runs/eval_results_for_validation_L1.jsonl'), '--name', 'rl-grpo', '--method', 'rl');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^cotscope: .*already imported into run "rl-grpo"/);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);

    const sft = cotscope('--db', db, 'import-run', path.join(FIX, 'runs/eval_16frames_seed_bench_r1_L1_results.json'), '--name', 'sft', '--method', 'sft');
    expect(sft.code).toBe(0);

    const stats = cotscope('--db', db, 'stats', '--json');
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.stdout)).toEqual({
      samples: { L1: 3, L2: 2, L3: 1 },
      runs: [
        { name: 'rl-grpo', method: 'rl', levels: { L1: { responses: 4, answered: 4, correct: 3, accuracy: 0.75, format_errors: 0, score_disagreements: 1 } } },
        { name: 'sft', method: 'sft', levels: { L1: { responses: 3, answered: 3, correct: 2, accuracy: 2 / 3, format_errors: 0, score_disagreements: 1 } } },
      ],
    });
    const table = cotscope('--db', db, 'stats');
    expect(table.stdout).toMatch(/rl-grpo\s+rl\s+L1\s+4\s+4\s+3\s+75\.00%/);

    const out = path.join(dir, 'export.jsonl');
    const exp = cotscope('--db', db, 'export', '--format', 'jsonl', '--out', out);
    expect(exp.code).toBe(0);
    expect(exp.stdout).toMatch(/wrote 7 responses/);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(7);
    const first = lines[0];
    expect(first).toMatchObject({ sample_id: '2051', level: 'L1', run: 'rl-grpo', method: 'rl', rollout: 0, prediction: 'B', golden: 'B', correct: true, format_ok: true, file_reward: 1, score_disagreement: false, tags: [], verdicts: [] });
    expect(first.think).toMatch(/^The kettle was filled/);
    expect(first.answer_raw).toBe('B.');
    for (const s of first.steps) expect(first.response.slice(s.start, s.end)).toBe(s.text);
    expect(lines.find((l) => l.run === 'sft' && l.sample_id === '115')).toMatchObject({ answer_raw: 'C. close tap', correct: true, file_correct: false, score_disagreement: true });
  });

  it('exits non-zero with a one-line reason on bad use', () => {
    const db = path.join(dir, 'bad.db');
    const noDb = cotscope('stats');
    expect(noDb.code).toBe(1);
    expect(noDb.stderr.trim()).toBe('cotscope: --db FILE is required (the workspace file)');

    const missing = cotscope('--db', path.join(dir, 'nope.db'), 'stats');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.db: no such workspace/);
    expect(fs.existsSync(path.join(dir, 'nope.db'))).toBe(false);

    const badMethod = cotscope('--db', db, 'import-run', 'x.jsonl', '--name', 'a', '--method', 'ppo');
    expect(badMethod.code).toBe(2);
    expect(badMethod.stderr).toMatch(/--method <method>' argument 'ppo' is invalid/);

    const badLevel = cotscope('--db', db, 'import-benchmark', 'x.jsonl', '--level', 'L9');
    expect(badLevel.code).toBe(1);
    expect(badLevel.stderr).toMatch(/--level L9: expected one of L1, L2, L3/);

    cotscope('--db', db, 'init');
    const strict = cotscope('--db', db, 'import-benchmark', path.join(FIX, 'root/annotations/validation_L1.jsonl'), '--strict');
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/skipped 3 line\(s\)/);
    expect(strict.stderr).toMatch(/nothing imported \(--strict\)/);
    expect(JSON.parse(cotscope('--db', db, 'stats', '--json').stdout).samples).toEqual({});

    const noFile = cotscope('--db', db, 'import-run', path.join(dir, 'absent.jsonl'), '--name', 'a', '--method', 'rl');
    expect(noFile.code).toBe(1);
    expect(noFile.stderr).toMatch(/absent\.jsonl: no such file/);
  });
});

describe('cotscope demo: the sample data root end to end', () => {
  const expected = JSON.parse(fs.readFileSync(path.join(REPO, 'demo', 'expected.json'), 'utf8'));
  // Which file shape each demo run is imported from decides whose scoring it is compared with.
  const disagreementSource: Record<string, string> = {
    'rl-grpo': 'score_disagreements_inferpy',
    sft: 'score_disagreements_grpocare',
    'rl-grpo-k4': 'score_disagreements_inferpy',
  };

  it('builds the demo workspace whose figures match the hand-worked expectations', () => {
    const db = path.join(dir, 'demo.db');
    const built = cotscope('demo', '--db', db);
    expect(built.code).toBe(0);
    expect(built.stdout).toMatch(/built demo workspace .*: 16 samples, 44 responses/);

    const stats = JSON.parse(cotscope('--db', db, 'stats', '--json').stdout);
    expect(stats.samples).toEqual(expected.samples);
    expect(stats.runs.map((r: any) => [r.name, r.method])).toEqual([['rl-grpo', 'rl'], ['sft', 'sft'], ['rl-grpo-k4', 'rl']]);
    for (const run of stats.runs) {
      for (const [level, want] of Object.entries<any>(expected.runs[run.name])) {
        expect(run.levels[level], `${run.name} ${level}`).toEqual({
          responses: want.responses,
          answered: want.answered,
          correct: want.correct,
          accuracy: want.correct / want.responses,
          format_errors: want.format_errors,
          score_disagreements: want[disagreementSource[run.name]],
        });
      }
    }

    // Building over an existing workspace is refused unless --force.
    const again = cotscope('demo', '--db', db);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists; pass --force/);
    const kept = cotscope('demo', '--db', db, '--keep');
    expect(kept.code).toBe(0);
    expect(kept.stdout).toMatch(/already exists \(kept; --force rebuilds it\)\nsamples: L1 6, L2 5, L3 5/);
    expect(cotscope('demo', '--db', db, '--force').code).toBe(0);
  });

  it('every demo question has its observation image; the one without task progress has no video, as designed', () => {
    const db = path.join(dir, 'media.db');
    cotscope('--db', db, 'init');
    const root = path.join(REPO, 'demo', 'seed-bench-r1');
    const files = ['L1', 'L2', 'L3'].map((l) => path.join(root, 'annotations', `validation_${l}.jsonl`));
    const r = JSON.parse(cotscope('--db', db, 'import-benchmark', ...files, '--data-root', root, '--json').stdout);
    expect(r.imported).toBe(16);
    expect(r.skipped.count).toBe(0);
    expect(r.missingCount).toBe(0); // the clip-less question expects no video
    const noVideo = expected.missing_media.videos.map((v: string) => path.basename(v, '.mp4'));
    expect(noVideo).toHaveLength(1);
    const annotations = files.flatMap((f) => fs.readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l)));
    expect(annotations.filter((a) => a.task_progress_metadata.length === 0).map((a) => String(a.sample_id))).toEqual(noVideo);
  });

  it('exports the demo chains with steps that slice the raw text exactly', () => {
    const db = path.join(dir, 'demo-export.db');
    cotscope('demo', '--db', db);
    const out = path.join(dir, 'demo.jsonl');
    expect(cotscope('--db', db, 'export', '--format', 'jsonl', '--out', out).code).toBe(0);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(44);
    for (const l of lines) {
      expect(typeof l.sample_id).toBe('string');
      for (const s of l.steps) expect(l.response.slice(s.start, s.end)).toBe(s.text);
    }
    // The degenerate chain with no </think> and no answer still has its steps, and no prediction.
    const degenerate = expected.failure_cases.find((c: any) => c.label === 'degenerate' && c.run === 'rl-grpo');
    const row = lines.find((l) => l.run === 'rl-grpo' && l.sample_id === String(degenerate.sample_id));
    expect(row.prediction).toBeNull();
    expect(row.format_ok).toBe(false);
    expect(row.steps.length).toBeGreaterThan(5);
  });
});

// compare and stats --labels on the hand-built fixture of test/store/aggregates-fixture.ts (figures worked out there).
describe('cotscope compare, stats --labels', () => {
  let db: string;
  beforeAll(async () => {
    const fixture = await buildFixture(path.join(dir, 'aggregates'));
    db = fixture.store.file;
    fixture.store.close();
  });

  it('compare --json prints the outcome matrix; a table without it', () => {
    const r = cotscope('--db', db, 'compare', '--runs', 'rl,sft', '--json');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      '{"pair":["rl","sft"],"levels":{' +
        '"L1":{"both_right":1,"only_a":1,"only_b":1,"both_wrong":1},' +
        '"L3":{"both_right":0,"only_a":1,"only_b":1,"both_wrong":0},' +
        '"all":{"both_right":1,"only_a":2,"only_b":2,"both_wrong":1}}}\n',
    );
    const l3 = JSON.parse(cotscope('--db', db, 'compare', '--runs', 'sft,rl', '--levels', 'L3', '--json').stdout);
    expect(l3).toEqual({ pair: ['sft', 'rl'], levels: { L3: { both_right: 0, only_a: 1, only_b: 1, both_wrong: 0 }, all: { both_right: 0, only_a: 1, only_b: 1, both_wrong: 0 } } });
    const table = cotscope('--db', db, 'compare', '--runs', 'rl,sft');
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n').slice(1, 5)).toEqual([
      'level  both right  only rl  only sft  both wrong  questions',
      'L1              1        1         1           1          4',
      'L3              0        1         1           0          2',
      'all             1        2         2           1          6',
    ]);
  });

  it('compare refuses unknown runs in one line naming them, and anything but two runs as a usage error', () => {
    const r = cotscope('--db', db, 'compare', '--runs', 'rl,grpo-9');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('cotscope: unknown run: grpo-9\n');
    expect(r.stdout).toBe('');
    expect(cotscope('--db', db, 'compare', '--runs', 'rl').code).toBe(2);
    expect(cotscope('--db', db, 'compare', '--runs', 'rl,sft,x').code).toBe(2);
  });

  it('stats --labels --json prints reviewed responses and each label\'s count, rate and interval per run × level', () => {
    const r = cotscope('--db', db, 'stats', '--labels', '--json');
    expect(r.code).toBe(0);
    const stats = JSON.parse(r.stdout);
    expect(stats.runs.map((x: { name: string; method: string; levels: object }) => [x.name, x.method, Object.keys(x.levels)])).toEqual([
      ['rl', 'rl', ['L1', 'L2', 'L3', 'all']],
      ['sft', 'sft', ['L1', 'L3', 'all']],
    ]);
    const rl = stats.runs[0].levels;
    expect(rl.L1.reviewed).toBe(3);
    expect(rl.L1.labels.hallucination).toEqual({ count: 2, rate: 2 / 3, ci: wilson(2, 3) });
    expect(rl.L3).toEqual({ reviewed: 0, labels: expect.objectContaining({ format: { count: 0, rate: 0, ci: [0, 1] } }) });
    expect(Object.keys(rl.L1.labels)).toEqual(['inconsistent', 'overlooked-cue', 'hallucination', 'wrong-next-step', 'ignored-goal', 'temporal-order', 'degenerate', 'format']);
    expect(rl.all.labels.inconsistent).toMatchObject({ count: 2, rate: 0.5 });
    expect(stats.runs[1].levels.L1).toMatchObject({ reviewed: 3, labels: { 'overlooked-cue': { count: 1 } } });

    const table = cotscope('--db', db, 'stats', '--labels').stdout.split('\n');
    expect(table[0]).toMatch(/^run\s+method\s+level\s+reviewed\s+label\s+count\s+rate\s+95% CI$/);
    expect(table).toContain('rl   rl      L1            3  hallucination       2   66.7%   20.8%–93.9%');
    expect(table).toContain('rl   rl      L2            1  inconsistent        1  100.0%  20.7%–100.0%');
    expect(table).toContain('rl   rl      L3            0  -                   0       -             -');
  });
});

// What import-benchmark and import-run say about input they cannot use, and a re-import whose golden changed.
describe('cotscope import: unusable input and changed golden answers', () => {
  it('a folder, an empty file or a binary file: one line naming it, exit 1, nothing recorded', () => {
    const db = path.join(dir, 'input.db');
    expect(cotscope('--db', db, 'init').code).toBe(0);
    const folder = path.join(FIX, 'root', 'annotations');
    for (const args of [['import-benchmark', folder], ['import-run', folder, '--name', 'a', '--method', 'rl']]) {
      const r = cotscope('--db', db, ...args);
      expect(r.code, args[0]).toBe(1);
      expect(r.stderr, args[0]).toBe(`cotscope: ${folder}: is a folder, not a file\n`);
    }
    const empty = path.join(dir, 'validation_L2.jsonl');
    fs.writeFileSync(empty, '');
    const e = cotscope('--db', db, 'import-benchmark', empty);
    expect([e.code, e.stderr]).toEqual([1, `cotscope: ${empty}: no records found; nothing imported\n`]);
    const binary = path.join(dir, 'validation_L3.jsonl');
    fs.writeFileSync(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0x00, 0x0a, 0xfe, 0xfe]));
    const b = cotscope('--db', db, 'import-benchmark', binary);
    expect(b.code).toBe(1);
    expect(b.stdout).toBe(`skipped 2 line(s):\n  ${binary}:1: invalid UTF-8 at byte 0\n  ${binary}:2: invalid UTF-8 at byte 7\n`);
    expect(b.stderr).toBe(`cotscope: ${binary}: no valid samples (2 line(s) skipped); nothing imported\n`);
    const db2 = new Database(db, { readonly: true });
    expect(db2.prepare('SELECT COUNT(*) FROM imports').pluck().get()).toBe(0);
    db2.close();
  });

  it('invalid UTF-8 in a run file: the line and byte offset in the report, the rest imported, exit 0; --strict exit 1', () => {
    const db = path.join(dir, 'utf8.db');
    expect(cotscope('--db', db, 'import-benchmark', path.join(FIX, 'root/annotations/validation_L1.jsonl')).code).toBe(0);
    const run = path.join(dir, 'eval_results_for_validation_L1.jsonl');
    const good = '{"sample_id": 2051, "response": "<think>x</think><answer>B</answer>", "reward": 1}\n';
    const bad = Buffer.concat([Buffer.from('{"sample_id": 300, "response": "<think>caf'), Buffer.from([0xe9]), Buffer.from('</think><answer>A</answer>"}\n')]);
    fs.writeFileSync(run, Buffer.concat([Buffer.from(good), bad]));
    const offset = good.length + '{"sample_id": 300, "response": "<think>caf'.length;
    const strict = cotscope('--db', db, 'import-run', run, '--name', 'rl', '--method', 'rl', '--strict');
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain(`${run}:2: invalid UTF-8 at byte ${offset}`);
    const r = cotscope('--db', db, 'import-run', run, '--name', 'rl', '--method', 'rl');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/: 1 responses into new run "rl"/);
    expect(r.stdout).toContain(`skipped 1 line(s):\n  ${run}:2: invalid UTF-8 at byte ${offset}\n`);
  });

  it('re-importing a benchmark file whose golden answer changed rescores: stats and export rows follow, and it says so', () => {
    const db = path.join(dir, 'golden.db');
    const root = path.join(FIX, 'root');
    expect(cotscope('--db', db, 'import-benchmark', path.join(root, 'annotations/validation_L1.jsonl'), '--data-root', root).code).toBe(0);
    expect(cotscope('--db', db, 'import-run', path.join(FIX, 'runs/eval_results_for_validation_L1.jsonl'), '--name', 'rl-grpo', '--method', 'rl').code).toBe(0);
    const accuracy = () => JSON.parse(cotscope('--db', db, 'stats', '--json').stdout).runs[0].levels.L1;
    expect(accuracy()).toMatchObject({ responses: 4, correct: 3, accuracy: 0.75 });

    // The benchmark's fix: 300's golden answer is D, not A (rl-grpo answered A).
    fs.mkdirSync(path.join(dir, 'fixed'));
    const fixed = path.join(dir, 'fixed', 'validation_L1.jsonl');
    const lines = fs.readFileSync(path.join(root, 'annotations/validation_L1.jsonl'), 'utf8').split('\n');
    fs.writeFileSync(fixed, lines.map((l) => (l.startsWith('{"sample_id": 300,') ? JSON.stringify({ ...JSON.parse(l), golden_choice_idx: 'D' }) : l)).join('\n'));
    const again = cotscope('--db', db, 'import-benchmark', fixed, '--data-root', root);
    expect(again.code).toBe(0);
    expect(accuracy()).toMatchObject({ responses: 4, correct: 2, accuracy: 0.5 });
    const out = path.join(dir, 'golden.jsonl');
    expect(cotscope('--db', db, 'export', '--format', 'jsonl', '--out', out).code).toBe(0);
    const row = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).find((x) => x.sample_id === '300');
    expect(row).toMatchObject({ golden: 'D', prediction: 'A', correct: false });
    expect(again.stdout).toContain('rescored 1 response(s) of 1 sample(s) whose golden answer changed (1 changed correctness):\n  L1 300: golden A → D\n');
  });
});
