// Agreement between annotators (a judge imported with import-tags included): for every pair, over the responses both
// reviewed — Cohen's κ per label on presence, κ on verdicts, Krippendorff's α (nominal) over (response, label) units,
// step-level κ and time-range IoU. The statistics are pure functions (tested against textbook values); the class
// reads the workspace.
//
// "Reviewed by X" is the dashboards' definition (ResponseFilter.reviewed): a live tag by X, or X's verdict with a
// judgment or review status done. Tags an adjudicator made while adjudicating (origin 'adjudication') are decisions
// about the others' work, not a rating, so they never count here.
import type { AgreementPair, AgreementReport } from '../../shared/api.ts';
import type { Db } from './store.ts';

// ---------- statistics ----------

/**
 * Cohen's κ for two raters over the same items: (p_o − p_e) / (1 − p_e). null when undefined: no items, or expected
 * agreement 1 (both raters gave every item one and the same value, so chance alone explains all agreement).
 */
export function cohenKappa<T>(a: readonly T[], b: readonly T[]): number | null {
  if (a.length !== b.length) throw new Error('cohenKappa: both raters must rate the same items');
  const n = a.length;
  if (n === 0) return null;
  const countA = new Map<T, number>();
  const countB = new Map<T, number>();
  let agree = 0;
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i]) agree++;
    countA.set(a[i], (countA.get(a[i]) ?? 0) + 1);
    countB.set(b[i], (countB.get(b[i]) ?? 0) + 1);
  }
  let pe = 0;
  for (const [v, ca] of countA) pe += (ca / n) * ((countB.get(v) ?? 0) / n);
  const po = agree / n;
  if (1 - pe < 1e-12) return null;
  return (po - pe) / (1 - pe);
}

/** κ from a 2×2 table of counts [[both yes, a yes b no], [a no b yes, both no]] (as textbooks give it). */
export function kappaFromTable(t: readonly [readonly [number, number], readonly [number, number]]): number | null {
  const a: number[] = [];
  const b: number[] = [];
  const push = (x: number, y: number, times: number) => {
    for (let i = 0; i < times; i++) {
      a.push(x);
      b.push(y);
    }
  };
  push(1, 1, t[0][0]);
  push(1, 0, t[0][1]);
  push(0, 1, t[1][0]);
  push(0, 0, t[1][1]);
  return cohenKappa(a, b);
}

/**
 * Krippendorff's α for nominal data: units × coders, null (or undefined) where a coder gave no value. Units with
 * fewer than two values are not pairable and drop out. α = 1 − (n − 1) · Σ_{c≠k} o_ck / Σ_{c≠k} n_c·n_k, from the
 * coincidence matrix o (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability"). null when undefined: fewer
 * than two pairable values, or every value the same (no expected disagreement).
 */
export function krippendorffAlphaNominal<T>(units: readonly (readonly (T | null | undefined)[])[]): number | null {
  const o = new Map<T, Map<T, number>>();
  const add = (c: T, k: T, w: number) => {
    let row = o.get(c);
    if (!row) o.set(c, (row = new Map()));
    row.set(k, (row.get(k) ?? 0) + w);
  };
  for (const unit of units) {
    const values = unit.filter((v): v is T => v !== null && v !== undefined);
    const m = values.length;
    if (m < 2) continue;
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) if (i !== j) add(values[i], values[j], 1 / (m - 1));
  }
  const nc = new Map<T, number>();
  let n = 0;
  let disagreeObserved = 0;
  for (const [c, row] of o) {
    for (const [k, w] of row) {
      nc.set(c, (nc.get(c) ?? 0) + w);
      n += w;
      if (c !== k) disagreeObserved += w;
    }
  }
  if (n < 2) return null;
  let expected = 0;
  for (const [c, x] of nc) for (const [k, y] of nc) if (c !== k) expected += x * y;
  if (expected === 0) return null;
  return 1 - ((n - 1) * disagreeObserved) / expected;
}

/** Total length of a union of intervals. */
function unionLength(ranges: readonly (readonly [number, number])[]): number {
  const sorted = [...ranges].sort((x, y) => x[0] - y[0]);
  let total = 0;
  let cur: [number, number] | null = null;
  for (const [s, e] of sorted) {
    if (cur && s <= cur[1]) cur[1] = Math.max(cur[1], e);
    else {
      if (cur) total += cur[1] - cur[0];
      cur = [s, e];
    }
  }
  if (cur) total += cur[1] - cur[0];
  return total;
}

