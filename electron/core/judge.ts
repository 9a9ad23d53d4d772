// judge: `cotscope judge`, an LLM judge on the user's own OpenAI-compatible server (vLLM, llama.cpp, Ollama). It reads
// each response and says whether the reasoning supports the answer, the first wrong step and any overlooked visual cue;
// what it says lands as annotator `judge:<model>` (a verdict, tags of origin 'import'), so agreement and the
// dashboards count it like a teammate. A response the judge already has a verdict on is never asked again: a run
// stopped half-way is continued by running it again.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { isLevel, type Letter, type Options } from '../../shared/types.ts';
import { CotscopeError } from './errors.ts';
import { tagUuid, verdictUuid, type JudgedResponse } from './import-tags.ts';
import { checkTemplate, DEFAULT_TEMPLATE, readReply, renderPrompt, replyExcerpt, type JudgeItem, type JudgeVerdict } from './judge-prompt.ts';
import { isBusy, nowIso, type Db } from './store.ts';
import { writeTransaction } from './util.ts';
import { VERSION } from './version.ts';

/** The one place the server's API key comes from: never the command line, where `ps` shows it to every user. */
export const API_KEY_ENV = 'COTSCOPE_JUDGE_API_KEY';

export interface JudgeOptions {
  /** The server's base URL (…/v1), or its chat-completions URL itself. */
  endpoint: string;
  model: string;
  /** A prompt template with {{placeholders}} (judge-prompt.ts); default DEFAULT_TEMPLATE. */
  template?: string;
  /** What to call the template in messages (its file). */
  templateSource?: string;
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  runs?: string[];
  levels?: string[];
  /** Ask about at most this many responses (of those not judged yet). */
  limit?: number;
  /** Per request (default 120 s). */
  timeoutMs?: number;
  apiKey?: string;
  /** Tries per response (default 4). */
  maxTries?: number;
  /** The first retry waits about this long, each next one twice as long (default 1 s), with jitter. */
  backoffMs?: number;
  /** Stop sending: requests in flight finish and are written; the rest wait for the next run. */
  stop?: AbortSignal;
  /** Abort the requests in flight too (nothing half-written: a response is written whole or not at all). */
  abort?: AbortSignal;
  onProgress?: (p: JudgeProgress) => void;
  /** For tests: the clock's waits (backoff, Retry-After), the jitter, and HTTP. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
  fetch?: typeof fetch;
}

export interface JudgeProgress {
  /** Responses finished this run: judged, failed, or found judged meanwhile. */
  done: number;
  total: number;
  judged: number;
  failed: number;
}

export interface FailureGroup {
  problem: string;
  count: number;
  /** The first few, as `run level sample_id #rollout: detail`. */
  examples: { response: string; detail: string }[];
}

export interface JudgeResult {
  annotator: string;
  /** The chat-completions URL asked. */
  url: string;
  /** Responses the filter selects. */
  selected: number;
  /** Of those, the ones this judge had a verdict on (not asked again; or, rarely, written meanwhile by another run). */
  alreadyJudged: number;
  /** Asked about this run (after --limit). */
  total: number;
  judged: number;
  verdicts: { yes: number; no: number; unclear: number };
  tags: { inconsistent: number; 'overlooked-cue': number };
  failed: { count: number; groups: FailureGroup[] };
  /** Left unasked (or abandoned mid-request) because the run was stopped or hit a server error that ends it. */
  notDone: number;
  /** Ctrl+C (stop or abort) ended the run early. */
  interrupted: boolean;
  /** A server error that ends the run (it went away, refused the key): the message, else null. */
  fatal: string | null;
  seconds: number;
  /** The server refused `response_format` and was asked without it (the prompt still asks for JSON). */
  jsonModeOff: boolean;
}

const EXAMPLES_KEPT = 10;
const RETRY_AFTER_MAX_MS = 10 * 60_000;

/** The URL requests go to: `{endpoint}/chat/completions`, unless the endpoint already is one. */
export function chatCompletionsUrl(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint.trim());
  } catch {
    throw new CotscopeError(`--endpoint ${endpoint}: not a URL (e.g. http://localhost:8000/v1)`, 'usage');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CotscopeError(`--endpoint ${endpoint}: expected an http:// or https:// URL`, 'usage');
  // Messages print the URL; a key in it would be printed with them.
  if (url.username || url.password) throw new CotscopeError(`--endpoint: put the key in ${API_KEY_ENV}, not in the URL`, 'usage');
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = /\/chat\/completions$/.test(path) ? path : `${path}/chat/completions`;
  return url.toString();
}

