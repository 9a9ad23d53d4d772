// node --import tsx bench/checks.ts [responses] — the automatic checks' cost per response, beside a raw baseline
// measured in the same run, and the time of one 5 MB chain (repetitive and random).
//
// Responses are the benchmark's own (bench/generate.ts: infer.py lines over SEED-Bench-R1-shaped samples), parsed
// before timing. The baseline is what the run importer's parse worker already does per response — the real scorer
// (shared/scoring.ts) and step splitter (shared/steps.ts); "checks" is the same loop plus runChecks on an input built
// the way the importer builds it (one sample context per sample). Prints JSON.
//
// With WINK_DIR set to a folder where `npm install wink-nlp wink-eng-lite-web-model` was run, it also times wink-nlp
// reading the same chains (readDoc, then sentences, tokens, lemmas and negation flags), for docs/checks.md.
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { runChecks } from '../electron/core/checks/registry.ts';
import type { CheckInput, NarratedStep } from '../electron/core/checks/types.ts';
import { reasoningSpan, scoreResponse } from '../shared/scoring.ts';
import { splitSteps } from '../shared/steps.ts';
import type { Letter, Options } from '../shared/types.ts';
import { annotationLine, inferLine, makeSamples, prng } from './generate.ts';

const count = Number(process.argv[2] ?? process.env.BENCH_CHECK_RESPONSES ?? 200_000);
if (!Number.isInteger(count) || count <= 0) throw new Error(`responses must be a positive integer, got ${process.argv[2]}`);

interface Context {
  question: string;
  options: Options;
  golden: Letter | null;
  goal: string;
  narration: NarratedStep[];
  observationFrame: number | null;
}

// Responses and their samples, as the importer sees them.
const rand = prng(7);
const samples = makeSamples(2432, rand);
const contexts: Context[] = samples.map((s) => {
  const a = JSON.parse(annotationLine(s));
  return {
    question: a.question,
    options: { A: a.choice_a, B: a.choice_b, C: a.choice_c, D: a.choice_d },
    golden: a.golden_choice_idx,
    goal: a.task_goal,
    narration: a.task_progress_metadata.map((n: { narration_text: string; start_frame: number; stop_frame: number }) => ({
      text: n.narration_text,
      start_frame: n.start_frame,
      stop_frame: n.stop_frame,
    })),
    observationFrame: a.current_observation_frame,
  };
});
const raws: string[] = [];
const of: number[] = [];
let bytes = 0;
for (let i = 0; i < count; i++) {
  const k = i % samples.length;
  const line = inferLine(samples[k], rand);
  bytes += line.length + 1;
  raws.push(JSON.parse(line).response);
  of.push(k);
}

function baseline(n: number): number {
  let sink = 0;
  for (let i = 0; i < n; i++) {
    const raw = raws[i];
    const scored = scoreResponse(raw, contexts[of[i]].options);
    const [from, to] = reasoningSpan(raw, scored);
    sink += splitSteps(raw, from, to).length;
  }
  return sink;
}

function withChecks(n: number): number {
  let sink = 0;
  for (let i = 0; i < n; i++) {
    const raw = raws[i];
    const ctx = contexts[of[i]];
    const scored = scoreResponse(raw, ctx.options);
    const [from, to] = reasoningSpan(raw, scored);
    const steps = splitSteps(raw, from, to);
    const input: CheckInput = {
      ...ctx,
      raw,
      thinkStart: scored.thinkStart,
      thinkEnd: scored.thinkEnd,
      answer: scored.answer,
      prediction: scored.prediction,
      steps,
    };
    sink += steps.length + runChecks(input).length;
  }
  return sink;
}

/** Best of `rounds` timings, in µs per response. */
function time(fn: (n: number) => number, rounds = 3): number {
  fn(Math.min(count, 20_000)); // warm-up
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    fn(count);
    best = Math.min(best, performance.now() - t0);
  }
  return (best * 1000) / count;
}

