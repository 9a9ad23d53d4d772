// Browser mode's file access, through the real HTTP server: the page names files only inside the folders its owner
// allowed (symlinks resolved), uploads what it imports and downloads what it exports. Every method that takes a path
// is tried with what an attacker would send: `..`, an absolute path, a percent-encoded `..`, a symlink that leaves the
// folder, a NUL byte. The exploit that opened this (a CSV export written over a shell's start-up file) is replayed.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yauzl from 'yauzl';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importBenchmark } from '../../electron/core/import-benchmark.ts';
import { importRun } from '../../electron/core/import-run.ts';
import { openStore } from '../../electron/core/store.ts';
import { startServer, type RunningServer } from '../../electron/server/server.ts';
import { apiClient } from './api-client.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = path.join(REPO, 'test', 'fixtures');
const RUN_FILE = path.join(FIXTURES, 'runs', 'eval_results_for_validation_L1.jsonl');
const PWNED_NOTE = 'x\necho PWNED #';

let dir: string;
/** The folder the server allows. */
let allowed: string;
/** Beside it, never to be reached from the page. */
let outside: string;
let rc: string;
let rcBefore: string;
let server: RunningServer;
let responseId: number;
/** Responses a run import of RUN_FILE brings into this workspace. */
let perImport: number;

beforeAll(async () => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-access-')));
  allowed = path.join(dir, 'allowed');
  outside = path.join(dir, 'outside');
  fs.mkdirSync(allowed);
  fs.mkdirSync(path.join(outside, 'root', 'videos'), { recursive: true });
  fs.copyFileSync(RUN_FILE, path.join(allowed, 'eval_results_for_validation_L1.jsonl'));
  fs.copyFileSync(RUN_FILE, path.join(outside, 'eval_results_for_validation_L1.jsonl'));
  fs.mkdirSync(path.join(allowed, 'data-root'));
  // A shell start-up file outside the allowed folder: the exploit's target.
  rc = path.join(outside, '.bashrc');
  rcBefore = 'export PATH="$HOME/bin:$PATH"\n';
  fs.writeFileSync(rc, rcBefore);
  // Links inside the allowed folder that point out of it: to a file, and to a folder.
  fs.symlinkSync(path.join(outside, 'eval_results_for_validation_L1.jsonl'), path.join(allowed, 'link-out.jsonl'));
  fs.symlinkSync(outside, path.join(allowed, 'folder-link'));
  // A link that stays inside is fine.
  fs.symlinkSync(path.join(allowed, 'eval_results_for_validation_L1.jsonl'), path.join(allowed, 'link-in.jsonl'));

  const db = path.join(allowed, 'w.db');
  const store = openStore(db);
  await importBenchmark(store, [path.join(FIXTURES, 'root', 'annotations', 'validation_L1.jsonl')]);
  perImport = (await importRun(store, RUN_FILE, { name: 'base-run', method: 'rl' })).imported;
  responseId = (store.db.prepare('SELECT id FROM responses ORDER BY id LIMIT 1').get() as { id: number }).id;
  store.close();
  server = await startServer({ dbFile: db, port: 0, rendererDir: path.join(dir, 'no-dist'), annotator: 'tester', allowDirs: [allowed] });
}, 120_000);

