// A Hugging Face dataset folder: `data/<split>.parquet` (the Parquet export's columns) and a `README.md` dataset
// card whose YAML front matter the Hub reads (configs → data_files, dataset_info → features and splits, license,
// task_categories, tags). Splits are the benchmark's levels (L1 in-distribution; L2 and L3 cross-environment and
// cross-task; `train` for training questions): the levels are how SEED-Bench-R1 itself is evaluated, and a run is a
// column, so `ds.filter(lambda r: r["run"] == …)` picks one model. The card's body has the taxonomy, counts per
// split, run and label, and how the export was made (cotscope version, filter, command line, date).
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { Db } from '../store.ts';
import type { ExportMeta, FormatContext, FormatWriter } from './format.ts';
import { ParquetRowsFile, RESPONSE_FIELDS, parquetRow, type Field } from './parquet.ts';
import { judgment, type Walked } from './records.ts';

const SPLIT_ORDER = ['L1', 'L2', 'L3', 'train'];

interface RunCount {
  method: string;
  responses: number;
  correct: number;
  tagged: number;
}

interface LabelInfo {
  key: string;
  name: string;
  description: string;
  target: string;
  retired: boolean;
}

/** The Hub's `features` for a column description (datasets' YAML form: dtype, struct, list of struct). */
export function hfFeatures(fields: Field[]): unknown[] {
  const dtype = { string: 'string', int32: 'int32', float64: 'float64', bool: 'bool' } as const;
  return fields.map((f) => {
    if ('type' in f) return { name: f.name, dtype: dtype[f.type] };
    if ('struct' in f) return { name: f.name, struct: hfFeatures(f.struct) };
    return { name: f.name, list: hfFeatures(f.list) };
  });
}

function sizeCategory(n: number): string {
  if (n < 1000) return 'n<1K';
  if (n < 10_000) return '1K<n<10K';
  if (n < 100_000) return '10K<n<100K';
  if (n < 1_000_000) return '100K<n<1M';
  if (n < 10_000_000) return '1M<n<10M';
  return '10M<n<100M';
}

function taxonomy(db: Db): LabelInfo[] {
  return (
    db.prepare('SELECT key, name, description, target, retired_at IS NOT NULL AS retired FROM labels ORDER BY sort_order, id').all() as (Omit<LabelInfo, 'retired'> & { retired: number })[]
  ).map((l) => ({ ...l, retired: l.retired === 1 }));
}

/** Text in a Markdown table cell: pipes escaped, one line, and `<think>` shown rather than taken for HTML. */
const cell = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function hfWriter(ctx: FormatContext): FormatWriter {
  // A dataset folder is made to be published: it names the workspace file, not where it lives on this machine.
  const meta: ExportMeta = { ...ctx.meta, workspace: path.basename(ctx.meta.workspace) };
  const dataDir = path.join(ctx.tmp, 'data');
  fs.mkdirSync(dataDir);
  const files = new Map<string, ParquetRowsFile>();
  const runs = new Map<string, RunCount>();
  const labelTags = new Map<string, number>();
  const labelResponses = new Map<string, number>();
  const supports = new Map<string, number>();
  let tagged = 0;

  return {
    write(batch: Walked[]) {
      for (const w of batch) {
        const r = w.record;
        let file = files.get(r.level);
        if (!file) {
          file = new ParquetRowsFile(path.join(dataDir, `${r.level}.parquet`), RESPONSE_FIELDS, meta);
          files.set(r.level, file);
        }
        file.add(parquetRow(w));
        const run = runs.get(r.run) ?? { method: r.method, responses: 0, correct: 0, tagged: 0 };
        run.responses++;
        if (r.correct) run.correct++;
        if (r.tags.length) run.tagged++;
        runs.set(r.run, run);
        if (r.tags.length) tagged++;
        for (const t of r.tags) labelTags.set(t.label, (labelTags.get(t.label) ?? 0) + 1);
        for (const l of new Set(r.tags.map((t) => t.label))) labelResponses.set(l, (labelResponses.get(l) ?? 0) + 1);
        const v = judgment(r) ?? 'unjudged';
        supports.set(v, (supports.get(v) ?? 0) + 1);
      }
    },
    finish(responses) {
      for (const f of files.values()) f.finish();
      const splits = [...files.keys()].sort((a, b) => SPLIT_ORDER.indexOf(a) - SPLIT_ORDER.indexOf(b));
      const card = datasetCard({
        meta,
        license: ctx.license ?? 'other',
        responses,
        tagged,
        splits: splits.map((name) => ({
          name,
          examples: files.get(name)!.rows,
          bytes: fs.statSync(path.join(dataDir, `${name}.parquet`)).size,
        })),
        runs,
        labels: taxonomy(ctx.db),
        labelTags,
        labelResponses,
        supports,
      });
      fs.writeFileSync(path.join(ctx.tmp, 'README.md'), card);
      return responses;
    },
    abort: () => {},
  };
}

interface CardInput {
  meta: ExportMeta;
  license: string;
  responses: number;
  tagged: number;
  splits: { name: string; examples: number; bytes: number }[];
  runs: Map<string, RunCount>;
  labels: LabelInfo[];
  labelTags: Map<string, number>;
  labelResponses: Map<string, number>;
  supports: Map<string, number>;
}