const baseUs = time(baseline);
const checksUs = time(withChecks);
let fired = 0;
{
  for (let i = 0; i < Math.min(count, 50_000); i++) {
    const raw = raws[i];
    const ctx = contexts[of[i]];
    const scored = scoreResponse(raw, ctx.options);
    const [from, to] = reasoningSpan(raw, scored);
    fired += runChecks({ ...ctx, raw, thinkStart: scored.thinkStart, thinkEnd: scored.thinkEnd, answer: scored.answer, prediction: scored.prediction, steps: splitSteps(raw, from, to) }).length;
  }
}

// One 5 MB chain: a sentence repeated, and random words and symbols.
function bigChain(kind: 'repetitive' | 'random'): string {
  const target = 5 * 2 ** 20;
  let think = '';
  if (kind === 'repetitive') {
    const s = 'Wait, the crumbs are at the edge of the worktop, so I should put coffee into the cup. ';
    think = s.repeat(Math.ceil(target / s.length));
  } else {
    const r = prng(11);
    const parts: string[] = [];
    let len = 0;
    const alphabet = 'abcdefghijklmnopqrstuvwxyz      .,;:!?()-\'"ABCDéü—…\n';
    while (len < target) {
      const n = 1 + Math.floor(r() * 12);
      let w = '';
      for (let i = 0; i < n; i++) w += alphabet[Math.floor(r() * alphabet.length)];
      parts.push(w);
      len += w.length + 1;
    }
    think = parts.join(' ');
  }
  return `<think>${think}</think><answer>B</answer>`;
}

function timeBig(kind: 'repetitive' | 'random'): { mib: number; steps: number; split_ms: number; checks_ms: number; suggestions: number } {
  const raw = bigChain(kind);
  const ctx = contexts[0];
  const t0 = performance.now();
  const scored = scoreResponse(raw, ctx.options);
  const [from, to] = reasoningSpan(raw, scored);
  const steps = splitSteps(raw, from, to);
  const t1 = performance.now();
  const found = runChecks({ ...ctx, raw, thinkStart: scored.thinkStart, thinkEnd: scored.thinkEnd, answer: scored.answer, prediction: scored.prediction, steps });
  const t2 = performance.now();
  return { mib: +(raw.length / 2 ** 20).toFixed(2), steps: steps.length, split_ms: +(t1 - t0).toFixed(1), checks_ms: +(t2 - t1).toFixed(1), suggestions: found.length };
}

const big = { repetitive: timeBig('repetitive'), random: timeBig('random') };

// wink-nlp on the same chains, when it is installed where WINK_DIR says.
let wink: { us_per_response: number; responses: number } | null = null;
if (process.env.WINK_DIR) {
  const req = createRequire(path.join(path.resolve(process.env.WINK_DIR), 'package.json'));
  const winkNLP = req('wink-nlp');
  const model = req('wink-eng-lite-web-model');
  const nlp = winkNLP(model);
  const its = nlp.its;
  const n = Math.min(count, 20_000);
  const read = (m: number): number => {
    let sink = 0;
    for (let i = 0; i < m; i++) {
      const raw = raws[i];
      const scored = scoreResponse(raw, contexts[of[i]].options);
      const [from, to] = reasoningSpan(raw, scored);
      const doc = nlp.readDoc(raw.slice(from, to));
      sink += doc.sentences().length();
      sink += doc.tokens().out(its.lemma).length;
      sink += doc.tokens().out(its.negationFlag).filter(Boolean).length;
    }
    return sink;
  };
  read(500);
  const t0 = performance.now();
  read(n);
  wink = { us_per_response: +(((performance.now() - t0) * 1000) / n).toFixed(1), responses: n };
}

const checksOnly = checksUs - baseUs;
console.log(
  JSON.stringify(
    {
      responses: count,
      mean_response_bytes: Math.round(bytes / count),
      baseline_us_per_response: +baseUs.toFixed(2),
      with_checks_us_per_response: +checksUs.toFixed(2),
      checks_us_per_response: +checksOnly.toFixed(2),
      ratio_to_baseline: +(checksUs / baseUs).toFixed(2),
      suggestions_per_response: +(fired / Math.min(count, 50_000)).toFixed(3),
      budget_us_per_response: 10,
      chain_5mb: big,
      wink_nlp: wink,
    },
    null,
    2,
  ),
);
