// Browser mode: the renderer and the same API over HTTP, on localhost by default, for a remote GPU box holding the
// videos (reached through an SSH tunnel) and for end-to-end tests in a real browser.
//
//   POST /api/<method>   JSON body = the method's input → the Result envelope (token required)
//   GET  /media/<id>     a video or image by database id, with Range support (token required; ?token= works, since
//                        media elements cannot set headers)
//   GET  /, /assets/…    the built renderer (renderer/dist); no token: the page reads it from its own URL
//
// node:http is enough for three routes; a framework would add surface without removing any of the checks below.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { isMethodName, type ApiErrorCode, type Result } from '../../shared/api.ts';
import { CotscopeError } from '../core/errors.ts';
import { resolveMedia } from '../core/media.ts';
import { recentInMemory } from '../core/recent-workspaces.ts';
import { startServiceHost, type ServiceHostOptions } from '../core/service-host.ts';
import { createWorkspaceSwitcher } from '../core/workspace-switcher.ts';
import { NOT_BUILT_PAGE, RENDERER_DIST, resolveStatic } from '../core/static-files.ts';
import { contentSecurityPolicy } from '../../shared/csp.ts';

// font-src admits data: fonts because video.js's stylesheet embeds its icon font as one; fonts cannot run code.
export const BROWSER_CSP = contentSecurityPolicy();

/** Request bodies larger than this are refused with 413 (API inputs are small: ids, filters, a note). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** An oversized body up to this size is read and dropped so the client sees the 413; beyond it the socket is cut. */
const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;
const TOKEN_HEADER = 'x-cotscope-token';
const MIN_TOKEN_LENGTH_OFF_LOOPBACK = 16;

export interface ServerOptions {
  /** The workspace file to start on; it must exist. The page can switch to another (openWorkspace). */
  dbFile: string;
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; 127.0.0.1 unless told otherwise. Anything but loopback needs an explicit token. */
  host?: string;
  /** The access token; a random 32-byte hex string unless given. */
  token?: string;
  annotator?: string;
  /** Where the built renderer is (default renderer/dist). */
  rendererDir?: string;
  /** Passed to the service host (tests use it). */
  hostOptions?: Omit<ServiceHostOptions, 'annotator'>;
}

export interface RunningServer {
  /** The page to open, token included: http://127.0.0.1:PORT/?token=… */
  url: string;
  /** The origin alone: http://127.0.0.1:PORT */
  origin: string;
  token: string;
  host: string;
  port: number;
  /** The open workspace file (absolute). */
  readonly workspace: string;
  /** Stops listening, ends open connections, then closes the workspace cleanly. */
  close(): Promise<void>;
}

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}

/** Refuses a configuration that would expose the workspace: a non-loopback bind needs a deliberate, long token. */
export function checkExposure(host: string, token: string | undefined): void {
  if (token !== undefined && !/^[\x21-\x7e]+$/.test(token)) {
    throw new CotscopeError('--token must be non-empty printable ASCII without spaces', 'usage');
  }
  if (isLoopbackHost(host)) return;
  if (token === undefined) {
    throw new CotscopeError(
      `refusing to serve on ${host} without --token: anyone who can reach that address could read and change the ` +
        `workspace. Pass --token with a long secret (at least ${MIN_TOKEN_LENGTH_OFF_LOOPBACK} characters), or keep the ` +
        `default --host 127.0.0.1 and reach it through an SSH tunnel.`,
      'usage',
    );
  }
  if (token.length < MIN_TOKEN_LENGTH_OFF_LOOPBACK) {
    throw new CotscopeError(`--token must be at least ${MIN_TOKEN_LENGTH_OFF_LOOPBACK} characters when serving on ${host}`, 'usage');
  }
}

/** Constant-time comparison (both sides hashed first so their lengths match). */
function tokenMatches(given: string | null | undefined, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(token).digest();
  return crypto.timingSafeEqual(a, b);
}

const STATUS: Record<ApiErrorCode, number> = {
  invalid_input: 400,
  unauthorized: 401,
  not_found: 404,
  conflict: 409,
  cancelled: 409,
  internal: 500,
};

