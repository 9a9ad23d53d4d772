// Teammates at scale, on the workspace the earlier phases built (1M responses, 200k tags and 50k verdicts by the bench
// annotators): agreement for every pair, the disagreement list's first page, one adjudication case, and a pack of
// everything written and merged back (every row unchanged), each beside a bare baseline in the same run — reading the
// same tag and verdict rows with no work on them, and JSON.stringify of those rows to a file.
//   node --import tsx bench/team.ts DB DIR
import fs from 'node:fs';
import path from 'node:path';
import { dispatch } from '../electron/core/dispatch.ts';
import { exportPack, importPack } from '../electron/core/pack.ts';
import { createService } from '../electron/core/service.ts';
import { openStore } from '../electron/core/store.ts';

const [dbFile, dir] = process.argv.slice(2);
const store = openStore(dbFile);
const { db } = store;
const service = createService(store, { annotator: 'bench-adjudicator' });

async function call(method: string, input: unknown): Promise<any> {
  const r = await dispatch(service, method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value;
}

async function time(fn: () => unknown, repeats: number): Promise<{ median_ms: number; p95_ms: number }> {
  await fn(); // warm: statements prepared, pages cached
  const t: number[] = [];
  for (let i = 0; i < repeats; i++) {
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

const bareTags = db.prepare("SELECT response_id, annotator_id, label_id, step_start, step_end, time_start, time_end FROM tags WHERE deleted_at IS NULL").raw();
const bareVerdicts = db.prepare('SELECT response_id, annotator_id, supports FROM verdicts WHERE deleted_at IS NULL').raw();
const bareScan = () => {
  let n = 0;
  for (const _ of bareTags.iterate()) n++;
  for (const _ of bareVerdicts.iterate()) n++;
  return n;
};

const first = (await call('listDisagreements', { limit: 1 })).rows[0]?.responseId as number | undefined;
const results = {
  agreement_all_pairs: await time(() => call('getAgreement', {}), 5),
  disagreements_first_page: await time(() => call('listDisagreements', { limit: 200 }), 5),
  adjudication_case: first === undefined ? null : await time(() => call('getAdjudication', { responseId: first }), 15),
  baseline_scan_tags_and_verdicts: await time(bareScan, 5),
};

// A pack of everything, then merged back into the same workspace: every row is found and left unchanged.
const pack = path.join(dir, 'bench.pack');
let t0 = process.hrtime.bigint();
const written = exportPack(store, pack);
const exportS = Number(process.hrtime.bigint() - t0) / 1e9;
t0 = process.hrtime.bigint();
const merged = importPack(db, pack);
const mergeS = Number(process.hrtime.bigint() - t0) / 1e9;
const rows = written.tags + written.verdicts + written.adjudications + written.adjudicatedVerdicts;
if (merged.tags.unchanged + merged.verdicts.unchanged !== written.tags + written.verdicts) throw new Error('the pack did not merge back unchanged');
// Baseline: the same rows read bare and written as JSON lines.
const baselineFile = path.join(dir, 'bench-baseline.jsonl');
t0 = process.hrtime.bigint();
const fd = fs.openSync(baselineFile, 'w');
let buf = '';
for (const r of bareTags.iterate()) {
  buf += JSON.stringify(r) + '\n';
  if (buf.length > 1 << 20) (fs.writeSync(fd, buf), (buf = ''));
}
for (const r of bareVerdicts.iterate()) {
  buf += JSON.stringify(r) + '\n';
  if (buf.length > 1 << 20) (fs.writeSync(fd, buf), (buf = ''));
}
fs.writeSync(fd, buf);
fs.closeSync(fd);
const baselineS = Number(process.hrtime.bigint() - t0) / 1e9;

const out = {
  ...results,
  pack: {
    rows,
    mib: round(fs.statSync(pack).size / 2 ** 20),
    export_s: round(exportS),
    export_rows_per_s: Math.round(rows / exportS),
    merge_unchanged_s: round(mergeS),
    merge_rows_per_s: Math.round(rows / mergeS),
    baseline_bare_jsonl_s: round(baselineS),
    baseline_rows_per_s: Math.round((written.tags + written.verdicts) / baselineS),
  },
  tags: written.tags,
  verdicts: written.verdicts,
  pairs: (await call('getAgreement', {})).pairs.length,
};
fs.rmSync(pack, { force: true });
fs.rmSync(baselineFile, { force: true });
store.close();
fs.writeSync(1, JSON.stringify(out) + '\n');
