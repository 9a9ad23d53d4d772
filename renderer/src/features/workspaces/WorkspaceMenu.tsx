import { useEffect, useRef, useState } from 'react';
import { setOverlayHandler } from '../../hotkeys.ts';
import { insideFolders, useShell } from '../../stores/shell.ts';
import { useWorkspace } from '../../stores/workspace.ts';
import { useWorkspaces } from '../../stores/workspaces.ts';
import { AllowedFolders, OutsideFolders } from '../../ui/AllowedFolders.tsx';

function baseName(p: string): string {
  return p.split(/[\\/]/).pop() || p;
}

function folder(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i > 0 ? p.slice(0, i) : p;
}

/**
 * The workspace name in the header, as a menu: the recent workspaces, and another to open or create — picked in the
 * system's dialogs in the desktop app, typed (a path inside the folders the server allows) in a browser. Esc or a
 * click elsewhere closes it.
 */
export function WorkspaceMenu() {
  const session = useWorkspace((s) => s.session);
  const shell = useShell((s) => s.info);
  const recent = useWorkspaces((s) => s.recent);
  const switching = useWorkspaces((s) => s.switching);
  const [open, setOpen] = useState(false);
  const [path, setPath] = useState('');
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    void useWorkspaces.getState().refresh();
    // While open, the menu takes the keyboard like any overlay: Esc closes it, no other hotkey fires.
    setOverlayHandler((e) => {
      if (e.key !== 'Escape') return false;
      setOpen(false);
      return true;
    });
    const outside = (e: MouseEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', outside);
    return () => {
      setOverlayHandler(null);
      document.removeEventListener('mousedown', outside);
    };
  }, [open]);

  const go = async (target: string, create: boolean) => {
    if (!target.trim() || switching) return;
    if (await useWorkspaces.getState().open(target.trim(), create)) {
      setOpen(false);
      setPath('');
    }
  };

  const choose = async (create: boolean) => {
    const done = create ? await useWorkspaces.getState().chooseAndCreate() : await useWorkspaces.getState().chooseAndOpen();
    if (done) setOpen(false);
  };

  return (
    <div className="workspace-menu" ref={root} data-testid="workspace-menu" data-open={open}>
      <button
        className="header-workspace"
        title={session ? `${session.workspace} (switch workspace)` : undefined}
        aria-haspopup="dialog"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        data-testid="workspace-name"
      >
        {session ? baseName(session.workspace) : '…'} <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div className="workspace-popover" role="dialog" aria-label="Workspaces">
          <div className="field-label">Recent workspaces</div>
          <ul className="workspace-recent-list">
            {recent.map((w) => {
              const current = w.path === session?.workspace;
              return (
                <li key={w.path}>
                  <button
                    className={`workspace-recent${current ? ' is-current' : ''}${w.exists ? '' : ' is-missing'}`}
                    disabled={!w.exists || current || switching}
                    title={w.exists ? w.path : `${w.path} (missing)`}
                    onClick={() => void go(w.path, false)}
                    data-testid="workspace-recent"
                    data-path={w.path}
                  >
                    <span className="mono">{baseName(w.path)}</span>
                    <span className="muted small workspace-folder">{folder(w.path)}</span>
                    <span className="muted small">{current ? 'open' : w.exists ? new Date(w.openedAt).toLocaleDateString() : 'missing'}</span>
                  </button>
                </li>
              );
            })}
          </ul>
          {shell?.kind === 'desktop' && (
            <div className="workspace-actions">
              <button
                className="btn btn-small btn-primary"
                autoFocus
                disabled={switching}
                onClick={() => void choose(false)}
                data-testid="workspace-open"
              >
                Open…
              </button>
              <button
                className="btn btn-small"
                disabled={switching}
                onClick={() => void choose(true)}
                data-testid="workspace-create"
              >
                Create new…
              </button>
              {switching && <span className="spinner" aria-label="opening" />}
            </div>
          )}
          {shell?.kind === 'browser' &&
            (shell.folders.length === 0 ? (
              <div className="muted small" data-testid="workspace-folders" data-folders="0">
                This server allows no folder on its machine (its owner can start it with <span className="mono">--allow-dir DIR</span>): only
                the recent workspaces above can be opened.
              </div>
            ) : (
              <>
                <div className="field">
                  <label className="field-label" htmlFor="workspace-path">
                    Open or create by path (on the server)
                  </label>
                  <input
                    id="workspace-path"
                    className="input mono"
                    autoFocus
                    value={path}
                    placeholder={`${shell.folders[0]}/audit.db`}
                    spellCheck={false}
                    onChange={(e) => setPath(e.target.value)}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter') void go(path, false);
                    }}
                    data-testid="workspace-path"
                  />
                  <AllowedFolders folders={shell.folders} what="a workspace file" testId="workspace-folders" />
                  {path.trim() && !insideFolders(path, shell.folders) && <OutsideFolders path={path.trim()} testId="workspace-path-outside" />}
                </div>
                <div className="workspace-actions">
                  <button className="btn btn-small btn-primary" disabled={!path.trim() || switching} onClick={() => void go(path, false)} data-testid="workspace-open">
                    Open
                  </button>
                  <button className="btn btn-small" disabled={!path.trim() || switching} onClick={() => void go(path, true)} data-testid="workspace-create">
                    Create new
                  </button>
                  {switching && <span className="spinner" aria-label="opening" />}
                </div>
              </>
            ))}
        </div>
      )}
    </div>
  );
}
