// The dashboards in Chromium against `cotscope serve` on the demo workspace, after two annotators reviewed some
// responses through the API: the paper-style table shows the service's accuracies, a bar drills down to exactly the
// responses it counts (the library's total equals the bar's count), the filter lives in the URL, and a chart
// downloads as a standalone SVG and as a PNG.
import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dashboard, Label, ResponsePage } from '../../shared/api.ts';
import { callApi, demoInChromium, openPage, screenshotPath } from './harness.ts';

const ctx = demoInChromium();
const VIEWPORT = { width: 1440, height: 1000 };

const newPage = () => openPage(ctx.browser, VIEWPORT);
const api = <T>(method: string, input: unknown) => callApi<T>(ctx.served, method, input);

/** Two annotators review part of each run: labels on steps, and verdicts (right answers with unsupported reasoning too). */
async function seedReviews(): Promise<void> {
  const labels = (await api<Label[]>('listLabels', {})).map((l) => l.key);
  // ana reviews 12 of rl-grpo, 9 of sft and nothing of rl-grpo-k4 (an imbalance the progress chart must name).
  const plan: { annotator: string; runs: [string, number][] }[] = [
    { annotator: 'ana', runs: [['rl-grpo', 12], ['sft', 9]] },
    { annotator: 'kim', runs: [['rl-grpo', 5]] },
  ];
  for (const p of plan) {
    await api('setAnnotator', { name: p.annotator });
    for (const [run, take] of p.runs) {
      const page = await api<ResponsePage>('listResponses', { filter: { runs: [run] }, limit: take });
      for (const [i, r] of page.rows.entries()) {
        const a = labels[(i * 3 + run.length) % 4];
        const b = labels[(i + 1) % 3];
        const last = Math.max(0, r.stepCount - 1);
        if (i % 3 !== 2) await api('createTag', { responseId: r.id, label: a, steps: [Math.min(i % 4, last), Math.min(i % 4, last)] });
        if (i % 2 === 0) await api('createTag', { responseId: r.id, label: b, steps: [last, last] });
        await api('setVerdict', { responseId: r.id, supports: r.correct && run === 'rl-grpo' && i % 2 === 0 ? 'no' : i % 3 === 0 ? 'no' : 'yes', reviewStatus: 'done' });
      }
    }
  }
  await api('setAnnotator', { name: 'ana' });
}

