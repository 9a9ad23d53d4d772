// The library's "Annotated by" filter, in Chromium against `cotscope serve` on the demo workspace.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { demoInChromium } from './harness.ts';

const ctx = demoInChromium();

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

const listedIds = async (page: Page) => (await page.getByTestId('response-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-response-id')))).map(Number);

describe('the annotator filter in Chromium', () => {
  it('lists what any annotator tagged: me, then someone else, and "anyone" shows everything again', async () => {
    const me = (await value('getSession', {})).annotator as string;
    const page = await ctx.browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (e) => {
      throw e;
    });
    await page.goto(ctx.served.url);
    const rows = page.getByTestId('response-row');
    await expect.poll(() => rows.count()).toBeGreaterThan(5);
    const allTotal = await page.getByTestId('list-total').innerText();
    const select = page.getByTestId('filter-annotator');
    expect(await select.inputValue()).toBe('');

    // I tag the third response in the workbench (step 1, `hallucination` by hotkey 3), then go back to the library.
    const mine = Number(await rows.nth(2).getAttribute('data-response-id'));
    await rows.nth(2).dblclick();
    await page.getByTestId('step').first().click();
    await page.keyboard.press('3');
    await expect.poll(() => page.getByTestId('tag').count()).toBe(1);
    await page.getByTestId('back').click();
    await expect.poll(() => rows.count()).toBeGreaterThan(5);

    await select.selectOption(me);
    await expect.poll(() => page.getByTestId('list-total').innerText()).toBe('1 response');
    expect(await listedIds(page)).toEqual([mine]);
    expect(page.url()).toContain(`annotator=${encodeURIComponent(me)}`);

    await select.selectOption('');
    await expect.poll(() => page.getByTestId('list-total').innerText()).toBe(allTotal);

    // Someone else (as if from another window on the workspace) tags the fifth response; after a reload they are listed.
    const other = Number(await rows.nth(4).getAttribute('data-response-id'));
    await value('setAnnotator', { name: 'carol' });
    await value('createTag', { responseId: other, label: 'overlooked-cue' });
    await value('setAnnotator', { name: me });
    await page.reload();
    await expect.poll(() => rows.count()).toBeGreaterThan(5);
    const options = await select.locator('option').allInnerTexts();
    expect(options).toEqual(['anyone', `me (${me})`, 'carol (1 tag)']);

    await select.selectOption('carol');
    await expect.poll(() => page.getByTestId('list-total').innerText()).toBe('1 response');
    expect(await listedIds(page)).toEqual([other]);
    expect(page.url()).toContain('annotator=carol');

    await select.selectOption('');
    await expect.poll(() => page.getByTestId('list-total').innerText()).toBe(allTotal);
    await expect.poll(() => rows.count()).toBeGreaterThan(5);
    expect(page.url()).not.toContain('annotator=');
    await page.close();
  }, 120_000);
});
