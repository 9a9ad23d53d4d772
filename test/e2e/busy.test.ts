// The workbench while another process writes to the workspace (a run import from the command line): a label key and a
// verdict pressed meanwhile are not lost. The page says the workspace is busy and that the changes are kept, sends
// them again in order, and once the lock is released they are saved: shown, and there after a reload.
import { describe, expect, it } from 'vitest';
import { holdWriteLock } from '../store/lock-holder.ts';
import { callApi, demoInChromium, openPage } from './harness.ts';

const ctx = demoInChromium();

describe('saves while the workspace is busy', () => {
  it('keeps a tag and a verdict made while another process holds the lock, says so, and saves them when it is free', async () => {
    const page = await openPage(ctx.browser);
    await page.goto(ctx.served.url);
    const row = page.getByTestId('response-row').first();
    await expect.poll(() => row.count()).toBe(1);
    const responseId = Number(await row.getAttribute('data-response-id'));
    await row.dblclick();
    await expect.poll(() => page.getByTestId('workbench').getAttribute('data-response-id')).toBe(String(responseId));
    const before = await callApi<{ tags: unknown[] }>(ctx.served, 'getResponse', { id: responseId });

    const lock = await holdWriteLock(ctx.served.db, 7000);
    await page.getByTestId('step').nth(0).click();
    await page.keyboard.press('1'); // inconsistent
    await page.keyboard.press('x'); // the reasoning does not support the answer
    const busy = page.getByTestId('toast').filter({ hasText: 'The workspace is busy' });
    await expect.poll(() => busy.count(), { timeout: 15_000 }).toBe(1);
    expect(await busy.innerText()).toMatch(/Your changes are kept and sent again until they are saved/);
    // Nothing is saved while the other process holds the lock.
    expect((await callApi<{ tags: unknown[] }>(ctx.served, 'getResponse', { id: responseId })).tags).toHaveLength(before.tags.length);

    await lock.released;
    await expect.poll(() => page.getByTestId('toast').filter({ hasText: 'the workspace is free again' }).count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => page.getByTestId('tag').count()).toBe(before.tags.length + 1);
    const saved = await callApi<{ tags: { label: string }[]; mine: { supports: string } | null }>(ctx.served, 'getResponse', { id: responseId });
    expect(saved.tags.map((t) => t.label)).toContain('inconsistent');
    expect(saved.mine?.supports).toBe('no');
    await page.reload();
    await expect.poll(() => page.getByTestId('tag').count()).toBe(before.tags.length + 1);
    await page.close();
  }, 90_000);
});
