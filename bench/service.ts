// Query latency on the workspace the import phase built (1M responses): the response list as the library asks for
// it, and a tag saved through the API, each beside a raw baseline measured on the same file in the same run.
//   node --import tsx bench/service.ts DB TAGS
import crypto from 'node:crypto';
import fs from 'node:fs';
import { dispatch } from '../electron/core/dispatch.ts';
import { createService } from '../electron/core/service.ts';
import { openStore } from '../electron/core/store.ts';
import { prng } from './generate.ts';

const [dbFile, tagsArg] = process.argv.slice(2);
const tagCount = Number(tagsArg ?? 200_000);
const store = openStore(dbFile);
const { db } = store;

// 200k annotations spread over the responses, by two annotators, in every default label.
const rand = prng(11);
const maxId = (db.prepare('SELECT MAX(id) AS m FROM responses').get() as { m: number }).m;
const labelIds = (db.prepare('SELECT id FROM labels ORDER BY id').all() as { id: number }[]).map((r) => r.id);
const now = new Date().toISOString();
db.prepare("INSERT OR IGNORE INTO annotators (name, created_at) VALUES ('bench-a', ?), ('bench-b', ?)").run(now, now);
const annotators = (db.prepare("SELECT id FROM annotators WHERE name LIKE 'bench-%'").all() as { id: number }[]).map((r) => r.id);
const insertTag = db.prepare(
  'INSERT INTO tags (uuid, response_id, label_id, annotator_id, step_start, step_end, created_at, updated_at) VALUES (?, ?, ?, ?, 0, 0, ?, ?)',
);
db.transaction(() => {
  for (let i = 0; i < tagCount; i++) {
    insertTag.run(crypto.randomUUID(), 1 + Math.floor(rand() * maxId), labelIds[i % labelIds.length], annotators[i % 2], now, now);
  }
})();

const service = createService(store, { annotator: 'bench-a' });

async function time(fn: () => unknown, repeats = 15): Promise<{ median_ms: number; p95_ms: number }> {
  await fn(); // warm
  const t: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    t.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  t.sort((a, b) => a - b);
  return { median_ms: round(t[Math.floor(t.length / 2)]), p95_ms: round(t[Math.min(t.length - 1, Math.floor(t.length * 0.95))]) };
}
function round(x: number): number {
  return Math.round(x * 100) / 100;
}
async function call(method: string, input: unknown) {
  const r = await dispatch(service, method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value;
}

const list = (filter: object, extra: object = {}) => () => call('listResponses', { filter, limit: 100, ...extra });
const rawPage = db.prepare('SELECT id, sample_id, run_id, rollout, correct FROM responses ORDER BY id LIMIT 100 OFFSET ?');
const results = {
  list: {
    page_default: await time(list({})),
    page_run_wrong: await time(list({ runs: ['bench'], correct: false })),
    page_label: await time(list({ labels: ['hallucination'] })),
    page_disagreement_format: await time(list({ disagreement: true, formatOk: true })),
    page_text_search: await time(list({ text: 'kettle' })),
    page_no_verdict_yet: await time(list({ verdict: 'none' })),
    page_to_review: await time(list({ review: 'todo' })),
    page_wrong_answers: await time(list({ correct: false })),
    page_sorted_by_steps: await time(list({}, { sort: 'steps', order: 'desc' })),
    page_offset_900k: await time(list({}, { offset: 900_000 })),
    baseline_bare_page: await time(() => rawPage.all(0)),
    baseline_bare_page_offset_900k: await time(() => rawPage.all(900_000)),
  },
  tag: {
    create_via_api: await time(() => call('createTag', { responseId: 1 + Math.floor(rand() * maxId), label: 'inconsistent', steps: [0, 0] }), 100),
    baseline_bare_insert: await (() => {
      db.exec('CREATE TABLE IF NOT EXISTS bench_scratch (a TEXT, b INTEGER)');
      const ins = db.prepare('INSERT INTO bench_scratch VALUES (?, ?)');
      return time(() => ins.run(crypto.randomUUID(), 1), 100);
    })(),
  },
  responses: maxId,
  tags: tagCount,
};
store.close();
fs.writeSync(1, JSON.stringify(results) + '\n');
