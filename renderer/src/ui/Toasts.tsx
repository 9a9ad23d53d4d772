import { useNotifications } from '../stores/notifications.ts';

export function Toasts() {
  const items = useNotifications((s) => s.items);
  const dismiss = useNotifications((s) => s.dismiss);
  return (
    <div className="toasts" aria-live="polite" role="status">
      {items.map((n) => (
        <div key={n.id} className={`toast toast-${n.kind}`} data-testid="toast" data-kind={n.kind}>
          <div className="toast-body">
            <div className="toast-message">
              {n.message}
              {n.count > 1 && <span className="toast-count"> ×{n.count}</span>}
            </div>
            {n.hint && <div className="toast-hint">{n.hint}</div>}
          </div>
          <button className="toast-close" aria-label="Dismiss" onClick={() => dismiss(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
