// The Electron shell as built by scripts/build-electron.mjs, run in plain Node with a stand-in for the `electron`
// module (the Electron binary cannot be had on our machines). It checks what main.cjs does with Electron's APIs —
// schemes registered before ready, the window's options, navigation and permission lock-down, the sender check on the
// one IPC channel, the media:// and app:// handlers, closing on quit — and that the bundled workers run.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle } from '../../scripts/build-electron.mjs';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const OUT = path.join(REPO, 'out', `electron-test-${process.pid}`);
const require = createRequire(import.meta.url);
const Module = require('node:module') as { _load: (request: string, ...rest: unknown[]) => unknown };

type Handler = (...args: any[]) => any;
const calls = {
  schemesBeforeReady: null as null | { scheme: string; privileges: Record<string, boolean> }[],
  protocols: {} as Record<string, Handler>,
  ipc: {} as Record<string, Handler>,
  appEvents: {} as Record<string, Handler>,
  windows: [] as { options: any; url?: string }[],
  permission: null as Handler | null,
  permissionCheck: null as Handler | null,
  errors: [] as string[],
  opened: [] as string[],
  quit: 0,
  exit: null as number | null,
  /** What the next open and save dialogs answer (as the user would), and the options they were shown with. */
  openAnswers: [] as { canceled: boolean; filePaths: string[] }[],
  saveAnswers: [] as { canceled: boolean; filePath?: string }[],
  dialogs: [] as { kind: 'open' | 'save' | 'message'; options: any }[],
  messageAnswers: [] as number[],
};
let ready = false;
let resolveReady!: () => void;
const whenReady = new Promise<void>((r) => (resolveReady = r));
let userData: string;

const fakeElectron = {
  app: {
    whenReady: () => whenReady,
    getPath: (name: string) => (name === 'userData' ? userData : os.tmpdir()),
    requestSingleInstanceLock: () => true,
    on: (event: string, fn: Handler) => void (calls.appEvents[event] = fn),
    quit: () => void calls.quit++,
    exit: (code: number) => void (calls.exit = code),
  },
  BrowserWindow: class {
    options: unknown;
    url?: string;
    constructor(options: unknown) {
      this.options = options;
      calls.windows.push(this);
    }
    once() {}
    on() {}
    loadURL(url: string) {
      this.url = url;
      return Promise.resolve();
    }
    static getAllWindows() {
      return calls.windows;
    }
    static fromWebContents() {
      return calls.windows[0] ?? null;
    }
  },
  dialog: {
    showErrorBox: (_title: string, message: string) => void calls.errors.push(message),
    // Called with the window first when there is one, as Electron allows.
    showOpenDialog: async (...args: any[]) => {
      calls.dialogs.push({ kind: 'open', options: args.at(-1) });
      return calls.openAnswers.shift() ?? { canceled: true, filePaths: [] };
    },
    showMessageBoxSync: (...args: any[]) => {
      calls.dialogs.push({ kind: 'message', options: args.at(-1) });
      return calls.messageAnswers.shift() ?? 0;
    },
    showSaveDialog: async (...args: any[]) => {
      calls.dialogs.push({ kind: 'save', options: args.at(-1) });
      return calls.saveAnswers.shift() ?? { canceled: true };
    },
  },
  ipcMain: { handle: (channel: string, fn: Handler) => void (calls.ipc[channel] = fn) },
  protocol: {
    registerSchemesAsPrivileged: (schemes: any) => {
      if (!ready) calls.schemesBeforeReady = schemes;
    },
    handle: (scheme: string, fn: Handler) => void (calls.protocols[scheme] = fn),
  },
  session: {
    defaultSession: {
      setPermissionRequestHandler: (fn: Handler) => void (calls.permission = fn),
      setPermissionCheckHandler: (fn: Handler) => void (calls.permissionCheck = fn),
    },
  },
  shell: { openExternal: (url: string) => (calls.opened.push(url), Promise.resolve()) },
};

