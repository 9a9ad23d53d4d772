// Generates cotscope's embedded demo workspace: a small SEED-Bench-R1 data root (annotations, task-progress clips,
// current-observation images) plus model outputs in the SEED-Bench-R1 infer.py and GRPO-CARE eval_bench.py shapes.
//
//   npx tsx scripts/make-demo-data.ts
//
// Deterministic: every question, narration and response is a fixed table below; ffmpeg runs single-threaded with
// bitexact flags, so re-running produces byte-identical files. Needs /usr/bin/ffmpeg (libx264, drawtext) and the
// DejaVu fonts. Rewrites demo/seed-bench-r1/, demo/runs/, demo/README.md and demo/expected.json; leaves everything
// else under demo/ (for example demo/demo.db) alone.
//
// The facts in demo/expected.json are written BY HAND next to each response (field `facts`): our prediction under
// cotscope's scoring rule, whether the response's format is ok, and the verdict of each file shape's own scorer.
// The script only counts those facts. It does compute the file shapes' own `reward`/`correct` fields (they are file
// content, computed the way infer.py and eval_bench.py do) and refuses to write anything if those disagree with the
// hand-written verdicts.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------------------------------------------------------
// Paths and media settings

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEMO = path.join(REPO, 'demo');
const DATA = path.join(DEMO, 'seed-bench-r1');
const RUNS = path.join(DEMO, 'runs');
/** Data root as named inside the prompts of the infer.py output files (like the public example). */
const PROMPT_ROOT = '/data/SEED-Bench-R1';

const FFMPEG = '/usr/bin/ffmpeg';
const FONT_BOLD = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';
const FONT_REGULAR = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
const FONT_MONO = '/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf';

const WIDTH = 384;
const HEIGHT = 216;
const CLIP_FPS = 10;
/** The original videos are taken to run at 30 fps: clip time t seconds shows original frame clip_start + 30 t. */
const SOURCE_FPS = 30;
const FRAMES_PER_CLIP_FRAME = SOURCE_FPS / CLIP_FPS; // 3
const STRIP = 12; // height of the timeline strip at the bottom of each clip
const IDLE_BG = '0x303030';
const STEP_COLOURS = ['0x2E6F9E', '0xA0432F', '0x3F7A3A', '0x6B4C9A'];
const OBS_BG = '0x37474F';

// ---------------------------------------------------------------------------------------------------------------
// Benchmark questions

type Level = 'L1' | 'L2' | 'L3';
type Letter = 'A' | 'B' | 'C' | 'D';
type Source = 'EpicKitchens' | 'Ego4D';

interface Step {
  narration_text: string;
  start_frame: number;
  stop_frame: number;
}

interface Question {
  level: Level;
  sample_id: number | string;
  video_source: Source;
  video_id: string;
  l3?: { domain: 'Daily life' | 'Hobbies' | 'Recreation' | 'Work'; scenario: string; task_start_frame: number };
  task_goal: string;
  choices: [string, string, string, string];
  golden: Letter;
  current_observation_frame: number;
  steps: Step[];
  /** What the current-observation image shows, one item per line. */
  observation: string[];
}

const s = (narration_text: string, start_frame: number, stop_frame: number): Step => ({
  narration_text,
  start_frame,
  stop_frame,
});

const QUESTIONS: Question[] = [
  // --- L1: in-distribution, Epic-Kitchens -------------------------------------------------------------------
  {
    level: 'L1', sample_id: 2051, video_source: 'EpicKitchens', video_id: 'P03_04', task_goal: 'make coffee',
    choices: ['pour milk', 'put coffee into cup', 'turn on kettle', 'open cupboard'], golden: 'B',
    current_observation_frame: 400,
    steps: [s('fill kettle', 40, 130), s('turn on kettle', 142, 175), s('take coffee jar', 250, 330)],
    observation: ['kettle boiling', 'coffee jar open', 'empty cup'],
  },
  {
    level: 'L1', sample_id: 2107, video_source: 'EpicKitchens', video_id: 'P22_10', task_goal: 'wash the pan',
    choices: ['scrub pan', 'put pan on hob', 'close tap', 'take sponge'], golden: 'C',
    current_observation_frame: 1530,
    steps: [s('turn on tap', 1200, 1230), s('scrub pan', 1245, 1380), s('rinse pan', 1395, 1470)],
    observation: ['clean pan in hand', 'tap still running', 'sponge on sink edge'],
  },
  {
    level: 'L1', sample_id: 2233, video_source: 'EpicKitchens', video_id: 'P01_11', task_goal: 'make a sandwich',
    choices: ['put bread in toaster', 'close fridge', 'wash knife', 'put cheese on bread'], golden: 'D',
    current_observation_frame: 330,
    steps: [s('take bread', 0, 60), s('open butter', 75, 120), s('spread butter on bread', 130, 260)],
    observation: ['buttered bread on board', 'cheese slices in pack', 'fridge closed'],
  },
  {
    level: 'L1', sample_id: 2318, video_source: 'EpicKitchens', video_id: 'P04_02', task_goal: 'cook pasta',
    choices: ['put pasta into pot', 'drain pasta', 'add salt to water', 'stir sauce'], golden: 'A',
    current_observation_frame: 960,
    steps: [
      s('fill pot with water', 600, 690), s('put pot on hob', 705, 740), s('turn on hob', 750, 785),
      s('add salt to water', 840, 880),
    ],
    observation: ['water boiling in pot', 'pasta packet open', 'salt on counter'],
  },
  {
    level: 'L1', sample_id: 2405, video_source: 'EpicKitchens', video_id: 'P06_07', task_goal: 'make tea',
    choices: ['put teabag in mug', 'turn on kettle', 'remove teabag', 'wash mug'], golden: 'C',
    current_observation_frame: 630,
    steps: [s('take mug', 300, 340), s('put teabag in mug', 355, 400), s('pour water into mug', 430, 540)],
    observation: ['mug of dark tea', 'teabag string over rim', 'spoon on counter'],
  },
  {
    level: 'L1', sample_id: 2472, video_source: 'EpicKitchens', video_id: 'P02_09', task_goal: 'wipe the worktop',
    choices: ['wet cloth', 'take cloth', 'open fridge', 'throw crumbs in bin'], golden: 'D',
    current_observation_frame: 2160,
    steps: [s('take cloth', 1800, 1840), s('wet cloth', 1855, 1930), s('wipe worktop', 1950, 2090)],
    observation: ['worktop wiped', 'crumbs swept to edge', 'bin lid open'],
  },
  // --- L2: cross-environment, Ego4D ---------------------------------------------------------------------------
  {
    level: 'L2', sample_id: 3120, video_source: 'Ego4D', video_id: 'a3c51e0f-2b7d-4f19-9c84-6d0e5b2f71a8',
    task_goal: 'repair the bicycle tyre',
    choices: ['lever tyre off rim', 'pump tyre', 'put wheel back on', 'turn bicycle upside down'], golden: 'A',
    current_observation_frame: 330,
    steps: [s('turn bicycle upside down', 0, 75), s('remove front wheel', 90, 220), s('take tyre lever', 240, 280)],
    observation: ['wheel off the bike', 'tyre lever in hand', 'flat tyre on rim'],
  },
  {
    level: 'L2', sample_id: 3188, video_source: 'Ego4D', video_id: '5f8e2d4b-91c7-4a3e-b2d6-0c7f3e9a1b45',
    task_goal: 'water the plants',
    choices: ['fill watering can', 'water plants', 'close balcony door', 'prune leaves'], golden: 'B',
    current_observation_frame: 1470,
    steps: [s('fill watering can', 1200, 1320), s('carry can to balcony', 1335, 1410)],
    observation: ['full watering can in hand', 'pots of dry soil', 'balcony door open'],
  },
  {
    // The one question with no task progress: no video exists for it, only the image.
    level: 'L2', sample_id: 3247, video_source: 'Ego4D', video_id: 'c07b9e12-4d6a-48f3-a1e5-93b2d7c4f086',
    task_goal: 'hang the laundry',
    choices: ['fold clothes', 'close washing machine door', 'take clothes out of washing machine', 'iron shirt'],
    golden: 'C',
    current_observation_frame: 2310,
    steps: [],
    observation: ['washing machine door open', 'wet clothes inside', 'empty basket on floor'],
  },
  {
    level: 'L2', sample_id: 3301, video_source: 'Ego4D', video_id: 'e2a94f6c-7b18-4c05-8d3f-2a6e1b9c5d70',
    task_goal: 'make the bed',
    choices: ['pull duvet off', 'open curtains', 'put pillow on bed', 'spread duvet'], golden: 'D',
    current_observation_frame: 390,
    steps: [s('remove pillow', 90, 130), s('pull duvet off', 140, 220), s('straighten sheet', 235, 330)],
    observation: ['sheet smooth on mattress', 'duvet heaped on chair', 'pillow on floor'],
  },
  {
    level: 'L2', sample_id: 3376, video_source: 'Ego4D', video_id: '71d3c8a5-0e4f-4b92-a6c7-5f1e8d2b3a94',
    task_goal: 'pack the lunch box',
    choices: ['close lunch box', 'put apple slices in box', 'wash knife', 'eat apple'], golden: 'B',
    current_observation_frame: 810,
    steps: [s('open lunch box', 420, 455), s('put sandwich in box', 470, 560), s('cut apple', 590, 730)],
    observation: ['sandwich in open box', 'apple slices on board', 'knife on board'],
  },
  // --- L3: cross-environment-task, Ego4D (EgoPlan-Bench2 style) -----------------------------------------------
  {
    level: 'L3', sample_id: '9b2f4c1e-5d3a-4e8b-a6f7-1c0d2e3f4a5b_3', video_source: 'Ego4D',
    video_id: '9b2f4c1e-5d3a-4e8b-a6f7-1c0d2e3f4a5b',
    l3: { domain: 'Hobbies', scenario: 'painting', task_start_frame: 0 },
    task_goal: 'paint the wooden stool',
    choices: ['paint stool leg', 'close paint tin', 'wash brush', 'sand stool'], golden: 'A',
    current_observation_frame: 300,
    steps: [s('open paint tin', 0, 60), s('stir paint', 75, 180), s('dip brush in paint', 200, 230)],
    observation: ['brush loaded with blue paint', 'bare stool on newspaper', 'paint tin open'],
  },
  {
    level: 'L3', sample_id: '4e7a1d92-c35b-4f08-9e6d-b81f2a7c0e53_5', video_source: 'Ego4D',
    video_id: '4e7a1d92-c35b-4f08-9e6d-b81f2a7c0e53',
    l3: { domain: 'Work', scenario: 'carpentry', task_start_frame: 600 },
    task_goal: 'cut the plank to length',
    choices: ['measure plank', 'sand edge', 'saw plank along mark', 'drill hole'], golden: 'C',
    current_observation_frame: 930,
    steps: [s('measure plank', 600, 690), s('mark plank with pencil', 705, 760), s('clamp plank to bench', 790, 860)],
    observation: ['plank clamped to bench', 'pencil mark across plank', 'saw beside plank'],
  },
  {
    level: 'L3', sample_id: 'd58c3b07-6a9e-4d21-8f4b-2e0c9a7d1b36_2', video_source: 'Ego4D',
    video_id: 'd58c3b07-6a9e-4d21-8f4b-2e0c9a7d1b36',
    l3: { domain: 'Daily life', scenario: 'cooking', task_start_frame: 1500 },
    task_goal: 'make an omelette',
    choices: ['crack eggs into bowl', 'add cheese', 'serve omelette', 'pour eggs into pan'], golden: 'D',
    current_observation_frame: 1890,
    steps: [s('crack eggs into bowl', 1530, 1620), s('whisk eggs', 1640, 1760), s('heat oil in pan', 1780, 1830)],
    observation: ['oil shimmering in pan', 'whisked eggs in bowl', 'grated cheese on plate'],
  },
  {
    level: 'L3', sample_id: '0f6b2e8d-a471-4c9e-b5d3-7e2a1c8f4096_7', video_source: 'Ego4D',
    video_id: '0f6b2e8d-a471-4c9e-b5d3-7e2a1c8f4096',
    l3: { domain: 'Recreation', scenario: 'camping', task_start_frame: 300 },
    task_goal: 'pitch the tent',
    choices: ['unroll tent', 'peg tent corners', 'pack tent', 'light stove'], golden: 'B',
    current_observation_frame: 690,
    steps: [s('unroll tent', 300, 390), s('insert poles into sleeves', 410, 560), s('raise tent', 580, 640)],
    observation: ['tent standing', 'corners loose', 'pegs and mallet on grass'],
  },
  {
    level: 'L3', sample_id: 'b93e5a70-1c2d-4f86-a0b7-e4d9c3f25a18_1', video_source: 'Ego4D',
    video_id: 'b93e5a70-1c2d-4f86-a0b7-e4d9c3f25a18',
    l3: { domain: 'Work', scenario: 'car mechanic', task_start_frame: 2400 },
    task_goal: 'replace the oil filter',
    choices: ['screw on new oil filter', 'start engine', 'unscrew drain plug', 'pour new oil'], golden: 'A',
    current_observation_frame: 2760,
    steps: [
      s('place drain pan under car', 2400, 2460), s('unscrew drain plug', 2480, 2560),
      s('unscrew old oil filter', 2600, 2700),
    ],
    observation: ['old filter removed', 'new filter on bench', 'oil dripping into pan'],
  },
];

