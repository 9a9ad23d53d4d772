// One disagreement, side by side: the chain as numbered steps, then one column per rater with their tags. For each tag
// the adjudicator keeps it, keeps it edited, or drops it; and picks the verdict where the raters' verdicts differ. The
// raters' tags are shown as they were made — decisions never change them.
import { useState } from 'react';
import type { AdjudicationCase, Label, ResponseDetail, Severity, Supports, Tag } from '../../../../shared/api.ts';
import { hint } from '../../hotkeys.ts';
import { useRoute } from '../../stores/route.ts';
import { activeLabels, labelByKey, useWorkspace } from '../../stores/workspace.ts';
import { Badge, Swatch } from '../../ui/Badge.tsx';
import { Kbd } from '../../ui/Kbd.tsx';
import { VerdictMark } from '../../ui/marks.tsx';
import { useTeam } from './team-store.ts';

const SUPPORTS: { v: Supports; text: string; action: 'adjVerdictYes' | 'adjVerdictNo' | 'adjVerdictUnclear' }[] = [
  { v: 'yes', text: 'Yes', action: 'adjVerdictYes' },
  { v: 'no', text: 'No', action: 'adjVerdictNo' },
  { v: 'unclear', text: 'Unclear', action: 'adjVerdictUnclear' },
];

function stepsText(t: Tag): string | null {
  if (!t.steps) return null;
  return t.steps[0] === t.steps[1] ? `step ${t.steps[0] + 1}` : `steps ${t.steps[0] + 1}–${t.steps[1] + 1}`;
}

function TagSummary({ tag, labels }: { tag: Tag; labels: readonly Label[] }) {
  const label = labelByKey(labels, tag.label);
  return (
    <>
      <div className="tag-card-head">
        <Swatch color={label?.color ?? '#888'} />
        <span className="tag-label">{label?.name ?? tag.label}</span>
        <span className="muted small mono">{tag.label}</span>
      </div>
      <div className="tag-card-meta small">
        {stepsText(tag) && <span>{stepsText(tag)}</span>}
        {tag.span && (
          <span className="mono">
            chars {tag.span[0]}–{tag.span[1]}
          </span>
        )}
        {tag.time && (
          <span className="tag-time">
            {tag.time[0].toFixed(1)}–{tag.time[1].toFixed(1)} s
          </span>
        )}
        {tag.severity && <span className={`severity severity-${tag.severity}`}>{tag.severity}</span>}
      </div>
      {tag.note && <div className="tag-note">{tag.note}</div>}
    </>
  );
}

