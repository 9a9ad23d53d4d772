// The one entry to the service: the Electron IPC handler, the HTTP server of browser mode and the tests all call
// dispatch(). It checks the method exists, validates the input with the method's schema, and turns whatever happens
// into the result envelope; every error message names the method.
import { isMethodName, isSaveMethod, isShellMethod, parseInput, type ApiErrorCode, type Result } from '../../shared/api.ts';
import { CotscopeError } from './errors.ts';
import type { Service } from './service.ts';
import { isBusy } from './store.ts';

/** CotscopeError codes that mean something more specific than "this input cannot be used". */
const CODES: Record<string, ApiErrorCode> = {
  not_found: 'not_found',
  duplicate: 'conflict',
  exists: 'conflict',
  conflict: 'conflict',
  forbidden: 'forbidden',
  busy: 'busy',
  cancelled: 'cancelled',
  internal: 'internal',
};

export async function dispatch(service: Service, method: string, input: unknown): Promise<Result<unknown>> {
  if (!isMethodName(method)) {
    return { ok: false, error: { code: 'not_found', message: `unknown method ${JSON.stringify(method)}` } };
  }
  if (isShellMethod(method)) {
    // The shell's workspace switcher answers these; reaching the service means the shell did not route them.
    return { ok: false, error: { code: 'internal', message: `${method}: answered by the shell, not by the workspace service` } };
  }
  const parsed = parseInput(method, input);
  if (!parsed.ok) return { ok: false, error: { code: 'invalid_input', message: parsed.message } };
  try {
    const handler = service[method] as (input: unknown) => unknown;
    const value = await handler.call(service, parsed.value);
    return { ok: true, value };
  } catch (err) {
    return { ok: false, error: toApiError(method, err) };
  }
}

export function toApiError(method: string, err: unknown): { code: ApiErrorCode; message: string } {
  if (isBusy(err)) {
    const what = isSaveMethod(method) ? ', so nothing was saved' : '';
    return { code: 'busy', message: `${method}: the workspace is busy: another program is writing to it (a run import, say)${what}; try again in a moment` };
  }
  const message = err instanceof Error ? err.message : String(err);
  const named = message.startsWith(`${method}:`) ? message : `${method}: ${message}`;
  if (err instanceof CotscopeError) return { code: CODES[err.code] ?? 'invalid_input', message: named };
  return { code: 'internal', message: named };
}
