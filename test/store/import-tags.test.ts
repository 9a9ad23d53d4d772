// import-tags on the demo workspace: both line shapes, every bad line reported by number and field (bytes that are not
// UTF-8 by their offset), the judge annotator, and re-import idempotence — a re-import writes nothing. Its speed beside
// a pack merge of the same rows is measured by `npm run bench` (bench/tags.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildDemo } from '../../electron/core/demo.ts';
import { dispatch } from '../../electron/core/dispatch.ts';
import { importTags } from '../../electron/core/import-tags.ts';
import { createService, type Service } from '../../electron/core/service.ts';
import { openStore, type Store } from '../../electron/core/store.ts';
import type { Input, MethodName, Output } from '../../shared/api.ts';

let root: string;
let template: string;
beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-tags-'));
  template = path.join(root, 'template.db');
  const s = openStore(template);
  await buildDemo(s, undefined, { checks: false });
  s.close();
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

let dir: string;
let store: Store;
let service: Service;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(root, 'case-'));
  fs.copyFileSync(template, path.join(dir, 'w.db'));
  store = openStore(path.join(dir, 'w.db'));
  service = createService(store, { annotator: 'ana' });
});
afterEach(() => store.close());

async function call<M extends MethodName>(method: M, input?: Input<M>): Promise<Output<M>> {
  const r = await dispatch(service, method, input);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as Output<M>;
}

function responseId(run: string, sampleId: string, rollout = 0): number {
  return store.db
    .prepare(
      `SELECT x.id FROM responses x JOIN runs r ON r.id = x.run_id JOIN samples s ON s.id = x.sample_id
        WHERE r.name = ? AND s.sample_id = ? AND x.rollout = ?`,
    )
    .pluck()
    .get(run, sampleId, rollout) as number;
}

const write = (name: string, lines: (object | string)[]) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return file;
};

const GOOD = [
  { run: 'rl-grpo', sample_id: '2051', rollout: 0, label: 'inconsistent', steps: [2], span: [10, 50], time: [1.5, 3.0], note: 'answer contradicts step 3', severity: 'major' },
  { run: 'rl-grpo', sample_id: '2051', rollout: 0, verdict: 'no' },
  { run: 'rl-grpo-k4', sample_id: 2318, rollout: 3, label: 'degenerate', steps: [4, 9] },
  { run: 'sft', sample_id: '0f6b2e8d-a471-4c9e-b5d3-7e2a1c8f4096_7', label: 'overlooked-cue', verdict: 'unclear' },
];

