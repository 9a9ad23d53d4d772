// Synthetic SEED-Bench-R1 files for the benchmark: a validation_L1 annotation file and an infer.py output file with
// many responses (sampled rollouts) in exactly the real shape. Seeded, so every run writes the same bytes.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { once } from 'node:events';

export function prng(seed: number): () => number {
  // mulberry32
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ACTIONS = [
  'fill kettle', 'turn on kettle', 'take coffee jar', 'put coffee into cup', 'pour milk', 'open cupboard', 'close tap',
  'scrub pan', 'dry hands', 'open fridge', 'take bread', 'spread butter', 'cut tomato', 'wash knife', 'put pan on hob',
  'take plate', 'stir pot', 'open drawer', 'close fridge', 'pour water',
];
const OPENERS = ['Let me think.', 'First, I look at the video.', 'The clip shows the task so far.', 'Looking at the last frame,'];
const CONNECT = ['Then', 'After that', 'Next', 'Now', 'So'];
const QUESTION = (goal: string) =>
  `Considering the progress shown in the video and my current observation in the last frame, what action should I take next in order to ${goal}?`;

export interface BenchSample {
  id: number;
  goal: string;
  choices: string[];
  golden: number;
}

export function makeSamples(count: number, rand: () => number): BenchSample[] {
  const out: BenchSample[] = [];
  for (let i = 0; i < count; i++) {
    const choices = new Set<string>();
    while (choices.size < 4) choices.add(ACTIONS[Math.floor(rand() * ACTIONS.length)]);
    out.push({ id: 1000 + i, goal: ACTIONS[Math.floor(rand() * ACTIONS.length)], choices: [...choices], golden: Math.floor(rand() * 4) });
  }
  return out;
}

export function annotationLine(s: BenchSample): string {
  return JSON.stringify({
    sample_id: s.id,
    video_source: 'EpicKitchens',
    video_id: `P${String(s.id % 37).padStart(2, '0')}_${String(s.id % 19).padStart(2, '0')}`,
    task_goal: s.goal,
    question: QUESTION(s.goal),
    choice_a: s.choices[0],
    choice_b: s.choices[1],
    choice_c: s.choices[2],
    choice_d: s.choices[3],
    golden_choice_idx: 'ABCD'[s.golden],
    answer: s.choices[s.golden],
    current_observation_frame: 900,
    task_progress_metadata: [
      { narration_text: s.choices[(s.golden + 1) % 4], start_frame: 40, stop_frame: 310 },
      { narration_text: s.choices[(s.golden + 2) % 4], start_frame: 322, stop_frame: 600 },
    ],
    video_basename: `${s.id}.mp4`,
    current_observation_basename: `${s.id}.png`,
  });
}

function chain(s: BenchSample, rand: () => number): { text: string; letter: string } {
  const parts: string[] = [OPENERS[Math.floor(rand() * OPENERS.length)]];
  const n = 3 + Math.floor(rand() * 5);
  for (let i = 0; i < n; i++) {
    const a = ACTIONS[Math.floor(rand() * ACTIONS.length)];
    const c = CONNECT[Math.floor(rand() * CONNECT.length)];
    parts.push(
      rand() < 0.3
        ? `${i + 1}. The person seems to ${a} at about ${(rand() * 10).toFixed(1)} s, e.g. near the counter.`
        : `${c} the video shows them ${a}, so the next step should follow from that.`,
    );
  }
  const pick = rand() < 0.55 ? s.golden : Math.floor(rand() * 4);
  const letter = 'ABCD'[pick];
  parts.push(`Therefore the best next action is to ${s.choices[pick]}.`);
  const sep = rand() < 0.4 ? '\n' : ' ';
  const variants = [`${letter}.`, letter, `${letter}. ${s.choices[pick]}`, ` ${letter}`, `(${letter})`];
  return { text: `<think>${parts.join(sep)}</think><answer>${variants[Math.floor(rand() * variants.length)]}</answer>`, letter };
}

export function inferLine(s: BenchSample, rand: () => number): string {
  const golden = 'ABCD'[s.golden];
  const problem = `${QUESTION(s.goal)}\n${s.choices.map((c, i) => `${'ABCD'[i]}. ${c}`).join('\n')}\n`;
  const { text } = chain(s, rand);
  const inside = text.slice(text.indexOf('<answer>') + 8);
  return JSON.stringify({
    sample_id: s.id,
    prompt: [
      {
        role: 'user',
        content: [
          { type: 'video', video: `/data/SEED-Bench-R1/videos/EpicKitchens/${s.id}.mp4` },
          { type: 'image', image: `/data/SEED-Bench-R1/images/EpicKitchens/${s.id}.png` },
          { type: 'text', text: `${problem} Output the thinking process in <think> </think> and final answer in <answer> </answer> tags.` },
        ],
      },
    ],
    problem,
    solution: `<answer>${golden}.</answer>`,
    response: text,
    reward: inside[0] === golden ? 1.0 : 0.0,
  });
}

/** Writes the annotation file and `responses` infer.py lines spread over the samples as rollouts. */
export async function writeBenchFiles(dir: string, responses: number, sampleCount: number, seed = 7): Promise<{ annotations: string; run: string }> {
  const rand = prng(seed);
  const samples = makeSamples(sampleCount, rand);
  const annotations = `${dir}/validation_L1.jsonl`;
  fs.writeFileSync(annotations, samples.map(annotationLine).join('\n') + '\n');
  const run = `${dir}/eval_results_for_validation_L1.jsonl`;
  const out = fs.createWriteStream(run);
  let buf = '';
  for (let i = 0; i < responses; i++) {
    buf += inferLine(samples[i % samples.length], rand) + '\n';
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
  return { annotations, run };
}

export interface JudgedResponse {
  run: string;
  sample_id: string;
  rollout: number;
  step_count: number;
  raw_length: number;
}

const JUDGE_NOTES = ['answer contradicts the last step', 'the cue in the last frame is ignored', 'steps repeat', 'the goal is lost', ''];

/**
 * `count` lines of an LLM judge's labels over `responses`, as import-tags reads them: about 7 in 10 a tag (a label,
 * steps, sometimes a span or a time, a note, a severity), the rest a verdict; every line one row — no tag twice and at
 * most one verdict per response — so an import adds exactly `tags` + `verdicts` rows.
 */
export function judgeLines(
  responses: readonly JudgedResponse[],
  labels: readonly string[],
  count: number,
  rand: () => number,
): { lines: string[]; tags: number; verdicts: number } {
  if (!responses.some((r) => r.step_count > 0)) throw new Error('judgeLines: no response with steps to tag');
  const lines: string[] = [];
  const judged = new Set<number>();
  const seen = new Set<string>();
  let tags = 0;
  let verdicts = 0;
  while (lines.length < count) {
    const i = Math.floor(rand() * responses.length);
    const r = responses[i];
    const key = { run: r.run, sample_id: r.sample_id, rollout: r.rollout };
    if (rand() < 0.3 && !judged.has(i)) {
      judged.add(i);
      lines.push(JSON.stringify({ ...key, verdict: (['yes', 'no', 'unclear'] as const)[Math.floor(rand() * 3)] }));
      verdicts++;
      continue;
    }
    const first = Math.floor(rand() * r.step_count);
    const steps = rand() < 0.5 ? [first] : [first, first + Math.floor(rand() * (r.step_count - first))];
    const start = Math.floor(rand() * r.raw_length);
    const span = rand() < 0.5 ? [start, start + Math.floor(rand() * Math.min(200, r.raw_length - start))] : undefined;
    const t = Math.round(rand() * 300) / 10;
    const time = rand() < 0.3 ? [t, t + 1.5] : undefined;
    const tag = { ...key, label: labels[Math.floor(rand() * labels.length)], steps, span, time };
    // What makes a tag's identity in import-tags ([i] and [i, i] are the same steps).
    const id = JSON.stringify([i, tag.label, steps[0], steps[steps.length - 1], span, time]);
    if (r.step_count === 0 || seen.has(id)) continue;
    seen.add(id);
    const note = JUDGE_NOTES[Math.floor(rand() * JUDGE_NOTES.length)];
    lines.push(JSON.stringify({ ...tag, note: note || undefined, severity: (['minor', 'major', 'critical'] as const)[Math.floor(rand() * 3)] }));
    tags++;
  }
  return { lines, tags, verdicts };
}

/**
 * A pack's rows handed to another annotator under new UUIDs: merged into the workspace it came from, every row is new
 * (a pack merge of the same rows as an import, for the benchmark and the tests that compare the two).
 */
export function reassignPack(from: string, to: string, annotator: string): void {
  const lines = fs.readFileSync(from, 'utf8').split('\n').filter(Boolean);
  const out = lines.map((text, i) => {
    const o = JSON.parse(text);
    if (i === 0) o.annotators = [{ name: annotator, kind: 'human' }];
    else Object.assign(o, { uuid: crypto.randomUUID(), annotator });
    return JSON.stringify(o);
  });
  fs.writeFileSync(to, out.join('\n') + '\n');
}
