// Packs between two copies of the demo workspace: what a pack carries, merge idempotence (a second merge writes
// nothing), tombstones, newest-wins, never another annotator's work, unmatched responses, lines whose bytes are not
// UTF-8, and the round trip pack → import → pack.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildDemo } from '../../electron/core/demo.ts';
import { dispatch } from '../../electron/core/dispatch.ts';
import { exportPack, importPack, readLines } from '../../electron/core/pack.ts';
import { createService, type Service } from '../../electron/core/service.ts';
import { openStore, type Store } from '../../electron/core/store.ts';
import type { Input, MethodName, Output } from '../../shared/api.ts';

let root: string;
let template: string;
beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-pack-'));
  template = path.join(root, 'template.db');
  const s = openStore(template);
  await buildDemo(s);
  s.close();
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

interface Ws {
  store: Store;
  service: Service;
  call<M extends MethodName>(method: M, input?: Input<M>): Promise<Output<M>>;
  id(run: string, sampleId: string, rollout?: number): number;
  dump(): { tags: unknown[]; verdicts: unknown[] };
}
const open: Store[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

let n = 0;
function workspace(annotator: string): Ws {
  const file = path.join(root, `w${++n}.db`);
  fs.copyFileSync(template, file);
  const store = openStore(file);
  open.push(store);
  const service = createService(store, { annotator });
  return {
    store,
    service,
    async call(method, input) {
      const r = await dispatch(service, method, input);
      if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
      return r.value as any;
    },
    id(run, sampleId, rollout = 0) {
      return store.db
        .prepare(
          `SELECT x.id FROM responses x JOIN runs r ON r.id = x.run_id JOIN samples s ON s.id = x.sample_id
            WHERE r.name = ? AND s.sample_id = ? AND x.rollout = ?`,
        )
        .pluck()
        .get(run, sampleId, rollout) as number;
    },
    // Everything a merge may touch, named by UUID and the response's identity (row ids differ between workspaces).
    dump() {
      const key = 'r.name AS run, s.level, s.sample_id, x.rollout';
      const join = 'JOIN responses x ON x.id = t.response_id JOIN runs r ON r.id = x.run_id JOIN samples s ON s.id = x.sample_id';
      return {
        tags: store.db
          .prepare(
            `SELECT t.uuid, ${key}, l.key AS label, a.name AS annotator, t.step_start, t.step_end, t.char_start, t.char_end, t.time_start,
                    t.time_end, t.note, t.severity, t.origin, t.created_at, t.updated_at, t.deleted_at
               FROM tags t JOIN labels l ON l.id = t.label_id JOIN annotators a ON a.id = t.annotator_id ${join} ORDER BY t.uuid`,
          )
          .all(),
        verdicts: store.db
          .prepare(
            `SELECT t.uuid, ${key}, a.name AS annotator, t.supports, t.review_status, t.note, t.created_at, t.updated_at, t.deleted_at
               FROM verdicts t JOIN annotators a ON a.id = t.annotator_id ${join} ORDER BY t.uuid`,
          )
          .all(),
      };
    },
  };
}

const packLines = (file: string) => fs.readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
const writeLines = (file: string, lines: unknown[]) => fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Ana's work in her workspace: three tags (one deleted), two verdicts, and a label of her own. */
async function anasWork(ana: Ws) {
  await ana.call('saveLabel', { key: 'wrong-object', name: 'Wrong object', color: '#aa3377', hotkey: '9', target: 'span' });
  const r1 = ana.id('rl-grpo', '2051');
  const r2 = ana.id('sft', '2107');
  const t1 = await ana.call('createTag', { responseId: r1, label: 'inconsistent', steps: [1, 2], time: [0.5, 2], note: 'says C, answers B', severity: 'major' });
  const t2 = await ana.call('createTag', { responseId: r2, label: 'wrong-object', span: [5, 40] });
  const t3 = await ana.call('createTag', { responseId: r2, label: 'hallucination', steps: [0, 0] });
  await ana.call('deleteTag', { uuid: t3.uuid });
  await ana.call('setVerdict', { responseId: r1, supports: 'no', reviewStatus: 'done' });
  await ana.call('setVerdict', { responseId: r2, supports: 'yes' });
  return { r1, r2, t1, t2, t3 };
}

describe('export-pack', () => {
  it('writes a versioned header, then every tag and verdict with its UUID, response identity and tombstone', async () => {
    const ana = workspace('ana');
    const { t1, t3 } = await anasWork(ana);
    const file = path.join(root, 'ana.pack');
    const r = exportPack(ana.store, file);
    expect(r).toMatchObject({ tags: 3, verdicts: 2, annotators: ['ana'] });
    const [header, ...lines] = packLines(file);
    expect(header).toMatchObject({ format: 'cotscope-pack', version: 1, annotators: [{ name: 'ana', kind: 'human' }] });
    expect(header.labels.map((l: any) => l.key)).toContain('wrong-object');
    const tag = lines.find((l) => l.uuid === t1.uuid);
    expect(tag).toEqual({
      type: 'tag',
      uuid: t1.uuid,
      run: 'rl-grpo',
      level: 'L1',
      sample_id: '2051',
      rollout: 0,
      label: 'inconsistent',
      annotator: 'ana',
      steps: [1, 2],
      span: null,
      time: [0.5, 2],
      note: 'says C, answers B',
      severity: 'major',
      origin: 'human',
      created_at: t1.createdAt,
      updated_at: t1.updatedAt,
      deleted_at: null,
    });
    expect(lines.find((l) => l.uuid === t3.uuid).deleted_at).toEqual(expect.any(String));
    expect(lines.filter((l) => l.type === 'verdict').map((l) => [l.sample_id, l.supports])).toEqual(expect.arrayContaining([['2051', 'no'], ['2107', 'yes']]));
  });
});

describe('import-pack', () => {
  it("merges a teammate's pack beside one's own work, reports it, and changes nothing the second time", async () => {
    const ana = workspace('ana');
    const { t1, t2, t3 } = await anasWork(ana);
    const bob = workspace('bob');
    const mine = await bob.call('createTag', { responseId: bob.id('rl-grpo', '2051'), label: 'overlooked-cue', steps: [0, 0] });
    await bob.call('setVerdict', { responseId: bob.id('rl-grpo', '2051'), supports: 'yes' });
    const file = path.join(root, 'ana-for-bob.pack');
    exportPack(ana.store, file);

    const r = await bob.call('importPack', { path: file });
    expect(r.tags).toEqual({ added: 2, updated: 0, deleted: 0, unchanged: 0, tombstones: 1 });
    expect(r.verdicts).toEqual({ added: 2, updated: 0, deleted: 0, unchanged: 0, tombstones: 0 });
    expect(r.annotatorsAdded).toEqual(['ana']);
    expect(r.labelsAdded).toEqual(['wrong-object']);
    expect(r.unmatched).toEqual({ count: 0, first: [] });
    expect(r.skipped.count).toBe(0);

    // Both annotators' work is on the response; bob's is as he left it.
    const detail = await bob.call('getResponse', { id: bob.id('rl-grpo', '2051') });
    expect(detail.tags.map((t) => [t.annotator, t.label, t.uuid]).sort()).toEqual([
      ['ana', 'inconsistent', t1.uuid],
      ['bob', 'overlooked-cue', mine.uuid],
    ]);
    expect(detail.verdicts.map((v) => [v.annotator, v.supports]).sort()).toEqual([['ana', 'no'], ['bob', 'yes']]);
    expect(detail.mine?.supports).toBe('yes');
    const sft = await bob.call('getResponse', { id: bob.id('sft', '2107') });
    expect(sft.tags.map((t) => t.uuid)).toEqual([t2.uuid]); // the deleted one stays deleted
    expect(bob.dump().tags.find((t: any) => t.uuid === t3.uuid)).toMatchObject({ deleted_at: expect.any(String) });
    // Ana's work cannot be edited by bob here either.
    await expect(bob.call('deleteTag', { uuid: t1.uuid })).rejects.toThrow(/made by ana/);

    const before = bob.dump();
    const again = await bob.call('importPack', { path: file });
    expect(again.tags).toEqual({ added: 0, updated: 0, deleted: 0, unchanged: 3, tombstones: 0 });
    expect(again.verdicts).toEqual({ added: 0, updated: 0, deleted: 0, unchanged: 2, tombstones: 0 });
    expect(again.annotatorsAdded).toEqual([]);
    expect(again.labelsAdded).toEqual([]);
    expect(bob.dump()).toEqual(before);
  });

  it('applies later edits and deletions by their newer updated_at, and an older pack never undoes them', async () => {
    const ana = workspace('ana');
    const { t1, t2 } = await anasWork(ana);
    const bob = workspace('bob');
    const first = path.join(root, 'first.pack');
    exportPack(ana.store, first);
    await bob.call('importPack', { path: first });

    await sleep(5); // updated_at has millisecond resolution
    await ana.call('updateTag', { uuid: t1.uuid, note: 'says C, answers B; step 2 ignores the tap' });
    await ana.call('deleteTag', { uuid: t2.uuid });
    await ana.call('setVerdict', { responseId: ana.id('sft', '2107'), supports: 'unclear' });
    const second = path.join(root, 'second.pack');
    exportPack(ana.store, second);
    const r = await bob.call('importPack', { path: second });
    expect(r.tags).toEqual({ added: 0, updated: 1, deleted: 1, unchanged: 1, tombstones: 0 });
    expect(r.verdicts).toEqual({ added: 0, updated: 1, deleted: 0, unchanged: 1, tombstones: 0 });
    const sft = await bob.call('getResponse', { id: bob.id('sft', '2107') });
    expect(sft.tags).toEqual([]);
    expect(sft.verdicts.map((v) => v.supports)).toEqual(['unclear']);

    // The first pack again: everything in it is older than what bob has now.
    const state = bob.dump();
    const old = await bob.call('importPack', { path: first });
    expect(old.tags).toEqual({ added: 0, updated: 0, deleted: 0, unchanged: 3, tombstones: 0 });
    expect(bob.dump()).toEqual(state);
  });

  it("never overwrites another annotator's work, reports responses it lacks, and names bad lines", async () => {
    const bob = workspace('bob');
    const mine = await bob.call('createTag', { responseId: bob.id('rl-grpo', '2051'), label: 'overlooked-cue' });
    const ana = workspace('ana');
    await anasWork(ana);
    const file = path.join(root, 'tampered.pack');
    exportPack(ana.store, file);
    const [header, ...lines] = packLines(file);
    const tag = lines.find((l) => l.type === 'tag' && l.deleted_at === null && l.run === 'rl-grpo');
    const forged = { ...tag, uuid: mine.uuid, label: 'hallucination', updated_at: '2999-01-01T00:00:00.000Z' };
    const elsewhere = lines.filter((l) => l.type === 'tag').map((l) => ({ ...l, run: 'qwen-vl-other', uuid: l.uuid.replace(/^.{8}/, '00000000') }));
    writeLines(file, [header, ...lines, forged, ...elsewhere]);
    fs.appendFileSync(file, '{"type":"tag",\n{"type":"verdict","uuid":"not-a-uuid"}\n');
    const total = lines.length + 1 + elsewhere.length;

    const r = await bob.call('importPack', { path: file });
    expect(r.conflicts).toBe(1);
    expect(r.skipped.lines.map((s) => [s.line, s.field])).toEqual([
      [1 + lines.length + 1, 'uuid'],
      [total + 2, null],
      [total + 3, 'uuid'],
    ]);
    expect(r.skipped.lines[0].reason).toMatch(/belongs to another annotator/);
    expect(r.skipped.lines[1].reason).toBe('malformed JSON');
    expect(r.unmatched.count).toBe(2);
    expect(r.unmatched.first).toEqual(expect.arrayContaining(['qwen-vl-other L1 2051 #0', 'qwen-vl-other L1 2107 #0']));
    const detail = await bob.call('getResponse', { id: bob.id('rl-grpo', '2051') });
    expect(detail.tags.find((t) => t.uuid === mine.uuid)).toMatchObject({ annotator: 'bob', label: 'overlooked-cue' });
  });

  it('reads a hand-written pack whose lines leave out what is null', async () => {
    const bob = workspace('bob');
    const file = path.join(root, 'by-hand.pack');
    const t = '2026-03-01T10:00:00.000Z';
    writeLines(file, [
      { format: 'cotscope-pack', version: 1 },
      { type: 'tag', uuid: '0b7c6a1e-2f44-4c2e-9d1a-6f3e8b2c4d10', run: 'sft', level: 'L1', sample_id: 2107, rollout: 0, label: 'format', annotator: 'script', created_at: t, updated_at: t },
      { type: 'verdict', uuid: '0b7c6a1e-2f44-4c2e-9d1a-6f3e8b2c4d11', run: 'sft', level: 'L1', sample_id: '2107', rollout: 0, annotator: 'script', supports: 'no', created_at: t, updated_at: t },
    ]);
    const r = await bob.call('importPack', { path: file });
    expect(r.tags.added).toBe(1);
    expect(r.verdicts.added).toBe(1);
    const detail = await bob.call('getResponse', { id: bob.id('sft', '2107') });
    expect(detail.tags[0]).toMatchObject({ label: 'format', annotator: 'script', steps: null, span: null, time: null, note: null, origin: 'human' });
    expect(detail.verdicts[0]).toMatchObject({ annotator: 'script', supports: 'no', reviewStatus: 'todo' });
  });

  it('refuses a file that is not a pack, or a pack from a newer cotscope, and imports nothing', async () => {
    const bob = workspace('bob');
    const notPack = path.join(root, 'run.jsonl');
    writeLines(notPack, [{ sample_id: 1, response: 'x' }]);
    await expect(bob.call('importPack', { path: notPack })).rejects.toThrow(/run\.jsonl:1: not a cotscope pack/);
    const newer = path.join(root, 'newer.pack');
    writeLines(newer, [{ format: 'cotscope-pack', version: 99 }, { type: 'tag' }]);
    await expect(bob.call('importPack', { path: newer })).rejects.toThrow(/version 99 was written by a newer cotscope/);
    expect(bob.store.db.prepare("SELECT COUNT(*) FROM imports WHERE kind = 'pack'").pluck().get()).toBe(0);
  });

  it("carries adjudications: the decisions, the adjudicator's tags and verdict arrive and read the same", async () => {
    const ws = workspace('ana');
    const { r1, t1 } = await anasWork(ws);
    await ws.call('setAnnotator', { name: 'bob' });
    const bobs = await ws.call('createTag', { responseId: r1, label: 'hallucination', steps: [0, 0] });
    await ws.call('setVerdict', { responseId: r1, supports: 'yes' });
    await ws.call('setAnnotator', { name: 'carol' });
    await ws.call('adjudicateTag', { tag: t1.uuid, decision: 'keep' });
    await ws.call('adjudicateTag', { tag: bobs.uuid, decision: 'keep' });
    await ws.call('adjudicateTag', { tag: bobs.uuid, decision: 'drop', note: 'nothing hallucinated' });
    const here = await ws.call('adjudicateVerdict', { responseId: r1, supports: 'no' });
    expect(here.resolved).toBe(true);
    const a = path.join(root, 'adj-a.pack');
    const out = exportPack(ws.store, a);
    expect(out).toMatchObject({ adjudications: 3, adjudicatedVerdicts: 1 });

    const fresh = workspace('carol');
    const r = await fresh.call('importPack', { path: a });
    expect(r.adjudications).toEqual({ added: 4, updated: 0, deleted: 0, unchanged: 0, tombstones: 0 });
    expect(r.skipped.count).toBe(0);
    const there = await fresh.call('getAdjudication', { responseId: fresh.id('rl-grpo', '2051') });
    const strip = (c: typeof here) => ({ ...c, responseId: 0, tags: c.tags.map((t) => ({ ...t, tag: { ...t.tag, responseId: 0 }, decision: t.decision && { ...t.decision, result: t.decision.result && { ...t.decision.result, responseId: 0 } } })) });
    expect(strip(there)).toEqual(strip(here));
    const again = await fresh.call('importPack', { path: a });
    expect(again.adjudications).toEqual({ added: 0, updated: 0, deleted: 0, unchanged: 4, tombstones: 0 });
    const b = path.join(root, 'adj-b.pack');
    exportPack(fresh.store, b);
    expect(packLines(b).slice(1)).toEqual(packLines(a).slice(1));
  });

  it('round trip: pack → import into a fresh copy → pack yields the same content', async () => {
    const ana = workspace('ana');
    await anasWork(ana);
    await ana.call('setAnnotator', { name: 'carl' });
    await ana.call('createTag', { responseId: ana.id('rl-grpo-k4', '2318', 3), label: 'degenerate', steps: [4, 9] });
    const a = path.join(root, 'rt-a.pack');
    exportPack(ana.store, a);
    const fresh = workspace('zoe');
    await fresh.call('importPack', { path: a });
    const b = path.join(root, 'rt-b.pack');
    exportPack(fresh.store, b);
    const [ha, ...la] = packLines(a);
    const [hb, ...lb] = packLines(b);
    expect(lb).toEqual(la);
    expect(la.length).toBe(6);
    expect(hb.annotators).toEqual(ha.annotators);
    expect(hb.labels).toEqual(ha.labels);
  });
});

describe('import-pack writes only what changed', () => {
  it('a pack merged a second time writes nothing but its entry in the import log', async () => {
    const ana = workspace('ana');
    await anasWork(ana);
    const file = path.join(root, 'twice.pack');
    exportPack(ana.store, file);
    const bob = workspace('bob');
    importPack(bob.store.db, file);
    const changes = () => bob.store.db.prepare('SELECT total_changes()').pluck().get() as number;
    const before = changes();
    const again = importPack(bob.store.db, file);
    expect(again.tags.unchanged + again.verdicts.unchanged).toBe(5);
    expect(changes() - before).toBe(1);
    expect(bob.store.db.prepare("SELECT imported, skipped FROM imports WHERE kind = 'pack' ORDER BY id DESC").get()).toEqual({ imported: 0, skipped: 0 });
  });
});

describe('packs and bytes that are not UTF-8', () => {
  /** Ana's pack with a byte that is not UTF-8 put into the note of line `at` (1 is the header). */
  async function damaged(name: string, at: number): Promise<{ file: string; offset: number; lines: string[] }> {
    const ana = workspace('ana');
    await anasWork(ana);
    const file = path.join(root, name);
    exportPack(ana.store, file);
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    const parts = lines.map((l) => Buffer.from(l + '\n'));
    const target = lines[at - 1];
    const cut = at === 1 ? target.indexOf('"workspace":"') + 13 : target.indexOf('"uuid":"') + 8;
    parts[at - 1] = Buffer.concat([Buffer.from(target.slice(0, cut)), Buffer.from([0xc3, 0x28]), Buffer.from(target.slice(cut) + '\n')]);
    fs.writeFileSync(file, Buffer.concat(parts));
    const offset = parts.slice(0, at - 1).reduce((n, p) => n + p.length, 0) + Buffer.byteLength(target.slice(0, cut));
    return { file, offset, lines };
  }

  it('reports a line holding them by number and the offset of the first, and merges the rest', async () => {
    const { file, offset, lines } = await damaged('bytes.pack', 3);
    const bob = workspace('bob');
    const r = importPack(bob.store.db, file);
    expect(r.skipped.lines.map((k) => [k.line, k.field, k.reason])).toEqual([[3, null, `invalid UTF-8 at byte ${offset}`]]);
    const merged = r.tags.added + r.tags.tombstones + r.verdicts.added;
    expect(merged).toBe(lines.length - 2);
    expect(bob.store.db.prepare("SELECT COUNT(*) FROM tags WHERE uuid LIKE '%' || char(65533) || '%'").pluck().get()).toBe(0);
  });

  it('refuses a pack whose header holds them, and imports nothing', async () => {
    const { file, offset } = await damaged('bad-header.pack', 1);
    const bob = workspace('bob');
    expect(() => importPack(bob.store.db, file)).toThrow(`${file}:1: not a cotscope pack: its header has invalid UTF-8 at byte ${offset}; nothing imported`);
    expect(bob.store.db.prepare("SELECT COUNT(*) FROM imports WHERE kind = 'pack'").pluck().get()).toBe(0);
    expect(bob.store.db.prepare("SELECT COUNT(*) FROM annotators WHERE name = 'ana'").pluck().get()).toBe(0);
  });

  it('reads a pack that begins with a byte order mark, as an editor on Windows saves it', async () => {
    const ana = workspace('ana');
    await anasWork(ana);
    const file = path.join(root, 'bom.pack');
    exportPack(ana.store, file);
    fs.writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), fs.readFileSync(file)]));
    const r = importPack(workspace('bob').store.db, file);
    expect(r.tags.added + r.tags.tombstones + r.verdicts.added).toBe(5);
  });

  it('finds lines and bad bytes across the 1 MiB reads: a character split by a read is whole, offsets are exact', () => {
    // Line 1 ends so that a 3-byte character straddles the first read's end; line 3 holds a bad byte past it.
    const MiB = 1 << 20;
    const first = Buffer.concat([Buffer.from('a'.repeat(MiB - 1)), Buffer.from('€'), Buffer.from('\n')]);
    const second = Buffer.from('ok ✓\r\n');
    const third = Buffer.concat([Buffer.from('x'.repeat(100)), Buffer.from([0xf8]), Buffer.from('y\n')]);
    const last = Buffer.concat([Buffer.from('no line end '), Buffer.from([0xe2, 0x82])]); // cut short by the file's end
    const file = path.join(root, 'chunks.jsonl');
    fs.writeFileSync(file, Buffer.concat([first, second, third, last]));
    const read = [...readLines(file)];
    expect(read.map((l) => [l.line, l.text.length, l.invalidUtf8])).toEqual([
      [1, MiB, undefined],
      [2, 4, undefined],
      [3, 102, first.length + second.length + 100],
      [4, expect.any(Number), first.length + second.length + third.length + 12],
    ]);
    expect(read[0].text.endsWith('a€')).toBe(true);
    expect(read[1].text).toBe('ok ✓');
  });
});
