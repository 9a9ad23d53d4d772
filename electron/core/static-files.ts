// Finds the file of the built renderer (renderer/dist) that a URL path names, for both shells: browser mode's HTTP
// server and Electron's app:// protocol. Paths are decoded once, must stay inside the directory after symlinks are
// resolved, and only regular files are served.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** renderer/dist: where `npm run build:renderer` writes the renderer. */
export const RENDERER_DIST = fileURLToPath(new URL('../../renderer/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
};

export function staticContentType(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type StaticResult =
  | { status: 200; file: string; size: number; contentType: string }
  | { status: 400 | 403 | 404; message: string }
  /** The renderer has not been built: there is no such directory. */
  | { status: 503; message: string };

function inside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== '' && rel !== '..' && !rel.startsWith('..' + path.sep) && !path.isAbsolute(rel);
}

/**
 * Resolves a URL path (`/`, `/assets/index-abc.js`, still percent-encoded) to a file in `dir`. `/` and any path
 * ending in `/` mean that folder's index.html.
 */
export async function resolveStatic(dir: string, urlPath: string): Promise<StaticResult> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { status: 400, message: 'malformed URL path' };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { status: 400, message: 'malformed URL path' };
  if (!decoded.startsWith('/')) decoded = '/' + decoded;
  if (decoded.endsWith('/')) decoded += 'index.html';
  // Segments like `..` are refused rather than resolved: no legitimate asset URL has them.
  if (decoded.split('/').some((seg) => seg === '..' || seg === '.')) return { status: 403, message: 'path outside the renderer' };
  let realDir: string;
  try {
    realDir = await fs.promises.realpath(dir);
  } catch {
    return { status: 503, message: 'the renderer is not built' };
  }
  const wanted = path.join(realDir, ...decoded.split('/').filter(Boolean));
  if (!inside(wanted, realDir)) return { status: 403, message: 'path outside the renderer' };
  let real: string;
  try {
    real = await fs.promises.realpath(wanted);
  } catch {
    return { status: 404, message: 'not found' };
  }
  if (!inside(real, realDir)) return { status: 403, message: 'path outside the renderer' };
  const stat = await fs.promises.stat(real).catch(() => null);
  if (!stat || !stat.isFile()) return { status: 404, message: 'not found' };
  return { status: 200, file: real, size: stat.size, contentType: staticContentType(real) };
}

/** What `/` shows when renderer/dist is missing, so a fresh checkout explains itself instead of answering 404. */
export const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cotscope</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 4em auto; line-height: 1.5">
<h1>cotscope</h1>
<p>The user interface has not been built yet. Run <code>npm run build:renderer</code> in the cotscope folder, then
reload this page. The API under <code>/api/</code> works meanwhile.</p>
</body></html>
`;
