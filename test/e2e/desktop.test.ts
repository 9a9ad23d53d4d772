// The desktop app's file handling in Chromium, through a stand-in of its shell (harness: serveDesktop): every path
// comes from the system's dialogs — files to import, a data root, an export's destination, a pack, a workspace — and
// the page has no field to type one. What a dialog returned is used; an export's destination is good for one export.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../electron/core/dispatch.ts';
import { exportPack } from '../../electron/core/pack.ts';
import { createService } from '../../electron/core/service.ts';
import { openStore } from '../../electron/core/store.ts';
import { REPO, launchChromium, openDesktopPage, serveDesktop, type Desktop } from './harness.ts';

const FIXTURE = path.join(REPO, 'test/fixtures/runs/eval_results_for_validation_L1.jsonl');
let desktop: Desktop;
let browser: Browser;

beforeAll(async () => {
  desktop = await serveDesktop();
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await desktop?.stop();
});

/** Calls the shell as the page's bridge does (what a page could send, whatever its buttons offer). */
async function bridgeCall(page: Page, method: string, input: unknown): Promise<any> {
  return page.evaluate(([m, i]) => (window as any).cotscope.call(m, i), [method, input] as const);
}

describe('the desktop app’s dialogs', () => {
  it('imports the files chosen in the open dialog, with the data root chosen there too', async () => {
    const page = await openDesktopPage(browser, desktop, '#/settings');
    await page.getByTestId('settings-open-import').click();
    // Nothing to type, nothing to upload.
    expect(await page.getByTestId('import-paths').count()).toBe(0);
    expect(await page.getByTestId('import-upload').count()).toBe(0);
    await page.getByTestId('import-kind-run').click();
    await page.getByTestId('import-run-name').fill('chosen-run');
    expect(await page.getByTestId('import-start').isDisabled()).toBe(true);

    // Cancelling the dialog changes nothing; choosing fills the list.
    desktop.openAnswers.push(null, [FIXTURE]);
    await page.getByTestId('import-choose').click();
    await expect.poll(() => desktop.asked.length).toBe(1);
    expect(await page.getByTestId('import-file').count()).toBe(0);
    await page.getByTestId('import-choose').click();
    await expect.poll(() => page.getByTestId('import-file').allInnerTexts()).toEqual([expect.stringContaining(FIXTURE)]);
    expect(desktop.asked.at(-1)).toEqual({ kind: 'open', purpose: 'import', multiple: true });
    await page.getByTestId('import-start').click();
    await expect.poll(() => page.getByTestId('import-progress').getAttribute('data-state'), { timeout: 30_000 }).toBe('done');
    expect((await bridgeCall(page, 'listRuns', {})).value.find((r: any) => r.name === 'chosen-run')).toMatchObject({ responses: 2 });

    // A benchmark's data root: a folder from the dialog, shown read-only.
    await page.getByTestId('import-kind-benchmark').click();
    expect(await page.getByTestId('import-dataroot').getAttribute('readonly')).not.toBeNull();
    desktop.openAnswers.push([desktop.dir]);
    await page.getByTestId('import-choose-dataroot').click();
    await expect.poll(() => page.getByTestId('import-dataroot').inputValue()).toBe(desktop.dir);
    expect(desktop.asked.at(-1)).toEqual({ kind: 'open', purpose: 'data-root', multiple: false });

    // A path no dialog returned is refused by the shell, whatever the page sends.
    const other = path.join(REPO, 'test/fixtures/runs/rollouts_validation_L1.jsonl');
    const refused = await bridgeCall(page, 'startImport', { kind: 'run', paths: [other], name: 'typed', method: 'rl' });
    expect(refused.error).toMatchObject({ code: 'forbidden' });
    expect(refused.error.message).toMatch(/was not chosen in a dialog of cotscope/);
    await page.close();
  }, 90_000);

  it('exports to the place the save dialog returned, once', async () => {
    const page = await openDesktopPage(browser, desktop);
    await expect.poll(() => page.getByTestId('response-row').count()).toBeGreaterThan(5);
    await page.getByTestId('library-export').click();
    const out = page.getByTestId('export-out');
    const start = page.getByTestId('export-start');
    // No destination yet: nothing to export to; the field is not for typing.
    expect(await out.getAttribute('readonly')).not.toBeNull();
    expect(await out.inputValue()).toBe('');
    expect(await start.isDisabled()).toBe(true);

    const file = path.join(desktop.dir, 'chosen.jsonl');
    desktop.saveAnswers.push(file);
    await page.getByTestId('export-choose').click();
    await expect.poll(() => out.inputValue()).toBe(file);
    expect(desktop.asked.at(-1)).toMatchObject({ kind: 'save', purpose: 'export', folder: false });
    expect(desktop.asked.at(-1)!.suggested).toMatch(/cotscope-export-\d{8}-\d{4}\.jsonl$/);
    await start.click();
    const progress = page.getByTestId('export-progress');
    await expect.poll(() => progress.getAttribute('data-state'), { timeout: 30_000 }).toBe('done');
    const total = (await bridgeCall(page, 'listResponses', { limit: 1 })).value.total;
    expect(fs.readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(total);
    expect(fs.existsSync(`${file}.meta.json`)).toBe(true);
    // Written where chosen, not downloaded; and the choice is spent: another export needs another.
    expect(await page.getByTestId('export-download').count()).toBe(0);
    expect(await out.inputValue()).toBe('');
    expect(await start.isDisabled()).toBe(true);
    const again = await bridgeCall(page, 'startExport', { format: 'jsonl', out: file });
    expect(again.error).toMatchObject({ code: 'forbidden' });

    // A dataset folder is asked for as a folder; changing the format drops a choice made for another.
    desktop.saveAnswers.push(path.join(desktop.dir, 'chosen.csv'));
    await page.getByTestId('export-format-csv').check();
    await page.getByTestId('export-choose').click();
    await expect.poll(() => out.inputValue()).toMatch(/chosen\.csv$/);
    await page.getByTestId('export-format-hf').check();
    expect(await out.inputValue()).toBe('');
    desktop.saveAnswers.push(path.join(desktop.dir, 'dataset'));
    await page.getByTestId('export-choose').click();
    await expect.poll(() => out.inputValue()).toMatch(/dataset$/);
    expect(desktop.asked.at(-1)).toMatchObject({ kind: 'save', purpose: 'export', folder: true });
    await start.click();
    await expect.poll(() => progress.getAttribute('data-state'), { timeout: 30_000 }).toBe('done');
    expect(fs.existsSync(path.join(desktop.dir, 'dataset', 'README.md'))).toBe(true);
    await page.close();
  }, 90_000);

  it('merges a pack, remaps a data root, and creates and opens workspaces through the dialogs', async () => {
    // A pack of bob's work, made from a copy of this demo workspace.
    const bob = path.join(desktop.dir, 'bob.db');
    fs.copyFileSync(desktop.db, bob);
    const store = openStore(bob);
    const pack = path.join(desktop.dir, 'bob.pack');
    try {
      const svc = createService(store, { annotator: 'bob' });
      const id = store.db.prepare('SELECT id FROM responses ORDER BY id LIMIT 1').pluck().get() as number;
      const r = await dispatch(svc, 'createTag', { responseId: id, label: 'hallucination' });
      if (!r.ok) throw new Error(r.error.message);
      exportPack(store, pack);
    } finally {
      store.close();
    }
    const page = await openDesktopPage(browser, desktop, '#/team');
    await page.getByTestId('open-pack-import').click();
    expect(await page.getByTestId('pack-upload').count()).toBe(0);
    expect(await page.getByTestId('pack-path').getAttribute('readonly')).not.toBeNull();
    desktop.openAnswers.push([pack]);
    await page.getByTestId('pack-choose').click();
    await expect.poll(() => page.getByTestId('pack-path').inputValue()).toBe(pack);
    expect(desktop.asked.at(-1)).toEqual({ kind: 'open', purpose: 'pack', multiple: false });
    await page.getByTestId('pack-import').click();
    await expect.poll(() => page.getByTestId('pack-count-tags').innerText()).toMatch(/^tags\s+1\s/i);
    await page.keyboard.press('Escape');

    // Settings → Datasets: the data root is a folder from the dialog, applied at once.
    await page.goto(`${desktop.url}#/settings`);
    await expect.poll(() => page.getByTestId('dataset-row').count()).toBeGreaterThan(0);
    desktop.openAnswers.push([desktop.dir]);
    await page.getByTestId('dataroot-choose').first().click();
    await expect.poll(() => page.getByTestId('dataroot-input').first().inputValue()).toBe(desktop.dir);
    expect(desktop.asked.at(-1)).toEqual({ kind: 'open', purpose: 'data-root', multiple: false });

    // The workspace menu: no path to type; Create new… asks where, Open… which file.
    await page.getByTestId('workspace-menu').click();
    expect(await page.getByTestId('workspace-path').count()).toBe(0);
    const fresh = path.join(desktop.dir, 'fresh.db');
    desktop.saveAnswers.push(fresh);
    await page.getByTestId('workspace-create').click();
    await expect.poll(() => page.getByTestId('workspace-name').innerText(), { timeout: 15_000 }).toContain('fresh.db');
    expect(desktop.asked.at(-1)).toMatchObject({ kind: 'save', purpose: 'workspace' });
    expect(fs.existsSync(fresh)).toBe(true);
    await page.getByTestId('workspace-menu').click();
    desktop.openAnswers.push([bob]);
    await page.getByTestId('workspace-open').click();
    await expect.poll(() => page.getByTestId('workspace-name').innerText(), { timeout: 15_000 }).toContain('bob.db');
    expect(desktop.asked.at(-1)).toEqual({ kind: 'open', purpose: 'workspace', multiple: false });
    await page.close();
  }, 120_000);
});
