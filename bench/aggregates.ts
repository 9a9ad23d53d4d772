// Aggregate latency on the workspace the import phase built (1M responses) with the service phase's 200k tags: the
// compare matrix, each dashboard chart, the whole dashboard, stats --labels, and the compare walk and drill-down lists,
// each beside raw baselines measured on the same file in the same run. Every timed call follows a tag saved through the
// API, so nothing a previous call left behind (and there is no result cache) hides the work.
//   node --import tsx bench/aggregates.ts DB SAMPLES
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Dashboards, type Chart } from '../electron/core/dashboard.ts';
import { dispatch } from '../electron/core/dispatch.ts';
import { importRun } from '../electron/core/import-run.ts';
import { ResponseList } from '../electron/core/response-list.ts';
import { createService } from '../electron/core/service.ts';
import { computeLabelStats } from '../electron/core/stats.ts';
import { openStore } from '../electron/core/store.ts';
import { inferLine, makeSamples, prng } from './generate.ts';

const [dbFile, samplesArg] = process.argv.slice(2);
const sampleCount = Number(samplesArg ?? 2432);
const store = openStore(dbFile);
const { db } = store;
const log = (s: string) => process.stderr.write(`  ${s}\n`);

// A second run to compare with: one answer per question, like an SFT model evaluated once (the same questions as
// bench/generate.ts's seed 7), imported through the real importer.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-bench-agg-'));
try {
  const samples = makeSamples(sampleCount, prng(7));
  const rand = prng(99);
  const file = path.join(tmp, 'eval_results_for_validation_L1.jsonl');
  fs.writeFileSync(file, samples.map((s) => inferLine(s, rand)).join('\n') + '\n');
  await importRun(store, file, { name: 'bench-sft', method: 'sft' });
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}

// Verdicts beside the tags: 50k by the two bench annotators, and a few by a third, so that choosing two of the three
// takes the de-duplicating path.
const maxId = db.prepare('SELECT MAX(id) FROM responses').pluck().get() as number;
const now = new Date().toISOString();
db.prepare("INSERT OR IGNORE INTO annotators (name, created_at) VALUES ('bench-a', ?), ('bench-b', ?), ('bench-c', ?)").run(now, now, now);
const annotator = (name: string) => db.prepare('SELECT id FROM annotators WHERE name = ?').pluck().get(name) as number;
const [a, b, c] = ['bench-a', 'bench-b', 'bench-c'].map(annotator);
const insertVerdict = db.prepare(
  'INSERT OR IGNORE INTO verdicts (uuid, response_id, annotator_id, supports, review_status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
);
const vrand = prng(13);
let t0 = process.hrtime.bigint();
db.transaction(() => {
  for (let i = 0; i < 50_100; i++) {
    const who = i < 50_000 ? (i % 2 ? a : b) : c;
    const supports = (['yes', 'no', 'unclear', null] as const)[Math.floor(vrand() * 4)];
    insertVerdict.run(crypto.randomUUID(), 1 + Math.floor(vrand() * maxId), who, supports, vrand() < 0.5 ? 'done' : 'todo', now, now);
  }
})();
const verdictSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
log(`50,100 verdicts written in ${verdictSeconds.toFixed(1)} s (their kept counts with them)`);

const service = createService(store, { annotator: 'bench-a' });
const dashboards = new Dashboards(db, new ResponseList(db));
const labels = db.prepare('SELECT key FROM labels WHERE retired_at IS NULL ORDER BY id').pluck().all() as string[];
const trand = prng(17);

async function call(method: string, input: unknown) {
  const r = await dispatch(service, method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value;
}

/** A tag saved through the API, as an analyst does between two looks at the dashboard. */
const tagWrite = () =>
  call('createTag', { responseId: 1 + Math.floor(trand() * maxId), label: labels[Math.floor(trand() * labels.length)], steps: [0, 0] });

async function time(fn: () => unknown, repeats = 15, afterWrite = true): Promise<{ median_ms: number; p95_ms: number }> {
  await fn(); // warm: statements prepared, pages cached, as in an app that has shown the view once
  const t: number[] = [];
  for (let i = 0; i < repeats; i++) {
    if (afterWrite) await tagWrite();
    const start = process.hrtime.bigint();
    await fn();
    t.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  t.sort((x, y) => x - y);
  return { median_ms: round(t[Math.floor(t.length / 2)]), p95_ms: round(t[Math.min(t.length - 1, Math.floor(t.length * 0.95))]) };
}
function round(x: number): number {
  return Math.round(x * 100) / 100;
}

const chart = (name: Chart) => () => dashboards.get({}, new Set([name]));
const countResponses = db.prepare('SELECT COUNT(*) FROM responses').pluck();
const scanTags = db.prepare('SELECT COUNT(*), SUM(label_id) FROM tags');
const scanTagsOfResponses = db.prepare('SELECT COUNT(*), SUM(x.run_id) FROM tags t JOIN responses x ON x.id = t.response_id');

const saves = await time(tagWrite, 100, false);
const results = {
  compare_matrix: await time(() => call('compareMatrix', { runs: ['bench', 'bench-sft'] })),
  dashboard_accuracy: await time(chart('accuracy')),
  dashboard_failure_rates: await time(chart('failureRates')),
  dashboard_quadrant: await time(chart('quadrant')),
  dashboard_cooccurrence: await time(chart('cooccurrence')),
  dashboard_first_step: await time(chart('firstStep')),
  dashboard_progress: await time(chart('progress')),
  dashboard_all_charts_via_api: await time(() => call('getDashboard', {})),
  dashboard_one_annotator_via_api: await time(() => call('getDashboard', { annotators: ['bench-a'] })),
  dashboard_two_of_three_annotators_via_api: await time(() => call('getDashboard', { annotators: ['bench-a', 'bench-b'] }), 5),
  stats_labels: await time(() => computeLabelStats(store)),
  compare_walk_disagreements_page: await time(() => call('listCompareQuestions', { filter: { runs: ['bench', 'bench-sft'], disagree: true }, limit: 50 })),
  drill_label_by_annotator_page: await time(() => call('listResponses', { filter: { runs: ['bench'], labels: ['hallucination'], by: ['bench-a'] }, limit: 100 })),
  drill_consensus_no_page: await time(() => call('listResponses', { filter: { runs: ['bench'], correct: true, consensus: 'no' }, limit: 100 })),
  drill_first_step_page: await time(() => call('listResponses', { filter: { runs: ['bench'], firstStep: [0, 0.1] }, limit: 100 })),
  tag_save_via_api_with_kept_counts: saves,
  baseline_count_responses: await time(() => countResponses.get(), 15, false),
  baseline_scan_tags: await time(() => scanTags.get(), 15, false),
  baseline_tags_joined_to_responses: await time(() => scanTagsOfResponses.get(), 3, false),
};
const out = {
  ...results,
  responses: maxId,
  tags: db.prepare('SELECT COUNT(*) FROM tags WHERE deleted_at IS NULL').pluck().get() as number,
  verdicts: db.prepare('SELECT COUNT(*) FROM verdicts').pluck().get() as number,
  verdicts_write_s: round(verdictSeconds),
};
store.close();
fs.writeSync(1, JSON.stringify(out) + '\n');
