// Which URLs the window may be at, which senders may call the API, and which links may leave for the system browser.
// Pure functions (no electron import) so they are unit-tested.
import { APP_HOST, APP_SCHEME } from './window-options.ts';

function parse(url: unknown): URL | null {
  if (typeof url !== 'string') return null;
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** A URL of our own renderer: app://app/… (the only place the window may navigate, and the only IPC sender). */
export function isAppUrl(url: unknown): boolean {
  const u = parse(url);
  return u !== null && u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '';
}

/** Links that may open in the system browser: https only, with a host and no credentials in them. */
export function isSafeExternalUrl(url: unknown): boolean {
  const u = parse(url);
  return u !== null && u.protocol === 'https:' && u.hostname !== '' && u.username === '' && u.password === '';
}
