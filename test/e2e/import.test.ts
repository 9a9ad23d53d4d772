// The import dialog in Chromium (browser mode): a run file uploaded from this computer — it lies outside every folder
// the server allows — with its upload and import progress and a skipped-lines report that names it by its own name; a
// file named by its path inside the allowed folder; and a path outside it, refused with nothing imported.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { REPO, callApi, demoInChromium, openPage, screenshotPath } from './harness.ts';

const ctx = demoInChromium();
const FIXTURE = path.join(REPO, 'test/fixtures/runs/eval_results_for_validation_L1.jsonl');

async function runs(): Promise<{ name: string; method: string; responses: number; levels: string[] }[]> {
  return callApi(ctx.served, 'listRuns', {});
}

async function openImport(page: Page): Promise<void> {
  await page.goto(`${ctx.served.url}#/settings`);
  await page.getByTestId('settings-open-import').click();
  await page.getByTestId('import-kind-run').click();
}

describe('the import dialog', () => {
  it('uploads a run file with progress, reports each skipped line by the file’s own name, and the new run is in the library', async () => {
    const page = await openPage(ctx.browser);
    await openImport(page);
    // The allowed folder is said; files can be picked, dropped, and removed again before the import starts.
    expect(await page.getByTestId('import-folders').innerText()).toContain(fs.realpathSync(ctx.served.dir));
    const dropped = await page.evaluateHandle(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['{}\n'], 'dropped_validation_L1.jsonl', { type: 'application/jsonl' }));
      return dt;
    });
    await page.getByTestId('import-dialog').locator('form').dispatchEvent('drop', { dataTransfer: dropped });
    const files = page.getByTestId('import-file');
    await expect.poll(() => files.allInnerTexts()).toEqual([expect.stringContaining('dropped_validation_L1.jsonl')]);
    await page.getByTestId('import-file-remove').click();
    await expect.poll(() => files.count()).toBe(0);

    // Fixture outputs for L1 samples 2051, 115 and 300: only 2051 is a demo question; the rest are reported.
    await page.getByTestId('import-upload').setInputFiles(FIXTURE);
    await expect.poll(() => files.allInnerTexts()).toEqual([expect.stringContaining('eval_results_for_validation_L1.jsonl')]);
    await page.getByTestId('import-run-name').fill('fixture-run');
    await page.getByTestId('import-method').selectOption('sft');
    await page.getByTestId('import-run-name').press('Enter'); // Enter starts the import
    const upload = page.getByTestId('import-upload-progress');
    await expect.poll(() => upload.getAttribute('data-state')).toBe('sent');
    expect(await upload.innerText()).toMatch(/uploaded 100%/);
    const progress = page.getByTestId('import-progress');
    await expect.poll(() => progress.getAttribute('data-state'), { timeout: 30_000 }).toBe('done');
    const report = await page.getByTestId('import-skipped').innerText();
    expect(report).toMatch(/eval_results_for_validation_L1\.jsonl:2: sample_id: unknown sample id 115 in L1/);
    expect(report).toMatch(/:3: malformed JSON/);
    expect(report).toMatch(/:4: sample_id: unknown sample id 4242 in L1/);
    expect(report).toMatch(/:5: response: missing field `response`/);
    // Named by the file's own name, never by where the server staged the upload.
    const lines = await page.getByTestId('import-skipped').locator('li').allInnerTexts();
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const l of lines) expect(l).toMatch(/^eval_results_for_validation_L1\.jsonl:\d+: /);
    expect(await progress.innerText()).not.toMatch(/cotscope-serve-|uploads[\\/]/);
    // The bar's width is animated: let it arrive before the picture.
    await expect.poll(() => progress.locator('.progress-bar').evaluate((el) => el.getBoundingClientRect().width === el.parentElement!.getBoundingClientRect().width)).toBe(true);
    await page.screenshot({ path: screenshotPath(ctx.served, 'import.png') });

    expect((await runs()).find((r) => r.name === 'fixture-run')).toMatchObject({ method: 'sft', responses: 2, levels: ['L1'] });
    // The upload was read once: the server keeps no copy after the import.
    const staged = fs.readdirSync(ctx.served.tmp).filter((f) => f.startsWith('cotscope-serve-'));
    expect(staged.flatMap((s) => fs.readdirSync(path.join(ctx.served.tmp, s, 'uploads')))).toEqual([]);

    await page.goto(`${ctx.served.url}#/?run=fixture-run`);
    await page.reload();
    await page.getByTestId('filter-run-fixture-run').check();
    await expect.poll(() => page.getByTestId('response-row').count()).toBe(2);
    await page.close();
  }, 90_000);

  it('keeps uploading when the dialog closes, shows it again on opening, and Cancel stops it with nothing imported', async () => {
    // A file of 3 MB, sent at 256 KB/s: long enough to watch.
    const big = path.join(ctx.served.dir, 'slow_validation_L1.jsonl');
    const line = fs.readFileSync(FIXTURE, 'utf8').split('\n')[0];
    fs.writeFileSync(big, `${line}\n`.repeat(Math.ceil((3 * 1024 * 1024) / (line.length + 1))));
    const page = await openPage(ctx.browser);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
    await openImport(page);
    await page.getByTestId('import-upload').setInputFiles(big);
    await page.getByTestId('import-run-name').fill('slow-run');
    await page.getByTestId('import-start').click();
    const upload = page.getByTestId('import-upload-progress');
    await expect.poll(() => upload.getAttribute('data-state')).toBe('sending');
    await expect.poll(async () => /uploading [\d.]+ (KB|MB) of 3\.\d MB/.test(await upload.innerText())).toBe(true);

    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('import-dialog').count()).toBe(0);
    await page.getByTestId('settings-open-import').click();
    expect(await upload.getAttribute('data-state')).toBe('sending');
    expect(await page.getByTestId('import-file').innerText()).toContain('slow_validation_L1.jsonl');
    await page.getByTestId('import-cancel-upload').click();
    await expect.poll(() => upload.getAttribute('data-state')).toBe('cancelled');
    await expect.poll(() => page.getByTestId('import-start').isVisible()).toBe(true);
    expect(await page.getByTestId('import-progress').count()).toBe(0);
    expect((await runs()).map((r) => r.name)).not.toContain('slow-run');
    // The server kept nothing of the upload it did not finish.
    const staged = fs.readdirSync(ctx.served.tmp).filter((f) => f.startsWith('cotscope-serve-'));
    await expect.poll(() => staged.flatMap((s) => fs.readdirSync(path.join(ctx.served.tmp, s, 'uploads')))).toEqual([]);
    await page.close();
  }, 60_000);

  it('imports a file named by its path inside the allowed folder', async () => {
    const inside = path.join(ctx.served.dir, path.basename(FIXTURE));
    fs.copyFileSync(FIXTURE, inside);
    const page = await openPage(ctx.browser);
    await openImport(page);
    await page.getByTestId('import-paths').fill(inside);
    expect(await page.getByTestId('import-path-outside').count()).toBe(0);
    await page.getByTestId('import-run-name').fill('typed-run');
    await page.getByTestId('import-start').click();
    const progress = page.getByTestId('import-progress');
    await expect.poll(() => progress.getAttribute('data-state'), { timeout: 30_000 }).toBe('done');
    expect(await page.getByTestId('import-skipped').innerText()).toMatch(/eval_results_for_validation_L1\.jsonl:2: sample_id: unknown sample id 115/);
    expect((await runs()).find((r) => r.name === 'typed-run')).toMatchObject({ method: 'rl', responses: 2, levels: ['L1'] });
    await page.close();
  }, 60_000);

  it('refuses a path outside the allowed folder, says why, and imports nothing', async () => {
    const page = await openPage(ctx.browser);
    await openImport(page);
    await page.getByTestId('import-paths').fill(FIXTURE);
    // The dialog warns before sending it…
    expect(await page.getByTestId('import-path-outside').innerText()).toContain(`${FIXTURE} is outside the allowed folders`);
    await page.getByTestId('import-run-name').fill('outside-run');
    await page.getByTestId('import-start').click();
    // …and the server refuses it, naming the field and the folders it allows.
    const toast = page.locator('[data-testid="toast"][data-kind="error"]');
    await expect.poll(() => toast.count()).toBe(1);
    const message = await toast.innerText();
    expect(message).toContain('field `paths.0`');
    expect(message).toContain(`outside the folders this server allows (${fs.realpathSync(ctx.served.dir)})`);
    expect(message).toMatch(/Upload the file instead/);
    expect(message).not.toMatch(/access token/);
    expect(await page.getByTestId('import-progress').count()).toBe(0);
    expect((await runs()).map((r) => r.name)).not.toContain('outside-run');
    await page.close();
  }, 60_000);
});
