import { bindingFor, formatKey, type ActionId } from '../hotkeys.ts';

/** A key cap: <Kbd k="shift+j"/>, or the first key of an action: <Kbd action="markIn"/>. */
export function Kbd({ k, action }: { k?: string; action?: ActionId }) {
  const key = k ?? (action ? bindingFor(action).keys[0] : '');
  return <kbd className="kbd">{formatKey(key)}</kbd>;
}
