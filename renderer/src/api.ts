// The one typed client. Under Electron the preload exposes `window.cotscope`; in browser mode (`cotscope serve`) the
// same methods are POSTed to /api/<method>. The UI never knows which. Every error envelope goes to the notifications
// store (the one visible error path) and is also thrown, so the caller's action can stop.
import type { Input, MethodName, Output, Result, ApiErrorCode } from '../../shared/api.ts';
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

/** Read once from `?token=` of the page URL, then kept for the tab's life (reloads, hash navigation). */
function readToken(): string | null {
  try {
    const fromUrl = new URLSearchParams(window.location.search).get('token');
    if (fromUrl) {
      sessionStorage.setItem(TOKEN_KEY, fromUrl);
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
  try {
    return (await res.json()) as Result<unknown>;
  } catch {
    const code: ApiErrorCode = res.status === 401 || res.status === 403 ? 'unauthorized' : 'internal';
    return { ok: false, error: { code, message: `${method}: HTTP ${res.status} ${res.statusText}` } };
  }
}

export interface CallOptions {
  /** Don't raise a toast for these error codes (the caller shows them inline). Errors are still thrown. */
  quiet?: ApiErrorCode[] | true;
}

export async function call<M extends MethodName>(method: M, input: Input<M>, options: CallOptions = {}): Promise<Output<M>> {
  const b = bridge();
  let result: Result<unknown>;
  try {
    result = b ? await b.call(method, input) : await callHttp(method, input);
  } catch (e) {
    result = { ok: false, error: { code: 'internal', message: `${method}: ${(e as Error).message}` } };
  }
  if (result.ok) return result.value as Output<M>;
  const { code, message } = result.error;
  const quiet = options.quiet === true || (Array.isArray(options.quiet) && options.quiet.includes(code));
  if (!quiet) {
    // Every call fails the same way without the token: one toast, not one per method.
    if (code === 'unauthorized') notify('error', 'Not authorized: this page needs the access token.', 'Open the link `cotscope serve` printed (it ends in ?token=…).');
    else notify('error', message);
  }
  throw new ApiError(code, message);
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
