// The Electron app shell: lifecycle, the window, its hardening, the app:// and media:// protocols and the one IPC
// channel. Thin on purpose: the database lives on the service host's worker thread, and every decision that can be
// made without Electron is in a plain module with its own tests (window-options, navigation, protocol-responses,
// recent, core/media, core/static-files, core/workspace-switcher).
//
// Built by scripts/build-electron.mjs into out/electron/main.cjs (Electron cannot load TypeScript); `import.meta.url`
// is that file's URL there, so the paths below resolve inside out/electron/.
import { app, BrowserWindow, dialog, ipcMain, protocol, session, shell, type WebContents } from 'electron';
import { fileURLToPath } from 'node:url';
import type { PathPurpose, Result } from '../../shared/api.ts';
import { dialogGrants } from '../core/path-access.ts';
import { startServiceHost, type ServiceHost } from '../core/service-host.ts';
import { createWorkspaceSwitcher, type WorkspaceSwitcher } from '../core/workspace-switcher.ts';
import { RENDERER_DIST } from '../core/static-files.ts';
import { IPC_CALL } from '../preload/channel.ts';
import { isAppUrl, isSafeExternalUrl } from './navigation.ts';
import { openDialogOptions, purposeUse, saveDialogOptions, saveUse } from './dialogs.ts';
import { appResponse, mediaResponse } from './protocol-responses.ts';
import { chooseWorkspace, demoWorkspaceFile, recentWorkspaces } from './recent.ts';
import { APP_ENTRY, APP_SCHEME, MEDIA_SCHEME, windowOptions } from './window-options.ts';

const PRELOAD = fileURLToPath(new URL('./preload.cjs', import.meta.url));
const SERVICE_WORKER = fileURLToPath(new URL('./service-worker.mjs', import.meta.url));

// Privileged schemes must be registered before the app is ready. app:// is a standard, secure origin (so the CSP,
// relative URLs and fetch behave as on https); media:// streams, so <video> can seek with Range requests.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
]);

/** The open workspace's service; the page can switch it to another workspace (openWorkspace). */
let host: WorkspaceSwitcher | null = null;
let mainWindow: BrowserWindow | null = null;

/** Every web contents (the window, and anything that should never exist: popups, webviews) is locked down. */
function harden(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  // The page holds back closing while changes wait to be saved (the workspace busy with another program's write).
  // Electron would keep the window open without a word: ask, and close only if the user says so.
  contents.on('will-prevent-unload', (event) => {
    const owner = BrowserWindow.fromWebContents(contents);
    const options = {
      type: 'warning' as const,
      buttons: ['Keep open', 'Close anyway'],
      defaultId: 0,
      cancelId: 0,
      message: 'Some changes are not saved yet',
      detail: 'The workspace is busy: another program is writing to it. cotscope sends your changes again until they are saved. Closing now loses them.',
    };
    const choice = owner ? dialog.showMessageBoxSync(owner, options) : dialog.showMessageBoxSync(options);
    if (choice === 1) event.preventDefault(); // preventDefault here lets the page close after all
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

async function openFirstWorkspace(): Promise<ServiceHost> {
  const userData = app.getPath('userData');
  const choice = chooseWorkspace(userData);
  try {
    return await startServiceHost(choice.file, { demoIfMissing: choice.demo, workerScript: SERVICE_WORKER });
  } catch (err) {
    if (choice.demo) throw err;
    // The most recent workspace cannot be opened (moved, damaged, from a newer cotscope): say so, open the demo.
    dialog.showErrorBox('cotscope', `${choice.file} cannot be opened:\n${(err as Error).message}\n\nOpening the demo workspace instead.`);
    return startServiceHost(demoWorkspaceFile(userData), { demoIfMissing: true, workerScript: SERVICE_WORKER });
  }
}

function createWindow(): void {
  const win = new BrowserWindow(windowOptions(PRELOAD));
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  void win.loadURL(APP_ENTRY);
  mainWindow = win;
}

async function start(): Promise<void> {
  await app.whenReady();

  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);

  protocol.handle(APP_SCHEME, (request) => appResponse(request.url, RENDERER_DIST, request.method));
  protocol.handle(MEDIA_SCHEME, (request) =>
    mediaResponse(request.url, request.headers.get('range'), request.method, (id) =>
      host ? host.mediaFile(id) : Promise.reject(new Error('no workspace is open')),
    ),
  );

  ipcMain.handle(IPC_CALL, async (event, method: unknown, input: unknown): Promise<Result<unknown>> => {
    // Electron security checklist 17: answer only our own page, never a frame that got elsewhere.
    const frame = event.senderFrame;
    if (!frame || !isAppUrl(frame.url)) {
      return { ok: false, error: { code: 'unauthorized', message: 'IPC from an unexpected sender is refused' } };
    }
    if (typeof method !== 'string') return { ok: false, error: { code: 'invalid_input', message: 'the method name must be a string' } };
    if (!host) return { ok: false, error: { code: 'internal', message: `${method}: no workspace is open` } };
    return host.call(method, input);
  });

  let first: ServiceHost;
  try {
    first = await openFirstWorkspace();
  } catch (err) {
    dialog.showErrorBox('cotscope', `The workspace cannot be opened:\n${(err as Error).message}`);
    app.exit(1);
    return;
  }
  // Paths are capabilities: the page may use a path only if one of these dialogs returned it in this session (for
  // what it was asked for), or it is a recent workspace. main keeps the grants; the page cannot add to them.
  const grants = dialogGrants();
  host = createWorkspaceSwitcher(first, {
    start: (file, { create }) => startServiceHost(file, { create, workerScript: SERVICE_WORKER }),
    recent: recentWorkspaces(app.getPath('userData')),
    access: grants,
    dialogs: {
      // Where to save: an export (a dataset folder is named like a file: it is created) or a new workspace. The
      // dialog asks before replacing a file; the grant is good for one export.
      async save(suggested, purpose, folder) {
        const options = saveDialogOptions(suggested, purpose, folder);
        const r = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options);
        if (r.canceled || !r.filePath) return null;
        grants.grant(r.filePath, saveUse(purpose, folder));
        return r.filePath;
      },
      async open(purpose: PathPurpose, multiple: boolean) {
        const options = openDialogOptions(purpose, multiple);
        const r = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
        if (r.canceled || r.filePaths.length === 0) return null;
        for (const p of r.filePaths) grants.grant(p, purposeUse(purpose));
        return r.filePaths;
      },
    },
  });
  createWindow();
}

if (!app.requestSingleInstanceLock()) {
  // A second start (double-clicked twice): the first instance owns the workspace; focus its window instead.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });
  app.on('web-contents-created', (_event, contents) => harden(contents));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (host && BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  // Close the workspace cleanly (WAL checkpoint, no stray -wal files) before the process goes.
  app.on('before-quit', (event) => {
    if (!host) return;
    event.preventDefault();
    const closing = host;
    host = null;
    void closing.close().finally(() => app.quit());
  });
  start().catch((err: unknown) => {
    dialog.showErrorBox('cotscope', `cotscope could not start:\n${(err as Error).stack ?? err}`);
    app.exit(1);
  });
}
