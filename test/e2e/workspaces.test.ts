// Switching workspaces from the header menu, in Chromium against `cotscope serve` on the demo workspace: paths are
// typed inside the folder the server allows (the demo's), and one outside it is refused.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoInChromium } from './harness.ts';

const ctx = demoInChromium();

describe('workspaces in Chromium', () => {
  it('creates a new workspace from the header menu, shows it empty, and reopens the demo from the recent list', async () => {
    const page = await ctx.browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (e) => {
      throw e;
    });
    await page.goto(ctx.served.url);
    const rows = page.getByTestId('response-row');
    await expect.poll(() => rows.count()).toBeGreaterThan(5);
    const demoTotal = await page.getByTestId('list-total').innerText();
    expect(await page.getByTestId('workspace-name').innerText()).toContain('demo.db');

    // Start from the workbench: a switch closes it to the library.
    await rows.first().dblclick();
    await page.getByTestId('workbench').waitFor();

    // Esc closes the menu.
    await page.getByTestId('workspace-menu').click();
    await page.getByTestId('workspace-path').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('workspace-path').count()).toBe(0);
    await page.getByTestId('workbench').waitFor();

    // The menu says which folder paths may name.
    await page.getByTestId('workspace-menu').click();
    expect(await page.getByTestId('workspace-folders').innerText()).toContain(fs.realpathSync(ctx.served.dir));

    // A path outside it is refused before any file is touched; the demo stays open.
    const outside = path.join(os.tmpdir(), `cotscope-e2e-outside-${process.pid}.db`);
    await page.getByTestId('workspace-path').fill(outside);
    expect(await page.getByTestId('workspace-path-outside').innerText()).toContain('outside the allowed folders');
    await page.getByTestId('workspace-create').click();
    const error = page.locator('[data-testid="toast"][data-kind="error"]');
    await expect.poll(() => error.innerText()).toContain('outside the folders this server allows');
    expect(await error.innerText()).toContain('field `path`');
    expect(fs.existsSync(outside)).toBe(false);
    expect(await page.getByTestId('workspace-name').innerText()).toContain('demo.db');
    // (A click on the toast is a click outside the menu: it closes.)
    await error.getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => error.count()).toBe(0);

    // A missing file is refused through the toast; the demo stays open.
    const missing = path.join(ctx.served.dir, 'missing.db');
    await page.getByTestId('workspace-menu').click();
    await page.getByTestId('workspace-path').fill(missing);
    await page.getByTestId('workspace-open').click();
    await expect.poll(() => page.locator('[data-testid="toast"][data-kind="error"]').innerText()).toContain(missing);
    expect(await page.getByTestId('workspace-name').innerText()).toContain('demo.db');

    // Create a new one: the library shows it, empty.
    const fresh = path.join(ctx.served.dir, 'fresh.db');
    await page.getByTestId('workspace-path').fill(fresh);
    await page.getByTestId('workspace-create').click();
    // Opening starts a new service thread and migrates the new file (about a second, more on a loaded machine).
    await expect.poll(() => page.getByTestId('workspace-name').innerText(), { timeout: 15_000 }).toContain('fresh.db');
    await expect.poll(() => page.getByTestId('list-total').innerText()).toMatch(/^0 responses/);
    await page.getByTestId('list-empty').waitFor();
    expect(await rows.count()).toBe(0);
    expect(await page.getByTestId('workbench').count()).toBe(0);
    expect(await page.getByTestId('nav-workbench').isDisabled()).toBe(true);
    expect(fs.existsSync(fresh)).toBe(true);

    // Reopen the demo from the recent list (most recent first): its rows are back.
    await page.getByTestId('workspace-menu').click();
    const recent = page.getByTestId('workspace-recent');
    await expect.poll(() => recent.count()).toBe(2);
    expect(await recent.evaluateAll((els) => els.map((e) => e.getAttribute('data-path')))).toEqual([fresh, ctx.served.db]);
    await page.locator(`[data-testid="workspace-recent"][data-path="${ctx.served.db}"]`).click();
    await expect.poll(() => page.getByTestId('workspace-name').innerText(), { timeout: 15_000 }).toContain('demo.db');
    await expect.poll(() => page.getByTestId('list-total').innerText()).toBe(demoTotal);
    await expect.poll(() => rows.count()).toBeGreaterThan(5);
    expect(await page.getByTestId('workspace-path').count()).toBe(0);
    await page.close();
  });
});
