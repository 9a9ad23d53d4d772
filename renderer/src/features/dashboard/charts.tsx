// The six charts of the dashboard. d3 gives scales and ticks; React draws every element. Each bar, cell and point
// is a Mark: hover or focus shows its exact numbers, click or Enter lists the responses behind it in the library.
import { useMemo, useState } from 'react';
import { interpolateBlues, max, scaleBand, scaleLinear, scaleSequential } from 'd3';
import type { AccuracyCell, Dashboard, FailureRateCell, QuadrantCell } from '../../../../shared/api.ts';
import { useDashboard } from '../../stores/dashboard.ts';
import { useWorkspace } from '../../stores/workspace.ts';
import { Axis, BandLabels, Legend, pct, runColour } from './axes.tsx';
import { ChartCard, Mark } from './ChartCard.tsx';

const LEVEL_ORDER = ['L1', 'L2', 'L3', 'train', 'all'];
const levelText = (l: string) => (l === 'all' ? 'overall' : l);
/** Long label names cut to fit beside a chart (the full name is in the tooltip). */
const short = (s: string, n = 26) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const ciText = (ci: [number, number]) => `95% CI ${pct(ci[0])}–${pct(ci[1])}`;

function useColours(data: Dashboard) {
  return useMemo(() => {
    const all = data.available.runs;
    return (run: string) => runColour(all, run);
  }, [data.available.runs]);
}

function byLevel(a: string, b: string) {
  return LEVEL_ORDER.indexOf(a) - LEVEL_ORDER.indexOf(b);
}

/** A vertical whisker from lo to hi with caps. */
function Whisker({ x, y0, y1, w = 6 }: { x: number; y0: number; y1: number; w?: number }) {
  return (
    <g className="whisker">
      <line x1={x} x2={x} y1={y0} y2={y1} />
      <line x1={x - w / 2} x2={x + w / 2} y1={y0} y2={y0} />
      <line x1={x - w / 2} x2={x + w / 2} y1={y1} y2={y1} />
    </g>
  );
}

// ---------- 1. accuracy per run × level, with the paper-style table ----------