/**
 * Intersection over union of two sets of time ranges (each side's ranges are merged first). null when both are
 * empty or of zero length (nothing to overlap).
 */
export function timeIou(a: readonly (readonly [number, number])[], b: readonly (readonly [number, number])[]): number | null {
  const union = unionLength([...a, ...b]);
  if (union <= 0) return null;
  const inter = unionLength(a) + unionLength(b) - union;
  return Math.max(0, inter) / union;
}

// ---------- the workspace ----------

interface Reviewed {
  /** Label keys of live tags on the response. */
  labels: Set<string>;
  supports: string | null;
  /** Step indices covered by step-anchored tags. */
  steps: Set<number>;
  stepTagged: boolean;
  /** Time ranges by label key. */
  times: Map<string, [number, number][]>;
}

export class Agreement {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      annotators: db.prepare('SELECT id, name FROM annotators ORDER BY name'),
      tags: db.prepare(
        `SELECT t.response_id, t.annotator_id, l.key AS label, t.step_start, t.step_end, t.time_start, t.time_end
           FROM tags t JOIN labels l ON l.id = t.label_id
          WHERE t.deleted_at IS NULL AND t.origin <> 'adjudication'`,
      ),
      verdicts: db.prepare(
        `SELECT response_id, annotator_id, supports FROM verdicts
          WHERE deleted_at IS NULL AND (supports IS NOT NULL OR review_status = 'done')`,
      ),
      stepCount: db.prepare('SELECT step_count FROM responses WHERE id = ?').pluck(),
    };
  }

  /** Every pair of annotators (among `only`, when given) that reviewed at least one response in common. */
  compute(only?: readonly string[]): AgreementReport {
    const names = new Map<number, string>();
    for (const a of this.s.annotators.all() as { id: number; name: string }[]) {
      if (!only || only.length === 0 || only.includes(a.name)) names.set(a.id, a.name);
    }
    const byAnnotator = new Map<number, Map<number, Reviewed>>();
    const entry = (annotator: number, response: number): Reviewed => {
      let m = byAnnotator.get(annotator);
      if (!m) byAnnotator.set(annotator, (m = new Map()));
      let r = m.get(response);
      if (!r) m.set(response, (r = { labels: new Set(), supports: null, steps: new Set(), stepTagged: false, times: new Map() }));
      return r;
    };
    for (const t of this.s.tags.iterate() as IterableIterator<TagFacts>) {
      if (!names.has(t.annotator_id)) continue;
      const r = entry(t.annotator_id, t.response_id);
      r.labels.add(t.label);
      if (t.step_start !== null && t.step_end !== null) {
        r.stepTagged = true;
        for (let i = t.step_start; i <= t.step_end; i++) r.steps.add(i);
      }
      if (t.time_start !== null && t.time_end !== null) {
        const list = r.times.get(t.label) ?? [];
        list.push([t.time_start, t.time_end]);
        r.times.set(t.label, list);
      }
    }
    for (const v of this.s.verdicts.iterate() as IterableIterator<{ response_id: number; annotator_id: number; supports: string | null }>) {
      if (!names.has(v.annotator_id)) continue;
      entry(v.annotator_id, v.response_id).supports = v.supports;
    }

    const ids = [...byAnnotator.keys()].sort((x, y) => names.get(x)!.localeCompare(names.get(y)!));
    const pairs: AgreementPair[] = [];
    const stepCounts = new Map<number, number>();
    const stepCount = (response: number) => {
      let n = stepCounts.get(response);
      if (n === undefined) stepCounts.set(response, (n = (this.s.stepCount.get(response) as number) ?? 0));
      return n;
    };
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) {
        const pair = comparePair(names.get(ids[i])!, byAnnotator.get(ids[i])!, names.get(ids[j])!, byAnnotator.get(ids[j])!, stepCount);
        if (pair) pairs.push(pair);
      }
    }
    return { pairs };
  }
}

interface TagFacts {
  response_id: number;
  annotator_id: number;
  label: string;
  step_start: number | null;
  step_end: number | null;
  time_start: number | null;
  time_end: number | null;
}