describe('import-tags', () => {
  it('imports tags and verdicts as a judge, and reports every bad line with its number, field and reason', async () => {
    const file = write('judge.jsonl', [
      ...GOOD,
      { run: 'rl-grpo-x', sample_id: '2051', verdict: 'no' }, // 5
      { run: 'rl-grpo', sample_id: '999', verdict: 'no' }, // 6
      { run: 'rl-grpo', sample_id: '2051', label: 'made-up' }, // 7
      { run: 'rl-grpo', sample_id: '2051', label: 'inconsistent', steps: [4] }, // 8: 4 steps, 0–3
      { run: 'rl-grpo', sample_id: '2051', label: 'inconsistent', span: [300, 398] }, // 9: 397 characters
      { run: 'rl-grpo', sample_id: '2051', verdict: 'maybe' }, // 10
      '{"run": "rl-grpo", "sample_id": ', // 11
      { run: 'rl-grpo', sample_id: '2051' }, // 12: neither label nor verdict
      { run: 'rl-grpo', sample_id: '2051', rollout: 2, verdict: 'no' }, // 13
      { run: 'rl-grpo', sample_id: '2051', label: 'inconsistent', severity: 'huge' }, // 14
      { run: 'rl-grpo', sample_id: '2051', label: 'inconsistent', time: [3, 1] }, // 15
      '', // blank lines are not records
    ]);
    const r = importTags(store.db, file, 'gpt-4.1-judge');
    expect(r.annotatorCreated).toBe(true);
    expect(r.tags).toEqual({ added: 3, updated: 0, unchanged: 0 });
    expect(r.verdicts).toEqual({ added: 2, updated: 0, unchanged: 0 });
    const skipped = r.skipped.kept.map((s) => [s.line, s.field, s.reason]);
    expect(skipped).toEqual([
      [5, 'run', 'field `run`: unknown run "rl-grpo-x"'],
      [6, 'sample_id', 'field `sample_id`: run "rl-grpo" has no response to sample 999'],
      [7, 'label', 'field `label`: unknown label key "made-up" (see the taxonomy in Settings)'],
      [8, 'steps', 'field `steps`: step 4 is out of range: the response has 4 step(s) (0–3)'],
      [9, 'span', 'field `span`: characters 300–398 lie outside the response text (397 characters)'],
      [10, 'verdict', expect.stringMatching(/^field `verdict`: expected yes, no or unclear/)],
      [11, null, 'malformed JSON'],
      [12, 'label', 'field `label`: a line needs a `label` or a `verdict`'],
      [13, 'rollout', 'field `rollout`: run "rl-grpo" has rollout(s) 0 for sample 2051, not 2'],
      [14, 'severity', 'field `severity`: expected minor, major or critical'],
      [15, 'time', 'field `time`: the out time is before the in time'],
    ]);

    // The judge is an annotator of kind 'judge'; its work shows on the responses like anyone's.
    expect((await call('listAnnotators')).find((a) => a.name === 'gpt-4.1-judge')).toEqual({ name: 'gpt-4.1-judge', kind: 'judge', tags: 3, verdicts: 2 });
    const detail = await call('getResponse', { id: responseId('rl-grpo', '2051') });
    expect(detail.tags).toHaveLength(1);
    expect(detail.tags[0]).toMatchObject({
      label: 'inconsistent',
      annotator: 'gpt-4.1-judge',
      steps: [2, 2],
      span: [10, 50],
      time: [1.5, 3],
      note: 'answer contradicts step 3',
      severity: 'major',
      origin: 'import',
    });
    expect(detail.verdicts).toEqual([expect.objectContaining({ annotator: 'gpt-4.1-judge', supports: 'no', reviewStatus: 'done' })]);
    const k4 = await call('getResponse', { id: responseId('rl-grpo-k4', '2318', 3) });
    expect(k4.tags[0]).toMatchObject({ label: 'degenerate', steps: [4, 9] });

    // The skipped lines are kept in the workspace, like every import's.
    const imp = store.db.prepare("SELECT * FROM imports WHERE kind = 'tags'").get() as any;
    expect(imp).toMatchObject({ imported: 5, skipped: 11, format: 'cotscope-tags-jsonl' });
    expect(store.db.prepare('SELECT line FROM import_skips WHERE import_id = ? ORDER BY line').pluck().all(imp.id)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
  });

  it('re-importing the same file changes nothing; a changed note or verdict revises the same rows', () => {
    const file = write('judge.jsonl', GOOD);
    importTags(store.db, file, 'judge');
    const dump = () => ({
      tags: store.db.prepare('SELECT * FROM tags ORDER BY id').all(),
      verdicts: store.db.prepare('SELECT * FROM verdicts ORDER BY id').all(),
    });
    const before = dump();
    const again = importTags(store.db, file, 'judge');
    expect(again.annotatorCreated).toBe(false);
    expect(again.tags).toEqual({ added: 0, updated: 0, unchanged: 3 });
    expect(again.verdicts).toEqual({ added: 0, updated: 0, unchanged: 2 });
    expect(dump()).toEqual(before);

    const revised = write('judge2.jsonl', [{ ...GOOD[0], note: 'a better note' }, { ...GOOD[1], verdict: 'unclear' }, GOOD[2]]);
    const r = importTags(store.db, revised, 'judge');
    expect(r.tags).toEqual({ added: 0, updated: 1, unchanged: 1 });
    expect(r.verdicts).toEqual({ added: 0, updated: 1, unchanged: 0 });
    const after = dump();
    expect(after.tags).toHaveLength(before.tags.length);
    expect((after.tags as any[]).find((t) => t.note === 'a better note').uuid).toBe((before.tags as any[])[0].uuid);
  });

  it('keeps an existing annotator as it is, and asks for a level when a run answered the same id in two levels', () => {
    store.db.prepare("INSERT INTO annotators (name, kind, created_at) VALUES ('bob', 'human', '2026-01-01T00:00:00.000Z')").run();
    const r = importTags(store.db, write('bob.jsonl', [GOOD[1]]), 'bob');
    expect(r.annotatorCreated).toBe(false);
    expect(store.db.prepare("SELECT kind FROM annotators WHERE name = 'bob'").pluck().get()).toBe('human');

    // Make sample 2051 exist in L2 as well, answered by rl-grpo: the line must then say which.
    const s = store.db.prepare("SELECT * FROM samples WHERE sample_id = '2051'").get() as any;
    const { id: _id, ...rest } = s;
    const newSample = store.db
      .prepare(`INSERT INTO samples (${Object.keys(rest).join(', ')}) VALUES (${Object.keys(rest).map((k) => '@' + k).join(', ')})`)
      .run({ ...rest, level: 'L2' }).lastInsertRowid;
    const x = store.db.prepare('SELECT * FROM responses WHERE id = ?').get(responseId('rl-grpo', '2051')) as any;
    const { id: _x, ...xrest } = x;
    store.db
      .prepare(`INSERT INTO responses (${Object.keys(xrest).join(', ')}) VALUES (${Object.keys(xrest).map((k) => '@' + k).join(', ')})`)
      .run({ ...xrest, sample_id: newSample });
    const amb = importTags(store.db, write('amb.jsonl', [GOOD[1], { ...GOOD[1], level: 'L2' }]), 'judge');
    expect(amb.skipped.kept.map((k) => [k.line, k.field, k.reason])).toEqual([
      [1, 'level', 'field `level`: sample 2051 is in L1 and L2 for run "rl-grpo": add "level"'],
    ]);
    expect(amb.verdicts.added).toBe(1);
  });
});

/** Rows every statement of this connection wrote since it opened, the kept counts' triggers' writes included. */
const totalChanges = (db: Store['db']) => db.prepare('SELECT total_changes()').pluck().get() as number;

/** The kept counts the dashboard reads (schema versions 4 and 7): a trigger that ran on a write shows here. */
function keptCounts(db: Store['db']) {
  const tables = ['review_marks', 'label_marks', 'review_counts', 'label_counts', 'pair_counts', 'response_masks', 'label_masks', 'review_mask_counts', 'label_mask_counts'];
  return Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2, 3`).all()]));
}

describe('import-tags writes only what changed', () => {
  it('a re-import writes nothing but its entry in the import log; a new note writes the tag alone, no kept count', () => {
    const file = write('judge.jsonl', GOOD);
    importTags(store.db, file, 'judge');
    const tags = () => store.db.prepare('SELECT * FROM tags ORDER BY id').all();
    const before = { tags: tags(), verdicts: store.db.prepare('SELECT * FROM verdicts ORDER BY id').all(), counts: keptCounts(store.db) };

    const changes = totalChanges(store.db);
    const again = importTags(store.db, file, 'judge');
    expect(again.tags).toEqual({ added: 0, updated: 0, unchanged: 3 });
    expect(totalChanges(store.db) - changes).toBe(1); // the imports row, written once with its counts
    expect(store.db.prepare("SELECT imported, skipped FROM imports WHERE kind = 'tags' ORDER BY id DESC").get()).toEqual({ imported: 0, skipped: 0 });
    expect({ tags: tags(), verdicts: store.db.prepare('SELECT * FROM verdicts ORDER BY id').all(), counts: keptCounts(store.db) }).toEqual(before);

    // A new note changes what no count holds: the tag's row and the import's are all that is written.
    const noted = write('noted.jsonl', [{ ...GOOD[0], note: 'a better note' }]);
    const c2 = totalChanges(store.db);
    expect(importTags(store.db, noted, 'judge').tags).toEqual({ added: 0, updated: 1, unchanged: 0 });
    expect(totalChanges(store.db) - c2).toBe(2);
    expect(keptCounts(store.db)).toEqual(before.counts);

    // A tag deleted since (a pack's tombstone) and imported again comes back, and the counts follow it.
    const uuid = (before.tags as { uuid: string; note: string | null }[]).find((t) => t.note === GOOD[0].note)!.uuid;
    store.db.prepare("UPDATE tags SET deleted_at = '2026-06-01T00:00:00.000Z' WHERE uuid = ?").run(uuid);
    expect(keptCounts(store.db)).not.toEqual(before.counts);
    const revived = importTags(store.db, file, 'judge');
    expect(revived.tags).toEqual({ added: 0, updated: 1, unchanged: 2 });
    expect(keptCounts(store.db)).toEqual(before.counts);
  });

  it("revises the annotator's own verdict made in the app, whatever its UUID, and leaves it alone when it agrees", async () => {
    const id = responseId('rl-grpo', '2051');
    await call('setVerdict', { responseId: id, supports: 'yes', reviewStatus: 'done' });
    const mine = store.db.prepare('SELECT uuid FROM verdicts WHERE response_id = ?').pluck().get(id);
    expect(importTags(store.db, write('ana.jsonl', [{ ...GOOD[1], verdict: 'yes' }]), 'ana').verdicts).toEqual({ added: 0, updated: 0, unchanged: 1 });
    expect(importTags(store.db, write('ana2.jsonl', [GOOD[1]]), 'ana').verdicts).toEqual({ added: 0, updated: 1, unchanged: 0 });
    expect(store.db.prepare('SELECT uuid, supports FROM verdicts WHERE response_id = ?').all(id)).toEqual([{ uuid: mine, supports: 'no' }]);
  });

  it("never revises a tag of that UUID that is another annotator's here", () => {
    const file = write('judge.jsonl', [GOOD[0]]);
    importTags(store.db, file, 'judge');
    // As a hand-edited pack could leave it: the derived UUID now on ana's tag.
    const ana = store.db.prepare("INSERT INTO annotators (name, kind, created_at) VALUES ('ana2', 'human', '2026-01-01T00:00:00.000Z')").run().lastInsertRowid;
    store.db.prepare('UPDATE tags SET annotator_id = ?').run(ana);
    const r = importTags(store.db, write('noted.jsonl', [{ ...GOOD[0], note: 'rewritten' }, GOOD[1]]), 'judge');
    expect(r.tags).toEqual({ added: 0, updated: 0, unchanged: 0 });
    expect(r.verdicts.added).toBe(1);
    expect(r.skipped.kept.map((k) => [k.line, k.reason])).toEqual([[1, "the same tag is in this workspace as another annotator's; not imported"]]);
    expect(store.db.prepare('SELECT note FROM tags').pluck().all()).toEqual([GOOD[0].note]);
  });
});

describe('import-tags and bytes that are not UTF-8', () => {
  it('reports each such line by number and the offset of the first bad byte in the file, and imports the rest', () => {
    const line = (o: object) => Buffer.from(JSON.stringify(o));
    const note = (bytes: number[]) => Buffer.concat([Buffer.from(JSON.stringify({ ...GOOD[2], note: 'X' }).split('"X"')[0] + '"'), Buffer.from(bytes), Buffer.from('"}')]);
    const lines = [
      line(GOOD[0]),
      note([0x62, 0xff, 0x61]), // 2: a byte that never occurs in UTF-8
      line(GOOD[1]),
      note([0xe2, 0x82]), // 4: a character cut short (the closing quote follows its second byte)
      line({ ...GOOD[3], note: 'déjà vu — “quoted” 🎥' }), // 5: well-formed UTF-8 of 2, 3 and 4 bytes
      note([0xed, 0xa0, 0x80]), // 6: a UTF-16 surrogate written as UTF-8
    ];
    // CRLF line ends, as a judge written on Windows has them.
    const bytes = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\r\n')]));
    const file = path.join(dir, 'judge-bytes.jsonl');
    fs.writeFileSync(file, bytes);
    const offsetOf = (i: number, pattern: number[]) => {
      const start = lines.slice(0, i).reduce((n, l) => n + l.length + 2, 0);
      return start + lines[i].indexOf(Buffer.from(pattern));
    };

    const r = importTags(store.db, file, 'judge');
    expect(r.skipped.kept.map((k) => [k.line, k.field, k.reason])).toEqual([
      [2, null, `invalid UTF-8 at byte ${offsetOf(1, [0xff])}`],
      [4, null, `invalid UTF-8 at byte ${offsetOf(3, [0xe2, 0x82])}`],
      [6, null, `invalid UTF-8 at byte ${offsetOf(5, [0xed, 0xa0])}`],
    ]);
    expect(r.tags.added).toBe(2);
    expect(r.verdicts.added).toBe(2);
    // Nothing with U+FFFD in it reached the workspace; the well-formed characters did.
    expect(store.db.prepare("SELECT COUNT(*) FROM tags WHERE note LIKE '%' || char(65533) || '%'").pluck().get()).toBe(0);
    expect(store.db.prepare('SELECT note FROM tags WHERE note IS NOT NULL ORDER BY id').pluck().all()).toEqual([GOOD[0].note, 'déjà vu — “quoted” 🎥']);
    expect(store.db.prepare('SELECT line, reason FROM import_skips ORDER BY line').all()).toEqual(
      r.skipped.kept.map((k) => ({ line: k.line, reason: k.reason })),
    );
  });
});
