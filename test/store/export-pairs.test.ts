// Preference pairs, property-tested: whatever the tags, verdicts, correctness and filter, every pair holds two
// responses to the same question, the chosen one correct, untagged and supported, the rejected one tagged; and every
// such combination is there once.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runExport } from '../../electron/core/export/run.ts';
import { buildExportFixture, type Fixture } from './export-fixture.ts';

let fx: Fixture;
interface R {
  id: number;
  run: string;
  level: string;
  sample_id: string;
  sample_key: number;
  rollout: number;
  raw: string;
}
let responses: R[];
beforeAll(async () => {
  fx = await buildExportFixture('cotscope-pairs-');
  responses = fx.store.db
    .prepare('SELECT x.id, r.name AS run, s.level, s.sample_id, s.id AS sample_key, x.rollout, x.raw FROM responses x JOIN runs r ON r.id = x.run_id JOIN samples s ON s.id = x.sample_id ORDER BY x.id')
    .all() as R[];
});
afterAll(() => fx.close());

type Verdict = 'yes' | 'no' | 'unclear' | null;
interface Case {
  correct: boolean;
  tagged: boolean;
  /** alice's and bob's verdicts */
  verdicts: [Verdict, Verdict];
}

function apply(cases: Case[]): void {
  const db = fx.store.db;
  const now = new Date().toISOString();
  const ann = (name: string) => {
    db.prepare("INSERT INTO annotators (name, kind, created_at) VALUES (?, 'human', ?) ON CONFLICT (name) DO NOTHING").run(name, now);
    return db.prepare('SELECT id FROM annotators WHERE name = ?').pluck().get(name) as number;
  };
  const who = [ann('alice'), ann('bob')];
  const label = db.prepare("SELECT id FROM labels WHERE key = 'inconsistent'").pluck().get() as number;
  db.transaction(() => {
    db.exec('DELETE FROM tags; DELETE FROM verdicts;');
    responses.forEach((r, i) => {
      const c = cases[i];
      db.prepare('UPDATE responses SET correct = ? WHERE id = ?').run(c.correct ? 1 : 0, r.id);
      if (c.tagged) {
        db.prepare('INSERT INTO tags (uuid, response_id, label_id, annotator_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(crypto.randomUUID(), r.id, label, who[i % 2], now, now);
      }
      c.verdicts.forEach((v, k) => {
        if (v === null) return;
        db.prepare('INSERT INTO verdicts (uuid, response_id, annotator_id, supports, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(crypto.randomUUID(), r.id, who[k], v, now, now);
      });
    });
  })();
}

const verdict = fc.constantFrom<Verdict>('yes', 'no', 'unclear', null);
const caseArb = fc.record({ correct: fc.boolean(), tagged: fc.boolean(), verdicts: fc.tuple(verdict, verdict) });

it('never pairs responses of different questions, and pairs every chosen with every rejected answer of a question', async () => {
  let n = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(caseArb, { minLength: 44, maxLength: 44 }),
      fc.subarray(['rl-grpo', 'sft', 'rl-grpo-k4'], { minLength: 1 }),
      async (cases, runs) => {
        expect(cases.length).toBe(responses.length);
        apply(cases);
        const out = path.join(fx.dir, `pairs-${n++}.jsonl`);
        await runExport(fx.store.db, { format: 'pairs', out, filter: { runs }, workspace: fx.db, command: 'test' });
        const pairs = fs.readFileSync(out, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

        const at = (p: any, side: 'chosen' | 'rejected') =>
          responses.findIndex((r) => r.level === p.level && r.sample_id === p.sample_id && r.run === p[`${side}_meta`].run && r.rollout === p[`${side}_meta`].rollout);
        for (const p of pairs) {
          const c = at(p, 'chosen');
          const x = at(p, 'rejected');
          // Both sides are responses to the pair's one question, with the texts written.
          expect(c).toBeGreaterThanOrEqual(0);
          expect(x).toBeGreaterThanOrEqual(0);
          expect(responses[c].sample_key).toBe(responses[x].sample_key);
          expect(p.chosen).toBe(responses[c].raw);
          expect(p.rejected).toBe(responses[x].raw);
          expect(runs).toContain(responses[c].run);
          expect(runs).toContain(responses[x].run);
        }
        // The expected pairs, worked out from the cases alone.
        const judged = (k: Case) => k.verdicts.filter((v) => v !== null);
        const chosen = (i: number) => cases[i].correct && !cases[i].tagged && judged(cases[i]).length > 0 && judged(cases[i]).every((v) => v === 'yes');
        const expected: string[] = [];
        responses.forEach((a, i) => {
          if (!runs.includes(a.run) || !chosen(i)) return;
          responses.forEach((b, j) => {
            if (runs.includes(b.run) && b.sample_key === a.sample_key && cases[j].tagged) expected.push(`${a.id}>${b.id}`);
          });
        });
        const got = pairs.map((p) => `${responses[at(p, 'chosen')].id}>${responses[at(p, 'rejected')].id}`);
        expect(got.sort()).toEqual(expected.sort());
        fs.rmSync(out);
        fs.rmSync(`${out}.meta.json`);
      },
    ),
    { numRuns: 40 },
  );
}, 120_000);