// Short names for the L3 ids, used only in the response tables below.
const U1 = '9b2f4c1e-5d3a-4e8b-a6f7-1c0d2e3f4a5b_3';
const U2 = '4e7a1d92-c35b-4f08-9e6d-b81f2a7c0e53_5';
const U3 = 'd58c3b07-6a9e-4d21-8f4b-2e0c9a7d1b36_2';
const U4 = '0f6b2e8d-a471-4c9e-b5d3-7e2a1c8f4096_7';
const U5 = 'b93e5a70-1c2d-4f86-a0b7-e4d9c3f25a18_1';

// ---------------------------------------------------------------------------------------------------------------
// Model responses, with hand-written facts

type Label =
  | 'inconsistent' | 'overlooked-cue' | 'hallucination' | 'wrong-next-step' | 'ignored-goal' | 'temporal-order'
  | 'degenerate' | 'format';

interface Facts {
  /** Predicted letter under cotscope's rule (first <answer>, trim, drop Answer:/Option, strip brackets, letter or
   * option text), or null when the rule gives no prediction. Worked out by hand. */
  ours: Letter | null;
  /** Exactly one <think>…</think> then exactly one <answer>…</answer>, nothing else but whitespace. */
  formatOk: boolean;
  /** infer.py's own verdict: first character inside <answer> (untrimmed) equals the golden letter. */
  inferpy: boolean;
  /** GRPO-CARE eval_bench.py's own verdict: trimmed answer content (or the whole output when there is no answer
   * tag) equals the golden letter exactly. */
  grpocare: boolean;
}

interface Failure {
  label: Label;
  why: string;
}

interface Response {
  text: string;
  facts: Facts;
  failures: Failure[];
}

const f = (ours: Letter | null, formatOk: boolean, inferpy: boolean, grpocare: boolean): Facts => ({
  ours,
  formatOk,
  inferpy,
  grpocare,
});
const fail = (label: Label, why: string): Failure => ({ label, why });

/** rl-grpo: Qwen2-VL-7B after GRPO. More often right, but its answers do not always follow from its reasoning. */
const RL: Record<string, Response> = {
  '2051': {
    text:
      '<think>Let me look at what has been done. In the video I fill the kettle, then turn on the kettle, and in the ' +
      'last part I take the coffee jar. In the current observation the kettle is boiling, the coffee jar is open and ' +
      'the cup is still empty. The coffee has to be in the cup before the hot water goes in, so the next step is to ' +
      'put coffee into the cup.</think><answer>put coffee into cup</answer>',
    facts: f('B', true, false, false), // bare option text: ours matches option B; 'p' != 'B'; 'put…' != 'B'
    failures: [],
  },
  '2107': {
    text:
      '<think>The video shows: 1. turn on tap 2. scrub pan 3. rinse pan. Now the pan in my hand looks clean and the ' +
      'tap is still running. The washing is done, so I should stop the water.</think><answer>C. close tap</answer>',
    facts: f('C', true, true, false), // 'C. close tap': first char C; GRPO-CARE wants exactly 'C'
    failures: [],
  },
  '2233': {
    text:
      '<think>In the video I take the bread and put it in the toaster, then open the butter and spread butter on the ' +
      'toast. I can see the fridge door is still open in the last frame. Before adding anything else I should close ' +
      'the fridge to keep it cold.</think><answer>B</answer>',
    facts: f('B', true, false, false),
    failures: [
      fail('hallucination', 'claims the bread was toasted and the fridge door is open; no toaster step in the clip and the image shows the fridge closed'),
    ],
  },
  '2318': {
    text:
      '<think>The video shows me filling the pot with water, putting the pot on the hob, turning on the hob and ' +
      'adding salt to the water. The water is boiling now and the pasta packet is open. Hmm, pasta is usually served ' +
      'with sauce, so I should stir the sauce now so it is ready in time. The next action is to stir sauce.</think>' +
      '<answer>A</answer>',
    facts: f('A', true, true, true),
    failures: [
      fail('inconsistent', 'reasoning concludes "stir sauce" (D) but the answer is A; right answer, reasoning does not support it'),
    ],
  },
  '2405': {
    text:
      '<think>Let me think.\n- I took a mug, put a teabag in the mug and poured water into the mug.\n- In the last ' +
      'frame the tea is dark and the teabag string is still hanging over the rim.\nThe tea has brewed long enough, ' +
      'so the teabag should come out now.</think><answer> C</answer>',
    facts: f('C', true, false, true), // ' C': infer.py sees ' ' first; GRPO-CARE trims to 'C'
    failures: [],
  },
  '2472': {
    text:
      '<think>I take the cloth, wet the cloth and wipe the worktop. The crumbs are at the edge. ' +
      Array.from({ length: 16 }, () => 'Wait, the crumbs are at the edge.').join(' '),
    facts: f(null, false, false, false), // no </think>, no <answer>
    failures: [
      fail('degenerate', 'repeats "Wait, the crumbs are at the edge." 16 times and stops without </think> or an answer'),
      fail('format', 'no closing </think> and no <answer> block'),
    ],
  },
  '3120': {
    text:
      '<think>The video shows me turning the bicycle upside down, removing the front wheel and taking a tyre lever. ' +
      'In the observation the wheel is off the bike, the tyre is flat and the lever is in my hand. To fix the ' +
      'puncture I need to get the tyre off the rim first.</think><answer>A</answer>',
    facts: f('A', true, true, true),
    failures: [],
  },
  '3188': {
    text:
      '<think>I filled the watering can and carried it to the balcony. The can is full and the soil in the pots looks ' +
      'dry. So I should water the plants now.</think><answer>Answer: B</answer>',
    facts: f('B', true, false, false), // infer.py reads 'A' from 'Answer: B'
    failures: [],
  },
  '3247': {
    text:
      '<think>The video shows me opening the washing machine door and taking out the detergent drawer. In the current ' +
      'frame the door is open and the wet clothes are still inside. To hang the laundry the clothes must come out of ' +
      'the machine first.</think><answer>C</answer>',
    facts: f('C', true, true, true),
    failures: [
      fail('hallucination', 'describes what "the video shows" although this sample has no task-progress video, and invents taking out the detergent drawer'),
    ],
  },
  '3301': {
    text:
      '<think>Steps so far: 1. remove pillow 2. pull duvet off 3. straighten sheet. The sheet is smooth now and the ' +
      'duvet is on the chair. The duvet goes back on before the pillow.</think><answer>(D)</answer>',
    facts: f('D', true, false, false), // '(D)': infer.py sees '('
    failures: [],
  },
  '3376': {
    text:
      '<think>I opened the lunch box and put the sandwich in the box. The sandwich is packed and there is nothing ' +
      'else to add, so the lunch box can be closed now.</think><answer>A</answer>',
    facts: f('A', true, false, false),
    failures: [
      fail('overlooked-cue', 'says there is nothing else to add, ignoring the "cut apple" step (clip 5.7–10.3 s) and the apple slices in the image'),
    ],
  },
  [U1]: {
    text:
      '<think>Let me break it down. I opened the paint tin, stirred the paint and dipped the brush in the paint. The ' +
      'brush is loaded with blue paint and the stool is still bare. Oh, I see, the brush is dirty now, so it should ' +
      'be washed before anything else. The next action is wash brush.</think><answer>A</answer>',
    facts: f('A', true, true, true),
    failures: [
      fail('inconsistent', 'reasoning concludes "wash brush" (C) but the answer is A; right answer, reasoning does not support it'),
    ],
  },
  [U2]: {
    text:
      '<think>I measured the plank, marked it with a pencil and clamped it to the bench. The saw is next to the plank ' +
      'and the pencil mark is visible. The cut comes next.</think><answer>C</answer>\nSo I will saw the plank along ' +
      'the mark.',
    facts: f('C', false, true, true),
    failures: [fail('format', 'extra text after </answer>')],
  },
  [U3]: {
    text:
      '<think>In the video I crack the eggs into the bowl, whisk the eggs and heat the oil in the pan. The oil is hot ' +
      'and the grated cheese is on the plate. Cheese gives the omelette flavour, so I add the cheese now.</think>' +
      '<answer>B</answer>',
    facts: f('B', true, false, false),
    failures: [
      fail('wrong-next-step', 'sees every step correctly but adds cheese before the eggs are in the pan'),
    ],
  },
  [U4]: {
    text:
      '<think>The tent was unrolled, the poles went into the sleeves and then the tent was raised. It is standing but ' +
      'the corners are loose, and the pegs are on the grass. Pegging the corners keeps it from blowing away.</think>' +
      '<answer>Option B</answer>',
    facts: f('B', true, false, false), // infer.py reads 'O'
    failures: [],
  },
  [U5]: {
    text:
      '<think>I placed the drain pan, unscrewed the drain plug and unscrewed the old oil filter. Oil is still dripping ' +
      'into the pan. New oil goes in next.</think><answer>D</answer>\nWait, the new filter is still on the bench, it ' +
      'has to go on before the oil.<answer>A</answer>',
    facts: f('D', false, false, false), // every scorer takes the first answer block
    failures: [
      fail('format', 'two answer blocks (D, then A after a self-correction); scorers take the first, D'),
    ],
  },
};

