// Imports benchmark files (SEED-Bench-R1 JSONL, EgoPlan JSON arrays, training files) into the store, resolving each
// sample's video and observation image under a data root. Missing media are recorded and reported, never fatal.
// Re-importing a file updates its samples in place; where a golden answer changed, the responses already imported for
// those samples are rescored in the same transaction (see rescoreChanged).
import fs from 'node:fs';
import path from 'node:path';
import { predictLetter } from '../../shared/scoring.ts';
import { levelFromFileName, type Level } from '../../shared/types.ts';
import { TrainingRecordSchema, ValidationRecordSchema, describeIssue } from '../../shared/records.ts';
import { CotscopeError } from './errors.ts';
import { ImportRefused, invalidUtf8Reason, SkipLog, type ImportProgress } from './import-report.ts';
import { checkMediaFile } from './media.ts';
import { checkInputFile, readRecords, sniffShape } from './records.ts';
import { nowIso, type Db, type Store } from './store.ts';
import { fileSha256, inTransaction } from './util.ts';

export interface ImportBenchmarkOptions {
  dataRoot?: string;
  level?: Level;
  strict?: boolean;
  onProgress?: (p: ImportProgress) => void;
  signal?: AbortSignal;
}

export interface MissingMedia {
  level: string;
  sampleId: string;
  kind: 'video' | 'image';
  path: string;
  /** Why it does not count as present: not found, or one the media server would refuse (media.ts checkMediaFile). */
  reason: string;
}

/** A sample whose golden answer or options changed on this import. */
export interface GoldenChange {
  level: string;
  sampleId: string;
  /** The golden letter before and after (equal when only an option's text changed). */
  from: string | null;
  to: string | null;
}

/** What rescoring did: responses of samples whose golden answer (or options) changed, rescored in the import. */
export interface Rescored {
  samples: number;
  /** Every response of those samples, in every run. */
  responses: number;
  /** Of those, the ones whose correctness changed. */
  changedCorrectness: number;
  /** The first CHANGES_KEPT of the samples. */
  changes: GoldenChange[];
}

export interface ImportBenchmarkResult {
  files: { file: string; level: string; split: 'validation' | 'training'; imported: number; skipped: number }[];
  imported: number;
  skipped: SkipLog;
  missing: MissingMedia[];
  missingCount: number;
  dataRoot: string | null;
  rescored: Rescored;
}

const MISSING_KEPT = 1000;
const CHANGES_KEPT = 1000;

/** The fields of a sample that decide its responses' scores (import-run.ts loadSamples), and the domain the kept counts copy. */
interface ScoreFields {
  id: number;
  level: string;
  sample_id: string;
  golden: string | null;
  choice_a: string | null;
  choice_b: string | null;
  choice_c: string | null;
  choice_d: string | null;
  domain: string | null;
}
const SCORE_FIELDS = 'id, level, sample_id, golden, choice_a, choice_b, choice_c, choice_d, domain';

