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

/**
 * A search of the marks by the annotator key: their primary key or one of their indexes (migrations 0004, 0008; the
 * first-step bin and consensus indexes lead with the bin or consensus, then the key).
 */
const byAkey = (table: string) =>
  new RegExp(`SEARCH ${table} USING (PRIMARY KEY|(COVERING )?INDEX (review|label)_marks_\\w+) \\((<expr>=\\? AND )?akey=\\?`);

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
      for (const s of marks) expect(s.plan, s.sql).toMatch(byAkey('(review_marks|label_marks|m)'));
      for (const s of marks) expect(s.plan, s.sql).not.toMatch(/SCAN (review_marks|label_marks)/);
    }
  });
});

describe('drill-down lists, the compare walk and the sorted lists (migration 0008)', () => {
  /** A page that walks an index in the list's order: SQLite sorts at most the rollouts of one question and run. */
  const walks = (plan: string) => !/USE TEMP B-TREE FOR ORDER BY/.test(plan);

  it('a bar’s drill-down reads one marks index range: the total counts it, a page walks it in question order', async () => {
    const drills: [ResponseFilter, RegExp][] = [
      [{ runs: ['rl'], firstStep: [0.2, 0.3] }, /review_marks_bin \(<expr>=\? AND akey=\?\)/],
      [{ runs: ['rl'], firstStep: [0.9, 1], by: ['ana'] }, /review_marks_bin \(<expr>=\? AND akey=\?\)/],
      [{ runs: ['rl'], correct: true, consensus: 'no' }, /review_marks_cons \(<expr>=\? AND akey=\?\)/],
      [{ runs: ['rl'], correct: false, consensus: 'yes', by: ['bob'], levels: ['L1'] }, /review_marks_cons \(<expr>=\? AND akey=\?\)/],
      [{ runs: ['rl'], labels: ['hallucination'], by: ['ana'] }, /label_marks_label \(akey=\? AND label_id=\?\)/],
      [{ runs: ['sft'], levels: ['L1'], labels: ['overlooked-cue'] }, /label_marks_label \(akey=\? AND label_id=\?\)/],
      [{ allLabels: ['inconsistent'], by: ['ana'], domains: ['Work'] }, /label_marks_label \(akey=\? AND label_id=\?\)/],
    ];
    for (const [filter, index] of drills) {
      for (const order of ['asc', 'desc'] as const) {
        // Limit 1, so that a drill with any response at all reads a page too.
        const p = await plans(() => f.call('listResponses', { filter, order, limit: 1 }));
        const what = `${JSON.stringify(filter)} ${order}`;
        noFullScans(p);
        const count = p.filter((s) => /^SELECT COUNT\(\*\) FROM (review|label)_marks m /.test(s.sql));
        expect(count.length, what).toBe(1);
        expect(count[0].plan, what).toMatch(new RegExp(`^SEARCH m USING COVERING INDEX ${index.source}$`));
        // Nothing else reads responses, tags or verdicts whole: the page (when the total is not 0) and the rows shown.
        for (const s of p.filter((s) => /FROM (review|label)_marks m .*ORDER BY/.test(s.sql))) {
          expect(s.plan, what).toMatch(new RegExp(`^SEARCH m USING COVERING INDEX ${index.source} \\| SEARCH x USING INTEGER PRIMARY KEY \\(rowid=\\?\\) \\| USE TEMP B-TREE FOR LAST TERM OF ORDER BY$`));
        }
      }
    }
    // Several annotators, or a range that is not one bin, still take the general path (and read the marks by key).
    for (const filter of [{ firstStep: [0.25, 0.5] }, { consensus: 'no', by: ['ana', 'bob'] }] as ResponseFilter[]) {
      const p = await plans(() => f.call('listResponses', { filter, limit: 1 }));
      expect(p.some((s) => /(review|label)_marks m INDEXED BY/.test(s.sql)), JSON.stringify(filter)).toBe(false);
    }
  });

  it('sorted by step count, a page walks responses_steps in its order', async () => {
    for (const order of ['asc', 'desc'] as const) {
      for (const filter of [{}, { runs: ['sft'] }] as ResponseFilter[]) {
        const p = await plans(() => f.call('listResponses', { filter, sort: 'steps', order, limit: 3 }));
        const page = p.filter((s) => /^SELECT x\.id FROM responses x/.test(s.sql));
        expect(page.length).toBe(1);
        expect(page[0].plan, `${order} ${JSON.stringify(filter)}`).toMatch(/^SCAN x USING (COVERING )?INDEX responses_steps\b/);
        expect(walks(page[0].plan), page[0].plan).toBe(true);
      }
    }
  });

  it('sorted by tag count: the tagged from review_marks_tags in its order, the untagged along responses_list', async () => {
    for (const filter of [{}, { correct: true, runs: ['rl'] }] as ResponseFilter[]) {
      for (const order of ['asc', 'desc'] as const) {
        const what = `${JSON.stringify(filter)} ${order}`;
        const { total } = await f.call('listResponses', { filter, limit: 1 });
        const seen = { count: 0, tagged: 0, untagged: 0 };
        // Pages all along the list, so that some read one part, some the other and some both.
        for (let offset = 0; offset < total; offset += 2) {
          const p = await plans(() => f.call('listResponses', { filter, sort: 'tags', order, offset, limit: 3 }));
          expect(p.some((s) => /COUNT\(\*\) FROM tags/.test(s.sql)), what).toBe(false);
          for (const s of p) {
            if (/^SELECT COUNT\(\*\) FROM review_marks m/.test(s.sql)) {
              seen.count++;
              expect(s.plan, what).toMatch(/^SEARCH m USING COVERING INDEX review_marks_tags \(akey=\? AND tags>\?\)$/);
            } else if (/^SELECT m\.response_id FROM review_marks m/.test(s.sql)) {
              seen.tagged++;
              expect(s.plan, what).toMatch(/^SEARCH m USING COVERING INDEX review_marks_tags \(akey=\? AND tags>\?\) \| SEARCH x USING INTEGER PRIMARY KEY \(rowid=\?\) \| USE TEMP B-TREE FOR LAST TERM OF ORDER BY$/);
            } else if (/^SELECT x\.id FROM responses x/.test(s.sql)) {
              seen.untagged++;
              expect(walks(s.plan), `${what}: ${s.plan}`).toBe(true);
              expect(s.plan, what).toMatch(/SEARCH t USING PRIMARY KEY \(akey=\? AND response_id=\?\)/);
            }
          }
        }
        expect(seen.count, what).toBeGreaterThan(0);
        expect(seen.tagged, what).toBeGreaterThan(0);
        expect(seen.untagged, what).toBeGreaterThan(0);
      }
    }
  });

  it('the compare walk reads every rollout’s prediction from responses_predictions and the labels from the marks', async () => {
    const p = await plans(() => f.call('listCompareQuestions', { filter: { runs: ['rl', 'sft'], disagree: true }, limit: 5 }));
    noFullScans(p);
    const rollouts = p.filter((s) => /json_group_array\(x\.prediction.* FROM responses x /.test(s.sql));
    expect(rollouts.length).toBe(1);
    expect(rollouts[0].plan).toMatch(/^SEARCH x USING COVERING INDEX responses_predictions \(sample_id=\? AND run_id=\?\)/);
    usesKey(p, 'label_marks m', /^SEARCH m USING (INDEX label_marks_sample|PRIMARY KEY) \(akey=\? AND sample_id=\? AND run_id=\?\)/);
    expect(p.some((s) => /\bFROM tags\b|JOIN tags\b/.test(s.sql))).toBe(false);
  });
});
