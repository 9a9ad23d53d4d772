// 0005_adjudicated_verdicts: a version-4 workspace with annotations is migrated; its tags, verdicts and adjudications
// are kept, the adjudicator's verdicts have their table, and an adjudicator's latest decision on a tag reads the new
// index.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildDemo } from '../../electron/core/demo.ts';
import { dispatch } from '../../electron/core/dispatch.ts';
import { loadMigrations } from '../../electron/core/migrate.ts';
import { createService } from '../../electron/core/service.ts';
import { openStore } from '../../electron/core/store.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-mig5-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const plan = (db: any, sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');

describe('0005_adjudicated_verdicts', () => {
  it('migrates a version-4 workspace, keeps its annotations, and adds the adjudicator’s verdicts', async () => {
    const v4 = path.join(dir, 'migrations-v4');
    fs.mkdirSync(v4);
    for (const m of loadMigrations().slice(0, 4)) fs.writeFileSync(path.join(v4, m.name), m.sql);
    const file = path.join(dir, 'w.db');
    const old = openStore(file, { migrationsDir: v4 });
    await buildDemo(old, undefined, { checks: false });
    // Written with SQL, not the service: today's service may read tables a version-4 workspace does not have yet.
    const responseId = (old.db.prepare('SELECT id FROM responses ORDER BY id LIMIT 1').pluck().get()) as number;
    const t = '2026-01-01T00:00:00.000Z';
    const annotatorId = Number(old.db.prepare("INSERT INTO annotators (name, kind, created_at) VALUES ('ana', 'human', ?)").run(t).lastInsertRowid);
    const labelId = old.db.prepare("SELECT id FROM labels WHERE key = 'inconsistent'").pluck().get() as number;
    const tagId = Number(
      old.db
        .prepare("INSERT INTO tags (uuid, response_id, label_id, annotator_id, created_at, updated_at) VALUES ('70000000-0000-4000-8000-000000000001', ?, ?, ?, ?, ?)")
        .run(responseId, labelId, annotatorId, t, t).lastInsertRowid,
    );
    old.db
      .prepare("INSERT INTO verdicts (uuid, response_id, annotator_id, supports, created_at, updated_at) VALUES ('70000000-0000-4000-8000-000000000002', ?, ?, 'no', ?, ?)")
      .run(responseId, annotatorId, t, t);
    old.db
      .prepare("INSERT INTO adjudications (uuid, tag_id, adjudicator_id, decision, created_at) VALUES ('a0000000-0000-4000-8000-000000000001', ?, ?, 'keep', '2026-01-01T00:00:00.000Z')")
      .run(tagId, annotatorId);
    const before = {
      tags: old.db.prepare('SELECT * FROM tags ORDER BY id').all(),
      verdicts: old.db.prepare('SELECT * FROM verdicts ORDER BY id').all(),
      adjudications: old.db.prepare('SELECT * FROM adjudications ORDER BY id').all(),
    };
    expect(old.db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'adjudicated_verdicts'").pluck().get()).toBe(0);
    old.close();

    const store = openStore(file);
    try {
      expect(store.migration.from).toBe(4);
      expect(store.migration.to).toBe(loadMigrations().length);
      expect(fs.existsSync(store.migration.backup!)).toBe(true);
      const { db } = store;
      expect(db.prepare('SELECT * FROM tags ORDER BY id').all()).toEqual(before.tags);
      expect(db.prepare('SELECT * FROM verdicts ORDER BY id').all()).toEqual(before.verdicts);
      expect(db.prepare('SELECT * FROM adjudications ORDER BY id').all()).toEqual(before.adjudications);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(plan(db, 'SELECT * FROM adjudications WHERE tag_id = 1 AND adjudicator_id = 1 ORDER BY created_at DESC, id DESC LIMIT 1')).toMatch(/adjudications_adjudicator/);

      // The adjudicated case reads the old decision; a verdict pick goes to the new table, one per adjudicator.
      const service = createService(store, { annotator: 'ana' });
      const c = await dispatch(service, 'adjudicateVerdict', { responseId, supports: 'yes' });
      expect(c.ok).toBe(true);
      expect((c as any).value.tags[0].decision).toMatchObject({ decision: 'keep' });
      expect(db.prepare('SELECT supports FROM adjudicated_verdicts').pluck().all()).toEqual(['yes']);
      expect(db.prepare('SELECT supports FROM verdicts').pluck().all()).toEqual(['no']);
      expect(() =>
        db
          .prepare("INSERT INTO adjudicated_verdicts (uuid, response_id, adjudicator_id, supports, created_at, updated_at) VALUES ('x', ?, ?, 'no', 'now', 'now')")
          .run(responseId, annotatorId),
      ).toThrow(/UNIQUE/);
    } finally {
      store.close();
    }
  });
});
