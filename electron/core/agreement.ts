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
 * Cohen's κ from a confusion table: (p_o − p_e) / (1 − p_e), with `cells` giving how many items rater A put in
 * category x and rater B in y. null when undefined: no items, or expected agreement 1 (both raters gave every item
 * one and the same value, so chance alone explains all agreement).
 */
export function kappaFromCells<T>(cells: Iterable<readonly [T, T, number]>): number | null {
  const rowA = new Map<T, number>();
  const rowB = new Map<T, number>();
  let n = 0;
  let agree = 0;
  for (const [x, y, c] of cells) {
    if (c === 0) continue;
    n += c;
    if (x === y) agree += c;
    rowA.set(x, (rowA.get(x) ?? 0) + c);
    rowB.set(y, (rowB.get(y) ?? 0) + c);
  }
  if (n === 0) return null;
  let pe = 0;
  for (const [v, ca] of rowA) pe += (ca / n) * ((rowB.get(v) ?? 0) / n);
  if (1 - pe < 1e-12) return null;
  return (agree / n - pe) / (1 - pe);
}

/** Cohen's κ for two raters' values on the same items (see kappaFromCells). */
export function cohenKappa<T>(a: readonly T[], b: readonly T[]): number | null {
  if (a.length !== b.length) throw new Error('cohenKappa: both raters must rate the same items');
  const cells = new Map<T, Map<T, number>>();
  for (let i = 0; i < a.length; i++) {
    let row = cells.get(a[i]);
    if (!row) cells.set(a[i], (row = new Map()));
    row.set(b[i], (row.get(b[i]) ?? 0) + 1);
  }
  return kappaFromCells([...cells].flatMap(([x, row]) => [...row].map(([y, c]) => [x, y, c] as const)));
}

/** κ from a 2×2 table of counts [[both yes, a yes b no], [a no b yes, both no]] (as textbooks give it). */
export function kappaFromTable(t: readonly [readonly [number, number], readonly [number, number]]): number | null {
  return kappaFromCells([
    [1, 1, t[0][0]],
    [1, 0, t[0][1]],
    [0, 1, t[1][0]],
    [0, 0, t[1][1]],
  ]);
}

/**
 * Krippendorff's α (nominal) for two coders and present/absent values, from the counts of units where both said
 * present (n11), only the first (n10), only the second (n01), neither (n00): the coincidence matrix has o11 = 2·n11,
 * o00 = 2·n00, o10 = o01 = n10 + n01, so α = 1 − (n − 1)(n10 + n01) / (n_0·n_1). null when undefined.
 */
export function alphaBinaryPairs(n11: number, n10: number, n01: number, n00: number): number | null {
  const n1 = 2 * n11 + n10 + n01;
  const n0 = 2 * n00 + n10 + n01;
  const n = n0 + n1;
  if (n < 2 || n0 === 0 || n1 === 0) return null;
  return 1 - ((n - 1) * (n10 + n01)) / (n0 * n1);
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
  /** Label keys of live tags on the response (a handful: a list beats a set). null: none. */
  labels: string[] | null;
  supports: string | null;
  /** Step indices covered by step-anchored tags. null: no step-anchored tag. */
  steps: Set<number> | null;
  /** Time ranges by label key. */
  times: Map<string, [number, number][]> | null;
}

type TagFacts = [response: number, annotator: number, label: string, stepStart: number | null, stepEnd: number | null, timeStart: number | null, timeEnd: number | null];

