import { useLayoutEffect, useRef, useState } from 'react';
import type { Label, ResponseDetail, Severity, Tag } from '../../../../shared/api.ts';
import { formatKey, hint } from '../../hotkeys.ts';
import { useAnnotations } from '../../stores/annotations.ts';
import { usePlayer } from '../../stores/player.ts';
import {
  checkName,
  isOpenSuggestion,
  isSuggestion,
  peopleTags,
  pendingTime,
  selectedSteps,
  sortedTags,
  targetTag,
  useWb,
  useWorkbenchStore,
} from '../../stores/workbench.ts';
import { activeLabels, useWorkspace } from '../../stores/workspace.ts';
import { Swatch } from '../../ui/Badge.tsx';
import { Kbd } from '../../ui/Kbd.tsx';
import { confidenceText } from './ChainView.tsx';
import { formatTime } from './timeline-math.ts';

const TARGET_TEXT: Record<Label['target'], string> = { span: 'step / span', time: 'video moment', response: 'whole response' };

function stepsText(steps: [number, number] | null): string {
  if (!steps) return '';
  return steps[0] === steps[1] ? `step ${steps[0] + 1}` : `steps ${steps[0] + 1}–${steps[1] + 1}`;
}

function timeText(time: [number, number] | null): string {
  if (!time) return '';
  return time[0] === time[1] ? `@ ${formatTime(time[0])}` : `${formatTime(time[0])} – ${formatTime(time[1])}`;
}

/** What the next label press will tag, and the in/out marks. */
function Selection({ detail }: { detail: ResponseDetail }) {
  const wb = useWb((s) => s);
  const steps = selectedSteps(wb);
  const time = pendingTime(wb);
  const currentTime = usePlayer((s) => s.currentTime);
  const hasVideo = !!detail.video?.present && !!detail.video.expected;
  return (
    <div className="selection" data-testid="selection">
      <div className="selection-line">
        <span className="field-label">Selection</span>
        <span data-testid="selection-steps">{steps ? stepsText(steps) : 'no steps'}</span>
        {wb.span && (
          <span className="muted small" data-testid="selection-span">
            · text {wb.span[0]}–{wb.span[1]} ({wb.span[1] - wb.span[0]} chars)
          </span>
        )}
      </div>
      <div className="selection-line">
        <span className="field-label">Video</span>
        <button className="btn btn-small" disabled={!hasVideo} onClick={() => wb.markIn(usePlayer.getState().currentTime)} title={hint('markIn')} data-testid="mark-in">
          In <Kbd action="markIn" />
        </button>
        <span className="mono small" data-testid="pending-in">
          {wb.pendingIn === null ? '–' : formatTime(wb.pendingIn)}
        </span>
        <button className="btn btn-small" disabled={!hasVideo} onClick={() => wb.markOut(usePlayer.getState().currentTime)} title={hint('markOut')} data-testid="mark-out">
          Out <Kbd action="markOut" />
        </button>
        <span className="mono small" data-testid="pending-out">
          {wb.pendingOut === null ? '–' : formatTime(wb.pendingOut)}
        </span>
        {(time || wb.span || wb.anchor !== null) && (
          <button className="link small" onClick={() => wb.clearMarks()} title={hint('clearMarks')}>
            clear
          </button>
        )}
      </div>
      {hasVideo && !time && <div className="muted small">Playhead at {formatTime(currentTime)} — mark in/out to point a tag at the moment that proves it.</div>}
    </div>
  );
}

/** Every active label as a button (the mouse path to what the hotkeys do). */
function LabelButtons({ labels }: { labels: Label[] }) {
  const store = useWorkbenchStore();
  return (
    <div className="label-buttons" data-testid="label-buttons">
      {labels.map((l) => (
        <button
          key={l.key}
          className="label-button"
          onClick={() => void useAnnotations.getState().tagWith(l, store)}
          title={`${l.description}\nTargets: ${TARGET_TEXT[l.target]}`}
          data-testid={`label-button-${l.key}`}
        >
          <span className="label-hotkey">{l.hotkey ? formatKey(l.hotkey) : ''}</span>
          <Swatch color={l.color} />
          <span className="label-name">{l.name}</span>
          <span className="label-target muted">{l.target === 'time' ? 'time' : l.target === 'response' ? 'whole' : 'step'}</span>
        </button>
      ))}
    </div>
  );
}

