// The LLM judge (electron/core/judge.ts) against a small OpenAI-compatible server run inside the test (node:http; no
// model, no network): what lands in the demo workspace, resuming, concurrency, retries and timeouts, the errors that
// end a run before anything is written, and the reply reader's tolerance (judge-prompt.ts).
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Agreement } from '../../electron/core/agreement.ts';
import { buildDemo } from '../../electron/core/demo.ts';
import { importTags, tagUuid, verdictUuid } from '../../electron/core/import-tags.ts';
import { chatCompletionsUrl, judge, type JudgeOptions } from '../../electron/core/judge.ts';
import { checkTemplate, DEFAULT_TEMPLATE, findJsonObject, readReply, renderPrompt, type JudgeItem } from '../../electron/core/judge-prompt.ts';
import { openStore, type Store } from '../../electron/core/store.ts';
import { holdWriteLock } from './lock-holder.ts';

// ---------- a chat-completions server that answers like vLLM or Ollama ----------

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: any;
  prompt: string;
}

type Answer =
  | { status?: number; headers?: Record<string, string>; json?: unknown; text?: string; delayMs?: number }
  | { content: string; delayMs?: number }
  | 'hang';

interface FakeServer {
  url: string;
  seen: Seen[];
  inFlight: number;
  maxInFlight: number;
  close(): Promise<void>;
}

const completion = (content: string) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  model: 'test-model',
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
});

async function startServer(answer: (req: Seen, n: number) => Answer | Promise<Answer>): Promise<FakeServer> {
  const s: FakeServer = { url: '', seen: [], inFlight: 0, maxInFlight: 0, close: async () => {} };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', async () => {
      const body = raw ? JSON.parse(raw) : null;
      const seen: Seen = { method: req.method!, url: req.url!, headers: req.headers, body, prompt: body?.messages?.[0]?.content ?? '' };
      s.seen.push(seen);
      s.inFlight++;
      s.maxInFlight = Math.max(s.maxInFlight, s.inFlight);
      res.on('close', () => s.inFlight--);
      const a = await answer(seen, s.seen.length);
      if (a === 'hang') return;
      if (a.delayMs) await new Promise((r) => setTimeout(r, a.delayMs));
      if ('content' in a) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(completion(a.content)));
        return;
      }
      res.writeHead(a.status ?? 200, { 'content-type': 'application/json', ...a.headers }).end(a.text ?? JSON.stringify(a.json ?? {}));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  s.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  s.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return s;
}

/**
 * The canned judge: it reads the prompt as a model would and answers by a rule the test can check against the
 * workspace: a chain of two or more steps does not support its answer, step 2 is the first wrong one, and where the
 * video narrates steps, the last of them is the overlooked cue.
 */
function cannedVerdict(prompt: string) {
  const steps = prompt.match(/^Step \d+:/gm)?.length ?? 0;
  const narrated = prompt.match(/^\d+\. .*\(frames \d+–\d+\)$/gm) ?? [];
  const bad = steps >= 2;
  return {
    supports: bad ? 'no' : 'yes',
    first_wrong_step: bad ? 2 : null,
    overlooked_cue: bad && narrated.length ? `the video shows "${narrated[narrated.length - 1].replace(/^\d+\. | \(frames.*$/g, '')}"` : null,
    reason: `read ${steps} step(s)`,
  };
}
const canned = (req: Seen): Answer => ({ content: JSON.stringify(cannedVerdict(req.prompt)) });
const chats = (s: FakeServer) => s.seen.filter((r) => r.url.endsWith('/chat/completions'));

// ---------- the demo workspace ----------

let root: string;
let template: string;
beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-judge-'));
  template = path.join(root, 'template.db');
  const s = openStore(template);
  await buildDemo(s);
  s.close();
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

let dir: string;
let store: Store;
let servers: FakeServer[];
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(root, 'case-'));
  fs.copyFileSync(template, path.join(dir, 'w.db'));
  store = openStore(path.join(dir, 'w.db'));
  servers = [];
});
afterEach(async () => {
  store.close();
  await Promise.all(servers.map((s) => s.close()));
});

async function server(answer: (req: Seen, n: number) => Answer | Promise<Answer> = canned): Promise<FakeServer> {
  const s = await startServer(answer);
  servers.push(s);
  return s;
}