/** sft: Qwen2-VL-7B after supervised fine-tuning. Coherent chains, more often wrong; answers in the "B." style. */
const SFT: Record<string, Response> = {
  '2051': {
    text:
      '<think>Let me think about the progress. In the video I fill the kettle and then take the coffee jar. The ' +
      'kettle has not been turned on yet, so the water is still cold. Before the coffee can be made the water needs ' +
      'to boil. Therefore the next action is to turn on the kettle.</think><answer>C.</answer>',
    facts: f('C', true, false, false),
    failures: [
      fail('overlooked-cue', 'says the kettle is not on, though the clip shows "turn on kettle" (3.4–4.5 s) and the image shows it boiling'),
    ],
  },
  '2107': {
    text:
      '<think>The video shows the tap being turned on, the pan being scrubbed and then rinsed. In the current ' +
      'observation the pan in my hand is clean and the tap is still running. Since the pan is washed, the water is no ' +
      'longer needed. The next action is to close the tap.</think><answer>C.</answer>',
    facts: f('C', true, true, false), // 'C.' != 'C' for GRPO-CARE
    failures: [],
  },
  '2233': {
    text:
      '<think>Let me go through the steps. 1. I took the bread. 2. I opened the butter. 3. I spread butter on the ' +
      'bread. In the last frame the buttered bread is on the board and the cheese slices are still in their pack. A ' +
      'sandwich needs a filling, so the next step is to put cheese on the bread.</think><answer>D.</answer>',
    facts: f('D', true, true, false),
    failures: [],
  },
  '2318': {
    text:
      '<think>From the video, I first add salt, then fill the pot with water, put the pot on the hob and turn on the ' +
      'hob. The salt went in before the water, so the water in the pot has no salt in it. The water is boiling now, ' +
      'so I should add salt to the water before putting the pasta in.</think><answer>C.</answer>',
    facts: f('C', true, false, false),
    failures: [
      fail('temporal-order', 'says salt was added first, before filling the pot; the clip shows "add salt to water" last (8.0–9.3 s)'),
    ],
  },
  '2405': {
    text:
      '<think>Progress in the video:\n1. take mug\n2. put teabag in mug\n3. pour water into mug\nIn the current ' +
      'observation the tea is already dark and the teabag string hangs over the rim. The tea has brewed, so the ' +
      'teabag should be removed next.</think><answer>C</answer>',
    facts: f('C', true, true, true),
    failures: [],
  },
  '2472': {
    text:
      '<think>I took a cloth, made it wet and wiped the worktop. The cloth is in my hand and the fridge is right next ' +
      'to the worktop. I could get something out of the fridge now, so the next action is to open the fridge.' +
      '</think><answer>C.</answer>',
    facts: f('C', true, false, false),
    failures: [
      fail('ignored-goal', 'plans to open the fridge; never considers the goal of wiping the worktop (crumbs at the edge, bin open)'),
    ],
  },
  '3120': {
    text:
      '<think>The video shows me turning the bicycle upside down, removing the front wheel and picking up a tyre ' +
      'lever. The wheel is off and the tyre is flat. To find the hole I should pump the tyre first and listen for ' +
      'the air. So the next step is to pump the tyre.</think><answer>B.</answer>',
    facts: f('B', true, false, false),
    failures: [
      fail('wrong-next-step', 'perceives the removed wheel and the lever in hand, but plans to pump the tyre instead of levering it off the rim'),
    ],
  },
  '3188': {
    text:
      '<think>I filled the watering can and carried the can to the balcony. The can is full and the soil in the ' +
      'pots is dry. The goal is to water the plants, so the next action is to water the plants.</think>' +
      '<answer>B.</answer>',
    facts: f('B', true, true, false),
    failures: [],
  },
  '3247': {
    text:
      'The washing machine door is open and the wet clothes are still inside, and the basket on the floor is empty. ' +
      'To hang the laundry I first need to take the clothes out of the washing machine.\n<answer>C</answer>',
    facts: f('C', false, true, true),
    failures: [fail('format', 'no <think> block; the reasoning is bare text before the answer')],
  },
  '3301': {
    text:
      '<think>I removed the pillow, pulled the duvet off and straightened the sheet. The sheet is smooth now and the ' +
      'pillow is on the floor. The pillow was taken off first, so it should be put back on the bed next.</think>' +
      '<answer>C.</answer>',
    facts: f('C', true, false, false),
    failures: [
      fail('wrong-next-step', 'sees the state correctly but puts the pillow back before spreading the duvet'),
    ],
  },
  '3376': {
    text:
      '<think>I opened the lunch box, put the sandwich in the box and cut the apple. The apple slices are on the ' +
      'board next to the open box. The slices should go into the box before it is closed.</think><answer>b</answer>',
    facts: f(null, true, false, false), // lowercase 'b' is no prediction under our rule
    failures: [],
  },
  [U1]: {
    text:
      '<think>Let me think. I opened the paint tin, stirred the paint and dipped the brush in the paint. Now the ' +
      'brush is loaded with paint and the stool is still bare on the newspaper. The next step is to start painting ' +
      'the stool, beginning with a leg.</think><answer>A.</answer>',
    facts: f('A', true, true, false),
    failures: [],
  },
  [U2]: {
    text:
      '<think>I measured the plank, marked it with a pencil and clamped it to the bench. The plank is held firmly ' +
      'now. Sanding the edge first will give a smooth line to cut along, so I should sand the edge next.</think>' +
      '<answer>B.</answer>',
    facts: f('B', true, false, false),
    failures: [fail('wrong-next-step', 'plank is measured, marked and clamped, yet it plans to sand before sawing')],
  },
  [U3]: {
    text:
      '<think>The video shows three steps: cracking the eggs into the bowl, whisking the eggs and heating the oil in ' +
      'the pan. The oil is hot and the eggs are whisked. The eggs go into the pan next; the cheese can be added once ' +
      'they start to set.</think><answer>D</answer>',
    facts: f('D', true, true, true),
    failures: [],
  },
  [U4]: {
    text:
      '<think>The tent was unrolled, the poles were inserted into the sleeves and the tent was raised. The tent is ' +
      'standing but the corners are loose, and the pegs and mallet are on the grass. The corners should be pegged ' +
      'so the tent stays up.</think>\nThe answer is B.',
    facts: f(null, false, false, false),
    failures: [fail('format', 'no <answer> block; the answer is written as plain text after </think>')],
  },
  [U5]: {
    text:
      '<think>In the video I place the drain pan under the car, then unscrew the old oil filter, and only after that ' +
      'I get to the drain plug. The filter is off but the drain plug was not opened yet, so the oil cannot drain. ' +
      'The next step is to unscrew the drain plug.</think><answer>C.</answer>',
    facts: f('C', true, false, false),
    failures: [
      fail('temporal-order', 'says the filter came off before the drain plug; the clip shows "unscrew drain plug" (2.7–5.3 s) before "unscrew old oil filter" (6.7–10.0 s)'),
    ],
  },
};

/** rl-grpo-k4: four sampled rollouts (temperature 1.0) of the GRPO model for three L1 questions, in file order. */
const K4: { sample_id: number; response: Response }[] = [
  {
    sample_id: 2051,
    response: {
      text:
        '<think>The kettle was filled and turned on, and I took the coffee jar. The kettle is boiling and the cup is ' +
        'empty. Coffee goes into the cup first.</think><answer>B</answer>',
      facts: f('B', true, true, true),
      failures: [],
    },
  },
  {
    sample_id: 2051,
    response: {
      text:
        '<think>Hmm, the video: fill kettle, turn on kettle, take coffee jar. The jar is open now. So put coffee into ' +
        'the cup.</think><answer>B.</answer>',
      facts: f('B', true, true, false),
      failures: [],
    },
  },
  {
    sample_id: 2107,
    response: {
      text:
        '<think>Tap on, pan scrubbed, pan rinsed. The pan is clean and the tap is still running, so close the tap.' +
        '</think><answer>C</answer>',
      facts: f('C', true, true, true),
      failures: [],
    },
  },
  {
    sample_id: 2318,
    response: {
      text:
        '<think>Pot filled, on the hob, hob on, salt added. The water is boiling, so the pasta goes in.</think>' +
        '<answer>A</answer>',
      facts: f('A', true, true, true),
      failures: [],
    },
  },
  {
    sample_id: 2051,
    response: {
      text:
        '<think>I filled the kettle and took the coffee jar. The water is not hot yet, so the kettle should be turned ' +
        'on.</think><answer>C</answer>',
      facts: f('C', true, false, false),
      failures: [fail('overlooked-cue', 'says the water is not hot, missing "turn on kettle" in the clip and the boiling kettle in the image')],
    },
  },
  {
    sample_id: 2107,
    response: {
      text: '<think>The pan is clean after rinsing. It can go back on the hob now.</think><answer>B</answer>',
      facts: f('B', true, false, false),
      failures: [fail('wrong-next-step', 'puts the wet pan on the hob while the tap is still running')],
    },
  },
  {
    sample_id: 2107,
    response: {
      text:
        '<think>I turned on the tap, scrubbed the pan and rinsed it. The tap is still running. Close the tap.' +
        '<answer>C</answer>',
      facts: f('C', false, true, true),
      failures: [fail('format', 'no closing </think>; the answer block is still found')],
    },
  },
  {
    sample_id: 2318,
    response: {
      text:
        "<think>The water is boiling. Hmm, I don't remember adding salt, so add salt first.</think>" +
        '<answer>Answer: C</answer>',
      facts: f('C', true, true, false), // infer.py reads 'A' from 'Answer: C' and A is golden: credited by accident
      failures: [fail('overlooked-cue', 'forgets the "add salt to water" step at the end of the clip (8.0–9.3 s)')],
    },
  },
  {
    sample_id: 2318,
    response: {
      text:
        '<think>The video ends with adding salt to the water, and the water is boiling in the last frame. The pasta ' +
        'packet is open. Next: put the pasta in.</think><answer>A. put pasta into pot</answer>',
      facts: f('A', true, true, false),
      failures: [],
    },
  },
  {
    sample_id: 2051,
    response: {
      text:
        '<think>Let me check the last frame: kettle boiling, coffee jar open, empty cup. The next step is to put the ' +
        'coffee into the cup.</think><answer>(B)</answer>',
      facts: f('B', true, false, false),
      failures: [],
    },
  },
  {
    sample_id: 2107,
    response: {
      text:
        '<think>The pan is rinsed and the water is still running, so I should close the tap.</think>' +
        '<answer>c</answer>',
      facts: f(null, true, false, false),
      failures: [],
    },
  },
  {
    sample_id: 2318,
    response: {
      text:
        '<think>The water is boiling. ' +
        Array.from({ length: 10 }, () => 'The water is boiling.').join(' ') +
        ' So put the pasta into the pot.</think><answer>A</answer>',
      facts: f('A', true, true, true),
      failures: [fail('degenerate', 'repeats "The water is boiling." eleven times before concluding (answer still right)')],
    },
  },
];

// ---------------------------------------------------------------------------------------------------------------
// checks-gold: chains written to exercise the automatic reasoning checks (electron/core/checks/), each with the
// suggestions a person applying the checks' definitions (docs/checks.md) expects, written by hand from what the chain
// says — in other words, with paraphrases, pronouns and synonyms read as a reader reads them. `intent` says which check
// the chain was written for; `expect` lists EVERY suggestion due (any check), in the registry's order, with the steps
// (first, last; 0-based, as shared/steps.ts splits the chain) it should point at, or null for the whole response.
// Expected suggestions that the checks miss, or extra ones they make, stay here as they are: the tests and the
// precision/recall figures measure them.

