// One measured phase of the benchmark, in its own process so its peak RSS is its own.
//   child.ts import   DB ANNOTATIONS RUN   — the real importers into a fresh store
//   child.ts import-no-checks DB ANNOTATIONS RUN — the same, without the automatic checks (their cost is the difference)
//   child.ts baseline DB RUN               — plain JSON.parse + a bare prepared-statement insert loop, same rows
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { importBenchmark } from '../electron/core/import-benchmark.ts';
import { importRun, type ImportTimings } from '../electron/core/import-run.ts';
import { readJsonLines } from '../electron/core/records.ts';
import { configureConnection, openStore } from '../electron/core/store.ts';

function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB
}

/** CPU seconds of the whole process since `from`. */
function cpuSeconds(from: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(from);
  return Math.round((u.user + u.system) / 1e4) / 100;
}

/** CPU seconds of this (the main, writing) thread alone; null where /proc is not there. */
function mainThreadCpuSeconds(): number | null {
  try {
    const fields = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 10 ms
  } catch {
    return null;
  }
}

async function runImport(dbFile: string, annotations: string, run: string, checks = true) {
  const store = openStore(dbFile);
  await importBenchmark(store, [annotations], {});
  const timings = {} as ImportTimings;
  const thread0 = mainThreadCpuSeconds();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  // As `cotscope import-run` does: the process has the workspace to itself (exclusive).
  const r = await importRun(store, run, { name: 'bench', method: 'rl', exclusive: true, timings, checks });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu_s = cpuSeconds(cpu0);
  const thread1 = mainThreadCpuSeconds();
  store.close();
  const phases_ms = Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v)]));
  const writer_thread_cpu_s = thread0 === null || thread1 === null ? null : Math.round((thread1 - thread0) * 100) / 100;
  return { responses: r.imported, skipped: r.skipped.count, suggestions: r.suggestions, seconds, peak_rss_mb: peakRssMb(), cpu_s, writer_thread_cpu_s, phases_ms };
}

async function runBaseline(dbFile: string, run: string) {
  const db = new Database(dbFile);
  configureConnection(db); // the store's own settings (page size, WAL, synchronous, cache), so both write alike
  db.exec('CREATE TABLE rows (sample_id TEXT, response TEXT, reward REAL)');
  const insert = db.prepare('INSERT INTO rows (sample_id, response, reward) VALUES (?, ?, ?)');
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let n = 0;
  db.exec('BEGIN');
  // The same line reader as the importer, so the ratio measures what the import adds to parse + insert.
  for await (const batch of readJsonLines(run)) {
    for (const { text } of batch) {
      const r = JSON.parse(text);
      insert.run(String(r.sample_id), r.response, r.reward);
      n++;
    }
  }
  db.exec('COMMIT');
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu_s = cpuSeconds(cpu0);
  db.close();
  return { responses: n, seconds, cpu_s, peak_rss_mb: peakRssMb() };
}

const [mode, ...args] = process.argv.slice(2);
const result =
  mode === 'import'
    ? await runImport(args[0], args[1], args[2])
    : mode === 'import-no-checks'
      ? await runImport(args[0], args[1], args[2], false)
      : await runBaseline(args[0], args[1]);
fs.writeSync(1, JSON.stringify(result) + '\n');