export function judgeAnnotator(model: string): string {
  return `judge:${model.trim()}`;
}

/** A --prompt file's text, checked before anything is sent. */
export function readPromptFile(file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CotscopeError(`--prompt ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : (err as Error).message}`, 'usage');
  }
  checkTemplate(text, `--prompt ${file}`);
  return text;
}

// ---------- what is asked about ----------

interface ResponseRow {
  id: number;
  run: string;
  level: string;
  sample_id: string;
  rollout: number;
  raw: string;
  steps: string;
  answer_text: string | null;
  prediction: Letter | null;
  question: string | null;
  choice_a: string | null;
  choice_b: string | null;
  choice_c: string | null;
  choice_d: string | null;
  task_goal: string | null;
  task_progress: string;
  golden: Letter | null;
}

interface Loaded {
  id: number;
  at: JudgedResponse;
  label: string;
  stepCount: number;
  prompt: string;
}

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

function toItem(r: ResponseRow): { item: JudgeItem; stepCount: number } {
  const offsets = parseJson<[number, number][]>(r.steps, []);
  const options: Options = { A: r.choice_a, B: r.choice_b, C: r.choice_c, D: r.choice_d };
  const narration = parseJson<unknown>(r.task_progress, []);
  return {
    stepCount: offsets.length,
    item: {
      question: r.question,
      options,
      goal: r.task_goal,
      narration: Array.isArray(narration) ? (narration as JudgeItem['narration']) : [],
      steps: offsets.map(([start, end]) => r.raw.slice(start, end)),
      answer: r.answer_text,
      prediction: r.prediction,
      golden: r.golden,
    },
  };
}

// ---------- one request ----------

type Attempt =
  | { kind: 'reply'; content: string }
  | { kind: 'retry'; problem: string; detail: string; retryAfterMs: number | null }
  | { kind: 'fail'; problem: string; detail: string }
  | { kind: 'fatal'; message: string }
  | { kind: 'unreachable'; message: string }
  | { kind: 'no-json-mode' }
  | { kind: 'aborted' };

const TIMED_OUT = Symbol('timed out');
// Codes that mean nothing is listening there (or no such host): on the first request, the run ends at once.
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

function errorCode(err: unknown): { code: string | null; message: string } {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : typeof (err as { code?: unknown })?.code === 'string' ? ((err as { code: string }).code) : null;
  const message = typeof cause?.message === 'string' && cause.message ? cause.message : (err as Error)?.message ?? String(err);
  return { code, message };
}

/** The server's own words from an error body: OpenAI's {error:{message}}, vLLM's {message}, FastAPI's {detail}. */
function serverMessage(body: string): string {
  const v = parseJson<unknown>(body, undefined);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const e = o.error;
    if (e && typeof e === 'object' && typeof (e as Record<string, unknown>).message === 'string') return (e as { message: string }).message;
    for (const k of ['message', 'detail', 'error']) if (typeof o[k] === 'string') return o[k] as string;
  }
  return replyExcerpt(body);
}

function retryAfterMs(header: string | null): number | null {
  if (!header) return null;
  const secs = Number(header.trim());
  const ms = Number.isFinite(secs) ? secs * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), RETRY_AFTER_MAX_MS) : null;
}

class JudgeClient {
  jsonMode = true;
  private readonly modelsUrl: string;

  constructor(
    readonly url: string,
    private readonly model: string,
    private readonly apiKey: string | undefined,
    private readonly timeoutMs: number,
    private readonly fetchFn: typeof fetch,
    private readonly abort: AbortSignal | undefined,
  ) {
    this.modelsUrl = url.replace(/\/chat\/completions(?=$|\?)/, '/models');
  }

  /** Text a server sent back can quote the key it refused ("Incorrect API key: sk-…"): it is never printed. */
  redact(text: string): string {
    return this.apiKey && this.apiKey.length >= 4 ? text.split(this.apiKey).join(`[${API_KEY_ENV}]`) : text;
  }

