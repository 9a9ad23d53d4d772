import { memo, useEffect, useMemo, useRef } from 'react';
import type { Label, ResponseDetail, Tag } from '../../../../shared/api.ts';
import { usePlayer } from '../../stores/player.ts';
import { useWb, useWorkbenchStore } from '../../stores/workbench.ts';

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
  for (const t of detail.tags) {
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

function groupByLabel(tags: Tag[]): { key: string; tags: Tag[] }[] {
  const m = new Map<string, Tag[]>();
  for (const t of tags) m.set(t.label, [...(m.get(t.label) ?? []), t]);
  return [...m].map(([key, list]) => ({ key, tags: list }));
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

function pieceStyle(tags: Tag[], labels: Map<string, Label>, selected: string | null): React.CSSProperties | undefined {
  if (tags.length === 0) return undefined;
  const ordered = [...tags].sort((a, b) => (a.uuid === selected ? 1 : 0) - (b.uuid === selected ? 1 : 0));
  const top = ordered[ordered.length - 1];
  const color = labels.get(top.label)?.color ?? '#888888';
  const isSel = top.uuid === selected;
  const shadows = ordered
    .slice(-3)
    .reverse()
    .map((t, i) => `inset 0 -${2 + i * 2}px 0 ${labels.get(t.label)?.color ?? '#888'}`);
  return {
    background: `${color}${isSel ? '55' : '24'}`,
    boxShadow: shadows.join(', '),
    outline: isSel ? `1px solid ${color}` : undefined,
  };
}

const BlockView = memo(function BlockView({
  block,
  raw,
  labels,
  selectedTag,
  isCursor,
  inRange,
  chips,
}: {
  block: Block;
  raw: string;
  labels: Map<string, Label>;
  selectedTag: string | null;
  isCursor: boolean;
  inRange: boolean;
  chips: Tag[];
}) {
  const wb = useWorkbenchStore();
  const text = block.pieces.map((p) => (
    <span
      key={p.start}
      data-off={p.start}
      className={p.tags.length ? 'piece tagged' : 'piece'}
      style={pieceStyle(p.tags, labels, selectedTag)}
      title={p.tags.length ? p.tags.map((t) => labels.get(t.label)?.name ?? t.label).join(', ') : undefined}
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
  const chipsByStep = useMemo(() => {
    const m = new Map<number, Tag[]>();
    for (const t of detail.tags) {
      if (!t.steps) continue;
      const list = m.get(t.steps[0]) ?? [];
      list.push(t);
      m.set(t.steps[0], list);
    }
    return m;
  }, [detail.tags]);
  const responseTags = detail.tags.filter((t) => !t.steps && !t.span);

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
          chips={b.kind === 'step' ? (chipsByStep.get(b.index) ?? []) : []}
        />
      ))}
      {detail.raw.length === 0 && <div className="muted">(empty response)</div>}
    </div>
  );
}
