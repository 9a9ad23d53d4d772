// Cancelling an export from the dialog: on a workspace large enough for the export to take a while, the Cancel
// button stops it part-way, the dialog says so, nothing is offered to download, and neither the file nor a partial
// file is left in the server's staging folder.
import { describe, expect, it } from 'vitest';
import { benchInChromium, openPage, stagedExports } from './harness.ts';

const RESPONSES = 60_000;
const ctx = benchInChromium(500, RESPONSES);

describe('the export dialog', () => {
  it('cancels a running export and leaves no file', async () => {
    const page = await openPage(ctx.browser);
    await page.goto(ctx.served.url);
    await expect.poll(() => page.getByTestId('response-row').count()).toBeGreaterThan(5);
    await page.getByTestId('library-export').click();
    const dialog = page.getByTestId('export-dialog');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await expect.poll(() => page.getByTestId('export-count').innerText()).toBe(`${(RESPONSES + 500).toLocaleString('en')} responses`);

    let downloads = 0;
    page.on('download', () => downloads++);
    await page.getByTestId('export-format-parquet').check();
    await page.getByTestId('export-start').click();
    const progress = page.getByTestId('export-progress');
    const cancel = page.getByTestId('export-cancel');
    await expect.poll(() => cancel.isVisible()).toBe(true);
    // Under way: the server is writing the export in its staging folder.
    await expect.poll(() => stagedExports(ctx.served).length).toBeGreaterThan(0);
    await cancel.click();
    await expect.poll(() => progress.getAttribute('data-state')).toBe('cancelled');
    // It stopped part-way: fewer responses written than the filter holds.
    const shown = /([\d,]+) of ([\d,]+) responses/.exec(await progress.innerText());
    expect(shown).not.toBeNull();
    expect(Number(shown![1].replace(/,/g, ''))).toBeLessThan(Number(shown![2].replace(/,/g, '')));
    // Nothing written is left, and nothing is offered to download.
    expect(stagedExports(ctx.served)).toEqual([]);
    expect(await page.getByTestId('export-download').count()).toBe(0);
    expect(downloads).toBe(0);
    // The dialog is ready for another export.
    await expect.poll(() => page.getByTestId('export-start').isVisible()).toBe(true);
    await page.close();
  }, 120_000);
});
