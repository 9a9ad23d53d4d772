import { BINDINGS, LABEL_HOTKEY_GROUP, formatKey, keyConflicts, matchesKey, bindingFor } from '../hotkeys.ts';
import { useUi } from '../stores/ui.ts';
import { activeLabels, useWorkspace } from '../stores/workspace.ts';
import { Modal } from './Modal.tsx';
import { Swatch } from './Badge.tsx';

/** Every hotkey, straight from hotkeys.ts, plus each label's own key from the taxonomy. */
export function HelpOverlay() {
  const close = () => useUi.getState().toggleHelp(false);
  const labels = activeLabels(useWorkspace((s) => s.labels)).filter((l) => l.hotkey);
  const groups = [...new Set(BINDINGS.map((b) => b.group))];
  const conflicts = keyConflicts();
  return (
    <Modal
      title="Hotkeys"
      onClose={close}
      testId="help"
      wide
      onKey={(e) => {
        if (bindingFor('help').keys.some((k) => matchesKey(e, k))) {
          close();
          return true;
        }
        return false;
      }}
    >
      {conflicts.length > 0 && (
        <p className="error-text small" data-testid="help-conflicts">
          Keys bound twice (the first listed wins): {conflicts.join('; ')}
        </p>
      )}
      <div className="help-grid">
        {groups.map((g) => (
          <section key={g} className="help-group">
            <h3>{g}</h3>
            <table>
              <tbody>
                {BINDINGS.filter((b) => b.group === g).map((b) => (
                  <tr key={b.id} data-action={b.id}>
                    <td className="help-keys">
                      {b.keys.map((k) => (
                        <kbd key={k} className="kbd">
                          {formatKey(k)}
                        </kbd>
                      ))}
                    </td>
                    <td>{b.description}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))}
        <section className="help-group">
          <h3>{LABEL_HOTKEY_GROUP}</h3>
          <table>
            <tbody>
              {labels.map((l) => (
                <tr key={l.key} data-label={l.key}>
                  <td className="help-keys">
                    <kbd className="kbd">{formatKey(l.hotkey as string)}</kbd>
                  </td>
                  <td>
                    <Swatch color={l.color} /> {l.name}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted small">
            Hotkeys are set per label in Settings → Taxonomy. A label tags the selected steps (and text span), with the in/out time
            if marked.
          </p>
        </section>
      </div>
    </Modal>
  );
}
