// `cotscope judge` end to end through bin/cotscope.js, against a small OpenAI-compatible server run inside the test
// (node:http; no model, no network): the summary, resuming, the key from the environment alone, Ctrl+C, and the
// messages and exit codes of a server that is down, refuses the key, or answers something that is not JSON.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildDemo } from '../../electron/core/demo.ts';
import { openStore } from '../../electron/core/store.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(REPO, 'bin', 'cotscope.js');
const ALL = 44; // responses in the demo workspace

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI as a child process: asynchronous, so the server in this process can answer it. */
function cotscope(args: string[], opts: { env?: Record<string, string>; onSpawn?: (child: ReturnType<typeof spawn>) => void } = {}): Promise<Run> {
  const env = { ...process.env, ...opts.env };
  if (!opts.env?.COTSCOPE_JUDGE_API_KEY) delete env.COTSCOPE_JUDGE_API_KEY;
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  opts.onSpawn?.(child);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

interface Seen {
  url: string;
  authorization: string | undefined;
  prompt: string;
}

let servers: http.Server[] = [];
/** An OpenAI-compatible chat-completions server; `answer` returns the message content, or [status, body]. */
async function server(answer: (req: Seen, n: number) => string | [number, object] | Promise<string | [number, object]>) {
  const seen: Seen[] = [];
  const srv = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', async () => {
      const body = raw ? JSON.parse(raw) : {};
      const s: Seen = { url: req.url!, authorization: req.headers.authorization, prompt: body.messages?.[0]?.content ?? '' };
      seen.push(s);
      const a = await answer(s, seen.length);
      const [status, json] = typeof a === 'string' ? [200, { choices: [{ index: 0, message: { role: 'assistant', content: a }, finish_reason: 'stop' }] }] : a;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  servers.push(srv);
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/v1`, seen };
}
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => (s.closeAllConnections(), s.close(r)))));
  servers = [];
});

const verdict = (supports: string, step: number | null = null, cue: string | null = null) =>
  JSON.stringify({ supports, first_wrong_step: step, overlooked_cue: cue, reason: 'because' });
const good = () => verdict('no', 1, 'the kettle is boiling');

let dir: string;
let template: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-judge-cli-'));
  template = path.join(dir, 'template.db');
  const s = openStore(template);
  await buildDemo(s);
  s.close();
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let copies = 0;
function workspace(): string {
  const file = path.join(dir, `w${++copies}.db`);
  fs.copyFileSync(template, file);
  return file;
}

function rows(db: string) {
  const d = new Database(db, { readonly: true });
  try {
    return {
      annotator: d.prepare("SELECT name, kind FROM annotators WHERE name LIKE 'judge:%'").all(),
      verdicts: d.prepare("SELECT count(*) FROM verdicts v JOIN annotators a ON a.id = v.annotator_id WHERE a.name LIKE 'judge:%'").pluck().get() as number,
      tags: d
        .prepare("SELECT l.key, t.step_start, t.note, t.origin FROM tags t JOIN labels l ON l.id = t.label_id JOIN annotators a ON a.id = t.annotator_id WHERE a.name LIKE 'judge:%' ORDER BY t.id")
        .all() as { key: string; step_start: number | null; note: string; origin: string }[],
    };
  } finally {
    d.close();
  }
}

describe('cotscope judge', () => {
  it('has --help naming the key variable and the placeholders', async () => {
    const top = await cotscope(['--help']);
    expect(top.stdout).toMatch(/\n\s+judge \[options\]/);
    const help = await cotscope(['judge', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: cotscope judge \[options\]/);
    for (const s of ['--endpoint <url>', '--model <name>', '--prompt <file>', '--concurrency <n>', '--run <name...>', '--level <level...>', '--limit <n>', '--timeout <seconds>', '--json', 'COTSCOPE_JUDGE_API_KEY', '{{golden}}']) {
      expect(help.stdout).toContain(s);
    }
    expect(help.stdout).not.toContain('--api-key');
  });

  it('judges the workspace, sends the key from COTSCOPE_JUDGE_API_KEY alone and never prints it; a second run judges nothing new', async () => {
    const db = workspace();
    const s = await server(() => good());
    const env = { COTSCOPE_JUDGE_API_KEY: 'sk-cli-secret-456' };
    const r = await cotscope(['--db', db, 'judge', '--endpoint', s.url, '--model', 'qwen2.5-vl-72b'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(`^"judge:qwen2\\.5-vl-72b" at ${s.url}/chat/completions: judged ${ALL} of ${ALL} response\\(s\\) in [\\d.]+ s \\(supports: yes 0, no ${ALL}, unclear 0; tags: ${ALL} inconsistent, ${ALL} overlooked-cue\\)\\n$`),
    );
    expect(s.seen).toHaveLength(ALL);
    expect(new Set(s.seen.map((q) => q.authorization))).toEqual(new Set(['Bearer sk-cli-secret-456']));
    const w = rows(db);
    expect(w.annotator).toEqual([{ name: 'judge:qwen2.5-vl-72b', kind: 'judge' }]);
    expect(w.verdicts).toBe(ALL);
    expect(w.tags).toHaveLength(2 * ALL);
    expect(w.tags.slice(0, 2)).toEqual([
      { key: 'inconsistent', step_start: 0, note: 'because', origin: 'import' },
      { key: 'overlooked-cue', step_start: null, note: 'the kettle is boiling', origin: 'import' },
    ]);

    const again = await cotscope(['--db', db, 'judge', '--endpoint', s.url, '--model', 'qwen2.5-vl-72b', '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ annotator: 'judge:qwen2.5-vl-72b', selected: ALL, alreadyJudged: ALL, total: 0, judged: 0 });
    expect(s.seen).toHaveLength(ALL);
    // Without the variable, no key is sent: the run above asked nothing, so ask once more for something new.
    await cotscope(['--db', db, 'judge', '--endpoint', s.url, '--model', 'other', '--limit', '1']);
    expect(s.seen.at(-1)!.authorization).toBeUndefined();
  });

  it('takes no key on the command line', async () => {
    const s = await server(() => good());
    const r = await cotscope(['--db', workspace(), 'judge', '--endpoint', s.url, '--model', 'm', '--api-key', 'sk-visible-in-ps']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('cotscope: --api-key is not taken on the command line (every user of this machine can read it with `ps`): set COTSCOPE_JUDGE_API_KEY in the environment\n');
    expect(s.seen).toHaveLength(0);
  });

  it('a server that is down: "cannot reach URL: …; is the server running?", exit 1, nothing written', async () => {
    const db = workspace();
    const srv = http.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as AddressInfo).port;
    await new Promise((r) => srv.close(r));
    const r = await cotscope(['--db', db, 'judge', '--endpoint', `http://127.0.0.1:${port}/v1`, '--model', 'm']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`cotscope: cannot reach http://127.0.0.1:${port}/v1/chat/completions: connect ECONNREFUSED 127.0.0.1:${port}; is the server running?\n`);
    expect(rows(db)).toEqual({ annotator: [], verdicts: 0, tags: [] });
  });

  it('a key the server refuses: names the variable, never the key, exit 1, nothing written', async () => {
    const db = workspace();
    const s = await server((q) => [401, { error: { message: `invalid key ${q.authorization?.slice(7)}`, type: 'invalid_request_error' } }]);
    const r = await cotscope(['--db', db, 'judge', '--endpoint', s.url, '--model', 'm'], { env: { COTSCOPE_JUDGE_API_KEY: 'sk-wrong-789' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `cotscope: ${s.url}/chat/completions: the server refused the key (HTTP 401: invalid key [COTSCOPE_JUDGE_API_KEY]): set COTSCOPE_JUDGE_API_KEY to a key it accepts\n`,
    );
    expect(r.stdout + r.stderr).not.toContain('sk-wrong-789');
    expect(s.seen).toHaveLength(1);
    expect(rows(db).verdicts).toBe(0);
  });

  it('replies that are not JSON: those responses are reported (first 200 characters) and the run goes on; exit 1 says to run again', async () => {
    const db = workspace();
    const chatter = `Sure! The reasoning looks fine to me. ${'Blah '.repeat(60)}`;
    const s = await server((_q, n) => (n % 10 === 3 ? chatter : n % 10 === 5 ? '```json\n' + verdict('yes') + '\n```' : verdict('unclear')));
    const r = await cotscope(['--db', db, 'judge', '--endpoint', s.url, '--model', 'm', '--concurrency', '1']);
    expect(r.code).toBe(1);
    const excerpt = chatter.replace(/\s+/g, ' ').slice(0, 200);
    expect(r.stdout).toContain(`judged ${ALL - 5} of ${ALL} response(s)`);
    expect(r.stdout).toContain(`failed 5:\n  5 × reply is not JSON\n    rl-grpo L1 `);
    expect(r.stdout).toContain(`: ${excerpt}…\n`);
    expect(r.stdout).toContain('    … and 2 more\n');
    expect(r.stderr).toBe('cotscope: 5 response(s) could not be judged (see above): run the same command again to ask about them again\n');
    expect(rows(db).verdicts).toBe(ALL - 5);

    // Run again: only the five are asked.
    const again = await cotscope(['--db', db, 'judge', '--endpoint', s.url, '--model', 'm', '--json']);
    const j = JSON.parse(again.stdout);
    expect(j).toMatchObject({ alreadyJudged: ALL - 5, total: 5 });
    expect(s.seen).toHaveLength(ALL + 5);
  });

  it('an unknown placeholder in --prompt is refused before any request; the known ones are filled', async () => {
    const db = workspace();
    const s = await server(() => good());
    const bad = path.join(dir, 'bad.txt');
    fs.writeFileSync(bad, 'Goal {{goal}}; chain {{chain}}');
    const r = await cotscope(['--db', db, 'judge', '--endpoint', s.url, '--model', 'm', '--prompt', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`cotscope: --prompt ${bad}: unknown placeholder {{chain}} (known: {{question}}, {{options}}, {{goal}}, {{narration}}, {{steps}}, {{answer}}, {{golden}})\n`);
    expect(s.seen).toHaveLength(0);
    const missing = await cotscope(['--db', db, 'judge', '--endpoint', s.url, '--model', 'm', '--prompt', path.join(dir, 'nope.txt')]);
    expect(missing.stderr).toMatch(/--prompt .*nope\.txt: no such file/);

    const mine = path.join(dir, 'mine.txt');
    fs.writeFileSync(mine, 'Goal: {{goal}}\nKey: {{golden}}\n{{steps}}');
    const ok = await cotscope(['--db', db, 'judge', '--endpoint', s.url, '--model', 'm', '--prompt', mine, '--run', 'rl-grpo', '--level', 'L1', '--limit', '1']);
    expect(ok.code).toBe(0);
    expect(s.seen[0].prompt).toMatch(/^Goal: make coffee\nKey: B\. put coffee into cup\nStep 1: .*\n[\s\S]*Reply with one JSON object/);
  });

  it('Ctrl+C stops sending, lets the requests in flight finish and be written, and says how to resume', async () => {
    const db = workspace();
    const held: (() => void)[] = [];
    let child: ReturnType<typeof spawn> | undefined;
    // Requests 5 and 6 are held, so both workers wait on them when Ctrl+C comes; they are answered once the CLI says
    // it is stopping.
    const s = await server(async (_q, n) => {
      if (n === 5 || n === 6) {
        if (n === 6) child!.kill('SIGINT');
        await new Promise<void>((r) => held.push(r));
      }
      return good();
    });
    const onSpawn = (c: ReturnType<typeof spawn>) => {
      child = c;
      c.stderr!.on('data', (chunk) => String(chunk).includes('stopping:') && held.forEach((release) => release()));
    };
    const r = await cotscope(['--db', db, 'judge', '--endpoint', s.url, '--model', 'm', '--concurrency', '2'], { onSpawn });
    expect(r.code).toBe(1);
    expect(s.seen).toHaveLength(6);
    expect(r.stdout).toContain(`judged 6 of ${ALL} response(s)`);
    expect(r.stderr).toBe(
      'stopping: nothing more is sent; waiting for the requests in flight (Ctrl+C again aborts them)\n' +
        `cotscope: interrupted: 6 judged and kept, ${ALL - 6} not judged: run the same command again to continue (what is judged is kept and not asked again)\n`,
    );
    expect(rows(db).verdicts).toBe(6);

    const rest = await cotscope(['--db', db, 'judge', '--endpoint', s.url, '--model', 'm']);
    expect(rest.code).toBe(0);
    expect(rest.stdout).toContain(`judged ${ALL - 6} of ${ALL - 6} response(s)`);
    expect(rest.stdout).toContain('skipped 6 response(s) already judged by "judge:m"');
    expect(rows(db).verdicts).toBe(ALL);
  });

  it('refuses bad option values as usage errors (exit 2)', async () => {
    for (const args of [['--concurrency', '0'], ['--timeout', '-1'], ['--limit', 'x'], ['--level', 'L9']]) {
      const r = await cotscope(['--db', workspace(), 'judge', '--endpoint', 'http://127.0.0.1:9/v1', '--model', 'm', ...args]);
      expect(r.code, args.join(' ')).toBe(args[0] === '--level' ? 1 : 2);
    }
  });
});
