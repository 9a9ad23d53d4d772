// A demo workspace with annotations every export format has something to say about: a question with a clean,
// supported correct answer and a tagged one (a preference pair), a response whose second step is wrong (PRM labels),
// and a teammate's response-level tag. Built once per test file in a temp folder, through the real service.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildDemo } from '../../electron/core/demo.ts';
import { createService, type Service } from '../../electron/core/service.ts';
import { openStore, type Store } from '../../electron/core/store.ts';

export interface Fixture {
  dir: string;
  db: string;
  store: Store;
  service: Service;
  /** A supported, correct, untagged response (sft) … */
  chosen: Row;
  /** … and a response to the same question (rl-grpo) with a hallucination on step 1 (time 1.5–3 s) and a "no" verdict. */
  rejected: Row;
  /** An L2 response: alice says yes, and tags a span inside step 1 as overlooked-cue. */
  prm: Row;
  /** An L3 response bob tagged `degenerate` as a whole, with an "unclear" verdict. */
  bobs: Row;
  close(): void;
}

export interface Row {
  id: number;
  run: string;
  level: string;
  sample_id: string;
  sample_key: number;
  correct: number;
  step_count: number;
  rollout: number;
}

export async function buildExportFixture(prefix: string): Promise<Fixture> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const db = path.join(dir, 'w.db');
  const store = openStore(db);
  await buildDemo(store);
  const service = createService(store, { annotator: 'alice' });
  const rows = store.db
    .prepare(
      `SELECT x.id, r.name AS run, s.level, s.sample_id, s.id AS sample_key, x.correct, x.step_count, x.rollout
         FROM responses x JOIN runs r ON r.id = x.run_id JOIN samples s ON s.id = x.sample_id ORDER BY x.id`,
    )
    .all() as Row[];
  const chosen = rows.find(
    (c) => c.run === 'sft' && c.level === 'L1' && c.correct === 1 && c.step_count >= 3 && rows.some((o) => o.run === 'rl-grpo' && o.sample_key === c.sample_key && o.step_count >= 2),
  )!;
  const rejected = rows.find((o) => o.run === 'rl-grpo' && o.sample_key === chosen.sample_key)!;
  const prm = rows.find((r) => r.level === 'L2' && r.step_count >= 4)!;
  const bobs = rows.find((r) => r.level === 'L3')!;

  await service.setVerdict({ responseId: chosen.id, supports: 'yes', reviewStatus: 'done' });
  service.createTag({ responseId: rejected.id, label: 'hallucination', steps: [1, 1], time: [1.5, 3], note: 'claims the tap, "closed", was never shown', severity: 'major' });
  service.setVerdict({ responseId: rejected.id, supports: 'no' });
  const steps = (await service.getResponse({ id: prm.id })).steps;
  service.createTag({ responseId: prm.id, label: 'overlooked-cue', span: [steps[1].start + 1, steps[1].end - 1], time: [0.5, 1] });
  service.setVerdict({ responseId: prm.id, supports: 'yes' });
  service.setAnnotator({ name: 'bob' });
  service.createTag({ responseId: bobs.id, label: 'degenerate' });
  service.setVerdict({ responseId: bobs.id, supports: 'unclear' });
  service.setAnnotator({ name: 'alice' });
  return {
    dir,
    db,
    store,
    service,
    chosen,
    rejected,
    prm,
    bobs,
    close() {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