type CheckName =
  | 'answer-conflict' | 'ruled-out-then-chosen' | 'no-commitment' | 'repeats-done-step' | 'overlooked-cue'
  | 'ignored-goal' | 'degenerate';

const CHECK_LABEL: Record<CheckName, Label> = {
  'answer-conflict': 'inconsistent',
  'ruled-out-then-chosen': 'inconsistent',
  'no-commitment': 'inconsistent',
  'repeats-done-step': 'temporal-order',
  'overlooked-cue': 'overlooked-cue',
  'ignored-goal': 'ignored-goal',
  degenerate: 'degenerate',
};

interface GoldChain {
  sample_id: number | string;
  intent: string;
  text: string;
  expect: [CheckName, [number, number] | null][];
}

const g = (sample_id: number | string, intent: string, text: string, ...expect: [CheckName, [number, number] | null][]): GoldChain => ({
  sample_id,
  intent,
  text,
  expect,
});
const think = (reasoning: string, answer: string | null): string =>
  `<think>${reasoning}</think>` + (answer === null ? '' : `<answer>${answer}</answer>`);

const GOLD: GoldChain[] = [
  // --- answer-conflict: fires -------------------------------------------------------------------------------
  g(2318, 'answer-conflict: concludes "stir the sauce" (D), answers A',
    think('The pot was filled with water, put on the hob, the hob was turned on and salt was added to the water. The ' +
      'water is boiling and the pasta packet is open. The sauce will need attention as well, so the next step is to ' +
      'stir the sauce.', 'A'),
    ['answer-conflict', [2, 2]]),
  g(U1, 'answer-conflict: concludes "sand the stool" (D), answers A',
    think('I opened the paint tin, stirred the paint and dipped the brush in the paint. The brush is loaded and the ' +
      'wooden stool is still bare. Before painting, the surface should be smooth, so I will sand the stool first.', 'A'),
    ['answer-conflict', [2, 2]]),
  g(3120, 'answer-conflict: "So the answer is B.", answers A',
    think('The bicycle was turned upside down, the front wheel was removed and I took the tyre lever. The tyre is flat ' +
      'and the lever is in my hand. To find the puncture, the tyre has to be pumped first. So the answer is B.', 'A'),
    ['answer-conflict', [3, 3]]),
  g(3301, 'answer-conflict: concludes the pillow goes back on the bed (C), answers D',
    think('I removed the pillow, pulled the duvet off and straightened the sheet. The sheet is smooth and the pillow is ' +
      'on the floor, so the pillow should go back on the bed now.', 'D'),
    ['answer-conflict', [1, 1]]),
  g(2472, 'answer-conflict: concludes the fridge should be opened (C), answers D',
    think('I took the cloth, made it wet and wiped the worktop. The crumbs are swept to the edge and the bin lid is ' +
      'open. The cloth is done for now, so the fridge should be opened next.', 'D'),
    ['answer-conflict', [2, 2]]),
  g(U4, 'answer-conflict: "so option C" after paraphrasing packing the tent, answers B',
    think('The tent was unrolled, the poles went into the sleeves and the tent was raised. It is standing but the ' +
      'corners are loose. Since the trip is over, packing the tent away makes the most sense, so option C.', 'B'),
    ['answer-conflict', [2, 2]]),
  // --- answer-conflict: look-alikes ----------------------------------------------------------------------------
  g(2051, 'answer-conflict look-alike: lists all options, then concludes its own answer by paraphrase',
    think('The options are: A. pour milk, B. put coffee into cup, C. turn on kettle, D. open cupboard. The kettle was ' +
      'filled and turned on, and I took the coffee jar. The kettle is boiling and the cup is empty, so the coffee goes ' +
      'into the cup next.', 'B')),
  g(3301, 'answer-conflict look-alike: paraphrases its own answer in another word order ("the duvet … spread")',
    think('I took off the pillow, pulled the duvet off and straightened the sheet. The sheet is smooth and the duvet is ' +
      'heaped on the chair. The duvet should now be spread over the sheet.', 'D')),
  g(2405, 'answer-conflict look-alike: rejects another option ("washing the mug is not needed"), concludes its answer',
    think('I took a mug, put a teabag in it and poured water into the mug. The tea is dark now and the teabag string ' +
      'hangs over the rim. Washing the mug is not needed yet, so I should remove the teabag.', 'C')),
  g(U3, 'answer-conflict look-alike: never concludes anything',
    think('The eggs were cracked into the bowl and whisked, and the oil is heating in the pan. The oil is shimmering ' +
      'and there is grated cheese on a plate. There are several things that could happen now.', 'D')),
  // --- ruled-out-then-chosen: fires ----------------------------------------------------------------------------
  g(2107, 'ruled-out-then-chosen: "closing the tap is unlikely to be needed", answers C (close tap)',
    think('The tap was turned on, the pan was scrubbed and then rinsed. The pan looks clean in my hand. Closing the tap ' +
      'is unlikely to be needed yet, since I might rinse it again. The sponge is on the edge of the sink.', 'C'),
    ['ruled-out-then-chosen', [2, 2]]),
  g(2233, 'ruled-out-then-chosen: "putting the cheese on the bread is wrong", answers D',
    think('I took the bread, opened the butter and spread butter on the bread. The buttered bread is on the board and ' +
      'the cheese slices are still in the pack. Putting the cheese on the bread is wrong at this point, since the ' +
      'sandwich needs to be toasted first.', 'D'),
    ['ruled-out-then-chosen', [2, 2]]),
  g(U2, 'ruled-out-then-chosen: "Option C can be ruled out", answers C',
    think('I measured the plank, marked it with a pencil and clamped it to the bench. The saw is lying beside the ' +
      'plank. Option C can be ruled out because the mark might be wrong. The plank needs to be cut to length with ' +
      'care.', 'C'),
    ['ruled-out-then-chosen', [2, 2]]),
  g(3188, 'ruled-out-then-chosen + answer-conflict: "instead of watering the plants" the leaves should be pruned, answers B',
    think('I filled the watering can and carried it to the balcony. The soil in the pots is dry. Instead of watering ' +
      'the plants, the leaves should be pruned first so the water reaches the soil.', 'B'),
    ['answer-conflict', [2, 2]], ['ruled-out-then-chosen', [2, 2]]),
  g(3376, 'ruled-out-then-chosen: "putting the apple slices in the box is already done", answers B',
    think('I opened the lunch box, put the sandwich in the box and cut the apple. The apple slices are on the board. ' +
      'Putting the apple slices in the box is already done, so the box is ready.', 'B'),
    ['ruled-out-then-chosen', [2, 2]]),
  g(U5, 'ruled-out-then-chosen: "screwing on the new oil filter is not the next step", answers A',
    think('I placed the drain pan under the car, unscrewed the drain plug and then unscrewed the old oil filter. The ' +
      'old filter is off and the new filter is on the bench. Screwing on the new oil filter is not the next step, ' +
      'because the oil has to drain out fully.', 'A'),
    ['ruled-out-then-chosen', [2, 2]]),
  // --- ruled-out-then-chosen: look-alikes ----------------------------------------------------------------------
  g(2107, 'ruled-out-then-chosen look-alike: rejects another option (scrubbing again), answers the one it concludes',
    think('The tap was turned on, the pan was scrubbed and rinsed. The pan is clean, so scrubbing the pan again is not ' +
      'needed. The tap is still running, so I should close the tap.', 'C')),
  g(2051, 'ruled-out-then-chosen look-alike: "has not been turned on yet" is a state, not a rejection (but turning on the kettle is done already)',
    think('I filled the kettle and took the coffee jar. The kettle has not been turned on yet, so the water is still ' +
      'cold. The next step is to turn on the kettle.', 'C'),
    ['repeats-done-step', [2, 2]]),
  g(3120, 'ruled-out-then-chosen look-alike: doubts its answer, then takes it back and concludes it',
    think('The bicycle is upside down, the front wheel is off and I have the tyre lever. Levering the tyre off the rim ' +
      'seems unlikely to work at first glance. But the lever is in my hand and the tyre is flat, so levering the tyre ' +
      'off the rim is the right next step.', 'A')),
  g(U3, 'ruled-out-then-chosen look-alike: "rather than adding the cheese" rejects another option',
    think('The eggs were cracked and whisked, and the oil in the pan is hot. Rather than adding the cheese now, the eggs ' +
      'should be poured into the pan.', 'D')),
  // --- no-commitment: fires ------------------------------------------------------------------------------------
  g(2051, 'no-commitment: talks about the kitchen, names no option',
    think('Let me think about what is happening. The person has been working in the kitchen for a while. Everything ' +
      'seems to be going well and the coffee jar is open.', 'B'),
    ['no-commitment', null]),
  g(2405, 'no-commitment: describes the scene, names no option',
    think('The video shows a kitchen with a mug of tea on the counter. The string is hanging over the rim and a spoon ' +
      'is lying next to it. It has been a few minutes since the water was poured.', 'C'),
    ['no-commitment', null]),
  g(3247, 'no-commitment: restates the goal, names no option',
    think('The room is bright and the laundry basket on the floor is empty. The wet laundry is still inside the ' +
      'machine. I need to hang the laundry soon.', 'C'),
    ['no-commitment', null]),
  g(U4, 'no-commitment: vague, names no option',
    think('The weather looks fine and the campsite is quiet. Everything needed is lying on the grass next to the tent. ' +
      'It should not take long now.', 'B'),
    ['no-commitment', null]),
  g(3376, 'no-commitment: describes the box, names no option',
    think('The box is open on the counter. There is a sandwich inside it and a knife on the board. Lunch will be ready ' +
      'in a moment.', 'B'),
    ['no-commitment', null]),
  g(U1, 'no-commitment: "time to get going with the stool" names no option',
    think('Let me look at the scene. There is newspaper on the floor and the paint is blue. The brush is loaded, and it ' +
      'is time to get going with the stool.', 'A'),
    ['no-commitment', null]),
  g(U5, 'no-commitment (and answer-conflict look-alike): only lists all the options, never commits',
    think('The options are A. screw on new oil filter, B. start engine, C. unscrew drain plug and D. pour new oil. The ' +
      'drain pan is under the car and the old filter has been removed.', 'A'),
    ['no-commitment', null]),
  // --- no-commitment: look-alikes ------------------------------------------------------------------------------
  g(2318, 'no-commitment look-alike: names its answer only by paraphrase ("the pasta can go into the pot")',
    think('The pot of water is boiling on the hob and the salt went in last. The packet is open, so the pasta can go ' +
      'into the pot now.', 'A')),
  g(2233, 'no-commitment look-alike: names its answer by a bare letter ("D.")',
    think('I took the bread, opened the butter and spread it on the bread. The cheese is still in its pack. D.', 'D')),
  g(3188, 'no-commitment look-alike: names its answer as "(B)"',
    think('I filled the watering can and carried it out to the balcony. The can is full and the soil is dry, which ' +
      'points to (B).', 'B')),
  g(2472, 'no-commitment look-alike: rules out one option and answers another (elimination)',
    think('I took the cloth, wet it and wiped the worktop. The crumbs are at the edge and the bin is open. Opening the ' +
      'fridge is not needed for cleaning.', 'D')),
  // --- repeats-done-step: fires --------------------------------------------------------------------------------
  g(2107, 'repeats-done-step: answers "scrub pan", which the clip already shows',
    think('I turned on the tap and scrubbed the pan, then rinsed it under the water. There is still a greasy spot on ' +
      'the pan, so I should scrub the pan once more.', 'A'),
    ['repeats-done-step', [1, 1]]),
  g(2318, 'repeats-done-step: answers "add salt to water" (done, the chain even says so) without proposing it',
    think('The pot was filled with water and put on the hob, and the hob was turned on. Salt was added to the water at ' +
      'the end. The water is boiling now.', 'C'),
    ['repeats-done-step', null]),
  g(U3, 'repeats-done-step: proposes and answers cracking the eggs, which the clip already shows',
    think('The eggs were cracked into the bowl and whisked. The oil is hot in the pan. To start the omelette I need to ' +
      'crack the eggs into the bowl.', 'A'),
    ['repeats-done-step', [2, 2]]),
  g(2233, 'repeats-done-step: tells spreading the butter before opening it and taking the bread',
    think('I spread the butter on the bread, and after that I opened the butter and took the bread. The cheese slices ' +
      'are in the pack, so the next step is to put cheese on the bread.', 'D'),
    ['repeats-done-step', [0, 0]]),
  g(U5, 'repeats-done-step: says the filter came off before the drain plug was opened',
    think('The old oil filter was unscrewed before the drain plug was opened, and the drain pan is under the car. The ' +
      'old filter is off now, so the new oil filter has to be screwed on next.', 'A'),
    ['repeats-done-step', [0, 0]]),
  // --- repeats-done-step: look-alikes --------------------------------------------------------------------------
  g(2051, 'repeats-done-step look-alike: tells the narration in order (first, then, after that), answers a new step',
    think('First the kettle was filled, then it was turned on, and after that I took the coffee jar. The kettle is ' +
      'boiling and the cup is still empty. So I should put coffee into the cup.', 'B')),
  g(2318, 'repeats-done-step look-alike: "the salt was added after the pot was filled" is the right order',
    think('The salt was added after the pot was filled with water and put on the hob. The water is boiling, so the ' +
      'pasta goes into the pot now.', 'A')),
  g(2472, 'repeats-done-step look-alike: recounts the done steps, proposes the new one',
    think('I took the cloth, wet the cloth and wiped the worktop. The crumbs are swept to the edge and the bin lid is ' +
      'open. The next step is to throw the crumbs in the bin.', 'D')),
  g(3247, 'repeats-done-step look-alike: no narration at all (only the image)',
    think('The washing machine door is open and the wet clothes are inside. The basket is empty on the floor. To hang ' +
      'the laundry, I should take the clothes out of the washing machine first.', 'C')),
  // --- overlooked-cue: fires -----------------------------------------------------------------------------------
  g(3376, 'overlooked-cue: never mentions cutting the apple; closes the box',
    think('I opened the lunch box and put the sandwich inside. The sandwich fits well and there is nothing else to ' +
      'pack, so the lunch box can be closed now.', 'A'),
    ['overlooked-cue', null]),
  g(2318, 'overlooked-cue: never mentions the salt (but says "water", which the salt step also names)',
    think('The pot was filled with water, put on the hob and the hob was turned on. The water is boiling now, so it is ' +
      'time to put the pasta into the pot.', 'A'),
    ['overlooked-cue', null]),
  g(3301, 'overlooked-cue: never mentions straightening the sheet',
    think('I removed the pillow and pulled the duvet off. The pillow is lying on the floor, so it should be put back ' +
      'on the bed.', 'C'),
    ['overlooked-cue', null]),
  g(2233, 'overlooked-cue + ignored-goal: closes the fridge, never mentions the buttered bread or the sandwich',
    think('The fridge door is open and the kitchen is warm. Food should not be left out, so I should close the fridge ' +
      'to keep it cold.', 'B'),
    ['overlooked-cue', null], ['ignored-goal', null]),
  g(U2, 'overlooked-cue: never mentions the plank clamped to the bench',
    think('I measured first and then drew a pencil line. The edge looks rough, so sanding the edge first will give a ' +
      'clean cut.', 'B'),
    ['overlooked-cue', null]),
  g(U3, 'overlooked-cue: never mentions the hot oil in the pan; serves the omelette',
    think('The eggs were cracked into the bowl and whisked well. The omelette looks almost done, so it can be served ' +
      'on a plate now.', 'C'),
    ['overlooked-cue', null]),
  // --- overlooked-cue: look-alikes -----------------------------------------------------------------------------
  g(3376, 'overlooked-cue look-alike: mentions the apple slices',
    think('I opened the lunch box, put the sandwich in and cut the apple. The apple slices are on the board, so they ' +
      'should go into the box next.', 'B')),
  g(2051, 'overlooked-cue look-alike: never mentions the coffee jar, but its answer is about the coffee',
    think('The kettle was filled and turned on, and it is boiling now. The cup is still empty.', 'B')),
  g(U2, 'overlooked-cue look-alike: mentions the clamped plank',
    think('I measured the plank, marked it and clamped it to the bench. The pencil mark is clear, so the plank should ' +
      'be sawn along the mark.', 'C')),
  // --- ignored-goal: fires (overlooked-cue too, where the last step is never mentioned) -------------------------
  g(2472, 'ignored-goal + overlooked-cue: wants milk from the fridge, never the worktop',
    think('I am standing in the kitchen with the cloth in my hand. The fridge is right next to me and I could get some ' +
      'milk. So the next action is to open the fridge.', 'C'),
    ['overlooked-cue', null], ['ignored-goal', null]),
  g(2405, 'ignored-goal: wants coffee while making tea',
    think('I took the mug, put a teabag in it and poured the water. I would like some coffee as well, so I should turn ' +
      'on the kettle again.', 'B'),
    ['ignored-goal', null]),
  g(U5, 'ignored-goal + overlooked-cue: starts the engine "to warm it up", never the filter',
    think('I placed the drain pan under the car and unscrewed the drain plug. The car has been standing for a while, so ' +
      'I should start the engine to warm it up.', 'B'),
    ['overlooked-cue', null], ['ignored-goal', null]),
  g(3301, 'ignored-goal + overlooked-cue: opens the curtains, never the bed',
    think('The room is dark and it is hard to see anything. It is morning already, so I should open the curtains to ' +
      'let the light in.', 'B'),
    ['overlooked-cue', null], ['ignored-goal', null]),
  g(U2, 'ignored-goal + overlooked-cue: drills a hole to hang the piece, never the cut',
    think('The workbench is tidy and the drill is charged. A hole would be useful for hanging the finished piece, so ' +
      'the next step is to drill a hole.', 'D'),
    ['overlooked-cue', null], ['ignored-goal', null]),
  // --- degenerate: fires ---------------------------------------------------------------------------------------
  g(3120, 'degenerate: "Let me check the tyre again." six times',
    think('The wheel is off the bike. ' + Array.from({ length: 6 }, () => 'Let me check the tyre again.').join(' ') +
      ' So I should lever the tyre off the rim.', 'A'),
    ['degenerate', [1, 6]]),
  g(2051, 'degenerate: stops mid-sentence, no </think> and no answer',
    '<think>The kettle was filled and turned on, and I took the coffee jar. The kettle is boiling and the cup is empty. ' +
      'The next step should be to put the coffee into',
    ['degenerate', [2, 2]]),
  g(U4, 'degenerate: <answer> opened and never closed',
    '<think>The tent was unrolled, the poles were inserted and the tent was raised. The corners are loose, so the ' +
      'corners should be pegged.</think><answer>B',
    ['degenerate', [1, 1]]),
  g(2107, 'degenerate: empty think block', think('', 'C'), ['degenerate', null]),
  g(U3, 'degenerate + no-commitment: the think block is the question and its options, copied',
    think('Considering the progress shown in the video and my current observation in the last frame, what action ' +
      'should I take next in order to make an omelette? A. crack eggs into bowl B. add cheese C. serve omelette D. ' +
      'pour eggs into pan', 'D'),
    ['no-commitment', null], ['degenerate', [0, 1]]),
  g(2405, 'degenerate: "remove the teabag" over and over in one sentence',
    think('The tea is dark and the teabag is in the mug, so remove the teabag' + ' remove the teabag'.repeat(5), 'C'),
    ['degenerate', [0, 0]]),
  // --- degenerate: look-alikes ---------------------------------------------------------------------------------
  g(2472, 'degenerate look-alike: one sentence said twice',
    think('I took the cloth, wet it and wiped the worktop. The crumbs are at the edge. The crumbs are at the edge, next ' +
      'to the open bin. So I should throw the crumbs in the bin.', 'D')),
  g(U2, 'degenerate look-alike: "The video shows me" opens three steps',
    think('The video shows me measuring the plank. The video shows me marking the plank with a pencil. The video shows ' +
      'me clamping the plank to the bench. The mark is clear, so the next step is to saw the plank along the mark.', 'C')),
  g(2051, 'degenerate look-alike: quotes part of the question, then reasons',
    think('The question asks what action I should take next in order to make coffee. The kettle was filled and turned ' +
      'on, and I took the coffee jar. The cup is empty and the jar is open, so the next step is to put coffee into the ' +
      'cup.', 'B')),
  g(3188, 'degenerate look-alike: short but complete (never mentions the balcony, though: overlooked-cue)',
    think('The can is full and the soil is dry, so I water the plants.', 'B'),
    ['overlooked-cue', null]),
  // --- wording the checks are known not to read (see docs/checks.md, blind spots) ------------------------------
  g(2107, 'blind spot (no-commitment look-alike): names its answer through a pronoun ("it can go back on the hob")',
    think('The pan is clean after rinsing and the tap is still on. It can go back on the hob now.', 'B')),
  g(2107, 'blind spot (answer-conflict): concludes "stop the water" (close tap, C) in other words, answers A (scrub pan, done already)',
    think('The pan was scrubbed and rinsed, and it is clean now. The water is still running, so I should stop the ' +
      'water.', 'A'),
    ['answer-conflict', [1, 1]], ['repeats-done-step', null]),
  g(3120, 'blind spot (ruled-out-then-chosen): "pumping the tyre makes little sense", answers B',
    think('The wheel is off and I am holding the tyre lever. Pumping the tyre makes little sense before the tyre is ' +
      'off the rim.', 'B'),
    ['ruled-out-then-chosen', [1, 1]]),
];