const noWait = async () => {};
function run(s: FakeServer, opts: Partial<JudgeOptions> = {}) {
  return judge(store.db, { endpoint: `${s.url}/v1`, model: 'test-model', sleep: noWait, ...opts });
}

const ANNOTATOR = 'judge:test-model';
const ALL = 44; // responses in the demo workspace

interface ResponseFacts {
  id: number;
  run: string;
  level: string;
  sample_id: string;
  rollout: number;
  step_count: number;
  narration: string;
}
function responses(): ResponseFacts[] {
  return store.db
    .prepare(
      `SELECT x.id, r.name AS run, s.level, s.sample_id, x.rollout, x.step_count, s.task_progress AS narration
         FROM responses x JOIN runs r ON r.id = x.run_id JOIN samples s ON s.id = x.sample_id ORDER BY x.id`,
    )
    .all() as ResponseFacts[];
}
const verdictsOf = (annotator = ANNOTATOR) =>
  store.db
    .prepare('SELECT v.* FROM verdicts v JOIN annotators a ON a.id = v.annotator_id WHERE a.name = ? ORDER BY v.response_id')
    .all(annotator) as any[];
const tagsOf = (annotator = ANNOTATOR) =>
  store.db
    .prepare(
      `SELECT t.*, l.key AS label FROM tags t JOIN annotators a ON a.id = t.annotator_id JOIN labels l ON l.id = t.label_id
        WHERE a.name = ? ORDER BY t.response_id, l.key`,
    )
    .all(annotator) as any[];