function AccuracyTable({ cells, runs, levels }: { cells: AccuracyCell[]; runs: string[]; levels: string[] }) {
  const at = (run: string, level: string) => cells.find((c) => c.run === run && c.level === level);
  return (
    <table className="paper-table" data-testid="accuracy-table">
      <caption className="muted small">accuracy % (responses)</caption>
      <thead>
        <tr>
          <th scope="col">model</th>
          {levels.map((l) => (
            <th key={l} scope="col" className="num">
              {levelText(l)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => (
          <tr key={r}>
            <th scope="row">{r}</th>
            {levels.map((l) => {
              const c = at(r, l);
              return (
                <td key={l} className="num">
                  {c ? (
                    <button
                      className="link paper-cell"
                      title={`${r} · ${levelText(l)}: ${c.correct} of ${c.responses} correct, ${ciText(c.ci)}`}
                      onClick={() => useDashboard.getState().drill(c.drill)}
                      data-testid={`accuracy-cell-${r}-${l}`}
                    >
                      {(c.accuracy * 100).toFixed(2)}
                    </button>
                  ) : (
                    <span className="muted">–</span>
                  )}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function AccuracyChart({ data }: { data: Dashboard }) {
  const colour = useColours(data);
  const cells = data.accuracy;
  const runs = [...new Set(cells.map((c) => c.run))];
  const levels = [...new Set(cells.map((c) => c.level as string))].sort(byLevel);
  const W = 560;
  const H = 300;
  const m = { top: 30, right: 12, bottom: 40, left: 56 };
  const x = scaleBand<string>().domain(levels).range([m.left, W - m.right]).paddingInner(0.25).paddingOuter(0.1);
  const inner = scaleBand<string>().domain(runs).range([0, x.bandwidth()]).padding(0.1);
  const y = scaleLinear().domain([0, 1]).range([H - m.bottom, m.top]);
  return (
    <ChartCard
      id="accuracy"
      title="Accuracy per run and level"
      subtitle="bars: share of responses correct · whiskers: 95% Wilson interval · a response without a readable answer counts as wrong"
      width={W}
      height={H}
      wide
      aside={<AccuracyTable cells={cells} runs={runs} levels={levels} />}
    >
      <Axis side="left" scale={y} at={m.left} format={(v) => pct(v, 0)} label="accuracy" />
      <BandLabels scale={x} at={H - m.bottom} side="bottom" text={levelText} />
      <Legend runs={runs} colourOf={colour} x={m.left} y={14} />
      {cells.map((c) => {
        const x0 = (x(c.level) ?? 0) + (inner(c.run) ?? 0);
        const w = inner.bandwidth();
        return (
          <Mark
            key={`${c.run}-${c.level}`}
            label={`${c.run} · ${levelText(c.level)}: ${pct(c.accuracy)} correct (${c.correct} of ${c.responses}), ${ciText(c.ci)}`}
            drill={c.drill}
            testId={`bar-accuracy-${c.run}-${c.level}`}
          >
            <rect x={x0} width={w} y={y(c.accuracy)} height={Math.max(0, y(0) - y(c.accuracy))} fill={colour(c.run)} />
            <Whisker x={x0 + w / 2} y0={y(c.ci[0])} y1={y(c.ci[1])} w={Math.min(10, w * 0.5)} />
          </Mark>
        );
      })}
      {cells.length === 0 && <Empty W={W} H={H} text="No responses under these filters" />}
    </ChartCard>
  );
}

function Empty({ W, H, text }: { W: number; H: number; text: string }) {
  return (
    <text x={W / 2} y={H / 2} textAnchor="middle" className="axis-title">
      {text}
    </text>
  );
}

// ---------- 2. failure-mode rates ----------

export function FailureRatesChart({ data }: { data: Dashboard }) {
  const colour = useColours(data);
  const labels = useWorkspace((s) => s.labels);
  const levelsPresent = [...new Set(data.failureRates.map((c) => c.level as string))].sort(byLevel);
  const [level, setLevel] = useState<string>('all');
  const shown = levelsPresent.includes(level) ? level : (levelsPresent[levelsPresent.length - 1] ?? 'all');
  const atLevel = data.failureRates.filter((c) => c.level === shown);
  // A run nobody reviewed has no rates to show: it is named in the subtitle instead of drawn as empty rows.
  const unreviewed = [...new Set(atLevel.map((c) => c.run))].filter((r) => !atLevel.some((c) => c.run === r && c.reviewed > 0));
  const cells = atLevel.filter((c) => !unreviewed.includes(c.run));
  const runs = [...new Set(cells.map((c) => c.run))];
  const keys = [...new Set(cells.map((c) => c.label))];
  const full = (k: string) => labels.find((l) => l.key === k)?.name ?? k;
  const name = (k: string) => short(full(k));
  const W = 560;
  const rowH = Math.max(20, runs.length * 15 + 10);
  const m = { top: 26, right: 86, bottom: 40, left: 170 };
  const H = m.top + m.bottom + Math.max(1, keys.length) * rowH;
  const yb = scaleBand<string>().domain(keys).range([m.top, H - m.bottom]).paddingInner(0.2);
  const inner = scaleBand<string>().domain(runs).range([0, yb.bandwidth()]).padding(0.08);
  // A cell nobody reviewed has no rate: its [0, 1] interval would only stretch the axis.
  const top = Math.max(0.05, max(cells, (c) => (c.reviewed ? c.ci[1] : 0)) ?? 0.05);
  const x = scaleLinear().domain([0, top]).nice().range([m.left, W - m.right]);
  const reviewed = (run: string) => cells.find((c) => c.run === run)?.reviewed ?? 0;
  return (
    <ChartCard
      id="failure-rates"
      title="Failure-mode rates per run"
      subtitle={
        <>
          share of reviewed responses carrying each label · whiskers: 95% Wilson interval · reviewed:{' '}
          {runs.map((r) => `${r} ${reviewed(r)}`).join(', ') || 'none'}
          {unreviewed.length > 0 && ` · nothing reviewed in ${unreviewed.join(', ')}`}
        </>
      }
      width={W}
      height={H}
      controls={
        <select className="select select-small" value={shown} onChange={(e) => setLevel(e.target.value)} aria-label="Level" data-testid="failure-level">
          {levelsPresent.map((l) => (
            <option key={l} value={l}>
              {levelText(l)}
            </option>
          ))}
        </select>
      }
    >
      <Axis side="bottom" scale={x} at={H - m.bottom} format={(v) => pct(v, 0)} label="share of reviewed responses" />
      <BandLabels scale={yb} at={m.left} side="left" text={name} />
      <Legend runs={runs} colourOf={colour} x={m.left} y={12} />
      {cells.map((c: FailureRateCell) => {
        const y0 = (yb(c.label) ?? 0) + (inner(c.run) ?? 0);
        const h = inner.bandwidth();
        return (
          <Mark
            key={`${c.run}-${c.label}`}
            label={`${c.run} · ${levelText(c.level)} · ${full(c.label)}: ${c.reviewed ? `${pct(c.rate)} (${c.count} of ${c.reviewed} reviewed), ${ciText(c.ci)}` : 'no response reviewed'}`}
            drill={c.drill}
            testId={`bar-failure-${c.run}-${c.label}`}
          >
            <rect x={x(0)} y={y0} height={h} width={Math.max(0, x(c.rate) - x(0))} fill={colour(c.run)} />
            {c.reviewed > 0 && <line className="whisker" x1={x(c.ci[0])} x2={x(c.ci[1])} y1={y0 + h / 2} y2={y0 + h / 2} />}
            <text x={(c.reviewed > 0 ? x(c.ci[1]) : x(0)) + 4} y={y0 + h / 2} dy="0.32em" className="mark-text">
              {c.reviewed > 0 ? `${c.count}/${c.reviewed}` : 'none reviewed'}
            </text>
          </Mark>
        );
      })}
      {cells.length === 0 && <Empty W={W} H={H} text="Nothing reviewed under these filters" />}
    </ChartCard>
  );
}

// ---------- 3. correctness × consistency quadrant ----------

const SUPPORTS_COLS: QuadrantCell['supports'][] = ['yes', 'no', 'unclear', 'unjudged'];
const SUPPORTS_HEAD: Record<QuadrantCell['supports'], string> = { yes: 'supports', no: 'does not', unclear: 'unclear', unjudged: 'no verdict' };

export function QuadrantChart({ data }: { data: Dashboard }) {
  const runs = [...new Set(data.quadrant.map((c) => c.run))];
  const cellW = 62;
  const cellH = 34;
  const blockW = 70 + SUPPORTS_COLS.length * cellW + 24;
  const perRow = Math.max(1, Math.min(runs.length, 2));
  const W = Math.max(560, perRow * blockW);
  const blockH = 32 + 2 * cellH + 26;
  const H = Math.max(1, Math.ceil(runs.length / perRow)) * blockH + 10;
  return (
    <ChartCard
      id="quadrant"
      title="Correct answer × reasoning that supports it"
      subtitle="per run: responses by correctness and by the verdicts (no if any annotator says no); the framed cell is right answers whose reasoning does not support them"
      width={W}
      height={H}
    >
      {runs.map((run, k) => {
        const cells = data.quadrant.filter((c) => c.run === run);
        const total = cells.reduce((s, c) => s + c.count, 0);
        const shade = scaleSequential(interpolateBlues).domain([0, Math.max(1, max(cells, (c) => c.count) ?? 1)]);
        const ox = (k % perRow) * blockW + 8;
        const oy = Math.floor(k / perRow) * blockH + 6;
        return (
          <g key={run} transform={`translate(${ox},${oy})`}>
            <text x={0} y={12} className="axis-title">
              {run} ({total})
            </text>
            {SUPPORTS_COLS.map((s, i) => (
              <text key={s} x={70 + i * cellW + cellW / 2} y={28} textAnchor="middle" className="axis-text">
                {SUPPORTS_HEAD[s]}
              </text>
            ))}
            {[true, false].map((correct, j) => (
              <g key={String(correct)}>
                <text x={64} y={34 + j * cellH + cellH / 2} dy="0.32em" textAnchor="end" className="axis-text">
                  {correct ? '✓ right' : '✗ wrong'}
                </text>
                {SUPPORTS_COLS.map((s, i) => {
                  const c = cells.find((x) => x.correct === correct && x.supports === s);
                  const n = c?.count ?? 0;
                  const fill = shade(n);
                  const dark = n > (shade.domain()[1] ?? 1) * 0.55;
                  const rect = (
                    <>
                      <rect x={70 + i * cellW + 1} y={34 + j * cellH + 1} width={cellW - 2} height={cellH - 2} fill={fill} className={correct && s === 'no' ? 'quadrant-key' : undefined} />
                      <text x={70 + i * cellW + cellW / 2} y={34 + j * cellH + cellH / 2} dy="0.32em" textAnchor="middle" className={dark ? 'mark-text on-dark' : 'mark-text'}>
                        {n}
                      </text>
                    </>
                  );
                  return c ? (
                    <Mark
                      key={s}
                      label={`${run}: ${correct ? 'right' : 'wrong'} answer, reasoning ${SUPPORTS_HEAD[s]} — ${n} response${n === 1 ? '' : 's'}${total ? ` (${pct(n / total)} of ${total})` : ''}`}
                      drill={c.drill}
                      testId={`cell-quadrant-${run}-${correct ? 'right' : 'wrong'}-${s}`}
                    >
                      {rect}
                    </Mark>
                  ) : (
                    <g key={s}>{rect}</g>
                  );
                })}
              </g>
            ))}
          </g>
        );
      })}
      {runs.length === 0 && <Empty W={W} H={Math.max(H, 60)} text="No responses under these filters" />}
    </ChartCard>
  );
}

// ---------- 4. label co-occurrence ----------

export function CooccurrenceChart({ data }: { data: Dashboard }) {
  const labels = useWorkspace((s) => s.labels);
  const keys = data.cooccurrence.labels;
  const full = (k: string) => labels.find((l) => l.key === k)?.name ?? k;
  const name = (k: string) => short(full(k), 22);
  const cell = 34;
  const m = { top: 16, left: 150, bottom: 110 };
  const W = Math.max(360, m.left + keys.length * cell + 20);
  const H = m.top + keys.length * cell + m.bottom;
  const x = scaleBand<string>().domain(keys).range([m.left, m.left + keys.length * cell]);
  const y = scaleBand<string>().domain(keys).range([m.top, m.top + keys.length * cell]);
  const top = Math.max(1, max(data.cooccurrence.cells, (c) => c.count) ?? 1);
  const shade = scaleSequential(interpolateBlues).domain([0, top]);
  return (
    <ChartCard id="cooccurrence" title="Labels that occur together" subtitle="responses carrying both labels (the diagonal: carrying the label)" width={W} height={Math.max(H, 80)}>
      <BandLabels scale={y} at={m.left} side="left" text={name} />
      <g className="axis">
        {keys.map((k) => (
          <text key={k} transform={`translate(${(x(k) ?? 0) + cell / 2},${m.top + keys.length * cell + 8}) rotate(-40)`} textAnchor="end" dy="0.32em" className="axis-text">
            {name(k)}
          </text>
        ))}
      </g>
      {data.cooccurrence.cells.map((c) => (
        <Mark
          key={`${c.a}|${c.b}`}
          label={c.a === c.b ? `${full(c.a)}: ${c.count} response${c.count === 1 ? '' : 's'}` : `${full(c.a)} + ${full(c.b)}: ${c.count} response${c.count === 1 ? '' : 's'} carry both`}
          drill={c.drill}
          testId={`cell-cooc-${c.a}-${c.b}`}
        >
          <rect x={(x(c.b) ?? 0) + 1} y={(y(c.a) ?? 0) + 1} width={cell - 2} height={cell - 2} fill={shade(c.count)} />
          <text x={(x(c.b) ?? 0) + cell / 2} y={(y(c.a) ?? 0) + cell / 2} dy="0.32em" textAnchor="middle" className={c.count > top * 0.55 ? 'mark-text on-dark' : 'mark-text'}>
            {c.count || ''}
          </text>
        </Mark>
      ))}
      {keys.length === 0 && <Empty W={W} H={80} text="No tags under these filters" />}
    </ChartCard>
  );
}

// ---------- 5. first tagged step ----------

export function FirstStepChart({ data }: { data: Dashboard }) {
  const colour = useColours(data);
  const bins = data.firstStep;
  const runs = [...new Set(bins.map((b) => b.run))];
  const keys = [...new Set(bins.map((b) => `${b.from}`))].sort((a, b) => Number(a) - Number(b));
  const W = 560;
  const H = 260;
  const m = { top: 28, right: 12, bottom: 44, left: 50 };
  const x = scaleBand<string>().domain(keys).range([m.left, W - m.right]).paddingInner(0.2);
  const inner = scaleBand<string>().domain(runs).range([0, x.bandwidth()]).padding(0.06);
  const y = scaleLinear()
    .domain([0, Math.max(1, max(bins, (b) => b.count) ?? 1)])
    .nice()
    .range([H - m.bottom, m.top]);
  const binText = (from: number, to: number) => `${Math.round(from * 100)}–${Math.round(to * 100)}%`;
  const toOf = (k: string) => bins.find((b) => `${b.from}` === k)?.to ?? 1;
  return (
    <ChartCard id="first-step" title="Where the first tagged step falls" subtitle="relative position of each response's first tagged step in its chain (0% = first step, 100% = last)" width={W} height={H}>
      <Axis side="left" scale={y} at={m.left} format={(v) => (Number.isInteger(v) ? String(v) : '')} label="responses" />
      <BandLabels scale={x} at={H - m.bottom} side="bottom" text={(k) => binText(Number(k), toOf(k))} />
      <text x={(m.left + W - m.right) / 2} y={H - 8} textAnchor="middle" className="axis-title">
        position in the chain
      </text>
      <Legend runs={runs} colourOf={colour} x={m.left} y={12} />
      {bins.map((b) => {
        const x0 = (x(`${b.from}`) ?? 0) + (inner(b.run) ?? 0);
        return (
          <Mark
            key={`${b.run}-${b.from}`}
            label={`${b.run}: first tagged step at ${binText(b.from, b.to)} of the chain in ${b.count} response${b.count === 1 ? '' : 's'}`}
            drill={b.drill}
            testId={`bar-first-${b.run}-${b.from}`}
          >
            <rect x={x0} width={inner.bandwidth()} y={y(b.count)} height={Math.max(b.count ? 1 : 0, y(0) - y(b.count))} fill={colour(b.run)} />
          </Mark>
        );
      })}
      {bins.length === 0 && <Empty W={W} H={H} text="No tagged steps under these filters" />}
    </ChartCard>
  );
}

// ---------- 6. annotation progress ----------

export function ProgressChart({ data }: { data: Dashboard }) {
  const colour = useColours(data);
  const cells = data.progress.cells;
  const annotators = [...new Set(cells.map((c) => c.annotator))];
  const runs = [...new Set(cells.map((c) => c.run))];
  const W = 560;
  const rowH = Math.max(18, runs.length * 12 + 8);
  const m = { top: 26, right: 90, bottom: 40, left: 120 };
  const H = m.top + m.bottom + Math.max(1, annotators.length) * rowH;
  const yb = scaleBand<string>().domain(annotators).range([m.top, H - m.bottom]).paddingInner(0.2);
  const inner = scaleBand<string>().domain(runs).range([0, yb.bandwidth()]).padding(0.08);
  const x = scaleLinear().domain([0, 1]).range([m.left, W - m.right]);
  return (
    <ChartCard
      id="progress"
      title="Annotation progress"
      subtitle={
        <span data-testid="imbalance">{data.progress.imbalance ?? 'No imbalance of reviews across the runs is flagged.'}</span>
      }
      width={W}
      height={H}
    >
      <Axis side="bottom" scale={x} at={H - m.bottom} format={(v) => pct(v, 0)} label="share of the run's responses reviewed" />
      <BandLabels scale={yb} at={m.left} side="left" />
      <Legend runs={runs} colourOf={colour} x={m.left} y={12} />
      {cells.map((c) => {
        const share = c.responses ? c.reviewed / c.responses : 0;
        const y0 = (yb(c.annotator) ?? 0) + (inner(c.run) ?? 0);
        const h = inner.bandwidth();
        return (
          <Mark key={`${c.annotator}-${c.run}`} label={`${c.annotator} · ${c.run}: reviewed ${c.reviewed} of ${c.responses} (${pct(share)})`} drill={c.drill} testId={`bar-progress-${c.annotator}-${c.run}`}>
            <rect x={x(0)} y={y0} height={h} width={x(1) - x(0)} className="progress-track" />
            <rect x={x(0)} y={y0} height={h} width={Math.max(0, x(share) - x(0))} fill={colour(c.run)} />
            <text x={x(1) + 4} y={y0 + h / 2} dy="0.32em" className="mark-text">
              {c.reviewed}/{c.responses}
            </text>
          </Mark>
        );
      })}
      {cells.length === 0 && <Empty W={W} H={H} text="Nobody has reviewed anything yet" />}
    </ChartCard>
  );
}
