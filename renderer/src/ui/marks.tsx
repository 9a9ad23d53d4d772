import type { ReviewStatus, Supports } from '../../../shared/api.ts';

export const SUPPORTS_TEXT: Record<Supports, string> = { yes: 'supports', no: 'does not support', unclear: 'unclear' };
export const REVIEW_TEXT: Record<ReviewStatus, string> = { todo: 'to do', done: 'done', skipped: 'skipped' };

/** The analyst's verdict on "does the reasoning support the answer", as symbol + word. */
export function VerdictMark({ supports }: { supports: Supports | null }) {
  if (!supports) return <span className="muted">—</span>;
  const sym = supports === 'yes' ? '●' : supports === 'no' ? '●' : '◐';
  return (
    <span className={`verdict verdict-${supports}`} title={`Reasoning ${SUPPORTS_TEXT[supports]} the answer`}>
      {sym} {supports === 'yes' ? 'yes' : supports === 'no' ? 'no' : 'unclear'}
    </span>
  );
}

export function ReviewMark({ status }: { status: ReviewStatus }) {
  return <span className={`review review-${status}`}>{REVIEW_TEXT[status]}</span>;
}