function TagCard({
  tag,
  label,
  selected,
  isTarget,
  noteRequest,
  fromCheck,
}: {
  tag: Tag;
  label: Label | undefined;
  selected: boolean;
  isTarget: boolean;
  noteRequest: number;
  /** The check whose suggestion this tag was accepted from. */
  fromCheck: string | null;
}) {
  const [editing, setEditing] = useState(false);
  const [note, setNote] = useState(tag.note ?? '');
  const area = useRef<HTMLTextAreaElement>(null);
  const seenRequest = useRef(noteRequest);
  const store = useWorkbenchStore();
  // Layout effects: the note field must hold the focus before the next key arrives (typing right after `n`).
  useLayoutEffect(() => {
    if (noteRequest !== seenRequest.current) {
      seenRequest.current = noteRequest;
      if (isTarget) {
        setNote(tag.note ?? '');
        setEditing(true);
      }
    }
  }, [noteRequest, isTarget, tag.note]);
  useLayoutEffect(() => {
    if (editing) area.current?.focus();
  }, [editing]);

  const save = async () => {
    setEditing(false);
    const v = note.trim() || null;
    if (v !== (tag.note ?? null)) await useAnnotations.getState().updateTag(tag.uuid, { note: v }, store);
  };

  const color = label?.color ?? '#888888';
  return (
    <li
      className={`tag-card${selected ? ' selected' : ''}`}
      style={{ borderLeftColor: color }}
      data-testid="tag"
      data-label={tag.label}
      data-uuid={tag.uuid}
      onClick={() => {
        store.getState().selectTag(tag.uuid);
        if (tag.time) usePlayer.getState().seek(tag.time[0]);
      }}
    >
      <div className="tag-card-head">
        <Swatch color={color} />
        <span className={`tag-label${label?.retired ? ' retired' : ''}`} title={label?.description}>
          {label?.name ?? tag.label}
        </span>
        {label?.retired && <span className="muted small">(retired)</span>}
        <span className="header-spacer" />
        <button
          className="btn-icon danger"
          title="Delete this tag (select it, then Del)"
          aria-label="Delete tag"
          data-testid="tag-delete"
          onClick={(e) => {
            e.stopPropagation();
            void useAnnotations.getState().deleteTag(tag.uuid, store);
          }}
        >
          ✕
        </button>
      </div>
      <div className="tag-card-meta small muted">
        <select
          className={`select select-small severity severity-${tag.severity ?? 'none'}`}
          value={tag.severity ?? ''}
          onClick={(e) => e.stopPropagation()}
          onChange={(e) => {
            void useAnnotations.getState().setSeverity(tag.uuid, (e.target.value || null) as Severity | null, store);
            e.currentTarget.blur();
          }}
          aria-label="Severity"
          data-testid="tag-severity"
        >
          <option value="">no severity</option>
          <option value="minor">minor</option>
          <option value="major">major</option>
          <option value="critical">critical</option>
        </select>
        {tag.steps && <span>{stepsText(tag.steps)}</span>}
        {tag.span && (
          <span>
            chars {tag.span[0]}–{tag.span[1]}
          </span>
        )}
        {tag.time && <span className="tag-time">▶ {timeText(tag.time)}</span>}
        {!tag.steps && !tag.span && <span>whole response</span>}
        <span title="annotator">{tag.annotator}</span>
        {tag.origin !== 'human' && <span className="badge badge-muted">{tag.origin}</span>}
        {fromCheck && (
          <span className="badge badge-muted" title={`Accepted from the check ${fromCheck}'s suggestion (Ctrl/⌘+Z, or Undo decision under Suggestions, takes it back)`}>
            from {fromCheck}
          </span>
        )}
      </div>
      {editing ? (
        <textarea
          ref={area}
          autoFocus
          className="input tag-note-input"
          value={note}
          rows={2}
          maxLength={4000}
          placeholder="Why? (Enter saves, Shift+Enter new line, Esc cancels)"
          onClick={(e) => e.stopPropagation()}
          onChange={(e) => setNote(e.target.value)}
          onBlur={() => void save()}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              void save();
            } else if (e.key === 'Escape') {
              e.preventDefault();
              e.stopPropagation();
              setEditing(false);
              setNote(tag.note ?? '');
            }
          }}
          data-testid="tag-note-input"
        />
      ) : (
        <div
          className={`tag-note${tag.note ? '' : ' empty'}`}
          onClick={(e) => {
            e.stopPropagation();
            setNote(tag.note ?? '');
            setEditing(true);
          }}
          data-testid="tag-note"
        >
          {tag.note ?? 'add a note (n)'}
        </div>
      )}
    </li>
  );
}