  private headers(): Record<string, string> {
    const h: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', 'user-agent': `cotscope/${VERSION}` };
    if (this.apiKey) h.authorization = `Bearer ${this.apiKey}`;
    return h;
  }

  async ask(prompt: string): Promise<Attempt> {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(TIMED_OUT), this.timeoutMs);
    const onAbort = () => ctl.abort();
    this.abort?.addEventListener('abort', onAbort, { once: true });
    if (this.abort?.aborted) ctl.abort();
    try {
      const body: Record<string, unknown> = {
        model: this.model,
        messages: [{ role: 'user', content: prompt }],
        // A judge should say the same of the same chain twice: agreement with humans means little otherwise.
        temperature: 0,
        stream: false,
      };
      const jsonMode = this.jsonMode;
      if (jsonMode) body.response_format = { type: 'json_object' };
      const res = await this.fetchFn(this.url, { method: 'POST', headers: this.headers(), body: JSON.stringify(body), signal: ctl.signal });
      // Read inside the timeout too: a server can send its headers and then stall.
      const text = await res.text();
      return await this.classify(res.status, res.headers, text, jsonMode);
    } catch (err) {
      if (ctl.signal.aborted) {
        if (ctl.signal.reason !== TIMED_OUT) return { kind: 'aborted' };
        return { kind: 'retry', problem: 'timed out', detail: `no answer within ${this.timeoutMs / 1000} s`, retryAfterMs: null };
      }
      const { code, message } = errorCode(err);
      if (code && UNREACHABLE.has(code)) return { kind: 'unreachable', message: `cannot reach ${this.url}: ${message}; is the server running?` };
      return { kind: 'retry', problem: 'connection error', detail: code ? `${code}: ${message}` : message, retryAfterMs: null };
    } finally {
      clearTimeout(timer);
      this.abort?.removeEventListener('abort', onAbort);
    }
  }

  private async classify(status: number, headers: Headers, body: string, jsonMode: boolean): Promise<Attempt> {
    if (status >= 200 && status < 300) {
      const v = parseJson<{ choices?: { message?: { content?: unknown } }[] } | undefined>(body, undefined);
      const content = v?.choices?.[0]?.message?.content;
      if (!v || !Array.isArray(v.choices)) return { kind: 'fail', problem: 'the server answered something other than a chat completion', detail: this.redact(replyExcerpt(body)) };
      if (typeof content !== 'string') return { kind: 'fail', problem: 'reply has no text', detail: this.redact(replyExcerpt(body)) };
      return { kind: 'reply', content };
    }
    const said = this.redact(serverMessage(body));
    const http = `HTTP ${status}${said ? `: ${said}` : ''}`;
    if (status === 401 || status === 403) {
      return {
        kind: 'fatal',
        message: `${this.url}: the server refused the key (${http}): set ${API_KEY_ENV}${this.apiKey ? ' to a key it accepts' : ' (it is not set)'}`,
      };
    }
    // Before the model test: "this model does not support response_format" is about the option, not the model.
    if ((status === 400 || status === 422) && jsonMode && /response_format|json_object|json mode/i.test(said)) return { kind: 'no-json-mode' };
    const namesModel = said.toLowerCase().includes(this.model.toLowerCase()) || /\bmodel\b/i.test(said);
    const notFound = /not found|does not exist|doesn't exist|unknown|no such|not available|not loaded|invalid model|not served/i.test(said);
    // vLLM answers an unknown model with 404, Ollama with 400 or 404; a 400 about the model's context length is not one.
    if ((status === 404 && namesModel) || ((status === 400 || status === 422) && namesModel && notFound && !/context|token/i.test(said))) {
      return { kind: 'fatal', message: `${this.url}: the server does not know model "${this.model}" (${http})${await this.servedModels()}` };
    }
    if (status === 404) {
      return { kind: 'fatal', message: `${this.url}: no chat-completions API there (${http}); --endpoint is the server's OpenAI-compatible base URL, e.g. http://localhost:8000/v1 (vLLM) or http://localhost:11434/v1 (Ollama)` };
    }
    if (status === 408 || status === 425 || status === 429 || status >= 500) {
      return { kind: 'retry', problem: `HTTP ${status}`, detail: http, retryAfterMs: retryAfterMs(headers.get('retry-after')) };
    }
    return { kind: 'fail', problem: `HTTP ${status}`, detail: http };
  }

  /** "; it serves: a, b" from GET {base}/models, when the server lists them (best effort, a few seconds at most). */
  private async servedModels(): Promise<string> {
    try {
      const res = await this.fetchFn(this.modelsUrl, { headers: this.headers(), signal: AbortSignal.timeout(Math.min(5_000, this.timeoutMs)) });
      if (!res.ok) return '';
      const v = parseJson<{ data?: { id?: unknown }[] } | undefined>(await res.text(), undefined);
      const ids = (v?.data ?? []).map((m) => m?.id).filter((id): id is string => typeof id === 'string');
      return ids.length ? `; it serves: ${this.redact(ids.slice(0, 20).join(', '))}${ids.length > 20 ? ', …' : ''}` : '';
    } catch {
      return '';
    }
  }
}