// ---------------------------------------------------------------------------------------------------------------
// Record builders (field names, nesting and key order as in the public files)

const LETTERS: Letter[] = ['A', 'B', 'C', 'D'];

function question(q: Question): string {
  return (
    'Considering the progress shown in the video and my current observation in the last frame, what action should ' +
    `I take next in order to ${q.task_goal}?`
  );
}

function basename(q: Question): string {
  return String(q.sample_id);
}

function benchmarkRecord(q: Question): Record<string, unknown> {
  const rec: Record<string, unknown> = {
    sample_id: q.sample_id,
    video_source: q.video_source,
    video_id: q.video_id,
  };
  if (q.l3) {
    rec.domain = q.l3.domain;
    rec.scenario = q.l3.scenario;
  }
  rec.task_goal = q.task_goal;
  if (q.l3) rec.task_start_frame = q.l3.task_start_frame;
  rec.question = question(q);
  rec.choice_a = q.choices[0];
  rec.choice_b = q.choices[1];
  rec.choice_c = q.choices[2];
  rec.choice_d = q.choices[3];
  rec.golden_choice_idx = q.golden;
  rec.answer = q.choices[LETTERS.indexOf(q.golden)];
  rec.current_observation_frame = q.current_observation_frame;
  rec.task_progress_metadata = q.steps.map((st) => ({
    narration_text: st.narration_text,
    start_frame: st.start_frame,
    stop_frame: st.stop_frame,
  }));
  rec.video_basename = `${basename(q)}.mp4`;
  rec.current_observation_basename = `${basename(q)}.png`;
  return rec;
}

