// The export dialog in Chromium: filter the library, export what it lists, watch the progress reach done, and find
// in the file exactly the responses the filter lists, with the filter and version recorded beside it.
import fs from 'node:fs';
import path from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { REPO, demoInChromium } from './harness.ts';

const ctx = demoInChromium();
const shotDir = () => (process.env.UPDATE_SCREENSHOTS === '1' ? path.join(REPO, 'docs') : ctx.served.dir);

async function value(method: string, body: unknown): Promise<any> {
  const r = await fetch(`${ctx.served.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-cotscope-token': ctx.served.token },
    body: JSON.stringify(body),
  });
  const out = (await r.json()) as { ok: boolean; value: unknown; error?: unknown };
  if (!out.ok) throw new Error(`${method}: ${JSON.stringify(out.error)}`);
  return out.value;
}

describe('the export dialog', () => {
  it('exports the filtered list with progress, and the file holds exactly what the list shows', async () => {
    const page = await ctx.browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (e) => {
      throw e;
    });
    await page.goto(ctx.served.url);
    const total = page.getByTestId('list-total');
    await expect.poll(() => page.getByTestId('response-row').count()).toBeGreaterThan(5);
    const everything = await total.innerText();

    // Level L1, wrong answers, two runs.
    await page.getByTestId('filter-level-L1').check();
    await page.getByTestId('filter-correct').selectOption('no');
    await page.getByTestId('filter-run-rl-grpo').check();
    await page.getByTestId('filter-run-rl-grpo-k4').check();
    await expect.poll(() => total.innerText()).not.toBe(everything);
    const filter = { levels: ['L1'], runs: ['rl-grpo', 'rl-grpo-k4'], correct: false };
    const listed = await value('listResponses', { filter, limit: 500 });
    expect(listed.total).toBeGreaterThan(0);
    await expect.poll(() => total.innerText()).toBe(`${listed.total} response${listed.total === 1 ? '' : 's'}`);

    await page.getByTestId('library-export').click();
    const dialog = page.getByTestId('export-dialog');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    const summary = await page.getByTestId('export-filter').innerText();
    expect(summary).toContain(`${listed.total} response`);
    expect(summary).toMatch(/levels L1/);
    expect(summary).toMatch(/runs rl-grpo, rl-grpo-k4/);
    expect(summary).toMatch(/wrong answers/);

    const out = path.join(ctx.served.dir, 'from-the-app.jsonl');
    await page.getByTestId('export-format-jsonl').check();
    await page.getByTestId('export-out').fill(out);
    await page.getByTestId('export-start').click();
    const progress = page.getByTestId('export-progress');
    await expect.poll(() => progress.getAttribute('data-state'), { timeout: 30_000 }).toBe('done');
    expect(await progress.innerText()).toContain(`${listed.total} of ${listed.total} responses`);
    expect(await progress.locator('.progress-bar').evaluate((el) => (el as HTMLElement).style.width)).toBe('100%');
    await page.screenshot({ path: path.join(shotDir(), 'export.png') });

    const lines = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const key = (r: { run: string; sampleId?: string; sample_id?: string; rollout: number }) => `${r.run}/${r.sampleId ?? r.sample_id}/${r.rollout}`;
    expect(lines.map(key)).toEqual(listed.rows.map(key));
    for (const l of lines) {
      expect(l.level).toBe('L1');
      expect(l.correct).toBe(false);
      expect(['rl-grpo', 'rl-grpo-k4']).toContain(l.run);
    }
    const meta = JSON.parse(fs.readFileSync(`${out}.meta.json`, 'utf8'));
    expect(meta.filter).toEqual(filter);
    expect(meta.cotscope_version).toBe((await value('getSession', {})).version);

    // Parquet from the same dialog: typed, with the filter inside the file.
    const pq = path.join(ctx.served.dir, 'from-the-app.parquet');
    await page.getByTestId('export-format-parquet').check();
    await page.getByTestId('export-out').fill(pq);
    await page.getByTestId('export-start').click();
    await expect.poll(() => progress.getAttribute('data-state'), { timeout: 30_000 }).toBe('done');
    const file = await asyncBufferFromFile(pq);
    expect((await parquetReadObjects({ file })).map((r) => key(r as any))).toEqual(listed.rows.map(key));
    const kv = (await parquetMetadataAsync(file)).key_value_metadata!;
    expect(JSON.parse(kv.find((k) => k.key === 'cotscope')!.value!).filter).toEqual(filter);

    // A destination that cannot be written is refused with its reason, and nothing starts.
    await page.getByTestId('export-out').fill(path.join(ctx.served.dir, 'no-such-folder', 'x.jsonl'));
    await page.getByTestId('export-start').click();
    await expect.poll(() => page.getByText(/folder .*no-such-folder does not exist/).count()).toBeGreaterThan(0);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    await page.close();
  }, 120_000);
});