// ---------- writing what the judge said ----------

type Written = { kind: 'written'; tags: { inconsistent: number; 'overlooked-cue': number } } | { kind: 'already' };

function makeWriter(db: Db, annotator: string) {
  const s = {
    annotator: db.prepare('SELECT id FROM annotators WHERE name = ?').pluck(),
    insertAnnotator: db.prepare("INSERT INTO annotators (name, kind, created_at) VALUES (?, 'judge', ?)"),
    label: db.prepare('SELECT id FROM labels WHERE key = ? AND retired_at IS NULL').pluck(),
    verdict: db.prepare('SELECT id, deleted_at FROM verdicts WHERE response_id = ? AND annotator_id = ?'),
    verdictUuidTaken: db.prepare('SELECT 1 FROM verdicts WHERE uuid = ?'),
    insertVerdict: db.prepare(
      `INSERT INTO verdicts (uuid, response_id, annotator_id, supports, review_status, note, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'done', ?, ?, ?)`,
    ),
    reviseVerdict: db.prepare("UPDATE verdicts SET supports = ?, review_status = 'done', note = ?, deleted_at = NULL, updated_at = ? WHERE id = ?"),
    tag: db.prepare('SELECT id, annotator_id, note, deleted_at FROM tags WHERE uuid = ?'),
    insertTag: db.prepare(
      `INSERT INTO tags (uuid, response_id, label_id, annotator_id, step_start, step_end, note, origin, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'import', ?, ?)`,
    ),
    reviseTag: db.prepare('UPDATE tags SET note = ?, updated_at = ? WHERE id = ?'),
    reviveTag: db.prepare('UPDATE tags SET note = ?, deleted_at = NULL, updated_at = ? WHERE id = ?'),
  };

  // One small transaction per response, begun IMMEDIATE: `cotscope serve` may hold the workspace open, and only a
  // transaction that asks for the write lock first waits out its busy timeout.
  return writeTransaction(db, (r: Loaded, v: JudgeVerdict): Written => {
    const now = nowIso();
    let annotatorId = s.annotator.get(annotator) as number | undefined;
    if (annotatorId === undefined) annotatorId = Number(s.insertAnnotator.run(annotator, now).lastInsertRowid);
    const existing = s.verdict.get(r.id, annotatorId) as { id: number; deleted_at: string | null } | undefined;
    // Another `judge` with the same model got there first: its judgment stands.
    if (existing && existing.deleted_at === null) return { kind: 'already' };
    if (existing) s.reviseVerdict.run(v.supports, v.reason, now, existing.id);
    else {
      // The derived UUID is taken only when the row is another annotator's (one renamed here, say): a UUID never
      // changes hands, so this verdict gets one of its own.
      const derived = verdictUuid(annotator, r.at);
      s.insertVerdict.run(s.verdictUuidTaken.get(derived) ? crypto.randomUUID() : derived, r.id, annotatorId, v.supports, v.reason, now, now);
    }

    const tags = { inconsistent: 0, 'overlooked-cue': 0 };
    const put = (key: 'inconsistent' | 'overlooked-cue', steps: [number, number] | null, note: string | null) => {
      // The same derivation as import-tags: this judgment in a judge's file imports onto these very rows.
      const uuid = tagUuid(annotator, r.at, key, steps, null, null);
      const row = s.tag.get(uuid) as { id: number; annotator_id: number; note: string | null; deleted_at: string | null } | undefined;
      if (!row) {
        s.insertTag.run(uuid, r.id, s.label.get(key) as number, annotatorId, steps?.[0] ?? null, steps?.[1] ?? null, note, now, now);
      } else if (row.annotator_id !== annotatorId) {
        return; // a UUID never changes hands (as in a pack merge)
      } else if (row.deleted_at !== null) {
        s.reviveTag.run(note, now, row.id);
      } else if (row.note !== note) {
        s.reviseTag.run(note, now, row.id);
      }
      tags[key]++;
    };
    if (v.supports === 'no' && v.firstWrongStep !== null) put('inconsistent', [v.firstWrongStep, v.firstWrongStep], v.reason);
    if (v.overlookedCue !== null) put('overlooked-cue', null, v.overlookedCue);
    return { kind: 'written', tags };
  });
}

