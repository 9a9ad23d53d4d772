// The answers of the app:// and media:// protocols as web Responses (what protocol.handle wants). No electron import:
// Node has Response too, so these are unit-tested; main.ts only wires them in.
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { resolveMedia, type MediaFile } from '../core/media.ts';
import { NOT_BUILT_PAGE, resolveStatic } from '../core/static-files.ts';
import { APP_CSP, APP_HOST, MEDIA_SCHEME } from './window-options.ts';

const COMMON = { 'X-Content-Type-Options': 'nosniff' };

function text(status: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(message + '\n', { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...COMMON, ...headers } });
}

function body(method: string, open: () => Readable): BodyInit | null {
  return method === 'HEAD' ? null : (Readable.toWeb(open()) as unknown as ReadableStream<Uint8Array>);
}

/** app://app/<path>: a file of the built renderer, with the CSP as a response header. */
export async function appResponse(requestUrl: string, rendererDir: string, method = 'GET'): Promise<Response> {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return text(400, 'bad URL');
  }
  if (url.host !== APP_HOST) return text(404, 'not found');
  if (method !== 'GET' && method !== 'HEAD') return text(405, 'method not allowed', { Allow: 'GET, HEAD' });
  const headers = { ...COMMON, 'Content-Security-Policy': APP_CSP };
  const r = await resolveStatic(rendererDir, url.pathname);
  if (r.status === 503) {
    if (url.pathname === '/' || url.pathname === '/index.html') {
      return new Response(method === 'HEAD' ? null : NOT_BUILT_PAGE, { status: 200, headers: { ...headers, 'Content-Type': 'text/html; charset=utf-8' } });
    }
    return text(404, 'not found', headers);
  }
  if (r.status !== 200) return text(r.status, r.message, headers);
  return new Response(body(method, () => fs.createReadStream(r.file)), {
    status: 200,
    headers: { ...headers, 'Content-Type': r.contentType, 'Content-Length': String(r.size) },
  });
}

/** media://media/<id>: a video or image by database id, answering Range requests (200 / 206 / 416). */
export async function mediaResponse(
  requestUrl: string,
  rangeHeader: string | null,
  method: string,
  lookup: (id: number) => Promise<MediaFile | null>,
): Promise<Response> {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return text(400, 'bad URL');
  }
  if (url.protocol !== `${MEDIA_SCHEME}:` || url.host !== 'media') return text(404, 'no such media');
  if (method !== 'GET' && method !== 'HEAD') return text(405, 'method not allowed', { Allow: 'GET, HEAD' });
  const m = /^\/([1-9][0-9]{0,14})$/.exec(url.pathname);
  if (!m) return text(404, 'no such media');
  let file: MediaFile | null;
  try {
    file = await lookup(Number(m[1]));
  } catch (err) {
    return text(500, (err as Error).message);
  }
  const r = await resolveMedia(file, rangeHeader);
  if ('message' in r) return text(r.status, r.message, r.headers);
  return new Response(body(method, r.open), { status: r.status, headers: { ...COMMON, ...r.headers, 'Cache-Control': 'no-store' } });
}
