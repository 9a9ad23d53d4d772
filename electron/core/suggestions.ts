// The automatic checks' suggestions in the workspace (schema version 9): written on import and by `cotscope check`,
// read by the workbench and the exports, decided by people. A suggestion is a tag of origin 'suggestion' by the
// annotator `auto:<check>`, plus its row in `suggestions` (check, version, confidence, evidence, decision).
//
// Re-running a check on a response replaces that check's open suggestions there; a decided one (accepted or rejected)
// is never touched, and a new suggestion that says what a decided one said (same label, steps and span) is not made
// again: a rejected proposal stays rejected.
import crypto from 'node:crypto';
import { checkInput, sampleContext, type ResponseForChecks, type SampleContext, type SampleForChecks } from './check-input.ts';
import { CHECKS, runChecks } from './checks/registry.ts';
import type { Check, Suggestion } from './checks/types.ts';
import { CotscopeError } from './errors.ts';
import { nowIso, type Db, type Store } from './store.ts';
import { inTransaction } from './util.ts';

/** The annotator a check's suggestions are written as. */
export function checkAnnotator(check: string): string {
  return `auto:${check}`;
}

/** The checks named (all when none is), or a usage error naming the unknown ones and the known. */
export function selectChecks(names?: readonly string[] | null): Check[] {
  if (!names || names.length === 0) return [...CHECKS];
  const unknown = names.filter((n) => !CHECKS.some((c) => c.name === n));
  if (unknown.length) {
    throw new CotscopeError(`unknown check(s) ${unknown.map((n) => `"${n}"`).join(', ')}; the checks are ${CHECKS.map((c) => c.name).join(', ')}`, 'usage');
  }
  return CHECKS.filter((c) => names.includes(c.name));
}

/**
 * Writes suggestions inside the caller's transaction. Statements are prepared once and the checks' annotators and the
 * labels looked up once, so the run importer can call it for every response of a million.
 */
export class SuggestionWriter {
  private readonly s;
  private readonly annotators = new Map<string, number>();
  private readonly labels = new Map<string, number | null>();
  /** Suggestions written, in all and per check. */
  written = 0;
  readonly byCheck = new Map<string, number>();

