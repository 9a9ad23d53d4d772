// The frame every chart sits in: a title (also the SVG's accessible name), SVG / PNG export, and the tooltip the
// marks show on hover or keyboard focus. A Mark is one bar, cell or point: focusable, labelled, and a drill-down
// to the responses behind it (click, or Enter from the hotkey map).
import { createContext, useContext, useRef, useState, type ReactNode } from 'react';
import type { ResponseFilter } from '../../../../shared/api.ts';
import { notify } from '../../stores/notifications.ts';
import { useDashboard } from '../../stores/dashboard.ts';
import { exportPng, exportSvg } from './export.ts';

interface Tip {
  x: number;
  y: number;
  text: string;
}

const TipContext = createContext<{ show(text: string, at: { clientX: number; clientY: number }): void; hide(): void }>({
  show: () => undefined,
  hide: () => undefined,
});

export function ChartCard({
  id,
  title,
  subtitle,
  width,
  height,
  children,
  aside,
  controls,
  wide = false,
}: {
  id: string;
  title: string;
  subtitle?: ReactNode;
  width: number;
  height: number;
  children: ReactNode;
  /** Shown beside the chart (the accuracy table). */
  aside?: ReactNode;
  controls?: ReactNode;
  wide?: boolean;
}) {
  const svg = useRef<SVGSVGElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const [tip, setTip] = useState<Tip | null>(null);
  const tipApi = {
    show(text: string, at: { clientX: number; clientY: number }) {
      const r = box.current?.getBoundingClientRect();
      if (!r) return;
      setTip({ text, x: at.clientX - r.left, y: at.clientY - r.top });
    },
    hide() {
      setTip(null);
    },
  };
  const save = async (kind: 'svg' | 'png') => {
    if (!svg.current) return;
    try {
      if (kind === 'svg') exportSvg(svg.current, `cotscope-${id}`);
      else await exportPng(svg.current, `cotscope-${id}`);
    } catch (e) {
      notify('error', `Export of “${title}” failed: ${(e as Error).message}`);
    }
  };
  return (
    <section className={`chart-card${wide ? ' wide' : ''}`} data-testid={`chart-${id}`} aria-labelledby={`chart-title-${id}`}>
      <div className="chart-head">
        <h2 id={`chart-title-${id}`}>{title}</h2>
        {controls}
        <span className="header-spacer" />
        <button className="btn btn-small" onClick={() => void save('svg')} title={`Download “${title}” as SVG`} data-testid={`export-svg-${id}`}>
          SVG
        </button>
        <button className="btn btn-small" onClick={() => void save('png')} title={`Download “${title}” as PNG`} data-testid={`export-png-${id}`}>
          PNG
        </button>
      </div>
      {subtitle && <div className="chart-sub muted small">{subtitle}</div>}
      <div className="chart-body">
        <div className="chart-svg-box" ref={box} onMouseLeave={() => setTip(null)}>
          {/* role="group", not "img": an img's children are hidden from assistive technology, and the marks are buttons. */}
          <TipContext.Provider value={tipApi}>
            <svg ref={svg} className="chart" viewBox={`0 0 ${width} ${height}`} style={{ maxWidth: width }} role="group" aria-labelledby={`chart-svg-title-${id}`}>
              <title id={`chart-svg-title-${id}`}>{title}</title>
              {children}
            </svg>
          </TipContext.Provider>
          {tip && (
            <div className="chart-tip" role="status" style={{ left: tip.x + 12, top: tip.y + 12 }} data-testid="chart-tip">
              {tip.text}
            </div>
          )}
        </div>
        {aside}
      </div>
    </section>
  );
}

/** One drillable mark: its shapes as children; `label` is both the aria-label and the tooltip. */
export function Mark({ label, drill, children, testId }: { label: string; drill: ResponseFilter; children: ReactNode; testId?: string }) {
  const tip = useContext(TipContext);
  return (
    <g
      className="chart-mark"
      tabIndex={0}
      role="button"
      aria-label={label}
      data-drill={JSON.stringify(drill)}
      data-testid={testId}
      onClick={() => useDashboard.getState().drill(drill)}
      onMouseMove={(e) => tip.show(label, e)}
      onMouseLeave={() => tip.hide()}
      onFocus={(e) => {
        const r = (e.currentTarget as SVGGElement).getBoundingClientRect();
        tip.show(label, { clientX: r.right, clientY: r.top });
      }}
      onBlur={() => tip.hide()}
    >
      {children}
    </g>
  );
}

/** The drill filter of the focused mark, for the Enter key. */
export function focusedDrill(): ResponseFilter | null {
  const el = document.activeElement as Element | null;
  const raw = el?.getAttribute?.('data-drill');
  return raw ? (JSON.parse(raw) as ResponseFilter) : null;
}
