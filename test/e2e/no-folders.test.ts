// Browser mode with no folder allowed (a server on a shared interface, started without --allow-dir): the page names
// no file on the server. Each place that took a path says so and offers what is left — uploads for imports and packs,
// the recent list for workspaces — and the server refuses a path sent anyway.
import crypto from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, callApi, demoInChromium, openPage } from './harness.ts';

// Off loopback a token must be given; the page is still opened through 127.0.0.1.
const ctx = demoInChromium({ host: '0.0.0.0', token: crypto.randomBytes(24).toString('hex') });
const FIXTURE = path.join(REPO, 'test/fixtures/runs/eval_results_for_validation_L1.jsonl');

describe('a server that allows no folder', () => {
  it('offers uploads and recent workspaces only, and says why', async () => {
    expect((await callApi<{ kind: string; folders: string[] }>(ctx.served, 'getShell', {})).folders).toEqual([]);
    const page = await openPage(ctx.browser);
    await page.goto(`${ctx.served.url}#/settings`);
    await expect.poll(() => page.getByTestId('dataset-row').count()).toBeGreaterThan(0);

    // Settings → Datasets: the data root cannot be set from here.
    expect(await page.getByTestId('dataroot-input').first().isDisabled()).toBe(true);
    expect(await page.getByTestId('dataroot-folders').first().innerText()).toMatch(/this server allows none/);

    // The import dialog: no path field, an upload instead; for a benchmark, no data root.
    await page.getByTestId('settings-open-import').click();
    expect(await page.getByTestId('import-paths').count()).toBe(0);
    expect(await page.getByTestId('import-folders').innerText()).toMatch(/This server allows no folder on its machine, so no file can be named by path/);
    await page.getByTestId('import-kind-benchmark').click();
    expect(await page.getByTestId('import-dataroot').count()).toBe(0);
    expect(await page.getByTestId('import-dataroot-none').innerText()).toMatch(/import without their videos and images/);
    await page.getByTestId('import-kind-run').click();
    await page.getByTestId('import-upload').setInputFiles(FIXTURE);
    await page.getByTestId('import-run-name').fill('uploaded');
    await page.getByTestId('import-start').click();
    await expect.poll(() => page.getByTestId('import-progress').getAttribute('data-state'), { timeout: 30_000 }).toBe('done');
    expect((await callApi<{ name: string; responses: number }[]>(ctx.served, 'listRuns', {})).find((r) => r.name === 'uploaded')).toMatchObject({ responses: 2 });
    await page.keyboard.press('Escape');

    // The workspace menu: the recent list, and why there is nothing to type.
    await page.getByTestId('workspace-menu').click();
    expect(await page.getByTestId('workspace-folders').innerText()).toMatch(/only the recent workspaces above can be opened/);
    expect(await page.getByTestId('workspace-path').count()).toBe(0);
    expect(await page.getByTestId('workspace-recent').count()).toBe(1);
    await page.keyboard.press('Escape');

    // The pack dialog: an upload only.
    await page.getByTestId('nav-team').click();
    await page.getByTestId('open-pack-import').click();
    expect(await page.getByTestId('pack-path').count()).toBe(0);
    expect(await page.getByTestId('pack-upload').count()).toBe(1);
    expect(await page.getByTestId('pack-folders').innerText()).toMatch(/no pack can be named by path/);
    await page.close();

    // A path sent anyway is refused, naming the field.
    await expect(callApi(ctx.served, 'startImport', { kind: 'run', paths: [ctx.served.db], name: 'typed', method: 'rl' })).rejects.toThrow(
      /field `paths\.0`: browser mode takes no paths here: the server allows no folder/,
    );
  }, 90_000);
});
