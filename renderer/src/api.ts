// The one typed client. Under Electron the preload exposes `window.cotscope`; in browser mode (`cotscope serve`) the
// same methods are POSTed to /api/<method>. The UI never knows which. Every error envelope goes to the notifications
// store (the one visible error path) and is also thrown, so the caller's action can stop.
//
// Browser mode also moves files: uploadFile sends one to the server (to import it), and an export is a download
// whose URL the job gives (downloadUrl).
import { isSaveMethod, type Input, type MethodName, type Output, type Result, type ApiErrorCode } from '../../shared/api.ts';
import { notify } from './stores/notifications.ts';

interface Bridge {
  call(method: string, input: unknown): Promise<Result<unknown>>;
  mediaUrl(id: number): string;
}

declare global {
  interface Window {
    cotscope?: Bridge;
  }
}

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode | 'network',
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const TOKEN_KEY = 'cotscope.token';

/**
 * Read once from `?token=` of the page URL, then kept for the tab's life (reloads, hash navigation). The token is
 * taken out of the address bar at once, so it stays out of the history, bookmarks and screenshots.
 */
function readToken(): string | null {
  try {
    const url = new URL(window.location.href);
    const fromUrl = url.searchParams.get('token');
    if (fromUrl) {
      sessionStorage.setItem(TOKEN_KEY, fromUrl);
      url.searchParams.delete('token');
      window.history.replaceState(window.history.state, '', `${url.pathname}${url.search}${url.hash}`);
      return fromUrl;
    }
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

const token = typeof window === 'undefined' ? null : readToken();

function bridge(): Bridge | undefined {
  return typeof window === 'undefined' ? undefined : window.cotscope;
}

async function callHttp(method: string, input: unknown): Promise<Result<unknown>> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token) headers['X-Cotscope-Token'] = token;
  let res: Response;
  try {
    res = await fetch(new URL(`api/${method}`, document.baseURI), {
      method: 'POST',
      headers,
      body: JSON.stringify(input ?? {}),
    });
  } catch (e) {
    return { ok: false, error: { code: 'internal', message: `${method}: the cotscope server cannot be reached (${(e as Error).message})` } };
  }
  return readResult(method, res.status, res.statusText, await res.text().catch(() => ''));
}

/** The envelope in a response body; a body that is not one (a proxy's page, a plain-text refusal) becomes an error. */
function readResult(what: string, status: number, statusText: string, body: string): Result<unknown> {
  try {
    const r = JSON.parse(body) as Result<unknown>;
    if (r && typeof r === 'object' && typeof r.ok === 'boolean') return r;
  } catch {
    // not JSON: below
  }
  // Only a bare 401 means the token: a path refusal (forbidden) always comes as an envelope, and a bare 403 (a Host
  // the server does not serve) is shown as the server said it.
  const code: ApiErrorCode = status === 401 ? 'unauthorized' : status === 413 ? 'invalid_input' : 'internal';
  const text = body.trim().split('\n')[0].slice(0, 200);
  return { ok: false, error: { code, message: `${what}: HTTP ${status} ${statusText}${text ? `: ${text}` : ''}` } };
}

export interface CallOptions {
  /** Don't raise a toast for these error codes (the caller shows them inline). Errors are still thrown. */
  quiet?: ApiErrorCode[] | true;
}

async function send(method: string, input: unknown): Promise<Result<unknown>> {
  const b = bridge();
  try {
    return b ? await b.call(method, input) : await callHttp(method, input);
  } catch (e) {
    return { ok: false, error: { code: 'internal', message: `${method}: ${(e as Error).message}` } };
  }
}

export async function call<M extends MethodName>(method: M, input: Input<M>, options: CallOptions = {}): Promise<Output<M>> {
  const result = isSaveMethod(method) ? await save(method, input) : await send(method, input);
  if (result.ok) return result.value as Output<M>;
  throw failed(result.error, options);
}

// ---------- saves while another process writes ----------
//
// A save is refused as `busy` while another process (a run import from the command line, a second app) holds the
// workspace's write lock, and nothing is saved. The change is not dropped: it is sent again until it is saved, and the
// page says it is waiting. Saves go out one at a time, in the order they were made, so a later change never lands
// before an earlier one (a verdict set to yes, then to no, ends at no).

/** Waits between attempts while the workspace stays busy. */
const BUSY_RETRY_MS = [500, 1000, 2000, 3000];
let saves: Promise<unknown> = Promise.resolve();
/** Saves made and not yet answered (sent, waiting their turn, or waiting for the workspace). */
let pendingSaves = 0;
let busySince: number | null = null;

