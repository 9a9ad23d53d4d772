// Imports benchmark files (SEED-Bench-R1 JSONL, EgoPlan JSON arrays, training files) into the store, resolving each
// sample's video and observation image under a data root. Missing media are recorded and reported, never fatal.
import fs from 'node:fs';
import path from 'node:path';
import { levelFromFileName, type Level } from '../../shared/types.ts';
import { TrainingRecordSchema, ValidationRecordSchema, describeIssue } from '../../shared/records.ts';
import { CotscopeError } from './errors.ts';
import { SkipLog, type ImportProgress } from './import-report.ts';
import { readRecords, sniffShape } from './records.ts';
import { nowIso, type Store } from './store.ts';
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
}

export interface ImportBenchmarkResult {
  files: { file: string; level: string; split: 'validation' | 'training'; imported: number; skipped: number }[];
  imported: number;
  skipped: SkipLog;
  missing: MissingMedia[];
  missingCount: number;
  dataRoot: string | null;
}

const MISSING_KEPT = 1000;

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
  for (const f of files) {
    if (!fs.existsSync(f)) throw new CotscopeError(`${f}: no such file`);
  }

  const now = nowIso();
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
  };

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
        for (const { line, text } of batch) {
          records++;
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
            const size = root === null ? null : fileSize(path.join(root, rel));
            upsertMedia.run(sampleRow.id, kind, rel, expected ? 1 : 0, size === null ? 0 : 1, size, now);
            if (root !== null && expected && size === null) {
              result.missingCount++;
              if (result.missing.length < MISSING_KEPT) result.missing.push({ level, sampleId: sid, kind, path: rel });
            }
          }
          imported++;
        }
      }
      if (opts.strict && fileSkips.length > 0) continue; // reported below, nothing kept
      const importId = Number(
        insertImport.run(abs, await fileSha256(abs), fs.statSync(abs).size, shape === 'jsonl' ? 'jsonl' : 'json', level,
          imported, fileSkips.length, JSON.stringify({ dataRoot: root, level: opts.level ?? null }), now).lastInsertRowid,
      );
      for (const s of fileSkips) insertSkip.run(importId, s.line, s.field, s.reason);
      result.files.push({ file, level, split: fileSplit, imported, skipped: fileSkips.length });
      result.imported += imported;
    }
    if (opts.strict && result.skipped.count > 0) {
      throw new StrictRefusal(result);
    }
  }).catch((err) => {
    if (err instanceof StrictRefusal) return;
    throw err;
  });
  if (opts.strict && result.skipped.count > 0) {
    result.imported = 0;
    result.files = [];
  }
  return result;
}

class StrictRefusal extends Error {
  constructor(readonly result: ImportBenchmarkResult) {
    super('strict');
  }
}

function fail(file: string): never {
  throw new CotscopeError(`${file}: cannot tell the level from the file name; pass --level L1|L2|L3`);
}

function fileSize(p: string): number | null {
  try {
    const st = fs.statSync(p);
    return st.isFile() ? st.size : null;
  } catch {
    return null;
  }
}
