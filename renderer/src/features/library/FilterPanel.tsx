import { useEffect, useState } from 'react';
import type { Level, Method, ResponseFilter } from '../../../../shared/api.ts';
import { activeFilterCount, useFilters } from '../../stores/filters.ts';
import { useWorkspace } from '../../stores/workspace.ts';
import { Swatch } from '../../ui/Badge.tsx';
import { ChipToggles } from '../../ui/ChipToggles.tsx';

const LEVELS: Level[] = ['L1', 'L2', 'L3', 'train'];
const METHODS: Method[] = ['rl', 'sft', 'base', 'other'];

function toggle<T>(list: T[] | undefined, v: T): T[] | undefined {
  const cur = list ?? [];
  const next = cur.includes(v) ? cur.filter((x) => x !== v) : [...cur, v];
  return next.length ? next : undefined;
}

function triState(v: boolean | undefined): string {
  return v === undefined ? '' : v ? 'yes' : 'no';
}
function fromTri(v: string): boolean | undefined {
  return v === '' ? undefined : v === 'yes';
}

const CONSENSUS_TEXT: Record<NonNullable<ResponseFilter['consensus']>, string> = {
  yes: 'reasoning supports the answer',
  no: 'reasoning does not support the answer',
  unclear: 'support unclear',
  unjudged: 'no verdict',
};

/**
 * The fields a dashboard or compare drill-down sets that have no control of their own here: each is a chip that says
 * what it narrows to, with ✕ to drop it.
 */
function DrillChips({ filter, set }: { filter: ResponseFilter; set: (patch: Partial<ResponseFilter>) => void }) {
  const chips: { key: string; text: string; clear: Partial<ResponseFilter> }[] = [];
  if (filter.domains?.length) chips.push({ key: 'domains', text: `domain: ${filter.domains.join(' or ')}`, clear: { domains: undefined } });
  if (filter.allLabels?.length) chips.push({ key: 'allLabels', text: `all of: ${filter.allLabels.join(' + ')}`, clear: { allLabels: undefined } });
  if (filter.consensus) chips.push({ key: 'consensus', text: CONSENSUS_TEXT[filter.consensus], clear: { consensus: undefined } });
  if (filter.reviewed !== undefined) chips.push({ key: 'reviewed', text: filter.reviewed ? 'reviewed' : 'not reviewed', clear: { reviewed: undefined } });
  if (filter.firstStep) {
    const pct = (x: number) => `${Math.round(x * 100)}%`;
    chips.push({ key: 'firstStep', text: `first tagged step at ${pct(filter.firstStep[0])}–${pct(filter.firstStep[1])} of the chain`, clear: { firstStep: undefined } });
  }
  if (filter.by?.length) chips.push({ key: 'by', text: `by: ${filter.by.join(', ')}`, clear: { by: undefined } });
  if (chips.length === 0) return null;
  return (
    <div className="field" data-testid="drill-chips">
      <span className="field-label">Drill-down</span>
      <div className="chips">
        {chips.map((c) => (
          <span key={c.key} className="chip on drill-chip" data-testid={`drill-chip-${c.key}`}>
            {c.text}
            <button className="btn-icon" aria-label={`Remove the filter: ${c.text}`} title="Remove this filter" onClick={() => set(c.clear)} data-testid={`drill-chip-remove-${c.key}`}>
              ✕
            </button>
          </span>
        ))}
      </div>
    </div>
  );
}