function problem(q: Question): string {
  return `${question(q)}\n` + q.choices.map((c, i) => `${LETTERS[i]}. ${c}`).join('\n') + '\n';
}

const INFER_TEMPLATE =
  ' Output the thinking process in <think> </think> and final answer in <answer> </answer> tags, i.e., ' +
  '<think> reasoning process here </think><answer> answer here </answer>. ';

/** infer.py-style reward: first character of the first <answer>…</answer> content, untrimmed. */
function inferPyReward(response: string, golden: Letter): number {
  const m = /<answer>(.*?)<\/answer>/s.exec(response);
  if (!m) return 0.0;
  return m[1].length > 0 && m[1][0] === golden ? 1.0 : 0.0;
}

function inferPyLine(q: Question, response: string): Record<string, unknown> {
  const content: Record<string, string>[] = [];
  // Like SEED-Bench-R1's prompt builder, the video is named only when there is task progress.
  if (q.steps.length > 0) {
    content.push({ type: 'video', video: `${PROMPT_ROOT}/videos/${q.video_source}/${basename(q)}.mp4` });
  }
  content.push({ type: 'image', image: `${PROMPT_ROOT}/images/${q.video_source}/${basename(q)}.png` });
  content.push({ type: 'text', text: problem(q) + INFER_TEMPLATE });
  return {
    sample_id: q.sample_id,
    prompt: [{ role: 'user', content }],
    problem: problem(q),
    solution: `<answer>${q.golden}.</answer>`,
    response,
    reward: inferPyReward(response, q.golden),
  };
}

/** eval_bench.py's extract_answer / extract_think (first match, inner whitespace stripped). */
function grpoExtract(tag: 'answer' | 'think', text: string): string {
  const re = tag === 'answer' ? /<answer>\s*(.*?)\s*<\/answer>/s : /<think>\s*(.*?)\s*<\/think>/s;
  const m = re.exec(text);
  return m ? m[1].trim() : '';
}

function grpoResult(q: Question, output: string): Record<string, unknown> {
  const rec = benchmarkRecord(q);
  rec.solution = `<answer>${q.golden}</answer>`;
  rec.problem_type = 'multiple choice';
  rec.output = output;
  const answer = grpoExtract('answer', output);
  // As eval_bench.py does: with no answer tag, the prediction (and the string compared) is the whole output.
  const prediction = answer === '' ? output : answer;
  rec.prediction = prediction;
  rec.reward = prediction.trim() === q.golden ? 1.0 : 0.0;
  rec.correct = rec.reward === 1.0;
  const think = grpoExtract('think', output);
  // eval_bench.py only sets `process` when it found a think block.
  if (think) rec.process = `<think>${think}</think>`;
  return rec;
}

// ---------------------------------------------------------------------------------------------------------------
// Media

function clipStart(q: Question): number {
  return q.l3 ? q.l3.task_start_frame : q.steps[0].start_frame;
}

function clipSeconds(q: Question): number {
  return (q.current_observation_frame - clipStart(q)) / SOURCE_FPS;
}

function toSeconds(q: Question, frame: number): number {
  return (frame - clipStart(q)) / SOURCE_FPS;
}

function fmt(x: number): string {
  return String(Math.round(x * 1000) / 1000);
}

/** Splits a narration into at most two lines of roughly equal length. */
function wrap(text: string): string[] {
  if (text.length <= 15) return [text];
  const mid = text.length / 2;
  let best = -1;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === ' ' && (best < 0 || Math.abs(i - mid) < Math.abs(best - mid))) best = i;
  }
  return best < 0 ? [text] : [text.slice(0, best), text.slice(best + 1)];
}

function safeText(text: string): string {
  if (!/^[a-z0-9 .·…=]+$/i.test(text)) throw new Error(`text not safe for drawtext: ${JSON.stringify(text)}`);
  return text;
}

function clipFilter(q: Question): string {
  const dur = clipSeconds(q);
  const start = clipStart(q);
  const n = q.steps.length;
  const centre = 'x=(w-text_w)/2';
  const fl: string[] = [
    // Idle look between narrated segments: neutral grey with an ellipsis.
    `drawtext=fontfile=${FONT_BOLD}:text='…':fontsize=56:fontcolor=0x9E9E9E:${centre}:y=(h-${STRIP}-text_h)/2-8`,
    `drawtext=fontfile=${FONT_REGULAR}:text='no narrated action':fontsize=12:fontcolor=0x8A8A8A:${centre}:y=h-${STRIP}-40`,
  ];
  q.steps.forEach((st, i) => {
    const a = fmt(toSeconds(q, st.start_frame));
    const b = fmt(toSeconds(q, st.stop_frame));
    const on = `enable='between(t,${a},${b})'`;
    const colour = STEP_COLOURS[i % STEP_COLOURS.length];
    fl.push(`drawbox=x=0:y=0:w=iw:h=ih-${STRIP}:color=${colour}:t=fill:${on}`);
    fl.push(
      `drawtext=fontfile=${FONT_REGULAR}:text='step ${i + 1} of ${n}':fontsize=13:fontcolor=white@0.85:${centre}:y=14:${on}`,
    );
    const lines = wrap(safeText(st.narration_text));
    lines.forEach((line, j) => {
      const y = lines.length === 1 ? 'y=(h-12-text_h)/2-12' : `y=(h-12)/2-${j === 0 ? 44 : 10}`;
      fl.push(
        `drawtext=fontfile=${FONT_BOLD}:text='${line}':fontsize=26:fontcolor=white:borderw=2:bordercolor=black@0.45:${centre}:${y}:${on}`,
      );
    });
    // A moving shape, so that motion is visible while the action happens.
    fl.push(
      `drawtext=fontfile=${FONT_REGULAR}:text='●':fontsize=26:fontcolor=white@0.9:x='20+(w-64)*abs(sin((t-${a})*1.4))':y=h-${STRIP}-44:${on}`,
    );
  });
  // Timeline strip: narrated segments in their colours and a playhead.
  fl.push(`drawbox=x=0:y=ih-${STRIP}:w=iw:h=${STRIP}:color=0x161616:t=fill`);
  q.steps.forEach((st, i) => {
    const x0 = Math.round((toSeconds(q, st.start_frame) / dur) * WIDTH);
    const x1 = Math.round((toSeconds(q, st.stop_frame) / dur) * WIDTH);
    fl.push(
      `drawbox=x=${x0}:y=ih-${STRIP - 2}:w=${Math.max(2, x1 - x0)}:h=${STRIP - 4}:color=${STEP_COLOURS[i % STEP_COLOURS.length]}:t=fill`,
    );
  });
  fl.push(`drawtext=fontfile=${FONT_REGULAR}:text='▲':fontsize=11:fontcolor=white:x='(w-text_w)*t/${fmt(dur)}':y=h-${STRIP}`);
  // Burned-in overlay: original frame number and clip time (n = clip frame index; 3 original frames per clip frame).
  const box = 'fontsize=14:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=4';
  fl.push(`drawtext=fontfile=${FONT_MONO}:text='frame %{eif\\:${start}+${FRAMES_PER_CLIP_FRAME}*n\\:d}':${box}:x=8:y=8`);
  fl.push(
    `drawtext=fontfile=${FONT_MONO}:text='t=%{eif\\:trunc(n/${CLIP_FPS})\\:d}.%{eif\\:n-${CLIP_FPS}*trunc(n/${CLIP_FPS})\\:d}s':${box}:x=8:y=30`,
  );
  return fl.join(',');
}

const BITEXACT = ['-threads', '1', '-fflags', '+bitexact', '-flags:v', '+bitexact', '-map_metadata', '-1'];

