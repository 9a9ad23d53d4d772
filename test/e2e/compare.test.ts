// Compare in Chromium against `cotscope serve` on the demo workspace: the outcome matrix of rl-grpo and sft equals
// the service's, a cell drills down to its questions (walked with f / b), and a tag made in the SFT column is saved
// for that response (and shows in the workbench).
import { describe, expect, it } from 'vitest';
import type { CompareMatrix, CompareQuestionPage, Outcome, ResponseDetail } from '../../shared/api.ts';
import { callApi, demoInChromium, openPage, screenshotPath } from './harness.ts';

const ctx = demoInChromium();
const VIEWPORT = { width: 1440, height: 900 };
const OUTCOMES: Outcome[] = ['both_right', 'only_a', 'only_b', 'both_wrong'];

const newPage = () => openPage(ctx.browser, VIEWPORT);
const api = <T>(method: string, input: unknown) => callApi<T>(ctx.served, method, input);

describe('compare in Chromium', () => {
  it('opens rl-grpo vs sft by default, shows the service’s matrix, drills from a cell to its questions, and tags in the SFT column', async () => {
    const page = await newPage();
    await page.goto(`${ctx.served.url}#/compare`);

    // The first RL run and the first SFT run, in that order.
    const columns = page.getByTestId('compare-column');
    await expect.poll(() => columns.count()).toBe(2);
    expect(await columns.nth(0).getAttribute('data-run')).toBe('rl-grpo');
    expect(await columns.nth(1).getAttribute('data-run')).toBe('sft');
    expect(page.url()).toMatch(/#\/compare\?run=rl-grpo&run=sft/);

    // Every count of the matrix is the service's.
    const matrix = await api<CompareMatrix>('compareMatrix', { runs: ['rl-grpo', 'sft'] });
    expect(Object.keys(matrix.levels)).toContain('all');
    for (const [level, counts] of Object.entries(matrix.levels)) {
      for (const o of OUTCOMES) {
        await expect.poll(() => page.getByTestId(`matrix-${level}-${o}`).innerText()).toBe(String(counts[o]));
      }
    }
    const all = matrix.levels.all;
    expect(all.both_right + all.only_a + all.only_b + all.both_wrong).toBeGreaterThan(1);

    // Drill into the overall cell with the most questions among those where the runs differ (else both wrong).
    const pick: Outcome = (['only_a', 'only_b', 'both_wrong', 'both_right'] as Outcome[]).find((o) => all[o] >= 2) ?? 'both_right';
    await page.getByTestId(`matrix-all-${pick}`).click();
    await expect.poll(() => page.url()).toMatch(new RegExp(`cell=all%3A${pick}|cell=all:${pick}`));
    const walk = await api<CompareQuestionPage>('listCompareQuestions', { filter: { runs: ['rl-grpo', 'sft'], outcome: pick } });
    expect(walk.total).toBe(all[pick]);
    const rows = page.getByTestId('compare-question');
    await expect.poll(() => rows.count()).toBe(all[pick]);
    expect(await rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-sample-key'))))).toEqual(walk.rows.map((q) => q.sampleKey));
    const head = page.getByTestId('compare-question-head');
    await expect.poll(() => head.getAttribute('data-sample-key')).toBe(String(walk.rows[0].sampleKey));
    await expect.poll(() => page.getByTestId('compare-position').innerText()).toBe(`1 of ${all[pick]}`);

    // f / b walk the cell's questions; each column shows its run's response to the question shown.
    await page.keyboard.press('f');
    await expect.poll(() => head.getAttribute('data-sample-key')).toBe(String(walk.rows[1].sampleKey));
    await page.keyboard.press('b');
    await expect.poll(() => head.getAttribute('data-sample-key')).toBe(String(walk.rows[0].sampleKey));
    const question = walk.rows[0];
    const sftCell = question.runs.find((c) => c.run === 'sft')!;
    const rlCell = question.runs.find((c) => c.run === 'rl-grpo')!;
    const sft = columns.nth(1);
    const rl = columns.nth(0);
    await expect.poll(() => sft.getAttribute('data-response-id')).toBe(String(sftCell.responseIds[0]));
    await expect.poll(() => rl.getAttribute('data-response-id')).toBe(String(rlCell.responseIds[0]));
    // One video for the question, not one per column.
    await expect.poll(() => page.locator('video[data-testid="video"]').count()).toBe(1);

    // Tag step 2 of the SFT chain: the click gives that column the keys, `2` is overlooked-cue.
    await sft.getByTestId('step').nth(1).click();
    await expect.poll(() => sft.getAttribute('data-focused')).toBe('true');
    await page.keyboard.press('2');
    await expect.poll(() => sft.getByTestId('tag').count()).toBe(1);
    expect(await sft.getByTestId('tag').first().getAttribute('data-label')).toBe('overlooked-cue');
    expect(await rl.getByTestId('tag').count()).toBe(0);
    // …and a verdict on the same response by key.
    await page.keyboard.press('x');
    await expect.poll(() => sft.getByTestId('verdict-no').getAttribute('aria-pressed')).toBe('true');

    const saved = await api<ResponseDetail>('getResponse', { id: sftCell.responseIds[0] });
    // People's tags (the checks' suggestions on the same response are theirs, not this user's).
    expect(saved.tags.filter((t) => t.origin !== 'suggestion').map((t) => ({ label: t.label, steps: t.steps }))).toEqual([{ label: 'overlooked-cue', steps: [1, 1] }]);
    expect(saved.mine?.supports).toBe('no');
    const other = await api<ResponseDetail>('getResponse', { id: rlCell.responseIds[0] });
    expect(other.tags.filter((t) => t.origin !== 'suggestion')).toEqual([]);
    await page.screenshot({ path: screenshotPath(ctx.served, 'compare.png') });

    // "overlooked-cue only in sft" now finds this question: the walk re-reads after a tag.
    await page.getByTestId('compare-only-label').selectOption('overlooked-cue');
    await page.getByTestId('compare-only-run').selectOption('sft');
    const only = await api<CompareQuestionPage>('listCompareQuestions', {
      filter: { runs: ['rl-grpo', 'sft'], outcome: pick, labelOnly: { label: 'overlooked-cue', run: 'sft' } },
    });
    expect(only.rows.map((q) => q.sampleKey)).toEqual([question.sampleKey]);
    await expect.poll(() => rows.count()).toBe(1);
    expect(page.url()).toMatch(/only=overlooked-cue%40sft|only=overlooked-cue@sft/);

    // Undo works in the column as in the workbench: first the verdict, then the tag.
    await page.keyboard.press('Control+z');
    await expect.poll(() => sft.getByTestId('verdict-no').getAttribute('aria-pressed')).toBe('false');
    await page.keyboard.press('Control+z');
    await expect.poll(() => sft.getByTestId('tag').count()).toBe(0);
    expect((await api<ResponseDetail>('getResponse', { id: sftCell.responseIds[0] })).tags.filter((t) => t.origin !== 'suggestion')).toEqual([]);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => sft.getByTestId('tag').count()).toBe(1);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => sft.getByTestId('verdict-no').getAttribute('aria-pressed')).toBe('true');

    // `l` gives the keys to the next column (wrapping round to RL).
    await page.keyboard.press('l');
    await expect.poll(() => rl.getAttribute('data-focused')).toBe('true');

    // The workbench shows the tag on that response.
    await page.goto(`${ctx.served.url}#/r/${sftCell.responseIds[0]}`);
    await expect.poll(() => page.getByTestId('workbench').getAttribute('data-response-id')).toBe(String(sftCell.responseIds[0]));
    await expect.poll(() => page.getByTestId('tag').count()).toBe(1);
    expect(await page.getByTestId('tag').first().getAttribute('data-label')).toBe('overlooked-cue');

    // Back returns to compare on the same cell and question.
    await page.goBack();
    await expect.poll(() => page.getByTestId('compare-question-head').getAttribute('data-sample-key')).toBe(String(question.sampleKey));
    expect(page.url()).toMatch(/cell=all/);
    await page.close();
  }, 120_000);

  it('switches rollouts in a column of the four-rollout run and narrows to questions where the runs disagree', async () => {
    const page = await newPage();
    await page.goto(`${ctx.served.url}#/compare?run=rl-grpo-k4&run=sft&level=L1`);
    const columns = page.getByTestId('compare-column');
    await expect.poll(() => columns.count()).toBe(2);
    const k4 = columns.nth(0);
    const rollouts = k4.getByTestId('compare-rollout');
    await expect.poll(() => rollouts.count()).toBe(4);
    const head = page.getByTestId('compare-question-head');
    await expect.poll(() => head.getAttribute('data-sample-key')).not.toBeNull();
    const walk = await api<CompareQuestionPage>('listCompareQuestions', { filter: { runs: ['rl-grpo-k4', 'sft'], levels: ['L1'] } });
    const q = walk.rows[0];
    expect(await head.getAttribute('data-sample-key')).toBe(String(q.sampleKey));
    const ids = q.runs[0].responseIds;
    await expect.poll(() => k4.getAttribute('data-response-id')).toBe(String(ids[0]));
    // Click the third rollout, then `v` (focused column) moves to the fourth and shift+v back.
    await rollouts.nth(2).click();
    await expect.poll(() => k4.getAttribute('data-response-id')).toBe(String(ids[2]));
    await page.keyboard.press('v');
    await expect.poll(() => k4.getAttribute('data-response-id')).toBe(String(ids[3]));
    await page.keyboard.press('Shift+v');
    await expect.poll(() => k4.getAttribute('data-response-id')).toBe(String(ids[2]));

    // "runs disagree" narrows the walk to the service's answer.
    await page.getByTestId('compare-disagree').check();
    const dis = await api<CompareQuestionPage>('listCompareQuestions', { filter: { runs: ['rl-grpo-k4', 'sft'], levels: ['L1'], disagree: true } });
    expect(dis.total).toBeLessThan(walk.total);
    await expect.poll(() => page.getByTestId('compare-question').count()).toBe(dis.total);
    expect(page.url()).toMatch(/disagree=1/);
    await page.close();
  }, 90_000);
});