export function httpStatusFor(result: Result<unknown>): number {
  return result.ok ? 200 : (STATUS[result.error.code] ?? 500);
}

function setSecurityHeaders(res: http.ServerResponse): void {
  res.setHeader('Content-Security-Policy', BROWSER_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

function sendText(res: http.ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  const body = Buffer.from(text + '\n');
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length, 'Cache-Control': 'no-store', ...headers });
  res.end(body);
}

function sendJson(res: http.ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length, 'Cache-Control': 'no-store', ...headers });
  res.end(body);
}

function sendError(res: http.ServerResponse, code: ApiErrorCode, message: string, status = STATUS[code], headers: Record<string, string> = {}): void {
  sendJson(res, status, { ok: false, error: { code, message } } satisfies Result<never>, headers);
}

async function sendStream(req: http.IncomingMessage, res: http.ServerResponse, open: () => Readable): Promise<void> {
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  try {
    await pipeline(open(), res);
  } catch {
    // The client went away mid-stream (a <video> seeking aborts its previous range request all the time).
    res.destroy();
  }
}

type Body = { ok: true; data: Buffer } | { ok: false; status: 413 };

/**
 * Reads a request body of at most `limit` bytes. A moderately oversized body is read to its end and dropped, so the
 * client reads the 413 rather than a connection reset; a huge one (declared or sent) is cut off.
 */
function readBody(req: http.IncomingMessage, limit: number): Promise<Body> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > DRAIN_LIMIT_BYTES) return resolve({ ok: false, status: 413 });
    const chunks: Buffer[] = [];
    let size = 0;
    let over = Number.isFinite(declared) && declared > limit;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > DRAIN_LIMIT_BYTES) return void req.destroy();
      if (size > limit) over = true;
      if (!over) chunks.push(c);
    });
    req.on('end', () => resolve(over ? { ok: false, status: 413 } : { ok: true, data: Buffer.concat(chunks) }));
    req.on('close', () => resolve({ ok: false, status: 413 })); // no-op if 'end' came first
    req.on('error', reject);
  });
}