function whereText(tag: Tag): string {
  if (tag.steps) return stepsText(tag.steps);
  if (tag.span) return `chars ${tag.span[0]}–${tag.span[1]}`;
  return 'whole response';
}

/** An open suggestion: what it proposes, why, and Accept / Reject. */
function SuggestionCard({ tag, label, selected }: { tag: Tag; label: Label | undefined; selected: boolean }) {
  const store = useWorkbenchStore();
  const color = label?.color ?? '#888888';
  const decide = (decision: 'accepted' | 'rejected') => (e: React.MouseEvent) => {
    e.stopPropagation();
    void useAnnotations.getState().decideSuggestion(tag.uuid, decision, store);
  };
  return (
    <li
      className={`suggestion-card${selected ? ' selected' : ''}`}
      style={{ borderLeftColor: color }}
      data-testid="suggestion"
      data-label={tag.label}
      data-uuid={tag.uuid}
      data-check={checkName(tag)}
      onClick={() => {
        store.getState().selectTag(tag.uuid);
        if (tag.time) usePlayer.getState().seek(tag.time[0]);
      }}
    >
      <div className="tag-card-head">
        <Swatch color={color} />
        <span className={`tag-label${label?.retired ? ' retired' : ''}`} title={label?.description}>
          {label?.name ?? tag.label}?
        </span>
        <span className="header-spacer" />
        <span className="suggestion-conf" title="The check's confidence" data-testid="suggestion-confidence">
          {confidenceText(tag)}
        </span>
      </div>
      <div className="tag-card-meta small muted">
        <span title={`Check ${checkName(tag)}, version ${tag.suggestion?.version ?? '?'}`}>{checkName(tag)}</span>
        <span>{whereText(tag)}</span>
      </div>
      <div className="suggestion-evidence" data-testid="suggestion-evidence">
        {tag.suggestion?.evidence}
      </div>
      <div className="suggestion-actions">
        <button className="btn btn-small btn-accept" onClick={decide('accepted')} title="Make it your own tag (select it, then A)" data-testid="suggestion-accept">
          Accept <Kbd action="acceptSuggestion" />
        </button>
        <button className="btn btn-small btn-reject" onClick={decide('rejected')} title="Keep it as rejected by you (select it, then D)" data-testid="suggestion-reject">
          Reject <Kbd action="rejectSuggestion" />
        </button>
      </div>
    </li>
  );
}

/** A decided suggestion, faint: who decided what, and the way back. */
function DecidedCard({ tag, label }: { tag: Tag; label: Label | undefined }) {
  const store = useWorkbenchStore();
  const g = tag.suggestion;
  return (
    <li className="suggestion-card decided" style={{ borderLeftColor: label?.color ?? '#888888' }} data-testid="suggestion-decided" data-uuid={tag.uuid} data-decision={g?.decision ?? ''}>
      <div className="tag-card-head">
        <Swatch color={label?.color ?? '#888888'} />
        <span className="tag-label">{label?.name ?? tag.label}?</span>
        <span className="header-spacer" />
        <span className="suggestion-conf">{confidenceText(tag)}</span>
      </div>
      <div className="tag-card-meta small muted">
        <span>{checkName(tag)}</span>
        <span>{whereText(tag)}</span>
        <b data-testid="suggestion-decision">
          {g?.decision} by {g?.decidedBy ?? 'someone'}
        </b>
        <button
          className="link small"
          onClick={(e) => {
            e.stopPropagation();
            void useAnnotations.getState().decideSuggestion(tag.uuid, 'undecided', store);
          }}
          title={g?.decision === 'accepted' ? 'Open it again (the tag it made is removed)' : 'Open it again'}
          data-testid="suggestion-undecide"
        >
          Undo decision
        </button>
      </div>
      {g?.evidence && <div className="suggestion-evidence">{g.evidence}</div>}
    </li>
  );
}

