// Exports started through the API (as the app's export dialog starts them): progress while they run, the result when
// done, and a cancel that leaves no file. Run through dispatch(), the way every shell calls the service.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBenchFiles } from '../../bench/generate.ts';
import { dispatch } from '../../electron/core/dispatch.ts';
import { importBenchmark } from '../../electron/core/import-benchmark.ts';
import { importRun } from '../../electron/core/import-run.ts';
import { createService, serviceInternals, type Service } from '../../electron/core/service.ts';
import { openStore, type Store } from '../../electron/core/store.ts';
import type { ExportJob, Input, MethodName, Output } from '../../shared/api.ts';

let dir: string;
let store: Store;
let service: Service;
const RESPONSES = 4000;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-export-jobs-'));
  const files = await writeBenchFiles(dir, RESPONSES, 200);
  store = openStore(path.join(dir, 'w.db'));
  await importBenchmark(store, [files.annotations]);
  await importRun(store, files.run, { name: 'big', method: 'rl' });
  service = createService(store, { annotator: 'alice' });
}, 120_000);
afterAll(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function call<M extends MethodName>(method: M, input?: Input<M>): Promise<Output<M>> {
  const r = await dispatch(service, method, input);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as Output<M>;
}

/** Polls like the dialog does, keeping every state seen. */
async function follow(id: string): Promise<ExportJob[]> {
  const seen: ExportJob[] = [];
  for (;;) {
    const job = await call('getExport', { id });
    seen.push(job);
    if (job.state !== 'running') return seen;
    await sleep(5);
  }
}

const outputs = () => fs.readdirSync(dir).filter((f) => f.startsWith('out') || f.startsWith('.out'));

describe('export jobs', () => {
  it('report progress while they run and the result when done; the file holds the filter', async () => {
    const filter = { correct: false };
    const total = (await call('listResponses', { filter, limit: 1 })).total;
    expect(total).toBeGreaterThan(1000);
    const job = await call('startExport', { format: 'jsonl', out: path.join(dir, 'out-wrong.jsonl'), filter });
    expect(job).toMatchObject({ state: 'running', format: 'jsonl', out: path.join(dir, 'out-wrong.jsonl') });
    const seen = await follow(job.id);
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ state: 'done', done: total, total, rows: total, meta: path.join(dir, 'out-wrong.jsonl.meta.json') });
    expect(last.message).toMatch(/^wrote [\d,]+ response\(s\) to /);
    // The bar moved: some poll saw a part done.
    expect(seen.some((j) => j.state === 'running' && j.done > 0 && j.done < total)).toBe(true);
    const lines = fs.readFileSync(last.out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(total);
    expect(lines.every((l) => l.correct === false)).toBe(true);
    expect(JSON.parse(fs.readFileSync(last.meta!, 'utf8'))).toMatchObject({ filter, annotator: 'alice', command: expect.stringMatching(/export dialog/) });
  });

  it('cancelled part-way, leave no file and no partial file', async () => {
    const before = outputs();
    const job = await call('startExport', { format: 'parquet', out: path.join(dir, 'out-cancel.parquet') });
    for (;;) {
      const j = await call('getExport', { id: job.id });
      if (j.done > 0 || j.state !== 'running') break;
      await sleep(2);
    }
    const cancelled = await call('cancelExport', { id: job.id });
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.done).toBeLessThan(RESPONSES);
    expect(cancelled.message).toBe('cancelled; nothing was written');
    expect(outputs()).toEqual(before);
  });

  it('refuse a destination that cannot be written at once, naming it', async () => {
    const r = await dispatch(service, 'startExport', { format: 'csv', out: path.join(dir, 'no-such-folder', 'x.csv') });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/^startExport: cannot write .*x\.csv: folder .*no-such-folder does not exist/);
    const bad = await dispatch(service, 'startExport', { format: 'xlsx', out: 'x' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toMatch(/^startExport: field `format`/);
  });

  it('stop when the workspace closes under them (switched, or the app quits), leaving no file', async () => {
    const before = outputs();
    const other = openStore(path.join(dir, 'w.db'));
    const svc = createService(other, { annotator: 'alice' });
    const r = await dispatch(svc, 'startExport', { format: 'jsonl', out: path.join(dir, 'out-closed.jsonl') });
    if (!r.ok) throw new Error(r.error.message);
    const job = r.value as ExportJob;
    const exports = serviceInternals(svc).exports;
    while (exports.get(job.id).done === 0) await sleep(1);
    other.close();
    const ended = await exports.settle(job.id);
    expect(ended.state).toBe('cancelled');
    expect(outputs()).toEqual(before);
  });

  it('go on answering and saving tags while an export runs', async () => {
    const job = await call('startExport', { format: 'csv', out: path.join(dir, 'out-busy.csv') });
    const tag = await call('createTag', { responseId: 1, label: 'format' });
    expect(tag.label).toBe('format');
    const last = (await follow(job.id)).at(-1)!;
    expect(last.state).toBe('done');
  });
});
