// Files sent to browser mode's server before something reads them (an import, a pack): one after another, each with
// its progress, stopped together. The stores that import call this; what it returns (upload:<id> references) is used
// where a path would be.
import { ApiError, uploadFile } from '../api.ts';
import { notify } from './notifications.ts';
import { useShell } from './shell.ts';

export interface UploadProgress {
  name: string;
  bytes: number;
  sent: number;
  state: 'waiting' | 'sending' | 'sent' | 'failed' | 'cancelled';
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${Number((n / 1024 ** 3).toFixed(2))} GB`;
}

/**
 * Uploads `files` in order, telling `onChange` every step; resolves with their references, or throws ApiError (already
 * shown unless `quiet`) at the first failure or when `signal` aborts. A file larger than the server takes is refused
 * before a byte is sent.
 */
export async function uploadFiles(
  files: readonly File[],
  onChange: (progress: UploadProgress[]) => void,
  { signal, quiet }: { signal?: AbortSignal; quiet?: boolean } = {},
): Promise<string[]> {
  const progress: UploadProgress[] = files.map((f) => ({ name: f.name, bytes: f.size, sent: 0, state: 'waiting' }));
  const update = (i: number, change: Partial<UploadProgress>) => {
    progress[i] = { ...progress[i], ...change };
    onChange([...progress]);
  };
  onChange([...progress]);
  const max = useShell.getState().info?.maxUploadBytes ?? null;
  const tooLarge = max === null ? undefined : files.find((f) => f.size > max);
  if (tooLarge && max !== null) {
    const message = `${tooLarge.name} is ${formatBytes(tooLarge.size)}: this server takes files of at most ${formatBytes(max)}`;
    if (!quiet) notify('error', message, 'Ask its owner to start it with a folder holding the file (--allow-dir), and name the file by its path.');
    update(files.indexOf(tooLarge), { state: 'failed' });
    throw new ApiError('invalid_input', message);
  }
  const refs: string[] = [];
  for (let i = 0; i < files.length; i++) {
    update(i, { state: 'sending' });
    try {
      const up = await uploadFile(files[i], (sent) => update(i, { sent }), { signal, quiet: quiet ? true : undefined });
      refs.push(up.ref);
      update(i, { sent: files[i].size, state: 'sent' });
    } catch (e) {
      const cancelled = e instanceof ApiError && e.code === 'cancelled';
      update(i, { state: cancelled ? 'cancelled' : 'failed' });
      for (let j = i + 1; j < files.length; j++) update(j, { state: 'cancelled' });
      throw e;
    }
  }
  return refs;
}
