// The dashboards: one filter bar (levels, runs, annotators, labels, L3 domain) for all six charts, kept in the URL.
import { useEffect } from 'react';
import { useHotkeys } from '../../hotkeys.ts';
import { useDashboard } from '../../stores/dashboard.ts';
import { useWorkspace } from '../../stores/workspace.ts';
import { ChipToggles } from '../../ui/ChipToggles.tsx';
import { Kbd } from '../../ui/Kbd.tsx';
import { AccuracyChart, CooccurrenceChart, FailureRatesChart, FirstStepChart, ProgressChart, QuadrantChart } from './charts.tsx';
import { focusedDrill } from './ChartCard.tsx';
import { AgreementPanel } from '../team/AgreementPanel.tsx';
import './dashboard.css';

type ListKey = 'levels' | 'runs' | 'annotators' | 'labels' | 'domains';
const NONE: string[] = [];

function Picker({ title, k, options, text }: { title: string; k: ListKey; options: string[]; text?: (v: string) => string }) {
  const chosen = useDashboard((s) => (s.filter[k] as string[] | undefined) ?? NONE);
  if (options.length === 0) return null;
  return (
    <div className="cmp-bar-group" role="group" aria-label={title}>
      <span className="field-label">{title}</span>
      <ChipToggles options={options} chosen={chosen} onToggle={(o) => useDashboard.getState().toggle(k, o)} testId={`dash-${k}`} text={text} />
    </div>
  );
}

export function DashboardView() {
  const data = useDashboard((s) => s.data);
  const filter = useDashboard((s) => s.filter);
  const loading = useDashboard((s) => s.loading);
  const error = useDashboard((s) => s.error);
  const available = useDashboard((s) => s.available);
  const workspace = useWorkspace((s) => s.session?.workspace);
  const labels = useWorkspace((s) => s.labels);
  const labelName = (k: string) => labels.find((l) => l.key === k)?.name ?? k;
  const n = Object.keys(filter).length;

  useEffect(() => {
    if (workspace) void useDashboard.getState().load();
  }, [filter, workspace]);

  useHotkeys('dashboard', {
    dashboardDrill: () => {
      const drill = focusedDrill();
      if (!drill) return false;
      useDashboard.getState().drill(drill);
    },
  });

  return (
    <div className="dashboard" data-testid="dashboard" data-loading={loading || undefined}>
      <div className="cmp-bar" data-testid="dashboard-filters">
        <Picker title="Level" k="levels" options={available?.levels ?? []} />
        <Picker title="Runs" k="runs" options={available?.runs ?? []} />
        <Picker title="Annotators" k="annotators" options={available?.annotators ?? []} />
        <Picker title="Labels" k="labels" options={available?.labels ?? []} text={labelName} />
        <Picker title="L3 domain" k="domains" options={available?.domains ?? []} />
        {n > 0 && (
          <button className="link" onClick={() => useDashboard.getState().reset()} data-testid="dash-reset">
            clear {n}
          </button>
        )}
        <span className="header-spacer" />
        <span className="muted small">
          hover for numbers · click or <Kbd action="dashboardDrill" /> lists the responses
        </span>
      </div>
      <div className="dash-grid">
        {error && <div className="wb-loading error-text">{error}</div>}
        {!data && !error && <div className="wb-loading muted">Loading…</div>}
        {data && (
          <>
            <AccuracyChart data={data} />
            <FailureRatesChart data={data} />
            <QuadrantChart data={data} />
            <CooccurrenceChart data={data} />
            <FirstStepChart data={data} />
            <ProgressChart data={data} />
            <AgreementPanel annotators={filter.annotators} />
          </>
        )}
      </div>
    </div>
  );
}
