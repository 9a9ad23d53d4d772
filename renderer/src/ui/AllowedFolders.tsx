// Browser mode: which folders on the serving machine a typed path may name, said where a path is typed.
import { folderList } from '../stores/shell.ts';

export function AllowedFolders({ folders, what, testId = 'allowed-folders' }: { folders: readonly string[]; what: string; testId?: string }) {
  if (folders.length === 0) {
    return (
      <div className="muted small" data-testid={testId} data-folders="0">
        This server allows no folder on its machine, so no {what} can be named by path (its owner can start it with{' '}
        <span className="mono">--allow-dir DIR</span>).
      </div>
    );
  }
  return (
    <div className="muted small" data-testid={testId} data-folders={folders.length}>
      {what[0].toUpperCase() + what.slice(1)} inside <span className="mono">{folderList(folders)}</span> on the server; a relative path starts{' '}
      {folders.length === 1 ? 'there' : <>in <span className="mono">{folders[0]}</span></>}.
    </div>
  );
}

/** Said under a typed path that lies outside the allowed folders, before the server refuses it. */
export function OutsideFolders({ path, testId = 'path-outside' }: { path: string; testId?: string }) {
  return (
    <div className="warn-text small" data-testid={testId}>
      <span className="mono">{path}</span> is outside the allowed folders: the server will refuse it.
    </div>
  );
}
