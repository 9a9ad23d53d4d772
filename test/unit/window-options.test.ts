import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isAppUrl, isSafeExternalUrl } from '../../electron/main/navigation.ts';
import { APP_CSP, APP_ENTRY, windowOptions } from '../../electron/main/window-options.ts';
import { BROWSER_CSP } from '../../electron/server/server.ts';

describe('the window', () => {
  it('is isolated, sandboxed, without Node and with web security on', () => {
    const o = windowOptions('/app/out/electron/preload.cjs');
    expect(o.webPreferences).toMatchObject({
      preload: '/app/out/electron/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('loads the renderer from app://, never file://', () => {
    expect(APP_ENTRY).toBe('app://app/index.html');
    expect(isAppUrl(APP_ENTRY)).toBe(true);
  });

  it('has a strict CSP: scripts only from itself, no objects, no framing, media from media://', () => {
    const directives = Object.fromEntries(APP_CSP.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    expect(directives['default-src']).toEqual(["'self'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['base-uri']).toEqual(["'none'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(directives['connect-src']).toEqual(["'self'"]);
    expect(directives['media-src']).toContain('media:');
    expect(directives['img-src']).toContain('media:');
    expect(APP_CSP).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
  });

  it('browser mode sends the same strict CSP (media from its own origin)', () => {
    expect(BROWSER_CSP).toBe(
      "default-src 'self'; font-src 'self' data:; img-src 'self' data: blob:; media-src 'self' blob:; " +
        "style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; " +
        "frame-ancestors 'none'; form-action 'none'",
    );
  });

  it('imports electron only as types (so this test runs without Electron)', () => {
    const src = fs.readFileSync(fileURLToPath(new URL('../../electron/main/window-options.ts', import.meta.url)), 'utf8');
    expect(src).toMatch(/import type \{[^}]*\} from 'electron'/);
    expect(src).not.toMatch(/^import (?!type)[^;]*from 'electron'/m);
  });
});

describe('navigation and IPC senders', () => {
  it('accepts only our own app:// origin', () => {
    expect(isAppUrl('app://app/index.html')).toBe(true);
    expect(isAppUrl('app://app/index.html#/compare?x=1')).toBe(true);
    for (const url of ['app://evil/index.html', 'https://app/index.html', 'file:///app/index.html', 'http://127.0.0.1:5173/',
      'app://user:pw@app/', 'javascript:alert(1)', 'about:blank', '', 'not a url', null, undefined, 42]) {
      expect(isAppUrl(url), String(url)).toBe(false);
    }
  });

  it('lets only plain https links out to the system browser', () => {
    expect(isSafeExternalUrl('https://arxiv.org/abs/2503.24376')).toBe(true);
    for (const url of ['http://arxiv.org/', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'https://user:pw@example.com/',
      'app://app/', 'mailto:a@b.c', 'https://', 'nonsense', null]) {
      expect(isSafeExternalUrl(url), String(url)).toBe(false);
    }
  });
});
