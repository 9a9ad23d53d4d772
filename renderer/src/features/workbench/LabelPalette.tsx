import { useEffect, useMemo, useRef, useState } from 'react';
import { formatKey } from '../../hotkeys.ts';
import { useAnnotations } from '../../stores/annotations.ts';
import { useUi } from '../../stores/ui.ts';
import { useWorkbenchStore } from '../../stores/workbench.ts';
import { activeLabels, useWorkspace } from '../../stores/workspace.ts';
import { Swatch } from '../../ui/Badge.tsx';
import { Modal } from '../../ui/Modal.tsx';

/** `t`: pick a label by typing part of its name, key or description; Enter tags the selection with it. */
export function LabelPalette() {
  const labels = activeLabels(useWorkspace((s) => s.labels));
  const [q, setQ] = useState('');
  const [i, setI] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const store = useWorkbenchStore();
  const hits = useMemo(() => {
    const s = q.trim().toLowerCase();
    if (!s) return labels;
    return labels.filter((l) => `${l.name} ${l.key} ${l.description}`.toLowerCase().includes(s));
  }, [labels, q]);
  useEffect(() => setI(0), [q]);
  useEffect(() => input.current?.focus(), []);

  const close = () => useUi.getState().setPalette(false);
  const choose = (k: number) => {
    const l = hits[k];
    if (!l) return;
    close();
    void useAnnotations.getState().tagWith(l, store);
  };

  return (
    <Modal
      title="Tag with label"
      onClose={close}
      testId="label-palette"
      onKey={(e) => {
        if (e.key === 'ArrowDown') {
          setI((x) => Math.min(hits.length - 1, x + 1));
          return true;
        }
        if (e.key === 'ArrowUp') {
          setI((x) => Math.max(0, x - 1));
          return true;
        }
        if (e.key === 'Enter') {
          choose(i);
          return true;
        }
        return false;
      }}
    >
      <input
        ref={input}
        className="input palette-input"
        placeholder="Type to filter labels…"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        data-testid="palette-input"
      />
      <ul className="palette-list" role="listbox">
        {hits.map((l, k) => (
          <li
            key={l.key}
            role="option"
            aria-selected={k === i}
            className={`palette-item${k === i ? ' active' : ''}`}
            onMouseEnter={() => setI(k)}
            onClick={() => choose(k)}
            data-testid="palette-item"
          >
            <Swatch color={l.color} />
            <span className="palette-name">{l.name}</span>
            <span className="muted small mono">{l.key}</span>
            <span className="header-spacer" />
            {l.hotkey && <kbd className="kbd">{formatKey(l.hotkey)}</kbd>}
          </li>
        ))}
        {hits.length === 0 && <li className="muted small">No label matches “{q}”.</li>}
      </ul>
    </Modal>
  );
}
