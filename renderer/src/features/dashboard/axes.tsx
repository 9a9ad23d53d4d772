// Axes, legend and run colours drawn by React from d3 scales (d3 computes ticks and positions; it never touches the DOM).
import type { ScaleBand, ScaleLinear } from 'd3';

/** Okabe–Ito: told apart with the common colour-vision deficiencies; runs keep their colour across charts. */
export const RUN_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

export function runColour(runs: readonly string[], run: string): string {
  const i = runs.indexOf(run);
  return RUN_COLOURS[(i < 0 ? 0 : i) % RUN_COLOURS.length];
}

export const pct = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`;

/** A value axis: the line, d3's ticks and their labels, and a title; on the left of a chart or under it. */
export function Axis({
  scale,
  at,
  side,
  format,
  label,
  ticks = 5,
}: {
  scale: ScaleLinear<number, number>;
  /** x of a left axis, y of a bottom one. */
  at: number;
  side: 'left' | 'bottom';
  format: (v: number) => string;
  label?: string;
  ticks?: number;
}) {
  const [r0, r1] = scale.range();
  const left = side === 'left';
  const mid = (r0 + r1) / 2;
  return (
    <g className="axis">
      {left ? <line x1={at} x2={at} y1={r0} y2={r1} className="axis-line" /> : <line x1={r0} x2={r1} y1={at} y2={at} className="axis-line" />}
      {scale.ticks(ticks).map((t) => (
        <g key={t} transform={left ? `translate(${at},${scale(t)})` : `translate(${scale(t)},${at})`}>
          <line x2={left ? -4 : 0} y2={left ? 0 : 4} className="axis-line" />
          <text x={left ? -7 : 0} y={left ? 0 : 15} dy={left ? '0.32em' : undefined} textAnchor={left ? 'end' : 'middle'} className="axis-text">
            {format(t)}
          </text>
        </g>
      ))}
      {label && (
        <text transform={left ? `translate(${at - 42},${mid}) rotate(-90)` : `translate(${mid},${at + 32})`} textAnchor="middle" className="axis-title">
          {label}
        </text>
      )}
    </g>
  );
}

/** Category names under (or beside) a band scale. */
export function BandLabels({ scale, at, side, text }: { scale: ScaleBand<string>; at: number; side: 'bottom' | 'left'; text?: (d: string) => string }) {
  return (
    <g className="axis">
      {scale.domain().map((d) =>
        side === 'bottom' ? (
          <text key={d} x={(scale(d) ?? 0) + scale.bandwidth() / 2} y={at + 15} textAnchor="middle" className="axis-text">
            {text ? text(d) : d}
          </text>
        ) : (
          <text key={d} x={at - 7} y={(scale(d) ?? 0) + scale.bandwidth() / 2} dy="0.32em" textAnchor="end" className="axis-text">
            {text ? text(d) : d}
          </text>
        ),
      )}
    </g>
  );
}

export function Legend({ runs, colourOf, x, y }: { runs: readonly string[]; colourOf: (run: string) => string; x: number; y: number }) {
  let at = x;
  return (
    <g className="legend" transform={`translate(0,${y})`}>
      {runs.map((r) => {
        const here = at;
        at += 22 + r.length * 6.5;
        return (
          <g key={r} transform={`translate(${here},0)`}>
            <rect width={10} height={10} y={-9} fill={colourOf(r)} />
            <text x={14} className="axis-text">
              {r}
            </text>
          </g>
        );
      })}
    </g>
  );
}
