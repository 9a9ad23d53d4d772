// A judge's labels at scale, on the workspace the earlier phases built: BENCH_JUDGE_LINES (default 50,000) lines of
// tags and verdicts over its responses, imported with import-tags, imported again unchanged, and the same rows merged
// as a teammate's pack (new rows, then again unchanged), beside raw baselines in the same run: JSON.parse of the same
// lines plus a bare prepared insert of their fields into a table of their own, and the same rows inserted bare into
// tags and verdicts, where the dashboard's kept counts' triggers run (rolled back). Prints one JSON object.
//   node --import tsx bench/tags.ts DB DIR
import fs from 'node:fs';
import path from 'node:path';
import { importTags } from '../electron/core/import-tags.ts';
import { exportPack, importPack } from '../electron/core/pack.ts';
import { openStore } from '../electron/core/store.ts';
import { judgeLines, prng, reassignPack, type JudgedResponse } from './generate.ts';

const [dbFile, dir] = process.argv.slice(2);
const lineCount = Number(process.env.BENCH_JUDGE_LINES ?? 50_000);
if (!Number.isInteger(lineCount) || lineCount <= 0) throw new Error(`BENCH_JUDGE_LINES must be a positive integer, got ${process.env.BENCH_JUDGE_LINES}`);
const store = openStore(dbFile);
const { db } = store;

// A judge this workspace has not seen, so the first import adds every row (BENCH_KEEP_DB workspaces are run again).
const taken = new Set(db.prepare('SELECT name FROM annotators').pluck().all() as string[]);
let judge = 'bench-judge';
for (let i = 2; taken.has(judge); i++) judge = `bench-judge-${i}`;

const judgeFile = path.join(dir, 'bench-judge.jsonl');
// Responses to choose from (the key, and what a tag is checked against) — about two per line, spread over the
// workspace — and the labels a judge may use.
const every = Math.max(1, Math.floor((db.prepare('SELECT MAX(id) FROM responses').pluck().get() as number) / (2 * lineCount)));
const responses = db
  .prepare(
    `SELECT r.name AS run, s.sample_id, x.rollout, x.step_count, length(x.raw) AS raw_length FROM responses x
       JOIN runs r ON r.id = x.run_id JOIN samples s ON s.id = x.sample_id WHERE x.id % ? = 0 AND x.step_count > 0`,
  )
  .all(every) as JudgedResponse[];
const labels = db.prepare('SELECT key FROM labels WHERE retired_at IS NULL ORDER BY id').pluck().all() as string[];
const generated = judgeLines(responses, labels, lineCount, prng(17));
fs.writeFileSync(judgeFile, generated.lines.join('\n') + '\n');
const rows = generated.tags + generated.verdicts;

// Each timed step starts from a checkpointed WAL, so none reads its pages through the WAL the step before wrote.
const checkpoint = () => db.pragma('wal_checkpoint(TRUNCATE)');
const seconds = (fn: () => void): number => {
  if (!db.inTransaction) checkpoint();
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
};
const changes = () => db.prepare('SELECT total_changes()').pluck().get() as number;

let first!: ReturnType<typeof importTags>;
const firstS = seconds(() => (first = importTags(db, judgeFile, judge)));
if (first.tags.added !== generated.tags || first.verdicts.added !== generated.verdicts || first.skipped.count !== 0) {
  throw new Error(`the first import did not add every row: ${JSON.stringify({ tags: first.tags, verdicts: first.verdicts, skipped: first.skipped.count })}`);
}
let again!: ReturnType<typeof importTags>;
const changes0 = changes();
const againS = seconds(() => (again = importTags(db, judgeFile, judge)));
const reimportWrites = changes() - changes0;
if (again.tags.unchanged !== generated.tags || again.verdicts.unchanged !== generated.verdicts) {
  throw new Error(`the re-import was not unchanged: ${JSON.stringify({ tags: again.tags, verdicts: again.verdicts })}`);
}

// The same rows as a teammate's pack: the judge's work exported, given to another annotator under new UUIDs, merged
// (every row new), then merged again (every row unchanged).
const exported = path.join(dir, 'bench-judge.pack');
const pack = path.join(dir, 'bench-judge-teammate.pack');
exportPack(store, exported, { annotators: [judge], replace: true });
reassignPack(exported, pack, `${judge}-teammate`);
let merged!: ReturnType<typeof importPack>;
const mergeS = seconds(() => (merged = importPack(db, pack)));
if (merged.tags.added !== generated.tags || merged.verdicts.added !== generated.verdicts) {
  throw new Error(`the pack did not merge every row: ${JSON.stringify({ tags: merged.tags, verdicts: merged.verdicts })}`);
}
let remerged!: ReturnType<typeof importPack>;
const remergeS = seconds(() => (remerged = importPack(db, pack)));
if (remerged.tags.unchanged !== generated.tags || remerged.verdicts.unchanged !== generated.verdicts) throw new Error('the pack did not merge back unchanged');