describe('judge: what lands in the workspace', () => {
  it('judges every response as annotator judge:<model>: a verdict, an inconsistent tag on the first wrong step, the overlooked cue', async () => {
    const s = await server();
    const r = await run(s);
    expect(r).toMatchObject({
      annotator: ANNOTATOR,
      url: `${s.url}/v1/chat/completions`,
      selected: ALL,
      alreadyJudged: 0,
      total: ALL,
      judged: ALL,
      failed: { count: 0, groups: [] },
      notDone: 0,
      interrupted: false,
      fatal: null,
    });
    expect(chats(s)).toHaveLength(ALL);
    expect(store.db.prepare('SELECT kind FROM annotators WHERE name = ?').pluck().get(ANNOTATOR)).toBe('judge');

    const facts = responses();
    const verdicts = verdictsOf();
    const tags = tagsOf();
    expect(verdicts).toHaveLength(ALL);
    const expectedTags: object[] = [];
    for (const [i, x] of facts.entries()) {
      const bad = x.step_count >= 2;
      const narration = JSON.parse(x.narration) as { narration_text: string }[];
      const at = { run: x.run, level: x.level, sampleId: x.sample_id, rollout: x.rollout };
      expect(verdicts[i]).toMatchObject({
        response_id: x.id,
        uuid: verdictUuid(ANNOTATOR, at),
        supports: bad ? 'no' : 'yes',
        review_status: 'done',
        note: `read ${x.step_count} step(s)`,
        deleted_at: null,
      });
      if (bad) {
        expectedTags.push({
          response_id: x.id,
          label: 'inconsistent',
          uuid: tagUuid(ANNOTATOR, at, 'inconsistent', [1, 1], null, null),
          step_start: 1,
          step_end: 1,
          char_start: null,
          time_start: null,
          note: `read ${x.step_count} step(s)`,
          origin: 'import',
        });
        if (narration.length) {
          expectedTags.push({
            response_id: x.id,
            label: 'overlooked-cue',
            step_start: null,
            note: `the video shows "${narration[narration.length - 1].narration_text}"`,
            origin: 'import',
          });
        }
      }
    }
    expect(tags).toEqual(expectedTags.map((t) => expect.objectContaining(t)));
    // Both kinds occur in the demo, or the loop above proves little.
    expect(r.verdicts.yes).toBeGreaterThan(0);
    expect(r.verdicts.no).toBeGreaterThan(0);
    expect(r.tags).toEqual({ inconsistent: r.verdicts.no, 'overlooked-cue': tags.filter((t) => t.label === 'overlooked-cue').length });
    expect(r.tags['overlooked-cue']).toBeGreaterThan(0);
  });

  it('asks as the OpenAI API expects: JSON mode, the model, temperature 0, a prompt with the question, options, goal, narration, numbered steps and answer', async () => {
    const s = await server();
    await run(s, { runs: ['rl-grpo'], levels: ['L1'], limit: 1 });
    const [req] = chats(s);
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/v1/chat/completions');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers.authorization).toBeUndefined(); // no key set: none sent
    expect(req.body).toMatchObject({ model: 'test-model', temperature: 0, stream: false, response_format: { type: 'json_object' } });
    expect(req.body.messages).toHaveLength(1);
    // The first rl-grpo L1 response (demo sample 2051: make coffee).
    expect(req.prompt).toContain('Task goal: make coffee');
    expect(req.prompt).toContain('1. fill kettle (frames 40–130)\n2. turn on kettle (frames 142–175)\n3. take coffee jar (frames 250–330)');
    expect(req.prompt).toMatch(/Question: Considering the progress shown in the video .* to make coffee\?/);
    expect(req.prompt).toContain('A. pour milk\nB. put coffee into cup');
    expect(req.prompt).toContain('Step 1: Let me look at what has been done.\nStep 2: In the video I fill the kettle');
    expect(req.prompt).toContain('Step 4: The coffee has to be in the cup');
    expect(req.prompt).toContain("The model's answer: put coffee into cup (option B)");
    expect(req.prompt).toContain('{"supports": "yes" | "no" | "unclear", "first_wrong_step":');
    // The default prompt is blind to the key.
    expect(req.prompt).not.toMatch(/golden|correct option/i);
  });

  it('is the same row as the same judgment imported from a file, and agreement counts the judge like a teammate', async () => {
    const s = await server();
    await run(s, { runs: ['rl-grpo'] });
    const before = { tags: tagsOf(), verdicts: verdictsOf() };
    // The judge's own judgments, written as an import-tags file under its name: nothing new, nothing changed.
    const lines: object[] = [];
    for (const x of responses().filter((x) => x.run === 'rl-grpo')) {
      const v = verdictsOf().find((v) => v.response_id === x.id);
      lines.push({ run: x.run, sample_id: x.sample_id, rollout: x.rollout, level: x.level, verdict: v.supports });
      for (const t of tagsOf().filter((t) => t.response_id === x.id)) {
        lines.push({ run: x.run, sample_id: x.sample_id, rollout: x.rollout, level: x.level, label: t.label, note: t.note, ...(t.step_start === null ? {} : { steps: [t.step_start] }) });
      }
    }
    const file = path.join(dir, 'same.jsonl');
    fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n'));
    const imported = importTags(store.db, file, ANNOTATOR);
    expect(imported.tags.added + imported.tags.updated + imported.verdicts.added + imported.verdicts.updated).toBe(0);
    expect(imported.tags.unchanged).toBe(before.tags.length);
    expect({ tags: tagsOf(), verdicts: verdictsOf() }).toEqual(before);

    // A teammate who says yes everywhere: the pair shows in agreement, over the 16 responses both judged.
    fs.writeFileSync(path.join(dir, 'ana.jsonl'), responses().filter((x) => x.run === 'rl-grpo').map((x) => JSON.stringify({ run: x.run, level: x.level, sample_id: x.sample_id, verdict: 'yes' })).join('\n'));
    importTags(store.db, path.join(dir, 'ana.jsonl'), 'ana');
    const pair = new Agreement(store.db).compute().pairs.find((p) => p.annotators.includes(ANNOTATOR));
    expect(pair).toMatchObject({ responses: 16, verdict_responses: 16 });
  });

  it('waits for another program holding the write lock (writes begin IMMEDIATE, so the busy timeout applies)', async () => {
    const s = await server();
    const { released } = await holdWriteLock(path.join(dir, 'w.db'), 800);
    const r = await run(s, { limit: 2, concurrency: 1 });
    await released;
    expect(r).toMatchObject({ judged: 2, failed: { count: 0 } });
    expect(verdictsOf()).toHaveLength(2);
  });
});

