// Browser mode: the renderer and the same API over HTTP, on localhost by default, for a remote GPU box holding the
// videos (reached through an SSH tunnel) and for end-to-end tests in a real browser.
//
//   POST /api/<method>   JSON body = the method's input → the Result envelope (token required)
//   POST /upload?name=N  a file to import, streamed to the server's staging folder → {ref: "upload:<id>"} (token)
//   GET  /download/<key> a finished export, as an attachment (the random key is the capability: a link cannot carry
//                        the token in a header, and the token stays out of the browser's download list)
//   GET  /media/<id>     a video or image by database id, with Range support (token required; ?token= works, since
//                        media elements cannot set headers)
//   GET  /, /assets/…    the built renderer (renderer/dist); no token: the page reads it from its own URL
//
// No route takes a path from the page: paths reach the service only through the workspace switcher's path gate,
// inside the folders the owner allowed (allowDirs).
//
// node:http is enough for three routes; a framework would add surface without removing any of the checks below.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import yazl from 'yazl';
import { isMethodName, type ApiErrorCode, type Result } from '../../shared/api.ts';
import { CotscopeError } from '../core/errors.ts';
import { mediaContentType, resolveMedia } from '../core/media.ts';
import { allowFolders } from '../core/path-access.ts';
import { recentInMemory } from '../core/recent-workspaces.ts';
import { startServiceHost, type ServiceHostOptions } from '../core/service-host.ts';
import { Staging } from '../core/staging.ts';
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
  /**
   * The folders whose files the page may name (to import, to open or create a workspace in, as a data root); symlinks
   * are resolved. Default: the served workspace's folder on loopback, none on any other interface (uploads only).
   */
  allowDirs?: string[];
  /** The largest upload taken, in bytes (default 16 GiB). */
  maxUploadBytes?: number;
  /** Where the staging folder for uploads and exports goes (default: the system's temporary folder). */
  stagingParent?: string;
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
  /** The folders paths from the page may name (resolved); empty: none. */
  allowedDirs: string[];
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
    throw new CotscopeError('the access token must be non-empty printable ASCII without spaces', 'usage');
  }
  if (isLoopbackHost(host)) return;
  if (token === undefined) {
    throw new CotscopeError(
      `refusing to serve on ${host} without an access token: anyone who can reach that address could read and change ` +
        `the workspace. Give a long secret (at least ${MIN_TOKEN_LENGTH_OFF_LOOPBACK} characters) in COTSCOPE_TOKEN or ` +
        `a file named by --token-file, or keep the default --host 127.0.0.1 and reach it through an SSH tunnel.`,
      'usage',
    );
  }
  if (token.length < MIN_TOKEN_LENGTH_OFF_LOOPBACK) {
    throw new CotscopeError(`the access token must be at least ${MIN_TOKEN_LENGTH_OFF_LOOPBACK} characters when serving on ${host}`, 'usage');
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
  forbidden: 403,
  busy: 503,
  not_found: 404,
  conflict: 409,
  cancelled: 409,
  internal: 500,
};
const DOWNLOAD_KEY = /^[0-9a-f]{64}$/;
const DOWNLOAD_TYPES: Record<string, string> = {
  '.jsonl': 'application/jsonl',
  '.json': 'application/json',
  '.csv': 'text/csv; charset=utf-8',
  '.parquet': 'application/vnd.apache.parquet',
};
/** An upload of gigabytes through an SSH tunnel takes a while: a request may take this long (Node's default is 5 min). */
const REQUEST_TIMEOUT_MS = 4 * 60 * 60 * 1000;

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
  const access = allowFolders(opts.allowDirs ?? (loopbackOnly ? [path.dirname(path.resolve(opts.dbFile))] : []));
  const staging = Staging.create({ parent: opts.stagingParent, maxUploadBytes: opts.maxUploadBytes });

  // Browser mode keeps its recent list in memory, for the server's life: the served workspace, then those opened from the page.
  const hostOptions: ServiceHostOptions = { ...opts.hostOptions, annotator: opts.annotator };
  let first;
  try {
    first = await startServiceHost(opts.dbFile, hostOptions);
  } catch (err) {
    staging.close();
    throw err;
  }
  const service = createWorkspaceSwitcher(first, {
    start: (file, { create }) => startServiceHost(file, { ...hostOptions, create, demoIfMissing: false }),
    recent: recentInMemory(),
    access,
    staging,
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
    // A save refused because another process holds the workspace's write lock: the client may send it again.
    sendJson(res, httpStatusFor(result), result, !result.ok && result.error.code === 'busy' ? { 'Retry-After': '1' } : {});
  }

  async function upload(req: http.IncomingMessage, res: http.ServerResponse, query: URLSearchParams): Promise<void> {
    if (!authorized(req, query)) return sendError(res, 'unauthorized', 'missing or wrong access token (open the URL printed by `cotscope serve`)');
    if (req.method !== 'POST') return sendError(res, 'invalid_input', `${req.method} is not allowed here: upload with POST`, 405, { Allow: 'POST' });
    const name = query.get('name');
    if (!name) return sendError(res, 'invalid_input', 'upload: the file name is required (?name=)');
    const declared = req.headers['content-length'] === undefined ? null : Number(req.headers['content-length']);
    try {
      const value = await staging.receive(name, req, Number.isFinite(declared) ? declared : null);
      sendJson(res, 200, { ok: true, value } satisfies Result<unknown>);
    } catch (err) {
      const e = err as CotscopeError;
      // The rest of a refused body is not read: close the connection after answering.
      if (e.code === 'too_large') return sendError(res, 'invalid_input', e.message, 413, { Connection: 'close' });
      if (e.code === 'no_space') return sendError(res, 'invalid_input', e.message, 507, { Connection: 'close' });
      sendError(res, e.code === 'internal' ? 'internal' : 'invalid_input', e.message ?? String(err), undefined, { Connection: 'close' });
    }
  }

  async function download(req: http.IncomingMessage, res: http.ServerResponse, key: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
    const offered = DOWNLOAD_KEY.test(key) ? staging.download(key) : null;
    if (!offered) return sendText(res, 404, 'no such download (it expires an hour after the export, or when the server stops)');
    const headers: Record<string, string | number> = {
      'Content-Disposition': `attachment; filename="${offered.name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(offered.name)}`,
      'Cache-Control': 'no-store',
    };
    if (!offered.folder) {
      const size = fs.statSync(offered.file).size;
      const type = DOWNLOAD_TYPES[path.extname(offered.name)] ?? 'application/octet-stream';
      res.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': size });
      return sendStream(req, res, () => fs.createReadStream(offered.file));
    }
    // A dataset folder: a zip of its files under the folder's name, streamed as it is made.
    res.writeHead(200, { ...headers, 'Content-Type': 'application/zip' });
    await sendStream(req, res, () => zipFolder(offered.file));
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

  const server = http.createServer({ requestTimeout: REQUEST_TIMEOUT_MS }, async (req, res) => {
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
      if (pathname === '/upload') return await upload(req, res, query);
      if (pathname.startsWith('/download/')) return await download(req, res, pathname.slice('/download/'.length));
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
    staging.close();
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
    allowedDirs: access.folders(),
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await service.close();
        staging.close();
      })();
      return closing;
    },
  };
}

/** A folder as a zip stream: its files under the folder's own name (Parquet is stored, already compressed). */
function zipFolder(dir: string): Readable {
  const zip = new yazl.ZipFile();
  const top = path.basename(dir);
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(r);
      else if (entry.isFile()) zip.addFile(path.join(dir, r), `${top}/${r}`, { compress: !entry.name.endsWith('.parquet') });
    }
  };
  walk('');
  zip.end();
  return zip.outputStream as Readable;
}
