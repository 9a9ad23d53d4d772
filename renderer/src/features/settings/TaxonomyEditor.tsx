import { useState } from 'react';
import type { Label, LabelTarget } from '../../../../shared/api.ts';
import { reservedWorkbenchKeys } from '../../hotkeys.ts';
import { useWorkspace } from '../../stores/workspace.ts';

interface Draft {
  key: string;
  name: string;
  description: string;
  color: string;
  hotkey: string;
  target: LabelTarget;
}

const TARGETS: { v: LabelTarget; text: string }[] = [
  { v: 'span', text: 'step / span' },
  { v: 'time', text: 'video moment' },
  { v: 'response', text: 'whole response' },
];

const toDraft = (l: Label): Draft => ({ key: l.key, name: l.name, description: l.description, color: l.color, hotkey: l.hotkey ?? '', target: l.target });

/** Checks a draft before it goes to the service (which checks again and reports hotkey conflicts between labels). */
function check(d: Draft, labels: Label[], isNew: boolean): string | null {
  if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(d.key)) return 'The key is lowercase letters, digits and dashes (it is used in files and cannot change later).';
  if (isNew && labels.some((l) => l.key === d.key)) return `A label with key “${d.key}” exists already.`;
  if (!d.name.trim()) return 'A label needs a name.';
  if (!/^#[0-9a-fA-F]{6}$/.test(d.color)) return 'A colour is #rrggbb.';
  if (d.hotkey) {
    if (!/^[a-z0-9]$/.test(d.hotkey)) return 'A hotkey is one lowercase letter or digit.';
    if (reservedWorkbenchKeys().has(d.hotkey)) return `“${d.hotkey}” is already a workbench hotkey (see the ? help); pick another key.`;
    const other = labels.find((l) => l.key !== d.key && !l.retired && l.hotkey === d.hotkey);
    if (other) return `“${d.hotkey}” is already the hotkey of “${other.name}”.`;
  }
  return null;
}

function Row({ label, labels }: { label: Label; labels: Label[] }) {
  const [d, setD] = useState<Draft>(() => toDraft(label));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const base = toDraft(label);
  const dirty = JSON.stringify(d) !== JSON.stringify(base);
  const save = async () => {
    const problem = check(d, labels, false);
    setError(problem);
    if (problem) return;
    setBusy(true);
    const err = await useWorkspace.getState().saveLabel({ ...d, name: d.name.trim(), hotkey: d.hotkey || null, sortOrder: label.sortOrder });
    setBusy(false);
    setError(err);
  };
  return (
    <>
      <tr className={label.retired ? 'retired-row' : ''} data-testid="label-row" data-key={label.key}>
        <td>
          <input type="color" value={d.color} onChange={(e) => setD({ ...d, color: e.target.value })} aria-label={`Colour of ${label.name}`} data-testid="label-color" />
        </td>
        <td className="mono small">{label.key}</td>
        <td>
          <input className="input" value={d.name} maxLength={80} onChange={(e) => setD({ ...d, name: e.target.value })} aria-label="Name" data-testid="label-name" />
        </td>
        <td>
          <input
            className="input input-key"
            value={d.hotkey}
            maxLength={1}
            onChange={(e) => setD({ ...d, hotkey: e.target.value.toLowerCase() })}
            aria-label="Hotkey"
            data-testid="label-hotkey"
          />
        </td>
        <td>
          <TargetSelect value={d.target} onChange={(target) => setD({ ...d, target })} />
        </td>
        <td>
          <input className="input" value={d.description} maxLength={500} onChange={(e) => setD({ ...d, description: e.target.value })} aria-label="Description" />
        </td>
        <td className="num">{label.tagCount}</td>
        <td>
          <div className="actions">
          <button className="btn btn-small btn-primary" disabled={!dirty || busy} onClick={() => void save()} data-testid="label-save">
            Save
          </button>
          {dirty && (
            <button className="link small" onClick={() => (setD(base), setError(null))}>
              revert
            </button>
          )}
          <button
            className="btn btn-small"
            onClick={() => void useWorkspace.getState().retireLabel(label.key, !label.retired)}
            title={label.retired ? 'Offer this label again' : 'Stop offering this label; existing tags keep it'}
            data-testid="label-retire"
          >
            {label.retired ? 'Unretire' : 'Retire'}
          </button>
          </div>
        </td>
      </tr>
      {error && (
        <tr className="error-row">
          <td colSpan={8} className="error-text" data-testid="label-error">
            {error}
          </td>
        </tr>
      )}
    </>
  );
}

