// The one helper every domain store is made with: a zustand store with its state and actions side by side, a name
// (for debugging from the console: `window.__cotscopeStores.list.getState()`), and nothing else.
import { create, type StateCreator, type StoreApi, type UseBoundStore } from 'zustand';

const registry: Record<string, UseBoundStore<StoreApi<unknown>>> = {};

export function createStore<T>(name: string, init: StateCreator<T, [], []>): UseBoundStore<StoreApi<T>> {
  const store = create<T>()(init);
  registry[name] = store as unknown as UseBoundStore<StoreApi<unknown>>;
  return store;
}

if (typeof window !== 'undefined') {
  (window as unknown as { __cotscopeStores: typeof registry }).__cotscopeStores = registry;
}
