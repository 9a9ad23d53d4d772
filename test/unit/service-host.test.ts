// The service host's plumbing (correlation, crashes, close) with a stand-in worker; the real worker is exercised
// end to end by test/server/server.test.ts.
import { describe, expect, it } from 'vitest';
import { isShellMethod, METHOD_NAMES, SAVE_METHODS, type Result } from '../../shared/api.ts';
import { isReadMethod, ROUTES } from '../../electron/core/service-readers.ts';
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

// The reader pool (service-readers.ts) with stand-in threads that answer with their role.
const POOL_STUB = new URL('./service-readers-stub.ts', import.meta.url).href;
const startPool = (db = '/tmp/cotscope-pool.db', readers = 2) =>
  startServiceHost(db, { workerModule: POOL_STUB, readers, waitForReaders: true });
const role = (r: Result<unknown>) => (r.ok ? (r.value as { role: string }).role : `error: ${r.error.message}`);
async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('service host: readers', () => {
  it('sends the read methods to the readers, spread over them, and everything else to the writer', async () => {
    const host = await startPool();
    expect(host.readers()).toMatchObject({ size: 2, ready: 2 });
    const reads = await Promise.all(Array.from({ length: 10 }, () => host.call('listResponses', {})));
    expect(reads.map(role)).toEqual(Array(10).fill('reader'));
    expect(new Set(reads.map((r) => r.ok && (r.value as { thread: number }).thread)).size).toBe(2);
    for (const m of ['listRuns', 'getResponse', 'compareMatrix', 'listDisagreements']) expect(role(await host.call(m, {}))).toBe('reader');
    for (const m of ['getSession', 'setAnnotator', 'createTag', 'undo', 'startImport', 'getImport', 'getExport', 'nonsense']) {
      expect(role(await host.call(m, {}))).toBe('writer');
    }
    expect(await host.mediaFile(1)).toEqual({ path: 'reader.mp4', root: '/reader' });
    await host.close();
    expect(host.readers().ready).toBe(0);
    expect(await host.call('listResponses', {})).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('answers a read on an idle reader while another is busy', async () => {
    const host = await startPool();
    const slow = host.call('listRuns', { slow: 1500 });
    const t0 = Date.now();
    expect(role(await host.call('listLabels', {}))).toBe('reader');
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(role(await slow)).toBe('reader');
    await host.close();
  });

  it('sends the read a crashed reader was answering to the writer, and starts the reader again', async () => {
    const host = await startPool();
    expect(role(await host.call('getDashboard', {}))).toBe('writer');
    expect(host.readers().lastFailure).toMatch(/a reader stopped \(crashed: reader boom\)/);
    expect(role(await host.call('getAgreement', {}))).toBe('writer');
    await until(() => host.readers().ready === 2);
    expect(host.readers().restarts).toBeGreaterThanOrEqual(2);
    expect(role(await host.call('listResponses', {}))).toBe('reader');
    await host.close();
  });

  it('lets the writer answer reads when no reader can start', async () => {
    const host = await startPool('/tmp/no-readers.db');
    expect(host.readers()).toMatchObject({ size: 2, ready: 0, lastFailure: expect.stringMatching(/a reader cannot open it/) });
    expect(role(await host.call('listResponses', {}))).toBe('writer');
    expect(await host.mediaFile(1)).toEqual({ path: 'writer.mp4', root: '/writer' });
    await host.close();
  });

  it('has no readers when told so', async () => {
    const host = await startPool(undefined, 0);
    expect(host.readers()).toMatchObject({ size: 0, ready: 0 });
    expect(role(await host.call('listResponses', {}))).toBe('writer');
    await host.close();
  });

  it('stops the readers when the writer crashes', async () => {
    const host = await startPool();
    expect(await host.call('crash', {})).toMatchObject({ ok: false, error: { code: 'internal', message: expect.stringMatching(/crashed: writer boom/) } });
    expect(await host.call('listResponses', {})).toMatchObject({ ok: false, error: { code: 'internal' } });
    await until(() => host.readers().ready === 0);
    await host.close();
  });
});

describe('which thread answers each method', () => {
  it('keeps every save, job and undo state on the writer, and names every service method', () => {
    for (const m of SAVE_METHODS) expect(ROUTES[m], m).toBe('writer');
    for (const m of ['getSession', 'startImport', 'getImport', 'cancelImport', 'startExport', 'getExport', 'cancelExport'] as const) {
      expect(ROUTES[m], m).toBe('writer');
    }
    const service = METHOD_NAMES.filter((m) => !isShellMethod(m));
    expect(Object.keys(ROUTES).sort()).toEqual([...service].sort());
    expect(service.filter(isReadMethod).sort()).toEqual(
      ['compareMatrix', 'getAdjudication', 'getAgreement', 'getDashboard', 'getResponse', 'listAnnotators', 'listCompareQuestions',
        'listDatasets', 'listDisagreements', 'listLabels', 'listResponses', 'listRuns', 'locateResponse'].sort(),
    );
    expect(isReadMethod('toString')).toBe(false);
    expect(isReadMethod('listWorkspaces')).toBe(false);
  });
});
