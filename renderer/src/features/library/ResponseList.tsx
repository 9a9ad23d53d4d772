import { memo, useEffect, useLayoutEffect, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ResponseRow } from '../../../../shared/api.ts';
import { useFilters, type SortKey } from '../../stores/filters.ts';
import { rowAt, useList } from '../../stores/list.ts';
import { useWorkspace } from '../../stores/workspace.ts';
import { Badge } from '../../ui/Badge.tsx';
import { ReviewMark, VerdictMark } from '../../ui/marks.tsx';

export const ROW_HEIGHT = 28;

// Column widths live in the stylesheet (--list-grid), so narrow windows can drop columns.
interface Column {
  id: string;
  title: string;
  sort?: SortKey;
  align?: 'right' | 'center';
  titleHint?: string;
}

const COLUMNS: Column[] = [
  { id: 'sample', title: 'Sample', sort: 'sample' },
  { id: 'level', title: 'Level', sort: 'level' },
  { id: 'run', title: 'Run', sort: 'run' },
  { id: 'rollout', title: '#', align: 'right', titleHint: 'Rollout (sampled response number)' },
  { id: 'answer', title: 'Answer', align: 'center', titleHint: 'Predicted option / golden option' },
  { id: 'correct', title: 'Right', sort: 'correct', align: 'center', titleHint: 'Sort by correctness' },
  { id: 'flags', title: 'Flags', titleHint: 'Format error, score disagreement with the file' },
  { id: 'steps', title: 'Steps', sort: 'steps', align: 'right' },
  { id: 'tags', title: 'Tags', sort: 'tags', align: 'right' },
  { id: 'verdict', title: 'My verdict' },
  { id: 'review', title: 'Review' },
  { id: 'goal', title: 'Task goal' },
];


function Cells({ row }: { row: ResponseRow }) {
  return (
    <>
      <div className="cell c-sample mono" title={row.sampleId}>
        {row.sampleId}
      </div>
      <div className="cell c-level">
        <span className={`level level-${row.level}`}>{row.level}</span>
      </div>
      <div className="cell c-run" title={`${row.run} (${row.method})`}>
        <span className="run-name">{row.run}</span> <span className={`method method-${row.method}`}>{row.method}</span>
      </div>
      <div className="cell c-rollout num muted">{row.rollout}</div>
      <div className="cell c-answer center mono">
        <span className={row.correct ? 'pred-ok' : 'pred-bad'}>{row.prediction ?? '–'}</span>
        <span className="muted"> / </span>
        <span>{row.golden ?? '–'}</span>
      </div>
      <div className="cell c-correct center">
        {row.correct ? (
          <span className="mark-ok" title="correct">
            ✓
          </span>
        ) : (
          <span className="mark-bad" title="wrong">
            ✗
          </span>
        )}
      </div>
      <div className="cell c-flags flags">
        {!row.formatOk && (
          <Badge tone="warn" title="Format error: the <think>/<answer> structure is broken">
            format
          </Badge>
        )}
        {row.disagreement && (
          <Badge tone="info" title="The file's own reward disagrees with cotscope's score">
            ≠ file
          </Badge>
        )}
      </div>
      <div className="cell c-steps num">{row.stepCount}</div>
      <div className="cell c-tags num">{row.tagCount > 0 ? <span className="tag-count">{row.tagCount}</span> : <span className="muted">0</span>}</div>
      <div className="cell c-verdict">
        <VerdictMark supports={row.supports} />
      </div>
      <div className="cell c-review">
        <ReviewMark status={row.reviewStatus} />
      </div>
      <div className="cell c-goal goal" title={row.taskGoal ?? ''}>
        {row.taskGoal ?? <span className="muted">—</span>}
      </div>
    </>
  );
}

function Placeholder() {
  return (
    <>
      {COLUMNS.map((c) => (
        <div key={c.id} className={`cell c-${c.id}`}>
          <span className="placeholder-bar" />
        </div>
      ))}
    </>
  );
}

/** One row, memoised: while scrolling only rows entering the window render; the others just move. */
const Row = memo(function Row({
  index,
  start,
  row,
  selected,
  onOpen,
}: {
  index: number;
  start: number;
  row: ResponseRow | undefined;
  selected: boolean;
  onOpen: (row: ResponseRow, index: number) => void;
}) {
  return (
    <div
      role="row"
      aria-rowindex={index + 1}
      aria-selected={selected}
      className={`list-row${selected ? ' selected' : ''}${row ? '' : ' loading'}${index % 2 ? ' odd' : ''}`}
      style={{ transform: `translateY(${start}px)`, height: ROW_HEIGHT }}
      data-testid={row ? 'response-row' : 'response-row-placeholder'}
      data-index={index}
      data-response-id={row?.id}
      onClick={() => useList.getState().setCursor(index)}
      onDoubleClick={() => row && onOpen(row, index)}
    >
      {row ? <Cells row={row} /> : <Placeholder />}
    </div>
  );
});

