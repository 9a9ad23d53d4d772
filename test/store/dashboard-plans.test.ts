// EXPLAIN QUERY PLAN of every statement the dashboard runs for a set of annotators (migration 0007's mask counts):
// for everyone, one annotator, or several that are not all of them, each chart reads the mask counts by their key
// (run, level, domain, …). None walks responses, tags, verdicts or the per-response marks, nor reads 0004's
// per-annotator counts: that is what keeps any set of annotators flat at 1M responses and 200k tags.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardFilter } from '../../shared/api.ts';
import { buildFixture, type Fixture } from './aggregates-fixture.ts';

let dir: string;
let f: Fixture;
/** Every statement run (with its parameters) while `recording` is on. */
let recorded: { sql: string; params: unknown[] }[] | null = null;
let prepare: (sql: string) => Database.Statement;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-dash-plans-'));
  f = await buildFixture(dir);
  const db = f.store.db;
  prepare = db.prepare.bind(db);
  // Statements are prepared once and kept, so wrap every statement prepared from here on.
  (db as { prepare: unknown }).prepare = (sql: string) => {
    const stmt = prepare(sql);
    for (const m of ['all', 'get', 'iterate', 'run'] as const) {
      const run = (stmt[m] as (...a: unknown[]) => unknown).bind(stmt);
      (stmt as unknown as Record<string, unknown>)[m] = (...params: unknown[]) => {
        recorded?.push({ sql, params });
        return run(...params);
      };
    }
    return stmt;
  };
});
afterAll(() => {
  f.store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function plans(work: () => Promise<unknown>): Promise<{ sql: string; plan: string }[]> {
  recorded = [];
  await work();
  const out = recorded.map(({ sql, params }) => ({
    sql: sql.replace(/\s+/g, ' '),
    plan: (prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | '),
  }));
  recorded = null;
  expect(out.length).toBeGreaterThan(0);
  return out;
}

/** Tables a statement may walk whole: a handful of rows each (runs, labels, annotators; run × question counts). */
const SMALL = new Set(['runs', 'labels', 'annotators', 'run_samples', 'json_each']);
const MASK_COUNTS = ['review_mask_counts', 'step_mask_counts', 'label_mask_counts', 'pair_mask_counts'];

const filters: [string, DashboardFilter][] = [
  ['everyone', {}],
  ['one annotator', { annotators: ['ana'] }],
  ['two of three', { annotators: ['ana', 'bob'] }],
  ['two of three, a level and a domain', { annotators: ['bob', 'cy'], levels: ['L3'], domains: ['Work'] }],
  ['two of three, a run and labels', { annotators: ['ana', 'cy'], runs: ['sft'], labels: ['inconsistent', 'overlooked-cue'] }],
];

describe('dashboard query plans by annotator masks', () => {
  for (const [name, filter] of filters) {
    it(`dashboard (${name}): every chart reads the mask counts by (run, level, domain, …)`, async () => {
      const p = await plans(() => f.call('getDashboard', filter));
      for (const { sql, plan } of p) {
        for (const m of plan.matchAll(/\bSCAN (\w+)/g)) {
          // An alias names its table in the SQL: `FROM annotators a`.
          const table = new RegExp(`(?:FROM|JOIN) (\\w+) ${m[1]}\\b`).exec(sql)?.[1] ?? m[1];
          expect(SMALL.has(table), `${sql}\n  → ${plan}`).toBe(true);
        }
        // Not 0004's per-annotator counts, and the per-response tables only probed by key (who reviewed anything).
        expect(sql).not.toMatch(/\b(FROM|JOIN) (review_counts|label_counts|pair_counts|tags|verdicts|responses|label_marks|response_masks|label_masks)\b/);
        if (/\breview_marks\b/.test(sql)) expect(plan, sql).toMatch(/SEARCH m (EXISTS )?USING PRIMARY KEY \(akey=\?\)/);
      }
      for (const t of MASK_COUNTS) {
        const mine = p.filter((s) => new RegExp(`\\b${t}\\b`).test(s.sql));
        expect(mine.length, t).toBeGreaterThan(0);
        for (const s of mine) expect(s.plan, s.sql).toMatch(new RegExp(`SEARCH (${t}|c) USING PRIMARY KEY \\(run_id=\\?`));
      }
    });
  }
});
