// The desktop app's file dialogs, as pure options (only `import type` from electron), and what each grants: a path the
// user picked for a purpose may then be used for that purpose alone (core/path-access.ts dialogGrants).
import type { OpenDialogOptions, SaveDialogOptions } from 'electron';
import type { PathPurpose } from '../../shared/api.ts';
import type { PathUse } from '../core/path-access.ts';

const JSON_FILES = { name: 'JSON Lines or JSON', extensions: ['jsonl', 'json'] };
const WORKSPACES = { name: 'cotscope workspace', extensions: ['db', 'sqlite', 'sqlite3', 'cotscope'] };
const ALL = { name: 'All files', extensions: ['*'] };

/** What a path from the save dialog may be used for: one export (a file, or a dataset folder), or a new workspace. */
export function saveUse(purpose: 'export' | 'workspace', folder: boolean): PathUse {
  if (purpose === 'workspace') return 'create-workspace';
  return folder ? 'write-folder' : 'write-file';
}

/** What a path from the open dialog may be used for. */
export function purposeUse(purpose: PathPurpose): PathUse {
  if (purpose === 'workspace') return 'open-workspace';
  if (purpose === 'data-root') return 'read-folder';
  return 'read-file';
}

export function openDialogOptions(purpose: PathPurpose, multiple: boolean): OpenDialogOptions {
  switch (purpose) {
    case 'data-root':
      return { title: 'Choose the data root (it holds videos/ and images/)', properties: ['openDirectory'] };
    case 'workspace':
      return { title: 'Open a workspace', properties: ['openFile'], filters: [WORKSPACES, ALL] };
    case 'pack':
      return { title: 'Import a teammate’s pack', properties: ['openFile'], filters: [{ name: 'cotscope pack', extensions: ['pack', 'jsonl'] }, ALL] };
    case 'import':
      return { title: 'Import files', properties: multiple ? ['openFile', 'multiSelections'] : ['openFile'], filters: [JSON_FILES, ALL] };
  }
}

export function saveDialogOptions(suggested: string, purpose: 'export' | 'workspace', folder: boolean): SaveDialogOptions {
  const properties: SaveDialogOptions['properties'] = ['createDirectory', 'showOverwriteConfirmation'];
  if (purpose === 'workspace') return { title: 'Create a workspace', defaultPath: suggested || 'audit.db', properties, filters: [WORKSPACES] };
  return { title: folder ? 'Export a dataset folder' : 'Export', defaultPath: suggested || undefined, properties };
}
