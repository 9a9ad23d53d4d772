// End to end in a real browser: Debian's Chromium (playwright-core) against `cotscope serve` on the demo workspace.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { REPO, demoInChromium, serveDemo } from './harness.ts';

// Screenshots go to docs/ (the README shows them) when UPDATE_SCREENSHOTS=1, else beside the test's workspace.
const shotDir = () => (process.env.UPDATE_SCREENSHOTS === '1' ? path.join(REPO, 'docs') : ctx.served.dir);

const ctx = demoInChromium();

async function newPage(): Promise<Page> {
  const page = await ctx.browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => {
    throw e;
  });
  return page;
}

const api = (method: string, body: unknown, token = ctx.served.token) =>
  fetch(`${ctx.served.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { 'x-cotscope-token': token } : {}) },
    body: JSON.stringify(body),
  });

describe('the workbench in Chromium', () => {
  it('opens a response from a filtered list, plays the video, steps a frame, tags by hotkey with a time range, survives reload, undo and a restart', async () => {
    const page = await newPage();
    await page.goto(ctx.served.url);

    // Filter the library to L1 responses of the SFT run and open the first one.
    await page.getByTestId('filter-level-L1').check();
    await page.getByTestId('filter-run-sft').check();
    await expect.poll(() => page.getByTestId('list-total').innerText()).toMatch(/^6\b/);
    const rows = page.getByTestId('response-row');
    await expect.poll(() => rows.count()).toBe(6);
    for (const text of await rows.allInnerTexts()) expect(text).toMatch(/L1/);
    await page.screenshot({ path: path.join(shotDir(), 'library.png') });
    const first = rows.first();
    const responseId = Number(await first.getAttribute('data-response-id'));
    await first.dblclick();
    await expect.poll(() => page.getByTestId('workbench').getAttribute('data-response-id')).toBe(String(responseId));
    expect(page.url()).toMatch(new RegExp(`#/r/${responseId}`));

    // The video plays…
    const video = page.locator('video[data-testid="video"]');
    await page.waitForFunction(() => {
      const v = document.querySelector('video[data-testid="video"]') as HTMLVideoElement | null;
      return !!v && v.readyState >= 2;
    });
    await video.evaluate((v: HTMLVideoElement) => v.play());
    await page.waitForFunction(() => (document.querySelector('video[data-testid="video"]') as HTMLVideoElement).currentTime > 0.3);
    await video.evaluate((v: HTMLVideoElement) => v.pause());
    // …and a frame step moves currentTime by one frame (the demo clips run at 10 fps).
    await video.evaluate(async (v: HTMLVideoElement) => {
      v.currentTime = 1;
      await new Promise((r) => v.addEventListener('seeked', r, { once: true }));
    });
    await page.keyboard.press('.');
    await page.waitForFunction(() => Math.abs((document.querySelector('video[data-testid="video"]') as HTMLVideoElement).currentTime - 1.1) < 0.02);
    await page.keyboard.press(',');
    await page.waitForFunction(() => Math.abs((document.querySelector('video[data-testid="video"]') as HTMLVideoElement).currentTime - 1.0) < 0.02);

    // Tag step 2 as `inconsistent` (hotkey 1) with a video range from 1.0 s to 2.0 s.
    await page.getByTestId('step').nth(1).click();
    await page.keyboard.press('i');
    await video.evaluate(async (v: HTMLVideoElement) => {
      v.currentTime = 2;
      await new Promise((r) => v.addEventListener('seeked', r, { once: true }));
    });
    await page.keyboard.press('o');
    await expect.poll(() => page.getByTestId('pending-out').innerText()).not.toBe('–');
    await page.keyboard.press('1');
    const tag = page.getByTestId('tag');
    await expect.poll(() => tag.count()).toBe(1);
    expect(await tag.first().getAttribute('data-label')).toBe('inconsistent');
    await page.screenshot({ path: path.join(shotDir(), 'workbench.png') });

    const stored = async () => {
      const r = (await (await api('getResponse', { id: responseId })).json()) as any;
      return (r.value.tags as any[]).filter((t) => t.origin !== 'suggestion'); // people's tags, not the checks' suggestions
    };
    const [saved] = await stored();
    expect(saved).toMatchObject({ label: 'inconsistent', steps: [1, 1] });
    expect(saved.time[0]).toBeCloseTo(1, 1);
    expect(saved.time[1]).toBeCloseTo(2, 1);

    // Clicking the tag seeks the video to its range.
    await video.evaluate((v: HTMLVideoElement) => (v.currentTime = 5));
    await tag.first().click();
    await page.waitForFunction(() => Math.abs((document.querySelector('video[data-testid="video"]') as HTMLVideoElement).currentTime - 1) < 0.15);

    // Reload: the tag is still there.
    await page.reload();
    await expect.poll(() => page.getByTestId('tag').count()).toBe(1);

    // Undo: it is gone, in the page and in the store.
    await page.getByTestId('step').first().click();
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.getByTestId('tag').count()).toBe(0);
    expect(await stored()).toEqual([]);
    // Redo brings it back, then it is restarted with the server.
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => page.getByTestId('tag').count()).toBe(1);
    await page.close();

    await ctx.served.stop();
    ctx.served = await serveDemo(ctx.served.db);
    const again = await newPage();
    await again.goto(`${ctx.served.url}#/r/${responseId}`);
    await expect.poll(() => again.getByTestId('tag').count()).toBe(1);
    expect(await again.getByTestId('tag').first().getAttribute('data-label')).toBe('inconsistent');
    await again.close();
  }, 180_000);

  it('shows the hotkey help overlay listing the label and player keys', async () => {
    const page = await newPage();
    await page.goto(ctx.served.url);
    await expect.poll(() => page.getByTestId('response-row').count()).toBeGreaterThan(0);
    await page.keyboard.press('Shift+Slash'); // '?' as a keyboard types it
    const help = page.getByTestId('help');
    await expect.poll(() => help.isVisible()).toBe(true);
    const text = await help.innerText();
    for (const want of ['Undo', 'Play', 'frame', 'Next']) expect(text).toContain(want);
    await page.keyboard.press('Escape');
    await expect.poll(() => help.isVisible()).toBe(false);
    await page.close();
  }, 60_000);
});

describe('browser mode refuses what it must', () => {
  it('401 without the token, 400 naming the field for bad input, 403/404 for media outside the data roots', async () => {
    const noToken = await api('getSession', {}, '');
    expect(noToken.status).toBe(401);
    expect((await fetch(`${ctx.served.origin}/media/1`)).status).toBe(401);

    const bad = await api('getResponse', { id: 'seven' });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as any;
    expect(body.ok).toBe(false);
    expect(body.error.message).toMatch(/getResponse: field `id`/);

    const q = `?token=${ctx.served.token}`;
    for (const p of ['/media/..%2f..%2fpackage.json', '/media/../package.json', '/media/%2e%2e/%2e%2e/package.json', '/media/999999']) {
      const r = await fetch(`${ctx.served.origin}${p}${q}`);
      expect([403, 404], p).toContain(r.status);
    }
    // A real media id is ctx.served, with Range.
    const detail = (await (await api('listResponses', { filter: { levels: ['L1'] }, limit: 1 })).json()) as any;
    const one = (await (await api('getResponse', { id: detail.value.rows[0].id })).json()) as any;
    const part = await fetch(`${ctx.served.origin}/media/${one.value.video.id}${q}`, { headers: { range: 'bytes=0-99' } });
    expect(part.status).toBe(206);
    expect((await part.arrayBuffer()).byteLength).toBe(100);
  }, 60_000);
});
