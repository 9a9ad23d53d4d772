// The automatic checks' suggestions in the workbench, compare and library, in Chromium against `cotscope serve` on
// the demo workspace (whose import runs the checks): drawn dashed with their evidence, `a` accepts (a person's tag
// appears), Ctrl+Z takes it back, `d` rejects (the review status untouched), `d` with no suggestion selected is
// review done; the library's "Suggested by check" filter; the keys in the help overlay.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { AnnotatorSummary, ResponseDetail, ResponsePage, Tag } from '../../shared/api.ts';
import { callApi, demoInChromium, openPage, screenshotPath } from './harness.ts';

const ctx = demoInChromium();

const api = <T>(method: string, input: unknown) => callApi<T>(ctx.served, method, input);
const detail = (id: number) => api<ResponseDetail>('getResponse', { id });
const openOnes = (d: ResponseDetail) => d.tags.filter((t) => t.origin === 'suggestion' && !t.suggestion?.decision);
const people = (d: ResponseDetail) => d.tags.filter((t) => t.origin !== 'suggestion');

/** Two suggestions point at different steps. */
const apart = (a: Tag, b: Tag) => !!a.steps && !!b.steps && (a.steps[1] < b.steps[0] || b.steps[1] < a.steps[0]);

/**
 * A response (of one of `checks`, else of any check) with at least `n` open suggestions pointing at steps apart from
 * each other, and no tags by people yet.
 */
async function responseWithSuggestions(n: number, only?: string): Promise<{ d: ResponseDetail; checks: string[] }> {
  const checks = (await api<AnnotatorSummary[]>('listAnnotators', {})).filter((a) => a.kind === 'auto').map((a) => a.name);
  expect(checks.length, 'the demo import runs the checks').toBeGreaterThan(0);
  for (const check of only ? [only] : checks) {
    const page = await api<ResponsePage>('listResponses', { filter: { annotator: check }, offset: 0, limit: 100 });
    for (const row of page.rows) {
      const d = await detail(row.id);
      if (people(d).length > 0 || d.steps.length === 0) continue;
      const stepped = openOnes(d).filter((t) => t.steps);
      if (stepped.length >= n && stepped.every((a, i) => stepped.every((b, j) => i === j || apart(a, b)))) return { d, checks };
    }
  }
  throw new Error(`no demo response has ${n} open suggestions on separate steps`);
}

async function openResponse(page: Page, id: number): Promise<void> {
  await page.goto(`${ctx.served.url}#/r/${id}`);
  await expect.poll(() => page.getByTestId('workbench').getAttribute('data-response-id')).toBe(String(id));
}

/** The uuid of the suggestion card that is selected, or null. */
const selectedSuggestion = (page: Page) => page.locator('[data-testid="suggestion"].selected').getAttribute('data-uuid', { timeout: 200 }).catch(() => null);

