// EXPLAIN QUERY PLAN of every statement the aggregates run: the compare matrix, each dashboard chart, stats --labels
// and the drill-down filters read the kept counts and marks of migration 0004 by their keys. None walks responses,
// tags, verdicts or the marks: that is what keeps them flat at 1M responses and 200k tags (see bench/aggregates.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeLabelStats } from '../../electron/core/stats.ts';
import type { DashboardFilter, ResponseFilter } from '../../shared/api.ts';
import { buildFixture, type Fixture } from './aggregates-fixture.ts';

let dir: string;
let f: Fixture;
/** Every statement run (with its parameters) while `recording` is on. */
let recorded: { sql: string; params: unknown[] }[] | null = null;
let prepare: (sql: string) => Database.Statement;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-plans-'));
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

async function plans(work: () => Promise<unknown> | unknown): Promise<{ sql: string; plan: string }[]> {
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

function noFullScans(statements: { sql: string; plan: string }[]) {
  for (const { sql, plan } of statements) {
    for (const m of plan.matchAll(/\bSCAN (\w+)/g)) {
      const name = m[1];
      // An alias names its table in the SQL: `FROM annotators a`.
      const table = new RegExp(`(?:FROM|JOIN) (\\w+) ${name}\\b`).exec(sql)?.[1] ?? name;
      // A CTE materialized from the marks by key (several annotators' label pairs) is walked whole, by design.
      const materialized = new RegExp(`\\b${table} AS MATERIALIZED\\b`).test(sql);
      expect(SMALL.has(table) || SMALL.has(name) || materialized, `${sql}\n  → ${plan}`).toBe(true);
    }
    expect(plan, sql).not.toMatch(/\b(responses|tags|verdicts|review_marks|label_marks)\b(?! USING (PRIMARY KEY|INDEX|COVERING))/);
  }
}

const usesKey = (statements: { sql: string; plan: string }[], table: string, key: RegExp, only = /./) => {
  const mine = statements.filter((s) => new RegExp(`\\bFROM ${table} (WHERE|JOIN)\\b`).test(s.sql) && only.test(s.sql));
  expect(mine.length, table).toBeGreaterThan(0);
  for (const s of mine) expect(s.plan, s.sql).toMatch(key);
};

describe('aggregate query plans', () => {
  it('compare matrix: one run’s questions by key, the other’s looked up by (run, question)', async () => {
    const p = await plans(() => f.call('compareMatrix', { runs: ['rl', 'sft'], levels: ['L1', 'L3'] }));
    noFullScans(p);
    usesKey(p, 'run_samples a', /SEARCH a USING PRIMARY KEY \(run_id=\?\).*SEARCH b USING PRIMARY KEY \(run_id=\? AND sample_id=\?\)/);
  });

  const filters: [string, DashboardFilter][] = [
    ['everyone', {}],
    ['one annotator', { annotators: ['ana'] }],
    ['levels and a domain', { levels: ['L3'], domains: ['Work'] }],
    ['runs and labels', { runs: ['sft'], labels: ['inconsistent', 'format'] }],
  ];
  for (const [name, filter] of filters) {
    it(`dashboard (${name}): every chart reads the kept counts by (annotator, run, …)`, async () => {
      const p = await plans(() => f.call('getDashboard', filter));
      noFullScans(p);
      usesKey(p, 'run_samples', /SEARCH run_samples USING PRIMARY KEY \(run_id=\?/, /SUM\(correct\)/); // accuracy
    });
  }

  it('dashboard (several annotators, not all): their marks by annotator key, never a walk of tags or verdicts', async () => {
    const p = await plans(() => f.call('getDashboard', { annotators: ['ana', 'bob'] }));
    noFullScans(p);
  });

  it('stats --labels: the same counts', async () => {
    noFullScans(await plans(() => computeLabelStats(f.store)));
  });

  it('drill-down filters read the marks by annotator key', async () => {
    const filters: ResponseFilter[] = [
      { reviewed: true, by: ['ana'] },
      { reviewed: false },
      { consensus: 'no', by: ['bob'] },
      { consensus: 'unjudged' },
      { firstStep: [0.2, 0.3] },
      { allLabels: ['inconsistent', 'hallucination'], by: ['ana'] },
      { labels: ['inconsistent'], by: ['ana', 'bob'] },
    ];
    for (const filter of filters) {
      const p = await plans(() => f.call('listResponses', { filter, limit: 10 }));
      const marks = p.filter((s) => /\b(review_marks|label_marks)\b/.test(s.sql));
      expect(marks.length, JSON.stringify(filter)).toBeGreaterThan(0);
      for (const s of marks) expect(s.plan, s.sql).toMatch(/SEARCH (review_marks|label_marks) USING PRIMARY KEY \(akey=\?/);
      for (const s of marks) expect(s.plan, s.sql).not.toMatch(/SCAN (review_marks|label_marks)/);
    }
  });
});
