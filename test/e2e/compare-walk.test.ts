// The compare walk at more questions than one page: the list fetches the next page as it is scrolled or stepped past
// the end of those fetched, reaches the last question, and a question named in the URL past the first page opens.
// Built from the bench generator (infer.py shape): 450 questions, two runs.
import { describe, expect, it } from 'vitest';
import type { CompareQuestionPage } from '../../shared/api.ts';
import { benchInChromium, callApi, openPage } from './harness.ts';

const QUESTIONS = 450;
const ctx = benchInChromium(QUESTIONS, QUESTIONS * 2);

describe('the compare walk past its first page', () => {
  it('fetches more questions on scroll and on f, reaches the last one, and opens a deep-linked question', async () => {
    const all = await callApi<CompareQuestionPage>(ctx.served, 'listCompareQuestions', { filter: { runs: ['rl', 'sft'] }, limit: 5000 });
    expect(all.total).toBe(QUESTIONS);
    const keys = all.rows.map((q) => q.sampleKey);

    const page = await openPage(ctx.browser);
    await page.goto(`${ctx.served.url}#/compare?run=rl&run=sft`);
    const position = page.getByTestId('compare-position');
    const head = page.getByTestId('compare-question-head');
    const list = page.getByTestId('compare-walk-list');
    await expect.poll(() => position.innerText()).toBe(`1 of ${QUESTIONS}`);
    // Only the first page is fetched, and only the rows on screen are drawn.
    const loaded = async () => Number(await list.getAttribute('data-loaded'));
    expect(await loaded()).toBe(50);
    expect(await page.getByTestId('compare-question').count()).toBeLessThan(await loaded());

    // Scrolling to the end of what is fetched fetches more, until every question is there.
    for (let i = 0; i < 10 && (await loaded()) < QUESTIONS; i++) {
      const before = await loaded();
      await list.evaluate((el) => el.scrollTo(0, el.scrollHeight));
      await expect.poll(loaded).toBeGreaterThan(before);
    }
    expect(await loaded()).toBe(QUESTIONS);
    // The last row is the walk's last question; clicking it shows it.
    await list.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    const lastRow = page.locator(`[data-testid="compare-question"][data-sample-key="${keys[QUESTIONS - 1]}"]`);
    await lastRow.click();
    await expect.poll(() => head.getAttribute('data-sample-key')).toBe(String(keys[QUESTIONS - 1]));
    await expect.poll(() => position.innerText()).toBe(`${QUESTIONS} of ${QUESTIONS}`);
    await page.close();

    // A question past the first page, named in the URL, opens at its place in the walk; f goes on from there
    // across the next page boundary.
    const deep = await openPage(ctx.browser);
    const at = 398; // 0-based: the last question of the eighth page of 50 is 399
    await deep.goto(`${ctx.served.url}#/compare?run=rl&run=sft&sample=${keys[at]}`);
    const deepHead = deep.getByTestId('compare-question-head');
    await expect.poll(() => deepHead.getAttribute('data-sample-key')).toBe(String(keys[at]));
    await expect.poll(() => deep.getByTestId('compare-position').innerText()).toBe(`${at + 1} of ${QUESTIONS}`);
    for (let k = 1; k <= 3; k++) {
      await deep.keyboard.press('f');
      await expect.poll(() => deepHead.getAttribute('data-sample-key')).toBe(String(keys[at + k]));
    }
    await expect.poll(() => deep.getByTestId('compare-position').innerText()).toBe(`${at + 4} of ${QUESTIONS}`);
    await deep.close();
  }, 120_000);
});
