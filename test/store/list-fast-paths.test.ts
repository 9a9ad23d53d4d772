// The list's fast paths of migration 0008 against the general path they stand in for: a drill-down read from the
// marks (MarksPath), a page sorted by tag count in two parts (tagged from the marks, untagged along the list index)
// and the walk sorted by step count must give the same totals and the same rows in the same order, page by page, as
// the general statements over responses (x.id IN …, ORDER BY the sort's keys), on the demo workspace annotated at
// random by three annotators (step and span tags, deleted tags, verdicts of every kind).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prng } from '../../bench/generate.ts';
import { buildDemo } from '../../electron/core/demo.ts';
import { dispatch } from '../../electron/core/dispatch.ts';
import type { ListQuery, ResponseSort, SortOrder } from '../../electron/core/response-list.ts';
import { createService, serviceInternals, type Service } from '../../electron/core/service.ts';
import { openStore, type Store } from '../../electron/core/store.ts';
import type { Input, MethodName, Output, ResponseFilter } from '../../shared/api.ts';

let dir: string;
let store: Store;
let service: Service;
async function call<M extends MethodName>(method: M, input?: Input<M>): Promise<Output<M>> {
  const r = await dispatch(service, method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as Output<M>;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-list-fast-'));
  store = openStore(path.join(dir, 'w.db'));
  await buildDemo(store, undefined, { checks: false });
  service = createService(store, { annotator: 'ana' });
  const rand = prng(5);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const ids = store.db.prepare('SELECT id, step_count FROM responses ORDER BY id').raw().all() as [number, number][];
  const labels = (await call('listLabels', {})).map((l) => l.key);
  for (let i = 0; i < 70; i++) {
    await call('setAnnotator', { name: pick(['ana', 'bob', 'cy']) });
    const [id, steps] = pick(ids);
    const r = rand();
    if (r < 0.45 && steps > 0) {
      const a = Math.floor(rand() * steps);
      const tag = await call('createTag', { responseId: id, label: pick(labels), steps: [a, Math.min(steps - 1, a + Math.floor(rand() * 2))] });
      if (rand() < 0.15) await call('deleteTag', { uuid: tag.uuid });
    } else if (r < 0.55) {
      const detail = await call('getResponse', { id });
      const at = Math.floor(rand() * Math.max(1, detail.raw.length - 5));
      await call('createTag', { responseId: id, label: pick(labels), span: [at, at + 3] });
    } else if (r < 0.6) {
      await call('createTag', { responseId: id, label: pick(labels) }); // the whole response: no step
    } else {
      await call('setVerdict', { responseId: id, supports: pick(['yes', 'no', 'unclear', null] as const), reviewStatus: pick(['todo', 'done', 'skipped'] as const) });
    }
  }
  await call('setAnnotator', { name: 'ana' });
});
afterAll(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Every page of a list, by the given path; `general` takes the fast paths away. */
function pages(filter: ResponseFilter, sort: ResponseSort, order: SortOrder, size: number, general: boolean) {
  const { list, annotator } = serviceInternals(service);
  const me = annotator.id();
  const built = list.build(filter, sort, order, me);
  const q: ListQuery = general ? { ...built, marks: null, tagged: null, orderIndex: sort === 'sample' ? 'responses_list' : null } : built;
  const out: { total: number; ids: number[][] } = { total: 0, ids: [] };
  for (let offset = 0; ; offset += size) {
    const page = list.page(q, offset, size, me);
    out.total = page.total;
    if (page.rows.length === 0) break;
    out.ids.push(page.rows.map((r) => r.id));
  }
  return { out, fast: built.marks !== null || built.tagged !== null };
}

describe('list fast paths agree with the general statements', () => {
  it('drill-downs from the marks: every bin, consensus and label, by everyone or one annotator, with runs, levels, correctness', async () => {
    const runs = ['rl-grpo', 'sft', 'rl-grpo-k4'];
    const labels = (await call('listLabels', {})).map((l) => l.key);
    const sets: ResponseFilter[] = [
      ...Array.from({ length: 10 }, (_, k) => ({ firstStep: [k / 10, (k + 1) / 10] as [number, number] })),
      ...(['yes', 'no', 'unclear'] as const).map((consensus) => ({ consensus })),
      ...labels.map((l) => ({ labels: [l] })),
      ...labels.map((l) => ({ allLabels: [l] })),
    ];
    const scopes: ResponseFilter[] = [{}, { runs: ['rl-grpo'] }, { runs: ['sft'], correct: true }, { runs: ['rl-grpo-k4'], correct: false }, { levels: ['L1', 'L3'] }, { runs, levels: ['L2'] }];
    let fast = 0;
    let nonEmpty = 0;
    for (const set of sets) {
      for (const scope of scopes) {
        for (const by of [undefined, ['ana'], ['bob'], ['ana', 'bob', 'cy']]) {
          const filter: ResponseFilter = { ...scope, ...set, ...(by ? { by } : {}) };
          for (const [order, size] of [['asc', 7], ['desc', 50]] as const) {
            const a = pages(filter, 'sample', order, size, false);
            const b = pages(filter, 'sample', order, size, true);
            expect(a.out, `${JSON.stringify(filter)} ${order}`).toEqual(b.out);
            if (a.fast) fast++;
            if (a.out.total > 0) nonEmpty++;
          }
        }
      }
    }
    // The comparison must have exercised the fast path, on lists that hold something.
    expect(fast).toBeGreaterThan(sets.length * scopes.length * 2);
    expect(nonEmpty).toBeGreaterThan(100);
  });

  it('sorted by tag count, both ways, with and without conditions; sorted by step count', async () => {
    // Both parts of the tag-count order hold responses (the demo has 44).
    const tagged = store.db.prepare('SELECT COUNT(DISTINCT response_id) FROM tags WHERE deleted_at IS NULL').pluck().get() as number;
    const all = store.db.prepare('SELECT COUNT(*) FROM responses').pluck().get() as number;
    expect(tagged).toBeGreaterThan(5);
    expect(all - tagged).toBeGreaterThan(5);
    const filters: ResponseFilter[] = [{}, { runs: ['rl-grpo'] }, { correct: false }, { runs: ['sft', 'rl-grpo-k4'], levels: ['L1'] }, { domains: ['Work'] }];
    for (const filter of filters) {
      for (const order of ['asc', 'desc'] as const) {
        for (const sort of ['tags', 'steps'] as const) {
          const a = pages(filter, sort, order, 9, false);
          const b = pages(filter, sort, order, 9, true);
          expect(a.out, `${sort} ${JSON.stringify(filter)} ${order}`).toEqual(b.out);
          expect(a.out.total).toBeGreaterThan(0);
          if (sort === 'tags') expect(a.fast).toBe(true);
        }
      }
    }
  });

  it('the tag-count order is the live tag count (a deleted tag moves its response back)', async () => {
    const top = (await call('listResponses', { filter: {}, sort: 'tags', order: 'desc', limit: 1 })).rows[0];
    expect(top.tagCount).toBeGreaterThan(1);
    const detail = await call('getResponse', { id: top.id });
    for (const t of detail.tags) {
      await call('setAnnotator', { name: t.annotator });
      await call('deleteTag', { uuid: t.uuid });
    }
    await call('setAnnotator', { name: 'ana' });
    // Untagged now: after every tagged response when descending, before them ascending, and in the same place
    // either way as the general path puts it.
    const tagged = store.db.prepare('SELECT COUNT(*) FROM tags WHERE deleted_at IS NULL').pluck().get() as number;
    const desc = await call('locateResponse', { id: top.id, filter: {}, sort: 'tags', order: 'desc' });
    expect(desc.index).not.toBeNull();
    const withTags = store.db.prepare('SELECT COUNT(DISTINCT response_id) FROM tags WHERE deleted_at IS NULL').pluck().get() as number;
    expect(tagged).toBeGreaterThan(0);
    expect(desc.index!).toBeGreaterThanOrEqual(withTags);
    const page = await call('listResponses', { filter: {}, sort: 'tags', order: 'desc', offset: desc.index!, limit: 1 });
    expect(page.rows[0]).toMatchObject({ id: top.id, tagCount: 0 });
    const a = pages({}, 'tags', 'desc', 13, false);
    expect(a.out).toEqual(pages({}, 'tags', 'desc', 13, true).out);
  });
});
