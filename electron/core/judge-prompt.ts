// judge-prompt: what `cotscope judge` asks an LLM judge about one response, and how it reads the reply. Text only, no
// I/O: a prompt from a template with {{placeholders}}, and the one JSON object out of whatever the model wrapped it in.
import { z } from 'zod';
import { LETTERS, type Letter, type Options } from '../../shared/types.ts';
import { CotscopeError } from './errors.ts';

/** One response as the prompt shows it. */
export interface JudgeItem {
  question: string | null;
  options: Options;
  goal: string | null;
  /** The sample's task progress: the steps the video shows done, in order. */
  narration: { narration_text?: unknown; start_frame?: unknown; stop_frame?: unknown }[];
  /** The text of each step of the chain, in order (numbered from 1 in the prompt). */
  steps: string[];
  /** What the response holds inside <answer>, untrimmed; null when it has no answer tag. */
  answer: string | null;
  /** The option cotscope's scoring reads from the answer. */
  prediction: Letter | null;
  golden: Letter | null;
}

/** The placeholders a --prompt template may use, each with what it becomes (the README lists the same). */
export const PLACEHOLDERS = {
  question: 'the question',
  options: 'the lettered options, one a line ("A. pour milk")',
  goal: 'the task goal',
  narration: 'the steps the video shows done so far, numbered, with their frames',
  steps: 'the chain of thought split into numbered steps ("Step 1: …"), the numbers the judge answers with',
  answer: "the model's answer as written inside <answer>, with the option cotscope reads from it",
  golden: 'the correct option (leave it out to judge the reasoning blind to the key)',
} as const;

export type Placeholder = keyof typeof PLACEHOLDERS;

// Blind to the golden answer on purpose: the question is whether the reasoning supports the answer given, not whether
// the answer is right, and a judge that knows the key leans towards calling right answers well reasoned.
export const DEFAULT_TEMPLATE = `A video model watched a clip of someone working towards a task goal, then a frame of what they see now, and answered a multiple-choice question about what to do next. It wrote its reasoning first. Judge the reasoning, not whether the answer is right.

Task goal: {{goal}}

Steps the video shows done so far (narration):
{{narration}}

Question: {{question}}
Options:
{{options}}

The model's reasoning, split into numbered steps:
{{steps}}

The model's answer: {{answer}}

Does the reasoning support the answer the model gave? If it does not, which step is the first one that is wrong: a logical error, a claim the narration contradicts, or a conclusion the answer then ignores? Does the reasoning overlook a visual cue that the narrated steps show, or that its own description of the current frame mentions?`;

// Appended to every prompt, a --prompt template's too: the reply is parsed against this schema, so a template that
// forgot to state it would make every reply unreadable.
export const REPLY_INSTRUCTIONS = `Reply with one JSON object and nothing else, exactly these fields:
{"supports": "yes" | "no" | "unclear", "first_wrong_step": <the number of the first wrong step from the list above, or null>, "overlooked_cue": <a short phrase naming the visual cue the reasoning overlooks, or null>, "reason": <one sentence>}
"supports" is "yes" when the answer follows from the reasoning, "no" when it does not (or the reasoning contradicts itself), "unclear" when you cannot tell.`;

const PLACEHOLDER_RE = /\{\{\s*([A-Za-z_][\w-]*)\s*\}\}/g;

/** Refuses a template naming a placeholder cotscope does not fill, before any request is sent. */
export function checkTemplate(template: string, source = 'the prompt template'): void {
  if (!template.trim()) throw new CotscopeError(`${source}: the prompt template is empty`, 'usage');
  const unknown = new Set<string>();
  // Own keys only: `{{constructor}}` is no placeholder, whatever an object literal inherits.
  for (const m of template.matchAll(PLACEHOLDER_RE)) if (!Object.hasOwn(PLACEHOLDERS, m[1])) unknown.add(m[1]);
  if (unknown.size > 0) {
    const names = [...unknown].map((n) => `{{${n}}}`).join(', ');
    throw new CotscopeError(
      `${source}: unknown placeholder${unknown.size > 1 ? 's' : ''} ${names} (known: ${Object.keys(PLACEHOLDERS).map((n) => `{{${n}}}`).join(', ')})`,
      'usage',
    );
  }
}

