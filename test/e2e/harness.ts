// Drives the real UI: `cotscope serve` on a fresh demo workspace, and Debian's Chromium through playwright-core.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { PathPurpose } from '../../shared/api.ts';
import { inferLine, makeSamples, prng, writeBenchFiles } from '../../bench/generate.ts';
import { importBenchmark } from '../../electron/core/import-benchmark.ts';
import { importRun } from '../../electron/core/import-run.ts';
import { dialogGrants } from '../../electron/core/path-access.ts';
import { recentInMemory } from '../../electron/core/recent-workspaces.ts';
import { startServiceHost } from '../../electron/core/service-host.ts';
import { RENDERER_DIST, resolveStatic } from '../../electron/core/static-files.ts';
import { createWorkspaceSwitcher } from '../../electron/core/workspace-switcher.ts';
import { openStore } from '../../electron/core/store.ts';
import { purposeUse, saveUse } from '../../electron/main/dialogs.ts';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(REPO, 'bin', 'cotscope.js');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Served {
  url: string;
  origin: string;
  token: string;
  db: string;
  dir: string;
  /** The server's temporary folder (its TMPDIR): browser mode keeps its uploads and exports under it. */
  tmp: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export interface ServeOptions {
  /** --allow-dir folders (default: none given, so the server allows the workspace's folder on loopback). */
  allowDirs?: string[];
  /** Interface to bind (default loopback). Any other needs `token`; the page is still opened through 127.0.0.1. */
  host?: string;
  /** The access token, given as COTSCOPE_TOKEN (default: the server's random one, read from the URL it prints). */
  token?: string;
}

/** Builds a demo workspace in a temp dir (or reuses `db`) and serves it on a free port. */
export async function serveDemo(db?: string, opts: ServeOptions = {}): Promise<Served> {
  const dir = db ? path.dirname(db) : fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-e2e-'));
  const file = db ?? path.join(dir, 'demo.db');
  if (!fs.existsSync(file)) {
    const built = spawnSync(process.execPath, [BIN, 'demo', '--db', file], { encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`cotscope demo failed: ${built.stderr}`);
  }
  // Its own temporary folder, outside `dir` (the allowed folder), so a test can look at what the server staged.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-e2e-tmp-'));
  const args = [BIN, 'serve', '--db', file, '--port', '0', ...(opts.host ? ['--host', opts.host] : []), ...(opts.allowDirs ?? []).flatMap((d) => ['--allow-dir', d])];
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp };
  delete env.COTSCOPE_TOKEN;
  if (opts.token !== undefined) env.COTSCOPE_TOKEN = opts.token;
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`cotscope serve printed no URL in 30 s: ${out} ${err}`)), 30_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /https?:\/\/\S+/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
    child.stderr!.on('data', (d) => (err += d));
    child.on('exit', (code) => reject(new Error(`cotscope serve exited with ${code}: ${err}`)));
  });
  const printed = new URL(line);
  // A token the owner gave is not printed; a server bound to every interface prints the machine's name.
  const token = opts.token ?? printed.searchParams.get('token') ?? '';
  const origin = opts.host ? `http://127.0.0.1:${printed.port}` : printed.origin;
  return {
    url: `${origin}/?token=${encodeURIComponent(token)}`,
    origin,
    token,
    db: file,
    dir,
    tmp,
    child,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** The files under the server's staging folder for exports (browser mode writes every export there first). */
export function stagedExports(served: Served): string[] {
  const staging = fs.readdirSync(served.tmp).filter((f) => f.startsWith('cotscope-serve-'));
  const files: string[] = [];
  for (const s of staging) {
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(d, e.name));
        else files.push(path.join(d, e.name));
      }
    };
    walk(path.join(served.tmp, s, 'exports'));
  }
  return files;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
  });
}

/**
 * A served demo workspace and a Chromium for one test file: started before its tests, stopped after. The fields are
 * live (a test may restart the server and put the new one in `served`).
 */
export function demoInChromium(opts: ServeOptions = {}): { served: Served; browser: Browser } {
  const ctx = {} as { served: Served; browser: Browser };
  beforeAll(async () => {
    if (!fs.existsSync(path.join(REPO, 'renderer', 'dist', 'index.html'))) {
      throw new Error('renderer/dist is missing: run `npm run build:renderer` (npm test does it first)');
    }
    ctx.served = await serveDemo(undefined, opts);
    ctx.browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await ctx.browser?.close();
    await ctx.served?.stop();
    if (ctx.served) fs.rmSync(ctx.served.dir, { recursive: true, force: true });
  });
  return ctx;
}

