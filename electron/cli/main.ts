// The `cotscope` command: the workspace store, headless, for pipelines.
import fs from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import cliProgress from 'cli-progress';
import { LEVELS, METHODS, type Level, type Method } from '../../shared/types.ts';
import { buildDemo } from '../core/demo.ts';
import { CotscopeError } from '../core/errors.ts';
import { filterFromOptions, type ExportFilterOptions } from '../core/export/filter-options.ts';
import { EXPORT_FORMATS, type ExportFormat } from '../core/export/format.ts';
import { Agreement, formatAgreement } from '../core/agreement.ts';
import { importBenchmark } from '../core/import-benchmark.ts';
import { formatSkip, type ImportProgress, type SkipLog } from '../core/import-report.ts';
import { ImportRefused, importRun } from '../core/import-run.ts';
import { importTags } from '../core/import-tags.ts';
import { API_KEY_ENV, formatJudgeResult, judge, readPromptFile, type JudgeProgress } from '../core/judge.ts';
import { CHECK_NAMES } from '../core/checks/registry.ts';
import { checkRuns } from '../core/suggestions.ts';
import { exportPack, importPack } from '../core/pack.ts';
import { Compare, formatMatrix } from '../core/compare.ts';
import { computeLabelStats, computeStats, formatLabelStats, formatStats } from '../core/stats.ts';
import { openStore, type Store } from '../core/store.ts';
import { VERSION } from '../core/version.ts';
import { startServer } from '../server/server.ts';

const SKIPS_SHOWN = 50;

function out(line = ''): void {
  process.stdout.write(line + '\n');
}

