// Adjudication on the demo workspace: the disagreement list, decisions recorded as the adjudicator's without touching
// the raters' tags or verdicts, resolution, changing one's mind, and agreement ignoring adjudication tags.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildDemo } from '../../electron/core/demo.ts';
import { dispatch } from '../../electron/core/dispatch.ts';
import { createService, type Service } from '../../electron/core/service.ts';
import { openStore, type Store } from '../../electron/core/store.ts';
import type { Input, MethodName, Output, Tag } from '../../shared/api.ts';

let root: string;
let template: string;
beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-adj-'));
  template = path.join(root, 'template.db');
  const s = openStore(template);
  await buildDemo(s);
  s.close();
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

let store: Store;
let service: Service;
beforeEach(() => {
  const dir = fs.mkdtempSync(path.join(root, 'case-'));
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
const as = (name: string) => call('setAnnotator', { name });
const id = (run: string, sampleId: string) =>
  store.db
    .prepare('SELECT x.id FROM responses x JOIN runs r ON r.id = x.run_id JOIN samples s ON s.id = x.sample_id WHERE r.name = ? AND s.sample_id = ?')
    .pluck()
    .get(run, sampleId) as number;
const rawTags = () => store.db.prepare("SELECT * FROM tags WHERE origin <> 'adjudication' ORDER BY id").all();
const rawVerdicts = () => store.db.prepare('SELECT * FROM verdicts ORDER BY id').all();

/** ana and bob on three responses: they disagree on two (a label; a verdict) and agree on one. */
async function twoRaters() {
  const disputed = id('rl-grpo', '2051');
  const verdictOnly = id('rl-grpo', '2107');
  const agreed = id('sft', '2233');
  await as('ana');
  const anaTag = await call('createTag', { responseId: disputed, label: 'inconsistent', steps: [1, 1], note: 'answer contradicts step 2' });
  await call('setVerdict', { responseId: disputed, supports: 'no' });
  await call('setVerdict', { responseId: verdictOnly, supports: 'yes' });
  await call('createTag', { responseId: agreed, label: 'format' });
  await as('bob');
  const bobTag = await call('createTag', { responseId: disputed, label: 'hallucination', steps: [2, 2] });
  await call('setVerdict', { responseId: disputed, supports: 'no' });
  await call('setVerdict', { responseId: verdictOnly, supports: 'no' });
  await call('createTag', { responseId: agreed, label: 'format' });
  return { disputed, verdictOnly, agreed, anaTag, bobTag };
}

describe('adjudication', () => {
  it('lists the responses where raters disagree, with what they disagree on', async () => {
    const { disputed, verdictOnly } = await twoRaters();
    await as('carol');
    const page = await call('listDisagreements', {});
    expect(page.total).toBe(2);
    expect(page.resolved).toBe(0);
    expect(page.rows).toEqual([
      expect.objectContaining({ responseId: disputed, run: 'rl-grpo', sampleId: '2051', raters: ['ana', 'bob'], labels: ['hallucination', 'inconsistent'], verdicts: false, decided: 0, toDecide: 2, resolved: false }),
      expect.objectContaining({ responseId: verdictOnly, labels: [], verdicts: true, toDecide: 0, resolved: false }),
    ]);
    // Narrowed to a pair that never met, nothing.
    expect((await call('listDisagreements', { annotators: ['ana', 'zed'] })).total).toBe(0);
  });

  it("records keep, edit and drop as the adjudicator's decisions and tags; the raters' tags and verdicts stay as they were", async () => {
    const { disputed, verdictOnly, anaTag, bobTag } = await twoRaters();
    const tagsBefore = rawTags();
    const verdictsBefore = rawVerdicts();
    await as('carol');

    let c = await call('getAdjudication', { responseId: disputed });
    expect(c.raters).toEqual(['ana', 'bob']);
    expect(c.tags.map((t) => [t.tag.annotator, t.tag.label, t.decision])).toEqual([
      ['ana', 'inconsistent', null],
      ['bob', 'hallucination', null],
    ]);
    expect(c.verdictsDiffer).toBe(false);

    c = await call('adjudicateTag', { tag: anaTag.uuid, decision: 'keep' });
    expect(c.resolved).toBe(false);
    c = await call('adjudicateTag', { tag: bobTag.uuid, decision: 'edit', edit: { label: 'overlooked-cue', note: 'the cue is the open drawer' } });
    expect(c.resolved).toBe(true);
    const kept = c.tags[0].decision!;
    const edited = c.tags[1].decision!;
    expect(kept).toMatchObject({ decision: 'keep', result: { annotator: 'carol', origin: 'adjudication', label: 'inconsistent', steps: [1, 1], note: 'answer contradicts step 2' } });
    expect(edited).toMatchObject({ decision: 'edit', result: { annotator: 'carol', origin: 'adjudication', label: 'overlooked-cue', steps: [2, 2], note: 'the cue is the open drawer' } });

    // The originals: untouched rows; the response now shows the raters' tags and carol's adjudicated ones.
    expect(rawTags()).toEqual(tagsBefore);
    const detail = await call('getResponse', { id: disputed });
    expect(detail.tags.map((t: Tag) => [t.annotator, t.label, t.origin]).sort()).toEqual([
      ['ana', 'inconsistent', 'human'],
      ['bob', 'hallucination', 'human'],
      ['carol', 'inconsistent', 'adjudication'],
      ['carol', 'overlooked-cue', 'adjudication'],
    ]);

    // The verdict: raters differ on the other response; carol picks one, beside theirs.
    c = await call('getAdjudication', { responseId: verdictOnly });
    expect(c).toMatchObject({ verdictsDiffer: true, verdict: null, resolved: false });
    c = await call('adjudicateVerdict', { responseId: verdictOnly, supports: 'no' });
    expect(c).toMatchObject({ verdict: { supports: 'no' }, resolved: true });
    expect(rawVerdicts()).toEqual(verdictsBefore);

    const page = await call('listDisagreements', {});
    expect(page.resolved).toBe(2);
    expect(page.rows.every((r) => r.resolved)).toBe(true);
    expect((await call('listDisagreements', { state: 'open' })).total).toBe(0);
    // Someone else adjudicating starts from nothing: decisions are per adjudicator.
    await as('dan');
    expect((await call('listDisagreements', { state: 'open' })).total).toBe(2);
  });

  it('a changed decision is appended; drop tombstones the adjudicated tag and keep brings the same one back', async () => {
    const { disputed, anaTag } = await twoRaters();
    await as('carol');
    const kept = (await call('adjudicateTag', { tag: anaTag.uuid, decision: 'keep' })).tags[0].decision!.result!;
    // The same decision again records nothing new.
    await call('adjudicateTag', { tag: anaTag.uuid, decision: 'keep' });
    const dropped = await call('adjudicateTag', { tag: anaTag.uuid, decision: 'drop', note: 'step 2 does not say C' });
    expect(dropped.tags[0].decision).toMatchObject({ decision: 'drop', result: null, note: 'step 2 does not say C' });
    expect((await call('getResponse', { id: disputed })).tags.some((t: Tag) => t.origin === 'adjudication')).toBe(false);
    const back = await call('adjudicateTag', { tag: anaTag.uuid, decision: 'keep' });
    expect(back.tags[0].decision!.result!.uuid).toBe(kept.uuid);
    const trail = store.db.prepare('SELECT decision FROM adjudications ORDER BY id').pluck().all();
    expect(trail).toEqual(['keep', 'drop', 'keep']);
  });

  it('refuses to adjudicate an adjudication tag or a deleted tag, and checks an edit like any tag', async () => {
    const { anaTag } = await twoRaters();
    await as('carol');
    const result = (await call('adjudicateTag', { tag: anaTag.uuid, decision: 'keep' })).tags[0].decision!.result!;
    await expect(call('adjudicateTag', { tag: result.uuid, decision: 'drop' })).rejects.toThrow(/itself an adjudication decision/);
    await expect(call('adjudicateTag', { tag: anaTag.uuid, decision: 'edit', edit: { steps: [40, 41] } })).rejects.toThrow(/edit\.steps.*does not exist/);
    await expect(call('adjudicateTag', { tag: anaTag.uuid, decision: 'edit', edit: { label: 'nope' } })).rejects.toThrow(/no label "nope"/);
    await as('ana');
    await call('deleteTag', { uuid: anaTag.uuid });
    await as('carol');
    await expect(call('adjudicateTag', { tag: anaTag.uuid, decision: 'keep' })).rejects.toThrow(/deleted by its annotator/);
  });

  it("agreement counts the raters' work only, not the adjudicator's tags", async () => {
    const { anaTag, bobTag } = await twoRaters();
    await as('carol');
    await call('adjudicateTag', { tag: anaTag.uuid, decision: 'keep' });
    await call('adjudicateTag', { tag: bobTag.uuid, decision: 'keep' });
    const { pairs } = await call('getAgreement', {});
    expect(pairs.map((p) => p.annotators)).toEqual([['ana', 'bob']]);
    // Three responses both reviewed: inconsistent (ana only on one), hallucination (bob only on one), format (both on one).
    expect(pairs[0]).toMatchObject({ responses: 3, kappa: { format: 1, hallucination: 0, inconsistent: 0 } });
    // Verdicts: both said no on one, yes/no on the other: p_o 1/2, p_e (1/2·0 + 1/2·1) = 1/2 → 0.
    expect(pairs[0].verdict_kappa).toBe(0);
    expect(pairs[0].verdict_responses).toBe(2);
  });
});