/** A page of the given size on which any uncaught error in the app fails the test. */
export async function openPage(browser: Browser, viewport = { width: 1440, height: 900 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  page.on('pageerror', (e) => {
    throw e;
  });
  return page;
}

/** Calls a method of the served API (as the renderer does) and returns its value; an error envelope throws its message. */
export async function callApi<T>(served: Served, method: string, input: unknown): Promise<T> {
  const r = await fetch(`${served.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-cotscope-token': served.token },
    body: JSON.stringify(input),
  });
  const j = (await r.json()) as { ok: true; value: T } | { ok: false; error: { message: string } };
  if (!j.ok) throw new Error(j.error.message);
  return j.value;
}

/**
 * Where a screenshot goes: docs/ (the README shows them) when UPDATE_SCREENSHOTS=1; else SCREENSHOT_DIR when set (to
 * look at them after the run); else beside the test's workspace, removed with it.
 */
export function screenshotPath(served: Served, name: string): string {
  if (process.env.UPDATE_SCREENSHOTS === '1') return path.join(REPO, 'docs', name);
  const keep = process.env.SCREENSHOT_DIR;
  if (keep) {
    fs.mkdirSync(keep, { recursive: true });
    return path.join(keep, name);
  }
  return path.join(served.dir, name);
}

/**
 * A workspace larger than the demo, from the bench generator (infer.py shape, L1 questions without media): run `rl`
 * with `responses` spread over `questions` as rollouts and run `sft` with one response per question.
 */
export async function benchWorkspace(file: string, questions: number, responses: number): Promise<void> {
  const dir = path.dirname(file);
  const files = await writeBenchFiles(dir, responses, questions);
  const second = path.join(dir, 'sft_validation_L1.jsonl');
  const rand = prng(3);
  fs.writeFileSync(second, makeSamples(questions, prng(7)).map((s) => inferLine(s, rand)).join('\n') + '\n');
  const store = openStore(file);
  try {
    await importBenchmark(store, [files.annotations]);
    await importRun(store, files.run, { name: 'rl', method: 'rl' });
    await importRun(store, second, { name: 'sft', method: 'sft' });
  } finally {
    store.close();
  }
  for (const f of [files.annotations, files.run, second]) fs.rmSync(f);
}

/** A served workspace built by benchWorkspace and a Chromium, for one test file. */
export function benchInChromium(questions: number, responses: number): { served: Served; browser: Browser } {
  const ctx = {} as { served: Served; browser: Browser };
  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-e2e-bench-'));
    const file = path.join(dir, 'bench.db');
    await benchWorkspace(file, questions, responses);
    ctx.served = await serveDemo(file);
    ctx.browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await ctx.browser?.close();
    await ctx.served?.stop();
    if (ctx.served) fs.rmSync(ctx.served.dir, { recursive: true, force: true });
  });
  return ctx;
}

/**
 * The desktop app's shell without Electron (its binary cannot be had here): the same workspace switcher main.ts builds
 * — dialog grants, recent workspaces, dialogs that grant what they return — whose dialogs answer what the test queued,
 * served over HTTP to a Chromium page that gets a `window.cotscope` bridge, as the preload gives the window.
 */
export interface Desktop {
  /** The page to open with openDesktopPage. */
  url: string;
  db: string;
  dir: string;
  /** What the next open dialogs answer (null: the user cancels), and what they were asked for. */
  openAnswers: (string[] | null)[];
  /** What the next save dialogs answer (null: the user cancels). */
  saveAnswers: (string | null)[];
  asked: { kind: 'open' | 'save'; purpose: string; multiple?: boolean; folder?: boolean; suggested?: string }[];
  stop(): Promise<void>;
}

export async function serveDesktop(): Promise<Desktop> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-e2e-desktop-'));
  const db = path.join(dir, 'demo.db');
  const built = spawnSync(process.execPath, [BIN, 'demo', '--db', db], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`cotscope demo failed: ${built.stderr}`);
  const grants = dialogGrants();
  const desktop = { openAnswers: [], saveAnswers: [], asked: [] } as unknown as Desktop;
  const next = <T>(queue: T[], what: string): T => {
    if (queue.length === 0) throw new Error(`the test queued no answer for a ${what} dialog`);
    return queue.shift()!;
  };
  const switcher = createWorkspaceSwitcher(await startServiceHost(db), {
    start: (file, { create }) => startServiceHost(file, { create }),
    recent: recentInMemory(),
    access: grants,
    // As main.ts: what a dialog returns is granted for what it was asked for.
    dialogs: {
      async save(suggested, purpose, folder) {
        desktop.asked.push({ kind: 'save', purpose, folder, suggested });
        const p = next(desktop.saveAnswers, 'save');
        if (p) grants.grant(p, saveUse(purpose, folder));
        return p;
      },
      async open(purpose: PathPurpose, multiple: boolean) {
        desktop.asked.push({ kind: 'open', purpose, multiple });
        const paths = next(desktop.openAnswers, 'open');
        for (const p of paths ?? []) grants.grant(p, purposeUse(purpose));
        return paths;
      },
    },
  });
  const server = http.createServer(async (req, res) => {
    const pathname = (req.url ?? '/').split('?')[0];
    if (req.method === 'POST' && pathname.startsWith('/api/')) {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = Buffer.concat(chunks).toString('utf8');
      const result = await switcher.call(pathname.slice('/api/'.length), body ? JSON.parse(body) : undefined);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify(result));
    }
    const r = await resolveStatic(RENDERER_DIST, pathname);
    if (r.status !== 200) {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200, { 'Content-Type': r.contentType });
    fs.createReadStream(r.file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  Object.assign(desktop, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    db,
    dir,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await switcher.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  });
  return desktop;
}

/** A page of the desktop stand-in: the preload's bridge (every call goes to the shell), then the app at `hash`. */
export async function openDesktopPage(browser: Browser, desktop: Desktop, hash = '#/'): Promise<Page> {
  const page = await openPage(browser);
  // As text, not a function: a transpiler's helpers (esbuild's __name) do not exist in the page.
  await page.addInitScript({
    content: `window.cotscope = {
      call: async (method, input) =>
        (await fetch('/api/' + method, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(input ?? {}) })).json(),
      mediaUrl: (id) => '/media/' + id,
    };`,
  });
  await page.goto(`${desktop.url}${hash}`);
  return page;
}
