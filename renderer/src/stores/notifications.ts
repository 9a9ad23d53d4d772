// The one notification path: API errors (from api.ts) and a few confirmations land here and show as toasts.
import { createStore } from './create-store.ts';

export type NotificationKind = 'error' | 'info' | 'success';

export interface Notification {
  id: number;
  kind: NotificationKind;
  message: string;
  hint?: string;
  /** How many times the same message arrived while this toast was up. */
  count: number;
}

interface NotificationsState {
  items: Notification[];
  push(kind: NotificationKind, message: string, hint?: string): void;
  dismiss(id: number): void;
  clear(): void;
}

let nextId = 1;
const timers = new Map<number, ReturnType<typeof setTimeout>>();

export const useNotifications = createStore<NotificationsState>('notifications', (set, get) => ({
  items: [],
  push(kind, message, hint) {
    const same = get().items.find((n) => n.message === message && n.kind === kind);
    if (same) {
      set({ items: get().items.map((n) => (n === same ? { ...n, count: n.count + 1 } : n)) });
      arm(same.id, kind);
      return;
    }
    const n: Notification = { id: nextId++, kind, message, hint, count: 1 };
    set({ items: [...get().items, n].slice(-5) });
    arm(n.id, kind);
  },
  dismiss(id) {
    const t = timers.get(id);
    if (t) clearTimeout(t);
    timers.delete(id);
    set({ items: get().items.filter((n) => n.id !== id) });
  },
  clear() {
    for (const t of timers.values()) clearTimeout(t);
    timers.clear();
    set({ items: [] });
  },
}));

function arm(id: number, kind: NotificationKind) {
  const old = timers.get(id);
  if (old) clearTimeout(old);
  timers.set(
    id,
    setTimeout(() => useNotifications.getState().dismiss(id), kind === 'error' ? 9000 : 3500),
  );
}

export function notify(kind: NotificationKind, message: string, hint?: string): void {
  useNotifications.getState().push(kind, message, hint);
}
