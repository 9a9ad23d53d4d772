import { useEffect, useRef } from 'react';
import type { MediaInfo, ResponseDetail } from '../../../../shared/api.ts';
import { hint, useHotkeys } from '../../hotkeys.ts';
import { useList } from '../../stores/list.ts';
import { useRoute } from '../../stores/route.ts';
import { useUi } from '../../stores/ui.ts';
import { useWorkbench } from '../../stores/workbench.ts';
import { useWorkspace } from '../../stores/workspace.ts';
import { Kbd } from '../../ui/Kbd.tsx';
import { annotateHandlers, clearSelection, VerdictControls } from './annotate.tsx';
import { ChainView } from './ChainView.tsx';
import { LabelPalette } from './LabelPalette.tsx';
import { QuestionPanel } from './QuestionPanel.tsx';
import { TagPanel } from './TagPanel.tsx';
import { Timeline } from './Timeline.tsx';
import { DEFAULT_MAPPING } from './timeline-math.ts';
import { ObservationImage, VideoPanel } from './VideoPanel.tsx';

function backToLibrary() {
  const i = useWorkbench.getState().listIndex;
  if (i !== null) useList.getState().reveal(i);
  useRoute.getState().openLibrary();
}

function Toolbar({ detail }: { detail: ResponseDetail | null }) {
  const listIndex = useWorkbench((s) => s.listIndex);
  const listTotal = useWorkbench((s) => s.listTotal);
  const navigating = useWorkbench((s) => s.navigating);
  return (
    <div className="wb-toolbar" data-testid="workbench-toolbar">
      <button className="btn btn-small" onClick={backToLibrary} title="Back to the library (Esc)" data-testid="back">
        ← Library
      </button>
      <div className="btn-group">
        <button className="btn btn-small" disabled={navigating} onClick={() => void useWorkbench.getState().go(-1)} title={hint('prevResponse')} data-testid="prev-response">
          ‹ Prev
        </button>
        <button className="btn btn-small" disabled={navigating} onClick={() => void useWorkbench.getState().go(1)} title={hint('nextResponse')} data-testid="next-response">
          Next ›
        </button>
        <button className="btn btn-small" disabled={navigating} onClick={() => void useWorkbench.getState().nextUnreviewed()} title={hint('nextUnreviewed')} data-testid="next-unreviewed">
          Next to-do <Kbd action="nextUnreviewed" />
        </button>
      </div>
      <span className="wb-position muted small" data-testid="position">
        {listIndex !== null && listTotal !== null ? `${(listIndex + 1).toLocaleString()} of ${listTotal.toLocaleString()}` : ''}
      </span>
      {detail && (
        <span className="wb-ident" data-testid="response-ident">
          <span className="mono">#{detail.id}</span>
          <span className="sep">·</span>
          <span className="run-name">{detail.run.name}</span> <span className={`method method-${detail.run.method}`}>{detail.run.method}</span>
          <span className="sep">·</span>
          <span className="muted">rollout {detail.rollout}</span>
        </span>
      )}
      <span className="header-spacer" />
      <VerdictControls detail={detail} />
    </div>
  );
}

export function WorkbenchView({ responseId }: { responseId: number }) {
  useEffect(() => {
    void useWorkbench.getState().open(responseId);
  }, [responseId]);

  const detail = useWorkbench((s) => s.detail);
  const loadError = useWorkbench((s) => s.loadError);
  const labels = useWorkspace((s) => s.labels);
  const datasets = useWorkspace((s) => s.datasets);
  const palette = useUi((s) => s.palette);
  const current = detail && detail.id === responseId ? detail : null;
  const mapping = (current && datasets.find((d) => d.id === current.sample.datasetId)?.frameMapping) || DEFAULT_MAPPING;

  useHotkeys('workbench', {
    ...annotateHandlers(() => useWorkbench),
    escape: () => {
      if (!clearSelection(useWorkbench)) backToLibrary();
    },
    nextResponse: () => void useWorkbench.getState().go(1),
    prevResponse: () => void useWorkbench.getState().go(-1),
    nextUnreviewed: () => void useWorkbench.getState().nextUnreviewed(),
  });

  // The clip of the response before, kept on screen while the next one loads: rollouts of one sample share their
  // clip, so ]/[ through them keeps the player (and its position) instead of reloading it.
  const lastVideo = useRef<MediaInfo | null | undefined>(undefined);
  if (current) lastVideo.current = current.video;
  const video = current ? current.video : lastVideo.current;

  return (
    <div className="workbench" data-testid={current ? 'workbench' : 'workbench-loading'} data-response-id={current?.id}>
      <Toolbar detail={current} />
      <div className="wb-grid">
        <div className="wb-media">
          {video !== undefined && <VideoPanel video={video} />}
          {current && (current.video?.expected || current.sample.taskProgress.length > 0) && <Timeline detail={current} mapping={mapping} labels={labels} />}
          {current && <ObservationImage image={current.image} frame={current.sample.currentObservationFrame} />}
        </div>
        {current ? (
          <div className="wb-center">
            <QuestionPanel detail={current} />
            <section className="panel chain-panel">
              <div className="panel-head">
                <span className="section-title">Chain of thought</span>
                <span className="muted small nowrap">
                  {current.steps.length} steps · {current.raw.length.toLocaleString()} chars
                </span>
                <span className="header-spacer" />
                <span className="muted small chain-hint">
                  click or <Kbd k="j" />
                  <Kbd k="k" /> · shift extends · drag for text
                </span>
              </div>
              <ChainView detail={current} labels={labels} />
            </section>
          </div>
        ) : (
          <div className="wb-center">
            <div className="wb-loading muted">{loadError ? `This response could not be opened: ${loadError}` : 'Loading response…'}</div>
          </div>
        )}
        {current ? <TagPanel detail={current} /> : <aside className="tag-panel" />}
      </div>
      {palette && <LabelPalette />}
    </div>
  );
}
