// Inter-annotator agreement, one row per pair of annotators over the responses both reviewed: Krippendorff's α over
// (response, label), Cohen's κ on verdicts, steps and per label, and the time-range IoU. Used by the Team view and
// the dashboard (which passes its annotator filter).
import { useEffect, useState } from 'react';
import type { AgreementReport } from '../../../../shared/api.ts';
import { call, shown } from '../../api.ts';
import './team.css';

const UNDEFINED_HINT = 'undefined: no items, or both annotators gave one and the same value throughout (chance explains all agreement)';

function Stat({ value, n }: { value: number | null; n?: number }) {
  if (value === null) {
    return (
      <span className="muted" title={UNDEFINED_HINT}>
        –
      </span>
    );
  }
  const tone = value >= 0.8 ? 'agree-high' : value >= 0.6 ? 'agree-mid' : value >= 0.4 ? 'agree-low' : 'agree-poor';
  return (
    <span className={`num agree ${tone}`}>
      {value.toFixed(2)}
      {n !== undefined && <span className="muted small"> ({n})</span>}
    </span>
  );
}

export function AgreementPanel({ annotators, refreshKey }: { annotators?: readonly string[]; refreshKey?: unknown }) {
  const [report, setReport] = useState<AgreementReport | null>(null);
  const key = (annotators ?? []).join('\u0000');
  useEffect(() => {
    let live = true;
    call('getAgreement', annotators && annotators.length ? { annotators: [...annotators] } : {})
      .then((r) => live && setReport(r))
      .catch(shown);
    return () => {
      live = false;
    };
  }, [key, refreshKey]);

  const labels = report ? [...new Set(report.pairs.flatMap((p) => Object.keys(p.kappa)))].sort() : [];
  return (
    <section className="panel agreement-panel" data-testid="agreement-panel" aria-label="Inter-annotator agreement">
      <div className="panel-head">
        <strong>Agreement between annotators</strong>
        <span className="muted small">over the responses both reviewed (a verdict, a tag, or review done); adjudication tags not counted</span>
      </div>
      {!report ? (
        <div className="muted small agreement-empty">Loading…</div>
      ) : report.pairs.length === 0 ? (
        <div className="muted small agreement-empty" data-testid="agreement-none">
          No two annotators have reviewed a response in common yet{annotators?.length ? ' (among the chosen annotators)' : ''}.
        </div>
      ) : (
        <div className="agreement-scroll">
          <table className="table agreement-table">
            <thead>
              <tr>
                <th>Pair</th>
                <th className="num">Responses</th>
                <th className="num" title="Krippendorff's α (nominal), one unit per (response, label) over the labels either used, present / absent">
                  α labels
                </th>
                <th className="num" title="Cohen's κ on the verdicts (yes / no / unclear), over the responses both judged">κ verdict</th>
                <th className="num" title="Cohen's κ over every step of the responses where both tagged steps">κ steps</th>
                <th className="num" title="Mean intersection over union of the time ranges, per (response, label) both marked">IoU time</th>
                {labels.map((l) => (
                  <th key={l} className="num" title={`Cohen's κ on whether ${l} is present`}>
                    κ {l}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {report.pairs.map((p) => (
                <tr key={p.annotators.join('|')} data-testid="agreement-pair" data-pair={p.annotators.join('|')}>
                  <td className="nowrap">
                    {p.annotators[0]} × {p.annotators[1]}
                  </td>
                  <td className="num">{p.responses}</td>
                  <td className="num" data-testid="agreement-alpha">
                    <Stat value={p.alpha} />
                  </td>
                  <td className="num">
                    <Stat value={p.verdict_kappa} n={p.verdict_responses} />
                  </td>
                  <td className="num">
                    <Stat value={p.step_kappa} n={p.step_responses} />
                  </td>
                  <td className="num">
                    <Stat value={p.time_iou} n={p.time_pairs} />
                  </td>
                  {labels.map((l) => (
                    <td key={l} className="num">
                      {l in p.kappa ? <Stat value={p.kappa[l]} /> : <span className="muted">·</span>}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <div className="muted small">– undefined (hover for why) · (n) items the figure is over</div>
        </div>
      )}
    </section>
  );
}
