// The default failure taxonomy, drawn from the SEED-Bench-R1 and GRPO-CARE findings. Keys are stable: they are
// what files (exports, packs, imported tags) use.

export type LabelTarget = 'span' | 'time' | 'response';

export interface LabelDef {
  key: string;
  name: string;
  description: string;
  color: string;
  hotkey: string;
  target: LabelTarget;
}

export const DEFAULT_LABELS: readonly LabelDef[] = [
  {
    key: 'inconsistent',
    name: 'Reasoning–answer inconsistency',
    description: 'The answer does not follow from the reasoning: the chain concludes one thing and the answer says another.',
    color: '#d62728',
    hotkey: '1',
    target: 'span',
  },
  {
    key: 'overlooked-cue',
    name: 'Overlooked visual cue',
    description: 'The reasoning ignores or contradicts something plainly shown in the video or the observation image.',
    color: '#ff7f0e',
    hotkey: '2',
    target: 'time',
  },
  {
    key: 'hallucination',
    name: 'Hallucinated perception',
    description: 'The reasoning claims to see an object, state or action that the video and image do not show.',
    color: '#9467bd',
    hotkey: '3',
    target: 'time',
  },
  {
    key: 'wrong-next-step',
    name: 'Wrong next step',
    description: 'Perception is right but the commonsense plan is wrong: the chosen action does not advance the task.',
    color: '#8c564b',
    hotkey: '4',
    target: 'span',
  },
  {
    key: 'ignored-goal',
    name: 'Ignores the task goal',
    description: 'The reasoning loses sight of the stated task goal.',
    color: '#e377c2',
    hotkey: '5',
    target: 'span',
  },
  {
    key: 'temporal-order',
    name: 'Temporal order confusion',
    description: 'The reasoning confuses what happened when: the order or recency of the narrated steps.',
    color: '#1f77b4',
    hotkey: '6',
    target: 'time',
  },
  {
    key: 'degenerate',
    name: 'Degenerate chain',
    description: 'Repetition loops, truncation or a chain that says nothing.',
    color: '#7f7f7f',
    hotkey: '7',
    target: 'response',
  },
  {
    key: 'format',
    name: 'Format error',
    description: 'Missing or malformed <think>/<answer> tags, or text outside them.',
    color: '#bcbd22',
    hotkey: '8',
    target: 'response',
  },
];
