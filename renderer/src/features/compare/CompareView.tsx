// Compare: two or more runs on the same questions. Left, the outcome matrix of the first two runs (per level and
// overall) and the questions of the chosen cell / filters; right, one question: its video and observation image once,
// the question, and one column per run with its chain, tags and verdict. Each column is a workbench of its own
// (columnWorkbench(i)) rendered with the workbench's own components; the focused column takes the workbench keys.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef } from 'react';
import type { CompareQuestion, Level } from '../../../../shared/api.ts';
import { hint, useHotkeys } from '../../hotkeys.ts';
import { useAnnotations } from '../../stores/annotations.ts';
import { useCompare } from '../../stores/compare.ts';
import { useDashboard } from '../../stores/dashboard.ts';
import { useUi } from '../../stores/ui.ts';
import { columnWorkbench, useWb, WorkbenchContext } from '../../stores/workbench.ts';
import { useWorkspace } from '../../stores/workspace.ts';
import { ChipToggles } from '../../ui/ChipToggles.tsx';
import { Kbd } from '../../ui/Kbd.tsx';
import { annotateHandlers, clearSelection } from '../workbench/annotate.tsx';
import { LabelPalette } from '../workbench/LabelPalette.tsx';
import { QuestionPanel } from '../workbench/QuestionPanel.tsx';
import { Timeline } from '../workbench/Timeline.tsx';
import { DEFAULT_MAPPING } from '../workbench/timeline-math.ts';
import { ObservationImage, VideoPanel } from '../workbench/VideoPanel.tsx';
import { CompareColumn } from './CompareColumn.tsx';
import { OutcomeMatrix } from './OutcomeMatrix.tsx';
import './compare.css';

const LEVELS: Level[] = ['L1', 'L2', 'L3'];

function toggle<T>(list: readonly T[], v: T): T[] {
  return list.includes(v) ? list.filter((x) => x !== v) : [...list, v];
}