function makeClip(q: Question, out: string): void {
  const dur = clipSeconds(q);
  execFileSync(
    FFMPEG,
    [
      '-hide_banner', '-loglevel', 'error', '-y',
      '-f', 'lavfi', '-i', `color=c=${IDLE_BG}:s=${WIDTH}x${HEIGHT}:r=${CLIP_FPS}:d=${fmt(dur)}`,
      '-vf', clipFilter(q),
      '-an', '-c:v', 'libx264', '-preset', 'slow', '-crf', '30', '-pix_fmt', 'yuv420p', '-g', String(CLIP_FPS),
      '-movflags', '+faststart', ...BITEXACT, out,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
}

function makeObservation(q: Question, out: string): void {
  const fl: string[] = [
    `drawbox=x=0:y=0:w=iw:h=26:color=0x263238:t=fill`,
    `drawtext=fontfile=${FONT_REGULAR}:text='current observation':fontsize=13:fontcolor=0xCFD8DC:x=10:y=7`,
    `drawtext=fontfile=${FONT_REGULAR}:text='${safeText(q.task_goal)}':fontsize=13:fontcolor=0xCFD8DC:x=w-text_w-10:y=7`,
  ];
  const top = 52;
  const gap = 34;
  q.observation.forEach((item, i) => {
    fl.push(
      `drawtext=fontfile=${FONT_BOLD}:text='${safeText(item)}':fontsize=20:fontcolor=white:borderw=2:bordercolor=black@0.35:x=(w-text_w)/2:y=${top + i * gap}`,
    );
  });
  fl.push(
    `drawtext=fontfile=${FONT_MONO}:text='frame ${q.current_observation_frame}':fontsize=14:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=4:x=8:y=h-26`,
  );
  execFileSync(
    FFMPEG,
    [
      '-hide_banner', '-loglevel', 'error', '-y',
      '-f', 'lavfi', '-i', `color=c=${OBS_BG}:s=${WIDTH}x${HEIGHT}:r=1:d=1`,
      '-vf', fl.join(','), '-frames:v', '1', '-update', '1', ...BITEXACT, out,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Checks on the tables (fail loudly rather than write a subtly wrong demo)

function check(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(`make-demo-data: ${msg}`);
}

function checkQuestions(): void {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  const ids = new Set<string>();
  for (const q of QUESTIONS) {
    const id = String(q.sample_id);
    check(!ids.has(id), `duplicate sample_id ${id}`);
    ids.add(id);
    check(new Set(q.choices).size === 4, `${id}: choices not distinct`);
    if (q.level === 'L3') {
      check(typeof q.sample_id === 'string' && q.l3, `${id}: L3 needs a string id and domain/scenario/start`);
      check(id.startsWith(`${q.video_id}_`) && uuid.test(q.video_id), `${id}: L3 id must be <uuid>_<n>`);
    } else {
      check(typeof q.sample_id === 'number' && !q.l3, `${id}: L1/L2 ids are integers`);
    }
    check(q.video_source === (q.level === 'L1' ? 'EpicKitchens' : 'Ego4D'), `${id}: wrong video_source`);
    if (q.video_source === 'Ego4D') check(uuid.test(q.video_id), `${id}: Ego4D video_id must be a uuid`);
    if (q.steps.length === 0) continue;
    const start = clipStart(q);
    const dur = clipSeconds(q);
    check(dur >= 6 && dur <= 14, `${id}: clip of ${dur} s`);
    check((q.current_observation_frame - start) % FRAMES_PER_CLIP_FRAME === 0, `${id}: clip length not whole frames`);
    let prev = start - 1;
    for (const st of q.steps) {
      check(st.start_frame > prev && st.stop_frame > st.start_frame, `${id}: steps overlap or run backwards`);
      check(st.stop_frame - st.start_frame >= 30, `${id}: step "${st.narration_text}" shorter than 1 s`);
      prev = st.stop_frame;
    }
    check(prev < q.current_observation_frame, `${id}: observation frame inside a step`);
  }
  const empty = QUESTIONS.filter((q) => q.steps.length === 0);
  check(empty.length === 1 && empty[0].level === 'L2', 'exactly one L2 question has empty task progress');
}

/** The files' own reward/correct are computed above; they must agree with the verdicts written by hand. */
function checkFileVerdicts(q: Question, r: Response, where: string): void {
  const infer = inferPyReward(r.text, q.golden) >= 0.5;
  check(infer === r.facts.inferpy, `${where}: hand infer.py verdict ${r.facts.inferpy}, file reward says ${infer}`);
  const grpo = grpoResult(q, r.text).correct;
  check(grpo === r.facts.grpocare, `${where}: hand GRPO-CARE verdict ${r.facts.grpocare}, file says ${grpo}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Writing

function writeJsonl(file: string, rows: unknown[]): void {
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

function writeJson(file: string, doc: unknown): void {
  writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
}

interface LevelStats {
  responses: number;
  answered: number;
  correct: number;
  format_errors: number;
  score_disagreements_inferpy: number;
  score_disagreements_grpocare: number | null;
}

function stats(items: { q: Question; r: Response }[], hasGrpoFile: boolean): LevelStats {
  const st: LevelStats = {
    responses: 0, answered: 0, correct: 0, format_errors: 0, score_disagreements_inferpy: 0,
    score_disagreements_grpocare: hasGrpoFile ? 0 : null,
  };
  for (const { q, r } of items) {
    const ours = r.facts.ours === q.golden;
    st.responses++;
    if (r.facts.ours !== null) st.answered++;
    if (ours) st.correct++;
    if (!r.facts.formatOk) st.format_errors++;
    if (ours !== r.facts.inferpy) st.score_disagreements_inferpy++;
    if (hasGrpoFile && ours !== r.facts.grpocare) st.score_disagreements_grpocare = (st.score_disagreements_grpocare ?? 0) + 1;
  }
  return st;
}

const LEVELS: Level[] = ['L1', 'L2', 'L3'];

function main(): void {
  check(existsSync(FFMPEG), `${FFMPEG} not found`);
  for (const font of [FONT_BOLD, FONT_REGULAR, FONT_MONO]) check(existsSync(font), `${font} not found`);
  checkQuestions();
  const byId = new Map(QUESTIONS.map((q) => [String(q.sample_id), q]));
  for (const [name, table] of [['rl-grpo', RL], ['sft', SFT]] as const) {
    check(Object.keys(table).length === QUESTIONS.length, `${name}: one response per question`);
    for (const q of QUESTIONS) {
      const r = table[String(q.sample_id)];
      check(r, `${name}: no response for ${q.sample_id}`);
      checkFileVerdicts(q, r, `${name}/${q.sample_id}`);
    }
  }
  for (const [i, k] of K4.entries()) {
    const q = byId.get(String(k.sample_id));
    check(q && q.level === 'L1', `rl-grpo-k4 line ${i + 1}: not an L1 question`);
    checkFileVerdicts(q, k.response, `rl-grpo-k4 line ${i + 1}`);
  }

  // Fresh output (demo.db and anything else under demo/ is left alone).
  rmSync(DATA, { recursive: true, force: true });
  rmSync(RUNS, { recursive: true, force: true });
  for (const dir of [
    path.join(DATA, 'annotations'),
    path.join(DATA, 'videos', 'EpicKitchens'), path.join(DATA, 'videos', 'Ego4D'),
    path.join(DATA, 'images', 'EpicKitchens'), path.join(DATA, 'images', 'Ego4D'),
    path.join(RUNS, 'rl-grpo'), path.join(RUNS, 'sft'), path.join(RUNS, 'rl-grpo-k4'), path.join(RUNS, 'checks-gold'),
  ]) {
    mkdirSync(dir, { recursive: true });
  }

  // Annotations.
  for (const level of LEVELS) {
    writeJsonl(
      path.join(DATA, 'annotations', `validation_${level}.jsonl`),
      QUESTIONS.filter((q) => q.level === level).map(benchmarkRecord),
    );
  }

  // Media.
  const missingVideos: string[] = [];
  for (const q of QUESTIONS) {
    const video = path.join(DATA, 'videos', q.video_source, `${basename(q)}.mp4`);
    if (q.steps.length > 0) makeClip(q, video);
    else missingVideos.push(`videos/${q.video_source}/${basename(q)}.mp4`);
    makeObservation(q, path.join(DATA, 'images', q.video_source, `${basename(q)}.png`));
    process.stdout.write('.');
  }
  process.stdout.write('\n');

  // Runs: the same responses in the infer.py shape and the GRPO-CARE shape.
  for (const [name, table] of [['rl-grpo', RL], ['sft', SFT]] as const) {
    for (const level of LEVELS) {
      const qs = QUESTIONS.filter((q) => q.level === level);
      writeJsonl(
        path.join(RUNS, name, `eval_results_for_validation_${level}.jsonl`),
        qs.map((q) => inferPyLine(q, table[String(q.sample_id)].text)),
      );
      const results = qs.map((q) => grpoResult(q, table[String(q.sample_id)].text));
      const rewards = results.map((r) => r.reward as number);
      const mean = rewards.reduce((a, b) => a + b, 0) / rewards.length;
      // eval_bench.py stores fractions (torch/numpy means of 0/1 rewards), not percentages.
      writeJson(path.join(RUNS, name, `eval_16frames_seed_bench_r1_${level}_results.json`), {
        results,
        final_acc: [{ mean_acc: mean, mean_mra: 0.0, mean_rewards: mean }],
      });
    }
  }
  writeJsonl(
    path.join(RUNS, 'rl-grpo-k4', 'rollouts_validation_L1.jsonl'),
    K4.map((k) => inferPyLine(byId.get(String(k.sample_id))!, k.response.text)),
  );

  // The checks' gold run: several rollouts per question, in the infer.py shape, one file per level.
  const goldCases = goldRun(byId);

  // Oracle.
  const runStats = (table: Record<string, Response>) =>
    Object.fromEntries(
      LEVELS.map((level) => [
        level,
        stats(QUESTIONS.filter((q) => q.level === level).map((q) => ({ q, r: table[String(q.sample_id)] })), true),
      ]),
    ) as Record<Level, LevelStats>;
  const k4Stats = stats(K4.map((k) => ({ q: byId.get(String(k.sample_id))!, r: k.response })), false);

  type Case = { run: string; sample_id: number | string; rollout?: number; label: Label; why: string };
  const cases: Case[] = [];
  for (const [name, table] of [['rl-grpo', RL], ['sft', SFT]] as const) {
    for (const q of QUESTIONS) {
      for (const fl of table[String(q.sample_id)].failures) {
        cases.push({ run: name, sample_id: q.sample_id, label: fl.label, why: fl.why });
      }
    }
  }
  const seen = new Map<string, number>();
  for (const k of K4) {
    const nth = (seen.get(String(k.sample_id)) ?? 0) + 1;
    seen.set(String(k.sample_id), nth);
    for (const fl of k.response.failures) {
      cases.push({ run: 'rl-grpo-k4', sample_id: k.sample_id, rollout: nth, label: fl.label, why: fl.why });
    }
  }
  const labels: Label[] = [
    'inconsistent', 'overlooked-cue', 'hallucination', 'wrong-next-step', 'ignored-goal', 'temporal-order',
    'degenerate', 'format',
  ];
  for (const l of labels) check(cases.some((c) => c.label === l), `no failure case labelled ${l}`);

  const expected = {
    samples: Object.fromEntries(LEVELS.map((l) => [l, QUESTIONS.filter((q) => q.level === l).length])),
    runs: {
      'rl-grpo': runStats(RL),
      sft: runStats(SFT),
      'rl-grpo-k4': { L1: k4Stats },
    },
    missing_media: { videos: missingVideos, images: [] as string[] },
    failure_cases: cases,
    checks: goldCases,
  };
  writeJson(path.join(DEMO, 'expected.json'), expected);
  writeFileSync(path.join(DEMO, 'README.md'), readme(expected.runs, cases, missingVideos) + goldReadme(goldCases));

  // Summary.
  let total = 0;
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p !== path.join(DEMO, 'demo.db')) total += statSync(p).size;
    }
  };
  walk(DEMO);
  console.log(`wrote demo/ (${(total / 1024).toFixed(0)} KiB, excluding demo.db)`);
}

// ---------------------------------------------------------------------------------------------------------------
// checks-gold run

interface GoldCase {
  run: string;
  level: Level;
  sample_id: number | string;
  rollout: number;
  intent: string;
  suggestions: { check: CheckName; label: Label; steps: [number, number] | null }[];
}

const CHECK_ORDER: CheckName[] = [
  'answer-conflict', 'ruled-out-then-chosen', 'no-commitment', 'repeats-done-step', 'overlooked-cue', 'ignored-goal',
  'degenerate',
];

function goldRun(byId: Map<string, Question>): GoldCase[] {
  const out: GoldCase[] = [];
  for (const level of LEVELS) {
    const chains = GOLD.filter((c) => byId.get(String(c.sample_id))?.level === level);
    const nth = new Map<string, number>();
    for (const c of chains) {
      const k = String(c.sample_id);
      nth.set(k, (nth.get(k) ?? 0) + 1);
      const order = c.expect.map(([name]) => CHECK_ORDER.indexOf(name));
      check(order.every((v, i) => v >= 0 && (i === 0 || v >= order[i - 1])), `checks-gold ${k}: expectations out of registry order`);
      out.push({
        run: 'checks-gold',
        level,
        sample_id: c.sample_id,
        rollout: nth.get(k)!,
        intent: c.intent,
        suggestions: c.expect.map(([name, steps]) => ({ check: name, label: CHECK_LABEL[name], steps })),
      });
    }
    writeJsonl(path.join(RUNS, 'checks-gold', `eval_results_for_validation_${level}.jsonl`), chains.map((c) => inferPyLine(byId.get(String(c.sample_id))!, c.text)));
  }
  check(out.length === GOLD.length, 'checks-gold: every chain answers a demo question');
  for (const name of CHECK_ORDER) {
    const fires = out.filter((c) => c.suggestions.some((x) => x.check === name)).length;
    check(fires >= 5, `checks-gold: only ${fires} chains where ${name} must fire`);
  }
  return out;
}

function goldReadme(cases: GoldCase[]): string {
  const rows = cases.map((c) => {
    const want = c.suggestions.length
      ? c.suggestions.map((x) => `${x.check} ${x.steps ? `[${x.steps[0]}, ${x.steps[1]}]` : '(whole)'}`).join('; ')
      : '—';
    return `| ${c.level} | \`${c.sample_id}\` #${c.rollout} | ${c.intent.replace(/\|/g, '\\|')} | ${want} |`;
  });
  return `
## The checks' gold run (\`runs/checks-gold/\`)

\`runs/checks-gold/eval_results_for_validation_L{1,2,3}.jsonl\` (SEED-Bench-R1 infer.py shape, ${cases.length} responses,
several rollouts per question) holds chains written for the automatic reasoning checks (\`electron/core/checks/\`,
described in \`docs/checks.md\`): for each check, chains where it must fire and look-alikes where it must not (a chain
that lists all options, a paraphrase of the answer's own option, a negation of another option, a state such as "not
turned on yet", a sentence said twice, …). \`expected.json\` → \`checks\` lists, per response (run, level, sample_id,
rollout — the 1-based position among that sample's lines in the file), every suggestion a person applying the checks'
definitions expects, with the steps it points at (0-based, as \`shared/steps.ts\` splits the chain; "whole" = the
whole response). They were written by hand from what each chain says, not from the checks' output; where the checks
disagree, the gold stays and the figures in \`docs/checks.md\` count the miss.

| level | sample_id | written for | expected suggestions |
|---|---|---|---|
${rows.join('\n')}
`;
}

// ---------------------------------------------------------------------------------------------------------------
// README

function readme(
  runs: Record<string, Partial<Record<Level, LevelStats>>>,
  cases: { run: string; sample_id: number | string; rollout?: number; label: Label; why: string }[],
  missingVideos: string[],
): string {
  const qRows = QUESTIONS.map((q) => {
    const clip = q.steps.length ? `${fmt(clipSeconds(q))} s from frame ${clipStart(q)}` : '— (no video)';
    return `| ${q.level} | \`${q.sample_id}\` | ${q.task_goal} | ${q.golden} (${q.choices[LETTERS.indexOf(q.golden)]}) | ${q.steps.length} | ${clip} | ${q.current_observation_frame} |`;
  });
  const secs = QUESTIONS.filter((q) => q.steps.length).map(clipSeconds);
  const statRows: string[] = [];
  for (const [run, levels] of Object.entries(runs)) {
    for (const [level, st] of Object.entries(levels) as [Level, LevelStats][]) {
      statRows.push(
        `| ${run} | ${level} | ${st.responses} | ${st.answered} | ${st.correct} | ${st.format_errors} | ${st.score_disagreements_inferpy} | ${st.score_disagreements_grpocare ?? 'n/a'} |`,
      );
    }
  }
  const caseRows = cases.map(
    (c) => `| ${c.run} | \`${c.sample_id}\`${c.rollout ? ` #${c.rollout}` : ''} | \`${c.label}\` | ${c.why.replace(/<\/?(?:think|answer)>/g, (m) => `\`${m}\``)} |`,
  );
  return `# cotscope demo workspace

Generated by \`npx tsx scripts/make-demo-data.ts\` (deterministic; re-running rewrites \`seed-bench-r1/\`, \`runs/\`,
\`README.md\` and \`expected.json\` byte for byte and leaves \`demo.db\` alone). Real SEED-Bench-R1 videos cannot be
downloaded on our machines, so this is a small invented data root in exactly the SEED-Bench-R1 layout, plus two
models' outputs in the file shapes cotscope imports. All questions, narrations and responses are made up.

## Contents

\`\`\`
seed-bench-r1/annotations/validation_L1.jsonl   6 questions, EpicKitchens, integer sample_id
seed-bench-r1/annotations/validation_L2.jsonl   5 questions, Ego4D, integer sample_id
seed-bench-r1/annotations/validation_L3.jsonl   5 questions, Ego4D, "<uuid>_<n>" sample_id, domain/scenario/task_start_frame
seed-bench-r1/videos/<video_source>/<video_basename>             task-progress clips (mp4)
seed-bench-r1/images/<video_source>/<current_observation_basename>  current observations (png)
runs/rl-grpo/eval_results_for_validation_L{1,2,3}.jsonl          GRPO model, SEED-Bench-R1 infer.py shape
runs/rl-grpo/eval_16frames_seed_bench_r1_L{1,2,3}_results.json   the SAME responses, GRPO-CARE eval_bench.py shape
runs/sft/…                                                       SFT model, same two shapes
runs/rl-grpo-k4/rollouts_validation_L1.jsonl                     infer.py shape, 4 sampled rollouts for 3 L1 questions
expected.json                                                    hand-written oracle for tests (see below)
\`\`\`

| level | sample_id | task goal | golden | steps | clip | observation frame |
|---|---|---|---|---|---|---|
${qRows.join('\n')}

Missing media, on purpose: ${missingVideos.map((v) => `\`${v}\``).join(', ')} — its \`task_progress_metadata\` is empty,
so (as in the real benchmark) there is only the image. Its record still carries a \`video_basename\`, and the infer.py
prompts for it name only the image, as SEED-Bench-R1's prompt builder does.

## How the media were made

One ffmpeg invocation per file (\`/usr/bin/ffmpeg\`, lavfi \`color\` source + \`drawbox\`/\`drawtext\` with
\`enable='between(t,a,b)'\`, DejaVu fonts). Clips: H.264 (libx264, yuv420p, CRF 30, keyframe every 1 s,
\`+faststart\`), ${WIDTH}x${HEIGHT}, ${CLIP_FPS} fps, no audio, ${fmt(Math.min(...secs))}–${fmt(Math.max(...secs))} s.

- The original videos are taken to run at ${SOURCE_FPS} fps. A clip covers original frames \`clip_start\` to
  \`current_observation_frame\`, where \`clip_start\` is \`task_start_frame\` for L3 and the first narration's
  \`start_frame\` for L1/L2. **Clip time t seconds shows original frame \`clip_start + 30·t\`**; clip frame n (10 fps)
  is original frame \`clip_start + 3n\`.
- During each narration segment [start_frame, stop_frame] the frame is filled with a colour distinct per step and
  shows the narration text large in the middle, "step i of N" above it, and a white dot moving back and forth.
  Between segments: dark grey with "…" ("no narrated action").
- Top-left overlay: the original frame number (\`frame 322\`) and the clip time (\`t=9.4s\`), so the mapping can be
  checked on any frame. Bottom strip: the narrated segments in their colours and a ▲ playhead.
- Images: the scene at \`current_observation_frame\` as a caption of what is visible (one item per line), the task
  goal, and \`frame N\` bottom-left.

## How the output files were scored (their own \`reward\` fields)

- **infer.py** (\`eval_results_for_*.jsonl\`): \`solution\` is \`<answer>B.</answer>\`; \`reward\` is 1.0 when the FIRST
  character inside the first \`<answer>…</answer>\` (no trimming) is the golden letter, else 0.0 (also 0.0 with no
  answer tag).
- **GRPO-CARE eval_bench.py** (\`eval_16frames_*_results.json\`): as in the public script — \`solution\` is
  \`<answer>B</answer>\`, \`prediction\` is the first answer tag's content stripped (when there is no answer tag,
  eval_bench.py puts the whole output there and compares that), \`reward\` is 1.0 only for exact equality with the
  golden letter, \`correct\` is \`reward == 1.0\`, and \`process\` (\`<think>…</think>\`, inner whitespace stripped) is
  present only when a complete think block was found. \`final_acc\` = \`[{mean_acc, mean_mra: 0.0, mean_rewards}]\`
  with \`mean_acc\` a **fraction** (e.g. 0.4), as eval_bench.py stores it (torch mean; it is not ×100).
- JSON is written with \`JSON.stringify\`, so integral floats appear as \`1\`/\`0\` rather than Python's \`1.0\`/\`0.0\`
  and JSONL lines have no spaces after separators; values and types are the same to any JSON parser.

cotscope's own rule (README "Scoring"): answer = first \`<answer>…</answer>\` (tags case-insensitive); trim; drop a
leading \`Answer:\`/\`Option\`; trim; strip surrounding brackets/quotes; an uppercase A–D not followed by a letter is
the prediction, else a case/punctuation-insensitive match with an option's text, else no prediction (wrong).

Answer variants in the runs, and who credits them (golden letter in brackets):

| answer text | where | cotscope | infer.py | GRPO-CARE |
|---|---|---|---|---|
| \`B\` (plain letter) | most | ✓ | ✓ | ✓ |
| \`C.\` | sft, many | ✓ | ✓ | ✗ |
| \`(D)\` | rl-grpo 3301 [D] | ✓ | ✗ | ✗ |
| \`C. close tap\` | rl-grpo 2107 [C] | ✓ | ✓ | ✗ |
| \`Option B\` | rl-grpo ${U4} [B] | ✓ | ✗ | ✗ |
| \`Answer: B\` | rl-grpo 3188 [B] | ✓ | ✗ | ✗ |
| \`Answer: C\` | rl-grpo-k4 2318 #2 [A] | ✗ | ✓ (reads the "A" of "Answer") | ✗ |
| \`put coffee into cup\` | rl-grpo 2051 [B] | ✓ (option text) | ✗ | ✗ |
| \` C\` (leading space) | rl-grpo 2405 [C] | ✓ | ✗ | ✓ |
| \`b\` (lowercase) | sft 3376 [B], rl-grpo-k4 2107 #4 [C] | no prediction | ✗ | ✗ |
| no \`<answer>\` | sft ${U4}, rl-grpo 2472 | no prediction | ✗ | ✗ |
| two answer blocks (D then A) | rl-grpo ${U5} [A] | D ✗ | ✗ | ✗ |

## expected.json

Facts written by hand next to each response in the script (\`facts: {ours, formatOk, inferpy, grpocare}\`), then
counted; the script refuses to run if the files' own computed reward/correct disagree with the hand-written
verdicts. Per run and level: \`responses\`; \`answered\` (a prediction under cotscope's rule); \`correct\` (under
cotscope's rule); \`format_errors\` (not exactly one think block then one answer block with only whitespace around);
\`score_disagreements_inferpy\` (infer.py verdict, reward ≥ 0.5, differs from ours) and
\`score_disagreements_grpocare\` (GRPO-CARE \`correct\` differs from ours; \`null\` for rl-grpo-k4, which has no
GRPO-CARE file). \`missing_media\` paths are relative to \`seed-bench-r1/\`. \`failure_cases\` lists every case below;
rl-grpo-k4 cases carry \`rollout\`, the 1-based position of that response among the sample's lines in file order.

| run | level | responses | answered | correct | format errors | ≠ infer.py | ≠ GRPO-CARE |
|---|---|---|---|---|---|---|---|
${statRows.join('\n')}

Accuracy under cotscope's rule echoes the paper: rl-grpo 11/16 (L1 4/6, L2 4/5, L3 3/5), sft 7/16 (3/6, 2/5, 2/5),
while rl-grpo's chains are the less coherent ones (two right answers whose reasoning concludes another option).

## Failure cases

| run | sample_id | label | why |
|---|---|---|---|
${caseRows.join('\n')}
`;
}

main();