// ---------- the run ----------

function positiveInt(name: string, v: number | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || v < 1 || v > max) throw new CotscopeError(`${name} ${v}: expected a whole number from 1 to ${max}`, 'usage');
  return v;
}

/**
 * Asks the judge about every selected response this judge has no verdict on, `concurrency` at a time, and writes each
 * judgment as it comes. Everything that can be refused is refused before the first request (URL, template, runs,
 * levels, labels); the first request goes alone, so a server that is not there, refuses the key or does not know the
 * model ends the run before anything else is sent (thrown as a CotscopeError). Later, such an error ends the run
 * with what was written kept (`fatal` in the result). A response that fails (timeouts and 429/5xx after all tries, a
 * reply that is not the JSON asked for) is reported and the run goes on; it is asked again next run.
 */
export async function judge(db: Db, opts: JudgeOptions): Promise<JudgeResult> {
  const started = performance.now();
  const url = chatCompletionsUrl(opts.endpoint);
  const model = opts.model.trim();
  if (!model) throw new CotscopeError('--model NAME is required (the name the server knows the model by)', 'usage');
  const template = opts.template ?? DEFAULT_TEMPLATE;
  checkTemplate(template, opts.templateSource);
  const concurrency = positiveInt('--concurrency', opts.concurrency, 4, 256);
  const maxTries = positiveInt('maxTries', opts.maxTries, 4, 100);
  const timeoutMs = opts.timeoutMs ?? 120_000;
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) throw new CotscopeError(`--timeout ${timeoutMs / 1000}: expected a number of seconds above 0`, 'usage');
  if (opts.limit !== undefined && (!Number.isInteger(opts.limit) || opts.limit < 0)) throw new CotscopeError(`--limit ${opts.limit}: expected a whole number ≥ 0`, 'usage');
  const backoffMs = opts.backoffMs ?? 1_000;
  const random = opts.random ?? Math.random;
  const sleep = opts.sleep ?? ((ms: number, signal: AbortSignal) => delay(ms, undefined, { signal }).catch(() => undefined));
  const annotator = judgeAnnotator(model);

  const runs = opts.runs?.length ? [...new Set(opts.runs)] : null;
  if (runs) {
    const known = new Set(db.prepare('SELECT name FROM runs').pluck().all() as string[]);
    const unknown = runs.filter((r) => !known.has(r));
    if (unknown.length) throw new CotscopeError(`--run: no run named ${unknown.map((r) => `"${r}"`).join(', ')} (the workspace has ${[...known].map((r) => `"${r}"`).join(', ') || 'none'})`, 'not_found');
  }
  const levels = opts.levels?.length ? [...new Set(opts.levels)] : null;
  if (levels) for (const l of levels) if (!isLevel(l) && l !== 'train') throw new CotscopeError(`--level ${l}: expected L1, L2, L3 or train`, 'usage');
  for (const key of ['inconsistent', 'overlooked-cue']) {
    if (db.prepare('SELECT 1 FROM labels WHERE key = ? AND retired_at IS NULL').get(key) === undefined) {
      throw new CotscopeError(`the judge's tags need the label "${key}", which this workspace has retired or lacks (restore it in Settings › Taxonomy)`, 'invalid');
    }
  }

  // Ids only: a million responses' texts are read one at a time, as each is asked about.
  const annotatorId = (db.prepare('SELECT id FROM annotators WHERE name = ?').pluck().get(annotator) as number | undefined) ?? -1;
  const rows = db
    .prepare(
      `SELECT x.id, EXISTS (SELECT 1 FROM verdicts v WHERE v.response_id = x.id AND v.annotator_id = @annotator AND v.deleted_at IS NULL)
         FROM responses x JOIN runs r ON r.id = x.run_id JOIN samples s ON s.id = x.sample_id
        WHERE (@runs IS NULL OR r.name IN (SELECT value FROM json_each(@runs))) AND (@levels IS NULL OR s.level IN (SELECT value FROM json_each(@levels)))
        ORDER BY x.id`,
    )
    .raw()
    .all({ annotator: annotatorId, runs: runs && JSON.stringify(runs), levels: levels && JSON.stringify(levels) }) as [number, number][];
  const unjudged = rows.filter(([, judged]) => !judged).map(([id]) => id);
  const todo = opts.limit !== undefined ? unjudged.slice(0, opts.limit) : unjudged;

  const load = db.prepare(
    `SELECT x.id, r.name AS run, s.level, s.sample_id, x.rollout, x.raw, x.steps, x.answer_text, x.prediction, s.question,
            s.choice_a, s.choice_b, s.choice_c, s.choice_d, s.task_goal, s.task_progress, s.golden
       FROM responses x JOIN runs r ON r.id = x.run_id JOIN samples s ON s.id = x.sample_id WHERE x.id = ?`,
  );
  const loadOne = (id: number): Loaded => {
    const row = load.get(id) as ResponseRow;
    const { item, stepCount } = toItem(row);
    return {
      id,
      at: { run: row.run, level: row.level, sampleId: row.sample_id, rollout: row.rollout },
      label: `${row.run} ${row.level} ${row.sample_id} #${row.rollout}`,
      stepCount,
      prompt: renderPrompt(template, item),
    };
  };
  const write = makeWriter(db, annotator);
  const client = new JudgeClient(url, model, opts.apiKey || undefined, timeoutMs, opts.fetch ?? fetch, opts.abort);

  const result: JudgeResult = {
    annotator,
    url,
    selected: rows.length,
    alreadyJudged: rows.length - unjudged.length,
    total: todo.length,
    judged: 0,
    verdicts: { yes: 0, no: 0, unclear: 0 },
    tags: { inconsistent: 0, 'overlooked-cue': 0 },
    failed: { count: 0, groups: [] },
    notDone: 0,
    interrupted: false,
    fatal: null,
    seconds: 0,
    jsonModeOff: false,
  };
  const groups = new Map<string, FailureGroup>();
  let done = 0;
  const progress = () => opts.onProgress?.({ done, total: todo.length, judged: result.judged, failed: result.failed.count });
  const fail = (r: Loaded, problem: string, detail: string) => {
    let g = groups.get(problem);
    if (!g) groups.set(problem, (g = { problem, count: 0, examples: [] }));
    g.count++;
    if (g.examples.length < EXAMPLES_KEPT) g.examples.push({ response: r.label, detail: client.redact(detail) });
    result.failed.count++;
  };

  // Waits (backoff, Retry-After) end early when the run is stopped, aborted, or ended by a server error.
  const halt = new AbortController();
  const onSignal = () => halt.abort();
  for (const sig of [opts.stop, opts.abort]) {
    if (sig?.aborted) halt.abort();
    sig?.addEventListener('abort', onSignal, { once: true });
  }
  const stopped = () => halt.signal.aborted;

  /** One response, start to finish. 'fatal' carries the message that ends the run; 'not-done' leaves it for the next. */
  const judgeOne = async (id: number, probe: boolean): Promise<{ fatal: string } | 'done' | 'not-done'> => {
    const r = loadOne(id);
    let last: { problem: string; detail: string } | null = null;
    for (let tries = 0; tries < maxTries; ) {
      const a = await client.ask(r.prompt);
      if (a.kind === 'aborted') return 'not-done';
      if (a.kind === 'no-json-mode') {
        // Not every server takes response_format (older llama.cpp, some proxies): the prompt still asks for JSON.
        client.jsonMode = false;
        result.jsonModeOff = true;
        continue;
      }
      tries++;
      if (a.kind === 'fatal') return { fatal: a.message };
      if (a.kind === 'unreachable') {
        if (probe || tries >= maxTries) return { fatal: a.message };
        last = { problem: 'server unreachable', detail: a.message };
      } else if (a.kind === 'fail') {
        fail(r, a.problem, a.detail);
        return 'done';
      } else if (a.kind === 'retry') {
        last = { problem: a.problem, detail: a.detail };
      } else {
        const read = readReply(a.content, r.stepCount);
        if (!read.ok) {
          fail(r, read.problem, read.detail);
          return 'done';
        }
        try {
          const w = write(r, read.verdict);
          if (w.kind === 'written') {
            result.judged++;
            result.verdicts[read.verdict.supports]++;
            result.tags.inconsistent += w.tags.inconsistent;
            result.tags['overlooked-cue'] += w.tags['overlooked-cue'];
          } else result.alreadyJudged++;
        } catch (err) {
          if (!isBusy(err)) throw err;
          fail(r, 'workspace busy', 'another program held the workspace past the busy timeout; not written');
        }
        return 'done';
      }
      if (tries >= maxTries) break;
      if (stopped()) return 'not-done';
      const wait = a.kind === 'retry' && a.retryAfterMs !== null ? a.retryAfterMs : backoffMs * 2 ** (tries - 1) * (0.5 + random() / 2);
      await sleep(wait, halt.signal);
      if (stopped()) return 'not-done';
    }
    const what = last ?? { problem: 'failed', detail: '' };
    fail(r, `${what.problem} on all ${maxTries} tries`, what.detail);
    return 'done';
  };

  try {
    progress();
    let next = 0;
    if (todo.length > 0 && !stopped()) {
      const first = await judgeOne(todo[next++], true);
      if (typeof first === 'object') throw new CotscopeError(client.redact(first.fatal), 'judge_server');
      if (first === 'done') done++;
      else next--;
      progress();
    }
    // A worker that meets an error of ours (the workspace itself failing) stops the others before it is thrown: none
    // may go on sending requests behind the error's back.
    let broken: unknown = null;
    const worker = async () => {
      try {
        while (!stopped() && next < todo.length) {
          const outcome = await judgeOne(todo[next++], false);
          if (typeof outcome === 'object') {
            result.fatal ??= client.redact(outcome.fatal);
            halt.abort();
          } else if (outcome === 'done') done++;
          progress();
        }
      } catch (err) {
        broken ??= err;
        halt.abort();
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, todo.length - next) }, worker));
    if (broken) throw broken;
  } finally {
    for (const sig of [opts.stop, opts.abort]) sig?.removeEventListener('abort', onSignal);
    result.seconds = (performance.now() - started) / 1000;
  }
  result.notDone = todo.length - done;
  result.interrupted = result.fatal === null && Boolean(opts.stop?.aborted || opts.abort?.aborted) && result.notDone > 0;
  result.failed.groups = [...groups.values()].sort((a, b) => b.count - a.count);
  return result;
}

