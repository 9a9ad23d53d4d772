// A small workspace whose compare and dashboard figures are worked out by hand in compare.test.ts and
// dashboard.test.ts. Built through the real importers and the real service (tags and verdicts by three annotators).
//
// Questions (golden A everywhere), imported L1 file, then L2, then L3:
//   L1  101 102 103 104 105        L2  201 202        L3  u-1 (Work)  u-2 (Hobbies)
// Run "rl" (method rl): 101 four rollouts predicting A A B B (2 of 4 correct: right), 102 three predicting A B B (1 of 3:
//   wrong), 103 A, 105 B, 201 B, 202 A, u-1 A, u-2 B; no response to 104.
// Run "sft" (method sft): 101 B, 102 A, 103 A, 104 B, 105 C, u-1 B, u-2 A; nothing at L2.
// Every chain has four steps, but rl's answer to 103 has five.
//
// Annotations (live unless said):
//   ana  rl 101#0: inconsistent on step 1, hallucination on steps 2–3, verdict no
//        rl 103:   hallucination on a character span inside step 1 (of 5), verdict yes
//        rl 201:   inconsistent on the whole response (no step)
//        rl u-1:   format on step 0, then deleted
//   bob  rl 101#0: verdict yes          rl 103: verdict unclear       sft 101: verdict no
//        rl 102#1: inconsistent on step 2, then relabelled overlooked-cue
//   cy   sft 102:  overlooked-cue on step 0       sft 104: review done (no judgment)
//        rl u-2:   review skipped (no judgment: not reviewed)
import fs from 'node:fs';
import path from 'node:path';
import { dispatch } from '../../electron/core/dispatch.ts';
import { importBenchmark } from '../../electron/core/import-benchmark.ts';
import { importRun } from '../../electron/core/import-run.ts';
import { createService, type Service } from '../../electron/core/service.ts';
import { openStore, type Store } from '../../electron/core/store.ts';
import type { Input, MethodName, Output } from '../../shared/api.ts';

const L1 = [101, 102, 103, 104, 105];
const L2 = [201, 202];
const L3 = [
  { id: 'u-1', domain: 'Work' },
  { id: 'u-2', domain: 'Hobbies' },
];

function record(sampleId: number | string, extra: object = {}): string {
  return JSON.stringify({
    sample_id: sampleId,
    video_source: 'EpicKitchens',
    video_id: `v${sampleId}`,
    video_basename: `${sampleId}.mp4`,
    current_observation_basename: `${sampleId}.png`,
    task_goal: `goal ${sampleId}`,
    question: 'What should I do next?',
    choice_a: 'fill kettle',
    choice_b: 'open fridge',
    choice_c: 'wash knife',
    choice_d: 'dry hands',
    golden_choice_idx: 'A',
    answer: 'fill kettle',
    current_observation_frame: 100,
    task_progress_metadata: [],
    ...extra,
  });
}

export function chain(letter: string, steps = 4): string {
  const sentences = ['I watch the clip first.', 'The person holds a cup.', 'The tap is running now.', 'Then they reach for the shelf.', 'The kettle sits nearby.'];
  const think = [...sentences.slice(0, steps - 1), `So the answer is ${letter}.`].join(' ');
  return `<think>${think}</think><answer>${letter}</answer>`;
}

const RL: [number | string, string[]][] = [
  [101, ['A', 'A', 'B', 'B']],
  [102, ['A', 'B', 'B']],
  [103, ['A']],
  [105, ['B']],
  [201, ['B']],
  [202, ['A']],
  ['u-1', ['A']],
  ['u-2', ['B']],
];
const SFT: [number | string, string[]][] = [
  [101, ['B']],
  [102, ['A']],
  [103, ['A']],
  [104, ['B']],
  [105, ['C']],
  ['u-1', ['B']],
  ['u-2', ['A']],
];

export interface Fixture {
  store: Store;
  service: Service;
  call<M extends MethodName>(method: M, input?: Input<M>): Promise<Output<M>>;
  refuse(method: MethodName, input?: unknown): Promise<{ code: string; message: string }>;
  /** Response id of a run's answer to a sample (by rollout). */
  id(run: 'rl' | 'sft', sampleId: number | string, rollout?: number): number;
}

