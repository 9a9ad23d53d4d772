// The automatic checks' suggestions in a workspace: made on import (or not, with checks off), decided by a person
// (accept makes their own tag, reject keeps the decision; both undoable), re-run by `check` without touching what
// people decided, and written to exports only when asked; packs and the label filter leave them out.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildDemo, DEMO_DATA_ROOT, DEMO_DIR } from '../../electron/core/demo.ts';
import { dispatch } from '../../electron/core/dispatch.ts';
import { runExport } from '../../electron/core/export/run.ts';
import { importBenchmark } from '../../electron/core/import-benchmark.ts';
import { importRun } from '../../electron/core/import-run.ts';
import { exportPack } from '../../electron/core/pack.ts';
import { createService, type Service } from '../../electron/core/service.ts';
import { openStore, type Store } from '../../electron/core/store.ts';
import { checkRuns } from '../../electron/core/suggestions.ts';
import { CHECKS } from '../../electron/core/checks/registry.ts';
import type { Input, MethodName, Output, Tag } from '../../shared/api.ts';

let root: string;
let template: string;
beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-suggestions-'));
  template = path.join(root, 'template.db');
  const s = openStore(template);
  await buildDemo(s);
  s.close();
}, 60_000);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

let store: Store;
let service: Service;
beforeEach(() => {
  const file = path.join(fs.mkdtempSync(path.join(root, 'case-')), 'w.db');
  fs.copyFileSync(template, file);
  store = openStore(file);
  service = createService(store, { annotator: 'ana' });
});
afterEach(() => store.close());

async function call<M extends MethodName>(method: M, input?: Input<M>): Promise<Output<M>> {
  const r = await dispatch(service, method, input);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as Output<M>;
}

interface Open {
  uuid: string;
  response_id: number;
  check_name: string;
}
const openSuggestions = () =>
  store.db
    .prepare(
      `SELECT t.uuid, t.response_id, g.check_name FROM suggestions g JOIN tags t ON t.id = g.tag_id
        WHERE g.decision IS NULL ORDER BY t.id`,
    )
    .all() as Open[];

async function suggestionsOn(responseId: number): Promise<Tag[]> {
  return (await call('getResponse', { id: responseId })).tags.filter((t) => t.origin === 'suggestion');
}

describe('suggestions on import', () => {
  it('every run of the demo was checked on import, by every check, as annotators auto:<check>', () => {
    const runs = store.db.prepare('SELECT id, name FROM runs').all() as { id: number; name: string }[];
    const recorded = store.db.prepare('SELECT run_id, check_name, check_version, responses FROM check_runs ORDER BY run_id, check_name').all();
    const expected = runs.flatMap((r) =>
      CHECKS.map((c) => ({ run_id: r.id, check_name: c.name, check_version: c.version, responses: store.db.prepare('SELECT COUNT(*) FROM responses WHERE run_id = ?').pluck().get(r.id) })),
    ).sort((a, b) => a.run_id - b.run_id || a.check_name.localeCompare(b.check_name));
    expect(recorded).toEqual(expected);
    expect(openSuggestions().length).toBeGreaterThan(0);
    const owners = store.db
      .prepare("SELECT DISTINCT a.name, a.kind, g.check_name FROM suggestions g JOIN tags t ON t.id = g.tag_id JOIN annotators a ON a.id = t.annotator_id")
      .all() as { name: string; kind: string; check_name: string }[];
    for (const o of owners) expect(o).toEqual({ name: `auto:${o.check_name}`, kind: 'auto', check_name: o.check_name });
  });

  it('with checks off, an import makes no suggestion and records no check', async () => {
    const s = openStore(path.join(root, `nochecks-${process.pid}.db`));
    try {
      await importBenchmark(s, [path.join(DEMO_DATA_ROOT, 'annotations', 'validation_L1.jsonl')], { dataRoot: DEMO_DATA_ROOT });
      const r = await importRun(s, path.join(DEMO_DIR, 'runs', 'rl-grpo', 'eval_results_for_validation_L1.jsonl'), { name: 'rl', method: 'rl', checks: false });
      expect(r.imported).toBeGreaterThan(0);
      expect(r.suggestions).toBe(0);
      expect(s.db.prepare('SELECT COUNT(*) FROM suggestions').pluck().get()).toBe(0);
      expect(s.db.prepare('SELECT COUNT(*) FROM check_runs').pluck().get()).toBe(0);
      // `check` afterwards gives the same suggestions an import with checks would have made.
      const checked = await checkRuns(s);
      expect(checked.responses).toBe(r.imported);
      expect(s.db.prepare('SELECT COUNT(*) FROM check_runs').pluck().get()).toBe(CHECKS.length);
    } finally {
      s.close();
    }
  });
});

