import { memo, useEffect, useMemo, useRef } from 'react';
import type { Label, ResponseDetail, Tag } from '../../../../shared/api.ts';
import { useAnnotations } from '../../stores/annotations.ts';
import { usePlayer } from '../../stores/player.ts';
import { chainTags, checkName, isSuggestion, sortedTags, useWb, useWorkbenchStore } from '../../stores/workbench.ts';
import { Kbd } from '../../ui/Kbd.tsx';

interface Piece {
  start: number;
  end: number;
  tags: Tag[];
}

interface Block {
  kind: 'step' | 'gap';
  /** Position in detail.steps (the cursor's unit) for steps. */
  pos: number;
  index: number;
  start: number;
  end: number;
  pieces: Piece[];
}

type Range = { tag: Tag; a: number; b: number };

/** One empty list for every block without tags, so the memoised blocks see the same props again. */
const NO_TAGS: Tag[] = [];

/** Where a tag sits in the raw text: its span, else its steps' extent. */
export function tagRange(tag: Tag, steps: ResponseDetail['steps']): [number, number] | null {
  if (tag.span) return tag.span;
  if (tag.steps) {
    const a = steps.find((s) => s.index === tag.steps![0]);
    const b = steps.find((s) => s.index === tag.steps![1]);
    if (a && b) return [a.start, b.end];
  }
  return null;
}

function cut(start: number, end: number, ranges: Range[]): Piece[] {
  const cuts = new Set([start, end]);
  for (const r of ranges) {
    if (r.a > start && r.a < end) cuts.add(r.a);
    if (r.b > start && r.b < end) cuts.add(r.b);
  }
  const xs = [...cuts].sort((p, q) => p - q);
  const out: Piece[] = [];
  for (let i = 0; i < xs.length - 1; i++) {
    const s = xs[i];
    const e = xs[i + 1];
    out.push({ start: s, end: e, tags: ranges.filter((r) => r.a < e && r.b > s).map((r) => r.tag) });
  }
  return out;
}

function buildBlocks(detail: ResponseDetail): Block[] {
  const raw = detail.raw;
  const ranges: Range[] = [];
  // People's tags and the checks' open suggestions; a decided suggestion is gone from the chain (an accepted one is
  // the decider's own tag now).
  for (const t of chainTags(detail.tags)) {
    const r = tagRange(t, detail.steps);
    if (r && r[1] > r[0]) ranges.push({ tag: t, a: r[0], b: r[1] });
  }
  const blocks: Block[] = [];
  let at = 0;
  const gap = (s: number, e: number) => {
    if (e > s && raw.slice(s, e).trim() !== '') blocks.push({ kind: 'gap', pos: -1, index: -1, start: s, end: e, pieces: cut(s, e, ranges) });
  };
  detail.steps.forEach((st, pos) => {
    gap(at, st.start);
    blocks.push({ kind: 'step', pos, index: st.index, start: st.start, end: st.end, pieces: cut(st.start, st.end, ranges) });
    at = Math.max(at, st.end);
  });
  gap(at, raw.length);
  return blocks;
}

/** Maps a DOM selection end point back to an offset in the raw text, via the data-off of the piece holding it. */
function rawOffset(node: Node | null, offset: number): number | null {
  if (!node) return null;
  if (node.nodeType === Node.TEXT_NODE) {
    const piece = node.parentElement?.closest<HTMLElement>('[data-off]');
    if (!piece) return null;
    return Number(piece.dataset.off) + offset;
  }
  const el = node as Element;
  const own = el.closest<HTMLElement>('[data-off]');
  if (own) return Number(own.dataset.off) + (offset > 0 ? (own.textContent?.length ?? 0) : 0);
  // An element boundary between pieces: the piece at or after the child index, else the end of the one before.
  const kids = Array.from(el.childNodes);
  for (let i = offset; i < kids.length; i++) {
    const p = kids[i] instanceof Element ? (kids[i] as Element).querySelector<HTMLElement>('[data-off]') ?? ((kids[i] as HTMLElement).dataset?.off ? (kids[i] as HTMLElement) : null) : null;
    if (p) return Number(p.dataset.off);
  }
  for (let i = Math.min(offset, kids.length) - 1; i >= 0; i--) {
    const all = kids[i] instanceof Element ? (kids[i] as Element).querySelectorAll<HTMLElement>('[data-off]') : null;
    const p = all && all.length ? all[all.length - 1] : null;
    if (p) return Number(p.dataset.off) + (p.textContent?.length ?? 0);
  }
  return null;
}

/** People's tags grouped by label (one chip each); the checks' suggestions stay one chip per suggestion. */
function groupByLabel(tags: Tag[]): { key: string; tags: Tag[] }[] {
  const m = new Map<string, Tag[]>();
  for (const t of tags) if (!isSuggestion(t)) m.set(t.label, [...(m.get(t.label) ?? []), t]);
  return [...m].map(([key, list]) => ({ key, tags: list }));
}