/** The summary `cotscope judge` prints: what was judged, skipped and failed (grouped, with a few examples each). */
export function formatJudgeResult(r: JudgeResult, examples = 3): string {
  const lines = [
    `"${r.annotator}" at ${r.url}: judged ${r.judged} of ${r.total} response(s) in ${r.seconds.toFixed(1)} s` +
      (r.judged
        ? ` (supports: yes ${r.verdicts.yes}, no ${r.verdicts.no}, unclear ${r.verdicts.unclear}; ` +
          `tags: ${r.tags.inconsistent} inconsistent, ${r.tags['overlooked-cue']} overlooked-cue)`
        : ''),
  ];
  if (r.alreadyJudged) lines.push(`skipped ${r.alreadyJudged} response(s) already judged by "${r.annotator}"`);
  if (r.jsonModeOff) lines.push('the server does not take response_format: JSON was asked for in the prompt alone');
  if (r.failed.count) {
    lines.push(`failed ${r.failed.count}:`);
    for (const g of r.failed.groups) {
      lines.push(`  ${g.count} × ${g.problem}`);
      for (const e of g.examples.slice(0, examples)) lines.push(`    ${e.response}: ${e.detail}`);
      if (g.count > examples) lines.push(`    … and ${g.count - examples} more`);
    }
  }
  return lines.join('\n');
}