// A degenerate chain can run to megabytes, more than a judge's context holds: the steps block is cut (and says so)
// rather than every such response failing with the server's context-length error.
const STEP_CHARS = 2_000;
const STEPS_BLOCK_CHARS = 32_000;

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)} […]`;
}

export function renderSteps(steps: readonly string[]): string {
  if (steps.length === 0) return '(the response has no reasoning steps)';
  const lines: string[] = [];
  let used = 0;
  for (let i = 0; i < steps.length; i++) {
    const line = `Step ${i + 1}: ${clip(oneLine(steps[i]), STEP_CHARS)}`;
    if (used + line.length > STEPS_BLOCK_CHARS && lines.length > 0) {
      lines.push(`(… ${steps.length - i} more step(s) not shown: the chain is too long)`);
      break;
    }
    lines.push(line);
    used += line.length + 1;
  }
  return lines.join('\n');
}

function renderOptions(options: Options): string {
  const lines = LETTERS.filter((l) => options[l] !== null && options[l] !== '').map((l) => `${l}. ${oneLine(options[l] as string)}`);
  return lines.length ? lines.join('\n') : '(no lettered options)';
}

function renderNarration(narration: JudgeItem['narration']): string {
  const lines = narration.map((n, i) => {
    const text = typeof n.narration_text === 'string' ? oneLine(n.narration_text) : '(no text)';
    const frames = typeof n.start_frame === 'number' && typeof n.stop_frame === 'number' ? ` (frames ${n.start_frame}–${n.stop_frame})` : '';
    return `${i + 1}. ${text}${frames}`;
  });
  return lines.length ? lines.join('\n') : '(none: the video shows no earlier step; there is only the current observation)';
}

function renderAnswer(item: JudgeItem): string {
  if (item.answer === null) return '(no <answer> tag)';
  const text = oneLine(item.answer) || '(empty)';
  // The letter cotscope read from a bare option text ("put coffee into cup") lets the judge match it to the options.
  return item.prediction && !text.toUpperCase().startsWith(item.prediction) ? `${text} (option ${item.prediction})` : text;
}

function renderGolden(item: JudgeItem): string {
  if (!item.golden) return '(unknown)';
  const text = item.options[item.golden];
  return text ? `${item.golden}. ${oneLine(text)}` : item.golden;
}

/** The prompt for one response: the template with every placeholder filled in one pass, then the reply schema. */
export function renderPrompt(template: string, item: JudgeItem): string {
  const values: Record<Placeholder, () => string> = {
    question: () => (item.question ? oneLine(item.question) : '(no question)'),
    options: () => renderOptions(item.options),
    goal: () => (item.goal ? oneLine(item.goal) : '(no task goal given)'),
    narration: () => renderNarration(item.narration),
    steps: () => renderSteps(item.steps),
    answer: () => renderAnswer(item),
    golden: () => renderGolden(item),
  };
  // One pass: a chain that itself contains "{{answer}}" stays text.
  const body = template.replace(PLACEHOLDER_RE, (m, name: string) => (Object.hasOwn(values, name) ? values[name as Placeholder]() : m));
  return `${body.trimEnd()}\n\n${REPLY_INSTRUCTIONS}`;
}

// ---------- the reply ----------

/** What the judge said about one response; steps are 0-based here, as everywhere in the workspace. */
export interface JudgeVerdict {
  supports: 'yes' | 'no' | 'unclear';
  /** The first wrong step (0-based), only when supports is no and the judge named one. */
  firstWrongStep: number | null;
  overlookedCue: string | null;
  reason: string | null;
}

const NOTE_CHARS = 4_000;

const nothing = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && /^\s*(|none|null|n\/a|no)\s*$/i.test(v));

// Lenient where models drift harmlessly ("Yes", true, "3", "none"), strict where a guess would put words in the
// judge's mouth (a step outside the chain, a supports value that is none of the three).
const ReplySchema = z.object({
  supports: z.preprocess(
    (v) => (typeof v === 'boolean' ? (v ? 'yes' : 'no') : typeof v === 'string' ? v.trim().toLowerCase() : v),
    z.enum(['yes', 'no', 'unclear'], { error: 'expected "yes", "no" or "unclear"' }),
  ),
  first_wrong_step: z.preprocess(
    (v) => (nothing(v) ? null : typeof v === 'string' && /^\s*(step\s*)?\d+\s*$/i.test(v) ? Number(v.replace(/\D/g, '')) : v),
    z.number({ error: 'expected a step number or null' }).int('expected a step number or null').nonnegative('expected a step number or null').nullable(),
  ),
  overlooked_cue: z.preprocess((v) => (nothing(v) ? null : v), z.string({ error: 'expected text or null' }).nullable()),
  reason: z.preprocess((v) => (nothing(v) ? null : v), z.string({ error: 'expected text or null' }).nullable()),
});

export type ReadReply = { ok: true; verdict: JudgeVerdict } | { ok: false; problem: string; detail: string };

/** The first 200 characters of a reply, on one line: what a failure report shows of it. */
export function replyExcerpt(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 200 ? `${one.slice(0, 200)}…` : one || '(empty)';
}

/** Reads the judge's reply text (a chat completion's message content) against the schema it was given. */
export function readReply(content: string, stepCount: number): ReadReply {
  const found = findJsonObject(content);
  if ('problem' in found) return { ok: false, problem: found.problem, detail: replyExcerpt(content) };
  const parsed = ReplySchema.safeParse(found.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.join('.') || 'reply';
    return { ok: false, problem: 'reply without the fields asked for', detail: `${field}: ${issue.message} — ${replyExcerpt(content)}` };
  }
  const r = parsed.data;
  let firstWrongStep: number | null = null;
  // 0 is no step of a list numbered from 1: models write it for "none".
  if (r.supports === 'no' && r.first_wrong_step !== null && r.first_wrong_step > 0) {
    if (r.first_wrong_step > stepCount) {
      return {
        ok: false,
        problem: 'reply names a step the chain does not have',
        detail: `step ${r.first_wrong_step} of ${stepCount} — ${replyExcerpt(content)}`,
      };
    }
    firstWrongStep = r.first_wrong_step - 1;
  }
  const text = (v: string | null) => (v === null ? null : v.trim().slice(0, NOTE_CHARS) || null);
  return { ok: true, verdict: { supports: r.supports, firstWrongStep, overlookedCue: text(r.overlooked_cue), reason: text(r.reason) } };
}

/**
 * The one JSON object of a reply: the whole text, else inside ```json fences, else the balanced {…} found in text
 * around it. A reasoning judge's own <think> block is set aside first (its braces are not the answer). Several
 * different objects are as unreadable as none: picking one would be a guess.
 */
