import { useEffect, useRef } from 'react';
import type { MediaInfo, ResponseDetail, ReviewStatus, Severity, Supports } from '../../../../shared/api.ts';
import { hint, useHotkeys } from '../../hotkeys.ts';
import { useAnnotations } from '../../stores/annotations.ts';
import { useList } from '../../stores/list.ts';
import { usePlayer } from '../../stores/player.ts';
import { useRoute } from '../../stores/route.ts';
import { useUi } from '../../stores/ui.ts';
import { targetTag, useWorkbench } from '../../stores/workbench.ts';
import { useWorkspace } from '../../stores/workspace.ts';
import { Kbd } from '../../ui/Kbd.tsx';
import { REVIEW_TEXT } from '../../ui/marks.tsx';
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

function setSeverity(severity: Severity) {
  const t = targetTag(useWorkbench.getState());
  if (t) void useAnnotations.getState().setSeverity(t.uuid, severity);
}

const SUPPORTS: { v: Supports; text: string; action: 'verdictYes' | 'verdictNo' | 'verdictUnclear' }[] = [
  { v: 'yes', text: 'Yes', action: 'verdictYes' },
  { v: 'no', text: 'No', action: 'verdictNo' },
  { v: 'unclear', text: 'Unclear', action: 'verdictUnclear' },
];
const REVIEWS: { v: ReviewStatus; action: 'reviewTodo' | 'reviewDone' | 'reviewSkipped' }[] = [
  { v: 'todo', action: 'reviewTodo' },
  { v: 'done', action: 'reviewDone' },
  { v: 'skipped', action: 'reviewSkipped' },
];

function Toolbar({ detail }: { detail: ResponseDetail | null }) {
  const listIndex = useWorkbench((s) => s.listIndex);
  const listTotal = useWorkbench((s) => s.listTotal);
  const navigating = useWorkbench((s) => s.navigating);
  const me = useWorkspace((s) => s.session?.annotator);
  const supports = detail?.mine?.supports ?? null;
  const review = detail?.mine?.reviewStatus ?? 'todo';
  const others = (detail?.verdicts ?? []).filter((v) => v.annotator !== me && v.supports);
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
      <div className="verdict-group" role="group" aria-label="Does the reasoning support the answer?">
        <span className="field-label">Reasoning supports answer?</span>
        <div className="segmented" data-testid="verdict">
          {SUPPORTS.map((s) => (
            <button
              key={s.v}
              className={`seg seg-${s.v}${supports === s.v ? ' on' : ''}`}
              aria-pressed={supports === s.v}
              disabled={!detail}
              onClick={() => void useAnnotations.getState().setSupports(supports === s.v ? null : s.v)}
              title={hint(s.action)}
              data-testid={`verdict-${s.v}`}
            >
              {s.text} <Kbd action={s.action} />
            </button>
          ))}
        </div>
        {others.length > 0 && (
          <span className="muted small" title="Other annotators' verdicts">
            others: {others.map((v) => `${v.annotator} ${v.supports}`).join(', ')}
          </span>
        )}
      </div>
      <div className="verdict-group" role="group" aria-label="Review status">
        <span className="field-label">Review</span>
        <div className="segmented" data-testid="review">
          {REVIEWS.map((r) => (
            <button
              key={r.v}
              className={`seg seg-review-${r.v}${review === r.v ? ' on' : ''}`}
              aria-pressed={review === r.v}
              disabled={!detail}
              onClick={() => void useAnnotations.getState().setReview(r.v)}
              title={hint(r.action)}
              data-testid={`review-${r.v}`}
            >
              {REVIEW_TEXT[r.v]} <Kbd action={r.action} />
            </button>
          ))}
        </div>
      </div>
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

  const wb = () => useWorkbench.getState();
  const player = () => usePlayer.getState();
  const ann = () => useAnnotations.getState();
  const ready = () => !!useWorkbench.getState().detail;

  useHotkeys('workbench', {
    escape: () => {
      const s = wb();
      if (s.span || s.anchor !== null || s.pendingIn !== null || s.pendingOut !== null) {
        s.clearMarks();
        window.getSelection()?.removeAllRanges();
      } else if (s.selectedTag) s.selectTag(null);
      else backToLibrary();
    },
    stepDown: () => wb().moveCursor(1),
    stepUp: () => wb().moveCursor(-1),
    extendDown: () => wb().moveCursor(1, true),
    extendUp: () => wb().moveCursor(-1, true),
    palette: () => ready() && useUi.getState().setPalette(true),
    markIn: () => wb().markIn(player().currentTime),
    markOut: () => wb().markOut(player().currentTime),
    clearMarks: () => {
      wb().clearMarks();
      window.getSelection()?.removeAllRanges();
    },
    note: () => {
      if (!targetTag(wb())) return false;
      wb().requestNote();
    },
    severityMinor: () => setSeverity('minor'),
    severityMajor: () => setSeverity('major'),
    severityCritical: () => setSeverity('critical'),
    nextTag: () => wb().cycleTag(1),
    prevTag: () => wb().cycleTag(-1),
    deleteTag: () => {
      const t = wb().selectedTag;
      if (!t) return false;
      void ann().deleteTag(t);
    },
    verdictYes: () => ready() && void ann().setSupports('yes'),
    verdictNo: () => ready() && void ann().setSupports('no'),
    verdictUnclear: () => ready() && void ann().setSupports('unclear'),
    reviewDone: () => ready() && void ann().setReview('done'),
    reviewSkipped: () => ready() && void ann().setReview('skipped'),
    reviewTodo: () => ready() && void ann().setReview('todo'),
    nextResponse: () => void wb().go(1),
    prevResponse: () => void wb().go(-1),
    nextUnreviewed: () => void wb().nextUnreviewed(),
    playPause: () => player().togglePlay(),
    frameBack: () => player().stepFrames(-1),
    frameForward: () => player().stepFrames(1),
    secondBack: () => player().stepSeconds(-1),
    secondForward: () => player().stepSeconds(1),
    slower: () => player().changeRate(-1),
    faster: () => player().changeRate(1),
    label: (label) => {
      if (ready()) void ann().tagWith(label);
    },
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