async function until<T>(fn: () => T | undefined | null | false, what: string, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; errors: ${calls.errors.join(' | ')}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const originalLoad = Module._load;
beforeAll(async () => {
  userData = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-shell-'));
  await bundle(OUT);
  Module._load = function (request: string, ...rest: unknown[]) {
    if (request === 'electron') return fakeElectron;
    return originalLoad.call(this, request, ...rest);
  };
  require(path.join(OUT, 'main.cjs'));
}, 120_000);

afterAll(async () => {
  Module._load = originalLoad;
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.rmSync(userData, { recursive: true, force: true });
});

describe('the Electron shell (main.cjs with a stand-in electron module)', () => {
  it('registers app:// and media:// as privileged before the app is ready', () => {
    expect(calls.schemesBeforeReady).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
      { scheme: 'media', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
    ]);
  });

  it('opens the demo workspace (built in userData) on first start, in a locked-down window at app://', async () => {
    ready = true;
    resolveReady();
    const win = await until(() => calls.windows[0], 'the window', 120_000);
    expect(win.url).toBe('app://app/index.html');
    expect(win.options.webPreferences).toMatchObject({
      preload: path.join(OUT, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
    expect(fs.existsSync(path.join(userData, 'demo.db'))).toBe(true);
    const recent = JSON.parse(fs.readFileSync(path.join(userData, 'recent-workspaces.json'), 'utf8'));
    expect(recent.workspaces).toEqual([path.join(userData, 'demo.db')]);
  });

  it('denies every permission request and check', () => {
    let granted: boolean | null = null;
    calls.permission!({}, 'media', (g: boolean) => (granted = g));
    expect(granted).toBe(false);
    expect(calls.permissionCheck!({}, 'clipboard-read')).toBe(false);
  });

  it('blocks navigation and redirects away from app://, denies new windows, opens only https links outside', () => {
    const listeners: Record<string, Handler> = {};
    let openHandler: Handler | null = null;
    const contents = {
      on: (event: string, fn: Handler) => void (listeners[event] = fn),
      setWindowOpenHandler: (fn: Handler) => void (openHandler = fn),
    };
    calls.appEvents['web-contents-created']({}, contents);
    for (const event of ['will-navigate', 'will-redirect']) {
      for (const [url, blocked] of [['https://evil.example/', true], ['file:///etc/passwd', true], ['app://app/index.html#/x', false]] as const) {
        let prevented = false;
        listeners[event]({ preventDefault: () => (prevented = true) }, url);
        expect(prevented, `${event} ${url}`).toBe(blocked);
      }
    }
    let webview = false;
    listeners['will-attach-webview']({ preventDefault: () => (webview = true) });
    expect(webview).toBe(true);
    expect(openHandler!({ url: 'https://arxiv.org/abs/2503.24376' })).toEqual({ action: 'deny' });
    expect(openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(calls.opened).toEqual(['https://arxiv.org/abs/2503.24376']);

    // Closing while changes wait to be saved: asked, and closed only on "Close anyway".
    for (const [answer, closes] of [[0, false], [1, true]] as const) {
      calls.messageAnswers.push(answer);
      let proceed = false;
      listeners['will-prevent-unload']({ preventDefault: () => (proceed = true) });
      expect(calls.dialogs.at(-1)).toMatchObject({ kind: 'message', options: { message: 'Some changes are not saved yet', buttons: ['Keep open', 'Close anyway'] } });
      expect(proceed).toBe(closes);
    }
  });

  it('answers the one IPC channel only for our own app:// frame, through the service host', async () => {
    const call = calls.ipc['cotscope:call'];
    expect(Object.keys(calls.ipc)).toEqual(['cotscope:call']);
    const fromApp = { senderFrame: { url: 'app://app/index.html' } };
    const session = await call(fromApp, 'getSession', {});
    expect(session.ok).toBe(true);
    expect(session.value.workspace).toBe(path.join(userData, 'demo.db'));
    const list = await call(fromApp, 'listResponses', { limit: 3 });
    expect(list.ok && list.value.rows.length).toBe(3);
    expect(await call(fromApp, 'listResponses', { limit: 0 })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await call(fromApp, 'nope', {})).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await call(fromApp, 42, {})).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    for (const frame of [{ url: 'https://evil.example/' }, { url: 'file:///index.html' }, { url: 'app://other/' }, null]) {
      expect(await call({ senderFrame: frame }, 'getSession', {}), JSON.stringify(frame)).toMatchObject({
        ok: false,
        error: { code: 'unauthorized' },
      });
    }
  });

  it('streams videos over media:// with Range, by id only', async () => {
    const db = new Database(path.join(userData, 'demo.db'), { readonly: true });
    const v = db
      .prepare(
        `SELECT m.id, m.rel_path AS relPath, d.root FROM media m JOIN samples s ON s.id = m.sample_id
         JOIN datasets d ON d.id = s.dataset_id WHERE m.kind = 'video' AND m.present = 1 LIMIT 1`,
      )
      .get() as { id: number; relPath: string; root: string };
    db.close();
    const onDisk = fs.readFileSync(path.join(v.root, v.relPath));
    const media = calls.protocols.media;
    const part: Response = await media(new Request(`media://media/${v.id}`, { headers: { Range: 'bytes=10-59' } }));
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 10-59/${onDisk.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(onDisk.subarray(10, 60))).toBe(true);
    const whole: Response = await media(new Request(`media://media/${v.id}`));
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(onDisk)).toBe(true);
    expect((await media(new Request('media://media/..%2f..%2fpackage.json'))).status).toBe(404);
    expect((await media(new Request('media://media/999999'))).status).toBe(404);
  });

  it('serves the renderer over app:// with the CSP header', async () => {
    const r: Response = await calls.protocols.app(new Request('app://app/'));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(r.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect((await calls.protocols.app(new Request('app://app/..%2f..%2fpackage.json'))).status).not.toBe(200);
  });

  it('takes paths only from its own dialogs (each for what it was asked), never typed by the page', async () => {
    const call = calls.ipc['cotscope:call'];
    const fromApp = { senderFrame: { url: 'app://app/index.html' } };
    expect(await call(fromApp, 'getShell', {})).toEqual({ ok: true, value: { kind: 'desktop', folders: [], maxUploadBytes: null } });
    const runFile = path.join(REPO, 'test', 'fixtures', 'runs', 'eval_results_for_validation_L1.jsonl');
    const rc = path.join(userData, '.bashrc');
    fs.writeFileSync(rc, 'export PATH="$HOME/bin:$PATH"\n');
    const refused = async (method: string, input: unknown) => {
      const r = await call(fromApp, method, input);
      expect(r, `${method} ${JSON.stringify(input)}`).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('was not chosen in a dialog of cotscope') } });
    };
    // Typed by the page: every method that takes a path refuses, the exploit's target included.
    await refused('startImport', { kind: 'run', paths: [runFile], name: 'typed', method: 'rl' });
    await refused('importPack', { path: runFile });
    await refused('remapDataRoot', { datasetId: 1, root: path.dirname(runFile) });
    await refused('openWorkspace', { path: path.join(userData, 'typed.db'), create: true });
    await refused('openWorkspace', { path: runFile });
    await refused('startExport', { format: 'csv', out: rc });
    await refused('startExport', { format: 'csv', out: rc, replace: true });
    expect(fs.readFileSync(rc, 'utf8')).toBe('export PATH="$HOME/bin:$PATH"\n');

    // Chosen in the open dialog for an import: that file imports; the dialog was one for files of that kind.
    calls.openAnswers.push({ canceled: false, filePaths: [runFile] });
    expect(await call(fromApp, 'choosePaths', { purpose: 'import', multiple: true })).toEqual({ ok: true, value: { paths: [runFile], native: true } });
    expect(calls.dialogs.at(-1)).toMatchObject({ kind: 'open', options: { properties: ['openFile', 'multiSelections'] } });
    const job = await call(fromApp, 'startImport', { kind: 'run', paths: [runFile], name: 'chosen', method: 'sft' });
    expect(job).toMatchObject({ ok: true, value: { state: 'running' } });
    for (;;) {
      const j = await call(fromApp, 'getImport', { id: job.value.id });
      if (j.value.state !== 'running') {
        expect(j.value.state).toBe('done');
        break;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    // …but a file chosen to be read is not one to open as a workspace (read and written), nor a data root.
    await refused('openWorkspace', { path: runFile });
    await refused('remapDataRoot', { datasetId: 1, root: runFile });
    // A cancelled dialog grants nothing.
    expect(await call(fromApp, 'choosePaths', { purpose: 'data-root' })).toEqual({ ok: true, value: { paths: null, native: true } });

    // The save dialog (which asks before replacing) grants one export, allowed to replace the file it confirmed.
    calls.saveAnswers.push({ canceled: false, filePath: rc });
    expect(await call(fromApp, 'chooseSavePath', { suggested: 'x.csv' })).toEqual({ ok: true, value: { path: rc, native: true } });
    expect(calls.dialogs.at(-1)!.options.properties).toContain('showOverwriteConfirmation');
    const exp = await call(fromApp, 'startExport', { format: 'csv', out: rc });
    expect(exp).toMatchObject({ ok: true, value: { out: rc } });
    for (;;) {
      const j = await call(fromApp, 'getExport', { id: exp.value.id });
      if (j.value.state !== 'running') {
        expect(j.value).toMatchObject({ state: 'done', download: null });
        break;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(fs.readFileSync(rc, 'utf8')).toMatch(/^run,/);
    await refused('startExport', { format: 'csv', out: rc });
  });

  it('switches workspaces over IPC and keeps the recent list in userData', async () => {
    const call = calls.ipc['cotscope:call'];
    const fromApp = { senderFrame: { url: 'app://app/index.html' } };
    const other = path.join(userData, 'other.db');
    const demo = path.join(userData, 'demo.db');
    calls.saveAnswers.push({ canceled: false, filePath: other });
    expect(await call(fromApp, 'chooseSavePath', { purpose: 'workspace' })).toMatchObject({ ok: true, value: { path: other } });
    expect(await call(fromApp, 'openWorkspace', { path: other, create: true })).toMatchObject({ ok: true, value: { workspace: other } });
    expect(await call(fromApp, 'listResponses', {})).toMatchObject({ ok: true, value: { total: 0 } });
    // demo.db is a recent workspace: it opens without a dialog.
    expect(await call(fromApp, 'openWorkspace', { path: demo })).toMatchObject({ ok: true, value: { workspace: demo } });
    const list = await call(fromApp, 'listWorkspaces', {});
    expect(list.value.recent.map((e: { path: string }) => e.path)).toEqual([demo, other]);
    const recent = JSON.parse(fs.readFileSync(path.join(userData, 'recent-workspaces.json'), 'utf8'));
    expect(recent.workspaces).toEqual([demo, other]);
  });

  it('closes the workspace before quitting', async () => {
    let prevented = false;
    calls.appEvents['before-quit']({ preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    await until(() => calls.quit > 0, 'app.quit');
    // closed cleanly: SQLite removed the WAL file with the last connection
    expect(fs.existsSync(path.join(userData, 'demo.db-wal'))).toBe(false);
    const after = await calls.ipc['cotscope:call']({ senderFrame: { url: 'app://app/' } }, 'getSession', {});
    expect(after).toMatchObject({ ok: false, error: { code: 'internal' } });
  });
});

describe('the bundled run-parse worker', () => {
  it('runs as plain JavaScript (no TypeScript loader) and parses a run file', async () => {
    const file = path.join(REPO, 'test', 'fixtures', 'runs', 'eval_results_for_validation_L1.jsonl');
    const worker = new Worker(path.join(OUT, 'run-parse-worker.mjs'), {
      workerData: { config: { file, displayName: file, shape: 'jsonl', idField: 'sample_id', responseField: null, level: 'L1', samples: [] } },
    });
    const messages: { type: string }[] = [];
    await new Promise<void>((resolve, reject) => {
      worker.on('message', (m: { type: string }) => {
        messages.push(m);
        if (m.type === 'batch') worker.postMessage({ type: 'ack' });
        if (m.type === 'done' || m.type === 'error') resolve();
      });
      worker.on('error', reject);
    });
    await worker.terminate();
    expect(messages.at(-1)?.type).toBe('done');
  });
});

describe('the bundled export worker', () => {
  it('runs as plain JavaScript (no TypeScript loader) and writes an export', async () => {
    const { openStore } = await import('../../electron/core/store.ts');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-shell-export-'));
    try {
      openStore(path.join(dir, 'w.db')).close();
      const out = path.join(dir, 'out.jsonl');
      const worker = new Worker(path.join(OUT, 'export-worker.mjs'), {
        workerData: { config: { dbFile: path.join(dir, 'w.db'), options: { format: 'jsonl', out, workspace: path.join(dir, 'w.db'), command: 'test' } } },
      });
      const last = await new Promise<{ type: string }>((resolve, reject) => {
        worker.on('message', (m: { type: string }) => m.type !== 'progress' && resolve(m));
        worker.on('error', reject);
      });
      await worker.terminate();
      expect(last).toMatchObject({ type: 'done', responses: 0, out });
      expect(JSON.parse(fs.readFileSync(`${out}.meta.json`, 'utf8'))).toMatchObject({ tool: 'cotscope', format: 'jsonl' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
