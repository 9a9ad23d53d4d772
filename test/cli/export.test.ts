// `cotscope export` as a pipeline runs it: every format, the filter options, and one-line reasons for bad use.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseCsv } from 'csv-parse/sync';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponseList } from '../../electron/core/response-list.ts';
import type { ResponseFilter } from '../../shared/api.ts';
import { buildExportFixture, type Fixture } from '../store/export-fixture.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(REPO, 'bin', 'cotscope.js');

function cotscope(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: REPO });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let fx: Fixture;
beforeAll(async () => {
  fx = await buildExportFixture('cotscope-cli-export-');
  // The CLI opens the workspace itself; the fixture's connection stays open only to read expectations.
}, 60_000);
afterAll(() => fx.close());

const lines = (file: string) => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
function count(filter: ResponseFilter): number {
  const list = new ResponseList(fx.store.db);
  return [...list.ids(list.build(filter, 'sample', 'asc', null))].length;
}

describe('cotscope export', () => {
  it('keeps `--format jsonl --out FILE` as the foundation wrote it: every response', () => {
    const out = path.join(fx.dir, 'all.jsonl');
    const r = cotscope('--db', fx.db, 'export', '--format', 'jsonl', '--out', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^wrote ${count({})} responses to ${out}; filter and version in ${out}\\.meta\\.json`));
    expect(lines(out)).toHaveLength(count({}));
  });

  it('maps every filter option to the library filter', () => {
    const cases: [string[], ResponseFilter][] = [
      [['--runs', 'sft,rl-grpo', '--levels', 'l1,L2'], { runs: ['sft', 'rl-grpo'], levels: ['L1', 'L2'] }],
      [['--wrong', '--methods', 'rl'], { correct: false, methods: ['rl'] }],
      [['--correct'], { correct: true }],
      [['--labels', 'hallucination,overlooked-cue'], { labels: ['hallucination', 'overlooked-cue'] }],
      [['--reviewed-only'], { reviewed: true }],
      [['--reviewed-only', '--annotators', 'bob'], { reviewed: true, by: ['bob'] }],
      [['--text', 'the tap'], { text: 'the tap' }],
      [['--domains', 'Work,Daily life'], { domains: ['Work', 'Daily life'] }],
    ];
    cases.forEach(([args, filter], i) => {
      const out = path.join(fx.dir, `f${i}.jsonl`);
      const r = cotscope('--db', fx.db, 'export', '--out', out, ...args);
      expect(r.code, r.stderr).toBe(0);
      const n = count(filter);
      expect(lines(out), args.join(' ')).toHaveLength(n);
      expect(JSON.parse(fs.readFileSync(`${out}.meta.json`, 'utf8')).filter).toEqual(filter);
    });
    // The reviewed ones are exactly the three alice judged or tagged and bob's.
    expect(count({ reviewed: true })).toBe(4);
    expect(lines(path.join(fx.dir, 'f5.jsonl')).map((l) => l.tags.map((t: any) => t.annotator))).toEqual([['bob']]);
  }, 180_000);

  it('writes csv, parquet, hf, prm and pairs', async () => {
    const csv = path.join(fx.dir, 'tags.csv');
    const r1 = cotscope('--db', fx.db, 'export', '--format', 'csv', '--out', csv, '--reviewed-only');
    expect(r1.stdout).toMatch(/^wrote 4 responses to .*tags\.csv \(4 rows: one per tag\)/);
    const rows = parseCsv(fs.readFileSync(csv, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.tag_label).sort()).toEqual(['', 'degenerate', 'hallucination', 'overlooked-cue']);

    const pq = path.join(fx.dir, 'l3.parquet');
    expect(cotscope('--db', fx.db, 'export', '--format', 'parquet', '--out', pq, '--levels', 'L3').code).toBe(0);
    const file = await asyncBufferFromFile(pq);
    const objs = await parquetReadObjects({ file });
    expect(objs).toHaveLength(count({ levels: ['L3'] }));
    expect(new Set(objs.map((o) => o.level))).toEqual(new Set(['L3']));
    const kv = (await parquetMetadataAsync(file)).key_value_metadata!;
    expect(JSON.parse(kv.find((k) => k.key === 'cotscope')!.value!).command).toMatch(/export --format parquet --out .* --levels L3$/);

    const hf = path.join(fx.dir, 'hf');
    const r3 = cotscope('--db', fx.db, 'export', '--format', 'hf', '--out', hf, '--levels', 'L1', '--license', 'apache-2.0');
    expect(r3.code, r3.stderr).toBe(0);
    const card = fs.readFileSync(path.join(hf, 'README.md'), 'utf8');
    const front = YAML.parse(/^---\n([\s\S]*?)\n---/.exec(card)![1]);
    expect(front.license).toBe('apache-2.0');
    expect(front.dataset_info.splits).toEqual([expect.objectContaining({ name: 'L1', num_examples: count({ levels: ['L1'] }) })]);
    expect(fs.readdirSync(path.join(hf, 'data'))).toEqual(['L1.parquet']);

    const prm = path.join(fx.dir, 'steps.jsonl');
    expect(cotscope('--db', fx.db, 'export', '--format', 'prm', '--out', prm, '--reviewed-only', '--annotators', 'alice').code).toBe(0);
    const p = lines(prm);
    expect(p).toHaveLength(3);
    expect(p.map((l) => l.first_error_step).sort()).toEqual([-1, 1, 1]);

    const pairs = path.join(fx.dir, 'pairs.jsonl');
    const r5 = cotscope('--db', fx.db, 'export', '--format', 'pairs', '--out', pairs);
    expect(r5.stdout).toMatch(/\(1 preference pairs\)/);
    expect(lines(pairs)[0]).toMatchObject({ sample_id: fx.chosen.sample_id, chosen_meta: { run: 'sft' }, rejected_meta: { run: 'rl-grpo' } });
  }, 180_000);

  it('never replaces an existing file without --force, the sidecar included; --force replaces both', () => {
    const rc = path.join(fx.dir, 'shell-rc');
    fs.writeFileSync(rc, 'export PATH="$HOME/bin:$PATH"\n');
    const refused = cotscope('--db', fx.db, 'export', '--format', 'csv', '--out', rc);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`cotscope: ${rc} exists: not replaced (choose another name, or --force to replace it)\n`);
    expect(fs.readFileSync(rc, 'utf8')).toBe('export PATH="$HOME/bin:$PATH"\n');
    expect(fs.readdirSync(fx.dir).filter((f) => f.includes('.partial-'))).toEqual([]);

    // A sidecar left from another export is not replaced either.
    const out = path.join(fx.dir, 'again.jsonl');
    fs.writeFileSync(`${out}.meta.json`, '{"mine":true}\n');
    const sidecar = cotscope('--db', fx.db, 'export', '--out', out);
    expect(sidecar.stderr).toBe(`cotscope: ${out}.meta.json exists: not replaced (choose another name, or --force to replace it)\n`);
    expect(fs.existsSync(out)).toBe(false);

    const forced = cotscope('--db', fx.db, 'export', '--format', 'csv', '--out', rc, '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(fs.readFileSync(rc, 'utf8')).toMatch(/^run,/);
    expect(cotscope('--db', fx.db, 'export', '--out', out, '--force').code).toBe(0);
    expect(JSON.parse(fs.readFileSync(`${out}.meta.json`, 'utf8'))).toMatchObject({ tool: 'cotscope', file: 'again.jsonl' });
  });

  it('explains bad use in one line and writes nothing', () => {
    const out = path.join(fx.dir, 'bad.jsonl');
    const both = cotscope('--db', fx.db, 'export', '--out', out, '--correct', '--wrong');
    expect(both.code).not.toBe(0);
    expect(both.stderr.trim()).toBe('cotscope: --correct and --wrong: choose one');
    const level = cotscope('--db', fx.db, 'export', '--out', out, '--levels', 'L9');
    expect(level.stderr.trim()).toBe('cotscope: --levels L9: L9 is not one of L1, L2, L3, train');
    const format = cotscope('--db', fx.db, 'export', '--out', out, '--format', 'xlsx');
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/argument 'xlsx' is invalid. Allowed choices are jsonl, csv, parquet, hf, prm, pairs/);
    const folder = cotscope('--db', fx.db, 'export', '--out', path.join(fx.dir, 'nope', 'x.csv'), '--format', 'csv');
    expect(folder.code).toBe(1);
    expect(folder.stderr).toMatch(/^cotscope: cannot write .*x\.csv: folder .*nope does not exist\n$/);
    expect(fs.existsSync(out)).toBe(false);
  }, 120_000);
});
