// Teammates: the disagreements between annotators (left) and the one open for adjudication (right), agreement figures
// for the same annotators, and the pack import. #/team/123 opens response 123's case.
import { useEffect, useRef } from 'react';
import type { Supports } from '../../../../shared/api.ts';
import { useHotkeys } from '../../hotkeys.ts';
import { useRoute } from '../../stores/route.ts';
import { useWorkspace } from '../../stores/workspace.ts';
import { Badge } from '../../ui/Badge.tsx';
import { AdjudicationPanel } from './AdjudicationPanel.tsx';
import { AgreementPanel } from './AgreementPanel.tsx';
import { PackImportDialog } from './PackImportDialog.tsx';
import { useTeam, type CaseState } from './team-store.ts';
import './team.css';

const STATES: { v: CaseState; text: string }[] = [
  { v: 'all', text: 'All' },
  { v: 'open', text: 'Open' },
  { v: 'resolved', text: 'Resolved' },
];

function DisagreementList() {
  const page = useTeam((s) => s.page);
  const state = useTeam((s) => s.state);
  const current = useTeam((s) => s.responseId);
  const loading = useTeam((s) => s.loading);
  return (
    <>
      <div className="team-list-head">
        <div className="segmented" role="group" aria-label="Which disagreements">
          {STATES.map((s) => (
            <button key={s.v} className={`seg${state === s.v ? ' on' : ''}`} aria-pressed={state === s.v} onClick={() => useTeam.getState().setState(s.v)} data-testid={`adj-state-${s.v}`}>
              {s.text}
            </button>
          ))}
        </div>
        {loading && <span className="spinner" aria-label="loading" />}
        <span className="muted small" data-testid="adj-summary">
          {page ? `${page.total} listed · ${page.resolved} resolved by you` : ''}
        </span>
      </div>
      {page && page.rows.length === 0 ? (
        <div className="muted small team-empty" data-testid="adj-none">
          {state === 'all'
            ? 'No disagreements: no response was reviewed by two annotators who differ on a label or a verdict. Import a teammate’s pack, or a judge’s labels (cotscope import-tags).'
            : `No ${state} disagreements.`}
        </div>
      ) : (
        <ul className="team-list" data-testid="adj-list">
          {page?.rows.map((r) => (
            <li key={r.responseId}>
              <button
                className={`team-row${current === r.responseId ? ' active' : ''}`}
                onClick={() => useRoute.getState().open({ name: 'team', responseId: r.responseId })}
                data-testid="adj-row"
                data-response-id={r.responseId}
                data-resolved={r.resolved ? '1' : '0'}
              >
                <span className="team-row-id">
                  <span className="run-name">{r.run}</span> <span className="muted">{r.level}</span> <span className="mono">{r.sampleId}</span>
                  {r.rollout > 0 && <span className="muted"> #{r.rollout}</span>}
                </span>
                <span className="team-row-what small">
                  {r.labels.map((l) => (
                    <span key={l} className="team-label">
                      {l}
                    </span>
                  ))}
                  {r.verdicts && <span className="team-label team-label-verdict">verdict</span>}
                </span>
                <span className="team-row-state small">
                  {r.resolved ? (
                    <Badge tone="ok">resolved</Badge>
                  ) : (
                    <span className="muted">
                      {r.decided}/{r.toDecide} decided
                    </span>
                  )}
                  <span className="muted"> · {r.raters.join(', ')}</span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function RaterPicker() {
  const annotators = useWorkspace((s) => s.annotators);
  const raters = useTeam((s) => s.raters);
  if (annotators.length < 2) return null;
  const toggle = (name: string) => {
    const next = raters.includes(name) ? raters.filter((r) => r !== name) : [...raters, name];
    useTeam.getState().setRaters(next);
  };
  return (
    <div className="team-raters">
      <span className="field-label">Raters</span>
      <div className="chips">
        {annotators.map((a) => (
          <label key={a.name} className={`chip${raters.includes(a.name) ? ' on' : ''}`} title={`${a.kind}: ${a.tags} tags, ${a.verdicts} verdicts`}>
            <input type="checkbox" checked={raters.includes(a.name)} onChange={() => toggle(a.name)} data-testid={`adj-rater-${a.name}`} />
            {a.name}
            {a.kind !== 'human' && <span className="muted small"> · {a.kind}</span>}
          </label>
        ))}
      </div>
      <span className="muted small">{raters.length ? 'only these' : 'everyone'}</span>
    </div>
  );
}

export function TeamView({ responseId }: { responseId: number | null }) {
  const kase = useTeam((s) => s.kase);
  const response = useTeam((s) => s.response);
  const packDialog = useTeam((s) => s.packDialog);
  const raters = useTeam((s) => s.raters);
  const packReport = useTeam((s) => s.packReport);

  useEffect(() => {
    void useTeam.getState().load();
    void useWorkspace.getState().refreshAnnotators();
  }, []);
  useEffect(() => {
    void useTeam.getState().open(responseId);
  }, [responseId]);
  // Decisions are per adjudicator: another annotator name (header) sees their own.
  const me = useWorkspace((s) => s.session?.annotator);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    void useTeam.getState().load();
    const id = useTeam.getState().responseId;
    if (id !== null) void useTeam.getState().open(id);
  }, [me]);

  const current = () => {
    const t = useTeam.getState();
    return t.kase?.tags[t.cursor] ?? null;
  };
  const verdict = (s: Supports) => () => {
    if (useTeam.getState().kase) void useTeam.getState().pickVerdict(s);
  };
  useHotkeys('team', {
    adjNextTag: () => useTeam.getState().move(1),
    adjPrevTag: () => useTeam.getState().move(-1),
    adjKeep: () => {
      const c = current();
      if (!c) return false;
      // Decided: on to the next tag, as a reviewer works down the columns.
      void useTeam.getState().decide(c.tag.uuid, 'keep').then(() => useTeam.getState().move(1));
    },
    adjDrop: () => {
      const c = current();
      if (!c) return false;
      // Decided: on to the next tag, as a reviewer works down the columns.
      void useTeam.getState().decide(c.tag.uuid, 'drop').then(() => useTeam.getState().move(1));
    },
    adjEdit: () => {
      const c = current();
      if (!c) return false;
      useTeam.getState().setEditing(c.tag.uuid);
    },
    adjNextCase: () => useTeam.getState().go(1),
    adjPrevCase: () => useTeam.getState().go(-1),
    adjVerdictYes: verdict('yes'),
    adjVerdictNo: verdict('no'),
    adjVerdictUnclear: verdict('unclear'),
  });

  return (
    <div className="team" data-testid="team">
      <aside className="team-side panel" aria-label="Disagreements">
        <div className="panel-head">
          <strong>Disagreements</strong>
          <span className="header-spacer" />
          <button className="btn btn-small" onClick={() => useTeam.getState().setPackDialog(true)} data-testid="open-pack-import">
            Import teammate’s pack…
          </button>
        </div>
        <RaterPicker />
        <DisagreementList />
      </aside>
      <section className="team-main">
        {responseId === null ? (
          <div className="muted team-placeholder">Pick a disagreement on the left (or press <kbd className="kbd">]</kbd>) to adjudicate it.</div>
        ) : kase && response && kase.responseId === responseId ? (
          <AdjudicationPanel kase={kase} response={response} />
        ) : (
          <div className="muted team-placeholder">Loading…</div>
        )}
        <AgreementPanel annotators={raters} refreshKey={packReport} />
      </section>
      {packDialog && <PackImportDialog />}
    </div>
  );
}
