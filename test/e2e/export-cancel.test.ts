// Cancelling an export from the dialog: on a workspace large enough for the export to take a while, the Cancel
// button stops it part-way, the dialog says so, and neither the file nor a partial file is left behind.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchInChromium, openPage } from './harness.ts';

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

    const out = path.join(ctx.served.dir, 'cancelled.parquet');
    await page.getByTestId('export-format-parquet').check();
    await page.getByTestId('export-out').fill(out);
    await page.getByTestId('export-start').click();
    const progress = page.getByTestId('export-progress');
    const cancel = page.getByTestId('export-cancel');
    await expect.poll(() => cancel.isVisible()).toBe(true);
    await cancel.click();
    await expect.poll(() => progress.getAttribute('data-state')).toBe('cancelled');
    // It stopped part-way: fewer responses written than the filter holds.
    const shown = /([\d,]+) of ([\d,]+) responses/.exec(await progress.innerText());
    expect(shown).not.toBeNull();
    expect(Number(shown![1].replace(/,/g, ''))).toBeLessThan(Number(shown![2].replace(/,/g, '')));
    // Nothing by that name, and no temporary file beside it.
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(ctx.served.dir).filter((f) => f.includes('cancelled'))).toEqual([]);
    // The dialog is ready for another export.
    await expect.poll(() => page.getByTestId('export-start').isVisible()).toBe(true);
    await page.close();
  }, 120_000);
});
