import { useEffect, useState } from 'react';
import { useAnnotations } from '../stores/annotations.ts';

/** "Saving…" while an annotation call is in flight, then "Saved" that fades after a few seconds. */
export function SavedIndicator() {
  const saving = useAnnotations((s) => s.saving);
  const savedAt = useAnnotations((s) => s.savedAt);
  const [, tick] = useState(0);
  useEffect(() => {
    if (!savedAt) return;
    const t = setTimeout(() => tick((x) => x + 1), 2600);
    return () => clearTimeout(t);
  }, [savedAt]);
  const fresh = savedAt !== null && Date.now() - savedAt < 2500;
  const text = saving > 0 ? 'Saving…' : fresh ? 'Saved' : savedAt ? 'All changes saved' : '';
  return (
    <span className={`saved-indicator${saving > 0 ? ' is-saving' : fresh ? ' is-fresh' : ''}`} data-testid="saved" aria-live="polite">
      {text && (saving > 0 ? '● ' : '✓ ')}
      {text}
    </span>
  );
}