function NewLabel({ labels }: { labels: Label[] }) {
  const empty: Draft = { key: '', name: '', description: '', color: '#17becf', hotkey: '', target: 'span' };
  const [d, setD] = useState<Draft>(empty);
  const [error, setError] = useState<string | null>(null);
  const add = async () => {
    const problem = check(d, labels, true);
    setError(problem);
    if (problem) return;
    const err = await useWorkspace.getState().saveLabel({ ...d, name: d.name.trim(), hotkey: d.hotkey || null });
    setError(err);
    if (!err) setD(empty);
  };
  return (
    <>
      <tr className="new-row" data-testid="label-new">
        <td>
          <input type="color" value={d.color} onChange={(e) => setD({ ...d, color: e.target.value })} aria-label="Colour of the new label" />
        </td>
        <td>
          <input className="input mono" placeholder="new-key" value={d.key} maxLength={40} onChange={(e) => setD({ ...d, key: e.target.value.toLowerCase() })} aria-label="Key" data-testid="new-label-key" />
        </td>
        <td>
          <input className="input" placeholder="Name" value={d.name} maxLength={80} onChange={(e) => setD({ ...d, name: e.target.value })} aria-label="Name" data-testid="new-label-name" />
        </td>
        <td>
          <input className="input input-key" value={d.hotkey} maxLength={1} onChange={(e) => setD({ ...d, hotkey: e.target.value.toLowerCase() })} aria-label="Hotkey" data-testid="new-label-hotkey" />
        </td>
        <td>
          <TargetSelect value={d.target} onChange={(target) => setD({ ...d, target })} />
        </td>
        <td>
          <input className="input" placeholder="What it means, for teammates" value={d.description} maxLength={500} onChange={(e) => setD({ ...d, description: e.target.value })} aria-label="Description" />
        </td>
        <td />
        <td>
          <button className="btn btn-small btn-primary" onClick={() => void add()} data-testid="new-label-add">
            Add label
          </button>
        </td>
      </tr>
      {error && (
        <tr className="error-row">
          <td colSpan={8} className="error-text" data-testid="label-error">
            {error}
          </td>
        </tr>
      )}
    </>
  );
}

export function TaxonomyEditor() {
  const labels = useWorkspace((s) => s.labels);
  const sorted = [...labels].sort((a, b) => Number(a.retired) - Number(b.retired) || a.sortOrder - b.sortOrder);
  const free = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('').filter((k) => !reservedWorkbenchKeys().has(k) && !labels.some((l) => !l.retired && l.hotkey === k));
  return (
    <div>
      <table className="table taxonomy" data-testid="taxonomy">
        <thead>
          <tr>
            <th>Colour</th>
            <th>Key</th>
            <th>Name</th>
            <th>Hotkey</th>
            <th>Targets</th>
            <th>Description</th>
            <th className="num">Tags</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {sorted.map((l) => (
            <Row key={`${l.key}-${l.name}-${l.color}-${l.hotkey}-${l.target}-${l.description}`} label={l} labels={labels} />
          ))}
          <NewLabel labels={labels} />
        </tbody>
      </table>
      <p className="muted small">
        Free hotkeys: <span className="mono">{free.join(' ')}</span>. Retired labels stay on the tags that use them but are no longer offered.
      </p>
    </div>
  );
}

/** What a label is put on: a span or steps, a video time range, or the whole response. */
function TargetSelect({ value, onChange }: { value: LabelTarget; onChange: (t: LabelTarget) => void }) {
  return (
    <select className="select" value={value} onChange={(e) => onChange(e.target.value as LabelTarget)} aria-label="Targets">
      {TARGETS.map((t) => (
        <option key={t.v} value={t.v}>
          {t.text}
        </option>
      ))}
    </select>
  );
}
