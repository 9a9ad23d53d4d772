// Every export format written from a real workspace and read back with the tools its users read it with: JSON for
// JSONL, a CSV parser, the Rust Parquet reader (parquet-wasm, through Arrow) and hyparquet for Parquet, a YAML parser
// for the Hugging Face card.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as arrow from 'apache-arrow';
import { parse as parseCsv } from 'csv-parse/sync';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { readParquet } from 'parquet-wasm';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParquetRowsFile, RESPONSE_FIELDS, parquetRow } from '../../electron/core/export/parquet.ts';
import { ResponseReader } from '../../electron/core/export/records.ts';
import { runExport, workspaceAnnotator, type ExportOptions } from '../../electron/core/export/run.ts';
import type { ExportFormat } from '../../electron/core/export/format.ts';
import { VERSION } from '../../electron/core/version.ts';
import type { ResponseFilter } from '../../shared/api.ts';
import { buildExportFixture, type Fixture } from './export-fixture.ts';

let fx: Fixture;
beforeAll(async () => {
  fx = await buildExportFixture('cotscope-export-');
});
afterAll(() => fx.close());

function exportTo(format: ExportFormat, name: string, filter: ResponseFilter = {}, extra: Partial<ExportOptions> = {}) {
  return runExport(fx.store.db, {
    format,
    out: path.join(fx.dir, name),
    filter,
    me: workspaceAnnotator(fx.store.db),
    workspace: fx.db,
    command: `cotscope --db w.db export --format ${format}`,
    ...extra,
  });
}

const jsonl = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

/** What the library lists for a filter: the ids an export of it must hold, in order. */
async function listed(filter: ResponseFilter): Promise<number[]> {
  const ids: number[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = await fx.service.listResponses({ filter, sort: 'sample', order: 'asc', offset, limit: 500 });
    ids.push(...page.rows.map((r) => r.id));
    if (offset + 500 >= page.total) return ids;
  }
}

const key = (r: { run: string; level: string; sample_id: string; rollout: number }) => `${r.run}/${r.level}/${r.sample_id}/${r.rollout}`;
function keysOf(ids: number[]): string[] {
  return new ResponseReader(fx.store.db).read(ids).map((w) => key(w.record));
}

describe('jsonl', () => {
  it('writes the filtered responses, one per line in the library order, and the filter and version in a sidecar', async () => {
    const filter: ResponseFilter = { levels: ['L1'], runs: ['rl-grpo', 'sft'] };
    const r = await exportTo('jsonl', 'l1.jsonl', filter);
    const lines = jsonl(r.out);
    expect(lines.map(key)).toEqual(keysOf(await listed(filter)));
    expect(lines.length).toBeGreaterThan(0);
    expect(new Set(lines.map((l) => l.level))).toEqual(new Set(['L1']));
    const rej = lines.find((l) => key(l) === key({ ...fx.rejected }))!;
    expect(rej.tags).toEqual([expect.objectContaining({ label: 'hallucination', annotator: 'alice', steps: [1, 1], time: [1.5, 3], severity: 'major' })]);
    expect(rej.verdicts).toEqual([expect.objectContaining({ annotator: 'alice', supports: 'no' })]);
    for (const s of rej.steps) expect(rej.response.slice(s.start, s.end)).toBe(s.text);
    const meta = JSON.parse(fs.readFileSync(`${r.out}.meta.json`, 'utf8'));
    expect(meta).toMatchObject({ tool: 'cotscope', cotscope_version: VERSION, format: 'jsonl', filter, responses: lines.length, file: 'l1.jsonl' });
    expect(meta.command).toMatch(/export --format jsonl/);
  });

  it('--annotators keeps only their tags and verdicts', async () => {
    const r = await exportTo('jsonl', 'bob.jsonl', { by: ['bob'] });
    const lines = jsonl(r.out);
    const tags = lines.flatMap((l) => l.tags);
    expect(tags.map((t: any) => t.annotator)).toEqual(['bob']);
    expect(lines.flatMap((l) => l.verdicts).map((v: any) => v.annotator)).toEqual(['bob']);
  });
});