describe('deciding a suggestion', () => {
  it('accept makes it my own tag; undo takes it back; redo accepts again; reject keeps the decision and removes my tag', async () => {
    const [g] = openSuggestions();
    const [shown] = (await suggestionsOn(g.response_id)).filter((t) => t.uuid === g.uuid);
    expect(shown.suggestion).toMatchObject({ check: g.check_name, decision: null, resultTag: null });
    expect(shown.suggestion!.evidence.length).toBeGreaterThan(0);

    const accepted = await call('decideSuggestion', { uuid: g.uuid, decision: 'accepted' });
    expect(accepted.tag).toMatchObject({ annotator: 'ana', origin: 'human', label: shown.label, steps: shown.steps, span: shown.span, note: shown.suggestion!.evidence });
    expect(accepted.suggestion.suggestion).toMatchObject({ decision: 'accepted', decidedBy: 'ana', resultTag: accepted.tag!.uuid });
    const mine = () => store.db.prepare("SELECT COUNT(*) FROM tags t JOIN annotators a ON a.id = t.annotator_id WHERE a.name = 'ana' AND t.deleted_at IS NULL").pluck().get();
    expect(mine()).toBe(1);

    expect((await call('undo')).action).toBe('suggestion.accepted');
    expect(mine()).toBe(0);
    expect((await suggestionsOn(g.response_id)).find((t) => t.uuid === g.uuid)!.suggestion!.decision).toBeNull();
    await call('redo');
    expect(mine()).toBe(1);
    expect((await suggestionsOn(g.response_id)).find((t) => t.uuid === g.uuid)!.suggestion).toMatchObject({ decision: 'accepted', resultTag: accepted.tag!.uuid });

    const rejected = await call('decideSuggestion', { uuid: g.uuid, decision: 'rejected' });
    expect(rejected.tag).toBeNull();
    expect(rejected.suggestion.suggestion).toMatchObject({ decision: 'rejected', decidedBy: 'ana', resultTag: null });
    expect(mine()).toBe(0);
    await call('undo');
    expect(mine()).toBe(1); // back to accepted, with its tag
  });

  it('refuses what is not a suggestion, and a suggestion is not editable as a tag', async () => {
    const [g] = openSuggestions();
    const tag = await call('createTag', { responseId: g.response_id, label: 'format' });
    const r = await dispatch(service, 'decideSuggestion', { uuid: tag.uuid, decision: 'accepted' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('not_found');
    const edit = await dispatch(service, 'updateTag', { uuid: g.uuid, note: 'mine now' });
    expect(edit.ok).toBe(false);
    if (!edit.ok) expect(edit.error.code).toBe('forbidden');
  });
});

describe('the undecided-suggestions filter', () => {
  it('lists the responses with a suggestion nobody decided, and a response leaves it once all of its are decided', async () => {
    const open = openSuggestions();
    const responses = [...new Set(open.map((g) => g.response_id))].sort((a, b) => a - b);
    const listed = async () => (await call('listResponses', { filter: { undecided: true }, offset: 0, limit: 500 })).rows.map((r) => r.id).sort((a, b) => a - b);
    expect(await listed()).toEqual(responses);
    const first = responses[0];
    for (const g of open.filter((o) => o.response_id === first)) await call('decideSuggestion', { uuid: g.uuid, decision: 'rejected' });
    expect(await listed()).toEqual(responses.slice(1));
  });
});

describe('cotscope check', () => {
  it("replaces a check's open suggestions, keeps decided ones, and does not propose a rejected one again", async () => {
    const all = openSuggestions();
    const [rejected, accepted] = all;
    await call('decideSuggestion', { uuid: rejected.uuid, decision: 'rejected' });
    await call('decideSuggestion', { uuid: accepted.uuid, decision: 'accepted' });
    const humanTags = store.db.prepare("SELECT * FROM tags WHERE origin <> 'suggestion' ORDER BY id").all();
    const anchors = () =>
      store.db
        .prepare(
          `SELECT t.response_id, g.check_name, t.label_id, t.step_start, t.step_end, t.char_start, t.char_end, g.decision FROM suggestions g
             JOIN tags t ON t.id = g.tag_id ORDER BY 1, 2, 3, 4, 5, 6, 7`,
        )
        .all();
    const before = anchors();

    const r = await checkRuns(store);
    expect(r.responses).toBe(store.db.prepare('SELECT COUNT(*) FROM responses').pluck().get());
    // The same anchors, decisions kept; the open ones are new rows (new UUIDs), the decided ones the same rows.
    expect(anchors()).toEqual(before);
    const now = openSuggestions();
    expect(now.length).toBe(all.length - 2);
    expect(now.some((g) => all.some((o) => o.uuid === g.uuid))).toBe(false);
    expect(store.db.prepare('SELECT decision FROM suggestions g JOIN tags t ON t.id = g.tag_id WHERE t.uuid = ?').pluck().get(rejected.uuid)).toBe('rejected');
    expect(store.db.prepare("SELECT * FROM tags WHERE origin <> 'suggestion' ORDER BY id").all()).toEqual(humanTags);
  });

  it('names an unknown run or check', async () => {
    await expect(checkRuns(store, { runs: ['nope'] })).rejects.toThrow('no run named "nope"');
    await expect(checkRuns(store, { checks: ['nope'] })).rejects.toThrow(/unknown check\(s\) "nope"; the checks are /);
  });
});

describe('suggestions in exports, packs and filters', () => {
  it('exports write them only with --origin suggestion or all, with check, confidence, evidence and decision', async () => {
    const read = async (origin?: 'human' | 'suggestion' | 'all') => {
      const out = path.join(path.dirname(store.file), `x-${origin ?? 'default'}.jsonl`);
      await runExport(store.db, { format: 'jsonl', out, origin, workspace: store.file, command: 'test' });
      return fs
        .readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .flatMap((l) => JSON.parse(l).tags as { origin: string; annotator: string; suggestion?: object }[]);
    };
    await call('createTag', { responseId: openSuggestions()[0].response_id, label: 'format' });
    const human = await read();
    expect(human.length).toBe(1);
    expect(human.every((t) => t.origin !== 'suggestion' && !t.suggestion)).toBe(true);
    const suggested = await read('suggestion');
    expect(suggested.length).toBe(openSuggestions().length);
    for (const t of suggested) {
      expect(t.origin).toBe('suggestion');
      expect(t.annotator).toMatch(/^auto:/);
      expect(t.suggestion).toMatchObject({ check: expect.any(String), version: expect.any(Number), confidence: expect.any(Number), evidence: expect.any(String), decision: null });
    }
    expect((await read('all')).length).toBe(human.length + suggested.length);
  });

  it('a pack carries people\'s work only; the label filter and tag counts ignore suggestions', async () => {
    const [g] = openSuggestions();
    const label = store.db.prepare('SELECT l.key FROM tags t JOIN labels l ON l.id = t.label_id WHERE t.uuid = ?').pluck().get(g.uuid) as string;
    const listed = await call('listResponses', { filter: { labels: [label] }, offset: 0, limit: 500 });
    expect(listed.total).toBe(0); // nobody has tagged anything yet: the suggestions do not count
    expect((await call('listLabels')).find((l) => l.key === label)!.tagCount).toBe(0);

    await call('createTag', { responseId: g.response_id, label: 'format' });
    const out = path.join(path.dirname(store.file), 'p.pack');
    const r = exportPack(store, out);
    expect(r.annotators).toEqual(['ana']);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.type === 'tag').map((l) => l.origin)).toEqual(['human']);
    expect(JSON.stringify(lines[0].annotators)).not.toContain('auto:');
  });
});