export class Agreement {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      // The automatic checks are no raters: a check "reviews" only where it fires, so κ over responses both reviewed
      // would mean nothing for it.
      annotators: db.prepare("SELECT id, name FROM annotators WHERE kind <> 'auto' ORDER BY name"),
      // Rows as arrays: a large workspace has hundreds of thousands of these, read on every call.
      tags: db
        .prepare(
          `SELECT t.response_id, t.annotator_id, l.key, t.step_start, t.step_end, t.time_start, t.time_end
             FROM tags t JOIN labels l ON l.id = t.label_id
            WHERE t.deleted_at IS NULL AND t.origin NOT IN ('adjudication', 'suggestion')`,
        )
        .raw(),
      verdicts: db
        .prepare(
          `SELECT response_id, annotator_id, supports FROM verdicts
            WHERE deleted_at IS NULL AND (supports IS NOT NULL OR review_status = 'done')`,
        )
        .raw(),
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
      if (!r) m.set(response, (r = { labels: null, supports: null, steps: null, times: null }));
      return r;
    };
    for (const [response, annotator, label, s0, s1, t0, t1] of this.s.tags.iterate() as IterableIterator<TagFacts>) {
      if (!names.has(annotator)) continue;
      const r = entry(annotator, response);
      if (!r.labels) r.labels = [label];
      else if (!r.labels.includes(label)) r.labels.push(label);
      if (s0 !== null && s1 !== null) {
        r.steps ??= new Set();
        for (let i = s0; i <= s1; i++) r.steps.add(i);
      }
      if (t0 !== null && t1 !== null) {
        r.times ??= new Map();
        const list = r.times.get(label);
        if (list) list.push([t0, t1]);
        else r.times.set(label, [[t0, t1]]);
      }
    }
    for (const [response, annotator, supports] of this.s.verdicts.iterate() as IterableIterator<[number, number, string | null]>) {
      if (!names.has(annotator)) continue;
      entry(annotator, response).supports = supports;
    }

    const ids = [...byAnnotator.keys()].sort((x, y) => (names.get(x)! < names.get(y)! ? -1 : 1));
    const pairs: AgreementPair[] = [];
    const stepCount = (response: number) => (this.s.stepCount.get(response) as number | undefined) ?? 0;
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) {
        const pair = comparePair(names.get(ids[i])!, byAnnotator.get(ids[i])!, names.get(ids[j])!, byAnnotator.get(ids[j])!, stepCount);
        if (pair) pairs.push(pair);
      }
    }
    return { pairs };
  }
}

function comparePair(
  nameA: string,
  a: Map<number, Reviewed>,
  nameB: string,
  b: Map<number, Reviewed>,
  stepCount: (response: number) => number,
): AgreementPair | null {
  // Per label: [both, only a, only b]; "neither" is the shared responses less those.
  const perLabel = new Map<string, [number, number, number]>();
  const count = (label: string, k: 0 | 1 | 2) => {
    let c = perLabel.get(label);
    if (!c) perLabel.set(label, (c = [0, 0, 0]));
    c[k]++;
  };
  const verdicts = new Map<string, number>();
  let shared = 0;
  let judged = 0;
  const steps = [0, 0, 0, 0]; // both, only a, only b, neither
  let stepped = 0;
  const ious: number[] = [];
  for (const [response, ra] of a) {
    const rb = b.get(response);
    if (!rb) continue;
    shared++;
    for (const l of ra.labels ?? []) count(l, rb.labels?.includes(l) ? 0 : 1);
    for (const l of rb.labels ?? []) if (!ra.labels?.includes(l)) count(l, 2);
    if (ra.supports !== null && rb.supports !== null) {
      judged++;
      const key = `${ra.supports}\u0000${rb.supports}`;
      verdicts.set(key, (verdicts.get(key) ?? 0) + 1);
    }
    // Step level: every step of the responses where both tagged steps, valued tagged / not tagged.
    if (ra.steps && rb.steps) {
      stepped++;
      const n = stepCount(response);
      for (let s = 0; s < n; s++) {
        const x = ra.steps.has(s);
        const y = rb.steps.has(s);
        steps[x ? (y ? 0 : 1) : y ? 2 : 3]++;
      }
    }
    // Time ranges: per (response, label) where both marked a range, the IoU of their ranges; the mean over those.
    if (ra.times && rb.times) {
      for (const [label, xa] of ra.times) {
        const xb = rb.times.get(label);
        if (!xb) continue;
        const iou = timeIou(xa, xb);
        if (iou !== null) ious.push(iou);
      }
    }
  }
  if (shared === 0) return null;

  const kappa: Record<string, number | null> = {};
  const total = [0, 0, 0, 0];
  for (const key of [...perLabel.keys()].sort()) {
    const [n11, n10, n01] = perLabel.get(key)!;
    const n00 = shared - n11 - n10 - n01;
    kappa[key] = kappaFromCells([
      [1, 1, n11],
      [1, 0, n10],
      [0, 1, n01],
      [0, 0, n00],
    ]);
    total[0] += n11;
    total[1] += n10;
    total[2] += n01;
    total[3] += n00;
  }
  const verdictKappa = kappaFromCells(
    [...verdicts].map(([key, c]) => {
      const [x, y] = key.split('\u0000');
      return [x, y, c] as const;
    }),
  );

  return {
    annotators: [nameA, nameB],
    responses: shared,
    kappa,
    verdict_kappa: verdictKappa,
    // One unit per (shared response, label either used), valued present / absent.
    alpha: perLabel.size ? alphaBinaryPairs(total[0], total[1], total[2], total[3]) : null,
    verdict_responses: judged,
    step_kappa: stepped
      ? kappaFromCells([
          [1, 1, steps[0]],
          [1, 0, steps[1]],
          [0, 1, steps[2]],
          [0, 0, steps[3]],
        ])
      : null,
    step_responses: stepped,
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

