// What annotating one response takes, shared by the workbench screen and each column of the compare view: the
// hotkey handlers (steps, selection, tags, verdict, review, video, label keys) and the verdict / review controls.
// Both act on the workbench store they are given, so one code path serves one response or several side by side.
import type { ResponseDetail, ReviewStatus, Severity, Supports } from '../../../../shared/api.ts';
import { hint, type Handlers } from '../../hotkeys.ts';
import { useAnnotations } from '../../stores/annotations.ts';
import { usePlayer } from '../../stores/player.ts';
import { useUi } from '../../stores/ui.ts';
import { notify } from '../../stores/notifications.ts';
import { isSuggestion, selectedSuggestion, targetTag, useWorkbenchStore, type WorkbenchStore } from '../../stores/workbench.ts';
import { useWorkspace } from '../../stores/workspace.ts';
import { Kbd } from '../../ui/Kbd.tsx';
import { REVIEW_TEXT } from '../../ui/marks.tsx';

/** Esc's first jobs: drop the selection and marks, else deselect the tag. false when there was nothing to clear. */
export function clearSelection(store: WorkbenchStore): boolean {
  const s = store.getState();
  if (s.span || s.anchor !== null || s.pendingIn !== null || s.pendingOut !== null) {
    s.clearMarks();
    window.getSelection()?.removeAllRanges();
    return true;
  }
  if (s.selectedTag) {
    s.selectTag(null);
    return true;
  }
  return false;
}

/** The annotation keys, acting on whichever workbench `store()` returns at the moment of the key press. */
export function annotateHandlers(store: () => WorkbenchStore): Handlers {
  const wb = () => store().getState();
  const player = () => usePlayer.getState();
  const ann = () => useAnnotations.getState();
  const ready = () => !!wb().detail;
  const setSeverity = (severity: Severity) => {
    const t = targetTag(wb());
    if (t) void ann().setSeverity(t.uuid, severity, store());
  };
  return {
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
      const tag = wb().detail?.tags.find((x) => x.uuid === t);
      if (tag && isSuggestion(tag)) {
        notify('info', 'A suggestion is not deleted: reject it (D) or accept it (A)');
        return;
      }
      void ann().deleteTag(t, store());
    },
    // With no open suggestion selected these pass the key on (`d`: review done; `a`: a label bound to it, if any).
    acceptSuggestion: () => {
      const g = selectedSuggestion(wb());
      if (!g) return false;
      void ann().decideSuggestion(g.uuid, 'accepted', store());
    },
    rejectSuggestion: () => {
      const g = selectedSuggestion(wb());
      if (!g) return false;
      void ann().decideSuggestion(g.uuid, 'rejected', store());
    },
    verdictYes: () => ready() && void ann().setSupports('yes', store()),
    verdictNo: () => ready() && void ann().setSupports('no', store()),
    verdictUnclear: () => ready() && void ann().setSupports('unclear', store()),
    reviewDone: () => ready() && void ann().setReview('done', store()),
    reviewSkipped: () => ready() && void ann().setReview('skipped', store()),
    reviewTodo: () => ready() && void ann().setReview('todo', store()),
    playPause: () => player().togglePlay(),
    frameBack: () => player().stepFrames(-1),
    frameForward: () => player().stepFrames(1),
    secondBack: () => player().stepSeconds(-1),
    secondForward: () => player().stepSeconds(1),
    slower: () => player().changeRate(-1),
    faster: () => player().changeRate(1),
    label: (label) => {
      if (ready()) void ann().tagWith(label, store());
    },
  };
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

/** "Does the reasoning support the answer?" and the review status, for the response of the context's workbench. */
export function VerdictControls({ detail, compact = false }: { detail: ResponseDetail | null; compact?: boolean }) {
  const store = useWorkbenchStore();
  const me = useWorkspace((s) => s.session?.annotator);
  const supports = detail?.mine?.supports ?? null;
  const review = detail?.mine?.reviewStatus ?? 'todo';
  const others = (detail?.verdicts ?? []).filter((v) => v.annotator !== me && v.supports);
  return (
    <>
      <div className="verdict-group" role="group" aria-label="Does the reasoning support the answer?">
        <span className="field-label">{compact ? 'Supports?' : 'Reasoning supports answer?'}</span>
        <div className="segmented" data-testid="verdict">
          {SUPPORTS.map((s) => (
            <button
              key={s.v}
              className={`seg seg-${s.v}${supports === s.v ? ' on' : ''}`}
              aria-pressed={supports === s.v}
              disabled={!detail}
              onClick={() => void useAnnotations.getState().setSupports(supports === s.v ? null : s.v, store)}
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
              onClick={() => void useAnnotations.getState().setReview(r.v, store)}
              title={hint(r.action)}
              data-testid={`review-${r.v}`}
            >
              {REVIEW_TEXT[r.v]} <Kbd action={r.action} />
            </button>
          ))}
        </div>
      </div>
    </>
  );
}