export async function buildFixture(dir: string): Promise<Fixture> {
  fs.mkdirSync(path.join(dir, 'annotations'), { recursive: true });
  const ann = (name: string, lines: string[]) => {
    const file = path.join(dir, 'annotations', name);
    fs.writeFileSync(file, lines.join('\n') + '\n');
    return file;
  };
  const files = [
    ann('validation_L1.jsonl', L1.map((id) => record(id))),
    ann('validation_L2.jsonl', L2.map((id) => record(id))),
    ann('validation_L3.jsonl', L3.map((s) => record(s.id, { domain: s.domain, scenario: 'kitchen', task_start_frame: 0 }))),
  ];
  const runFile = (name: string, rows: [number | string, string[]][], fiveSteps: (number | string)[] = []) => {
    const file = path.join(dir, name);
    const lines = rows.flatMap(([sample, letters]) =>
      letters.map((l) => JSON.stringify({ sample_id: sample, response: chain(l, fiveSteps.includes(sample) ? 5 : 4) })),
    );
    fs.writeFileSync(file, lines.join('\n') + '\n');
    return file;
  };
  const store = openStore(path.join(dir, 'w.db'));
  await importBenchmark(store, files, {});
  await importRun(store, runFile('rl.jsonl', RL, [103]), { name: 'rl', method: 'rl' });
  await importRun(store, runFile('sft.jsonl', SFT), { name: 'sft', method: 'sft' });

  const service = createService(store, { annotator: 'ana' });
  const call = async <M extends MethodName>(method: M, input?: Input<M>): Promise<Output<M>> => {
    const r = await dispatch(service, method, input);
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    return r.value as Output<M>;
  };
  const refuse = async (method: MethodName, input?: unknown) => {
    const r = await dispatch(service, method, input);
    if (r.ok) throw new Error(`${method} succeeded: ${JSON.stringify(r.value)}`);
    return r.error;
  };
  const ids = store.db
    .prepare('SELECT x.id, r.name AS run, s.sample_id, x.rollout FROM responses x JOIN runs r ON r.id = x.run_id JOIN samples s ON s.id = x.sample_id')
    .all() as { id: number; run: string; sample_id: string; rollout: number }[];
  const id = (run: 'rl' | 'sft', sampleId: number | string, rollout = 0) => {
    const row = ids.find((r) => r.run === run && r.sample_id === String(sampleId) && r.rollout === rollout);
    if (!row) throw new Error(`no response ${run} ${sampleId}#${rollout}`);
    return row.id;
  };

  const as = (name: string) => call('setAnnotator', { name });
  await as('ana');
  await call('createTag', { responseId: id('rl', 101), label: 'inconsistent', steps: [1, 1] });
  await call('createTag', { responseId: id('rl', 101), label: 'hallucination', steps: [2, 3] });
  await call('setVerdict', { responseId: id('rl', 101), supports: 'no' });
  const r103 = await call('getResponse', { id: id('rl', 103) });
  if (r103.steps.length !== 5) throw new Error(`rl 103 should have 5 steps, has ${r103.steps.length}`);
  const step1 = r103.steps[1];
  await call('createTag', { responseId: r103.id, label: 'hallucination', span: [step1.start + 4, step1.start + 10] });
  await call('setVerdict', { responseId: r103.id, supports: 'yes' });
  await call('createTag', { responseId: id('rl', 201), label: 'inconsistent' });
  const gone = await call('createTag', { responseId: id('rl', 'u-1'), label: 'format', steps: [0, 0] });
  await call('deleteTag', { uuid: gone.uuid });

  await as('bob');
  await call('setVerdict', { responseId: id('rl', 101), supports: 'yes' });
  await call('setVerdict', { responseId: r103.id, supports: 'unclear' });
  await call('setVerdict', { responseId: id('sft', 101), supports: 'no' });
  const moved = await call('createTag', { responseId: id('rl', 102, 1), label: 'inconsistent', steps: [2, 2] });
  await call('updateTag', { uuid: moved.uuid, label: 'overlooked-cue' });

  await as('cy');
  await call('createTag', { responseId: id('sft', 102), label: 'overlooked-cue', steps: [0, 0] });
  await call('setVerdict', { responseId: id('sft', 104), reviewStatus: 'done' });
  await call('setVerdict', { responseId: id('rl', 'u-2'), reviewStatus: 'skipped' });

  await as('ana');
  return { store, service, call, refuse, id };
}