export function datasetCard(c: CardInput): string {
  const front = {
    license: c.license,
    pretty_name: 'cotscope audit: chains of thought of video models with reasoning-failure labels',
    language: ['en'],
    task_categories: ['video-text-to-text'],
    tags: ['chain-of-thought', 'reasoning', 'process-supervision', 'video', 'egocentric', 'seed-bench-r1', 'cotscope'],
    size_categories: [sizeCategory(c.responses)],
    configs: [
      {
        config_name: 'default',
        data_files: c.splits.map((s) => ({ split: s.name, path: `data/${s.name}.parquet` })),
      },
    ],
    dataset_info: {
      features: hfFeatures(RESPONSE_FIELDS),
      splits: c.splits.map((s) => ({ name: s.name, num_bytes: s.bytes, num_examples: s.examples })),
      download_size: c.splits.reduce((n, s) => n + s.bytes, 0),
      dataset_size: c.splits.reduce((n, s) => n + s.bytes, 0),
    },
  };
  const filter = Object.keys(c.meta.filter).length ? '`' + JSON.stringify(c.meta.filter) + '`' : 'none (every response)';
  const lines: string[] = [
    '---',
    YAML.stringify(front, { lineWidth: 0 }).trimEnd(),
    '---',
    '',
    '# cotscope audit: chains of thought with reasoning-failure labels',
    '',
    `Model responses to video questions (SEED-Bench-R1 layout), with each chain of thought split into steps and the`,
    `failures annotators marked in it: which step or span, what kind of failure, the video moment that shows it, a note`,
    `and a severity; and each annotator's verdict on whether the reasoning supports the answer. ${c.responses.toLocaleString('en-US')}`,
    `responses, ${c.tagged.toLocaleString('en-US')} of them with at least one failure tag.`,
    '',
    '## How it was made',
    '',
    `- Exported by cotscope ${c.meta.cotscope_version} on ${c.meta.created_at}`,
    `- Command: \`${c.meta.command}\``,
    `- Filter: ${filter}${c.meta.annotator ? ` (verdict and review filters are those of ${c.meta.annotator})` : ''}`,
    `- Workspace: \`${c.meta.workspace}\``,
    '- Splits are the benchmark levels; every file holds the same columns (below). The same filter and version are in',
    '  each Parquet file\'s key-value metadata (key `cotscope`).',
    '',
    '## Splits',
    '',
    '| split | responses |',
    '|---|---|',
    ...c.splits.map((s) => `| ${s.name} | ${s.examples.toLocaleString('en-US')} |`),
    '',
    '## Runs',
    '',
    '| run | method | responses | correct | accuracy | with a failure tag |',
    '|---|---|---|---|---|---|',
    ...[...c.runs].map(
      ([name, r]) =>
        `| ${cell(name)} | ${r.method} | ${r.responses} | ${r.correct} | ${r.responses ? ((100 * r.correct) / r.responses).toFixed(2) + '%' : '–'} | ${r.tagged} |`,
    ),
    '',
    '## Labels (the failure taxonomy)',
    '',
    '| key | name | description | marks | tags | responses |',
    '|---|---|---|---|---|---|',
    ...c.labels.map(
      (l) =>
        `| \`${l.key}\` | ${cell(l.name)}${l.retired ? ' (retired)' : ''} | ${cell(l.description)} | ${l.target} | ${c.labelTags.get(l.key) ?? 0} | ${c.labelResponses.get(l.key) ?? 0} |`,
    ),
    '',
    '## Verdicts (does the reasoning support the answer)',
    '',
    '| verdict | responses |',
    '|---|---|',
    ...['yes', 'no', 'unclear', 'unjudged'].map((k) => `| ${k} | ${c.supports.get(k) ?? 0} |`),
    '',
    'A response\'s verdict here is all its annotators\' together: no if any says no, yes if all who judged say yes,',
    'unclear otherwise; where an adjudicator judged it, the adjudicators\' verdicts instead.',
    '',
    '## Columns',
    '',
    '- `run`, `method` (rl, sft, base, other), `level`, `sample_id`, `rollout`, `domain` (L3): which model answered which question.',
    '- `task_goal`, `question`, `options` (A–D), `golden`: the question. `prediction`, `correct`, `format_ok`: cotscope\'s scoring;',
    '  `file_reward`, `file_correct`: the run file\'s own; `score_disagreement` when the two differ.',
    '- `response` (the full text), `think`, `answer_raw`; `steps`: the chain split into steps, each with character offsets',
    '  into `response` (`response[start:end] == text`).',
    '- `tags`: failure labels with the steps (`step_start`..`step_end`, inclusive) or character span they mark, the',
    '  marked `text`, the video moment (`time_start`, `time_end`, seconds), note, severity and annotator.',
    '- `verdicts`: each annotator\'s verdict (`supports`: yes / no / unclear) and review status.',
    '- `adjudicated_verdicts`: each adjudicator\'s verdict where raters disagreed (`supports`, note).',
    '',
  ];
  return lines.join('\n');
}
