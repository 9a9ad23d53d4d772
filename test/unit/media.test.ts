import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mediaContentType, parseRange, resolveMedia, type MediaResult } from '../../electron/core/media.ts';

let dir: string;
let root: string;
const BYTES = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));

async function body(r: MediaResult): Promise<Buffer> {
  if (r.status !== 200 && r.status !== 206) throw new Error(`status ${r.status}`);
  const chunks: Buffer[] = [];
  for await (const c of r.open() as Readable) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-media-'));
  root = path.join(dir, 'root');
  fs.mkdirSync(path.join(root, 'videos', 'EpicKitchens'), { recursive: true });
  fs.mkdirSync(path.join(root, 'images', 'Ego4D'), { recursive: true });
  fs.writeFileSync(path.join(root, 'videos', 'EpicKitchens', '2051.mp4'), BYTES);
  fs.writeFileSync(path.join(root, 'images', 'Ego4D', '115.png'), 'png');
  fs.writeFileSync(path.join(root, 'images', 'Ego4D', 'empty.jpg'), '');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'outside the data root');
  fs.symlinkSync(path.join(dir, 'secret.txt'), path.join(root, 'videos', 'EpicKitchens', 'escape.mp4'));
  fs.symlinkSync(path.join(root, 'videos', 'EpicKitchens', '2051.mp4'), path.join(root, 'videos', 'inside-link.mp4'));
  fs.symlinkSync(root, path.join(dir, 'root-link'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const video = { path: 'videos/EpicKitchens/2051.mp4', root: '' };
const at = (r = root) => ({ ...video, root: r });

describe('parseRange', () => {
  it('reads every range form and clamps the end', () => {
    expect(parseRange('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 });
    expect(parseRange('bytes=500-', 1000)).toEqual({ start: 500, end: 999 });
    expect(parseRange('bytes=-100', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange('bytes=-5000', 1000)).toEqual({ start: 0, end: 999 });
    expect(parseRange('bytes=990-5000', 1000)).toEqual({ start: 990, end: 999 });
    expect(parseRange('Bytes = 1 - 2', 1000)).toEqual({ start: 1, end: 2 });
    expect(parseRange('bytes=0-0', 1000)).toEqual({ start: 0, end: 0 });
  });

  it('serves the first satisfiable range of a multi-range request', () => {
    expect(parseRange('bytes=0-9, 20-29', 1000)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=5000-6000, 10-19', 1000)).toEqual({ start: 10, end: 19 });
  });

  it('ignores a missing, foreign or malformed header (whole file)', () => {
    for (const h of [undefined, null, '', 'items=0-1', 'bytes=', 'bytes=abc', 'bytes=5-1', 'bytes=-', 'bytes=1-2-3', 'bytes=0-9,x']) {
      expect(parseRange(h, 1000), String(h)).toBeNull();
    }
  });

  it('finds ranges that start past the end unsatisfiable', () => {
    expect(parseRange('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(parseRange('bytes=1000-2000', 1000)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 1000)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-', 0)).toBe('unsatisfiable');
    expect(parseRange('bytes=99999999999999999999999-', 1000)).toBe('unsatisfiable');
  });
});

describe('resolveMedia', () => {
  it('serves the whole file with 200 and the right headers', async () => {
    const r = await resolveMedia(at(), undefined);
    expect(r.status).toBe(200);
    expect(r.headers).toMatchObject({ 'Content-Type': 'video/mp4', 'Accept-Ranges': 'bytes', 'Content-Length': '1000' });
    expect(r.headers['Content-Range']).toBeUndefined();
    expect((await body(r)).equals(BYTES)).toBe(true);
  });

  it('serves exactly the requested bytes with 206 and Content-Range', async () => {
    for (const [h, start, end] of [
      ['bytes=10-19', 10, 19],
      ['bytes=990-', 990, 999],
      ['bytes=-7', 993, 999],
      ['bytes=995-100000', 995, 999],
    ] as const) {
      const r = await resolveMedia(at(), h);
      expect(r.status, h).toBe(206);
      expect(r.headers['Content-Range'], h).toBe(`bytes ${start}-${end}/1000`);
      expect(r.headers['Content-Length'], h).toBe(String(end - start + 1));
      expect((await body(r)).equals(BYTES.subarray(start, end + 1)), h).toBe(true);
    }
  });

  it('answers 200 for a malformed Range and 416 for one past the end', async () => {
    expect((await resolveMedia(at(), 'bytes=9-1')).status).toBe(200);
    const r = await resolveMedia(at(), 'bytes=1000-');
    expect(r.status).toBe(416);
    expect(r.headers['Content-Range']).toBe('bytes */1000');
  });

  it('serves an empty file whole, and refuses any range of it', async () => {
    const empty = { path: 'images/Ego4D/empty.jpg', root };
    const r = await resolveMedia(empty, null);
    expect(r.status).toBe(200);
    expect(r.headers['Content-Length']).toBe('0');
    expect((await body(r)).length).toBe(0);
    expect((await resolveMedia(empty, 'bytes=0-')).status).toBe(416);
  });

  it('names the content type from the extension', async () => {
    expect(mediaContentType('a/b.mp4')).toBe('video/mp4');
    expect(mediaContentType('b.WEBM')).toBe('video/webm');
    expect(mediaContentType('b.png')).toBe('image/png');
    expect(mediaContentType('b.jpg')).toBe('image/jpeg');
    expect(mediaContentType('b.jpeg')).toBe('image/jpeg');
    expect(mediaContentType('b.bin')).toBe('application/octet-stream');
    const r = await resolveMedia({ path: 'images/Ego4D/115.png', root }, null);
    expect(r.headers['Content-Type']).toBe('image/png');
  });

  it('accepts an absolute path inside the root', async () => {
    expect((await resolveMedia({ path: path.join(root, video.path), root }, null)).status).toBe(200);
  });

  it('refuses a relative path that climbs out of the root with 403, whether or not the target exists', async () => {
    expect((await resolveMedia({ path: '../secret.txt', root }, null)).status).toBe(403);
    expect((await resolveMedia({ path: 'videos/../../secret.txt', root }, null)).status).toBe(403);
    expect((await resolveMedia({ path: '../../../../etc/passwd', root }, null)).status).toBe(403);
    expect((await resolveMedia({ path: '../nothing-here', root }, null)).status).toBe(403);
    expect((await resolveMedia({ path: path.join(dir, 'secret.txt'), root }, null)).status).toBe(403);
  });

  it('refuses a symlink inside the root that points outside it with 403', async () => {
    const r = await resolveMedia({ path: 'videos/EpicKitchens/escape.mp4', root }, null);
    expect(r.status).toBe(403);
  });

  it('serves only videos and images: any other file inside the root, or a .mp4 link to one, is refused with 403', async () => {
    fs.mkdirSync(path.join(root, 'annotations'), { recursive: true });
    fs.writeFileSync(path.join(root, 'annotations', 'validation_L1.jsonl'), '{"sample_id":1}\n');
    fs.writeFileSync(path.join(root, 'workspace.db'), 'SQLite format 3');
    fs.symlinkSync(path.join(root, 'workspace.db'), path.join(root, 'videos', 'db-link.mp4'));
    for (const p of ['annotations/validation_L1.jsonl', 'workspace.db', 'videos/db-link.mp4']) {
      const r = await resolveMedia({ path: p, root }, null);
      expect(r.status, p).toBe(403);
      expect('message' in r && r.message, p).toBe('media path is not a video or image');
    }
  });

  it('follows a symlink that stays inside the root', async () => {
    const r = await resolveMedia({ path: 'videos/inside-link.mp4', root }, 'bytes=0-3');
    expect(r.status).toBe(206);
    expect((await body(r)).equals(BYTES.subarray(0, 4))).toBe(true);
  });

  it('serves from a data root that is itself a symlink', async () => {
    const r = await resolveMedia(at(path.join(dir, 'root-link')), 'bytes=-10');
    expect(r.status).toBe(206);
    expect((await body(r)).equals(BYTES.subarray(990))).toBe(true);
  });

  it('answers 404 for a missing file, a directory, a missing root and an unknown id', async () => {
    expect((await resolveMedia({ path: 'videos/EpicKitchens/404.mp4', root }, null)).status).toBe(404);
    expect((await resolveMedia({ path: 'videos/EpicKitchens', root }, null)).status).toBe(404);
    expect((await resolveMedia({ path: 'videos/EpicKitchens/2051.mp4', root: path.join(dir, 'gone') }, null)).status).toBe(404);
    expect((await resolveMedia(null, null)).status).toBe(404);
  });
});
