// Calls to a running browser-mode server as the renderer makes them (POST /api/<method> with the token header).
import { expect } from 'vitest';
import type { RunningServer } from '../../electron/server/server.ts';

export function apiClient(server: () => RunningServer) {
  /** The status and the result envelope, whatever it holds. */
  async function api(method: string, body: unknown = {}): Promise<{ status: number; body: any }> {
    const s = server();
    const r = await fetch(`${s.origin}/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Cotscope-Token': s.token },
      body: JSON.stringify(body),
    });
    return { status: r.status, body: await r.json() };
  }
  /** The value of a call that must succeed. */
  async function value(method: string, body: unknown = {}): Promise<any> {
    const r = await api(method, body);
    expect(r.body, `${method}: ${JSON.stringify(r.body)}`).toMatchObject({ ok: true });
    return r.body.value;
  }
  return { api, value };
}
