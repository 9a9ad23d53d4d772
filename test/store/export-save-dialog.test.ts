// Where an export is saved: the desktop shell answers chooseSavePath with its save dialog; browser mode has none and
// says so, so the dialog keeps the typed path. Run through the workspace switcher every shell uses.
import { describe, expect, it } from 'vitest';
import { recentInMemory } from '../../electron/core/recent-workspaces.ts';
import type { ServiceHost } from '../../electron/core/service-host.ts';
import { createWorkspaceSwitcher } from '../../electron/core/workspace-switcher.ts';

const host = (): ServiceHost => ({
  workspace: '/tmp/w.db',
  call: async (method) => ({ ok: false, error: { code: 'internal', message: `${method} reached the service` } }),
  mediaFile: async () => null,
  close: async () => {},
});

describe('chooseSavePath', () => {
  it('asks the desktop shell, which answers with the chosen path, or null when the user cancels', async () => {
    const asked: [string, boolean][] = [];
    let answer: string | null = '/home/ana/exports/l1.parquet';
    const sw = createWorkspaceSwitcher(host(), {
      start: async () => host(),
      recent: recentInMemory(),
      chooseSavePath: async (suggested, folder) => {
        asked.push([suggested, folder]);
        return answer;
      },
    });
    expect(await sw.call('chooseSavePath', { suggested: '/tmp/x.parquet' })).toEqual({ ok: true, value: { path: '/home/ana/exports/l1.parquet', native: true } });
    answer = null;
    expect(await sw.call('chooseSavePath', { suggested: '/tmp/ds', folder: true })).toEqual({ ok: true, value: { path: null, native: true } });
    expect(asked).toEqual([['/tmp/x.parquet', false], ['/tmp/ds', true]]);
  });

  it('in browser mode says there is no dialog, and the path stays typed', async () => {
    const sw = createWorkspaceSwitcher(host(), { start: async () => host(), recent: recentInMemory() });
    expect(await sw.call('chooseSavePath', {})).toEqual({ ok: true, value: { path: null, native: false } });
    const bad = await sw.call('chooseSavePath', { folder: 'yes' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(/^chooseSavePath: field `folder`/) } });
  });
});
