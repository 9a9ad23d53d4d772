// One run's column in the compare view: its rollouts (switcher), prediction against the golden answer, verdict and
// review, the chain and the tag panel: the workbench's own components, acting on this column's workbench store
// (the WorkbenchContext around it). A click anywhere in it gives it the keyboard.
import type { CompareRunCell, Letter } from '../../../../shared/api.ts';
import { hint } from '../../hotkeys.ts';
import { useCompare } from '../../stores/compare.ts';
import { useWb } from '../../stores/workbench.ts';
import { useWorkspace } from '../../stores/workspace.ts';
import { Badge } from '../../ui/Badge.tsx';
import { Kbd } from '../../ui/Kbd.tsx';
import { VerdictControls } from '../workbench/annotate.tsx';
import { ChainView } from '../workbench/ChainView.tsx';
import { TagPanel } from '../workbench/TagPanel.tsx';

export function CompareColumn({ index, run, cell, focused, golden }: { index: number; run: string; cell: CompareRunCell | null; focused: boolean; golden: Letter | null }) {
  const detail = useWb((s) => s.detail);
  const loadError = useWb((s) => s.loadError);
  const labels = useWorkspace((s) => s.labels);
  const method = useWorkspace((s) => s.runs.find((r) => r.name === run)?.method);
  const rollout = useCompare((s) => s.rollouts[index] ?? 0);
  const ids = cell?.responseIds ?? [];
  const current = detail && ids.includes(detail.id) ? detail : null;
  const pair = index === 0 ? 'A' : index === 1 ? 'B' : null;

  return (
    <section
      className={`cmp-col${focused ? ' focused' : ''}`}
      data-testid="compare-column"
      data-run={run}
      data-focused={focused || undefined}
      data-response-id={current?.id}
      aria-label={`${run}${focused ? ' (takes the keys)' : ''}`}
      onMouseDownCapture={() => {
        if (!focused) useCompare.getState().focusColumn(index);
      }}
    >
      <div className="cmp-col-head">
        {pair && <b className="cmp-pair">{pair}</b>}
        <span className="run-name">{run}</span>
        {method && <span className={`method method-${method}`}>{method}</span>}
        {ids.length > 1 && (
          <div className="segmented cmp-rollouts" role="group" aria-label="Rollouts" title={`${hint('compareNextRollout')}`}>
            {ids.map((id, k) => {
              const p = cell?.predictions[k] ?? null;
              return (
                <button
                  key={id}
                  className={`seg${k === Math.min(rollout, ids.length - 1) ? ' on' : ''}`}
                  aria-pressed={k === rollout}
                  onClick={() => useCompare.getState().setRollout(index, k)}
                  title={`rollout ${k}: predicted ${p ?? 'nothing'}${p && golden ? (p === golden ? ' (right)' : ' (wrong)') : ''}`}
                  data-testid="compare-rollout"
                >
                  {k} <span className={p && p === golden ? 'cmp-right' : 'cmp-wrong'}>{p ?? '∅'}</span>
                </button>
              );
            })}
          </div>
        )}
        <span className="header-spacer" />
        {focused ? (
          <span className="muted small">keys here</span>
        ) : (
          <span className="muted small">
            <Kbd action="compareNextColumn" /> / click to focus
          </span>
        )}
      </div>
      {ids.length === 0 ? (
        <div className="wb-loading muted">{run} has no response to this question.</div>
      ) : !current ? (
        <div className="wb-loading muted">{loadError ? `This response could not be opened: ${loadError}` : 'Loading…'}</div>
      ) : (
        <>
          <div className="cmp-col-answer" data-testid="compare-answer">
            <span>
              predicted <b className="mono">{current.prediction ?? '—'}</b> · golden <b className="mono">{current.sample.golden ?? '—'}</b>
            </span>
            {current.correct ? <Badge tone="ok">✓ right</Badge> : <Badge tone="bad">✗ wrong</Badge>}
            {!current.formatOk && <Badge tone="warn">format</Badge>}
            <span className="muted small">
              #{current.id} · rollout {current.rollout}
              {cell && ids.length > 1 ? ` · ${cell.correct}/${ids.length} right` : ''}
            </span>
          </div>
          <div className="cmp-col-verdict">
            <VerdictControls detail={current} compact />
          </div>
          <div className="cmp-col-body">
            <section className="panel chain-panel">
              <div className="panel-head">
                <span className="section-title">Chain of thought</span>
                <span className="muted small nowrap">{current.steps.length} steps</span>
              </div>
              <ChainView detail={current} labels={labels} />
            </section>
            <TagPanel detail={current} />
          </div>
        </>
      )}
    </section>
  );
}