afterAll(async () => {
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const { api, value } = apiClient(() => server);
async function upload(name: string, bytes: Buffer, token: string | null = server.token): Promise<{ status: number; body: any }> {
  const r = await fetch(`${server.origin}/upload?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/octet-stream', ...(token ? { 'X-Cotscope-Token': token } : {}) },
    body: new Uint8Array(bytes),
  });
  return { status: r.status, body: await r.json() };
}
async function settleImport(id: string): Promise<any> {
  for (;;) {
    const job = await value('getImport', { id });
    if (job.state !== 'running') return job;
    await new Promise((r) => setTimeout(r, 20));
  }
}
async function settleExport(id: string): Promise<any> {
  for (;;) {
    const job = await value('getExport', { id });
    if (job.state !== 'running') return job;
    await new Promise((r) => setTimeout(r, 20));
  }
}
const runNames = async () => (await value('listRuns')).map((r: { name: string }) => r.name).sort();
const stagingDir = () => fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('cotscope-serve-'));

/** What an attacker sends instead of a path: each must be refused and reach nothing outside the allowed folder. */
const ATTACKS: [string, (file: string) => string][] = [
  ['a relative path climbing out with ..', (f) => `../outside/${f}`],
  ['an absolute path outside', (f) => path.join(outside, f)],
  ['an absolute path that climbs out from inside', (f) => `${allowed}/../outside/${f}`],
  ['a percent-encoded ..', (f) => `%2e%2e/outside/${f}`],
  ['a percent-encoded absolute path', (f) => `%2F${outside.slice(1).split('/').join('%2F')}%2F${f}`],
  ['a symlinked folder inside pointing out', (f) => `folder-link/${f}`],
  ['a NUL byte', (f) => `${f}\0.txt`],
];

describe('browser mode: paths only inside the allowed folders', () => {
  it('says which folders the page may name, and that it uploads and downloads', async () => {
    expect(server.allowedDirs).toEqual([allowed]);
    expect(await value('getShell')).toEqual({ kind: 'browser', folders: [allowed], maxUploadBytes: 16 * 1024 ** 3 });
    expect(await value('chooseSavePath', {})).toEqual({ path: null, native: false });
  });

  it('imports a run file inside the folder, by relative or absolute path, or through a link that stays inside', async () => {
    for (const [i, p] of ['eval_results_for_validation_L1.jsonl', path.join(allowed, 'link-in.jsonl')].entries()) {
      const job = await value('startImport', { kind: 'run', paths: [p], name: `inside-${i}`, method: 'sft' });
      expect(await settleImport(job.id)).toMatchObject({ state: 'done', imported: perImport });
    }
    expect(await runNames()).toEqual(['base-run', 'inside-0', 'inside-1']);
  });

  for (const [what, attack] of ATTACKS) {
    it(`refuses ${what} in every method that takes a path, and nothing changes`, async () => {
      const before = await runNames();
      const datasets = await value('listDatasets');
      const tries: [string, unknown][] = [
        ['startImport', { kind: 'run', paths: [attack('eval_results_for_validation_L1.jsonl')], name: 'evil', method: 'rl' }],
        ['startImport', { kind: 'benchmark', paths: ['eval_results_for_validation_L1.jsonl'], dataRoot: attack('root') }],
        ['importPack', { path: attack('eval_results_for_validation_L1.jsonl') }],
        ['remapDataRoot', { datasetId: datasets[0].id, root: attack('root') }],
        ['openWorkspace', { path: attack('w2.db') }],
        ['startExport', { format: 'csv', out: attack('.bashrc') }],
      ];
      for (const [method, input] of tries) {
        const r = await api(method, input);
        expect(r.body.ok, `${method} ${JSON.stringify(input)}: ${JSON.stringify(r.body)}`).toBe(false);
        // forbidden (403), or a name that does not exist inside the folder (404): never read or written outside.
        expect([403, 404], `${method}: ${JSON.stringify(r.body)}`).toContain(r.status);
        expect(r.body.error.message).toMatch(new RegExp(`^${method}: field \``));
      }
      // Creating a workspace: refused, or (a percent-encoded name is a name like any other, never decoded) a new file
      // inside the allowed folder, from which the test goes back.
      const created = await api('openWorkspace', { path: attack('w2.db'), create: true });
      if (created.body.ok) {
        expect(path.dirname(created.body.value.workspace)).toBe(allowed);
        expect(path.basename(created.body.value.workspace)).toMatch(/^%2/);
        await value('openWorkspace', { path: path.join(allowed, 'w.db') });
      } else expect([403, 404]).toContain(created.status);
      expect(await runNames()).toEqual(before);
      expect(await value('listDatasets')).toEqual(datasets);
      expect((await value('getSession')).workspace).toBe(path.join(allowed, 'w.db'));
      expect(fs.existsSync(path.join(outside, 'w2.db'))).toBe(false);
      expect(fs.readFileSync(rc, 'utf8')).toBe(rcBefore);
    });
  }

  it('refuses a symlinked file that leaves the folder, naming what it resolved to', async () => {
    const r = await api('startImport', { kind: 'run', paths: ['link-out.jsonl'], name: 'evil', method: 'rl' });
    expect(r.status).toBe(403);
    expect(r.body.error.message).toMatch(/^startImport: field `paths\.0`: read .*link-out\.jsonl: outside the folders this server allows/);
    expect(await runNames()).not.toContain('evil');
  });

  it('remaps a data root and creates, opens and reopens workspaces inside the folder only', async () => {
    const ds = (await value('listDatasets'))[0];
    expect(await value('remapDataRoot', { datasetId: ds.id, root: 'data-root' })).toMatchObject({ root: path.join(allowed, 'data-root') });
    const created = await value('openWorkspace', { path: 'second.db', create: true });
    expect(created.workspace).toBe(path.join(allowed, 'second.db'));
    // The served workspace is a recent one: it opens again by its path.
    expect((await value('openWorkspace', { path: path.join(allowed, 'w.db') })).workspace).toBe(path.join(allowed, 'w.db'));
  });
});