// The floor of any importer on this schema: the judge's rows inserted bare into tags and verdicts (ids already
// resolved, nothing looked up), so that only the kept counts' triggers run beside the inserts; rolled back.
const judgeId = db.prepare('SELECT id FROM annotators WHERE name = ?').pluck().get(judge) as number;
const floorAnnotator = `${judge}-floor`;
const judgeTags = db.prepare('SELECT response_id, label_id, step_start, step_end, char_start, char_end, time_start, time_end, note, severity FROM tags WHERE annotator_id = ?').raw().all(judgeId) as unknown[][];
const judgeVerdicts = db.prepare('SELECT response_id, supports FROM verdicts WHERE annotator_id = ?').raw().all(judgeId) as unknown[][];
const floorS = (() => {
  checkpoint();
  db.exec('SAVEPOINT bench_floor');
  try {
    const who = Number(db.prepare("INSERT INTO annotators (name, kind, created_at) VALUES (?, 'judge', '2026-01-01T00:00:00.000Z')").run(floorAnnotator).lastInsertRowid);
    const tag = db.prepare(
      `INSERT INTO tags (uuid, response_id, label_id, annotator_id, step_start, step_end, char_start, char_end, time_start, time_end, note,
                         severity, origin, created_at, updated_at) VALUES (?, ?, ?, ${who}, ?, ?, ?, ?, ?, ?, ?, ?, 'import', 'x', 'x')`,
    );
    const verdict = db.prepare(`INSERT INTO verdicts (uuid, response_id, annotator_id, supports, review_status, created_at, updated_at) VALUES (?, ?, ${who}, ?, 'done', 'x', 'x')`);
    let n = 0;
    return seconds(() => {
      for (const t of judgeTags) tag.run(`floor-${n++}`, ...t);
      for (const v of judgeVerdicts) verdict.run(`floor-${n++}`, ...v);
    });
  } finally {
    db.exec('ROLLBACK TO bench_floor');
    db.exec('RELEASE bench_floor');
  }
})();

// Baseline: the same lines parsed and their fields inserted bare, in one transaction, on the same connection.
db.exec('CREATE TABLE IF NOT EXISTS bench_judge_baseline (run TEXT, sample_id TEXT, rollout INTEGER, label TEXT, steps TEXT, note TEXT, verdict TEXT)');
const insert = db.prepare('INSERT INTO bench_judge_baseline VALUES (?, ?, ?, ?, ?, ?, ?)');
const baselineS = seconds(() =>
  db.transaction(() => {
    for (const text of fs.readFileSync(judgeFile, 'utf8').split('\n')) {
      if (!text) continue;
      const l = JSON.parse(text);
      insert.run(l.run, String(l.sample_id), l.rollout ?? 0, l.label ?? null, l.steps ? JSON.stringify(l.steps) : null, l.note ?? null, l.verdict ?? null);
    }
  })(),
);
db.exec('DROP TABLE bench_judge_baseline');

const round = (x: number) => Math.round(x * 100) / 100;
const out = {
  lines: lineCount,
  rows,
  tags: generated.tags,
  verdicts: generated.verdicts,
  responses: db.prepare('SELECT COUNT(*) FROM responses').pluck().get() as number,
  first_import_s: round(firstS),
  first_import_rows_per_s: Math.round(rows / firstS),
  reimport_s: round(againS),
  reimport_rows_per_s: Math.round(rows / againS),
  /** Rows the unchanged re-import wrote: its own entry in the imports table, nothing else. */
  reimport_rows_written: reimportWrites,
  pack_merge_s: round(mergeS),
  pack_merge_rows_per_s: Math.round(rows / mergeS),
  pack_remerge_s: round(remergeS),
  pack_remerge_rows_per_s: Math.round(rows / remergeS),
  baseline_s: round(baselineS),
  baseline_rows_per_s: Math.round(rows / baselineS),
  /** The same rows inserted bare into tags and verdicts, their kept counts' triggers running: what any import pays. */
  baseline_with_counts_s: round(floorS),
  baseline_with_counts_rows_per_s: Math.round(rows / floorS),
};
for (const f of [judgeFile, exported, pack]) fs.rmSync(f, { force: true });
store.close();
fs.writeSync(1, JSON.stringify(out) + '\n');
