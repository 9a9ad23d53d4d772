import { useEffect, useRef, type ReactNode } from 'react';
import { setOverlayHandler } from '../hotkeys.ts';

/** A modal overlay that takes the keyboard while open: Esc (or the onKey handler) acts, nothing else fires. */
export function Modal({
  title,
  onClose,
  children,
  onKey,
  testId,
  wide,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  onKey?: (e: KeyboardEvent) => boolean;
  testId?: string;
  wide?: boolean;
}) {
  const close = useRef(onClose);
  close.current = onClose;
  const key = useRef(onKey);
  key.current = onKey;
  useEffect(() => {
    setOverlayHandler((e) => {
      if (key.current?.(e)) return true;
      if (e.key === 'Escape') {
        close.current();
        return true;
      }
      return false;
    });
    return () => setOverlayHandler(null);
  }, []);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className={`modal${wide ? ' modal-wide' : ''}`} role="dialog" aria-modal="true" aria-label={title} data-testid={testId}>
        <div className="modal-head">
          <h2>{title}</h2>
          <button className="btn-icon" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </div>
        <div className="modal-body">{children}</div>
      </div>
    </div>
  );
}
