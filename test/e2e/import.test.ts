// The import dialog in Chromium: a run file imported from the settings, its progress, and the skipped-lines report.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, demoInChromium } from './harness.ts';

const ctx = demoInChromium();

describe('the import dialog', () => {
  it('imports a run file with progress, reports each skipped line, and the new run is in the library', async () => {
    const page = await ctx.browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${ctx.served.url}#/settings`);
    await page.getByTestId('settings-open-import').click();
    await page.getByTestId('import-kind-run').click();
    // Fixture outputs for L1 samples 2051, 115 and 300: only 2051 is a demo question; the rest are reported.
    await page.getByTestId('import-paths').fill(path.join(REPO, 'test/fixtures/runs/eval_results_for_validation_L1.jsonl'));
    await page.getByTestId('import-run-name').fill('fixture-run');
    await page.getByTestId('import-method').selectOption('sft');
    await page.getByTestId('import-start').click();
    const progress = page.getByTestId('import-progress');
    await expect.poll(() => progress.getAttribute('data-state'), { timeout: 30_000 }).toBe('done');
    const report = await page.getByTestId('import-skipped').innerText();
    expect(report).toMatch(/eval_results_for_validation_L1\.jsonl:2: sample_id: unknown sample id 115 in L1/);
    expect(report).toMatch(/:3: malformed JSON/);
    expect(report).toMatch(/:4: sample_id: unknown sample id 4242 in L1/);
    expect(report).toMatch(/:5: response: missing field `response`/);

    const runs = (await (
      await fetch(`${ctx.served.origin}/api/listRuns`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-cotscope-token': ctx.served.token },
        body: '{}',
      })
    ).json()) as any;
    expect(runs.value.find((r: any) => r.name === 'fixture-run')).toMatchObject({ method: 'sft', responses: 2, levels: ['L1'] });

    await page.getByTestId('import-cancel').click().catch(() => {});
    await page.goto(`${ctx.served.url}#/?run=fixture-run`);
    await page.reload();
    await page.getByTestId('filter-run-fixture-run').check();
    await expect.poll(() => page.getByTestId('response-row').count()).toBe(2);
    await page.close();
  }, 90_000);
});