/** The filters of the library; each change is written to the URL hash and reloads the list from the top. */
export function FilterPanel({ searchRef }: { searchRef: React.RefObject<HTMLInputElement | null> }) {
  const filter = useFilters((s) => s.filter);
  const setFilter = useFilters((s) => s.setFilter);
  const runs = useWorkspace((s) => s.runs);
  const labels = useWorkspace((s) => s.labels);
  const annotator = useWorkspace((s) => s.session?.annotator);
  const annotators = useWorkspace((s) => s.annotators);

  // Tag counts change while annotating: re-read them on coming back to the library (the first load reads them already).
  useEffect(() => {
    if (useWorkspace.getState().loaded) void useWorkspace.getState().refreshAnnotators();
  }, []);
  // The automatic checks are annotators too (`auto:<check>`, the suggestions' author): they get their own control,
  // "Suggested by check", which sets the same filter field as "Annotated by".
  const isCheck = (name: string) => name.startsWith('auto:');
  const checks = annotators.filter((a) => a.kind === 'auto' || isCheck(a.name));
  const others = annotators.filter((a) => a.name !== annotator && !checks.includes(a));
  const chosenCheck = filter.annotator && isCheck(filter.annotator) ? filter.annotator : null;
  const chosenPerson = filter.annotator && !chosenCheck ? filter.annotator : null;
  // A name from the URL that is neither me nor a known annotator still shows as chosen (it matches nothing).
  const unknown = chosenPerson && chosenPerson !== annotator && !others.some((a) => a.name === chosenPerson) ? chosenPerson : null;
  const unknownCheck = chosenCheck && !checks.some((a) => a.name === chosenCheck) ? chosenCheck : null;

  // The search box and sample id are typed: apply them when the typing pauses.
  const [text, setText] = useState(filter.text ?? '');
  const [sample, setSample] = useState(filter.sampleId ?? '');
  useEffect(() => setText(filter.text ?? ''), [filter.text]);
  useEffect(() => setSample(filter.sampleId ?? ''), [filter.sampleId]);
  useEffect(() => {
    const t = setTimeout(() => {
      const v = text.trim() || undefined;
      if (v !== useFilters.getState().filter.text) setFilter({ text: v });
    }, 300);
    return () => clearTimeout(t);
  }, [text, setFilter]);
  useEffect(() => {
    const t = setTimeout(() => {
      const v = sample.trim() || undefined;
      if (v !== useFilters.getState().filter.sampleId) setFilter({ sampleId: v });
    }, 300);
    return () => clearTimeout(t);
  }, [sample, setFilter]);

  const set = (patch: Partial<ResponseFilter>) => setFilter(patch);
  const n = activeFilterCount(filter);

  return (
    <aside className="filters" aria-label="Filters" data-testid="filters">
      <div className="filters-head">
        <span className="section-title">Filters</span>
        {n > 0 && (
          <button className="link" onClick={() => useFilters.getState().reset()} data-testid="filter-reset">
            clear {n}
          </button>
        )}
      </div>

      <DrillChips filter={filter} set={set} />

      <label className="field">
        <span className="field-label">Search the chains</span>
        <input
          ref={searchRef}
          className="input"
          type="search"
          placeholder="words… (/ to focus)"
          value={text}
          maxLength={500}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') setFilter({ text: text.trim() || undefined });
          }}
          data-testid="filter-text"
        />
      </label>

      <fieldset className="field">
        <legend className="field-label">Level</legend>
        <ChipToggles options={LEVELS} chosen={filter.levels} onToggle={(l) => set({ levels: toggle(filter.levels, l) })} testId="filter-level" />
      </fieldset>

      <fieldset className="field">
        <legend className="field-label">Method</legend>
        <ChipToggles options={METHODS} chosen={filter.methods} onToggle={(m) => set({ methods: toggle(filter.methods, m) })} testId="filter-method" text={(m) => m.toUpperCase()} />
      </fieldset>

      <fieldset className="field">
        <legend className="field-label">Run</legend>
        <div className="check-list" data-testid="filter-runs">
          {runs.length === 0 && <span className="muted small">No runs imported</span>}
          {runs.map((r) => (
            <label key={r.id} className="check" title={`${r.responses.toLocaleString()} responses · ${r.levels.join(', ')}`}>
              <input type="checkbox" checked={!!filter.runs?.includes(r.name)} onChange={() => set({ runs: toggle(filter.runs, r.name) })} data-testid={`filter-run-${r.name}`} />
              <span className="check-text">{r.name}</span>
              <span className="muted small">{r.method}</span>
            </label>
          ))}
        </div>
      </fieldset>

      <div className="field-row">
        <label className="field">
          <span className="field-label">Answer</span>
          <select className="select" value={triState(filter.correct)} onChange={(e) => (set({ correct: fromTri(e.target.value) }), e.currentTarget.blur())} data-testid="filter-correct">
            <option value="">any</option>
            <option value="yes">✓ correct</option>
            <option value="no">✗ wrong</option>
          </select>
        </label>
        <label className="field">
          <span className="field-label">Format</span>
          <select
            className="select"
            value={filter.formatOk === undefined ? '' : filter.formatOk ? 'ok' : 'error'}
            onChange={(e) => (set({ formatOk: e.target.value === '' ? undefined : e.target.value === 'ok' }), e.currentTarget.blur())}
            data-testid="filter-format"
          >
            <option value="">any</option>
            <option value="ok">well-formed</option>
            <option value="error">format error</option>
          </select>
        </label>
      </div>

      <div className="field-row">
        <label className="field">
          <span className="field-label">Score vs file</span>
          <select className="select" value={triState(filter.disagreement)} onChange={(e) => (set({ disagreement: fromTri(e.target.value) }), e.currentTarget.blur())} data-testid="filter-disagreement">
            <option value="">any</option>
            <option value="yes">disagree</option>
            <option value="no">agree</option>
          </select>
        </label>
        <label className="field">
          <span className="field-label">Review</span>
          <select
            className="select"
            value={filter.review ?? ''}
            onChange={(e) => (set({ review: (e.target.value || undefined) as ResponseFilter['review'] }), e.currentTarget.blur())}
            data-testid="filter-review"
          >
            <option value="">any</option>
            <option value="todo">to do</option>
            <option value="done">done</option>
            <option value="skipped">skipped</option>
          </select>
        </label>
      </div>

      <div className="field-row">
        <label className="field">
          <span className="field-label">My verdict</span>
          <select
            className="select"
            value={filter.verdict ?? ''}
            onChange={(e) => (set({ verdict: (e.target.value || undefined) as ResponseFilter['verdict'] }), e.currentTarget.blur())}
            data-testid="filter-verdict"
          >
            <option value="">any</option>
            <option value="yes">supports</option>
            <option value="no">does not support</option>
            <option value="unclear">unclear</option>
            <option value="none">no verdict yet</option>
          </select>
        </label>
        <label className="field">
          <span className="field-label">Sample id</span>
          <input className="input" value={sample} onChange={(e) => setSample(e.target.value)} placeholder="e.g. 2051" data-testid="filter-sample" />
        </label>
      </div>

      <label className="field">
        <span className="field-label">Annotated by</span>
        <select
          className="select"
          value={chosenPerson ?? ''}
          onChange={(e) => (set({ annotator: e.target.value || (chosenCheck ?? undefined) }), e.currentTarget.blur())}
          title="Responses this annotator tagged or gave a verdict"
          data-testid="filter-annotator"
        >
          <option value="">anyone</option>
          {annotator && <option value={annotator}>me ({annotator})</option>}
          {others.map((a) => (
            <option key={a.name} value={a.name}>
              {a.name}
              {a.kind !== 'human' ? ` · ${a.kind}` : ''} ({a.tags.toLocaleString()} tag{a.tags === 1 ? '' : 's'})
            </option>
          ))}
          {unknown && <option value={unknown}>{unknown}</option>}
        </select>
      </label>

      <label className="field">
        <span className="field-label">Suggested by check</span>
        <select
          className="select"
          value={chosenCheck ?? ''}
          disabled={checks.length === 0 && !chosenCheck}
          onChange={(e) => (set({ annotator: e.target.value || (chosenPerson ?? undefined) }), e.currentTarget.blur())}
          title={
            'Responses on which this automatic check proposed a tag, open or decided (in brackets: its suggestions). ' +
            'It narrows the same field as ' +
            '“Annotated by”: choose one or the other.'
          }
          data-testid="filter-check"
        >
          <option value="">{checks.length === 0 && !chosenCheck ? 'no check has run' : 'any (no check filter)'}</option>
          {checks.map((a) => (
            <option key={a.name} value={a.name}>
              {a.name.replace(/^auto:/, '')} ({a.tags.toLocaleString()})
            </option>
          ))}
          {unknownCheck && <option value={unknownCheck}>{unknownCheck.replace(/^auto:/, '')}</option>}
        </select>
        {chosenCheck && <span className="muted small">Open or decided; this takes the place of “Annotated by”.</span>}
      </label>
      <label className="field check" title="Responses where a check's suggestion waits for someone to accept or reject it">
        <input
          type="checkbox"
          checked={filter.undecided === true}
          onChange={(e) => set({ undecided: e.target.checked || undefined })}
          data-testid="filter-undecided"
        />
        <span className="check-text">undecided suggestions only</span>
      </label>

      <fieldset className="field">
        <legend className="field-label">Has label</legend>
        <div className="check-list" data-testid="filter-labels">
          {labels.map((l) => (
            <label key={l.key} className="check" title={l.description}>
              <input type="checkbox" checked={!!filter.labels?.includes(l.key)} onChange={() => set({ labels: toggle(filter.labels, l.key) })} data-testid={`filter-label-${l.key}`} />
              <Swatch color={l.color} />
              <span className={`check-text${l.retired ? ' retired' : ''}`}>{l.name}</span>
              <span className="muted small num">{l.tagCount || ''}</span>
            </label>
          ))}
        </div>
      </fieldset>
    </aside>
  );
}