describe('the dashboards in Chromium', () => {
  beforeAll(seedReviews, 60_000);

  it('shows the six charts and the paper table with the service’s figures, and drills from a bar to its responses', async () => {
    const page = await newPage();
    await page.goto(`${ctx.served.url}#/dashboard`);
    for (const id of ['accuracy', 'failure-rates', 'quadrant', 'cooccurrence', 'first-step', 'progress']) {
      await expect.poll(() => page.getByTestId(`chart-${id}`).count()).toBe(1);
    }
    const dash = await api<Dashboard>('getDashboard', {});

    // The table beside the accuracy chart reads like the paper's: percentages with two decimals.
    for (const c of dash.accuracy) {
      await expect.poll(() => page.getByTestId(`accuracy-cell-${c.run}-${c.level}`).innerText()).toBe((c.accuracy * 100).toFixed(2));
    }
    // Hover shows the exact numbers behind a bar.
    const sftL1 = dash.accuracy.find((c) => c.run === 'sft' && c.level === 'L1')!;
    const bar = page.getByTestId('bar-accuracy-sft-L1');
    await bar.hover();
    await expect.poll(() => page.getByTestId('chart-tip').innerText()).toContain(`${sftL1.correct} of ${sftL1.responses}`);
    expect(await bar.getAttribute('aria-label')).toContain('sft · L1');
    // Accessible: each chart is a named group, each mark a focusable button with its numbers as its name.
    expect(await page.getByRole('group', { name: 'Accuracy per run and level' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: `sft · L1: ${(sftL1.accuracy * 100).toFixed(1)}% correct` }).getAttribute('tabindex')).toBe('0');
    // The progress chart says that reviews are unbalanced across runs (nobody looked at rl-grpo-k4).
    expect(dash.progress.imbalance).toMatch(/rl-grpo-k4/);
    expect(await page.getByTestId('imbalance').innerText()).toBe(dash.progress.imbalance);
    await page.screenshot({ path: screenshotPath(ctx.served, 'dashboard.png'), fullPage: false });

    // Click: the library lists exactly the responses of that bar.
    await bar.click();
    await expect.poll(() => page.url()).toMatch(/#\/\?/);
    expect(page.url()).toMatch(/run=sft/);
    expect(page.url()).toMatch(/level=L1/);
    await expect.poll(() => page.getByTestId('list-total').innerText()).toMatch(new RegExp(`^${sftL1.responses}\\b`));

    // Back to the dashboard; a failure-mode bar, reached by keyboard (focus + Enter), lists its labelled responses.
    await page.goBack();
    await expect.poll(() => page.getByTestId('chart-failure-rates').count()).toBe(1);
    const rate = dash.failureRates.filter((c) => c.level === 'all' && c.count > 0).sort((a, b) => b.count - a.count)[0];
    expect(rate).toBeDefined();
    const rateBar = page.getByTestId(`bar-failure-${rate.run}-${rate.label}`);
    await rateBar.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.url()).toMatch(/#\/\?/);
    await expect.poll(() => page.getByTestId('list-total').innerText()).toMatch(new RegExp(`^${rate.count}\\b`));

    // A quadrant cell drills with a consensus filter, shown in the library as a chip that can be removed.
    await page.goBack();
    const quad = dash.quadrant.find((c) => c.run === 'rl-grpo' && c.correct && c.supports === 'no')!;
    expect(quad.count).toBeGreaterThan(0);
    await page.getByTestId('cell-quadrant-rl-grpo-right-no').click();
    await expect.poll(() => page.getByTestId('list-total').innerText()).toMatch(new RegExp(`^${quad.count}\\b`));
    const chip = page.getByTestId('drill-chip-consensus');
    expect(await chip.innerText()).toContain('does not support');
    await page.getByTestId('drill-chip-remove-consensus').click();
    await expect.poll(() => chip.count()).toBe(0);
    expect(page.url()).not.toMatch(/consensus=/);

    // Where the first tagged step falls: the bin's responses, through the URL's `first=` and `by=` round trip.
    await page.goto(`${ctx.served.url}#/dashboard`);
    const bin = dash.firstStep.filter((b) => b.count > 0).sort((a, b) => b.count - a.count)[0];
    await page.getByTestId(`bar-first-${bin.run}-${bin.from}`).click();
    await expect.poll(() => page.getByTestId('list-total').innerText()).toMatch(new RegExp(`^${bin.count}\\b`));
    expect(await page.getByTestId('drill-chip-firstStep').count()).toBe(1);
    await page.reload();
    await expect.poll(() => page.getByTestId('list-total').innerText()).toMatch(new RegExp(`^${bin.count}\\b`));

    // Progress: kim's reviews of rl-grpo.
    await page.goto(`${ctx.served.url}#/dashboard`);
    const kim = dash.progress.cells.find((c) => c.annotator === 'kim' && c.run === 'rl-grpo')!;
    expect(kim.reviewed).toBe(5);
    await page.getByTestId('bar-progress-kim-rl-grpo').click();
    await expect.poll(() => page.getByTestId('list-total').innerText()).toMatch(new RegExp(`^${kim.reviewed}\\b`));
    expect(await page.getByTestId('drill-chip-by').innerText()).toContain('kim');
    await page.close();
  }, 120_000);

  it('keeps its filter in the URL and applies it to every chart', async () => {
    const page = await newPage();
    await page.goto(`${ctx.served.url}#/dashboard`);
    await expect.poll(() => page.getByTestId('chart-accuracy').count()).toBe(1);
    await page.getByTestId('dash-levels-L2').check();
    await page.getByTestId('dash-runs-sft').check();
    await expect.poll(() => page.url()).toMatch(/level=L2/);
    expect(page.url()).toMatch(/run=sft/);
    const dash = await api<Dashboard>('getDashboard', { levels: ['L2'], runs: ['sft'] });
    await expect.poll(() => page.locator('[data-testid^="bar-accuracy-"]').count()).toBe(dash.accuracy.length);
    for (const c of dash.accuracy) expect(c.run).toBe('sft');
    await expect.poll(() => page.locator('[data-testid^="bar-progress-"]').count()).toBe(dash.progress.cells.length);
    // Reopening the URL gives the same filter.
    await page.reload();
    await expect.poll(() => page.getByTestId('dash-levels-L2').isChecked()).toBe(true);
    expect(await page.getByTestId('dash-runs-sft').isChecked()).toBe(true);
    await page.close();
  }, 60_000);

  it('exports a chart as a standalone SVG and as a PNG', async () => {
    const page = await newPage();
    await page.goto(`${ctx.served.url}#/dashboard`);
    await expect.poll(() => page.locator('[data-testid^="bar-accuracy-"]').count()).toBeGreaterThan(0);

    const [svgDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-svg-accuracy').click()]);
    expect(svgDownload.suggestedFilename()).toBe('cotscope-accuracy.svg');
    const svg = fs.readFileSync((await svgDownload.path())!, 'utf8');
    expect(svg.startsWith('<?xml')).toBe(true);
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(svg).toContain('<title');
    // The styles travel with the file: the bars keep their run colour and the text its font, without the stylesheet.
    expect(svg).toMatch(/style="[^"]*fill:\s*rgb\(0, 114, 178\)/);
    expect(svg).toMatch(/<svg [^>]*style="[^"]*font-family:[^"]*sans-serif/);
    // It is well-formed XML: Chromium parses it back without an error.
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      return { error: doc.getElementsByTagName('parsererror').length, rects: doc.getElementsByTagName('rect').length };
    }, svg);
    expect(parsed.error).toBe(0);
    expect(parsed.rects).toBeGreaterThan(3);

    const [pngDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-png-accuracy').click()]);
    expect(pngDownload.suggestedFilename()).toBe('cotscope-accuracy.png');
    const png = fs.readFileSync((await pngDownload.path())!);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.length).toBeGreaterThan(10_000);
    // Twice the chart's size (its viewBox is 560 × 300).
    expect(png.readUInt32BE(16)).toBe(1120);
    expect(png.readUInt32BE(20)).toBe(600);
    await page.close();
  }, 60_000);
});
