// Where an export is saved: the desktop shell answers chooseSavePath with its save dialog, and only the path it
// returned, once, reaches the service; browser mode has no dialog and says so. Run through the workspace switcher
// every shell uses, with a stand-in host that records what reaches the service.
import { describe, expect, it } from 'vitest';
import { allowFolders, dialogGrants } from '../../electron/core/path-access.ts';
import { recentInMemory } from '../../electron/core/recent-workspaces.ts';
import type { ServiceHost } from '../../electron/core/service-host.ts';
import { createWorkspaceSwitcher } from '../../electron/core/workspace-switcher.ts';

function host(reached: { method: string; input: any }[] = []): ServiceHost {
  return {
    workspace: '/tmp/w.db',
    call: async (method, input) => {
      reached.push({ method, input });
      return { ok: true, value: { id: 'job', out: (input as any).out, state: 'running', format: 'jsonl', done: 0, total: 0, rows: 0, meta: null, message: null, download: null } };
    },
    mediaFile: async () => null,
    close: async () => {},
  };
}

describe('chooseSavePath', () => {
  it('asks the desktop shell, which answers with the chosen path, or null when the user cancels', async () => {
    const asked: [string, string, boolean][] = [];
    let answer: string | null = '/home/ana/exports/l1.parquet';
    const grants = dialogGrants();
    const sw = createWorkspaceSwitcher(host(), {
      start: async () => host(),
      recent: recentInMemory(),
      access: grants,
      dialogs: {
        save: async (suggested, purpose, folder) => {
          asked.push([suggested, purpose, folder]);
          return answer;
        },
        open: async () => null,
      },
    });
    expect(await sw.call('chooseSavePath', { suggested: '/tmp/x.parquet' })).toEqual({ ok: true, value: { path: '/home/ana/exports/l1.parquet', native: true } });
    answer = null;
    expect(await sw.call('chooseSavePath', { suggested: '/tmp/ds', folder: true })).toEqual({ ok: true, value: { path: null, native: true } });
    expect(await sw.call('chooseSavePath', { suggested: 'new.db', purpose: 'workspace' })).toEqual({ ok: true, value: { path: null, native: true } });
    expect(asked).toEqual([
      ['/tmp/x.parquet', 'export', false],
      ['/tmp/ds', 'export', true],
      ['new.db', 'workspace', false],
    ]);
    expect(await sw.call('getShell', {})).toEqual({ ok: true, value: { kind: 'desktop', folders: [], maxUploadBytes: null } });
  });

  it('lets the path the save dialog returned reach one export, allowed to replace (the dialog asked); no other path', async () => {
    const reached: { method: string; input: any }[] = [];
    const grants = dialogGrants();
    const sw = createWorkspaceSwitcher(host(reached), {
      start: async () => host(),
      recent: recentInMemory(),
      access: grants,
      dialogs: {
        save: async (_s, _p, folder) => {
          const p = folder ? '/home/ana/exports/ds' : '/home/ana/exports/l1.jsonl';
          grants.grant(p, folder ? 'write-folder' : 'write-file');
          return p;
        },
        open: async () => null,
      },
    });
    // Typed by the page (or a compromised page): refused before the service hears of it.
    const typed = await sw.call('startExport', { format: 'csv', out: '/home/ana/.bashrc' });
    expect(typed).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringMatching(/^startExport: field `out`: \/home\/ana\/\.bashrc was not chosen in a dialog/) } });
    expect(reached).toEqual([]);

    await sw.call('chooseSavePath', { suggested: '' });
    expect(await sw.call('startExport', { format: 'jsonl', out: '/home/ana/exports/l1.jsonl', replace: false })).toMatchObject({ ok: true });
    expect(reached).toEqual([{ method: 'startExport', input: expect.objectContaining({ out: '/home/ana/exports/l1.jsonl', replace: true }) }]);
    // The grant was for one export: the next needs the dialog again (which asks before replacing the file).
    expect(await sw.call('startExport', { format: 'jsonl', out: '/home/ana/exports/l1.jsonl' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // A file grant is no folder grant.
    await sw.call('chooseSavePath', { suggested: '' });
    expect(await sw.call('startExport', { format: 'hf', out: '/home/ana/exports/l1.jsonl' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(reached).toHaveLength(1);
  });

  it('in browser mode says there is no dialog', async () => {
    const sw = createWorkspaceSwitcher(host(), { start: async () => host(), recent: recentInMemory(), access: allowFolders([]) });
    expect(await sw.call('chooseSavePath', {})).toEqual({ ok: true, value: { path: null, native: false } });
    expect(await sw.call('choosePaths', { purpose: 'import' })).toEqual({ ok: true, value: { paths: null, native: false } });
    const bad = await sw.call('chooseSavePath', { folder: 'yes' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(/^chooseSavePath: field `folder`/) } });
  });
});