export function confidenceText(t: Tag): string {
  return t.suggestion ? `${Math.round(t.suggestion.confidence * 100)}%` : '';
}

/** A check's open suggestion as a dashed chip: click selects it (then A accepts, D rejects). */
function SuggestionChip({ tag, label, selected }: { tag: Tag; label: Label | undefined; selected: boolean }) {
  const wb = useWorkbenchStore();
  return (
    <span
      className={`step-chip suggestion${selected ? ' selected' : ''}`}
      style={{ borderColor: label?.color, color: label?.color }}
      title={`Suggested by the check ${checkName(tag)} (${confidenceText(tag)}): ${tag.suggestion?.evidence ?? ''}\nSelect it, then A accepts, D rejects`}
      data-testid="suggestion-chip"
      data-uuid={tag.uuid}
      onClick={(e) => {
        e.stopPropagation();
        wb.getState().selectTag(tag.uuid);
      }}
    >
      {label?.name ?? tag.label}?
    </span>
  );
}

/** Under the step it ends on: what the check saw, and the mouse path to A / D. */
function SuggestionEvidence({ tag, label, selected }: { tag: Tag; label: Label | undefined; selected: boolean }) {
  const wb = useWorkbenchStore();
  const color = label?.color ?? '#888888';
  const decide = (decision: 'accepted' | 'rejected') => (e: React.MouseEvent) => {
    e.stopPropagation();
    void useAnnotations.getState().decideSuggestion(tag.uuid, decision, wb);
  };
  return (
    <span
      className={`chain-evidence${selected ? ' selected' : ''}`}
      style={{ borderColor: color, ...(selected ? { background: `${color}14` } : {}) }}
      data-testid="chain-evidence"
      data-uuid={tag.uuid}
      onMouseDown={(e) => e.stopPropagation()}
      onClick={(e) => {
        e.stopPropagation();
        wb.getState().selectTag(tag.uuid);
      }}
    >
      <span className="evidence-who" style={{ color }} title={`${label?.name ?? tag.label}? — suggested by the check ${checkName(tag)}`}>
        {checkName(tag)} {confidenceText(tag)}
      </span>{' '}
      <span className="evidence-text">{tag.suggestion?.evidence}</span>
      {selected && (
        <span className="evidence-actions">
          <button className="link small" onClick={decide('accepted')} data-testid="chain-accept">
            accept <Kbd action="acceptSuggestion" />
          </button>
          <button className="link small" onClick={decide('rejected')} data-testid="chain-reject">
            reject <Kbd action="rejectSuggestion" />
          </button>
        </span>
      )}
    </span>
  );
}

/** A label's tags on a step or on the whole response: clicking walks through them and seeks the video to each. */
function LabelChip({ labelKey, tags, label, selectedTag }: { labelKey: string; tags: Tag[]; label: Label | undefined; selectedTag: string | null }) {
  const wb = useWorkbenchStore();
  return (
    <span
      className={`step-chip${tags.some((t) => t.uuid === selectedTag) ? ' selected' : ''}`}
      style={{ borderColor: label?.color, color: label?.color }}
      title={tags.map((t) => `${label?.name ?? labelKey} · ${t.annotator}${t.note ? ` — ${t.note}` : ''}`).join('\n')}
      onClick={(e) => {
        e.stopPropagation(); // not a click on the step under it
        const i = tags.findIndex((t) => t.uuid === selectedTag);
        const t = tags[(i + 1) % tags.length];
        wb.getState().selectTag(t.uuid);
        if (t.time) usePlayer.getState().seek(t.time[0]);
      }}
    >
      {label?.name ?? labelKey}
      {tags.length > 1 && <span className="chip-count"> ×{tags.length}</span>}
    </span>
  );
}

/**
 * People's tags: a tinted background and solid underlines. The checks' suggestions: a dashed underline in the label's
 * colour and no fill (a guess, not a judgment), a light wash when selected.
 */