/** A progress bar on a terminal; silent when stderr is not one (pipes, CI, tests). */
function progressReporter(): { onProgress: (p: ImportProgress) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { onProgress: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { format: ' {file} |{bar}| {percentage}% · {records} records · {eta_formatted} left', hideCursor: true, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  let current = '';
  return {
    onProgress(p) {
      const name = p.file.split(/[\\/]/).pop() ?? p.file;
      if (name !== current) {
        if (current) bar.stop();
        bar.start(p.bytesTotal || 1, 0, { file: name, records: 0 });
        current = name;
      }
      bar.update(p.bytesRead, { file: name, records: p.records });
    },
    stop() {
      if (current) bar.stop();
    },
  };
}

/**
 * A progress bar of done / total on stderr for the commands that walk responses (check, export, judge), started on
 * the first figures; nothing when stderr is not a terminal. `payload` fills the format's own fields.
 */
function countBar(format: string): { update: (done: number, total: number, payload?: object) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar({ format, hideCursor: true, stream: process.stderr }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update(done, total, payload) {
      if (started) bar.update(done, { ...payload, total });
      else if (total > 0) {
        bar.start(total, done, payload);
        started = true;
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

function printSkips(skipped: SkipLog): void {
  if (skipped.count === 0) return;
  out(`skipped ${skipped.count} line(s):`);
  for (const s of skipped.kept.slice(0, SKIPS_SHOWN)) out(`  ${formatSkip(s)}`);
  if (skipped.count > SKIPS_SHOWN) out(`  … and ${skipped.count - SKIPS_SHOWN} more (all are recorded in the workspace)`);
}

/** Runs a synchronous import; when it is refused as a whole, the lines that made it so are printed before the error. */
function refusedWithSkips<T>(opts: { json?: boolean }, run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof ImportRefused && !opts.json) printSkips(err.skipped);
    throw err;
  }
}

function requireDb(cmd: Command): string {
  const db = cmd.optsWithGlobals().db as string | undefined;
  if (!db) throw new CotscopeError('--db FILE is required (the workspace file)');
  return db;
}

function withStore<T>(cmd: Command, fn: (store: Store) => Promise<T> | T, create = false): Promise<T> {
  const store = openStore(requireDb(cmd), { create });
  return Promise.resolve()
    .then(() => fn(store))
    .finally(() => store.close());
}

function parseLevel(v: string): Level {
  const up = v.toUpperCase();
  if (!(LEVELS as readonly string[]).includes(up)) throw new CotscopeError(`--level ${v}: expected one of ${LEVELS.join(', ')}`);
  return up as Level;
}

export function buildProgram(): Command {
  const program = new Command('cotscope')
    .description('Audit the chains of thought that video models write (SEED-Bench-R1 and kin), from the command line.')
    .version(VERSION)
    .option('--db <file>', 'workspace file (SQLite)')
    .showHelpAfterError('(run with --help for usage)')
    // Before any command is added, so every subcommand inherits it: usage errors reach main() and exit 2.
    .exitOverride();

  program
    .command('init')
    .description('create a workspace file (or bring an existing one up to the current schema)')
    .action(async (_opts, cmd: Command) => {
      await withStore(
        cmd,
        (store) => {
          const m = store.migration;
          if (m.from === 0) out(`created workspace ${store.file} (schema version ${m.to})`);
          else if (m.from < m.to) out(`migrated ${store.file} from schema version ${m.from} to ${m.to}; backup at ${m.backup}`);
          else out(`${store.file} is up to date (schema version ${m.to})`);
        },
        true,
      );
    });

  program
    .command('import-benchmark')
    .description('import benchmark files: SEED-Bench-R1 validation/training JSONL, EgoPlan-Bench(2) JSON arrays')
    .argument('<files...>', 'annotation files')
    .option('--data-root <dir>', 'data root holding videos/<video_source>/… and images/<video_source>/…')
    .option('--level <level>', 'level for every file (default: from the file name, e.g. validation_L2 → L2)', parseLevel)
    .option('--strict', 'import nothing if any line would be skipped')
    .option('--json', 'print the result as JSON')
    .action(async (files: string[], opts: { dataRoot?: string; level?: Level; strict?: boolean; json?: boolean }, cmd: Command) => {
      await withStore(
        cmd,
        async (store) => {
          const progress = progressReporter();
          let result;
          try {
            result = await importBenchmark(store, files, { ...opts, onProgress: progress.onProgress }).finally(progress.stop);
          } catch (err) {
            if (err instanceof ImportRefused && !opts.json) printSkips(err.skipped);
            throw err;
          }
          if (opts.json) {
            out(JSON.stringify({ ...result, skipped: { count: result.skipped.count, lines: result.skipped.kept } }));
            return;
          }
          for (const f of result.files) {
            out(`${f.file}: ${f.imported} ${f.split} samples (${f.level})${f.skipped ? `, ${f.skipped} skipped` : ''}`);
          }
          printSkips(result.skipped);
          if (result.dataRoot === null) out('no --data-root given: videos and images are not resolved');
          else if (result.missingCount > 0) {
            out(`missing media under ${result.dataRoot}: ${result.missingCount} file(s)`);
            for (const m of result.missing.slice(0, SKIPS_SHOWN)) out(`  ${m.level} ${m.sampleId}: ${m.kind} ${m.path} (${m.reason})`);
            if (result.missingCount > SKIPS_SHOWN) out(`  … and ${result.missingCount - SKIPS_SHOWN} more`);
          } else out(`all videos and images found under ${result.dataRoot}`);
          const rs = result.rescored;
          if (rs.samples > 0) {
            out(
              `rescored ${rs.responses} response(s) of ${rs.samples} sample(s) whose golden answer changed ` +
                `(${rs.changedCorrectness} changed correctness):`,
            );
            for (const c of rs.changes.slice(0, SKIPS_SHOWN)) {
              out(`  ${c.level} ${c.sampleId}: ${c.from === c.to ? `options changed (golden ${c.to ?? 'none'})` : `golden ${c.from ?? 'none'} → ${c.to ?? 'none'}`}`);
            }
            if (rs.samples > SKIPS_SHOWN) out(`  … and ${rs.samples - SKIPS_SHOWN} more`);
          }
        },
        true,
      );
    });

  program
    .command('import-run')
    .description("import a model's outputs: SEED-Bench-R1 infer.py JSONL, GRPO-CARE/Video-R1 JSON, or any JSONL/JSON")
    .argument('<file>', 'run file')
    .requiredOption('--name <name>', 'run name (import several files under one name to build one run)')
    .addOption(new Option('--method <method>', 'training method').choices(METHODS as unknown as string[]).makeOptionMandatory())
    .option('--level <level>', 'level of every record (default: from the file name, else the one sample with that id)', parseLevel)
    .option('--id-field <field>', 'field holding the sample id', 'sample_id')
    .option('--response-field <field>', "field holding the model's full text (default: response, else output)")
    .option('--strict', 'import nothing if any line would be skipped')
    .option('--no-checks', 'do not run the automatic reasoning checks on the imported responses (run `cotscope check` later)')
    .option('--json', 'print the result as JSON')
    .action(
      async (
        file: string,
        opts: { name: string; method: Method; level?: Level; idField: string; responseField?: string; strict?: boolean; checks: boolean; json?: boolean },
        cmd: Command,
      ) => {
        await withStore(cmd, async (store) => {
          const progress = progressReporter();
          try {
            // The CLI has the workspace to itself: the import writes through a rollback journal (store.ts withRollbackJournal).
            const r = await importRun(store, file, { ...opts, exclusive: true, onProgress: progress.onProgress }).finally(progress.stop);
            if (opts.json) {
              out(JSON.stringify({ ...r, skipped: { count: r.skipped.count, lines: r.skipped.kept } }));
              return;
            }
            out(
              `${file}: ${r.imported} responses into ${r.runCreated ? 'new ' : ''}run "${r.run}" ` +
                `(${r.format}${r.level ? `, ${r.level}` : ''}); ${r.scoreDisagreements} score disagreement(s) with the file's own reward`,
            );
            if (opts.checks) out(`automatic checks: ${r.suggestions} suggestion(s) to review`);
            printSkips(r.skipped);
          } catch (err) {
            if (err instanceof ImportRefused && !opts.json) printSkips(err.skipped);
            throw err;
          }
        });
      },
    );

  program
    .command('check')
    .description('run the automatic reasoning checks on stored runs: their open suggestions are replaced, decided ones kept')
    .option('--run <names...>', 'only these runs (default: every run)')
    .option('--checks <names>', `only these checks, comma-separated (${CHECK_NAMES.join(', ')})`, (v: string) => v.split(',').map((x) => x.trim()).filter(Boolean))
    .option('--json', 'print the result as JSON')
    .action(async (opts: { run?: string[]; checks?: string[]; json?: boolean }, cmd: Command) => {
      await withStore(cmd, async (store) => {
        const bar = countBar(' checks |{bar}| {percentage}% · {value}/{total} responses · {eta_formatted} left');
        const controller = new AbortController();
        const stop = () => controller.abort();
        process.once('SIGINT', stop);
        try {
          const r = await checkRuns(store, { runs: opts.run, checks: opts.checks, onProgress: (p) => bar.update(p.done, p.total), signal: controller.signal }).finally(bar.stop);
          if (opts.json) {
            out(JSON.stringify(r));
            return;
          }
          for (const run of r.runs) out(`run "${run.name}": ${run.responses} response(s) checked, ${run.suggestions} suggestion(s)`);
          out(`by check: ${r.checks.map((c) => `${c.name} v${c.version} ${c.suggestions}`).join(', ')}`);
        } finally {
          process.off('SIGINT', stop);
        }
      });
    });

  program
    .command('stats')
    .description('samples per level; per run and level: responses, accuracy, format errors, score disagreements')
    .option('--json', 'print JSON: {"samples":{…},"runs":[{"name","method","levels":{…}}]}')
    .option('--labels', 'failure-mode rates instead: per run and level, reviewed responses and each label\'s count, rate and 95% interval')
    .action(async (opts: { json?: boolean; labels?: boolean }, cmd: Command) => {
      await withStore(cmd, (store) => {
        if (opts.labels) {
          const rates = computeLabelStats(store);
          out(opts.json ? JSON.stringify(rates) : formatLabelStats(rates));
          return;
        }
        const stats = computeStats(store);
        out(opts.json ? JSON.stringify(stats) : formatStats(stats));
      });
    });

  program
    .command('compare')
    .description('outcome matrix of two runs over the questions both answered: both right, only A, only B, both wrong, per level')
    .requiredOption('--runs <A,B>', 'the two runs, by name', parseRunPair)
    .option('--levels <levels>', 'only these levels, e.g. L1,L3', (v: string) => v.split(',').map((l) => parseLevel(l.trim())))
    .option('--json', 'print JSON: {"pair":["A","B"],"levels":{"L1":{"both_right","only_a","only_b","both_wrong"},…,"all":{…}}}')
    .action(async (opts: { runs: [string, string]; levels?: Level[]; json?: boolean }, cmd: Command) => {
      await withStore(cmd, (store) => {
        const matrix = new Compare(store.db).matrix({ runs: opts.runs, levels: opts.levels });
        out(opts.json ? JSON.stringify(matrix) : formatMatrix(matrix));
      });
    });

  program
    .command('export')
    .description("export the responses a filter selects (default: all) with their steps, tags and verdicts (README: Exports)")
    .addOption(new Option('--format <format>', 'file format').choices([...EXPORT_FORMATS]).default('jsonl'))
    .requiredOption('--out <path>', 'output file (hf: a new or empty folder); an existing file is not replaced without --force')
    .option('--force', 'replace an existing output file (and its .meta.json)')
    .option('--runs <names>', 'only these runs (comma-separated)')
    .option('--levels <levels>', 'only these levels, e.g. L1,L2')
    .option('--methods <methods>', 'only runs of these methods, e.g. rl,sft')
    .option('--labels <keys>', 'only responses carrying any of these labels')
    .option('--domains <domains>', 'only these L3 domains')
    .option('--annotators <names>', "only these annotators' tags and verdicts count (and are written)")
    .option('--reviewed-only', 'only responses reviewed (a verdict, a tag, or review done)')
    .option('--correct', 'only correct answers')
    .option('--wrong', 'only wrong answers')
    .option('--text <words>', 'only chains matching this full-text search')
    .option('--license <id>', 'hf: the dataset card licence', 'other')
    .addOption(
      new Option('--origin <origin>', "which tags to write: human (everyone's but the automatic checks' suggestions), suggestion, or all")
        .choices(['human', 'suggestion', 'all'])
        .default('human'),
    )
    .action(async (opts: ExportFilterOptions & { format: ExportFormat; out: string; license: string; force?: boolean; origin: 'human' | 'suggestion' | 'all' }, cmd: Command) => {
      const filter = filterFromOptions(opts);
      // Loaded here: the format writers (Parquet, CSV, YAML) would add ~0.2 s to the start of every other command.
      const { runExport, workspaceAnnotator } = await import('../core/export/run.ts');
      await withStore(cmd, async (store) => {
        const bar = countBar(' export |{bar}| {value}/{total} responses');
        const r = await runExport(store.db, {
          format: opts.format,
          out: opts.out,
          replace: opts.force ?? false,
          filter,
          origin: opts.origin,
          me: workspaceAnnotator(store.db),
          workspace: store.file,
          command: ['cotscope', ...process.argv.slice(2)].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' '),
          license: opts.license,
          onProgress: (p) => bar.update(p.done, p.total),
        }).finally(bar.stop);
        const extra = opts.format === 'csv' ? ` (${r.rows} rows: one per tag)` : opts.format === 'pairs' ? ` (${r.rows} preference pairs)` : '';
        out(`wrote ${r.responses} responses to ${r.out}${extra}${r.meta ? `; filter and version in ${r.meta}` : ''}`);
      });
    });

  // ---------- teammates (issue 5) ----------

  program
    .command('export-pack')
    .description("write the workspace's tags, verdicts and adjudications (with UUIDs and tombstones) and its taxonomy as a pack a teammate imports")
    .requiredOption('--out <file>', 'pack file to write (JSONL); an existing file is not replaced without --force')
    .option('--force', 'replace an existing pack file')
    .option('--annotator <name...>', 'only these annotators’ work (default: everyone’s in the workspace)')
    .action(async (opts: { out: string; annotator?: string[]; force?: boolean }, cmd: Command) => {
      await withStore(cmd, (store) => {
        const r = exportPack(store, opts.out, { annotators: opts.annotator, replace: opts.force ?? false });
        out(
          `wrote pack ${r.out}: ${r.tags} tag(s), ${r.verdicts} verdict(s), ${r.adjudications} adjudication decision(s), ` +
            `${r.adjudicatedVerdicts} adjudicated verdict(s) by ${r.annotators.join(', ') || 'nobody'}`,
        );
      });
    });

  program
    .command('import-pack')
    .description("merge a teammate's pack: by UUID, newest wins, deletions by tombstone, never another annotator's work; twice changes nothing")
    .argument('<file>', 'pack file (from export-pack)')
    .option('--strict', 'import nothing if any line would be skipped')
    .option('--json', 'print the report as JSON')
    .action(async (file: string, opts: { strict?: boolean; json?: boolean }, cmd: Command) => {
      await withStore(cmd, (store) => {
        const r = refusedWithSkips(opts, () => importPack(store.db, file, { strict: opts.strict }));
        if (opts.json) {
          out(JSON.stringify(r));
          return;
        }
        const c = (m: { added: number; updated: number; deleted: number; unchanged: number; tombstones: number }) =>
          `${m.added} added, ${m.updated} updated, ${m.deleted} deleted, ${m.unchanged} unchanged` +
          (m.tombstones ? `, ${m.tombstones} deletion(s) of rows never here (kept)` : '');
        out(`merged pack ${r.file} (format v${r.version}; work of ${r.annotators.join(', ') || 'nobody'})`);
        out(`  tags: ${c(r.tags)}`);
        out(`  verdicts: ${c(r.verdicts)}`);
        out(`  adjudications: ${c(r.adjudications)}`);
        if (r.annotatorsAdded.length) out(`  new annotators: ${r.annotatorsAdded.join(', ')}`);
        if (r.labelsAdded.length) out(`  new labels: ${r.labelsAdded.join(', ')}`);
        if (r.conflicts) out(`  ${r.conflicts} row(s) refused: their UUID belongs to another annotator here`);
        if (r.unmatched.count) {
          out(`  ${r.unmatched.count} response(s) in the pack are not in this workspace (their annotations were not imported):`);
          for (const k of r.unmatched.first) out(`    ${k}`);
          if (r.unmatched.count > r.unmatched.first.length) out(`    … and ${r.unmatched.count - r.unmatched.first.length} more`);
        }
        if (r.skipped.count) {
          out(`skipped ${r.skipped.count} line(s):`);
          for (const s of r.skipped.lines.slice(0, SKIPS_SHOWN)) out(`  ${formatSkip(s)}`);
          if (r.skipped.count > SKIPS_SHOWN) out(`  … and ${r.skipped.count - SKIPS_SHOWN} more (all are recorded in the workspace)`);
        }
      });
    });

  program
    .command('import-tags')
    .description("import labels made elsewhere (e.g. an LLM judge's verdicts) as one annotator's tags and verdicts; JSONL, see the README")
    .argument('<file>', 'JSONL file: {"run","sample_id","rollout","label",…} or {"run","sample_id","rollout","verdict"} per line')
    .requiredOption('--annotator <name>', "who made these labels (created as a 'judge' unless it exists)")
    .option('--strict', 'import nothing if any line would be skipped')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, opts: { annotator: string; strict?: boolean; json?: boolean }, cmd: Command) => {
      await withStore(cmd, (store) => {
        const r = refusedWithSkips(opts, () => importTags(store.db, file, opts.annotator, { strict: opts.strict }));
        if (opts.json) {
          out(JSON.stringify({ ...r, skipped: { count: r.skipped.count, lines: r.skipped.kept } }));
          return;
        }
        out(
          `${file}: as ${r.annotatorCreated ? 'new judge ' : ''}"${r.annotator}": ` +
            `tags ${r.tags.added} added, ${r.tags.updated} updated, ${r.tags.unchanged} unchanged; ` +
            `verdicts ${r.verdicts.added} added, ${r.verdicts.updated} updated, ${r.verdicts.unchanged} unchanged`,
        );
        printSkips(r.skipped);
      });
    });

  program
    .command('judge')
    .description("ask an LLM judge on your own OpenAI-compatible server (vLLM, llama.cpp, Ollama) whether each response's reasoning supports its answer; its verdicts and tags are annotator judge:<model>")
    .requiredOption('--endpoint <url>', "the server's OpenAI-compatible base URL, e.g. http://localhost:8000/v1 (/chat/completions is added unless the URL ends in it)")
    .requiredOption('--model <name>', 'the model, by the name the server serves it under')
    .option('--prompt <file>', 'a prompt template: {{question}} {{options}} {{goal}} {{narration}} {{steps}} {{answer}} {{golden}} (see the README)')
    .option('--concurrency <n>', 'requests in flight at once', wholeNumber('--concurrency', 1), 4)
    .option('--run <name...>', 'only these runs (default: all)', (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((x) => x.trim()).filter(Boolean)])
    .option('--level <level...>', 'only these levels, e.g. L1 L3', (v: string, prev: Level[] = []) => [...prev, ...v.split(',').map((x) => parseLevel(x.trim()))])
    .option('--limit <n>', 'ask about at most N responses (of those not judged yet)', wholeNumber('--limit', 0))
    .option('--timeout <seconds>', 'per request', (v: string) => {
      const n = Number(v);
      if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError('expected a number of seconds above 0');
      return n;
    }, 120)
    .option('--json', 'print the summary as JSON')
    .addOption(new Option('--api-key <key>').hideHelp())
    .addHelpText(
      'after',
      `\nThe API key, if the server wants one, comes from the environment variable ${API_KEY_ENV} (sent as a bearer token).\n` +
        'A --prompt template may use {{question}} {{options}} {{goal}} {{narration}} {{steps}} {{answer}} {{golden}}; the reply\n' +
        'schema is appended to it. Responses this judge already judged are skipped: run the same command again to resume.',
    )
    .action(
      async (
        opts: { endpoint: string; model: string; prompt?: string; concurrency: number; run?: string[]; level?: Level[]; limit?: number; timeout: number; json?: boolean; apiKey?: string },
        cmd: Command,
      ) => {
        if (opts.apiKey !== undefined) {
          throw new CotscopeError(`--api-key is not taken on the command line (every user of this machine can read it with \`ps\`): set ${API_KEY_ENV} in the environment`, 'usage');
        }
        const template = opts.prompt === undefined ? undefined : readPromptFile(opts.prompt);
        await withStore(cmd, async (store) => {
          // Ctrl+C once: send nothing more, let the requests in flight finish and be written. Twice: abort them.
          const stop = new AbortController();
          const abort = new AbortController();
          const bar = countBar(' judge |{bar}| {value}/{total} · {rate}/s · {eta_formatted} left · {failed} failed');
          const onSigint = () => {
            if (stop.signal.aborted) return abort.abort();
            stop.abort();
            process.stderr.write(`${process.stderr.isTTY ? '\n' : ''}stopping: nothing more is sent; waiting for the requests in flight (Ctrl+C again aborts them)\n`);
          };
          process.on('SIGINT', onSigint);
          const since = performance.now();
          const onProgress = (p: JudgeProgress) => {
            const payload = { failed: p.failed, rate: (p.done / Math.max((performance.now() - since) / 1000, 1e-3)).toFixed(2) };
            bar.update(p.done, p.total, payload);
          };
          const r = await judge(store.db, {
            endpoint: opts.endpoint,
            model: opts.model,
            template,
            templateSource: opts.prompt && `--prompt ${opts.prompt}`,
            concurrency: opts.concurrency,
            runs: opts.run,
            levels: opts.level,
            limit: opts.limit,
            timeoutMs: opts.timeout * 1000,
            apiKey: process.env[API_KEY_ENV] || undefined,
            stop: stop.signal,
            abort: abort.signal,
            onProgress,
          }).finally(() => {
            process.off('SIGINT', onSigint);
            bar.stop();
          });
          out(opts.json ? JSON.stringify(r) : formatJudgeResult(r));
          const resume = 'run the same command again to continue (what is judged is kept and not asked again)';
          if (r.fatal) throw new CotscopeError(`${r.fatal}; ${r.judged} judged and kept, ${r.notDone} not judged: ${resume}`, 'judge_server');
          if (r.interrupted) throw new CotscopeError(`interrupted: ${r.judged} judged and kept, ${r.notDone} not judged: ${resume}`, 'interrupted');
          if (r.failed.count) throw new CotscopeError(`${r.failed.count} response(s) could not be judged (see above): run the same command again to ask about them again`, 'failed');
        });
      },
    );

  program
    .command('agreement')
    .description("agreement between annotators over the responses both reviewed: Cohen's κ per label and on verdicts, Krippendorff's α, step κ, time IoU")
    .option('--annotators <names>', 'only pairs among these annotators (comma-separated)')
    .option('--json', 'print JSON: {"pairs":[{"annotators":["a","b"],"responses":n,"kappa":{…},"verdict_kappa":k,"alpha":a,…}]}')
    .action(async (opts: { annotators?: string; json?: boolean }, cmd: Command) => {
      await withStore(cmd, (store) => {
        const only = opts.annotators?.split(',').map((x) => x.trim()).filter(Boolean);
        const report = new Agreement(store.db).compute(only);
        out(opts.json ? JSON.stringify(report) : formatAgreement(report));
      });
    });

  program
    .command('demo')
    .description('build the demo workspace from the sample SEED-Bench-R1 data root shipped with cotscope')
    .option('--force', 'delete and rebuild the workspace file if it exists')
    .option('--keep', 'if the workspace file exists, keep it as it is and print its summary')
    .action(async (opts: { force?: boolean; keep?: boolean }, cmd: Command) => {
      const db = requireDb(cmd);
      if (fs.existsSync(db)) {
        if (opts.keep && !opts.force) {
          await withStore(cmd, (store) => {
            out(`demo workspace ${store.file} already exists (kept; --force rebuilds it)`);
            out(formatStats(computeStats(store)));
          });
          return;
        }
        if (!opts.force) {
          throw new CotscopeError(`${db} already exists; pass --force to delete and rebuild it, or --keep to use it`, 'exists');
        }
        for (const suffix of ['', '-wal', '-shm']) fs.rmSync(db + suffix, { force: true });
      }
      await withStore(
        cmd,
        async (store) => {
          const progress = progressReporter();
          const r = await buildDemo(store, progress.onProgress).finally(progress.stop);
          out(`built demo workspace ${store.file}: ${r.benchmark.imported} samples, ${r.runs.reduce((n, x) => n + x.imported, 0)} responses`);
          out(formatStats(computeStats(store)));
        },
        true,
      );
    });

  program
    .command('serve')
    .description('browser mode: serve the app and its API on localhost (open the printed URL; it carries the access token)')
    .option('--port <port>', 'port to listen on (0 picks a free one)', parsePort, 0)
    .option('--host <host>', 'interface to bind (anything but loopback needs a token: COTSCOPE_TOKEN or --token-file)', '127.0.0.1')
    .option('--token-file <file>', 'read the access token from this file (readable by you alone); or set COTSCOPE_TOKEN. Default: a random one, printed in the URL')
    .option('--allow-dir <dir>', 'a folder whose files the page may import, open as workspaces or use as data roots (repeatable; default: the workspace\'s folder on loopback, none otherwise)', collect, [])
    .addOption(new Option('--token <token>').hideHelp())
    .option('--annotator <name>', 'who the annotations are by')
    .action(async (opts: { port: number; host: string; token?: string; tokenFile?: string; allowDir: string[]; annotator?: string }, cmd: Command) => {
      const db = requireDb(cmd);
      if (opts.token !== undefined) {
        throw new CotscopeError(
          '--token is not taken on the command line (every user of this machine can read it with `ps`): ' +
            'set COTSCOPE_TOKEN in the environment, or pass --token-file FILE',
          'usage',
        );
      }
      const given = readToken(opts.tokenFile);
      const server = await startServer({
        dbFile: db,
        port: opts.port,
        host: opts.host,
        token: given?.token,
        annotator: opts.annotator,
        allowDirs: opts.allowDir.length ? opts.allowDir : undefined,
      });
      // A token the owner gave (environment, file) is never printed: only the random one, the way to open the page.
      out(`cotscope serving ${server.workspace} at ${given ? `${server.origin}/?token=… (the token from ${given.from})` : server.url}`);
      out(
        server.allowedDirs.length
          ? `the page may name files inside: ${server.allowedDirs.join(', ')}; it can also upload files, and exports are downloads`
          : 'the page may name no file on this machine (no --allow-dir): it imports by upload, and exports are downloads',
      );
      // Ctrl-C or a service manager's SIGTERM: stop listening, then close the workspace cleanly. A second signal
      // while closing gives up waiting.
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          const force = () => process.exit(130);
          process.once('SIGINT', force);
          process.once('SIGTERM', force);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await server.close();
    });

  return program;
}

function parseRunPair(v: string): [string, string] {
  const names = v.split(',').map((n) => n.trim());
  if (names.length !== 2 || names.some((n) => !n)) throw new InvalidArgumentError('expected two run names, A,B');
  return names as [string, string];
}

function wholeNumber(flag: string, min: number): (v: string) => number {
  return (v) => {
    if (!/^\d+$/.test(v.trim()) || Number(v) < min) throw new InvalidArgumentError(`${flag}: expected a whole number ≥ ${min}`);
    return Number(v);
  };
}

function collect(v: string, all: string[]): string[] {
  return [...all, v];
}

/** The access token from COTSCOPE_TOKEN or a file readable by its owner alone (as ssh insists for keys); none: random. */
export function readToken(file: string | undefined, env: NodeJS.ProcessEnv = process.env): { token: string; from: string } | null {
  if (file !== undefined) {
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch {
      throw new CotscopeError(`--token-file ${file}: no such file`, 'usage');
    }
    if (!st.isFile()) throw new CotscopeError(`--token-file ${file}: not a file`, 'usage');
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
      throw new CotscopeError(
        `--token-file ${file}: other users can read it (mode ${(st.mode & 0o777).toString(8)}); run \`chmod 600 ${file}\``,
        'usage',
      );
    }
    const token = fs.readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    if (!token) throw new CotscopeError(`--token-file ${file}: the file is empty`, 'usage');
    return { token, from: file };
  }
  const token = env.COTSCOPE_TOKEN;
  if (token !== undefined && token !== '') return { token, from: 'COTSCOPE_TOKEN' };
  return null;
}

function parsePort(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 65535) throw new CotscopeError(`--port ${v}: expected a number from 0 to 65535`, 'usage');
  return n;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version "errors" are successes; commander has already printed its message
      return err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? 0 : 2;
    }
    const message = err instanceof CotscopeError ? err.message : `unexpected error: ${(err as Error).stack ?? err}`;
    process.stderr.write(`cotscope: ${message}\n`);
    return 1;
  }
}