function isJsonContentType(value: string | undefined): boolean {
  if (!value) return false;
  return value.split(';')[0].trim().toLowerCase() === 'application/json';
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const bindHost = opts.host ?? '127.0.0.1';
  checkExposure(bindHost, opts.token);
  const token = opts.token ?? crypto.randomBytes(32).toString('hex');
  const rendererDir = opts.rendererDir ?? RENDERER_DIST;
  const loopbackOnly = isLoopbackHost(bindHost);

  // Browser mode keeps its recent list in memory, for the server's life: the served workspace, then those opened from the page.
  const hostOptions: ServiceHostOptions = { ...opts.hostOptions, annotator: opts.annotator };
  const service = createWorkspaceSwitcher(await startServiceHost(opts.dbFile, hostOptions), {
    start: (file, { create }) => startServiceHost(file, { ...hostOptions, create, demoIfMissing: false }),
    recent: recentInMemory(),
  });

  const authorized = (req: http.IncomingMessage, query: URLSearchParams): boolean => {
    const header = req.headers[TOKEN_HEADER];
    return tokenMatches(Array.isArray(header) ? header[0] : header, token) || tokenMatches(query.get('token'), token);
  };

  async function api(req: http.IncomingMessage, res: http.ServerResponse, name: string, query: URLSearchParams): Promise<void> {
    if (!authorized(req, query)) return sendError(res, 'unauthorized', 'missing or wrong access token (open the URL printed by `cotscope serve`)');
    if (req.method !== 'POST') return sendError(res, 'invalid_input', `${req.method} is not allowed here: call API methods with POST`, 405, { Allow: 'POST' });
    if (!isMethodName(name)) return sendError(res, 'not_found', `unknown method \`${name.slice(0, 100)}\``);
    if (!isJsonContentType(req.headers['content-type'])) {
      return sendError(res, 'invalid_input', `${name}: the body must be JSON (Content-Type: application/json)`, 415);
    }
    const body = await readBody(req, MAX_BODY_BYTES);
    if (!body.ok) return sendError(res, 'invalid_input', `${name}: the body is larger than ${MAX_BODY_BYTES} bytes`, 413, { Connection: 'close' });
    let input: unknown = undefined;
    if (body.data.length > 0) {
      try {
        input = JSON.parse(body.data.toString('utf8'));
      } catch {
        return sendError(res, 'invalid_input', `${name}: the body is not valid JSON`);
      }
    }
    const result = await service.call(name, input);
    sendJson(res, httpStatusFor(result), result);
  }

  async function media(req: http.IncomingMessage, res: http.ServerResponse, rest: string, query: URLSearchParams): Promise<void> {
    if (!authorized(req, query)) return sendText(res, 401, 'missing or wrong access token');
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
    // Only a database id, never a path: anything else (`..%2f..`, `12abc`, `-1`) is simply not a media id.
    if (!/^[1-9][0-9]{0,14}$/.test(rest)) return sendText(res, 404, 'no such media');
    const file = await service.mediaFile(Number(rest));
    const r = await resolveMedia(file, req.headers.range);
    if ('message' in r) return sendText(res, r.status, r.message, r.headers);
    res.writeHead(r.status, { ...r.headers, 'Cache-Control': 'no-store' });
    await sendStream(req, res, r.open);
  }

  async function renderer(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
    const r = await resolveStatic(rendererDir, pathname);
    if (r.status === 503) {
      if (pathname === '/' || pathname === '/index.html') {
        const body = Buffer.from(NOT_BUILT_PAGE);
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': body.length, 'Cache-Control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : body);
        return;
      }
      return sendText(res, 404, 'not found');
    }
    if (r.status !== 200) return sendText(res, r.status, r.message);
    res.writeHead(200, {
      'Content-Type': r.contentType,
      'Content-Length': r.size,
      // index.html is re-read on every load so a rebuilt renderer shows at once; hashed assets may be revalidated.
      'Cache-Control': r.contentType.startsWith('text/html') ? 'no-store' : 'no-cache',
    });
    await sendStream(req, res, () => fs.createReadStream(r.file));
  }

  const server = http.createServer(async (req, res) => {
    setSecurityHeaders(res);
    try {
      // A page on another site that rebinds its DNS name to 127.0.0.1 still sends its own Host: refuse it (defence
      // in depth: it has no token either). The port is not checked, so SSH tunnels to another local port work.
      if (loopbackOnly) {
        const hostHeader = (req.headers.host ?? '').replace(/:\d+$/, '');
        if (!isLoopbackHost(hostHeader)) return sendText(res, 403, 'unexpected Host header');
      }
      const raw = req.url ?? '/';
      const q = raw.indexOf('?');
      const pathname = q === -1 ? raw : raw.slice(0, q);
      const query = new URLSearchParams(q === -1 ? '' : raw.slice(q + 1));
      if (pathname.startsWith('/api/')) return await api(req, res, pathname.slice('/api/'.length), query);
      if (pathname === '/api') return sendError(res, 'not_found', 'unknown method ``');
      if (pathname.startsWith('/media/')) return await media(req, res, pathname.slice('/media/'.length), query);
      return await renderer(req, res, pathname);
    } catch (err) {
      if (!res.headersSent) sendError(res, 'internal', err instanceof Error ? err.message : String(err));
      else res.destroy();
    }
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, bindHost, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await service.close();
    throw new CotscopeError(`cannot listen on ${bindHost}:${opts.port ?? 0}: ${(err as Error).message}`, 'listen');
  }

  const port = (server.address() as AddressInfo).port;
  const shownHost = bindHost === '0.0.0.0' || bindHost === '::' ? os.hostname() : bindHost;
  const origin = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;
  let closing: Promise<void> | null = null;
  return {
    url: `${origin}/?token=${encodeURIComponent(token)}`,
    origin,
    token,
    host: bindHost,
    port,
    get workspace() {
      return service.workspace;
    },
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await service.close();
      })();
      return closing;
    },
  };
}