export async function importBenchmark(
  store: Store,
  files: string[],
  opts: ImportBenchmarkOptions = {},
): Promise<ImportBenchmarkResult> {
  const { db } = store;
  let root: string | null = null;
  if (opts.dataRoot !== undefined) {
    root = path.resolve(opts.dataRoot);
    if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
      throw new CotscopeError(`--data-root ${opts.dataRoot}: no such directory`);
    }
    root = fs.realpathSync(root);
  }
  for (const f of files) checkInputFile(f);

  const now = nowIso();
  const scoreFields = db.prepare(`SELECT ${SCORE_FIELDS} FROM samples WHERE level = ? AND sample_id = ?`);
  const findDataset = db.prepare('SELECT id FROM datasets WHERE root IS ?');
  const insertDataset = db.prepare('INSERT INTO datasets (name, root, created_at) VALUES (?, ?, ?)');
  const upsertSample = db.prepare(`
    INSERT INTO samples (dataset_id, level, sample_id, split, video_source, video_id, video_basename,
      current_observation_basename, task_goal, question, choice_a, choice_b, choice_c, choice_d, golden, answer,
      negative_answers, current_observation_frame, task_progress, domain, scenario, task_start_frame, source_file,
      source_line, raw, imported_at)
    VALUES (@dataset_id, @level, @sample_id, @split, @video_source, @video_id, @video_basename,
      @current_observation_basename, @task_goal, @question, @choice_a, @choice_b, @choice_c, @choice_d, @golden,
      @answer, @negative_answers, @current_observation_frame, @task_progress, @domain, @scenario, @task_start_frame,
      @source_file, @source_line, @raw, @imported_at)
    ON CONFLICT (level, sample_id) DO UPDATE SET
      dataset_id = excluded.dataset_id, split = excluded.split, video_source = excluded.video_source,
      video_id = excluded.video_id, video_basename = excluded.video_basename,
      current_observation_basename = excluded.current_observation_basename, task_goal = excluded.task_goal,
      question = excluded.question, choice_a = excluded.choice_a, choice_b = excluded.choice_b,
      choice_c = excluded.choice_c, choice_d = excluded.choice_d, golden = excluded.golden, answer = excluded.answer,
      negative_answers = excluded.negative_answers, current_observation_frame = excluded.current_observation_frame,
      task_progress = excluded.task_progress, domain = excluded.domain, scenario = excluded.scenario,
      task_start_frame = excluded.task_start_frame, source_file = excluded.source_file,
      source_line = excluded.source_line, raw = excluded.raw, imported_at = excluded.imported_at
    RETURNING id`);
  const upsertMedia = db.prepare(`
    INSERT INTO media (sample_id, kind, rel_path, expected, present, bytes, checked_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (sample_id, kind) DO UPDATE SET rel_path = excluded.rel_path, expected = excluded.expected,
      present = excluded.present, bytes = excluded.bytes, checked_at = excluded.checked_at`);
  const insertImport = db.prepare(`
    INSERT INTO imports (kind, path, sha256, bytes, format, level, imported, skipped, options, imported_at)
    VALUES ('benchmark', ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertSkip = db.prepare('INSERT INTO import_skips (import_id, line, field, reason) VALUES (?, ?, ?, ?)');

  const result: ImportBenchmarkResult = {
    files: [],
    imported: 0,
    skipped: new SkipLog(),
    missing: [],
    missingCount: 0,
    dataRoot: root,
    rescored: { samples: 0, responses: 0, changedCorrectness: 0, changes: [] },
  };
  // Samples this import updates, as they were before it (the first time each is met).
  const before = new Map<number, ScoreFields>();

  await inTransaction(db, async () => {
    let datasetId = (findDataset.get(root) as { id: number } | undefined)?.id;
    if (datasetId === undefined) {
      datasetId = Number(insertDataset.run('SEED-Bench-R1', root, now).lastInsertRowid);
    }
    for (const file of files) {
      const abs = path.resolve(file);
      const base = path.basename(file);
      const training = /^train/i.test(base);
      const level: Level | 'train' = opts.level ?? levelFromFileName(base) ?? (training ? 'train' : fail(file));
      const shape = sniffShape(abs);
      const fileSkips: { line: number; field: string | null; reason: string }[] = [];
      const seen = new Map<string, number>();
      let imported = 0;
      let records = 0;
      let fileSplit: 'validation' | 'training' = training ? 'training' : 'validation';
      const skip = (line: number, field: string | null, reason: string) => {
        fileSkips.push({ line, field, reason });
        result.skipped.add({ file, line, field, reason });
      };
      for await (const batch of readRecords(abs, {
        signal: opts.signal,
        onProgress: (p) => opts.onProgress?.({ file, ...p, records }),
      })) {
        for (const { line, text, invalidUtf8 } of batch) {
          records++;
          if (invalidUtf8 !== undefined) {
            skip(line, null, invalidUtf8Reason(invalidUtf8));
            continue;
          }
          let value: unknown;
          try {
            value = JSON.parse(text);
          } catch (err) {
            skip(line, null, `malformed JSON: ${(err as Error).message}`);
            continue;
          }
          if (typeof value !== 'object' || value === null || Array.isArray(value)) {
            skip(line, null, 'not a JSON object');
            continue;
          }
          const obj = value as Record<string, unknown>;
          // A record with lettered choices is a validation record; one with negative_answers is a training record.
          const isTraining = !('golden_choice_idx' in obj) && 'negative_answers' in obj;
          const parsed = isTraining ? TrainingRecordSchema.safeParse(obj) : ValidationRecordSchema.safeParse(obj);
          if (!parsed.success) {
            const { field, reason } = describeIssue(parsed.error);
            skip(line, field, reason);
            continue;
          }
          const r = parsed.data as Record<string, any>;
          if (isTraining) fileSplit = 'training';
          const sid = r.sample_id !== undefined ? String(r.sample_id) : `${base}:${line}`;
          const firstLine = seen.get(sid);
          if (firstLine !== undefined) {
            skip(line, 'sample_id', `duplicate sample_id ${sid} (first at line ${firstLine})`);
            continue;
          }
          seen.set(sid, line);
          const prior = scoreFields.get(level, sid) as ScoreFields | undefined;
          if (prior && !before.has(prior.id)) before.set(prior.id, prior);
          const sampleRow = upsertSample.get({
            dataset_id: datasetId,
            level,
            sample_id: sid,
            split: isTraining ? 'training' : 'validation',
            video_source: r.video_source,
            video_id: r.video_id === undefined ? null : String(r.video_id),
            video_basename: r.video_basename,
            current_observation_basename: r.current_observation_basename,
            task_goal: r.task_goal,
            question: r.question,
            choice_a: r.choice_a ?? null,
            choice_b: r.choice_b ?? null,
            choice_c: r.choice_c ?? null,
            choice_d: r.choice_d ?? null,
            golden: r.golden_choice_idx ?? null,
            answer: r.answer ?? null,
            negative_answers: r.negative_answers ? JSON.stringify(r.negative_answers) : null,
            current_observation_frame: r.current_observation_frame ?? null,
            task_progress: JSON.stringify(r.task_progress_metadata),
            domain: r.domain ?? null,
            scenario: r.scenario ?? null,
            task_start_frame: r.task_start_frame ?? null,
            source_file: abs,
            source_line: line,
            raw: text,
            imported_at: now,
          }) as { id: number };
          const media: [kind: 'video' | 'image', rel: string, expected: boolean][] = [
            ['video', `videos/${r.video_source}/${r.video_basename}`, r.task_progress_metadata.length > 0],
            ['image', `images/${r.video_source}/${r.current_observation_basename}`, true],
          ];
          for (const [kind, rel, expected] of media) {
            // Present means servable: the same check as the media server's, so a file counted here is one it sends
            // (a link leading out of the data root, or to something not a video or image, is not).
            const check = root === null ? null : checkMediaFile(root, rel, root);
            const size = check?.ok ? check.size : null;
            upsertMedia.run(sampleRow.id, kind, rel, expected ? 1 : 0, size === null ? 0 : 1, size, now);
            if (check && !check.ok && expected) {
              result.missingCount++;
              if (result.missing.length < MISSING_KEPT) result.missing.push({ level, sampleId: sid, kind, path: rel, reason: check.message });
            }
          }
          imported++;
        }
      }
      // One rule for benchmark and run files: a file that yields nothing to import is an error, and nothing is recorded
      // (an empty or binary file is a wrong path far more often than an intended import of nothing).
      if (imported === 0) {
        throw new CotscopeError(
          fileSkips.length > 0
            ? `${file}: no valid samples (${fileSkips.length} line(s) skipped); nothing imported`
            : `${file}: no records found; nothing imported`,
          'empty',
        );
      }
      const importId = Number(
        insertImport.run(abs, await fileSha256(abs), fs.statSync(abs).size, shape === 'jsonl' ? 'jsonl' : 'json', level,
          imported, fileSkips.length, JSON.stringify({ dataRoot: root, level: opts.level ?? null }), now).lastInsertRowid,
      );
      for (const s of fileSkips) insertSkip.run(importId, s.line, s.field, s.reason);
      result.files.push({ file, level, split: fileSplit, imported, skipped: fileSkips.length });
      result.imported += imported;
    }
    if (opts.strict && result.skipped.count > 0) {
      const named = [...new Set(result.skipped.kept.map((k) => k.file))].join(', ');
      throw new CotscopeError(`${named}: ${result.skipped.count} line(s) would be skipped; nothing imported (--strict)`, 'strict');
    }
    result.rescored = rescoreChanged(db, before);
  }).catch((err) => {
    if (err instanceof CotscopeError && (err.code === 'strict' || err.code === 'empty')) {
      throw new ImportRefused(err.message, err.code, result.skipped);
    }
    throw err;
  });
  return result;
}

function fail(file: string): never {
  throw new CotscopeError(`${file}: cannot tell the level from the file name; pass --level L1|L2|L3`);
}

/**
 * Brings every response of the samples whose golden answer or options changed on this import in line with them, in
 * the import's transaction, and returns what it did.
 *
 * Why rescore rather than refuse: a re-imported benchmark file is nearly always the benchmark's own fix (a wrong golden
 * letter corrected upstream), and the user wants the workspace to follow it; refusing would leave them no way to apply
 * it short of deleting every run. Rescoring is exact: a response's prediction and correctness follow from its stored
 * answer text and the sample (the run importer's rule, shared/scoring.ts), and nothing an analyst wrote (tags,
 * verdicts) depends on them. The report says how many responses of which samples were rescored.
 *
 * Everything kept from `correct` (and from the sample's domain, which the same rows copy) follows in the same
 * transaction: responses' prediction, correct and score_disagreement (their indexes follow by themselves); the
 * per (run, question) counts of run_samples (migration 0004), recounted for those questions; and the review and label
 * marks (0004), deleted and inserted again with the new values so that migration 0004's and 0007's triggers move them
 * in review_counts, response_masks, review_mask_counts and the label counts, exactly as a tag or verdict write does.
 */
function rescoreChanged(db: Db, before: Map<number, ScoreFields>): Rescored {
  const out: Rescored = { samples: 0, responses: 0, changedCorrectness: 0, changes: [] };
  if (before.size === 0) return out;
  const current = db.prepare(`SELECT ${SCORE_FIELDS} FROM samples WHERE id = ?`);
  const changed: { sample: ScoreFields; rescore: boolean }[] = [];
  for (const [id, old] of before) {
    const now = current.get(id) as ScoreFields;
    const rescore =
      old.golden !== now.golden ||
      old.choice_a !== now.choice_a ||
      old.choice_b !== now.choice_b ||
      old.choice_c !== now.choice_c ||
      old.choice_d !== now.choice_d;
    if (rescore) {
      out.samples++;
      if (out.changes.length < CHANGES_KEPT) out.changes.push({ level: now.level, sampleId: now.sample_id, from: old.golden, to: now.golden });
    }
    if (rescore || (old.domain ?? '') !== (now.domain ?? '')) changed.push({ sample: now, rescore });
  }
  if (changed.length === 0) return out;

  const has = (table: string) => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
  // Workspaces below schema version 4 (the older migrations' tests build them with today's importer) keep no counts.
  const counted = has('run_samples');
  const marked = has('review_marks');
  const responsesOf = db.prepare('SELECT id, answer_text, prediction, correct, file_correct, score_disagreement FROM responses WHERE sample_id = ?');
  const setScore = db.prepare('UPDATE responses SET prediction = ?, correct = ?, score_disagreement = ? WHERE id = ?');
  const recount = counted
    ? db.prepare(`
        INSERT INTO run_samples (run_id, sample_id, level, domain, responses, correct, a, b, c, d, none)
        SELECT x.run_id, x.sample_id, s.level, COALESCE(s.domain, ''), COUNT(*), SUM(x.correct), SUM(x.prediction IS 'A'),
               SUM(x.prediction IS 'B'), SUM(x.prediction IS 'C'), SUM(x.prediction IS 'D'), SUM(x.prediction IS NULL)
          FROM responses x JOIN samples s ON s.id = x.sample_id
         WHERE x.sample_id = ?
         GROUP BY x.run_id
        ON CONFLICT (run_id, sample_id) DO UPDATE SET level = excluded.level, domain = excluded.domain,
          responses = excluded.responses, correct = excluded.correct, a = excluded.a, b = excluded.b, c = excluded.c,
          d = excluded.d, none = excluded.none`)
    : null;
  const marks = marked ? new Marks(db) : null;

  for (const { sample, rescore } of changed) {
    const options = { A: sample.choice_a, B: sample.choice_b, C: sample.choice_c, D: sample.choice_d };
    const domainMoved = !rescore || (before.get(sample.id)!.domain ?? '') !== (sample.domain ?? '');
    const rows = responsesOf.all(sample.id) as {
      id: number;
      answer_text: string | null;
      prediction: string | null;
      correct: number;
      file_correct: number | null;
      score_disagreement: number;
    }[];
    for (const x of rows) {
      let correct = x.correct;
      if (rescore) {
        out.responses++;
        const prediction = predictLetter(x.answer_text, options);
        correct = prediction !== null && prediction === sample.golden ? 1 : 0;
        const disagreement = x.file_correct !== null && x.file_correct !== correct ? 1 : 0;
        if (prediction !== x.prediction || correct !== x.correct || disagreement !== x.score_disagreement) {
          setScore.run(prediction, correct, disagreement, x.id);
        }
        if (correct !== x.correct) out.changedCorrectness++;
      }
      if (marks && (correct !== x.correct || domainMoved)) marks.refresh(x.id, sample, correct);
    }
    recount?.run(sample.id);
  }
  return out;
}

/**
 * The review and label marks of one response (migration 0004), written again with its sample's level and domain and
 * its correctness. Deleting and inserting (rather than updating in place) is what lets the triggers of migrations 0004
 * and 0007 carry the change into every count kept from the marks.
 */
class Marks {
  private readonly review;
  private readonly dropReview;
  private readonly addReview;
  private readonly label;
  private readonly dropLabel;
  private readonly addLabel;

  constructor(db: Db) {
    // The marks' keys lead with the annotator (0: everyone): one lookup per annotator instead of a scan of the table.
    const akeys = '(SELECT 0 UNION ALL SELECT id FROM annotators)';
    this.review = db.prepare(`
      SELECT akey, response_id, run_id, sample_id, level, domain, correct, tags, first_step, step_count, yes, no, unclear, done
        FROM review_marks WHERE akey IN ${akeys} AND response_id = ?`);
    this.dropReview = db.prepare('DELETE FROM review_marks WHERE akey = ? AND response_id = ?');
    this.addReview = db.prepare(`
      INSERT INTO review_marks (akey, response_id, run_id, sample_id, level, domain, correct, tags, first_step, step_count, yes, no, unclear, done)
      VALUES (@akey, @response_id, @run_id, @sample_id, @level, @domain, @correct, @tags, @first_step, @step_count, @yes, @no, @unclear, @done)`);
    this.label = db.prepare(`
      SELECT akey, label_id, response_id, run_id, sample_id, level, domain, correct, tags
        FROM label_marks WHERE akey IN ${akeys} AND response_id = ?`);
    this.dropLabel = db.prepare('DELETE FROM label_marks WHERE akey = ? AND label_id = ? AND response_id = ?');
    this.addLabel = db.prepare(`
      INSERT INTO label_marks (akey, label_id, response_id, run_id, sample_id, level, domain, correct, tags)
      VALUES (@akey, @label_id, @response_id, @run_id, @sample_id, @level, @domain, @correct, @tags)`);
  }

  refresh(responseId: number, sample: ScoreFields, correct: number): void {
    const fresh = { level: sample.level, domain: sample.domain ?? '', correct };
    const review = this.review.all(responseId) as { akey: number; response_id: number }[];
    for (const m of review) this.dropReview.run(m.akey, m.response_id);
    for (const m of review) this.addReview.run({ ...m, ...fresh });
    const label = this.label.all(responseId) as { akey: number; label_id: number; response_id: number }[];
    for (const m of label) this.dropLabel.run(m.akey, m.label_id, m.response_id);
    for (const m of label) this.addLabel.run({ ...m, ...fresh });
  }
}
