// The outcome matrix of runs A and B, per level and overall, over the questions both answered: both right, only A,
// only B, both wrong (a run is right on a question when at least half its responses are). Each count is a button that
// walks that cell's questions.
import type { Outcome } from '../../../../shared/api.ts';
import { OUTCOMES, useCompare } from '../../stores/compare.ts';

const OUTCOME_TEXT: Record<Outcome, string> = { both_right: 'both right', only_a: 'only A right', only_b: 'only B right', both_wrong: 'both wrong' };
const ORDER = ['L1', 'L2', 'L3', 'train', 'all'];

export function OutcomeMatrix() {
  const matrix = useCompare((s) => s.matrix);
  const cell = useCompare((s) => s.cell);
  const runs = useCompare((s) => s.runs);
  if (runs.length < 2) return null;
  const rows = matrix ? Object.keys(matrix.levels).sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b)) : [];
  return (
    <section className="cmp-matrix" data-testid="outcome-matrix">
      <div className="section-head">
        <span className="section-title">Outcomes</span>
        <span className="muted small" title="Run A and run B">
          A = {runs[0]} · B = {runs[1]}
        </span>
      </div>
      <table className="cmp-matrix-table">
        <thead>
          <tr>
            <th />
            {OUTCOMES.map((o) => (
              <th key={o} scope="col" className="num">
                {o === 'both_right' ? 'both ✓' : o === 'only_a' ? 'only A' : o === 'only_b' ? 'only B' : 'both ✗'}
              </th>
            ))}
            <th className="num muted" scope="col">
              n
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((level) => {
            const counts = matrix!.levels[level];
            const n = OUTCOMES.reduce((s, o) => s + counts[o], 0);
            return (
              <tr key={level} className={level === 'all' ? 'cmp-matrix-all' : undefined}>
                <th scope="row">{level === 'all' ? 'overall' : level}</th>
                {OUTCOMES.map((o) => {
                  const on = cell?.level === level && cell.outcome === o;
                  return (
                    <td key={o} className="num">
                      <button
                        className={`cmp-cell cmp-cell-${o}${on ? ' on' : ''}`}
                        aria-pressed={on}
                        disabled={counts[o] === 0 && !on}
                        onClick={() => useCompare.getState().chooseCell({ level, outcome: o })}
                        title={`${level === 'all' ? 'All levels' : level}: ${OUTCOME_TEXT[o]} — ${counts[o]} question${counts[o] === 1 ? '' : 's'} (click to walk them)`}
                        data-testid={`matrix-${level}-${o}`}
                      >
                        {counts[o]}
                      </button>
                    </td>
                  );
                })}
                <td className="num muted">{n}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {matrix && rows.length === 0 && <div className="muted small">No question was answered by both runs.</div>}
      {cell && (
        <div className="small">
          Walking <b>{cell.level === 'all' ? 'all levels' : cell.level}</b> · {OUTCOME_TEXT[cell.outcome]}{' '}
          <button className="link small" onClick={() => useCompare.getState().choose({ cell: null })} data-testid="matrix-clear">
            show all
          </button>
        </div>
      )}
    </section>
  );
}
