// Drives the real UI: `cotscope serve` on a fresh demo workspace, and Debian's Chromium through playwright-core.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { inferLine, makeSamples, prng, writeBenchFiles } from '../../bench/generate.ts';
import { importBenchmark } from '../../electron/core/import-benchmark.ts';
import { importRun } from '../../electron/core/import-run.ts';
import { openStore } from '../../electron/core/store.ts';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(REPO, 'bin', 'cotscope.js');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Served {
  url: string;
  origin: string;
  token: string;
  db: string;
  dir: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Builds a demo workspace in a temp dir (or reuses `db`) and serves it on a free port. */
export async function serveDemo(db?: string): Promise<Served> {
  const dir = db ? path.dirname(db) : fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-e2e-'));
  const file = db ?? path.join(dir, 'demo.db');
  if (!fs.existsSync(file)) {
    const built = spawnSync(process.execPath, [BIN, 'demo', '--db', file], { encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`cotscope demo failed: ${built.stderr}`);
  }
  const child = spawn(process.execPath, [BIN, 'serve', '--db', file, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
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
  const u = new URL(line);
  return {
    url: line,
    origin: u.origin,
    token: u.searchParams.get('token') ?? '',
    db: file,
    dir,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
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
export function demoInChromium(): { served: Served; browser: Browser } {
  const ctx = {} as { served: Served; browser: Browser };
  beforeAll(async () => {
    if (!fs.existsSync(path.join(REPO, 'renderer', 'dist', 'index.html'))) {
      throw new Error('renderer/dist is missing: run `npm run build:renderer` (npm test does it first)');
    }
    ctx.served = await serveDemo();
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

/** Where a screenshot goes: docs/ (the README shows them) when UPDATE_SCREENSHOTS=1, else beside the test's workspace. */
export function screenshotPath(served: Served, name: string): string {
  return path.join(process.env.UPDATE_SCREENSHOTS === '1' ? path.join(REPO, 'docs') : served.dir, name);
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