/** Which runs, levels, domains, and the audit filters. */
function CompareBar() {
  const runs = useWorkspace((s) => s.runs);
  const labels = useWorkspace((s) => s.labels);
  const chosen = useCompare((s) => s.runs);
  const levels = useCompare((s) => s.levels);
  const domains = useCompare((s) => s.domains);
  const rightFlawed = useCompare((s) => s.rightFlawed);
  const disagree = useCompare((s) => s.disagree);
  const labelOnly = useCompare((s) => s.labelOnly);
  const available = useDashboard((s) => s.available);
  const c = () => useCompare.getState();
  const domainList = available?.domains ?? [];
  return (
    <div className="cmp-bar" data-testid="compare-bar">
      <div className="cmp-bar-group" role="group" aria-label="Runs to compare">
        <span className="field-label">Runs</span>
        <div className="chips">
          {runs.map((r) => {
            const i = chosen.indexOf(r.name);
            return (
              <label key={r.id} className={`chip${i >= 0 ? ' on' : ''}`} title={`${r.method} · ${r.responses.toLocaleString()} responses · ${r.levels.join(', ')}`}>
                <input type="checkbox" checked={i >= 0} onChange={() => c().toggleRun(r.name)} data-testid={`compare-run-${r.name}`} />
                {i === 0 && <b className="cmp-pair">A</b>}
                {i === 1 && <b className="cmp-pair">B</b>}
                {i > 1 && <b className="cmp-pair muted">{i + 1}</b>}
                {r.name}
              </label>
            );
          })}
        </div>
        {chosen.length >= 2 && (
          <button className="link small" onClick={() => c().choose({ runs: [chosen[1], chosen[0], ...chosen.slice(2)] })} title="Swap runs A and B" data-testid="compare-swap">
            swap A/B
          </button>
        )}
      </div>
      <div className="cmp-bar-group" role="group" aria-label="Levels">
        <span className="field-label">Level</span>
        <ChipToggles options={LEVELS} chosen={levels} onToggle={(l) => c().choose({ levels: toggle(levels, l), cell: null })} testId="compare-level" />
      </div>
      {domainList.length > 0 && (
        <div className="cmp-bar-group" role="group" aria-label="L3 domains">
          <span className="field-label">Domain</span>
          <ChipToggles options={domainList} chosen={domains} onToggle={(d) => c().choose({ domains: toggle(domains, d), cell: null })} testId="compare-domain" />
        </div>
      )}
      <div className="cmp-bar-group" role="group" aria-label="Audit filters">
        <label className={`chip${rightFlawed ? ' on' : ''}`} title="Some run's correct response carries a tag, or a verdict says its reasoning does not support the answer">
          <input type="checkbox" checked={rightFlawed} onChange={() => c().choose({ rightFlawed: !rightFlawed })} data-testid="compare-right-flawed" />
          right answer, flawed reasoning
        </label>
        <label className={`chip${disagree ? ' on' : ''}`} title="The runs' majority predictions differ (or one is right and another wrong)">
          <input type="checkbox" checked={disagree} onChange={() => c().choose({ disagree: !disagree })} data-testid="compare-disagree" />
          runs disagree
        </label>
        <span className="field-label">Label only in</span>
        <select
          className="select select-small"
          value={labelOnly?.label ?? ''}
          onChange={(e) => {
            const label = e.target.value;
            c().choose({ labelOnly: label ? { label, run: labelOnly?.run && chosen.includes(labelOnly.run) ? labelOnly.run : (chosen[0] ?? '') } : null });
            e.currentTarget.blur();
          }}
          aria-label="A label present in one run and absent in the others"
          data-testid="compare-only-label"
        >
          <option value="">(any label)</option>
          {labels
            .filter((l) => !l.retired)
            .map((l) => (
              <option key={l.key} value={l.key}>
                {l.name}
              </option>
            ))}
        </select>
        <select
          className="select select-small"
          value={labelOnly?.run ?? ''}
          disabled={!labelOnly}
          onChange={(e) => {
            if (labelOnly) c().choose({ labelOnly: { label: labelOnly.label, run: e.target.value } });
            e.currentTarget.blur();
          }}
          aria-label="The run that has the label"
          data-testid="compare-only-run"
        >
          {chosen.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}

function mark(q: CompareQuestion, i: number) {
  const r = q.runs[i];
  if (!r || r.responseIds.length === 0) return <span className="muted">·</span>;
  const preds = r.predictions.map((p) => p ?? '∅').join('');
  return (
    <span className={r.right ? 'cmp-right' : 'cmp-wrong'} title={`${r.run}: ${r.correct} of ${r.responseIds.length} correct (predicted ${preds})`}>
      {r.right ? '✓' : '✗'} {preds}
    </span>
  );
}

/** Height of a row of the walk (compare.css .cmp-walk-row). */
const WALK_ROW = 27;
/** Rows drawn past the last on screen. */
const WALK_OVERSCAN = 10;
/** The next page is fetched when the last row drawn comes this close to the end of those fetched. */
const WALK_FETCH_AHEAD = 5;

/**
 * The questions being walked through, with the one shown marked; f / b step through them. Only the rows on screen are
 * drawn, and the next page of questions is fetched as the list is scrolled (or stepped) near the end of those fetched.
 */
function QuestionWalk() {
  const questions = useCompare((s) => s.questions);
  const total = useCompare((s) => s.total);
  const sample = useCompare((s) => s.sample);
  const runs = useCompare((s) => s.runs);
  const loading = useCompare((s) => s.loading);
  const loadingMore = useCompare((s) => s.loadingMore);
  const i = questions.findIndex((q) => q.sampleKey === sample);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: questions.length, getScrollElement: () => scrollRef.current, estimateSize: () => WALK_ROW, overscan: WALK_OVERSCAN });
  const items = virtualizer.getVirtualItems();
  // The next page comes with WALK_OVERSCAN + WALK_FETCH_AHEAD rows (15) still to scroll.
  const last = items.length ? items[items.length - 1].index : -1;
  useEffect(() => {
    if (last >= questions.length - WALK_FETCH_AHEAD && questions.length < total) void useCompare.getState().loadMore();
  }, [last, questions.length, total]);
  useEffect(() => {
    if (i >= 0) virtualizer.scrollToIndex(i, { align: 'auto' });
  }, [i, virtualizer]);
  return (
    <section className="cmp-walk" data-testid="compare-walk">
      <div className="section-head">
        <span className="section-title">Questions</span>
        <span className="muted small" data-testid="compare-position">
          {questions.length === 0 ? (loading ? 'loading…' : 'none') : `${i >= 0 ? i + 1 : '–'} of ${total.toLocaleString()}`}
        </span>
        <span className="header-spacer" />
        <div className="btn-group">
          <button className="btn btn-small" onClick={() => void useCompare.getState().step(-1)} title={hint('comparePrevQuestion')} data-testid="compare-prev">
            ‹ <Kbd action="comparePrevQuestion" />
          </button>
          <button className="btn btn-small" onClick={() => void useCompare.getState().step(1)} title={hint('compareNextQuestion')} data-testid="compare-next">
            <Kbd action="compareNextQuestion" /> ›
          </button>
        </div>
      </div>
      <div className="cmp-walk-list" ref={scrollRef} data-testid="compare-walk-list" data-loaded={questions.length}>
        <ul className="cmp-walk-rows" style={{ height: virtualizer.getTotalSize() }}>
            {items.map((it) => {
              const q = questions[it.index];
              return (
                <li
                  key={q.sampleKey}
                  className={`cmp-walk-row${q.sampleKey === sample ? ' current' : ''}`}
                  style={{ transform: `translateY(${it.start}px)` }}
                  onClick={() => useCompare.getState().openQuestion(q.sampleKey)}
                  data-testid="compare-question"
                  data-sample-key={q.sampleKey}
                  aria-current={q.sampleKey === sample || undefined}
                >
                  <span className={`level level-${q.level}`}>{q.level}</span>
                  <span className="mono small cmp-walk-id">{q.sampleId}</span>
                  {runs.slice(0, 4).map((r, k) => (
                    <span key={r} className="small mono cmp-walk-mark">
                      {mark(q, k)}
                    </span>
                  ))}
                </li>
              );
            })}
        </ul>
      </div>
      {loadingMore && <div className="muted small">loading more questions…</div>}
    </section>
  );
}