describe('browser mode: the exploit, replayed', () => {
  it('a tag note holding a shell command cannot be exported over a start-up file; the export is a download instead', async () => {
    await value('createTag', { responseId, label: 'inconsistent', note: PWNED_NOTE });
    const r = await api('startExport', { format: 'csv', out: rc });
    expect(r.status).toBe(403);
    expect(r.body.error.message).toMatch(/^startExport: field `out`: browser mode writes no files where the page says/);
    expect(fs.readFileSync(rc, 'utf8')).toBe(rcBefore);
    expect(execFileSync('bash', ['--norc', '-c', `. ${JSON.stringify(rc)}; echo ran`], { encoding: 'utf8' })).toBe('ran\n');

    // The same export without a path: written to the server's own staging folder, then downloaded.
    const job = await settleExport((await value('startExport', { format: 'csv', filter: { runs: ['base-run'] } })).id);
    expect(job).toMatchObject({ state: 'done', download: { name: expect.stringMatching(/^cotscope-export-\d{8}-\d{4}\.csv$/) } });
    expect(job.out).toBe(job.download.name);
    expect(job.message).not.toContain(os.tmpdir());
    const res = await fetch(new URL(job.download.url, `${server.origin}/`)); // no token: the key is the capability
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${job.download.name}"; filename*=UTF-8''${job.download.name}`);
    const rows = parseCsv(await res.text(), { columns: true }) as Record<string, string>[];
    expect(rows.some((row) => row.tag_note === PWNED_NOTE)).toBe(true);
    const meta = await fetch(new URL(job.download.meta.url, `${server.origin}/`));
    expect(JSON.parse(await meta.text())).toMatchObject({ tool: 'cotscope', format: 'csv', filter: { runs: ['base-run'] } });
    expect(fs.readFileSync(rc, 'utf8')).toBe(rcBefore);
  });

  it('a dataset folder downloads as a zip of its files; unknown keys are 404', async () => {
    const job = await settleExport((await value('startExport', { format: 'hf', filter: { runs: ['base-run'] } })).id);
    expect(job.state).toBe('done');
    expect(job.download.name).toMatch(/-hf\.zip$/);
    const res = await fetch(new URL(job.download.url, `${server.origin}/`));
    expect(res.headers.get('content-type')).toBe('application/zip');
    const entries = await zipEntries(Buffer.from(await res.arrayBuffer()));
    const top = job.download.name.replace(/\.zip$/, '');
    expect(entries).toContain(`${top}/README.md`);
    expect(entries.some((e) => e.startsWith(`${top}/`) && e.endsWith('.parquet'))).toBe(true);
    expect((await fetch(`${server.origin}/download/${'0'.repeat(64)}`)).status).toBe(404);
    expect((await fetch(`${server.origin}/download/..%2f..%2fetc%2fpasswd`)).status).toBe(404);
  });
});