describe('judge: resuming', () => {
  it('a second run asks nothing; after a partial run (--limit) it judges only the rest', async () => {
    const s = await server();
    expect(await run(s, { limit: 10 })).toMatchObject({ total: 10, judged: 10, alreadyJudged: 0 });
    expect(chats(s)).toHaveLength(10);
    const first = verdictsOf().map((v) => v.response_id);

    const rest = await run(s);
    expect(rest).toMatchObject({ selected: ALL, alreadyJudged: 10, total: ALL - 10, judged: ALL - 10 });
    expect(chats(s)).toHaveLength(ALL);
    // 44 requests, 44 verdicts on 44 responses: none was asked about twice.
    expect(verdictsOf().map((v) => v.response_id).filter((id) => first.includes(id))).toEqual(first);

    const again = await run(s);
    expect(again).toMatchObject({ selected: ALL, alreadyJudged: ALL, total: 0, judged: 0 });
    expect(chats(s)).toHaveLength(ALL);
    expect(verdictsOf()).toHaveLength(ALL);
  });

  it('--run and --level select what is asked; an unknown run is refused before any request', async () => {
    const s = await server();
    expect(await run(s, { runs: ['sft'], levels: ['L1', 'L3'] })).toMatchObject({ selected: 11, judged: 11 });
    await expect(run(s, { runs: ['sft', 'rl-ppo'] })).rejects.toThrow('--run: no run named "rl-ppo"');
    expect(chats(s)).toHaveLength(11);
  });

  it('stop (Ctrl+C): nothing more is sent, the requests in flight finish and are written; the next run judges the rest', async () => {
    const stop = new AbortController();
    const s = await server((req, n) => {
      if (n === 6) stop.abort(); // mid-run, with requests in flight
      return { ...(canned(req) as object), delayMs: 40 } as Answer;
    });
    let sentAfterStop = 0;
    const watched: typeof fetch = (input, init) => {
      if (stop.signal.aborted) sentAfterStop++;
      return fetch(input, init);
    };
    const r = await run(s, { concurrency: 2, stop: stop.signal, fetch: watched });
    expect(r.interrupted).toBe(true);
    expect(sentAfterStop).toBe(0);
    // Every request sent (the 6th, and any already on its way) was answered and written; nothing failed.
    expect(chats(s).length).toBeGreaterThanOrEqual(6);
    expect(r).toMatchObject({ judged: chats(s).length, notDone: ALL - chats(s).length, failed: { count: 0 } });
    expect(verdictsOf()).toHaveLength(r.judged);

    const rest = await run(s);
    expect(rest).toMatchObject({ alreadyJudged: r.judged, judged: ALL - r.judged, interrupted: false });
    expect(verdictsOf()).toHaveLength(ALL);
  });

  it('abort (Ctrl+C twice): the requests in flight are abandoned and nothing of them is written', async () => {
    const abort = new AbortController();
    const s = await server((req, n) => {
      if (n <= 3) return canned(req);
      if (n === 5) setTimeout(() => abort.abort(), 20); // 4 and 5 hang, in flight
      return 'hang';
    });
    const r = await run(s, { concurrency: 2, abort: abort.signal });
    expect(r).toMatchObject({ interrupted: true, judged: 3, notDone: ALL - 3, failed: { count: 0 } });
    expect(verdictsOf()).toHaveLength(3);
    expect(tagsOf().every((t) => verdictsOf().some((v) => v.response_id === t.response_id))).toBe(true);
  });
});

