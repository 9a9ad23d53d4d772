// Browser mode end to end: the real server, service host and service on a demo workspace built in a temp dir, driven
// with fetch as the renderer and a <video> element would.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemo } from '../../electron/core/demo.ts';
import { openStore } from '../../electron/core/store.ts';
import { BROWSER_CSP, checkExposure, startServer, type RunningServer } from '../../electron/server/server.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(REPO, 'bin', 'cotscope.js');

let dir: string;
let dbFile: string;
let childDb: string;
let dist: string;
let server: RunningServer;
let video: { id: number; file: string };
let image: { id: number; file: string };
let escapeId: number;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-serve-'));
  dbFile = path.join(dir, 'demo.db');
  childDb = path.join(dir, 'child.db');
  const store = openStore(dbFile);
  await buildDemo(store);
  store.close();

  const db = new Database(dbFile);
  const rows = db
    .prepare(
      `SELECT m.id, m.kind, m.rel_path AS relPath, d.root FROM media m JOIN samples s ON s.id = m.sample_id
       JOIN datasets d ON d.id = s.dataset_id WHERE m.present = 1 ORDER BY m.id`,
    )
    .all() as { id: number; kind: string; relPath: string; root: string }[];
  const v = rows.find((r) => r.kind === 'video')!;
  const i = rows.find((r) => r.kind === 'image')!;
  video = { id: v.id, file: path.join(v.root, v.relPath) };
  image = { id: i.id, file: path.join(i.root, i.relPath) };
  // A media row pointed outside its data root, as a tampered or hostile workspace might be.
  escapeId = rows.find((r) => r.kind === 'image' && r.id !== i.id)!.id;
  db.prepare('UPDATE media SET rel_path = ? WHERE id = ?').run('../../package.json', escapeId);
  db.close();

  // A stand-in for renderer/dist, so these tests do not depend on the renderer having been built.
  dist = path.join(dir, 'dist');
  fs.mkdirSync(path.join(dist, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>cotscope</title><script type="module" src="./assets/app.js"></script>');
  fs.writeFileSync(path.join(dist, 'assets', 'app.js'), 'export const x = 1;');
  fs.writeFileSync(path.join(dist, 'assets', 'app.css'), 'body{}');

  // The command's own test gets its own copy, so it alone has the file open and can show it closes it cleanly.
  fs.copyFileSync(dbFile, childDb);
  server = await startServer({ dbFile, port: 0, rendererDir: dist, annotator: 'tester' });
}, 120_000);