function save(method: string, input: unknown): Promise<Result<unknown>> {
  pendingSaves++;
  const attempt = async (): Promise<Result<unknown>> => {
    for (let n = 0; ; n++) {
      const r = await send(method, input);
      if (r.ok || r.error.code !== 'busy') {
        if (busySince !== null && r.ok) {
          busySince = null;
          notify('success', 'Saved: the workspace is free again, and every change made meanwhile is saved.');
        }
        return r;
      }
      busySince ??= Date.now();
      notify(
        'info',
        'The workspace is busy: another program is writing to it. Your changes are kept and sent again until they are saved.',
        `Waiting since ${new Date(busySince).toLocaleTimeString()}. Keep this page open until they are.`,
      );
      await new Promise((r) => setTimeout(r, BUSY_RETRY_MS[Math.min(n, BUSY_RETRY_MS.length - 1)]));
    }
  };
  const run = saves.then(attempt);
  saves = run.catch(() => undefined);
  return run.finally(() => pendingSaves--);
}

/** Whether changes are still on their way to the workspace (the page asks before it is closed). */
export function hasPendingSaves(): boolean {
  return pendingSaves > 0;
}

if (typeof window !== 'undefined') {
  window.addEventListener('beforeunload', (e) => {
    if (!hasPendingSaves()) return;
    e.preventDefault();
    e.returnValue = '';
  });
}

/** Shows an error (unless the caller shows it itself) and makes the ApiError to throw. */
function failed({ code, message }: { code: ApiErrorCode; message: string }, options: CallOptions): ApiError {
  const quiet = options.quiet === true || (Array.isArray(options.quiet) && options.quiet.includes(code));
  if (!quiet) {
    // Every call fails the same way without the token: one toast, not one per method.
    if (code === 'unauthorized') notify('error', 'Not authorized: this page needs the access token.', 'Open the link `cotscope serve` printed (it ends in ?token=…).');
    // A path the shell does not allow: the message names the field and why; the hint says what is allowed instead.
    else if (code === 'forbidden') notify('error', message, FORBIDDEN_HINT());
    else notify('error', message);
  }
  return new ApiError(code, message);
}

const FORBIDDEN_HINT = () =>
  bridge()
    ? 'Choose files and folders with the Choose… buttons: cotscope uses only what you picked in its dialogs.'
    : 'Upload the file instead, or name one inside the folders this server allows (its owner sets them with --allow-dir).';

/** A file sent to browser mode's server: `ref` (upload:<id>) stands for it where a path is asked for. */
export interface Upload {
  ref: string;
  name: string;
  bytes: number;
}

export interface UploadOptions extends CallOptions {
  /** Aborting it stops the upload (the promise rejects with code `cancelled`). */
  signal?: AbortSignal;
}

/**
 * Sends a file to the server (browser mode only), reporting the bytes sent as they go. XMLHttpRequest rather than
 * fetch: fetch reports no upload progress. Errors are shown and thrown as ApiError, like `call`'s.
 */
export function uploadFile(file: File, onProgress?: (sent: number, total: number) => void, options: UploadOptions = {}): Promise<Upload> {
  const what = `upload ${file.name}`;
  if (bridge()) return Promise.reject(failed({ code: 'invalid_input', message: `${what}: the desktop app reads files where they are (Choose…)` }, options));
  return new Promise<Upload>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const fail = (code: ApiErrorCode, message: string) => reject(failed({ code, message }, code === 'cancelled' ? { quiet: true } : options));
    xhr.open('POST', new URL(`upload?name=${encodeURIComponent(file.name)}`, document.baseURI).toString());
    if (token) xhr.setRequestHeader('X-Cotscope-Token', token);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      const r = readResult(what, xhr.status, xhr.statusText, xhr.responseText);
      if (!r.ok) return fail(r.error.code, r.error.message);
      onProgress?.(file.size, file.size);
      resolve(r.value as Upload);
    };
    // The server answers a refused upload (too large) at once and closes the connection: the browser may see only
    // that, so the error names the likely reasons.
    xhr.onerror = () => fail('internal', `${what}: the upload failed (the server closed the connection: it went away, or the file is larger than it takes)`);
    xhr.onabort = () => fail('cancelled', `${what}: cancelled`);
    if (options.signal) {
      if (options.signal.aborted) return fail('cancelled', `${what}: cancelled`);
      options.signal.addEventListener('abort', () => xhr.abort(), { once: true });
    }
    xhr.send(file);
  });
}

/** A download's URL as the server gives it (relative to the page, `download/<key>`) made absolute. */
export function downloadUrl(relative: string): string {
  return new URL(relative, document.baseURI).toString();
}

/** URL of a video or image, by its database id (never a path). */
export function mediaUrl(id: number): string {
  const b = bridge();
  if (b) return b.mediaUrl(id);
  const q = token ? `?token=${encodeURIComponent(token)}` : '';
  return new URL(`media/${id}${q}`, document.baseURI).toString();
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

/** Swallows an ApiError (already shown as a toast); rethrows anything else so real bugs surface. */
export function shown(e: unknown): void {
  if (!isApiError(e)) throw e;
}
