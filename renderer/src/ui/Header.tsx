import { useState } from 'react';
import { hint } from '../hotkeys.ts';
import { useAnnotations } from '../stores/annotations.ts';
import { useRoute } from '../stores/route.ts';
import { useUi } from '../stores/ui.ts';
import { useWorkbench } from '../stores/workbench.ts';
import { useWorkspace } from '../stores/workspace.ts';
import { WorkspaceMenu } from '../features/workspaces/WorkspaceMenu.tsx';
import { SavedIndicator } from './SavedIndicator.tsx';

export function Header() {
  const session = useWorkspace((s) => s.session);
  const view = useRoute((s) => s.view);
  const lastResponse = useWorkbench((s) => s.responseId);
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState('');

  const startEdit = () => {
    setName(session?.annotator ?? '');
    setEditing(true);
  };
  const commit = async () => {
    const n = name.trim();
    setEditing(false);
    if (n && n !== session?.annotator) await useWorkspace.getState().setAnnotator(n);
  };

  return (
    <header className="app-header">
      <div className="brand" title={session ? `cotscope ${session.version}` : 'cotscope'}>
        cot<b>scope</b>
      </div>
      <nav className="nav" aria-label="Screens">
        <button className={`nav-tab${view.name === 'library' ? ' active' : ''}`} onClick={() => useRoute.getState().openLibrary()} data-testid="nav-library">
          Library
        </button>
        <button
          className={`nav-tab${view.name === 'workbench' ? ' active' : ''}`}
          disabled={lastResponse === null}
          onClick={() => lastResponse !== null && useRoute.getState().openResponse(lastResponse)}
          data-testid="nav-workbench"
        >
          Workbench
        </button>
        <button className={`nav-tab${view.name === 'compare' ? ' active' : ''}`} onClick={() => useRoute.getState().open({ name: 'compare' })} data-testid="nav-compare">
          Compare
        </button>
        <button className={`nav-tab${view.name === 'dashboard' ? ' active' : ''}`} onClick={() => useRoute.getState().open({ name: 'dashboard' })} data-testid="nav-dashboard">
          Dashboard
        </button>
        <button className={`nav-tab${view.name === 'team' ? ' active' : ''}`} onClick={() => useRoute.getState().open({ name: 'team', responseId: null })} data-testid="nav-team">
          Team
        </button>
        <button className={`nav-tab${view.name === 'settings' ? ' active' : ''}`} onClick={() => useRoute.getState().openSettings()} data-testid="nav-settings">
          Settings
        </button>
      </nav>
      <WorkspaceMenu />
      <div className="header-spacer" />
      <SavedIndicator />
      <div className="btn-group">
        <button className="btn btn-small" disabled={!session?.canUndo} onClick={() => void useAnnotations.getState().undo()} title={hint('undo')} data-testid="undo">
          ↶ Undo
        </button>
        <button className="btn btn-small" disabled={!session?.canRedo} onClick={() => void useAnnotations.getState().redo()} title={hint('redo')} data-testid="redo">
          ↷ Redo
        </button>
      </div>
      <button className="btn btn-small" onClick={() => useUi.getState().setImportDialog(true)} data-testid="open-import">
        Import…
      </button>
      <div className="annotator">
        {editing ? (
          <input
            className="input input-small"
            autoFocus
            value={name}
            maxLength={80}
            aria-label="Annotator name"
            data-testid="annotator-input"
            onChange={(e) => setName(e.target.value)}
            onBlur={() => void commit()}
            onKeyDown={(e) => {
              if (e.key === 'Enter') void commit();
              if (e.key === 'Escape') setEditing(false);
            }}
          />
        ) : (
          <button className="annotator-btn" onClick={startEdit} title="Change who is annotating" data-testid="annotator">
            <span className="annotator-avatar" aria-hidden="true">
              {(session?.annotator ?? '?').slice(0, 1).toUpperCase()}
            </span>
            {session?.annotator ?? '…'}
          </button>
        )}
      </div>
      <button className="btn-icon help-btn" onClick={() => useUi.getState().toggleHelp()} title={hint('help')} data-testid="help-button">
        ?
      </button>
    </header>
  );
}