export function findJsonObject(content: string): { value: Record<string, unknown> } | { problem: string } {
  const text = content.replace(/<think>[\s\S]*?<\/think>/gi, '').trim();
  if (!text) return { problem: 'empty reply' };
  const whole = tryObject(text);
  if (whole) return { value: whole };
  const candidates: Record<string, unknown>[] = [];
  for (const m of text.matchAll(/```[a-zA-Z]*[ \t]*\r?\n?([\s\S]*?)```/g)) {
    const v = tryObject(m[1].trim());
    if (v) candidates.push(v);
  }
  if (candidates.length === 0) candidates.push(...objectsIn(text));
  if (candidates.length === 0) return { problem: 'reply is not JSON' };
  const withVerdict = candidates.filter((c) => 'supports' in c);
  const pool = withVerdict.length ? withVerdict : candidates;
  const distinct = new Set(pool.map((c) => JSON.stringify(c)));
  if (distinct.size > 1) return { problem: `reply holds ${distinct.size} different JSON objects` };
  return { value: pool[0] };
}

function tryObject(text: string): Record<string, unknown> | null {
  if (!text.startsWith('{')) return null;
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * The JSON objects in a text, outermost first, string literals respected. A brace that opens no object ("use {x}")
 * is passed over, so prose with braces before the answer does not hide it. A bounded number of braces is tried: each
 * try may scan to the end of the text, and a degenerate reply can hold thousands.
 */
function objectsIn(text: string): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  let i = text.indexOf('{');
  for (let tries = 0; i !== -1 && tries < 200; tries++) {
    const end = closingBrace(text, i);
    const v = end === -1 ? null : tryObject(text.slice(i, end + 1));
    if (v) found.push(v);
    i = text.indexOf('{', v ? end + 1 : i + 1);
  }
  return found;
}

/** Where the object opened at `start` closes, or -1 when it never does. */
function closingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let j = start; j < text.length; j++) {
    const c = text[j];
    if (inString) {
      if (c === '\\') j++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return j;
  }
  return -1;
}
