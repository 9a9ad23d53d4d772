// npx tsx scripts/checks-gold-figures.ts — each automatic check's precision and recall on the demo gold run
// (demo/runs/checks-gold, expected suggestions in demo/expected.json → checks), as a markdown table for docs/checks.md.
//
// Every gold response goes through what the importer does — the real scorer (shared/scoring.ts scoreResponse), the
// step splitter over the reasoning (shared/steps.ts, as electron/core/run-records.ts calls it) — then runChecks. A
// suggestion counts as found when the gold lists the same check for that response with the same steps; one with the
// right check but other steps counts as a miss and a false alarm both.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHECK_NAMES, runChecks } from '../electron/core/checks/registry.ts';
import type { CheckInput, Suggestion } from '../electron/core/checks/types.ts';
import { reasoningSpan, scoreResponse } from '../shared/scoring.ts';
import { splitSteps } from '../shared/steps.ts';
import type { Letter } from '../shared/types.ts';

const DEMO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'demo');

export interface GoldSuggestion {
  check: string;
  label: string;
  steps: [number, number] | null;
}

export interface GoldResponse {
  run: string;
  level: string;
  sample_id: number | string;
  rollout: number;
  intent: string;
  suggestions: GoldSuggestion[];
}

export interface GoldResult {
  gold: GoldResponse;
  input: CheckInput;
  found: Suggestion[];
}

/** Every gold response with its check input and what the checks found. */
export function goldResults(): GoldResult[] {
  const expected = JSON.parse(fs.readFileSync(path.join(DEMO, 'expected.json'), 'utf8')) as { checks: GoldResponse[] };
  const out: GoldResult[] = [];
  for (const level of ['L1', 'L2', 'L3']) {
    const samples = new Map<string, Record<string, any>>();
    for (const line of fs.readFileSync(path.join(DEMO, 'seed-bench-r1', 'annotations', `validation_${level}.jsonl`), 'utf8').split('\n')) {
      if (line.trim()) samples.set(String(JSON.parse(line).sample_id), JSON.parse(line));
    }
    const nth = new Map<string, number>();
    const file = path.join(DEMO, 'runs', 'checks-gold', `eval_results_for_validation_${level}.jsonl`);
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const rec = JSON.parse(line);
      const sid = String(rec.sample_id);
      const rollout = (nth.get(sid) ?? 0) + 1;
      nth.set(sid, rollout);
      const s = samples.get(sid)!;
      const gold = expected.checks.find((c) => c.level === level && String(c.sample_id) === sid && c.rollout === rollout);
      if (!gold) throw new Error(`no gold for ${level} ${sid} #${rollout}`);
      const options = { A: s.choice_a, B: s.choice_b, C: s.choice_c, D: s.choice_d };
      const raw: string = rec.response;
      const scored = scoreResponse(raw, options);
      const [from, to] = reasoningSpan(raw, scored);
      const input: CheckInput = {
        question: s.question,
        options,
        golden: s.golden_choice_idx as Letter,
        goal: s.task_goal,
        narration: s.task_progress_metadata.map((n: { narration_text: string; start_frame: number; stop_frame: number }) => ({
          text: n.narration_text,
          start_frame: n.start_frame,
          stop_frame: n.stop_frame,
        })),
        observationFrame: s.current_observation_frame,
        raw,
        thinkStart: scored.thinkStart,
        thinkEnd: scored.thinkEnd,
        answer: scored.answer,
        prediction: scored.prediction,
        steps: splitSteps(raw, from, to),
      };
      out.push({ gold, input, found: runChecks(input) });
    }
  }
  return out;
}

/** What the checks say, in the gold's terms. */
export function asGold(found: readonly Suggestion[]): GoldSuggestion[] {
  return found.map((f) => ({ check: f.check, label: f.label, steps: f.steps }));
}

export interface CheckFigures {
  check: string;
  /** responses where the gold expects it */
  expected: number;
  fired: number;
  truePositives: number;
  precision: number | null;
  recall: number | null;
}

const key = (g: GoldSuggestion): string => `${g.check} ${JSON.stringify(g.steps)}`;

/** Precision and recall per check over all gold responses (suggestions matched by check and steps). */
export function figures(results: readonly GoldResult[]): CheckFigures[] {
  return CHECK_NAMES.map((check) => {
    let expected = 0;
    let fired = 0;
    let tp = 0;
    for (const r of results) {
      const want = r.gold.suggestions.filter((g) => g.check === check).map(key);
      const got = asGold(r.found).filter((g) => g.check === check).map(key);
      expected += want.length;
      fired += got.length;
      const left = [...want];
      for (const k of got) {
        const i = left.indexOf(k);
        if (i >= 0) {
          tp++;
          left.splice(i, 1);
        }
      }
    }
    return {
      check,
      expected,
      fired,
      truePositives: tp,
      precision: fired ? tp / fired : null,
      recall: expected ? tp / expected : null,
    };
  });
}

/** Responses where the checks and the gold differ, with both lists. */
export function differences(results: readonly GoldResult[]): { gold: GoldResponse; found: GoldSuggestion[] }[] {
  return results
    .filter((r) => JSON.stringify(asGold(r.found)) !== JSON.stringify(r.gold.suggestions))
    .map((r) => ({ gold: r.gold, found: asGold(r.found) }));
}

function pct(x: number | null): string {
  return x === null ? '—' : `${(x * 100).toFixed(0)}%`;
}

export function markdown(results: readonly GoldResult[]): string {
  const rows = figures(results).map(
    (f) => `| \`${f.check}\` | ${f.expected} | ${f.fired} | ${f.truePositives} | ${pct(f.precision)} | ${pct(f.recall)} |`,
  );
  return [
    `Gold: ${results.length} responses of demo/runs/checks-gold (expected.json → checks). A suggestion is right when the gold lists the same check with the same steps.`,
    '',
    '| check | expected | fired | right | precision | recall |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const results = goldResults();
  console.log(markdown(results));
  const diff = differences(results);
  if (diff.length) {
    console.log('\nResponses where the checks differ from the gold:\n');
    for (const d of diff) {
      console.log(`- ${d.gold.level} ${d.gold.sample_id} #${d.gold.rollout} (${d.gold.intent})`);
      console.log(`  gold:   ${d.gold.suggestions.map(key).join('; ') || '—'}`);
      console.log(`  checks: ${d.found.map(key).join('; ') || '—'}`);
    }
  }
}