afterAll(async () => {
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const api = (method: string, body: unknown = {}, opts: { token?: string | null; headers?: Record<string, string>; raw?: string } = {}) => {
  const token = opts.token === undefined ? server.token : opts.token;
  return fetch(`${server.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { 'X-Cotscope-Token': token } : {}), ...opts.headers },
    body: opts.raw ?? JSON.stringify(body),
  });
};
/** A GET with the path exactly as given (fetch would normalise `..` and `%2e%2e` away before sending). */
const raw = (pathAndQuery: string, headers: Record<string, string> = {}) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: pathAndQuery, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
const media = (id: number | string, headers: Record<string, string> = {}, token: string | null = server.token) =>
  fetch(`${server.origin}/media/${id}${token ? `?token=${token}` : ''}`, { headers });

describe('cotscope serve: the API', () => {
  it('prints a loopback URL carrying a 32-byte hex token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
    expect(server.workspace).toBe(path.resolve(dbFile));
  });

  it('refuses calls without the token, or with a wrong one (401)', async () => {
    for (const token of [null, 'wrong', server.token.slice(0, -1)]) {
      const r = await api('getSession', {}, { token });
      expect(r.status).toBe(401);
      expect(await r.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    }
  });

  it('accepts the token in the X-Cotscope-Token header or the ?token= query', async () => {
    expect((await api('getSession')).status).toBe(200);
    const q = await fetch(`${server.origin}/api/getSession?token=${server.token}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(q.status).toBe(200);
  });

  it('answers getSession and listResponses with the envelope', async () => {
    const s = await api('getSession');
    expect(s.status).toBe(200);
    expect(s.headers.get('content-type')).toMatch(/^application\/json/);
    const session = await s.json();
    expect(session).toMatchObject({ ok: true, value: { annotator: 'tester' } });
    expect(typeof session.value.workspace).toBe('string');

    const l = await api('listResponses', { limit: 5, filter: { levels: ['L1'] } });
    expect(l.status).toBe(200);
    const page = await l.json();
    expect(page.ok).toBe(true);
    expect(page.value.rows).toHaveLength(5);
    expect(page.value.total).toBeGreaterThan(5);
    expect(page.value.rows.every((r: { level: string }) => r.level === 'L1')).toBe(true);

    // an empty body is the empty input
    const empty = await api('getSession', undefined, { raw: '' });
    expect(empty.status).toBe(200);
  });

  it('answers 400 invalid_input naming the field', async () => {
    const r = await api('listResponses', { limit: 0 });
    expect(r.status).toBe(400);
    const body = await r.json();
    expect(body).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(body.error.message).toMatch(/^listResponses: .*`limit`/);

    const g = await (await api('getResponse', { id: 'seven' })).json();
    expect(g.error.message).toMatch(/`id`/);

    const bad = await api('getSession', undefined, { raw: '{not json' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('invalid_input');
  });

  it('answers 404 for an unknown method and for a missing record', async () => {
    const r = await api('dropDatabase');
    expect(r.status).toBe(404);
    expect(await r.json()).toMatchObject({ ok: false, error: { code: 'not_found' } });
    for (const name of ['__proto__', 'constructor', 'toString']) expect((await api(name)).status, name).toBe(404);
    const missing = await api('getResponse', { id: 999_999 });
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('not_found');
  });

  it('answers 405 for anything but POST, 415 for a non-JSON body, 413 for a body over 1 MB', async () => {
    const get = await fetch(`${server.origin}/api/getSession?token=${server.token}`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');

    const text = await api('getSession', undefined, { raw: '{}', headers: { 'Content-Type': 'text/plain' } });
    expect(text.status).toBe(415);
    const form = await api('getSession', undefined, { raw: 'a=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(415);

    const big = await api('listResponses', { filter: { text: 'x'.repeat(1024 * 1024 + 10) } });
    expect(big.status).toBe(413);
    // the server is fine afterwards
    expect((await api('getSession')).status).toBe(200);
  });

  it('sends the security headers on every response, and no-store on the API', async () => {
    for (const r of [await api('getSession'), await api('getSession', {}, { token: null }), await fetch(`${server.origin}/`), await media(video.id)]) {
      expect(r.headers.get('content-security-policy')).toBe(BROWSER_CSP);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('referrer-policy')).toBe('no-referrer');
      await r.arrayBuffer();
    }
    expect((await api('getSession')).headers.get('cache-control')).toBe('no-store');
  });

  it('refuses a request whose Host is not loopback (DNS rebinding)', async () => {
    expect((await raw('/', { Host: 'evil.example:80' })).status).toBe(403);
    expect((await raw(`/api/getSession?token=${server.token}`, { Host: 'rebound.example' })).status).toBe(403);
    // a tunnel to another local port keeps a loopback name
    expect((await raw('/', { Host: 'localhost:9999' })).status).toBe(200);
  });
});

describe('cotscope serve: media', () => {
  it('refuses media without the token (401)', async () => {
    expect((await media(video.id, {}, null)).status).toBe(401);
    expect((await media(video.id, {}, 'nope')).status).toBe(401);
  });

  it('serves a demo video whole (200) and by range (206), byte for byte', async () => {
    const onDisk = fs.readFileSync(video.file);
    const whole = await media(video.id);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('video/mp4');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(whole.headers.get('content-length')).toBe(String(onDisk.length));
    expect(Buffer.from(await whole.arrayBuffer()).equals(onDisk)).toBe(true);

    const part = await media(video.id, { Range: 'bytes=100-1099' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-1099/${onDisk.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(onDisk.subarray(100, 1100))).toBe(true);

    const tail = await media(video.id, { Range: 'bytes=-500' });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(onDisk.subarray(onDisk.length - 500))).toBe(true);

    const past = await media(video.id, { Range: `bytes=${onDisk.length}-` });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${onDisk.length}`);
  });

  it('serves the observation image as image/png', async () => {
    const r = await media(image.id);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await r.arrayBuffer()).equals(fs.readFileSync(image.file))).toBe(true);
  });

  it('serves by id only: paths and unknown ids are 404, a row pointing outside its data root is 403', async () => {
    for (const id of ['..%2f..%2fpackage.json', '..%2f..', 'abc', '0', '-1', '1.5', '999999', `${video.id}x`]) {
      const r = await media(id);
      expect(r.status, id).toBe(404);
      expect(await r.text()).not.toContain('"name": "cotscope"');
    }
    // as sent, without fetch's own URL normalisation
    for (const p of ['/media/../../package.json', '/media/%2e%2e/%2e%2e/package.json', '/media/1/../../package.json']) {
      const r = await raw(`${p}?token=${server.token}`);
      expect(r.status, p).toBe(404);
      expect(r.body, p).not.toContain('"name": "cotscope"');
    }
    const escape = await media(escapeId);
    expect(escape.status).toBe(403);
    expect(await escape.text()).not.toContain('cotscope');
  });
});

describe('cotscope serve: the page', () => {
  it('serves the renderer without a token, with content types', async () => {
    const index = await fetch(`${server.origin}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await index.text()).toContain('<title>cotscope</title>');
    const js = await fetch(`${server.origin}/assets/app.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const css = await fetch(`${server.origin}/assets/app.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await fetch(`${server.origin}/assets/missing.js`)).status).toBe(404);
  });

  it('never serves files outside renderer/dist', async () => {
    for (const p of ['/..%2f..%2fdemo.db', '/assets/..%2f..%2fdemo.db', '/%2e%2e/demo.db', '/..%5c..%5cdemo.db', '/%00',
      '/../demo.db', '/assets/../../demo.db', '/%2e%2e/%2e%2e/package.json']) {
      const r = await raw(p);
      expect([400, 403, 404], p).toContain(r.status);
      expect(r.body.length, p).toBeLessThan(200);
    }
  });

  it('explains how to build the renderer when renderer/dist is missing', async () => {
    const bare = await startServer({ dbFile, port: 0, rendererDir: path.join(dir, 'no-dist') });
    try {
      const r = await fetch(`${bare.origin}/`);
      expect(r.status).toBe(200);
      expect(await r.text()).toContain('npm run build:renderer');
      expect((await fetch(`${bare.origin}/assets/app.js`)).status).toBe(404);
    } finally {
      await bare.close();
    }
  });
});

describe('cotscope serve: exposure', () => {
  it('refuses a non-loopback host without an explicit token', async () => {
    await expect(startServer({ dbFile, host: '0.0.0.0' })).rejects.toThrow(/refusing to serve on 0\.0\.0\.0 without an access token/);
    expect(() => checkExposure('192.168.1.5', undefined)).toThrow(/without an access token.*COTSCOPE_TOKEN.*--token-file/);
    expect(() => checkExposure('0.0.0.0', 'short')).toThrow(/at least 16 characters/);
    expect(() => checkExposure('0.0.0.0', 'a'.repeat(32))).not.toThrow();
    for (const h of ['127.0.0.1', 'localhost', '::1', '127.1.2.3']) expect(() => checkExposure(h, undefined), h).not.toThrow();
  });
});

describe('cotscope serve (the command)', () => {
  it('prints the URL and the allowed folder, serves /, and closes the workspace on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, '--db', childDb, 'serve', '--port', '0'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (c) => {
        stdout += c;
        if (stdout.includes('\n')) resolve(stdout.split('\n')[0]);
      });
      void exited.then(() => reject(new Error(`serve exited: ${stderr}`)));
    });
    const m = /^cotscope serving (.+) at (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]{64}))$/.exec(line);
    expect(m, line).not.toBeNull();
    expect(m![1]).toBe(path.resolve(childDb));
    const page = await fetch(m![2]);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const session = await fetch(`http://127.0.0.1:${m![3]}/api/getSession`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Cotscope-Token': m![4] },
      body: '{}',
    });
    expect((await session.json()).ok).toBe(true);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    // The URL line, then which files the page may name: by default the workspace's folder on loopback.
    expect(stdout.trim().split('\n')).toEqual([line, `the page may name files inside: ${fs.realpathSync(path.dirname(childDb))}; it can also upload files, and exports are downloads`]);
    expect(stderr).toBe('');
    // closed cleanly: SQLite removes the WAL file when the last connection closes
    expect(fs.existsSync(`${childDb}-wal`)).toBe(false);
  });

  it('refuses --host 0.0.0.0 without a token, saying why', async () => {
    const child = spawn(process.execPath, [BIN, '--db', dbFile, 'serve', '--host', '0.0.0.0'], { cwd: REPO });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/refusing to serve on 0\.0\.0\.0 without an access token/);
  });

  it('takes the token from COTSCOPE_TOKEN or a private file, never from the command line, and never prints it', async () => {
    const secret = 'tok-' + 'e'.repeat(40);
    const serve = (args: string[], env: Record<string, string> = {}) => {
      const child = spawn(process.execPath, [BIN, '--db', childDb, 'serve', '--port', '0', ...args], {
        cwd: REPO,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, COTSCOPE_TOKEN: '', ...env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const started = new Promise<string>((resolve, reject) => {
        child.stdout.on('data', () => stdout.split('\n').length > 2 && resolve(stdout));
        void exited.then((code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
      });
      started.catch(() => {}); // a refused start is asserted through `exited`
      return { child, exited, started, out: () => stdout + stderr };
    };
    const works = async (port: string, token: string) =>
      (
        await fetch(`http://127.0.0.1:${port}/api/getSession`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Cotscope-Token': token },
          body: '{}',
        })
      ).status;

    // On the command line: refused at once, saying where a token goes instead, without echoing it.
    const onCli = serve(['--token', secret]);
    expect(await onCli.exited).toBe(1);
    expect(onCli.out()).toMatch(/--token is not taken on the command line .*`ps`.*COTSCOPE_TOKEN.*--token-file FILE/);
    expect(onCli.out()).not.toContain(secret);

    // From the environment.
    const fromEnv = serve([], { COTSCOPE_TOKEN: secret });
    const envOut = await fromEnv.started;
    const envPort = /127\.0\.0\.1:(\d+)/.exec(envOut)![1];
    expect(envOut.split('\n')[0]).toMatch(/at http:\/\/127\.0\.0\.1:\d+\/\?token=… \(the token from COTSCOPE_TOKEN\)$/);
    expect(await works(envPort, secret)).toBe(200);
    expect(await works(envPort, 'wrong')).toBe(401);
    expect(fs.readFileSync(`/proc/${fromEnv.child.pid}/cmdline`, 'utf8')).not.toContain(secret);
    fromEnv.child.kill('SIGTERM');
    expect(await fromEnv.exited).toBe(0);
    expect(fromEnv.out()).not.toContain(secret);

    // From a file: only one readable by its owner alone.
    const file = path.join(dir, 'token');
    fs.writeFileSync(file, `${secret}\n`, { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    const open = serve(['--token-file', file]);
    expect(await open.exited).toBe(1);
    expect(open.out()).toMatch(/--token-file .*token: other users can read it \(mode 644\); run `chmod 600 /);
    fs.chmodSync(file, 0o600);
    const fromFile = serve(['--token-file', file]);
    const fileOut = await fromFile.started;
    expect(fileOut.split('\n')[0]).toMatch(/\?token=… \(the token from .*token\)$/);
    expect(await works(/127\.0\.0\.1:(\d+)/.exec(fileOut)![1], secret)).toBe(200);
    fromFile.child.kill('SIGTERM');
    expect(await fromFile.exited).toBe(0);
    expect(fromFile.out()).not.toContain(secret);
  }, 60_000);

  it('refuses a workspace that does not exist', async () => {
    const child = spawn(process.execPath, [BIN, '--db', path.join(dir, 'nope.db'), 'serve'], { cwd: REPO });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/no such workspace/);
    expect(fs.existsSync(path.join(dir, 'nope.db'))).toBe(false);
  });
});