function pieceStyle(tags: Tag[], labels: Map<string, Label>, selected: string | null): React.CSSProperties | undefined {
  if (tags.length === 0) return undefined;
  const people = tags.filter((t) => !isSuggestion(t));
  const suggested = tags.filter(isSuggestion);
  const style: React.CSSProperties = {};
  if (suggested.length) {
    const g = suggested.find((t) => t.uuid === selected) ?? suggested[0];
    const color = labels.get(g.label)?.color ?? '#888888';
    style.textDecorationLine = 'underline';
    style.textDecorationStyle = 'dashed';
    style.textDecorationColor = color;
    // Selected: a light wash and a heavier dash (an outline would box every line of a long span).
    if (g.uuid === selected) {
      style.background = `${color}26`;
      style.textDecorationThickness = '2.5px';
    }
  }
  if (people.length === 0) return style;
  const ordered = [...people].sort((a, b) => (a.uuid === selected ? 1 : 0) - (b.uuid === selected ? 1 : 0));
  const top = ordered[ordered.length - 1];
  const color = labels.get(top.label)?.color ?? '#888888';
  const isSel = top.uuid === selected;
  const shadows = ordered
    .slice(-3)
    .reverse()
    .map((t, i) => `inset 0 -${2 + i * 2}px 0 ${labels.get(t.label)?.color ?? '#888'}`);
  return {
    ...style,
    background: `${color}${isSel ? '55' : '24'}`,
    boxShadow: shadows.join(', '),
    outline: isSel ? `1px solid ${color}` : undefined,
  };
}

function pieceTitle(tags: Tag[], labels: Map<string, Label>): string | undefined {
  if (tags.length === 0) return undefined;
  return tags
    .map((t) => {
      const name = labels.get(t.label)?.name ?? t.label;
      return isSuggestion(t) ? `${name}? suggested by ${checkName(t)} (${confidenceText(t)}): ${t.suggestion?.evidence ?? ''}` : name;
    })
    .join('\n');
}

const BlockView = memo(function BlockView({
  block,
  raw,
  labels,
  selectedTag,
  isCursor,
  inRange,
  chips,
  evidence,
}: {
  block: Block;
  raw: string;
  labels: Map<string, Label>;
  selectedTag: string | null;
  isCursor: boolean;
  inRange: boolean;
  chips: Tag[];
  /** Open suggestions that end on this step: their evidence shows under it. */
  evidence: Tag[];
}) {
  const wb = useWorkbenchStore();
  const text = block.pieces.map((p) => (
    <span
      key={p.start}
      data-off={p.start}
      className={p.tags.length ? `piece tagged${p.tags.some(isSuggestion) ? ' suggested' : ''}` : 'piece'}
      style={pieceStyle(p.tags, labels, selectedTag)}
      title={pieceTitle(p.tags, labels)}
    >
      {raw.slice(p.start, p.end)}
    </span>
  ));
  if (block.kind === 'gap') {
    return (
      <div className="chain-gap" data-testid="chain-gap">
        <span className="step-num" />
        <span className="step-text">{text}</span>
      </div>
    );
  }
  return (
    <div
      className={`step${isCursor ? ' cursor' : ''}${inRange ? ' in-range' : ''}`}
      data-testid="step"
      data-step-index={block.index}
      data-step-pos={block.pos}
      data-start={block.start}
      data-end={block.end}
      aria-selected={inRange}
      onMouseDown={(e) => {
        // Shift-click extends the step range; keep the browser from extending a text selection instead.
        if (e.shiftKey) {
          e.preventDefault();
          window.getSelection()?.removeAllRanges();
        }
      }}
      onClick={(e) => {
        const sel = window.getSelection();
        if (sel && !sel.isCollapsed && sel.toString().length > 0) return; // a drag-selection, handled on mouseup
        wb.getState().setCursor(block.pos, e.shiftKey);
      }}
    >
      <span className="step-num">{block.index + 1}</span>
      <span className="step-text">{text}</span>
      {chips.length > 0 && (
        <span className="step-chips">
          {groupByLabel(chips).map(({ key, tags }) => (
            <LabelChip key={key} labelKey={key} tags={tags} label={labels.get(key)} selectedTag={selectedTag} />
          ))}
          {chips.filter(isSuggestion).map((t) => (
            <SuggestionChip key={t.uuid} tag={t} label={labels.get(t.label)} selected={t.uuid === selectedTag} />
          ))}
        </span>
      )}
      {evidence.length > 0 && (
        <span className="step-evidence">
          {evidence.map((t) => (
            <SuggestionEvidence key={t.uuid} tag={t} label={labels.get(t.label)} selected={t.uuid === selectedTag} />
          ))}
        </span>
      )}
    </div>
  );
});