function EditForm({ tag, steps, onDone }: { tag: Tag; steps: number; onDone: () => void }) {
  const labels = activeLabels(useWorkspace((s) => s.labels));
  const busy = useTeam((s) => s.busy);
  const [label, setLabel] = useState(tag.label);
  const [first, setFirst] = useState(tag.steps ? String(tag.steps[0] + 1) : '');
  const [last, setLast] = useState(tag.steps ? String(tag.steps[1] + 1) : '');
  const [severity, setSeverity] = useState<Severity | ''>(tag.severity ?? '');
  const [note, setNote] = useState(tag.note ?? '');
  const a = Number(first);
  const b = Number(last || first);
  const stepsOk = first === '' || (Number.isInteger(a) && Number.isInteger(b) && a >= 1 && b >= a && b <= steps);
  const save = () => {
    if (!stepsOk) return;
    void useTeam.getState().decide(tag.uuid, 'edit', {
      label,
      steps: first === '' ? null : [a - 1, b - 1],
      severity: severity || null,
      note: note.trim() ? note : null,
    });
  };
  return (
    <form
      className="adj-edit"
      data-testid="adj-edit-form"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <label className="field-inline small">
        Label
        <select className="select select-small" value={label} onChange={(e) => setLabel(e.target.value)} data-testid="adj-edit-label">
          {!labels.some((l) => l.key === tag.label) && <option value={tag.label}>{tag.label}</option>}
          {labels.map((l) => (
            <option key={l.key} value={l.key}>
              {l.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field-inline small">
        Steps
        <input className="input input-small input-num" value={first} onChange={(e) => setFirst(e.target.value)} aria-label="First step" />
        –
        <input className="input input-small input-num" value={last} onChange={(e) => setLast(e.target.value)} aria-label="Last step" />
        <span className="muted">of {steps}</span>
      </label>
      <label className="field-inline small">
        Severity
        <select className="select select-small" value={severity} onChange={(e) => setSeverity(e.target.value as Severity | '')}>
          <option value="">—</option>
          <option value="minor">minor</option>
          <option value="major">major</option>
          <option value="critical">critical</option>
        </select>
      </label>
      <textarea className="input tag-note-input" rows={2} value={note} placeholder="Note" onChange={(e) => setNote(e.target.value)} data-testid="adj-edit-note" />
      {!stepsOk && <div className="error-text small">Steps run from 1 to {steps}, first ≤ last.</div>}
      <div className="btn-group">
        <button type="submit" className="btn btn-small btn-primary" disabled={busy || !stepsOk} data-testid="adj-edit-save">
          Keep edited
        </button>
        <button type="button" className="btn btn-small" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function TagRow({ entry, index, response }: { entry: AdjudicationCase['tags'][number]; index: number; response: ResponseDetail }) {
  const labels = useWorkspace((s) => s.labels);
  const cursor = useTeam((s) => s.cursor);
  const editing = useTeam((s) => s.editing);
  const busy = useTeam((s) => s.busy);
  const { tag, decision } = entry;
  const selected = cursor === index;
  const label = labelByKey(labels, tag.label);
  const decide = (d: 'keep' | 'drop') => void useTeam.getState().decide(tag.uuid, d);
  return (
    <li
      className={`tag-card adj-tag${selected ? ' selected' : ''}${decision ? ` decided decided-${decision.decision}` : ''}`}
      style={{ borderLeftColor: label?.color ?? '#888' }}
      data-testid="adj-tag"
      data-tag={tag.uuid}
      data-label={tag.label}
      data-annotator={tag.annotator}
      data-decision={decision?.decision ?? ''}
      onClick={() => useTeam.setState({ cursor: index })}
    >
      <TagSummary tag={tag} labels={labels} />
      <div className="adj-decision">
        {decision ? (
          <span className="small" data-testid="adj-decision">
            <Badge tone={decision.decision === 'drop' ? 'bad' : decision.decision === 'edit' ? 'info' : 'ok'}>
              {decision.decision === 'keep' ? 'kept' : decision.decision === 'edit' ? 'kept, edited' : 'dropped'}
            </Badge>
            {decision.decision === 'edit' && decision.result && (
              <span className="muted">
                {' '}
                → {labelByKey(labels, decision.result.label)?.name ?? decision.result.label}
                {decision.result.steps ? `, ${stepsText(decision.result)}` : ''}
              </span>
            )}
          </span>
        ) : (
          <span className="muted small">not decided</span>
        )}
        <span className="header-spacer" />
        <div className="btn-group">
          <button className="btn btn-small" disabled={busy} title={hint('adjKeep')} onClick={() => decide('keep')} data-testid="adj-keep">
            Keep <Kbd action="adjKeep" />
          </button>
          <button className="btn btn-small" disabled={busy} title={hint('adjEdit')} onClick={() => useTeam.setState({ cursor: index, editing: tag.uuid })} data-testid="adj-edit">
            Edit <Kbd action="adjEdit" />
          </button>
          <button className="btn btn-small btn-danger" disabled={busy} title={hint('adjDrop')} onClick={() => decide('drop')} data-testid="adj-drop">
            Drop <Kbd action="adjDrop" />
          </button>
        </div>
      </div>
      {editing === tag.uuid && <EditForm tag={decision?.decision === 'edit' && decision.result ? { ...decision.result, uuid: tag.uuid } : tag} steps={response.steps.length} onDone={() => useTeam.getState().setEditing(null)} />}
    </li>
  );
}

export function AdjudicationPanel({ kase, response }: { kase: AdjudicationCase; response: ResponseDetail }) {
  const cursor = useTeam((s) => s.cursor);
  const busy = useTeam((s) => s.busy);
  const selected = kase.tags[cursor]?.tag ?? null;
  const columns = kase.raters.map((name) => ({
    name,
    entries: kase.tags.map((e, i) => ({ e, i })).filter(({ e }) => e.tag.annotator === name),
    verdict: kase.verdicts.find((v) => v.annotator === name) ?? null,
  }));
  // Which raters tagged each step (for the pips beside the chain).
  const stepRaters = response.steps.map((s) =>
    kase.raters.filter((r) => kase.tags.some(({ tag }) => tag.annotator === r && tag.steps && tag.steps[0] <= s.index && s.index <= tag.steps[1])),
  );
  const inSelected = (i: number) => !!selected?.steps && selected.steps[0] <= i && i <= selected.steps[1];
  const picked = kase.verdict?.supports ?? null;

  return (
    <div className="adj" data-testid="adjudication" data-response-id={kase.responseId} data-resolved={kase.resolved ? '1' : '0'}>
      <div className="adj-head">
        <strong className="adj-title">
          {response.run.name} · {response.sample.level} · {response.sample.sampleId}
          {response.rollout > 0 ? ` · rollout ${response.rollout}` : ''}
        </strong>
        {kase.resolved ? (
          <Badge tone="ok" testId="adj-resolved">
            resolved
          </Badge>
        ) : (
          <Badge tone="warn" testId="adj-open">
            open
          </Badge>
        )}
        <span className="muted small">
          adjudicating as <strong>{kase.adjudicator}</strong> · raters: {kase.raters.join(', ')}
        </span>
        <span className="header-spacer" />
        <button className="btn btn-small" onClick={() => useRoute.getState().openResponse(kase.responseId)}>
          Open in workbench
        </button>
      </div>
      {response.sample.question && <div className="adj-question small">{response.sample.question}</div>}
      <div className="adj-grid" style={{ gridTemplateColumns: `minmax(280px, 1.3fr) repeat(${columns.length}, minmax(220px, 1fr))` }}>
        <section className="panel adj-chain" aria-label="Chain of thought">
          <div className="panel-head">
            <strong>Chain</strong>
            <span className="muted small">
              {response.steps.length} steps · answer {response.prediction ?? '—'} ({response.correct ? 'right' : 'wrong'})
            </span>
          </div>
          <ol className="adj-steps">
            {response.steps.map((s) => (
              <li key={s.index} className={`adj-step${inSelected(s.index) ? ' in-range' : ''}`} data-testid="adj-step">
                <span className="step-num">{s.index + 1}</span>
                <span className="adj-step-text">{response.raw.slice(s.start, s.end)}</span>
                <span className="adj-pips" aria-label={stepRaters[s.index].length ? `tagged by ${stepRaters[s.index].join(', ')}` : undefined}>
                  {stepRaters[s.index].map((r) => (
                    <span key={r} className="adj-pip" title={`tagged by ${r}`}>
                      {r.slice(0, 1).toUpperCase()}
                    </span>
                  ))}
                </span>
              </li>
            ))}
          </ol>
          {response.answerText !== null && <div className="adj-answer small mono">answer: {response.answerText.trim()}</div>}
        </section>
        {columns.map((c) => (
          <section key={c.name} className="panel adj-column" data-testid="adj-column" data-annotator={c.name} aria-label={`${c.name}'s tags`}>
            <div className="panel-head">
              <strong>{c.name}</strong>
              <span className="muted small">{c.entries.length} tag(s)</span>
              <span className="header-spacer" />
              <VerdictMark supports={c.verdict?.supports ?? null} />
            </div>
            {c.entries.length === 0 ? (
              <div className="muted small adj-empty">no tags (reviewed: verdict only)</div>
            ) : (
              <ul className="tag-list adj-tags">
                {c.entries.map(({ e, i }) => (
                  <TagRow key={e.tag.uuid} entry={e} index={i} response={response} />
                ))}
              </ul>
            )}
          </section>
        ))}
      </div>
      <div className="adj-verdict verdict-group" role="group" aria-label="Adjudicated verdict">
        <span className="field-label">Adjudicated verdict{kase.verdictsDiffer ? ' (the raters differ)' : ''}</span>
        <div className="segmented" data-testid="adj-verdict">
          {SUPPORTS.map((s) => (
            <button
              key={s.v}
              className={`seg seg-${s.v}${picked === s.v ? ' on' : ''}`}
              aria-pressed={picked === s.v}
              disabled={busy}
              onClick={() => void useTeam.getState().pickVerdict(s.v)}
              title={hint(s.action)}
              data-testid={`adj-verdict-${s.v}`}
            >
              {s.text} <Kbd action={s.action} />
            </button>
          ))}
        </div>
        <span className="muted small">
          raters: {kase.verdicts.filter((v) => v.supports).map((v) => `${v.annotator} ${v.supports}`).join(', ') || 'no verdicts'}
        </span>
      </div>
      <div className="muted small adj-keys">
        <Kbd action="adjNextTag" />/<Kbd action="adjPrevTag" /> tag · <Kbd action="adjKeep" /> keep · <Kbd action="adjEdit" /> edit · <Kbd action="adjDrop" /> drop ·{' '}
        <Kbd action="adjNextCase" />/<Kbd action="adjPrevCase" /> next/previous disagreement
      </div>
    </div>
  );
}