/** The automatic checks' proposals on this response: open ones to decide, decided ones on request. */
function SuggestionsSection({ detail, selectedTag }: { detail: ResponseDetail; selectedTag: string | null }) {
  const labels = useWorkspace((s) => s.labels);
  const [showDecided, setShowDecided] = useState(false);
  const all = sortedTags(detail.tags.filter(isSuggestion));
  if (all.length === 0) return null;
  const open = all.filter(isOpenSuggestion);
  const decided = all.filter((t) => !isOpenSuggestion(t));
  return (
    <div className="panel-section suggestions-section" data-testid="suggestions">
      <div className="section-head">
        <span className="section-title" title="What the automatic checks propose on this response: accept what is right, reject what is not">
          Suggestions
        </span>
        <span className="muted small" data-testid="suggestion-count">
          {open.length} open{decided.length ? ` · ${decided.length} decided` : ''}
        </span>
      </div>
      {open.length > 0 ? (
        <div className="muted small">
          <Kbd action="nextTag" /> select · <Kbd action="acceptSuggestion" /> accept · <Kbd action="rejectSuggestion" /> reject
        </div>
      ) : (
        <div className="muted small">Every suggestion here is decided.</div>
      )}
      {open.length > 0 && (
        <ul className="tag-list" data-testid="suggestion-list">
          {open.map((t) => (
            <SuggestionCard key={t.uuid} tag={t} label={labels.find((l) => l.key === t.label)} selected={t.uuid === selectedTag} />
          ))}
        </ul>
      )}
      {decided.length > 0 && (
        <button className="link small suggestions-toggle" onClick={() => setShowDecided(!showDecided)} aria-expanded={showDecided} data-testid="suggestions-show-decided">
          {showDecided ? 'hide' : 'show'} {decided.length} decided
        </button>
      )}
      {showDecided && decided.length > 0 && (
        <ul className="tag-list" data-testid="suggestion-decided-list">
          {decided.map((t) => (
            <DecidedCard key={t.uuid} tag={t} label={labels.find((l) => l.key === t.label)} />
          ))}
        </ul>
      )}
    </div>
  );
}

export function TagPanel({ detail }: { detail: ResponseDetail }) {
  const labels = useWorkspace((s) => s.labels);
  const active = activeLabels(labels);
  const selectedTag = useWb((s) => s.selectedTag);
  const lastTag = useWb((s) => s.lastTag);
  const noteRequest = useWb((s) => s.noteRequest);
  const target = targetTag({ detail, selectedTag, lastTag });
  // People's tags only: the checks' suggestions have their own section and never count as anyone's tags.
  const tags = sortedTags(peopleTags(detail.tags));
  const me = useWorkspace((s) => s.session?.annotator);
  const mine = tags.filter((t) => t.annotator === me).length;
  const acceptedFrom = new Map(detail.tags.filter((t) => t.suggestion?.resultTag).map((t) => [t.suggestion!.resultTag as string, checkName(t)]));

  return (
    <aside className="tag-panel" data-testid="tag-panel">
      <Selection detail={detail} />
      <div className="panel-section">
        <div className="section-head">
          <span className="section-title">Tag with</span>
          <span className="muted small">
            key · click · <Kbd action="palette" /> search
          </span>
        </div>
        <LabelButtons labels={active} />
      </div>
      <SuggestionsSection detail={detail} selectedTag={selectedTag} />
      <div className="panel-section tag-list-section">
        <div className="section-head">
          <span className="section-title">Tags</span>
          <span className="muted small" data-testid="tag-count">
            {tags.length === 0 ? '' : `${tags.length} · ${mine} mine`}
          </span>
        </div>
        {tags.length > 0 && (
          <div className="muted small">
            <Kbd action="nextTag" /> select next · <Kbd k="n" /> note · <Kbd k="shift+1" />
            <Kbd k="shift+2" />
            <Kbd k="shift+3" /> severity · <Kbd k="delete" /> delete
          </div>
        )}
        {tags.length === 0 ? (
          <div className="muted small empty-tags">No tags yet. Select a step (click, or J/K) and press a label’s key.</div>
        ) : (
          <ul className="tag-list" data-testid="tag-list">
            {tags.map((t) => (
              <TagCard
                key={t.uuid}
                tag={t}
                label={labels.find((l) => l.key === t.label)}
                selected={t.uuid === selectedTag}
                isTarget={t.uuid === target?.uuid}
                noteRequest={noteRequest}
                fromCheck={acceptedFrom.get(t.uuid) ?? null}
              />
            ))}
          </ul>
        )}
      </div>
    </aside>
  );
}
