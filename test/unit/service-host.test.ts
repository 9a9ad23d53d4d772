// The service host's plumbing (correlation, crashes, close) with a stand-in worker; the real worker is exercised
// end to end by test/server/server.test.ts.
import { describe, expect, it } from 'vitest';
import { startServiceHost } from '../../electron/core/service-host.ts';

const STUB = new URL('./service-host-stub.ts', import.meta.url).href;
const start = (db = '/tmp/cotscope-stub.db') => startServiceHost(db, { workerModule: STUB });

describe('service host', () => {
  it('correlates concurrent calls with their answers', async () => {
    const host = await start();
    expect(host.workspace).toBe('/tmp/cotscope-stub.db');
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => host.call(`m${i}`, { i })));
    results.forEach((r, i) => expect(r).toEqual({ ok: true, value: { method: `m${i}`, input: { i } } }));
    expect(await host.mediaFile(1)).toEqual({ path: 'videos/a.mp4', root: '/data' });
    expect(await host.mediaFile(2)).toBeNull();
    await host.close();
  });

  it('answers pending and later calls with an internal error when the worker crashes', async () => {
    const host = await start();
    const pending = host.call('hang', {});
    const crash = host.call('crash', {});
    const media = host.mediaFile(99).catch((e: Error & { code?: string }) => e);
    for (const r of [await pending, await crash]) {
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('internal');
        expect(r.error.message).toMatch(/the workspace service stopped \(crashed: boom\)/);
      }
    }
    const later = await host.call('getSession', {});
    expect(later).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(later.ok || later.error.message).toMatch(/^getSession: /);
    await expect(host.mediaFile(1)).rejects.toMatchObject({ code: 'internal' });
    expect(await media).toMatchObject({ code: 'internal' });
    await host.close();
  });

  it('notices a worker that exits', async () => {
    const host = await start();
    const r = await host.call('exit', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'internal', message: expect.stringMatching(/exited with code 3/) } });
    await host.close();
  });

  it('refuses calls after close, and closes once', async () => {
    const host = await start();
    await Promise.all([host.close(), host.close()]);
    expect(await host.call('getSession', {})).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('rejects the start with the worker\'s own reason when the workspace cannot be opened', async () => {
    await expect(start('/tmp/fatal.db')).rejects.toMatchObject({ code: 'not_found', message: '/tmp/fatal.db: no such workspace' });
  });

  it('turns an input that cannot cross threads into invalid_input', async () => {
    const host = await start();
    expect(await host.call('x', { f: () => 1 })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await host.call('x', { ok: 1 })).toMatchObject({ ok: true });
    await host.close();
  });
});
