// npm run bench — import throughput and memory, each beside a raw baseline measured in the same run.
// BENCH_RESPONSES (default 1,000,000) synthetic responses in the SEED-Bench-R1 infer.py shape are imported through
// the real importer into a fresh store; the baseline is plain JSON.parse plus a bare prepared insert of the same rows.
// Figures are printed and written to bench/results.json.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBenchFiles } from './generate.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const responses = Number(process.env.BENCH_RESPONSES ?? 1_000_000);
const sampleCount = Number(process.env.BENCH_SAMPLES ?? 2432); // the size of SEED-Bench-R1's validation_L1
if (!Number.isInteger(responses) || responses <= 0) throw new Error(`BENCH_RESPONSES must be a positive integer, got ${process.env.BENCH_RESPONSES}`);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-bench-'));
try {
  process.stdout.write(`generating ${responses.toLocaleString('en')} responses over ${sampleCount} samples… `);
  const files = await writeBenchFiles(dir, responses, sampleCount);
  const bytes = fs.statSync(files.run).size;
  process.stdout.write(`${(bytes / 2 ** 20).toFixed(0)} MiB\n`);

  const child = (args: string[]) =>
    JSON.parse(
      execFileSync(process.execPath, ['--import', 'tsx', path.join(here, 'child.ts'), ...args], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        maxBuffer: 1 << 20,
      }),
    );

  const baseline = child(['baseline', path.join(dir, 'baseline.db'), files.run]);
  const imported = child(['import', path.join(dir, 'import.db'), files.annotations, files.run]);
  if (imported.responses !== responses) throw new Error(`imported ${imported.responses} of ${responses} responses (${imported.skipped} skipped)`);
  // The same import without the automatic checks: what they add to it (target: at most 20%).
  const noChecks = child(['import-no-checks', path.join(dir, 'no-checks.db'), files.annotations, files.run]);
  for (const f of fs.readdirSync(dir)) if (f.startsWith('no-checks.db')) fs.rmSync(path.join(dir, f));

  process.stdout.write('timing the checks alone on bench-shaped responses, beside the scorer and step splitter…\n');
  const checks = JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', path.join(here, 'checks.ts'), String(Math.min(responses, 100_000))], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );

  process.stdout.write('timing the response list and tag saves on the imported workspace…\n');
  const tags = Number(process.env.BENCH_TAGS ?? 200_000);
  const service = JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', path.join(here, 'service.ts'), path.join(dir, 'import.db'), String(tags)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );

  process.stdout.write('timing exports (jsonl, parquet) of every response, beside bare loops…\n');
  const exportRun = (mode: string) =>
    JSON.parse(
      execFileSync(process.execPath, ['--import', 'tsx', path.join(here, 'export.ts'), path.join(dir, 'import.db'), dir, mode], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    );
  const exports = Object.fromEntries(['jsonl', 'baseline-jsonl', 'parquet', 'baseline-parquet'].map((m) => [m, exportRun(m)]));

  // After the exports: this phase adds a second run and verdicts to the workspace.
  process.stdout.write('timing the compare matrix, the dashboard charts and stats --labels…\n');
  const aggregates = JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', path.join(here, 'aggregates.ts'), path.join(dir, 'import.db'), String(sampleCount)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );

  process.stdout.write('timing agreement, the disagreement list and packs…\n');
  const team = JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', path.join(here, 'team.ts'), path.join(dir, 'import.db'), dir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );

  process.stdout.write("timing a judge's labels: import-tags, again unchanged, and the same rows as a pack merge…\n");
  const judge = JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', path.join(here, 'tags.ts'), path.join(dir, 'import.db'), dir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );

  process.stdout.write('timing the response list under load: 1 client, then 20 at once, with and without the reader threads…\n');
  const load = JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', path.join(here, 'load.ts'), path.join(dir, 'import.db')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );

  process.stdout.write('timing the workbench in Chromium (demo workspace)…\n');
  let ui: Record<string, unknown> | { error: string };
  try {
    ui = JSON.parse(
      execFileSync(process.execPath, ['--import', 'tsx', path.join(here, 'ui.ts')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }),
    );
  } catch (err) {
    ui = { error: `Chromium phase failed: ${(err as Error).message.split('\n')[0]}` };
  }

  const results = {
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', node: process.version, platform: process.platform },
    measured_at: new Date().toISOString(),
    import: {
      responses: imported.responses,
      file_mib: Math.round(bytes / 2 ** 20),
      seconds: round(imported.seconds, 3),
      responses_per_s: Math.round(imported.responses / imported.seconds),
      peak_rss_mb: round(imported.peak_rss_mb, 1),
      baseline_seconds: round(baseline.seconds, 3),
      baseline_responses_per_s: Math.round(baseline.responses / baseline.seconds),
      baseline_peak_rss_mb: round(baseline.peak_rss_mb, 1),
      ratio_to_baseline: round(imported.seconds / baseline.seconds, 2),
      /** The automatic checks ran on every response (the default); the same import without them, and the ratio. */
      suggestions: imported.suggestions,
      no_checks_seconds: round(noChecks.seconds, 3),
      checks_ratio: round(imported.seconds / noChecks.seconds, 3),
      // CPU seconds of the measured part: on a shared machine they show what the wall-clock figures lost to others.
      cpu_s: imported.cpu_s,
      writer_thread_cpu_s: imported.writer_thread_cpu_s,
      baseline_cpu_s: baseline.cpu_s,
      /** Where the importer's writing thread spent its time (ms; parse_wait is time it waited for the parsing worker). */
      phases_ms: imported.phases_ms,
      targets: { responses_per_s: 100_000, peak_rss_mb: 1024 },
    },
    list: { ...service.list, responses: service.responses, tags: service.tags, target_ms: 30 },
    tag_save: { ...service.tag, target_ms: 50 },
    aggregates: { ...aggregates, target_ms: 50 },
    export: Object.fromEntries(
      Object.entries(exports).map(([m, e]: [string, any]) => [
        m,
        { rows: e.rows, seconds: round(e.seconds, 3), rows_per_s: e.rows_per_s, mib: e.mib, peak_rss_mb: round(e.peak_rss_mb, 1) },
      ]),
    ),
    team,
    checks,
    import_tags: judge,
    load,
    ui: { ...ui, targets: { tag_keystroke_to_shown_ms: 50, response_switch_to_first_frame_ms: 300 } },
  };
  // BENCH_KEEP_DB=FILE keeps the 1M workspace the phases built (tags, verdicts, the second run), to time one query
  // against again without rebuilding it.
  if (process.env.BENCH_KEEP_DB) fs.copyFileSync(path.join(dir, 'import.db'), process.env.BENCH_KEEP_DB);
  const outFile = path.join(here, 'results.json');
  fs.writeFileSync(outFile, JSON.stringify(results, null, 2) + '\n');
  const i = results.import;
  console.log(
    [
      `import   ${i.responses.toLocaleString('en')} responses in ${i.seconds} s = ${i.responses_per_s.toLocaleString('en')} responses/s, peak RSS ${i.peak_rss_mb} MB`,
      `baseline ${i.responses.toLocaleString('en')} rows      in ${i.baseline_seconds} s = ${i.baseline_responses_per_s.toLocaleString('en')} rows/s, peak RSS ${i.baseline_peak_rss_mb} MB (JSON.parse + bare insert)`,
      `ratio    import takes ${i.ratio_to_baseline}× the baseline's time; targets: ≥ 100,000 responses/s, peak RSS < 1024 MB`,
      `checks   on import: ${i.suggestions.toLocaleString('en')} suggestions; without them the import takes ${i.no_checks_seconds} s, so the checks add ${Math.round((i.checks_ratio - 1) * 100)}% (target ≤ 20%); alone: ${JSON.stringify(checks)}`,
      `phases   ${Object.entries(i.phases_ms).map(([k, v]) => `${k} ${v} ms`).join(', ')} (the writing thread)`,
      `cpu      import ${i.cpu_s} s (writing thread ${i.writer_thread_cpu_s} s), baseline ${i.baseline_cpu_s} s`,
      ...Object.entries(results.list)
        .filter(([, v]) => typeof v === 'object')
        .map(([k, v]: [string, any]) => `list     ${k.padEnd(32)} median ${v.median_ms} ms, p95 ${v.p95_ms} ms`),
      `list     (${results.list.responses.toLocaleString('en')} responses, ${results.list.tags.toLocaleString('en')} tags; target 30 ms)`,
      `tag      save via the API: median ${results.tag_save.create_via_api.median_ms} ms (bare insert ${results.tag_save.baseline_bare_insert.median_ms} ms; target 50 ms)`,
      ...(['jsonl', 'parquet'] as const).map((f) => {
        const e = results.export[f];
        const b = results.export[`baseline-${f}`];
        return `export   ${f.padEnd(8)} ${e.rows_per_s.toLocaleString('en')} responses/s (${e.mib} MiB, peak RSS ${e.peak_rss_mb} MB); bare loop ${b.rows_per_s.toLocaleString('en')} rows/s (${b.peak_rss_mb} MB): ${round(e.seconds / b.seconds, 2)}× its time`;
      }),
      ...Object.entries(results.aggregates)
        .filter(([, v]) => typeof v === 'object')
        .map(([k, v]: [string, any]) => `agg      ${k.padEnd(42)} median ${v.median_ms} ms, p95 ${v.p95_ms} ms`),
      `agg      (${results.aggregates.responses.toLocaleString('en')} responses, ${results.aggregates.tags.toLocaleString('en')} tags, ${results.aggregates.verdicts.toLocaleString('en')} verdicts; each after a tag save; target 50 ms)`,
      `team     agreement, all pairs: median ${team.agreement_all_pairs.median_ms} ms · disagreements, first page: ${team.disagreements_first_page.median_ms} ms · one case: ${team.adjudication_case?.median_ms ?? '–'} ms · bare scan of the same rows: ${team.baseline_scan_tags_and_verdicts.median_ms} ms`,
      `team     pack of ${team.pack.rows.toLocaleString('en')} rows: export ${team.pack.export_rows_per_s.toLocaleString('en')} rows/s, merge back (unchanged) ${team.pack.merge_rows_per_s.toLocaleString('en')} rows/s; bare JSONL of the rows ${team.pack.baseline_rows_per_s.toLocaleString('en')} rows/s`,
      `tags     judge of ${judge.lines.toLocaleString('en')} lines: import-tags ${judge.first_import_s} s (${judge.first_import_rows_per_s.toLocaleString('en')} rows/s), again unchanged ${judge.reimport_s} s (${judge.reimport_rows_written} row written); same rows as a pack: merge ${judge.pack_merge_s} s, again ${judge.pack_remerge_s} s; bare insert with kept counts ${judge.baseline_with_counts_s} s, bare parse+insert ${judge.baseline_s} s`,
      `load     list, ${load.cases.many_clients.clients} clients: p50 ${load.cases.many_clients.p50_ms} ms, p95 ${load.cases.many_clients.p95_ms} ms (${load.cases.many_clients.readers} readers); without readers p95 ${load.cases.many_clients_no_readers.p95_ms} ms; 1 client p95 ${load.cases.one_client.p95_ms} ms (target p95 < 100 ms)`,
      `ui       ${JSON.stringify(results.ui)}`,
      `written  ${path.relative(process.cwd(), outFile)}`,
    ].join('\n'),
  );
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