describe('suggestions in Chromium', () => {
  it('shows a reasoning–answer conflict the checks found, dashed, with its evidence beside the chain (screenshot)', async () => {
    const { d } = await responseWithSuggestions(1, 'auto:answer-conflict');
    const g = openOnes(d).find((t) => t.steps)!;
    const page = await openPage(ctx.browser);
    await openResponse(page, d.id);
    const card = page.locator(`[data-testid="suggestion"][data-uuid="${g.uuid}"]`);
    await card.click();
    const evidence = page.locator(`[data-testid="chain-evidence"][data-uuid="${g.uuid}"]`);
    await expect.poll(() => evidence.getByTestId('chain-accept').count()).toBe(1);
    // Both the evidence under the step and the card are on screen at 1440×900.
    for (const el of [evidence, card]) {
      const box = (await el.boundingBox())!;
      expect(box.y + box.height).toBeLessThanOrEqual(900);
    }
    await page.screenshot({ path: screenshotPath(ctx.served, 'suggestions.png') });
    await page.close();
  });

  it('draws open suggestions dashed with their evidence; a accepts, Ctrl+Z takes it back, d rejects, d with none selected is review done', async () => {
    const { d } = await responseWithSuggestions(2);
    const open = openOnes(d);
    const page = await openPage(ctx.browser);
    await openResponse(page, d.id);

    // The panel lists every open suggestion with its check, confidence and evidence; people's tags: none.
    const cards = page.getByTestId('suggestion');
    await expect.poll(() => cards.count()).toBe(open.length);
    const first = open.find((t) => t.steps)!;
    const card = page.locator(`[data-testid="suggestion"][data-uuid="${first.uuid}"]`);
    expect(await card.getByTestId('suggestion-evidence').innerText()).toBe(first.suggestion!.evidence);
    expect(await card.getByTestId('suggestion-confidence').innerText()).toBe(`${Math.round(first.suggestion!.confidence * 100)}%`);
    expect(await card.getAttribute('data-check')).toBe(first.suggestion!.check);
    expect(await page.getByTestId('tag').count()).toBe(0);
    expect(await page.getByTestId('tag-count').innerText()).toBe('');

    // In the chain: a dashed underline in the label's colour on its text, no fill; a dashed chip; its evidence under it.
    const look = await page.evaluate(() => {
      const p = document.querySelector<HTMLElement>('[data-testid="chain"] .piece.suggested');
      if (!p) return null;
      const cs = getComputedStyle(p);
      return { line: cs.textDecorationLine, style: cs.textDecorationStyle, color: cs.textDecorationColor, bg: cs.backgroundColor, shadow: cs.boxShadow };
    });
    expect(look).not.toBeNull();
    expect(look!.line).toContain('underline');
    expect(look!.style).toBe('dashed');
    expect(look!.bg).toBe('rgba(0, 0, 0, 0)');
    expect(look!.shadow).toBe('none');
    const chip = page.locator(`[data-testid="suggestion-chip"][data-uuid="${first.uuid}"]`);
    expect(await chip.evaluate((el) => getComputedStyle(el).borderTopStyle)).toBe('dashed');
    const evidence = page.locator(`[data-testid="chain-evidence"][data-uuid="${first.uuid}"]`);
    expect(await evidence.innerText()).toContain(first.suggestion!.evidence);
    // It sits in the last step the suggestion points at.
    const inStep = await evidence.evaluate((el) => el.closest('[data-testid="step"]')?.getAttribute('data-step-index'));
    expect(Number(inStep)).toBe(first.steps![1]);

    // `e` walks the open suggestions (no people's tags here): each press selects the next one.
    const seen = new Set<string>();
    for (let i = 0; i < open.length; i++) {
      await page.keyboard.press('e');
      await expect.poll(() => selectedSuggestion(page)).not.toBeNull();
      seen.add((await selectedSuggestion(page))!);
    }
    expect(seen.size).toBe(open.length);

    // Clicking a suggestion selects it; the chain outlines its text and offers accept / reject.
    await card.click();
    await expect.poll(() => selectedSuggestion(page)).toBe(first.uuid);
    await expect.poll(() => evidence.getByTestId('chain-accept').count()).toBe(1);

    // `a` accepts: my tag appears (same label and steps, the evidence as its note), the suggestion leaves the chain.
    await page.keyboard.press('a');
    const tags = page.getByTestId('tag');
    await expect.poll(() => tags.count()).toBe(1);
    expect(await tags.first().getAttribute('data-label')).toBe(first.label);
    expect(await tags.first().getByTestId('tag-note').innerText()).toBe(first.suggestion!.evidence);
    expect(await tags.first().innerText()).toContain(`from ${first.suggestion!.check}`);
    await expect.poll(() => card.count()).toBe(0);
    await expect.poll(() => evidence.count()).toBe(0);
    await expect.poll(() => chip.count()).toBe(0);
    await expect.poll(() => page.getByTestId('tag-count').innerText()).toBe('1 · 1 mine');
    await expect.poll(() => page.getByTestId('toast').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringMatching(/Accepted: .*now your tag[\s\S]*Z undoes it/)]));
    let now = await detail(d.id);
    const accepted = now.tags.find((t) => t.uuid === first.uuid)!;
    expect(accepted.suggestion!.decision).toBe('accepted');
    const mine = now.tags.find((t) => t.uuid === accepted.suggestion!.resultTag)!;
    expect(mine.origin).toBe('human');
    expect(mine.steps).toEqual(first.steps);
    // The selection moved on to the next open suggestion.
    await expect.poll(() => selectedSuggestion(page)).not.toBeNull();
    expect(await selectedSuggestion(page)).not.toBe(first.uuid);

    // Ctrl+Z: open again, my tag gone.
    await page.keyboard.press('Control+z');
    await expect.poll(() => card.count()).toBe(1);
    await expect.poll(() => tags.count()).toBe(0);
    await expect.poll(() => evidence.count()).toBe(1);
    now = await detail(d.id);
    expect(now.tags.find((t) => t.uuid === first.uuid)!.suggestion!.decision).toBeNull();
    expect(people(now)).toEqual([]);

    // Reject another with `d`: it leaves the chain, is listed as decided, and the review status stays to-do.
    const other = open.find((t) => t.uuid !== first.uuid)!;
    const otherCard = page.locator(`[data-testid="suggestion"][data-uuid="${other.uuid}"]`);
    await otherCard.click();
    await expect.poll(() => selectedSuggestion(page)).toBe(other.uuid);
    expect(await page.getByTestId('review-todo').getAttribute('aria-pressed')).toBe('true');
    await page.keyboard.press('d');
    await expect.poll(() => otherCard.count()).toBe(0);
    await expect.poll(() => page.locator(`[data-testid="chain-evidence"][data-uuid="${other.uuid}"]`).count()).toBe(0);
    await expect.poll(() => page.getByTestId('toast').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringMatching(/Rejected: /)]));
    expect(await page.getByTestId('review-todo').getAttribute('aria-pressed')).toBe('true');
    now = await detail(d.id);
    expect(now.tags.find((t) => t.uuid === other.uuid)!.suggestion!.decision).toBe('rejected');
    expect(now.mine?.reviewStatus ?? 'todo').toBe('todo');
    expect(people(now)).toEqual([]);
    // Shown faintly on request: rejected by me, with a way back.
    await page.getByTestId('suggestions-show-decided').click();
    const decided = page.locator(`[data-testid="suggestion-decided"][data-uuid="${other.uuid}"]`);
    const me = (await api<{ annotator: string }>('getSession', {})).annotator;
    expect(await decided.innerText()).toContain(`rejected by ${me}`);

    // `d` with no suggestion selected keeps its meaning: review status done.
    if (await selectedSuggestion(page)) await page.keyboard.press('Escape');
    await expect.poll(() => selectedSuggestion(page)).toBeNull();
    const stillOpen = await cards.count();
    await page.keyboard.press('d');
    await expect.poll(() => page.getByTestId('review-done').getAttribute('aria-pressed')).toBe('true');
    expect(await cards.count()).toBe(stillOpen);
    now = await detail(d.id);
    expect(now.mine?.reviewStatus).toBe('done');
    expect(openOnes(now).length).toBe(stillOpen);

    // Undo decision (the panel's way back) opens the rejected one again.
    await decided.getByTestId('suggestion-undecide').click();
    await expect.poll(() => otherCard.count()).toBe(1);
    expect((await detail(d.id)).tags.find((t) => t.uuid === other.uuid)!.suggestion!.decision).toBeNull();
    await page.close();
  });

  it('draws suggestions dashed in the compare columns, and a / d decide there too', async () => {
    const { d } = await responseWithSuggestions(1);
    const runs = (await api<{ name: string }[]>('listRuns', {})).map((r) => r.name);
    const pair = [d.run.name, runs.find((r) => r !== d.run.name)!];
    const g = openOnes(d).find((t) => t.steps)!;
    const page = await openPage(ctx.browser);
    await page.goto(`${ctx.served.url}#/compare?run=${encodeURIComponent(pair[0])}&run=${encodeURIComponent(pair[1])}&sample=${d.sample.id}`);
    const column = page.locator(`[data-testid="compare-column"][data-run="${pair[0]}"]`);
    // The column shows rollout 0 of the run: walk the rollouts to this response.
    for (let i = 0; i < 20 && (await column.getAttribute('data-response-id').catch(() => null)) !== String(d.id); i++) {
      await column.click({ position: { x: 5, y: 5 } });
      await page.keyboard.press('v');
      await page.waitForTimeout(150);
    }
    await expect.poll(() => column.getAttribute('data-response-id')).toBe(String(d.id));
    const card = column.locator(`[data-testid="suggestion"][data-uuid="${g.uuid}"]`);
    await expect.poll(() => card.count()).toBe(1);
    expect(await column.locator('.piece.suggested').first().evaluate((el) => getComputedStyle(el).textDecorationStyle)).toBe('dashed');
    expect(await column.locator(`[data-testid="chain-evidence"][data-uuid="${g.uuid}"]`).innerText()).toContain(g.suggestion!.evidence);
    await card.click();
    await page.keyboard.press('d');
    await expect.poll(() => card.count()).toBe(0);
    expect((await detail(d.id)).tags.find((t) => t.uuid === g.uuid)!.suggestion!.decision).toBe('rejected');
    await page.keyboard.press('Control+z');
    await expect.poll(() => card.count()).toBe(1);
    await page.close();
  });

  it('filters the library by the check that suggested, in the URL; the help overlay lists the suggestion keys', async () => {
    const { checks } = await responseWithSuggestions(1);
    const check = checks[0];
    const want = await api<ResponsePage>('listResponses', { filter: { annotator: check }, offset: 0, limit: 1 });
    const page = await openPage(ctx.browser);
    await page.goto(ctx.served.url);
    const select = page.getByTestId('filter-check');
    await expect.poll(() => select.locator('option').count()).toBe(checks.length + 1);
    // The checks are not people: "Annotated by" does not offer them.
    expect(await page.getByTestId('filter-annotator').locator(`option[value="${check}"]`).count()).toBe(0);
    await select.selectOption(check);
    await expect.poll(() => page.getByTestId('list-total').innerText()).toMatch(new RegExp(`^${want.total.toLocaleString('en-US')}\\b`));
    expect(decodeURIComponent(page.url())).toContain(`annotator=${check}`);
    // Reopened from the URL, the control shows the check again.
    await page.reload();
    await expect.poll(() => page.getByTestId('filter-check').inputValue()).toBe(check);
    // Narrowed to what still waits for a decision: the same count as the API's, and in the URL.
    const open = await api<ResponsePage>('listResponses', { filter: { annotator: check, undecided: true }, offset: 0, limit: 1 });
    await page.getByTestId('filter-undecided').check();
    await expect.poll(() => page.getByTestId('list-total').innerText()).toMatch(new RegExp(`^${open.total.toLocaleString('en-US')}\\b`));
    expect(page.url()).toContain('undecided=1');

    await page.keyboard.press('Shift+Slash'); // '?' as a keyboard types it
    const help = page.getByTestId('help');
    await expect.poll(() => help.count()).toBe(1);
    expect(await help.locator('[data-action="acceptSuggestion"]').innerText()).toMatch(/^A\s/);
    expect(await help.locator('[data-action="rejectSuggestion"]').innerText()).toMatch(/^D\s.*review status to done/);
    expect(await help.locator('[data-action="reviewDone"]').innerText()).toMatch(/suggestion is selected, D rejects it/);
    expect(await help.getByText('Suggestions', { exact: true }).count()).toBe(1);
    expect(await page.getByTestId('help-conflicts').count()).toBe(0);
    await page.close();
  });
});
