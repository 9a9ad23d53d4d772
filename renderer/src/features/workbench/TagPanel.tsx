import { useLayoutEffect, useRef, useState } from 'react';
import type { Label, ResponseDetail, Severity, Tag } from '../../../../shared/api.ts';
import { formatKey, hint } from '../../hotkeys.ts';
import { useAnnotations } from '../../stores/annotations.ts';
import { usePlayer } from '../../stores/player.ts';
import { pendingTime, selectedSteps, sortedTags, targetTag, useWb, useWorkbenchStore } from '../../stores/workbench.ts';
import { activeLabels, useWorkspace } from '../../stores/workspace.ts';
import { Swatch } from '../../ui/Badge.tsx';
import { Kbd } from '../../ui/Kbd.tsx';
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

function TagCard({ tag, label, selected, isTarget, noteRequest }: { tag: Tag; label: Label | undefined; selected: boolean; isTarget: boolean; noteRequest: number }) {
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

export function TagPanel({ detail }: { detail: ResponseDetail }) {
  const labels = useWorkspace((s) => s.labels);
  const active = activeLabels(labels);
  const selectedTag = useWb((s) => s.selectedTag);
  const lastTag = useWb((s) => s.lastTag);
  const noteRequest = useWb((s) => s.noteRequest);
  const target = targetTag({ detail, selectedTag, lastTag });
  const tags = sortedTags(detail.tags);
  const me = useWorkspace((s) => s.session?.annotator);
  const mine = tags.filter((t) => t.annotator === me).length;

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
              />
            ))}
          </ul>
        )}
      </div>
    </aside>
  );
}