/** The video, timeline and observation image of the question, once; the timeline shows the focused column's tags. */
function SharedMedia() {
  const focus = useCompare((s) => s.focus);
  return (
    <WorkbenchContext.Provider value={columnWorkbench(focus)}>
      <FocusedMedia />
    </WorkbenchContext.Provider>
  );
}

function FocusedMedia() {
  const detail = useWb((s) => s.detail);
  const datasets = useWorkspace((s) => s.datasets);
  const labels = useWorkspace((s) => s.labels);
  if (!detail) return <div className="cmp-media muted small">No response of this run to show the video with.</div>;
  const mapping = datasets.find((d) => d.id === detail.sample.datasetId)?.frameMapping || DEFAULT_MAPPING;
  return (
    <>
      <div className="cmp-media">
        <VideoPanel video={detail.video} />
        {(detail.video?.expected || detail.sample.taskProgress.length > 0) && <Timeline detail={detail} mapping={mapping} labels={labels} />}
      </div>
      <div className="cmp-obs">
        <ObservationImage image={detail.image} frame={detail.sample.currentObservationFrame} />
      </div>
      <div className="cmp-question">
        <QuestionPanel detail={detail} />
      </div>
    </>
  );
}

export function CompareView() {
  const runs = useCompare((s) => s.runs);
  const focus = useCompare((s) => s.focus);
  const sample = useCompare((s) => s.sample);
  const questions = useCompare((s) => s.questions);
  const rollouts = useCompare((s) => s.rollouts);
  const loadedKey = useCompare((s) => s.loadedKey);
  const error = useCompare((s) => s.error);
  const key = useCompare((s) => [s.runs, s.levels, s.domains, s.cell?.level, s.cell?.outcome, s.rightFlawed, s.disagree, s.labelOnly?.label, s.labelOnly?.run].join('|'));
  const workspaceRuns = useWorkspace((s) => s.runs);
  const workspace = useWorkspace((s) => s.session?.workspace);
  const palette = useUi((s) => s.palette);
  const savedAt = useAnnotations((s) => s.savedAt);

  // Two runs to start with: the first RL and the first SFT run.
  useEffect(() => {
    useCompare.getState().pickDefaultRuns(workspaceRuns);
  }, [workspaceRuns]);
  useEffect(() => {
    if (workspace) void useDashboard.getState().loadAvailable(workspace);
  }, [workspace]);
  useEffect(() => {
    void useCompare.getState().load();
  }, [key, workspace]);
  useEffect(() => {
    useCompare.getState().syncColumns();
  }, [sample, questions, rollouts, runs]);
  // Tags and verdicts change the questions' label counts and the audit filters' answers.
  useEffect(() => {
    if (savedAt === null) return;
    const t = setTimeout(() => void useCompare.getState().refresh(), 400);
    return () => clearTimeout(t);
  }, [savedAt]);

  const focused = () => columnWorkbench(useCompare.getState().focus);
  useHotkeys('compare', {
    compareNextQuestion: () => void useCompare.getState().step(1),
    comparePrevQuestion: () => void useCompare.getState().step(-1),
    compareNextColumn: () => useCompare.getState().cycleFocus(1),
    comparePrevColumn: () => useCompare.getState().cycleFocus(-1),
    compareNextRollout: () => useCompare.getState().cycleRollout(1),
    comparePrevRollout: () => useCompare.getState().cycleRollout(-1),
  });
  useHotkeys('workbench', {
    ...annotateHandlers(focused),
    // Esc clears the focused column's selection; with nothing to clear it falls through (closes an overlay).
    escape: () => clearSelection(focused()),
  });

  const question = useMemo(() => questions.find((q) => q.sampleKey === sample) ?? null, [questions, sample]);
  const ready = loadedKey !== null;

  return (
    <div className="compare" data-testid="compare">
      <CompareBar />
      <div className="cmp-body">
        <aside className="cmp-side">
          <OutcomeMatrix />
          <QuestionWalk />
        </aside>
        <section className="cmp-main" data-testid="compare-main">
          {runs.length < 2 ? (
            <div className="wb-loading muted">Choose two or more runs to compare.</div>
          ) : error ? (
            <div className="wb-loading error-text">{error}</div>
          ) : !question ? (
            <div className="wb-loading muted">{ready ? 'No question matches these filters.' : 'Loading…'}</div>
          ) : (
            <>
              <div className="cmp-top" data-testid="compare-question-head" data-sample-key={question.sampleKey}>
                <SharedMedia />
              </div>
              <div className={`cmp-columns${runs.length > 2 ? ' many' : ''}`} style={{ gridTemplateColumns: `repeat(${runs.length}, minmax(0, 1fr))` }}>
                {runs.map((run, i) => (
                  <WorkbenchContext.Provider key={run} value={columnWorkbench(i)}>
                    <CompareColumn index={i} run={run} cell={question.runs.find((c) => c.run === run) ?? null} focused={i === focus} golden={question.golden} />
                  </WorkbenchContext.Provider>
                ))}
              </div>
            </>
          )}
        </section>
      </div>
      {palette && (
        <WorkbenchContext.Provider value={columnWorkbench(focus)}>
          <LabelPalette />
        </WorkbenchContext.Provider>
      )}
    </div>
  );
}
