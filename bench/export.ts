// Export throughput on the workspace the import phase built (1M responses, 200k tags), each beside a bare baseline
// measured in the same run. One measurement per process (run by bench/import.ts), so each peak RSS is its own:
//   node --import tsx bench/export.ts DB OUT_DIR jsonl|parquet|baseline-jsonl|baseline-parquet
// jsonl / parquet       `cotscope export` of every response: the filter walk, rows with steps, tags and verdicts, the
//                       format writer, the rename into place.
// baseline-jsonl        a bare loop: one SELECT of the same responses (joined with run and question), JSON.stringify
//                       of each row to a file.
// baseline-parquet      the Parquet writer alone, fed rows built beforehand (the first 5,000 responses' export rows,
//                       written over and over to the same count), so memory stays as bounded as the export's.
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { ParquetRowsFile, RESPONSE_FIELDS, parquetRow, ROW_GROUP } from '../electron/core/export/parquet.ts';
import { ResponseReader } from '../electron/core/export/records.ts';
import { runExport } from '../electron/core/export/run.ts';
import { openStore } from '../electron/core/store.ts';
import { VERSION } from '../electron/core/version.ts';

const [dbFile, outDir, mode] = process.argv.slice(2);
const store = openStore(dbFile, { create: false });
const { db } = store;
const total = db.prepare('SELECT COUNT(*) FROM responses').pluck().get() as number;
const out = path.join(outDir, `export-${mode}.${mode.endsWith('parquet') ? 'parquet' : 'jsonl'}`);

let rows = total;
let t0 = performance.now();
if (mode === 'jsonl' || mode === 'parquet') {
  const r = await runExport(db, { format: mode, out, workspace: dbFile, command: `bench ${mode}` });
  rows = r.responses;
} else if (mode === 'baseline-jsonl') {
  const stream = fs.createWriteStream(out);
  let buf = '';
  for (const row of db
    .prepare(
      `SELECT s.sample_id, s.level, r.name AS run, r.method, x.rollout, x.prediction, s.golden, x.correct, x.format_ok,
              x.file_reward, x.file_correct, x.score_disagreement, s.task_goal, s.question, s.choice_a, s.choice_b,
              s.choice_c, s.choice_d, x.raw, x.answer_text, x.steps
         FROM responses x JOIN runs r ON r.id = x.run_id JOIN samples s ON s.id = x.sample_id ORDER BY x.sample_id, x.run_id, x.rollout`,
    )
    .iterate()) {
    buf += JSON.stringify(row) + '\n';
    if (buf.length > 1 << 20) {
      if (!stream.write(buf)) await once(stream, 'drain');
      buf = '';
    }
  }
  stream.end(buf);
  await once(stream, 'finish');
} else if (mode === 'baseline-parquet') {
  const ids = db.prepare('SELECT id FROM responses ORDER BY id LIMIT 5000').pluck().all() as number[];
  const built = new ResponseReader(db).read(ids).map(parquetRow);
  const meta = { tool: 'cotscope' as const, cotscope_version: VERSION, format: 'parquet' as const, created_at: '', workspace: dbFile, filter: {}, origin: 'human' as const, annotator: null, command: 'bench' };
  // Timed from here: the rows exist; only the writer works.
  t0 = performance.now();
  const file = new ParquetRowsFile(out, RESPONSE_FIELDS, meta, ROW_GROUP);
  for (let i = 0; i < total; i++) file.add(built[i % built.length]);
  file.finish();
} else {
  throw new Error(`unknown mode ${mode}`);
}
report(performance.now() - t0);

function report(ms: number): void {
  const bytes = fs.statSync(out).size;
  fs.rmSync(out, { force: true });
  fs.rmSync(`${out}.meta.json`, { force: true });
  store.close();
  process.stdout.write(
    JSON.stringify({ mode, rows, seconds: ms / 1000, rows_per_s: Math.round(rows / (ms / 1000)), mib: Math.round(bytes / 2 ** 20), peak_rss_mb: process.resourceUsage().maxRSS / 1024 }) + '\n',
  );
}
