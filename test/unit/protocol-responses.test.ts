// The app:// and media:// protocol answers of the Electron window, as web Responses (Node has them too).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appResponse, mediaResponse } from '../../electron/main/protocol-responses.ts';
import { APP_CSP } from '../../electron/main/window-options.ts';

let dir: string;
let dist: string;
let root: string;
const VIDEO = Buffer.from(Array.from({ length: 300 }, (_, i) => i % 256));

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-proto-'));
  dist = path.join(dir, 'dist');
  root = path.join(dir, 'root');
  fs.mkdirSync(path.join(dist, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>cotscope</title>');
  fs.writeFileSync(path.join(dist, 'assets', 'index-abc.js'), 'console.log(1)');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'secret');
  fs.mkdirSync(path.join(root, 'videos'), { recursive: true });
  fs.writeFileSync(path.join(root, 'videos', 'a.mp4'), VIDEO);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('app://', () => {
  it('serves index.html for / with the CSP header', async () => {
    const r = await appResponse('app://app/', dist);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(r.headers.get('content-security-policy')).toBe(APP_CSP);
    expect(await r.text()).toContain('<title>cotscope</title>');
  });

  it('serves assets with their content type', async () => {
    const r = await appResponse('app://app/assets/index-abc.js', dist);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await r.text()).toBe('console.log(1)');
  });

  it('never leaves the renderer folder', async () => {
    for (const url of ['app://app/..%2fsecret.txt', 'app://app/assets/..%2f..%2fsecret.txt', 'app://app/%2e%2e/secret.txt']) {
      const r = await appResponse(url, dist);
      expect([400, 403, 404], url).toContain(r.status);
      expect(await r.text()).not.toContain('secret\n');
    }
    expect((await appResponse('app://other/index.html', dist)).status).toBe(404);
    expect((await appResponse('app://app/missing.js', dist)).status).toBe(404);
    expect((await appResponse('app://app/', dist, 'POST')).status).toBe(405);
  });

  it('explains how to build the renderer when it is missing', async () => {
    const r = await appResponse('app://app/', path.join(dir, 'no-dist'));
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('npm run build:renderer');
  });
});

describe('media://', () => {
  const lookup = async (id: number) => (id === 7 ? { path: 'videos/a.mp4', root } : id === 8 ? { path: '../secret.txt', root } : null);

  it('serves a video whole, and a Range with 206', async () => {
    const whole = await mediaResponse('media://media/7', null, 'GET', lookup);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('video/mp4');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer()).equals(VIDEO)).toBe(true);

    const part = await mediaResponse('media://media/7', 'bytes=100-199', 'GET', lookup);
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 100-199/300');
    expect(Buffer.from(await part.arrayBuffer()).equals(VIDEO.subarray(100, 200))).toBe(true);

    expect((await mediaResponse('media://media/7', 'bytes=300-', 'GET', lookup)).status).toBe(416);
  });

  it('answers by id only: unknown ids and non-ids are 404, escapes 403', async () => {
    expect((await mediaResponse('media://media/9', null, 'GET', lookup)).status).toBe(404);
    expect((await mediaResponse('media://media/..%2fsecret.txt', null, 'GET', lookup)).status).toBe(404);
    expect((await mediaResponse('media://media/7abc', null, 'GET', lookup)).status).toBe(404);
    expect((await mediaResponse('media://other/7', null, 'GET', lookup)).status).toBe(404);
    expect((await mediaResponse('media://media/8', null, 'GET', lookup)).status).toBe(403);
    expect((await mediaResponse('media://media/7', null, 'POST', lookup)).status).toBe(405);
  });
});
