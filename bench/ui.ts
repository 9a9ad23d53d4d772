// Latencies a user feels, in Chromium against `cotscope serve` on the demo workspace (the one with videos):
// a label keystroke until its tag is shown (saved), and switching to the next response until its first video frame.
// Each beside a raw baseline in the same page: a bare fetch of the same API call, and a bare <video> loading the
// same clip.   node --import tsx bench/ui.ts  → prints one JSON line
import fs from 'node:fs';
import { launchChromium, serveDemo } from '../test/e2e/harness.ts';

const served = await serveDemo();
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  // One run, so each next response is another question with another clip.
  await page.goto(served.url.replace(/#.*$/, '') + '#/?run=sft');
  await page.waitForSelector('[data-testid="response-row"]');
  await page.getByTestId('filter-run-sft').check();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="response-row"]').length === 16);
  await page.getByTestId('response-row').first().dblclick();
  await page.waitForSelector('video[data-testid="video"]');
  await page.waitForFunction(() => (document.querySelector('video[data-testid="video"]') as HTMLVideoElement).readyState >= 2);

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const round = (x: number) => Math.round(x * 10) / 10;

  // Keystroke → tag shown. Measured in the page: from the keydown to the frame where the tag card count grows.
  const keystroke: number[] = [];
  for (let i = 0; i < 15; i++) {
    await page.getByTestId('step').first().click();
    const ms = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const before = document.querySelectorAll('[data-testid="tag"]').length;
          const t0 = performance.now();
          const obs = new MutationObserver(() => {
            if (document.querySelectorAll('[data-testid="tag"]').length > before) {
              obs.disconnect();
              resolve(performance.now() - t0);
            }
          });
          obs.observe(document.body, { childList: true, subtree: true });
          window.dispatchEvent(new KeyboardEvent('keydown', { key: '7', code: 'Digit7', bubbles: true }));
        }),
    );
    keystroke.push(ms);
  }
  const responseId = Number(await page.getByTestId('workbench').getAttribute('data-response-id'));
  const bareSave = await page.evaluate(
    async ({ origin, token, responseId }) => {
      const out: number[] = [];
      for (let i = 0; i < 15; i++) {
        const t0 = performance.now();
        await fetch(`${origin}/api/createTag`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-cotscope-token': token },
          body: JSON.stringify({ responseId, label: 'degenerate' }),
        });
        out.push(performance.now() - t0);
      }
      return out;
    },
    { origin: served.origin, token: served.token, responseId },
  );

  // Next response → its first video frame: from the keydown to loadeddata of the new source.
  const switchMs: number[] = [];
  for (let i = 0; i < 12; i++) {
    const before = await page.evaluate(() => {
      const v = document.querySelector('video[data-testid="video"]') as HTMLVideoElement | null;
      (window as any).__keyAt = null;
      window.addEventListener('keydown', () => ((window as any).__keyAt = performance.now()), { once: true, capture: true });
      return v?.currentSrc ?? '';
    });
    await page.keyboard.press(']');
    const ms = await page
      .waitForFunction(
        (src) => {
          const v = document.querySelector('video[data-testid="video"]') as HTMLVideoElement | null;
          const at = (window as any).__keyAt;
          return v && at !== null && v.currentSrc && v.currentSrc !== src && v.readyState >= 2 ? performance.now() - at : false;
        },
        before,
        { timeout: 3000, polling: 'raf' },
      )
      .then((h) => h.jsonValue() as Promise<number>)
      .catch(() => null); // the demo's clip-less question has no video
    if (ms !== null) switchMs.push(ms);
  }
  const src = await page.evaluate(() => (document.querySelector('video[data-testid="video"]') as HTMLVideoElement).currentSrc);
  const bareVideo = await page.evaluate(async (src) => {
    const out: number[] = [];
    for (let i = 0; i < 10; i++) {
      const v = document.createElement('video');
      v.muted = true;
      v.preload = 'auto';
      const t0 = performance.now();
      await new Promise((r) => {
        v.addEventListener('loadeddata', r, { once: true });
        v.src = `${src}${src.includes('?') ? '&' : '?'}n=${i}`;
      });
      out.push(performance.now() - t0);
      v.removeAttribute('src');
      v.load();
    }
    return out;
  }, src);

  const result = {
    tag_keystroke_to_shown_ms: round(median(keystroke)),
    tag_baseline_bare_fetch_ms: round(median(bareSave)),
    response_switch_to_first_frame_ms: switchMs.length ? round(median(switchMs)) : null,
    response_switch_samples: switchMs.length,
    response_switch_baseline_bare_video_ms: round(median(bareVideo)),
  };
  fs.writeSync(1, JSON.stringify(result) + '\n');
} finally {
  await browser.close();
  await served.stop();
  fs.rmSync(served.dir, { recursive: true, force: true });
}