/** The raw response shown as its steps; text around them (tags, the answer) dimmed; tags highlighted inline. */
export function ChainView({ detail, labels }: { detail: ResponseDetail; labels: Label[] }) {
  const store = useWorkbenchStore();
  const cursor = useWb((s) => s.cursor);
  const anchor = useWb((s) => s.anchor);
  const span = useWb((s) => s.span);
  const selectedTag = useWb((s) => s.selectedTag);
  const box = useRef<HTMLDivElement>(null);

  const blocks = useMemo(() => buildBlocks(detail), [detail]);
  const labelMap = useMemo(() => new Map(labels.map((l) => [l.key, l])), [labels]);
  const shown = useMemo(() => chainTags(detail.tags), [detail.tags]);
  const chipsByStep = useMemo(() => {
    const m = new Map<number, Tag[]>();
    for (const t of shown) {
      if (!t.steps) continue;
      const list = m.get(t.steps[0]) ?? [];
      list.push(t);
      m.set(t.steps[0], list);
    }
    return m;
  }, [shown]);
  // An open suggestion's evidence goes under the last step it points at (a span: the step its end falls in).
  const evidenceByStep = useMemo(() => {
    const m = new Map<number, Tag[]>();
    for (const t of sortedTags(shown.filter(isSuggestion))) {
      let at = t.steps?.[1] ?? null;
      if (at === null && t.span) {
        const end = t.span[1];
        at = (detail.steps.find((s) => s.start < end && s.end >= end) ?? [...detail.steps].reverse().find((s) => s.start < end))?.index ?? null;
      }
      if (at === null) continue;
      m.set(at, [...(m.get(at) ?? []), t]);
    }
    return m;
  }, [shown, detail.steps]);
  const responseTags = shown.filter((t) => !t.steps && !t.span);
  const responseSuggestions = responseTags.filter(isSuggestion);

  const lo = span ? -1 : Math.min(anchor ?? cursor, cursor);
  const hi = span ? -1 : Math.max(anchor ?? cursor, cursor);
  const spanSteps = useMemo(() => {
    if (!span) return null;
    const hit = detail.steps.map((s, i) => (s.end > span[0] && s.start < Math.max(span[1], span[0] + 1) ? i : -1)).filter((i) => i >= 0);
    return hit.length ? [hit[0], hit[hit.length - 1]] : null;
  }, [span, detail.steps]);

  // Keep the cursor step on screen as j/k move it.
  useEffect(() => {
    box.current?.querySelector(`[data-step-pos="${cursor}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [cursor]);
  // Bring a selected tag's text into view.
  useEffect(() => {
    if (!selectedTag) return;
    const t = detail.tags.find((x) => x.uuid === selectedTag);
    const r = t && tagRange(t, detail.steps);
    if (!r) return;
    const pieces = box.current?.querySelectorAll<HTMLElement>('[data-off]') ?? [];
    for (const p of pieces) {
      if (Number(p.dataset.off) >= r[0]) {
        p.scrollIntoView({ block: 'nearest' });
        break;
      }
    }
  }, [selectedTag, detail]);

  const onMouseUp = () => {
    const sel = window.getSelection();
    if (!sel || sel.isCollapsed || sel.rangeCount === 0 || !box.current) return;
    const range = sel.getRangeAt(0);
    if (!box.current.contains(range.commonAncestorContainer)) return;
    const a = rawOffset(range.startContainer, range.startOffset);
    const b = rawOffset(range.endContainer, range.endOffset);
    if (a === null || b === null || a === b) return;
    const s: [number, number] = [Math.min(a, b), Math.max(a, b)];
    const wb = store.getState();
    const first = detail.steps.findIndex((st) => st.end > s[0]);
    if (first >= 0) store.setState({ cursor: first, anchor: null });
    wb.setSpan(s);
  };

  return (
    <div className="chain" ref={box} onMouseUp={onMouseUp} data-testid="chain">
      {responseTags.length > 0 && (
        <div className="chain-response-tags">
          <span className="field-label">Whole response</span>
          {groupByLabel(responseTags).map(({ key, tags }) => (
            <LabelChip key={key} labelKey={key} tags={tags} label={labelMap.get(key)} selectedTag={selectedTag} />
          ))}
          {responseSuggestions.map((t) => (
            <SuggestionChip key={t.uuid} tag={t} label={labelMap.get(t.label)} selected={t.uuid === selectedTag} />
          ))}
          {responseSuggestions.map((t) => (
            <SuggestionEvidence key={t.uuid} tag={t} label={labelMap.get(t.label)} selected={t.uuid === selectedTag} />
          ))}
        </div>
      )}
      {detail.steps.length === 0 && <div className="muted small chain-nosteps">No steps were found in this response; its raw text:</div>}
      {blocks.map((b) => (
        <BlockView
          key={`${b.kind}-${b.start}`}
          block={b}
          raw={detail.raw}
          labels={labelMap}
          selectedTag={selectedTag}
          isCursor={b.kind === 'step' && b.pos === cursor && !span}
          inRange={b.kind === 'step' && (spanSteps ? b.pos >= spanSteps[0] && b.pos <= spanSteps[1] : b.pos >= lo && b.pos <= hi && anchor !== null)}
          chips={b.kind === 'step' ? (chipsByStep.get(b.index) ?? NO_TAGS) : NO_TAGS}
          evidence={b.kind === 'step' ? (evidenceByStep.get(b.index) ?? NO_TAGS) : NO_TAGS}
        />
      ))}
      {detail.raw.length === 0 && <div className="muted">(empty response)</div>}
    </div>
  );
}