describe('browser mode: uploads', () => {
  it('imports an uploaded run file, reports lines by its own name, and removes the upload when the import ends', async () => {
    const up = await upload('eval_results_for_validation_L1.jsonl', fs.readFileSync(RUN_FILE));
    expect(up.status).toBe(200);
    expect(up.body.value).toMatchObject({ ref: expect.stringMatching(/^upload:[0-9a-f-]{36}$/), name: 'eval_results_for_validation_L1.jsonl', bytes: fs.statSync(RUN_FILE).size });
    const job = await settleImport((await value('startImport', { kind: 'run', paths: [up.body.value.ref], name: 'uploaded', method: 'sft' })).id);
    expect(job).toMatchObject({ state: 'done', imported: perImport, file: 'eval_results_for_validation_L1.jsonl' });
    expect(job.skipped.map((s: { file: string }) => s.file)).toEqual(Array(job.skipped.length).fill('eval_results_for_validation_L1.jsonl'));
    expect(await runNames()).toContain('uploaded');
    // Used once: the staged file is gone, and the reference with it.
    const again = await api('startImport', { kind: 'run', paths: [up.body.value.ref], name: 'again', method: 'sft' });
    expect(again.status).toBe(404);
    expect(again.body.error.message).toMatch(/^startImport: field `paths\.0`: no upload upload:/);
  });

  it('merges an uploaded pack at once and removes it', async () => {
    const pack = [
      JSON.stringify({ format: 'cotscope-pack', version: 1, cotscope: '0.1.0', created_at: '2026-01-01T00:00:00Z', workspace: 'x', annotators: [], labels: [] }),
    ].join('\n');
    const up = await upload('bob.pack', Buffer.from(pack + '\n'));
    const bad = JSON.stringify({ type: 'tag', uuid: 'not-a-uuid' });
    const report = await value('importPack', { path: up.body.value.ref });
    expect(report).toMatchObject({ version: 1, file: 'bob.pack' });
    const withBadLine = await upload('bob.pack', Buffer.from(pack + '\n' + bad + '\n'));
    const second = await value('importPack', { path: withBadLine.body.value.ref });
    expect(second.skipped.count).toBe(1);
    expect(second.skipped.lines.map((l: { file: string }) => l.file)).toEqual(['bob.pack']);
    expect((await api('importPack', { path: up.body.value.ref })).status).toBe(404);
  });

  it('reports a bad uploaded file by its own name, not where the server keeps it', async () => {
    const up = await upload('not-a-pack.jsonl', Buffer.from('{"hello":1}\n'));
    const r = await api('importPack', { path: up.body.value.ref });
    expect(r.body.error.message).toBe('importPack: not-a-pack.jsonl:1: not a cotscope pack (the header\'s `format` is not "cotscope-pack")');
  });

  it('refuses an upload without the token, a name that tries to climb, and one too large; keeps nothing of them', async () => {
    expect((await upload('x.jsonl', Buffer.from('{}'), null)).status).toBe(401);
    expect((await upload('x.jsonl', Buffer.from('{}'), 'wrong')).status).toBe(401);
    const climbing = await upload('../../outside/evil.jsonl', Buffer.from('{}\n'));
    expect(climbing.body.value.name).toBe('evil.jsonl');
    expect(fs.existsSync(path.join(outside, 'evil.jsonl'))).toBe(false);
    const capped = await startServer({ dbFile: path.join(allowed, 'second.db'), port: 0, rendererDir: path.join(dir, 'no-dist'), maxUploadBytes: 1000 });
    try {
      const r = await fetch(`${capped.origin}/upload?name=big.jsonl`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/octet-stream', 'X-Cotscope-Token': capped.token },
        body: new Uint8Array(5000).fill(97),
      });
      expect(r.status).toBe(413);
      expect((await r.json()).error.message).toMatch(/more than this server takes \(1000 bytes at once\)/);
      // The cap counts the uploads not imported yet: two of 600 bytes do not fit in 1000.
      const send = (n: number) =>
        fetch(`${capped.origin}/upload?name=part.jsonl`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/octet-stream', 'X-Cotscope-Token': capped.token },
          body: new Uint8Array(n).fill(97),
        });
      expect((await send(600)).status).toBe(200);
      const second = await send(600);
      expect(second.status).toBe(413);
      expect((await second.json()).error.message).toMatch(/of which 600 are held by uploads not imported yet/);
    } finally {
      await capped.close();
    }
  });
});

describe('browser mode off loopback', () => {
  it('allows no folder unless told: every path is refused, uploads still work', async () => {
    const open = await startServer({
      dbFile: path.join(allowed, 'second.db'),
      host: '0.0.0.0',
      token: 'a-long-enough-secret-token',
      port: 0,
      rendererDir: path.join(dir, 'no-dist'),
    });
    try {
      expect(open.allowedDirs).toEqual([]);
      const call = (method: string, body: unknown) =>
        fetch(`http://127.0.0.1:${open.port}/api/${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Cotscope-Token': 'a-long-enough-secret-token' },
          body: JSON.stringify(body),
        }).then(async (r) => ({ status: r.status, body: await r.json() }));
      const r = await call('startImport', { kind: 'run', paths: [path.join(allowed, 'eval_results_for_validation_L1.jsonl')], name: 'x', method: 'rl' });
      expect(r.status).toBe(403);
      expect(r.body.error.message).toMatch(/the server allows no folder \(its owner can pass --allow-dir DIR\); upload the file instead/);
      expect((await call('openWorkspace', { path: path.join(allowed, 'w.db') })).status).toBe(403);
      expect((await call('getShell', {})).body.value).toMatchObject({ kind: 'browser', folders: [] });
      const up = await fetch(`http://127.0.0.1:${open.port}/upload?name=a.jsonl`, {
        method: 'POST',
        headers: { 'X-Cotscope-Token': 'a-long-enough-secret-token' },
        body: new Uint8Array(fs.readFileSync(RUN_FILE)),
      });
      expect(up.status).toBe(200);
    } finally {
      await open.close();
    }
  });

  it('removes its staging folder (uploads, exports) when it stops', async () => {
    const before = new Set(stagingDir());
    const s = await startServer({ dbFile: path.join(allowed, 'second.db'), port: 0, rendererDir: path.join(dir, 'no-dist') });
    const mine = stagingDir().filter((f) => !before.has(f));
    expect(mine).toHaveLength(1);
    expect(fs.statSync(path.join(os.tmpdir(), mine[0])).mode & 0o777).toBe(0o700);
    await s.close();
    expect(fs.existsSync(path.join(os.tmpdir(), mine[0]))).toBe(false);
  });
});

function zipEntries(buf: Buffer): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const names: string[] = [];
      zip.on('entry', (e: yauzl.Entry) => {
        names.push(e.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(names));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}
