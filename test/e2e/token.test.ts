// The access token in Chromium: read from the link `cotscope serve` prints, then taken out of the address bar (so it
// stays out of the history, bookmarks and screenshots) and kept for the tab, so a reload still works. Another tab
// opened without it is not let in.
import { describe, expect, it } from 'vitest';
import { demoInChromium, openPage } from './harness.ts';

const ctx = demoInChromium();

describe('the access token', () => {
  it('leaves the address bar at once, and the tab keeps working across reloads', async () => {
    const page = await openPage(ctx.browser);
    await page.goto(`${ctx.served.url}#/settings`);
    await expect.poll(() => page.getByTestId('dataset-row').count()).toBeGreaterThan(0);
    expect(page.url()).not.toContain('token=');
    expect(page.url()).not.toContain(ctx.served.token);
    // The rest of the address is kept: the screen it opened on.
    expect(page.url()).toBe(`${ctx.served.origin}/#/settings`);
    // Nor is it in the tab's history: the entry before is the blank page, the one after the address without it.
    await page.goBack();
    expect(page.url()).toBe('about:blank');
    await page.goForward();
    expect(page.url()).toBe(`${ctx.served.origin}/#/settings`);

    await page.reload();
    await expect.poll(() => page.getByTestId('dataset-row').count()).toBeGreaterThan(0);
    await page.goto(`${ctx.served.origin}/#/`);
    await expect.poll(() => page.getByTestId('response-row').count()).toBeGreaterThan(5);
    expect(page.url()).not.toContain('token=');
    expect(await page.locator('[data-testid="toast"][data-kind="error"]').count()).toBe(0);

    // Another tab, opened by the address now shown, has no token: it says so rather than showing anything.
    const other = await openPage(ctx.browser);
    await other.goto(page.url());
    await expect.poll(() => other.locator('[data-testid="toast"][data-kind="error"]').first().innerText()).toContain('needs the access token');
    expect(await other.getByTestId('response-row').count()).toBe(0);
    await other.close();
    await page.close();
  }, 60_000);
});
