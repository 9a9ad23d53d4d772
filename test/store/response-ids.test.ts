// ResponseList.ids: what an export of "the current filter" walks. It must yield exactly the list's rows, in the list's
// order, whichever way the planner reads them (list index, a filter's own index, full-text hits).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildDemo } from '../../electron/core/demo.ts';
import { ResponseList } from '../../electron/core/response-list.ts';
import { openStore, type Store } from '../../electron/core/store.ts';
import type { ResponseFilter } from '../../shared/api.ts';

let dir: string;
let store: Store;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-ids-'));
  store = openStore(path.join(dir, 'w.db'));
  await buildDemo(store);
});
afterAll(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const filters: ResponseFilter[] = [
  {},
  { correct: false },
  { levels: ['L1'], runs: ['rl-grpo-k4'] },
  { text: 'tap' },
  { runs: ['sft'], text: 'the' },
  { runs: ['no-such-run'] },
];

it.each(filters)('yields the same ids in the same order as the list pages: %j', (filter) => {
  const list = new ResponseList(store.db);
  for (const [sort, order] of [['sample', 'asc'], ['steps', 'desc']] as const) {
    const q = list.build(filter, sort, order, null);
    const paged: number[] = [];
    for (let offset = 0; ; offset += 7) {
      const page = list.page(q, offset, 7, null);
      paged.push(...page.rows.map((r) => r.id));
      if (offset + 7 >= page.total) break;
    }
    expect([...list.ids(q)]).toEqual(paged);
  }
});

it('walks the whole demo workspace when nothing filters', () => {
  const list = new ResponseList(store.db);
  const all = [...list.ids(list.build({}, 'sample', 'asc', null))];
  expect(all.length).toBe(store.db.prepare('SELECT COUNT(*) FROM responses').pluck().get());
  expect(new Set(all).size).toBe(all.length);
});