  constructor(private readonly db: Db) {
    this.s = {
      annotator: db.prepare('SELECT id FROM annotators WHERE name = ?').pluck(),
      insertAnnotator: db.prepare("INSERT INTO annotators (name, kind, created_at) VALUES (?, 'auto', ?)"),
      label: db.prepare('SELECT id FROM labels WHERE key = ? AND retired_at IS NULL').pluck(),
      insertTag: db.prepare(
        `INSERT INTO tags (uuid, response_id, label_id, annotator_id, step_start, step_end, char_start, char_end, origin, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'suggestion', ?, ?)`,
      ),
      insertSuggestion: db.prepare(
        `INSERT INTO suggestions (tag_id, response_id, run_id, level, check_name, check_version, confidence, evidence)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      // The check's suggestions on a response: the open ones go, the decided ones stay and keep their anchors.
      existing: db.prepare(
        `SELECT g.tag_id, g.decision, t.label_id, t.step_start, t.step_end, t.char_start, t.char_end FROM suggestions g
           JOIN tags t ON t.id = g.tag_id WHERE g.response_id = ? AND g.check_name = ?`,
      ),
      deleteTag: db.prepare('DELETE FROM tags WHERE id = ?'),
      checkRun: db.prepare(
        `INSERT INTO check_runs (run_id, check_name, check_version, responses, checked_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (run_id, check_name) DO UPDATE SET check_version = excluded.check_version, responses = excluded.responses,
                                                      checked_at = excluded.checked_at`,
      ),
      addToRun: db.prepare('UPDATE check_runs SET responses = responses + ?, checked_at = ? WHERE run_id = ? AND check_name = ? AND check_version = ?'),
    };
  }

  /** A response just imported: nothing of the checks is on it yet. */
  addNew(responseId: number, runId: number, level: string, suggestions: readonly Suggestion[], now = nowIso()): void {
    for (const g of suggestions) this.insert(responseId, runId, level, g, now);
  }

  /** A response checked again by `checks`: their open suggestions replaced, decided ones kept and not repeated. */
  replace(responseId: number, runId: number, level: string, checks: readonly Check[], suggestions: readonly Suggestion[], now = nowIso()): void {
    for (const check of checks) {
      const decided: string[] = [];
      for (const e of this.s.existing.all(responseId, check.name) as {
        tag_id: number;
        decision: string | null;
        label_id: number;
        step_start: number | null;
        step_end: number | null;
        char_start: number | null;
        char_end: number | null;
      }[]) {
        if (e.decision === null) this.s.deleteTag.run(e.tag_id); // its suggestions row goes with it (ON DELETE CASCADE)
        else decided.push(anchorKey(e.label_id, e.step_start, e.step_end, e.char_start, e.char_end));
      }
      for (const g of suggestions) {
        if (g.check !== check.name) continue;
        const labelId = this.labelId(g.label);
        if (labelId === null) continue;
        if (decided.includes(anchorKey(labelId, g.steps?.[0] ?? null, g.steps?.[1] ?? null, g.span?.[0] ?? null, g.span?.[1] ?? null))) continue;
        this.insert(responseId, runId, level, g, now);
      }
    }
  }

  /** Notes that `checks` read `responses` responses of the run (its whole set). */
  recordRun(runId: number, checks: readonly Check[], responses: number, now = nowIso()): void {
    for (const c of checks) this.s.checkRun.run(runId, c.name, c.version, responses, now);
  }

  /**
   * Notes what an import's checks read: all of a new run; for responses added to a run, only where the run was checked
   * whole by the same version before (else the run stays partly checked, until `cotscope check`).
   */
  recordImport(runId: number, checks: readonly Check[], imported: number, runIsNew: boolean, now = nowIso()): void {
    for (const c of checks) {
      if (runIsNew) this.s.checkRun.run(runId, c.name, c.version, imported, now);
      else this.s.addToRun.run(imported, now, runId, c.name, c.version);
    }
  }

  private insert(responseId: number, runId: number, level: string, g: Suggestion, now: string): void {
    const labelId = this.labelId(g.label);
    if (labelId === null) return; // a label this workspace retired or removed: nothing to propose it as
    const tagId = Number(
      this.s.insertTag.run(crypto.randomUUID(), responseId, labelId, this.annotatorId(g.check, now), g.steps?.[0] ?? null, g.steps?.[1] ?? null,
        g.span?.[0] ?? null, g.span?.[1] ?? null, now, now).lastInsertRowid,
    );
    this.s.insertSuggestion.run(tagId, responseId, runId, level, g.check, g.version, Math.min(1, Math.max(0, g.confidence)), g.evidence);
    this.written++;
    this.byCheck.set(g.check, (this.byCheck.get(g.check) ?? 0) + 1);
  }

  private annotatorId(check: string, now: string): number {
    let id = this.annotators.get(check);
    if (id === undefined) {
      const name = checkAnnotator(check);
      id = (this.s.annotator.get(name) as number | undefined) ?? Number(this.s.insertAnnotator.run(name, now).lastInsertRowid);
      this.annotators.set(check, id);
    }
    return id;
  }

  private labelId(key: string): number | null {
    let id = this.labels.get(key);
    if (id === undefined) this.labels.set(key, (id = (this.s.label.get(key) as number | undefined) ?? null));
    return id;
  }
}

function anchorKey(label: number, s0: number | null, s1: number | null, c0: number | null, c1: number | null): string {
  return `${label}:${s0}:${s1}:${c0}:${c1}`;
}

export interface CheckRunsOptions {
  /** Run names (all runs when none). */
  runs?: readonly string[];
  /** Check names (all when none). */
  checks?: readonly string[];
  onProgress?: (p: { done: number; total: number }) => void;
  signal?: AbortSignal;
}

export interface CheckRunsResult {
  runs: { name: string; responses: number; suggestions: number }[];
  checks: { name: string; version: number; suggestions: number }[];
  responses: number;
  suggestions: number;
}

const CHECK_BATCH = 2000;

/**
 * `cotscope check`: runs the checks over stored runs. Between batches of responses the event loop turns, so a progress
 * bar moves and a signal can stop it.
 */
export async function checkRuns(store: Store, opts: CheckRunsOptions = {}): Promise<CheckRunsResult> {
  const { db } = store;
  const checks = selectChecks(opts.checks);
  const names = checks.map((c) => c.name);
  const allRuns = db.prepare('SELECT id, name FROM runs ORDER BY id').all() as { id: number; name: string }[];
  const wanted = opts.runs?.length ? opts.runs : null;
  if (wanted) {
    const missing = wanted.filter((n) => !allRuns.some((r) => r.name === n));
    if (missing.length) throw new CotscopeError(`no run named ${missing.map((n) => `"${n}"`).join(', ')} in this workspace`, 'not_found');
  }
  const runs = wanted ? allRuns.filter((r) => wanted.includes(r.name)) : allRuns;
  const total = runs.length
    ? (db.prepare(`SELECT COUNT(*) FROM responses WHERE run_id IN (${runs.map(() => '?').join(',')})`).pluck().get(...runs.map((r) => r.id)) as number)
    : 0;
  // A run's ids first (one walk of its index), then its rows by id range: selecting each batch by run and "id > last"
  // would walk the run's whole index again for every batch.
  const idsOf = db.prepare('SELECT id FROM responses WHERE run_id = ? ORDER BY id').pluck();
  const batch = db.prepare(
    `SELECT x.id, x.raw, x.think_start, x.think_end, x.answer_text, x.prediction, x.steps, x.sample_id, s.level
       FROM responses x JOIN samples s ON s.id = x.sample_id WHERE x.id BETWEEN ? AND ? AND x.run_id = ? ORDER BY x.id`,
  );
  const sampleRow = db.prepare(
    `SELECT question, choice_a, choice_b, choice_c, choice_d, golden, task_goal, task_progress, current_observation_frame
       FROM samples WHERE id = ?`,
  );
  const contexts = new Map<number, SampleContext>();
  const result: CheckRunsResult = { runs: [], checks: checks.map((c) => ({ name: c.name, version: c.version, suggestions: 0 })), responses: 0, suggestions: 0 };
  let done = 0;
  for (const run of runs) {
    if (opts.signal?.aborted) break;
    const writer = new SuggestionWriter(db);
    const ids = idsOf.all(run.id) as number[];
    // One transaction per run: checked whole or not at all (a cancel rolls the run in progress back).
    await inTransaction(db, async () => {
      for (let i = 0; i < ids.length; i += CHECK_BATCH) {
        const rows = batch.all(ids[i], ids[Math.min(i + CHECK_BATCH, ids.length) - 1], run.id) as (ResponseForChecks & {
          id: number;
          sample_id: number;
          level: string;
        })[];
        for (const r of rows) {
          let ctx = contexts.get(r.sample_id);
          if (!ctx) contexts.set(r.sample_id, (ctx = sampleContext(sampleRow.get(r.sample_id) as SampleForChecks)));
          writer.replace(r.id, run.id, r.level, checks, runChecks(checkInput(ctx, r), names));
        }
        done += rows.length;
        opts.onProgress?.({ done, total });
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (opts.signal?.aborted) throw new CotscopeError('cancelled', 'cancelled');
      }
      writer.recordRun(run.id, checks, ids.length);
    });
    result.runs.push({ name: run.name, responses: ids.length, suggestions: writer.written });
    result.responses += ids.length;
    result.suggestions += writer.written;
    for (const c of result.checks) c.suggestions += writer.byCheck.get(c.name) ?? 0;
  }
  return result;
}
