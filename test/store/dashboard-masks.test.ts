// The dashboard for any set of annotators from migration 0007's mask counts equals the same dashboard counted from
// the per-response marks (the de-duplicating path, `via: 'marks'`), on random workspaces: random tags (on steps, on
// spans, on nothing), re-tags, tombstones and their undoing, hard deletes, verdicts and reviews marked done, by four
// annotators, and random choices of annotators, runs, levels and labels. And the masks and their counts stay what a
// recount from the marks gives.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dashboards } from '../../electron/core/dashboard.ts';
import { MIGRATIONS_DIR } from '../../electron/core/migrate.ts';
import { ResponseList } from '../../electron/core/response-list.ts';
import type { Db } from '../../electron/core/store.ts';
import type { DashboardFilter, Level } from '../../shared/api.ts';
import { buildFixture, type Fixture } from './aggregates-fixture.ts';

let dir: string;
let f: Fixture;
let db: Db;
let dashboards: Dashboards;
const NAMES = ['ana', 'bob', 'cy', 'dee'];
let annotators: number[];
let responses: number[];
let labels: { id: number; key: string }[];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-masks-'));
  f = await buildFixture(dir);
  db = f.store.db;
  db.prepare("INSERT INTO annotators (name, kind, created_at) VALUES ('dee', 'judge', ?) ON CONFLICT (name) DO NOTHING").run(new Date().toISOString());
  dashboards = new Dashboards(db, new ResponseList(db));
  annotators = NAMES.map((n) => db.prepare('SELECT id FROM annotators WHERE name = ?').pluck().get(n) as number);
  responses = db.prepare('SELECT id FROM responses ORDER BY id').pluck().all() as number[];
  // Four labels, so that responses often carry the same label by several annotators, and pairs.
  labels = (db.prepare('SELECT id, key FROM labels ORDER BY sort_order, id').all() as { id: number; key: string }[]).slice(0, 4);
});
afterAll(() => {
  f.store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** One write, read from random numbers; writes straight to tags and verdicts, whose triggers keep marks and masks. */
type Op = [kind: number, a: number, b: number, c: number, d: number];
let serial = 0;
function apply([kind, a, b, c, d]: Op) {
  const now = new Date(Date.UTC(2026, 0, 1, 0, 0, serial++)).toISOString();
  const response = responses[a % responses.length];
  const who = annotators[c % annotators.length];
  const tags = (where: string) => db.prepare(`SELECT id FROM tags WHERE ${where} ORDER BY id`).pluck().all() as number[];
  const pick = (ids: number[]) => (ids.length ? ids[b % ids.length] : null);
  switch (kind % 11) {
    case 0:
    case 1:
    case 2:
    case 3: {
      // A new tag: on nothing (whole response), on steps, on a character span, or on video time only.
      const at = d % 4;
      const step = (d >> 2) % 6;
      db.prepare(
        `INSERT INTO tags (uuid, response_id, label_id, annotator_id, step_start, step_end, char_start, char_end, time_start, time_end, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        `t-${serial}`, response, labels[b % labels.length].id, who,
        at === 1 ? step : null, at === 1 ? step + ((d >> 5) % 2) : null,
        at === 2 ? (d >> 2) % 180 : null, at === 2 ? ((d >> 2) % 180) + 4 : null,
        at === 3 ? 1.5 : null, at === 3 ? 2.5 : null,
        now, now,
      );
      break;
    }
    case 4: {
      const id = pick(tags('deleted_at IS NULL'));
      if (id) db.prepare('UPDATE tags SET deleted_at = ?, updated_at = ? WHERE id = ?').run(now, now, id);
      break;
    }
    case 5: {
      const id = pick(tags('deleted_at IS NOT NULL'));
      if (id) db.prepare('UPDATE tags SET deleted_at = NULL, updated_at = ? WHERE id = ?').run(now, id);
      break;
    }
    case 6: {
      // A re-tag: another label, another annotator, or other steps.
      const id = pick(tags('1'));
      if (!id) break;
      if (d % 3 === 0) db.prepare('UPDATE tags SET label_id = ? WHERE id = ?').run(labels[c % labels.length].id, id);
      else if (d % 3 === 1) db.prepare('UPDATE tags SET annotator_id = ? WHERE id = ?').run(who, id);
      else db.prepare('UPDATE tags SET step_start = ?, step_end = ?, char_start = NULL, char_end = NULL WHERE id = ?').run(c % 5, (c % 5) + 1, id);
      break;
    }
    case 7: {
      const id = pick(tags('1'));
      if (id) db.prepare('DELETE FROM tags WHERE id = ?').run(id);
      break;
    }
    case 8:
    case 9: {
      const supports = (['yes', 'no', 'unclear', null] as const)[d % 4];
      const status = (['todo', 'done', 'skipped'] as const)[(d >> 2) % 3];
      db.prepare(
        `INSERT INTO verdicts (uuid, response_id, annotator_id, supports, review_status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (response_id, annotator_id) DO UPDATE SET supports = excluded.supports, review_status = excluded.review_status, deleted_at = NULL`,
      ).run(`v-${serial}`, response, who, supports, status, now, now);
      break;
    }
    default: {
      const ids = db.prepare('SELECT id FROM verdicts ORDER BY id').pluck().all() as number[];
      const id = pick(ids);
      if (!id) break;
      if (d % 2) db.prepare('UPDATE verdicts SET deleted_at = ? WHERE id = ?').run(now, id);
      else db.prepare('DELETE FROM verdicts WHERE id = ?').run(id);
    }
  }
}

/** A random dashboard filter: a subset of the annotators (none = everyone), and sometimes of runs, levels, labels. */
function filterOf(who: number, runs: number, levels: number, shown: number): DashboardFilter {
  const subset = <T,>(all: T[], bits: number) => all.filter((_, i) => bits & (1 << i));
  const filter: DashboardFilter = {};
  if (who) filter.annotators = subset(NAMES, who);
  if (runs % 3 === 1) filter.runs = ['rl'];
  if (runs % 3 === 2) filter.runs = ['sft'];
  if (levels % 4) filter.levels = subset<Level>(['L1', 'L2', 'L3'], levels % 8).filter(Boolean);
  if (shown % 3 === 1) filter.labels = subset(labels.map((l) => l.key), (shown >> 2) % 16 || 1);
  return filter;
}

const MIGRATION = fs.readFileSync(path.join(MIGRATIONS_DIR, fs.readdirSync(MIGRATIONS_DIR).find((n) => n.startsWith('0007_'))!), 'utf8');
/** The migration's bulk fill of `table` (a SELECT over the marks, or over the kept masks for the counts). */
function fill(table: string): string {
  const m = new RegExp(`\\nINSERT INTO ${table}\\n(SELECT[\\s\\S]*?);\\n`).exec(MIGRATION);
  if (!m) throw new Error(`no fill of ${table} in migration 0007`);
  return m[1];
}
const MASKS = ['response_masks', 'label_masks'];
const COUNTS = ['review_mask_counts', 'step_mask_counts', 'label_mask_counts', 'pair_mask_counts'];
const ordered = (sql: string, columns: number) => `SELECT * FROM (${sql}) ORDER BY ${Array.from({ length: columns }, (_, i) => i + 1).join(', ')}`;
const width = (table: string) => (db.prepare(`SELECT COUNT(*) FROM pragma_table_info('${table}')`).pluck().get() as number);
const rowsOf = (sql: string, columns: number) => db.prepare(ordered(sql, columns)).raw().all();

/** Kept masks against the marks, kept counts against the kept masks (count rows gone back to zero left out). */
function expectKeptEqualsRecount() {
  for (const t of MASKS) expect(rowsOf(`SELECT * FROM ${t}`, width(t)), t).toEqual(rowsOf(fill(t), width(t)));
  for (const t of COUNTS) expect(rowsOf(`SELECT * FROM ${t} WHERE n <> 0`, width(t)), t).toEqual(rowsOf(fill(t), width(t)));
}

describe('dashboard by annotator masks (migration 0007)', () => {
  it('every chart for any set of annotators equals the count from the per-response marks', () => {
    const op = fc.tuple(fc.nat(10), fc.nat(1000), fc.nat(1000), fc.nat(1000), fc.nat(1000)) as fc.Arbitrary<Op>;
    const choice = fc.tuple(fc.nat(15), fc.nat(2), fc.nat(7), fc.nat(200));
    let compared = 0;
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 40 }), fc.array(choice, { minLength: 1, maxLength: 6 }), (ops, choices) => {
        db.exec('SAVEPOINT prop');
        try {
          for (const o of ops) apply(o);
          expectKeptEqualsRecount();
          for (const [who, runs, levels, shown] of [[0, 0, 0, 0] as const, ...choices]) {
            const filter = filterOf(who, runs, levels, shown);
            expect(dashboards.get(filter), JSON.stringify(filter)).toEqual(dashboards.get(filter, undefined, 'marks'));
            compared++;
          }
        } finally {
          db.exec('ROLLBACK TO prop');
          db.exec('RELEASE prop');
        }
      }),
      { numRuns: 150 },
    );
    expect(compared).toBeGreaterThan(150);
  });

  it('the figures are not all zero: the random workspaces do reach every chart', () => {
    db.exec('SAVEPOINT some');
    try {
      for (let i = 0; i < 60; i++) apply([i % 11 === 7 ? 0 : i % 11, i * 37, i * 11, i * 7, i * 13]);
      const d = dashboards.get({ annotators: ['ana', 'dee'] });
      expect(d.failureRates.some((c) => c.count > 0)).toBe(true);
      expect(d.quadrant.some((c) => c.supports !== 'unjudged' && c.count > 0)).toBe(true);
      expect(d.cooccurrence.cells.some((c) => c.a !== c.b && c.count > 0)).toBe(true);
      expect(d.firstStep.some((c) => c.count > 0)).toBe(true);
      expect(d.progress.cells.some((c) => c.reviewed > 0)).toBe(true);
      expect(d).toEqual(dashboards.get({ annotators: ['ana', 'dee'] }, undefined, 'marks'));
    } finally {
      db.exec('ROLLBACK TO some');
      db.exec('RELEASE some');
    }
  });

  it('past 63 annotators: the rest get no bit, and a set with one of them is counted from the marks all the same', async () => {
    db.exec('SAVEPOINT many');
    try {
      const now = new Date().toISOString();
      for (let i = 0; i < 70; i++) db.prepare("INSERT INTO annotators (name, kind, created_at) VALUES (?, 'human', ?)").run(`extra-${i}`, now);
      const bits = db.prepare('SELECT b.bit FROM annotators a LEFT JOIN annotator_bits b ON b.annotator_id = a.id ORDER BY a.id').pluck().all() as (number | null)[];
      expect(bits.filter((b) => b !== null).sort((x, y) => x! - y!)).toEqual(Array.from({ length: 63 }, (_, i) => i));
      expect(bits.slice(-7)).toEqual([null, null, null, null, null, null, null]);
      const late = 'extra-69';
      const lateId = db.prepare('SELECT id FROM annotators WHERE name = ?').pluck().get(late) as number;
      for (const [i, r] of responses.slice(0, 8).entries()) {
        db.prepare('INSERT INTO tags (uuid, response_id, label_id, annotator_id, step_start, step_end, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
          `late-${i}`, r, labels[i % labels.length].id, i % 2 ? lateId : annotators[0], i % 3, i % 3, now, now,
        );
      }
      for (const filter of [{}, { annotators: [late] }, { annotators: ['ana', late] }, { annotators: ['ana', 'bob'] }] as DashboardFilter[]) {
        const d = dashboards.get(filter);
        expect(d, JSON.stringify(filter)).toEqual(dashboards.get(filter, undefined, 'marks'));
      }
      expect(dashboards.get({ annotators: [late] }).progress.cells.reduce((n, c) => n + c.reviewed, 0)).toBe(4);
    } finally {
      db.exec('ROLLBACK TO many');
      db.exec('RELEASE many');
    }
  });
});