describe('judge: the server', () => {
  it('keeps at most --concurrency requests in flight', async () => {
    const s = await server((req) => ({ ...(canned(req) as object), delayMs: 25 }) as Answer);
    await run(s, { concurrency: 3 });
    expect(s.maxInFlight).toBe(3);
    const one = await server((req) => ({ ...(canned(req) as object), delayMs: 5 }) as Answer);
    await run(one, { concurrency: 1, model: 'other-model', limit: 8 });
    expect(one.maxInFlight).toBe(1);
  });

  it('sends the key from the options as a bearer token, and never shows it', async () => {
    const s = await server((req, n) => (n === 1 ? canned(req) : { status: 401, json: { error: { message: `Incorrect API key provided: ${req.headers.authorization?.slice(7)}` } } }));
    const r = await run(s, { apiKey: 'sk-secret-123', concurrency: 1 });
    expect(s.seen[0].headers.authorization).toBe('Bearer sk-secret-123');
    // The key went bad mid-run: the run ends, what was judged is kept, and the message names the variable, not the key.
    expect(r.judged).toBe(1);
    expect(r.fatal).toMatch(/the server refused the key \(HTTP 401: Incorrect API key provided: \[COTSCOPE_JUDGE_API_KEY\]\): set COTSCOPE_JUDGE_API_KEY to a key it accepts/);
    expect(JSON.stringify(r)).not.toContain('sk-secret-123');
    expect(chats(s)).toHaveLength(2);
  });

  it('retries 500s and 429s with exponential backoff and jitter, honouring Retry-After, at most 4 tries', async () => {
    const waits: number[] = [];
    const tries = new Map<string, number>();
    const s = await server((req) => {
      const n = (tries.get(req.prompt) ?? 0) + 1;
      tries.set(req.prompt, n);
      const k = [...tries.keys()].indexOf(req.prompt);
      if (k === 0 && n <= 2) return { status: 500, json: { error: { message: 'CUDA out of memory' } } };
      if (k === 1 && n === 1) return { status: 429, headers: { 'retry-after': '3' }, json: { error: { message: 'slow down' } } };
      if (k === 2) return { status: 503, text: 'Service Unavailable' };
      return canned(req);
    });
    const r = await run(s, {
      runs: ['rl-grpo'],
      limit: 4,
      concurrency: 1,
      backoffMs: 1000,
      random: () => 0.5,
      sleep: async (ms) => void waits.push(ms),
    });
    // 500, 500, ok · 429 (Retry-After: 3), ok · 503 ×4 · ok
    expect(chats(s)).toHaveLength(3 + 2 + 4 + 1);
    expect(waits).toEqual([750, 1500, 3000, 750, 1500, 3000]);
    expect(r).toMatchObject({ judged: 3, failed: { count: 1, groups: [{ problem: 'HTTP 503 on all 4 tries', count: 1 }] } });
    expect(r.failed.groups[0].examples[0]).toEqual({ response: expect.stringMatching(/^rl-grpo L1 \S+ #0$/), detail: 'HTTP 503: Service Unavailable' });
  });

  it('times out a request that hangs (AbortController), tries 4 times, counts it as failed, and goes on', async () => {
    let first: string | null = null;
    const s = await server((req) => {
      first ??= req.prompt;
      return req.prompt === first ? 'hang' : canned(req);
    });
    const r = await run(s, { limit: 3, concurrency: 1, timeoutMs: 1000 });
    expect(chats(s)).toHaveLength(4 + 2);
    expect(r).toMatchObject({ judged: 2, failed: { count: 1, groups: [{ problem: 'timed out on all 4 tries', count: 1 }] } });
    expect(r.failed.groups[0].examples[0].detail).toBe('no answer within 1 s');
  });

  it('a 400 for one response (a chain too long for the context) fails that response alone, without retrying it', async () => {
    let first: string | null = null;
    const s = await server((req) => {
      first ??= req.prompt;
      return req.prompt === first
        ? { status: 400, json: { object: 'error', message: "This model's maximum context length is 4096 tokens. However, you requested 9000 tokens.", code: 400 } }
        : canned(req);
    });
    const r = await run(s, { limit: 4, concurrency: 1 });
    expect(chats(s)).toHaveLength(4);
    expect(r).toMatchObject({ judged: 3, fatal: null, failed: { count: 1, groups: [{ problem: 'HTTP 400', count: 1 }] } });
    expect(r.failed.groups[0].examples[0].detail).toMatch(/^HTTP 400: This model's maximum context length is 4096 tokens/);
  });

  it('asks again without response_format when the server does not take it', async () => {
    const s = await server((req) =>
      req.body.response_format ? { status: 400, json: { error: { message: "Unsupported parameter: 'response_format'" } } } : canned(req),
    );
    const r = await run(s, { limit: 5, concurrency: 1 });
    expect(r).toMatchObject({ judged: 5, jsonModeOff: true, failed: { count: 0 } });
    expect(chats(s).map((q) => Boolean(q.body.response_format))).toEqual([true, false, false, false, false, false]);
  });

  it('a server that is not there: "cannot reach …; is the server running?" at once, nothing written', async () => {
    const s = await server();
    const url = s.url;
    await s.close();
    const t0 = performance.now();
    await expect(judge(store.db, { endpoint: `${url}/v1`, model: 'test-model' })).rejects.toThrow(
      new RegExp(`^cannot reach ${url}/v1/chat/completions: connect ECONNREFUSED 127\\.0\\.0\\.1:\\d+; is the server running\\?$`),
    );
    expect(performance.now() - t0).toBeLessThan(2_000); // no backoff before saying so
    expect(store.db.prepare('SELECT count(*) FROM annotators WHERE name = ?').pluck().get(ANNOTATOR)).toBe(0);
  });

  it('401/403 on the first request: refused the key, set COTSCOPE_JUDGE_API_KEY; one request, nothing written', async () => {
    const s = await server(() => ({ status: 401, json: { error: { message: 'Unauthorized' } } }));
    await expect(run(s)).rejects.toThrow(`${s.url}/v1/chat/completions: the server refused the key (HTTP 401: Unauthorized): set COTSCOPE_JUDGE_API_KEY (it is not set)`);
    expect(chats(s)).toHaveLength(1);
    expect(verdictsOf()).toHaveLength(0);
  });

  it('a model the server does not know: named, with the models it serves; a wrong path: says what --endpoint should be', async () => {
    const s = await server((req) =>
      req.url === '/v1/models'
        ? { json: { object: 'list', data: [{ id: 'qwen2.5-vl-7b', object: 'model' }, { id: 'llama3', object: 'model' }] } }
        : { status: 404, json: { object: 'error', message: `The model \`${req.body.model}\` does not exist.`, type: 'NotFoundError', code: 404 } },
    );
    await expect(run(s, { model: 'qwen-typo' })).rejects.toThrow(
      `the server does not know model "qwen-typo" (HTTP 404: The model \`qwen-typo\` does not exist.); it serves: qwen2.5-vl-7b, llama3`,
    );
    // Ollama says it in a 400's words.
    const o = await server(() => ({ status: 400, json: { error: { message: 'model "qwen-typo" not found, try pulling it first', type: 'api_error' } } }));
    await expect(run(o, { model: 'qwen-typo' })).rejects.toThrow('the server does not know model "qwen-typo"');
    const p = await server(() => ({ status: 404, json: { detail: 'Not Found' } }));
    await expect(judge(store.db, { endpoint: p.url, model: 'test-model' })).rejects.toThrow(/no chat-completions API there \(HTTP 404: Not Found\); --endpoint is the server's OpenAI-compatible base URL/);
    expect(verdictsOf()).toHaveLength(0);
  });

  it('a server that dies mid-run: the run ends with what was judged kept', async () => {
    let s: FakeServer;
    s = await server((req, n) => {
      if (n === 4) setImmediate(() => void s.close());
      return n < 4 ? canned(req) : 'hang';
    });
    const r = await run(s, { concurrency: 1, timeoutMs: 5_000 });
    expect(r.judged).toBe(3);
    expect(r.fatal).toMatch(/cannot reach .*; is the server running\?/);
    expect(r.notDone).toBe(ALL - 3);
    expect(verdictsOf()).toHaveLength(3);
  });
});

describe('judge: replies and prompts', () => {
  it('takes fenced JSON, JSON with text around it, and a reasoning judge\'s <think>; a malformed reply fails that response alone', async () => {
    const long = `I think the reasoning is mostly fine, but ${'let me explain at length '.repeat(20)}`;
    const replies = (req: Seen): string[] => {
      const v = JSON.stringify(cannedVerdict(req.prompt));
      return [
        '```json\n' + v + '\n```',
        `Here is my judgment:\n${v}\nI hope this helps {with braces}.`,
        `<think>Is {"supports": "unclear"} right? No.</think>\n${v}`,
        long,
        `{"supports": "yes"} or maybe {"supports": "no"}`,
        '{"supports": "maybe", "first_wrong_step": null}',
        '{"supports": "no", "first_wrong_step": 99, "overlooked_cue": null, "reason": "x"}',
        v,
      ];
    };
    let i = 0;
    const s = await server((req) => ({ content: replies(req)[i++ % 8] }));
    const r = await run(s, { runs: ['rl-grpo'], limit: 8, concurrency: 1 });
    expect(r.judged).toBe(4);
    expect(r.failed.count).toBe(4);
    const groups = Object.fromEntries(r.failed.groups.map((g) => [g.problem, g.examples.map((e) => e.detail)]));
    expect(groups).toEqual({
      'reply is not JSON': [`${long.replace(/\s+/g, ' ').slice(0, 200)}…`],
      'reply holds 2 different JSON objects': ['{"supports": "yes"} or maybe {"supports": "no"}'],
      'reply without the fields asked for': [expect.stringMatching(/^supports: expected "yes", "no" or "unclear" — \{"supports": "maybe"/)],
      'reply names a step the chain does not have': [expect.stringMatching(/^step 99 of \d+ — /)],
    });
    expect(verdictsOf()).toHaveLength(4);

    // The next run asks about the four that failed, and nothing else.
    const good = await server();
    expect(await run(good, { runs: ['rl-grpo'], limit: 8 })).toMatchObject({ alreadyJudged: 4, judged: 8 });
    expect(chats(good)).toHaveLength(8);
  });

  it('reads a reply leniently where models drift harmlessly', () => {
    expect(readReply('{"supports": "No", "first_wrong_step": "3", "overlooked_cue": "none", "reason": "x"}', 4)).toEqual({
      ok: true,
      verdict: { supports: 'no', firstWrongStep: 2, overlookedCue: null, reason: 'x' },
    });
    expect(readReply('{"supports": true}', 2)).toEqual({ ok: true, verdict: { supports: 'yes', firstWrongStep: null, overlookedCue: null, reason: null } });
    // A step named when the reasoning supports the answer is no inconsistency; 0 is no step of a list from 1.
    expect(readReply('{"supports": "yes", "first_wrong_step": 2}', 4)).toMatchObject({ verdict: { firstWrongStep: null } });
    expect(readReply('{"supports": "no", "first_wrong_step": 0}', 4)).toMatchObject({ verdict: { firstWrongStep: null } });
    expect(readReply('', 4)).toEqual({ ok: false, problem: 'empty reply', detail: '(empty)' });
    expect(findJsonObject('```\n{"a": 1}\n```')).toEqual({ value: { a: 1 } });
    expect(findJsonObject('{"a": "}"} then {"a": "}"}')).toEqual({ value: { a: '}' } });
    expect(findJsonObject('[1, 2]')).toEqual({ problem: 'reply is not JSON' });
  });

  it('fills every placeholder of a --prompt template in one pass; an unknown placeholder is refused before any request', async () => {
    const item: JudgeItem = {
      question: 'What next?',
      options: { A: 'pour milk', B: 'put coffee into cup', C: 'stir', D: null },
      goal: 'make coffee',
      narration: [{ narration_text: 'fill kettle', start_frame: 40, stop_frame: 130 }],
      steps: ['First {{answer}}.', 'Then\nmore.'],
      answer: ' B. put coffee into cup ',
      prediction: 'B',
      golden: 'B',
    };
    const all = '{{question}}|{{options}}|{{goal}}|{{narration}}|{{steps}}|{{answer}}|{{ golden }}';
    expect(renderPrompt(all, item).split('\n\nReply with one JSON object')[0]).toBe(
      'What next?|A. pour milk\nB. put coffee into cup\nC. stir|make coffee|1. fill kettle (frames 40–130)|Step 1: First {{answer}}.\nStep 2: Then more.|B. put coffee into cup|B. put coffee into cup',
    );
    expect(() => checkTemplate(DEFAULT_TEMPLATE)).not.toThrow();
    expect(() => checkTemplate('{{ constructor }}', 't')).toThrow('t: unknown placeholder {{constructor}}');
    expect(() => checkTemplate('{{question}} {{reasoning}} {{video}}', '--prompt p.txt')).toThrow(
      '--prompt p.txt: unknown placeholders {{reasoning}}, {{video}} (known: {{question}}, {{options}}, {{goal}}, {{narration}}, {{steps}}, {{answer}}, {{golden}})',
    );

    const s = await server();
    await expect(run(s, { template: 'Judge {{chain}}', templateSource: '--prompt p.txt' })).rejects.toThrow('--prompt p.txt: unknown placeholder {{chain}}');
    expect(s.seen).toHaveLength(0);
    await run(s, { template: 'Golden: {{golden}}\n{{steps}}', runs: ['rl-grpo'], levels: ['L1'], limit: 1 });
    expect(chats(s)[0].prompt).toMatch(/^Golden: B\. put coffee into cup\nStep 1: /);
  });

  it('resolves the endpoint: a base URL gains /chat/completions, a full one is kept; a key in the URL is refused', () => {
    expect(chatCompletionsUrl('http://localhost:8000/v1')).toBe('http://localhost:8000/v1/chat/completions');
    expect(chatCompletionsUrl('http://localhost:11434/v1/')).toBe('http://localhost:11434/v1/chat/completions');
    expect(chatCompletionsUrl('https://gpu.lab/v1/chat/completions?api-version=1')).toBe('https://gpu.lab/v1/chat/completions?api-version=1');
    expect(() => chatCompletionsUrl('localhost:8000')).toThrow(/expected an http:\/\/ or https:\/\/ URL|not a URL/);
    expect(() => chatCompletionsUrl('http://me:sk-1@gpu.lab/v1')).toThrow('--endpoint: put the key in COTSCOPE_JUDGE_API_KEY, not in the URL');
  });
});
