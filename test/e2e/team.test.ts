// Teammates in Chromium: a teammate's pack (built here from a copy of the demo workspace where bob tagged) is uploaded
// and merged from the Team view and its report shown (merging it again by its path on the server changes nothing); the disagreement it creates is adjudicated with the keyboard, the
// decisions are recorded as the adjudicator's, and the raters' originals are still there. The agreement figures show
// in the Team view and the dashboard.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../electron/core/dispatch.ts';
import { exportPack } from '../../electron/core/pack.ts';
import { createService } from '../../electron/core/service.ts';
import { openStore } from '../../electron/core/store.ts';
import { REPO, demoInChromium, screenshotPath } from './harness.ts';

const ctx = demoInChromium();

async function api(method: string, body: unknown): Promise<any> {
  const r = await fetch(`${ctx.served.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-cotscope-token': ctx.served.token },
    body: JSON.stringify(body),
  });
  const out = (await r.json()) as any;
  if (!out.ok) throw new Error(out.error.message);
  return out.value;
}

async function responseId(run: string, sampleId: string): Promise<number> {
  const page = await api('listResponses', { filter: { runs: [run], sampleId }, limit: 5 });
  return page.rows[0].id;
}

/** bob's workspace: a fresh demo copy where he tags two responses; returns his pack. */
async function bobsPack(dir: string): Promise<string> {
  const db = path.join(dir, 'bob.db');
  const built = spawnSync(process.execPath, [path.join(REPO, 'bin', 'cotscope.js'), 'demo', '--db', db], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(built.stderr);
  const store = openStore(db);
  try {
    const svc = createService(store, { annotator: 'bob' });
    const id = (run: string, sample: string) =>
      store.db
        .prepare('SELECT x.id FROM responses x JOIN runs r ON r.id = x.run_id JOIN samples s ON s.id = x.sample_id WHERE r.name = ? AND s.sample_id = ?')
        .pluck()
        .get(run, sample) as number;
    for (const [method, input] of [
      ['createTag', { responseId: id('rl-grpo', '2051'), label: 'hallucination', steps: [2, 2], note: 'no drawer in the clip' }],
      ['setVerdict', { responseId: id('rl-grpo', '2051'), supports: 'no' }],
      ['createTag', { responseId: id('sft', '2107'), label: 'inconsistent' }],
    ] as const) {
      const r = await dispatch(svc, method, input);
      if (!r.ok) throw new Error(r.error.message);
    }
    const pack = path.join(dir, 'bob.pack');
    exportPack(store, pack);
    return pack;
  } finally {
    store.close();
  }
}

async function newPage(): Promise<Page> {
  const page = await ctx.browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => {
    throw e;
  });
  return page;
}

describe('teammates in Chromium', () => {
  it("imports a teammate's pack, shows the report, and resolves the disagreement it brings with the keyboard", async () => {
    const pack = await bobsPack(ctx.served.dir);
    // Here, ana has tagged the same response differently and judged that its reasoning supports the answer.
    const target = await responseId('rl-grpo', '2051');
    await api('setAnnotator', { name: 'ana' });
    const anas = await api('createTag', { responseId: target, label: 'inconsistent', steps: [1, 1] });
    await api('setVerdict', { responseId: target, supports: 'yes' });

    const page = await newPage();
    await page.goto(`${ctx.served.url}#/team`);
    await expect.poll(() => page.getByTestId('adj-none').isVisible()).toBe(true);

    // Upload the pack from the Team view and read the report.
    await page.getByTestId('open-pack-import').click();
    await page.getByTestId('pack-upload').setInputFiles(pack);
    expect(await page.getByTestId('pack-file').innerText()).toContain('bob.pack');
    await page.getByTestId('pack-import').click();
    const report = page.getByTestId('pack-report');
    await expect.poll(() => report.isVisible()).toBe(true);
    expect(await page.getByTestId('pack-upload-progress').getAttribute('data-state')).toBe('sent');
    const tagsRow = async () => (await page.getByTestId('pack-count-tags').innerText()).toLowerCase().split(/\s+/).slice(0, 6);
    expect(await tagsRow()).toEqual(['tags', '2', '0', '0', '0', '0']);
    expect(await report.innerText()).toContain('New annotators: bob');
    // Reported by the pack's own name, not where the server staged the upload.
    expect(await report.innerText()).toMatch(/Merged bob\.pack /);

    // The same pack again, named by its path inside the folder the server allows: nothing changes.
    await page.getByTestId('pack-path').fill(pack);
    expect(await page.getByTestId('pack-file').count()).toBe(0);
    await page.getByTestId('pack-path').press('Enter');
    await expect.poll(tagsRow).toEqual(['tags', '0', '0', '0', '2', '0']);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('pack-dialog').count()).toBe(0);

    // The disagreement is listed (sft 2107 is bob's alone: not a disagreement). carol adjudicates.
    const rows = page.getByTestId('adj-row');
    await expect.poll(() => rows.count()).toBe(1);
    expect(Number(await rows.first().getAttribute('data-response-id'))).toBe(target);
    await api('setAnnotator', { name: 'carol' });
    await page.reload();
    await expect.poll(() => rows.count()).toBe(1);
    await page.keyboard.press(']'); // the next (here: first) disagreement
    const adj = page.getByTestId('adjudication');
    await expect.poll(() => adj.getAttribute('data-response-id')).toBe(String(target));
    expect(page.url()).toMatch(new RegExp(`#/team/${target}`));
    expect(await page.getByTestId('adj-column').evaluateAll((els) => els.map((e) => e.getAttribute('data-annotator')))).toEqual(['ana', 'bob']);

    // a: keep ana's tag (the cursor moves on to bob's). e: edit bob's into an overlooked cue. x: the reasoning does
    // not support the answer.
    await page.keyboard.press('a');
    const tags = page.getByTestId('adj-tag');
    await expect.poll(() => tags.nth(0).getAttribute('data-decision')).toBe('keep');
    await expect.poll(() => tags.nth(1).getAttribute('class')).toMatch(/\bselected\b/);
    await page.keyboard.press('e');
    await page.getByTestId('adj-edit-label').selectOption('overlooked-cue');
    await page.getByTestId('adj-edit-note').fill('the drawer is open in the last frame');
    await page.getByTestId('adj-edit-save').click();
    await expect.poll(() => tags.nth(1).getAttribute('data-decision')).toBe('edit');
    expect(await adj.getAttribute('data-resolved')).toBe('0');
    await page.keyboard.press('x');
    await expect.poll(() => adj.getAttribute('data-resolved')).toBe('1');
    await expect.poll(() => rows.first().getAttribute('data-resolved')).toBe('1');
    expect(await page.getByTestId('adj-verdict-no').getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => page.getByTestId('agreement-pair').getAttribute('data-pair')).toBe('ana|bob');
    await page.screenshot({ path: screenshotPath(ctx.served, 'team.png') });

    // Recorded as carol's decisions; ana's and bob's tags and verdicts are as they made them.
    const detail = await api('getResponse', { id: target });
    expect(detail.tags.map((t: any) => [t.annotator, t.label, t.origin]).sort()).toEqual([
      ['ana', 'inconsistent', 'human'],
      ['bob', 'hallucination', 'human'],
      ['carol', 'inconsistent', 'adjudication'],
      ['carol', 'overlooked-cue', 'adjudication'],
    ]);
    expect(detail.tags.find((t: any) => t.uuid === anas.uuid)).toMatchObject({ steps: [1, 1], updatedAt: anas.updatedAt });
    expect(detail.tags.find((t: any) => t.annotator === 'bob')).toMatchObject({ steps: [2, 2], note: 'no drawer in the clip' });
    expect(detail.verdicts.map((v: any) => [v.annotator, v.supports]).sort()).toEqual([['ana', 'yes'], ['bob', 'no']]);
    const kase = await api('getAdjudication', { responseId: target });
    expect(kase).toMatchObject({ adjudicator: 'carol', resolved: true, verdict: { supports: 'no' } });

    // The open list is now empty; the dashboard shows the same agreement figures.
    await page.getByTestId('adj-state-open').click();
    await expect.poll(() => page.getByTestId('adj-none').isVisible()).toBe(true);
    await page.getByTestId('nav-dashboard').click();
    await expect.poll(() => page.getByTestId('agreement-pair').count(), { timeout: 20_000 }).toBe(1);
    await page.close();
  }, 180_000);
});