/** The virtualised response list: a million rows cost what a screenful does. Pages load as the list scrolls. */
export function ResponseList({ onOpen }: { onOpen: (row: ResponseRow, index: number) => void }) {
  const total = useList((s) => s.total);
  const pages = useList((s) => s.pages);
  const generation = useList((s) => s.generation);
  const cursor = useList((s) => s.cursor);
  const revealIndex = useList((s) => s.revealIndex);
  const error = useList((s) => s.error);
  const sort = useFilters((s) => s.sort);
  const order = useFilters((s) => s.order);
  const setSort = useFilters((s) => s.setSort);
  const workspaceLoaded = useWorkspace((s) => s.loaded);

  const scrollRef = useRef<HTMLDivElement>(null);
  const count = total ?? 0;
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    initialOffset: () => useList.getState().scrollTop,
  });

  const items = virtualizer.getVirtualItems();
  const first = items.length ? items[0].index : 0;
  const last = items.length ? items[items.length - 1].index : 0;

  // Fetch the pages on screen. A short pause first, so dragging the scrollbar through a million rows does not ask
  // for every page on the way.
  useEffect(() => {
    if (total === null || count === 0) return;
    const t = setTimeout(() => useList.getState().ensureRange(first, last), 40);
    return () => clearTimeout(t);
  }, [first, last, total, count, generation]);

  // Remember where the list was when leaving (read once, not on every scroll event).
  useLayoutEffect(() => {
    const el = scrollRef.current;
    return () => {
      if (el) useList.getState().setScrollTop(el.scrollTop);
    };
  }, []);

  // A new filter starts at the top.
  const seenGeneration = useRef(generation);
  useLayoutEffect(() => {
    if (seenGeneration.current !== generation) {
      seenGeneration.current = generation;
      scrollRef.current?.scrollTo({ top: 0 });
    }
  }, [generation]);

  // Coming back from the workbench: show the row that was worked on.
  useLayoutEffect(() => {
    if (revealIndex !== null && total !== null && revealIndex < total) {
      virtualizer.scrollToIndex(revealIndex, { align: 'auto' });
      useList.getState().reveal(null);
    }
  }, [revealIndex, total, virtualizer]);

  // Keyboard moves (j/k, Home/End) keep the cursor row on screen.
  useEffect(() => {
    if (total !== null && cursor < total) virtualizer.scrollToIndex(cursor, { align: 'auto' });
  }, [cursor, total, virtualizer]);

  const headerCells = COLUMNS.map((c) => {
    const active = c.sort && sort === c.sort;
    return (
      <div
        key={c.id}
        role="columnheader"
        className={`cell c-${c.id} head-cell${c.sort ? ' sortable' : ''}${active ? ' sorted' : ''}${c.align ? ` ${c.align}` : ''}`}
        title={c.titleHint ?? (c.sort ? `Sort by ${c.title.toLowerCase()}` : undefined)}
        aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : undefined}
        onClick={c.sort ? () => setSort(c.sort as SortKey) : undefined}
        data-testid={c.sort ? `sort-${c.sort}` : undefined}
      >
        {c.title}
        {active && <span className="sort-arrow">{order === 'asc' ? ' ▲' : ' ▼'}</span>}
      </div>
    );
  });

  return (
    <div className="response-list" role="grid" aria-rowcount={count} data-testid="response-list">
      <div className="list-head" role="row">
        {headerCells}
      </div>
      <div
        className="list-scroll"
        ref={scrollRef}
        tabIndex={-1}
      >
        {total === 0 && workspaceLoaded && (
          <div className="list-empty" data-testid="list-empty">
            {error ? `The list could not be loaded: ${error}` : 'No responses match these filters.'}
          </div>
        )}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative', width: '100%' }}>
          {items.map((vi) => (
            <Row
              key={vi.key}
              index={vi.index}
              start={vi.start}
              row={rowAt(pages, vi.index)}
              selected={vi.index === cursor}
              onOpen={onOpen}
            />
          ))}
        </div>
      </div>
    </div>
  );
}