function comparePair(
  nameA: string,
  a: Map<number, Reviewed>,
  nameB: string,
  b: Map<number, Reviewed>,
  stepCount: (response: number) => number,
): AgreementPair | null {
  const shared = [...a.keys()].filter((r) => b.has(r)).sort((x, y) => x - y);
  if (shared.length === 0) return null;
  const labels = new Set<string>();
  for (const r of shared) {
    for (const l of a.get(r)!.labels) labels.add(l);
    for (const l of b.get(r)!.labels) labels.add(l);
  }
  const keys = [...labels].sort();
  const kappa: Record<string, number | null> = {};
  const units: (0 | 1)[][] = [];
  for (const key of keys) {
    const va = shared.map((r) => (a.get(r)!.labels.has(key) ? 1 : 0));
    const vb = shared.map((r) => (b.get(r)!.labels.has(key) ? 1 : 0));
    kappa[key] = cohenKappa(va, vb);
    for (let i = 0; i < shared.length; i++) units.push([va[i] as 0 | 1, vb[i] as 0 | 1]);
  }

  const judged = shared.filter((r) => a.get(r)!.supports !== null && b.get(r)!.supports !== null);
  const verdictKappa = cohenKappa(
    judged.map((r) => a.get(r)!.supports),
    judged.map((r) => b.get(r)!.supports),
  );

  // Step level: every step of the responses where both tagged steps, valued tagged / not tagged.
  const stepped = shared.filter((r) => a.get(r)!.stepTagged && b.get(r)!.stepTagged);
  const sa: number[] = [];
  const sb: number[] = [];
  for (const r of stepped) {
    const n = stepCount(r);
    for (let s = 0; s < n; s++) {
      sa.push(a.get(r)!.steps.has(s) ? 1 : 0);
      sb.push(b.get(r)!.steps.has(s) ? 1 : 0);
    }
  }

  // Time ranges: per (response, label) where both marked a range, the IoU of their ranges; the mean over those.
  const ious: number[] = [];
  for (const r of shared) {
    for (const [label, ra] of a.get(r)!.times) {
      const rb = b.get(r)!.times.get(label);
      if (!rb) continue;
      const iou = timeIou(ra, rb);
      if (iou !== null) ious.push(iou);
    }
  }

  return {
    annotators: [nameA, nameB],
    responses: shared.length,
    kappa,
    verdict_kappa: verdictKappa,
    alpha: krippendorffAlphaNominal(units),
    verdict_responses: judged.length,
    step_kappa: stepped.length ? cohenKappa(sa, sb) : null,
    step_responses: stepped.length,
    time_iou: ious.length ? ious.reduce((x, y) => x + y, 0) / ious.length : null,
    time_pairs: ious.length,
  };
}

/** The readable table `cotscope agreement` prints. */
export function formatAgreement(report: AgreementReport): string {
  if (report.pairs.length === 0) return 'no two annotators reviewed a response in common';
  const f = (x: number | null) => (x === null ? '–' : x.toFixed(3));
  const lines: string[] = [];
  for (const p of report.pairs) {
    lines.push(`${p.annotators[0]} × ${p.annotators[1]}: ${p.responses} response(s) both reviewed`);
    lines.push(`  Krippendorff's α (labels, nominal)  ${f(p.alpha)}`);
    lines.push(`  Cohen's κ on verdicts               ${f(p.verdict_kappa)}   (${p.verdict_responses} both judged)`);
    lines.push(`  Cohen's κ on tagged steps           ${f(p.step_kappa)}   (${p.step_responses} response(s) both tagged steps)`);
    lines.push(`  time-range IoU (mean)               ${f(p.time_iou)}   (${p.time_pairs} response×label pair(s) both marked)`);
    const keys = Object.keys(p.kappa);
    if (keys.length) {
      const w = Math.max(...keys.map((k) => k.length));
      lines.push('  Cohen\'s κ per label (present / absent):');
      for (const k of keys) lines.push(`    ${k.padEnd(w)}  ${f(p.kappa[k])}`);
    }
  }
  lines.push('(– = undefined: no items, or both annotators constant so chance explains all agreement)');
  return lines.join('\n');
}