describe('csv', () => {
  it('writes one row per tag (an untagged response once), quoted so a CSV parser reads every chain back exactly', async () => {
    const r = await exportTo('csv', 'all.csv');
    const text = fs.readFileSync(r.out, 'utf8');
    const rows = parseCsv(text, { columns: true }) as Record<string, string>[];
    const all = jsonl((await exportTo('jsonl', 'all.jsonl')).out);
    const expectedRows = all.reduce((n, l) => n + Math.max(1, l.tags.length), 0);
    expect(rows).toHaveLength(expectedRows);
    expect(r.rows).toBe(expectedRows);
    // Chains hold line breaks, commas and quotes: all survive the round trip.
    const byKey = new Map(all.map((l) => [key(l), l]));
    expect(all.some((l) => /[\n,"]/.test(l.response))).toBe(true);
    for (const row of rows) {
      const l = byKey.get(key({ run: row.run, level: row.level, sample_id: row.sample_id, rollout: Number(row.rollout) }))!;
      expect(row.response).toBe(l.response);
      expect(row.correct).toBe(String(l.correct));
    }
    const tagged = rows.find((x) => x.tag_label === 'hallucination')!;
    expect(tagged).toMatchObject({ run: 'rl-grpo', tag_annotator: 'alice', tag_step_start: '1', tag_step_end: '1', tag_time_start: '1.5', tag_time_end: '3', tag_note: 'claims the tap, "closed", was never shown', tag_severity: 'major', supports: 'no' });
    const rej = byKey.get(key(fx.rejected))!;
    expect(tagged.tag_text).toBe(rej.steps[1].text);
    const untagged = rows.find((x) => key({ ...x, rollout: Number(x.rollout) } as any) === key(fx.chosen))!;
    expect(untagged.tag_uuid).toBe('');
    expect(untagged.supports).toBe('yes');
    expect(untagged.verdicts).toBe('alice=yes/done');
    expect(fs.existsSync(`${r.out}.meta.json`)).toBe(true);
  });

  it("is read back field for field by Python's csv module (as pandas reads it): bare LF, CR, CRLF, quotes, commas, Unicode", async () => {
    // Line breaks alone in a field (no comma or quote that would have it quoted anyway), and all of them together.
    const notes = ['then\na bare LF', 'a CRLF\r\nhere', 'a lone CR\rhere', 'naïve — "quoted", then\na bare LF, a CRLF\r\nand a lone CR\rend 😀'];
    const tags = await Promise.all(notes.map((note) => fx.service.createTag({ responseId: fx.bobs.id, label: 'hallucination', note })));
    try {
      const r = await exportTo('csv', 'python.csv');
      const all = jsonl((await exportTo('jsonl', 'python.jsonl')).out);
      // Every chain has `</think>\n<answer>`-style line breaks: the very fields a lenient parser forgives unquoted.
      expect(all.some((l) => /[^\r]\n/.test(l.response))).toBe(true);
      const py = spawnSync(
        'python3',
        ['-c', 'import csv, json, sys\nwith open(sys.argv[1], newline="", encoding="utf-8") as f:\n  print(json.dumps(list(csv.DictReader(f))))', r.out],
        { encoding: 'utf8', maxBuffer: 1 << 28 },
      );
      expect(py.status, py.stderr).toBe(0);
      const rows = JSON.parse(py.stdout) as Record<string, string>[];
      // The same rows as a second parser reads, every field, and as many as the export wrote.
      expect(rows).toEqual(parseCsv(fs.readFileSync(r.out, 'utf8'), { columns: true }));
      expect(rows).toHaveLength(r.rows);
      const byKey = new Map(all.map((l) => [key(l), l]));
      for (const row of rows) {
        expect(Object.keys(row)).toHaveLength(41);
        const l = byKey.get(key({ run: row.run, level: row.level, sample_id: row.sample_id, rollout: Number(row.rollout) }));
        expect(l, `${row.run} ${row.level} ${row.sample_id}`).toBeDefined();
        for (const [col, value] of [
          ['response', l.response],
          ['think', l.think ?? ''],
          ['answer_raw', l.answer_raw ?? ''],
          ['task_goal', l.task_goal ?? ''],
          ['question', l.question ?? ''],
          ['option_a', l.options.A ?? ''],
          ['golden', l.golden ?? ''],
          ['correct', String(l.correct)],
        ]) {
          expect(row[col], `${col} of ${key(l)}`).toBe(value);
        }
      }
      for (const [i, tag] of tags.entries()) expect(rows.filter((x) => x.tag_uuid === tag.uuid).map((x) => x.tag_note)).toEqual([notes[i]]);
    } finally {
      for (const tag of tags) await fx.service.deleteTag({ uuid: tag.uuid });
    }
  });
});

describe('parquet', () => {
  it('writes typed columns with nested steps and tags, read back by the Rust Parquet reader and by hyparquet', async () => {
    const filter: ResponseFilter = { levels: ['L1', 'L2'] };
    const r = await exportTo('parquet', 'l12.parquet', filter);
    const table = arrow.tableFromIPC(readParquet(new Uint8Array(fs.readFileSync(r.out))).intoIPCStream());
    const types = Object.fromEntries(table.schema.fields.map((f) => [f.name, String(f.type)]));
    expect(types).toMatchObject({
      run: 'Utf8',
      rollout: 'Int32',
      correct: 'Bool',
      file_reward: 'Float64',
      options: 'Struct<{A:Utf8, B:Utf8, C:Utf8, D:Utf8}>',
      steps: 'List<Struct<{index:Int32, start:Int32, end:Int32, text:Utf8}>>',
    });
    expect(types.tags).toMatch(/^List<Struct<\{uuid:Utf8, label:Utf8, annotator:Utf8, step_start:Int32, step_end:Int32, span_start:Int32, span_end:Int32, text:Utf8, time_start:Float64, time_end:Float64/);
    expect(table.numRows).toBe((await listed(filter)).length);

    const lines = jsonl((await exportTo('jsonl', 'l12.jsonl', filter)).out);
    const rows = table.toArray().map((x) => x.toJSON());
    rows.forEach((row, i) => {
      const l = lines[i];
      expect(key(row as any)).toBe(key(l));
      expect(row.response).toBe(l.response);
      expect(row.correct).toBe(l.correct);
      expect(row.file_reward).toBe(l.file_reward);
      expect([...(row.steps as any)].map((s: any) => s.toJSON())).toEqual(l.steps);
    });
    const prmRow = rows.find((x) => key(x as any) === key(fx.prm))!;
    const tag = [...(prmRow.tags as any)][0].toJSON();
    expect(tag).toMatchObject({ label: 'overlooked-cue', annotator: 'alice', step_start: null, time_start: 0.5, time_end: 1 });
    expect(prmRow.response.slice(tag.span_start, tag.span_end)).toBe(tag.text);

    const file = await asyncBufferFromFile(r.out);
    const md = await parquetMetadataAsync(file);
    const kv = Object.fromEntries((md.key_value_metadata ?? []).map((k) => [k.key, k.value]));
    expect(JSON.parse(kv.cotscope!)).toMatchObject({ cotscope_version: VERSION, format: 'parquet', filter });
    expect(kv['cotscope.version']).toBe(VERSION);
    const objs = await parquetReadObjects({ file });
    expect(objs.map((o) => o.sample_id)).toEqual(lines.map((l) => l.sample_id));
  });

  it('writes in row groups as it goes, and every group reads back', async () => {
    const ids = await listed({});
    const file = path.join(fx.dir, 'groups.parquet');
    const writer = new ParquetRowsFile(file, RESPONSE_FIELDS, { tool: 'cotscope', cotscope_version: VERSION, format: 'parquet', created_at: '', workspace: '', filter: {}, origin: 'human', annotator: null, command: '' }, 10);
    for (const w of new ResponseReader(fx.store.db).read(ids)) writer.add(parquetRow(w));
    writer.finish();
    const buf = await asyncBufferFromFile(file);
    const md = await parquetMetadataAsync(buf);
    expect(md.row_groups.map((g) => Number(g.num_rows))).toEqual([...Array(Math.floor(ids.length / 10)).fill(10), ...(ids.length % 10 ? [ids.length % 10] : [])]);
    const table = arrow.tableFromIPC(readParquet(new Uint8Array(fs.readFileSync(file))).intoIPCStream());
    expect(table.numRows).toBe(ids.length);
  });
});

describe('hf', () => {
  it('writes a dataset folder: a parquet file per level and a card the Hub reads, with taxonomy, counts and provenance', async () => {
    const filter: ResponseFilter = { runs: ['rl-grpo', 'sft'] };
    const r = await exportTo('hf', 'dataset', filter, { license: 'cc-by-4.0' });
    const card = fs.readFileSync(path.join(r.out, 'README.md'), 'utf8');
    const m = /^---\n([\s\S]*?)\n---\n/.exec(card)!;
    const front = YAML.parse(m[1]);
    expect(front.license).toBe('cc-by-4.0');
    expect(front.task_categories).toEqual(['video-text-to-text']);
    expect(front.tags).toContain('chain-of-thought');
    const ids = await listed(filter);
    const levels = new ResponseReader(fx.store.db).read(ids).map((w) => w.record.level);
    const perLevel = Object.fromEntries(['L1', 'L2', 'L3'].map((l) => [l, levels.filter((x) => x === l).length]));
    expect(front.configs[0].data_files).toEqual(['L1', 'L2', 'L3'].map((s) => ({ split: s, path: `data/${s}.parquet` })));
    for (const s of front.dataset_info.splits) {
      expect(s.num_examples).toBe(perLevel[s.name]);
      const file = path.join(r.out, `data/${s.name}.parquet`);
      expect(s.num_bytes).toBe(fs.statSync(file).size);
      const table = arrow.tableFromIPC(readParquet(new Uint8Array(fs.readFileSync(file))).intoIPCStream());
      expect(table.numRows).toBe(perLevel[s.name]);
      expect(table.schema.fields.map((f) => f.name)).toEqual(front.dataset_info.features.map((f: any) => f.name));
      // Each file says how it was made too, naming the workspace file but not where it lives on this machine.
      const kv = (await parquetMetadataAsync(await asyncBufferFromFile(file))).key_value_metadata ?? [];
      expect(JSON.parse(kv.find((k) => k.key === 'cotscope')!.value!)).toMatchObject({ format: 'hf', filter, workspace: 'w.db' });
    }
    expect(front.dataset_info.features.find((f: any) => f.name === 'steps').list.map((f: any) => f.name)).toEqual(['index', 'start', 'end', 'text']);
    // The body: provenance, counts per split, run and label, and the taxonomy with descriptions.
    expect(card).toContain(`cotscope ${VERSION}`);
    expect(card).toContain(JSON.stringify(filter));
    expect(card).toContain('export --format hf');
    for (const [level, n] of Object.entries(perLevel)) expect(card).toMatch(new RegExp(`\\| ${level} \\| ${n} \\|`));
    const runCount = (run: string) => ids.length && new ResponseReader(fx.store.db).read(ids).filter((w) => w.record.run === run).length;
    expect(card).toMatch(new RegExp(`\\| rl-grpo \\| rl \\| ${runCount('rl-grpo')} \\|`));
    expect(card).toMatch(/\| `hallucination` \| Hallucinated perception \| The reasoning claims to see .+ \| time \| 1 \| 1 \|/);
    expect(card).toMatch(/\| `overlooked-cue` \| .+ \| 1 \| 1 \|/);
    // The format label's description names <think>: shown as text on the Hub, not swallowed as an HTML tag.
    expect(card).toMatch(/\| `format` \| Format error \| Missing or malformed &lt;think&gt;\/&lt;answer&gt; tags/);
    const bobs = filter.runs!.includes(fx.bobs.run) ? 1 : 0;
    expect(card).toMatch(new RegExp(`\\| \`degenerate\` \\| .+ \\| ${bobs} \\| ${bobs} \\|`));
  });

  it('refuses a folder that already holds files, and writes nothing', async () => {
    const dir = path.join(fx.dir, 'full');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'keep.txt'), 'x');
    await expect(exportTo('hf', 'full')).rejects.toThrow(/exists and is not an empty folder/);
    expect(fs.readdirSync(dir)).toEqual(['keep.txt']);
  });
});

describe('prm', () => {
  it('labels each step +1 / 0 / −1 from the tags and verdicts, with the first wrong step and the video ranges', async () => {
    const r = await exportTo('prm', 'steps.prm.jsonl');
    const lines = jsonl(r.out);
    const byKey = new Map(lines.map((l) => [key(l), l]));
    // Supported by alice's "yes", a span tag inside step 1: step 0 good, step 1 wrong, nothing judged after it.
    const p = byKey.get(key(fx.prm))!;
    expect(p.labels).toEqual([1, -1, ...Array(p.steps.length - 2).fill(0)]);
    expect(p.first_error_step).toBe(1);
    expect(p.steps[1]).toMatchObject({ label: -1, tags: ['overlooked-cue'], time: [[0.5, 1]] });
    expect(p.method).toBe(fx.prm.run === 'sft' ? 'sft' : 'rl');
    // "Does not support", a hallucination on step 1.
    const rej = byKey.get(key(fx.rejected))!;
    expect(rej.labels).toEqual([0, -1, ...Array(rej.steps.length - 2).fill(0)]);
    expect(rej.first_error_step).toBe(1);
    expect(rej.tags[0]).toMatchObject({ label: 'hallucination', steps: [1], time: [1.5, 3], severity: 'major' });
    // Supported and clean: every step good, no error.
    const ok = byKey.get(key(fx.chosen))!;
    expect(ok.labels).toEqual(Array(ok.steps.length).fill(1));
    expect(ok.first_error_step).toBe(-1);
    expect(ok.method).toBe('sft');
    // A failure of the whole response points at no step: nothing is good, and no step is the first error.
    const bob = byKey.get(key(fx.bobs))!;
    expect(bob.response_labels).toEqual(['degenerate']);
    expect(new Set(bob.labels)).toEqual(new Set(bob.steps.length ? [0] : []));
    expect(bob.first_error_step).toBe(-1);
    // Nobody judged: all neutral.
    const unjudged = lines.find((l) => l.supports === null && l.tags.length === 0 && l.steps.length > 0)!;
    expect(new Set(unjudged.labels)).toEqual(new Set([0]));
    expect(JSON.parse(fs.readFileSync(`${r.out}.meta.json`, 'utf8')).format).toBe('prm');
  });
});

describe('pairs', () => {
  it('pairs a supported clean correct answer with a tagged answer to the same question, with both texts and why', async () => {
    const r = await exportTo('pairs', 'pairs.jsonl');
    const pairs = jsonl(r.out);
    expect(pairs).toHaveLength(1);
    const p = pairs[0];
    expect(p).toMatchObject({ level: fx.chosen.level, sample_id: fx.chosen.sample_id });
    expect(p.chosen_meta).toMatchObject({ run: 'sft', correct: true, supports: 'yes' });
    expect(p.rejected_meta).toMatchObject({ run: 'rl-grpo', supports: 'no', labels: ['hallucination'] });
    const all = new Map(jsonl((await exportTo('jsonl', 'p.jsonl')).out).map((l) => [key(l), l]));
    expect(p.chosen).toBe(all.get(key(fx.chosen))!.response);
    expect(p.rejected).toBe(all.get(key(fx.rejected))!.response);
    expect(p.prompt).toContain(all.get(key(fx.chosen))!.question);
    expect(p.why).toMatch(/^hallucination at step 1 \(".+"\) \[video 1\.5–3 s\] \(major\): claims the tap/);
  });

  it('pairs nothing when the filter leaves out one side', async () => {
    const r = await exportTo('pairs', 'none.jsonl', { runs: ['sft'] });
    expect(jsonl(r.out)).toEqual([]);
    expect(r.rows).toBe(0);
  });
});

describe('every format', () => {
  it('leaves no file behind when it fails part-way', async () => {
    const before = fs.readdirSync(fx.dir).sort();
    const controller = new AbortController();
    controller.abort();
    for (const format of ['jsonl', 'csv', 'parquet', 'hf', 'prm', 'pairs'] as const) {
      await expect(exportTo(format, `cancelled.${format}`, {}, { signal: controller.signal })).rejects.toThrow(/cancelled/);
    }
    expect(fs.readdirSync(fx.dir).sort()).toEqual(before);
  });
});
