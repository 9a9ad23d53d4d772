// Reads under load: browser mode (the real server, startServer) on a workspace, its response list asked for by one
// client and by twenty at once, with the service host's reader threads (the default) and with none (readers: 0, the
// writer thread answers every read, as it did before the readers), each case for BENCH_LOAD_SECONDS (default 20). The one-client
// figures of the same run are the baseline. Prints one JSON object on stdout; progress goes to stderr.
//   node --import tsx bench/load.ts WORKSPACE.db
//
// Clients run in a child process (as browsers would), on loopback, each sending its next request as soon as the last
// is answered (no think time: the heaviest load twenty clients can make). Each request is a page of 100 rows under
// one of a few filters the library uses, on one of the first ten pages. The workspace is only read; a case stops after
// BENCH_LOAD_SECONDS or BENCH_LOAD_MAX_REQUESTS answers, whichever comes first, and the whole run has a deadline.
//   BENCH_LOAD_CLIENTS   clients of the many-clients cases (default 20)
//   BENCH_LOAD_READERS   reader threads of the cases with readers (default: the host's own, DEFAULT_READERS)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_READERS } from '../electron/core/service-readers.ts';
import { startServer } from '../electron/server/server.ts';

const SELF = fileURLToPath(import.meta.url);
const PAGE = 100;
const PAGES = 10;
const TARGET_P95_MS = 100;

interface ClientJob {
  origin: string;
  token: string;
  clients: number;
  seconds: number;
  maxRequests: number;
  filters: { name: string; filter: object }[];
  total: number;
}

interface Figures {
  requests: number;
  errors: number;
  error_sample: string | null;
  per_s: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  /** CPU time of the clients' process per answered request (its HTTP and JSON work, not the server's). */
  client_cpu_ms_per_request: number;
  by_filter: Record<string, { requests: number; p50_ms: number; p95_ms: number }>;
}

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  const v = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number, got ${raw}`);
  return v;
}

const round = (x: number) => Math.round(x * 10) / 10;
function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]);
}

const perRequest = (ms: number, requests: number) => (requests > 0 ? Math.round((ms / requests) * 100) / 100 : NaN);

/** CPU milliseconds of this process's main thread (it serves HTTP); null where /proc is not there. */
function mainThreadCpuMs(): number | null {
  try {
    const fields = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in clock ticks of 10 ms
  } catch {
    return null;
  }
}

// ---------- the clients (child process) ----------

async function runClients(job: ClientJob): Promise<Figures> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.clients });
  const url = new URL('/api/listResponses', job.origin);
  const pages = Math.max(1, Math.min(PAGES, Math.ceil(job.total / PAGE)));
  const times: number[] = [];
  const byFilter = new Map<string, number[]>(job.filters.map((f) => [f.name, []]));
  let errors = 0;
  let errorSample: string | null = null;
  let sent = 0;
  const start = performance.now();
  const end = start + job.seconds * 1000;
  const cpu0 = process.cpuUsage();

  const post = (body: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(
        url,
        { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'X-Cotscope-Token': job.token } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  const client = async (c: number) => {
    let i = c;
    while (performance.now() < end && sent < job.maxRequests) {
      sent++;
      const f = job.filters[i % job.filters.length];
      const offset = ((i * 7 + c) % pages) * PAGE;
      i++;
      const t0 = performance.now();
      try {
        const r = await post(JSON.stringify({ filter: f.filter, offset, limit: PAGE }));
        const ms = performance.now() - t0;
        const body = JSON.parse(r.text) as { ok: boolean; error?: { message: string } };
        if (r.status !== 200 || !body.ok) {
          errors++;
          errorSample ??= `${r.status} ${body.error?.message ?? r.text.slice(0, 200)}`;
          continue;
        }
        times.push(ms);
        byFilter.get(f.name)!.push(ms);
      } catch (err) {
        errors++;
        errorSample ??= (err as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: job.clients }, (_, c) => client(c)));
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  agent.destroy();
  times.sort((a, b) => a - b);
  return {
    requests: times.length,
    errors,
    error_sample: errorSample,
    per_s: Math.round(times.length / seconds),
    p50_ms: quantile(times, 0.5),
    p95_ms: quantile(times, 0.95),
    p99_ms: quantile(times, 0.99),
    max_ms: round(times.at(-1) ?? NaN),
    client_cpu_ms_per_request: perRequest((cpu.user + cpu.system) / 1000, times.length),
    by_filter: Object.fromEntries(
      [...byFilter].map(([name, t]) => {
        t.sort((a, b) => a - b);
        return [name, { requests: t.length, p50_ms: quantile(t, 0.5), p95_ms: quantile(t, 0.95) }];
      }),
    ),
  };
}

function clientsInChild(job: ClientJob): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SELF, '--clients', JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`the clients' process exited with code ${code}`));
      try {
        resolve(JSON.parse(out) as Figures);
      } catch (err) {
        reject(new Error(`the clients' process printed no figures: ${(err as Error).message}`));
      }
    });
  });
}

// ---------- the server and the cases ----------

async function main(dbFile: string): Promise<void> {
  if (!dbFile || !fs.statSync(dbFile, { throwIfNoEntry: false })?.isFile()) {
    throw new Error('usage: node --import tsx bench/load.ts WORKSPACE.db (an existing workspace; it is only read)');
  }
  const seconds = positive('BENCH_LOAD_SECONDS', 20);
  const many = Math.round(positive('BENCH_LOAD_CLIENTS', 20));
  const readers = Math.round(positive('BENCH_LOAD_READERS', DEFAULT_READERS));
  const maxRequests = Math.round(positive('BENCH_LOAD_MAX_REQUESTS', 200_000));
  const setups = [
    { readers, cases: [['one_client', 1], ['many_clients', many]] as const },
    { readers: 0, cases: [['one_client_no_readers', 1], ['many_clients_no_readers', many]] as const },
  ];
  // Four cases, each with a warm-up: past this the run is stuck, and ends.
  const deadline = setTimeout(() => {
    process.stderr.write('bench/load: over its deadline, stopping\n');
    process.exit(2);
  }, (4 * (seconds + 5) + 180) * 1000);
  deadline.unref();

  type Case = Figures & {
    clients: number;
    readers: number;
    load_average: number;
    server_cpu_ms_per_request: number;
    server_main_thread_cpu_ms_per_request: number | null;
  };
  const cases: Record<string, Case> = {};
  let workspace: Record<string, unknown> = {};
  let filters: ClientJob['filters'] = [];
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-load-'));
  try {
    for (const setup of setups) {
      process.stderr.write(`serving ${dbFile} with ${setup.readers} reader thread(s)…\n`);
      const server = await startServer({
        dbFile,
        host: '127.0.0.1',
        port: 0,
        allowDirs: [],
        stagingParent: staging,
        rendererDir: path.join(staging, 'no-renderer'),
        hostOptions: { readers: setup.readers, waitForReaders: true },
      });
      try {
        const call = async (method: string, input: unknown) => {
          const r = await fetch(`${server.origin}/api/${method}`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', 'X-Cotscope-Token': server.token },
            body: JSON.stringify(input),
          });
          const body = (await r.json()) as { ok: boolean; value: any; error?: { message: string } };
          if (!body.ok) throw new Error(body.error?.message);
          return body.value;
        };
        const total = (await call('listResponses', { limit: 1 })).total as number;
        if (filters.length === 0) {
          const runs = (await call('listRuns', {})) as { name: string }[];
          const annotators = (await call('listAnnotators', {})) as { tags: number; verdicts: number }[];
          workspace = {
            file: path.resolve(dbFile),
            mib: Math.round(fs.statSync(dbFile).size / 2 ** 20),
            responses: total,
            runs: runs.length,
            tags: annotators.reduce((n, a) => n + a.tags, 0),
            verdicts: annotators.reduce((n, a) => n + a.verdicts, 0),
          };
          // What the library asks for most: the first pages, a run's wrong answers, a label, what is left to review.
          filters = [
            { name: 'all', filter: {} },
            { name: 'run_wrong', filter: runs.length ? { runs: [runs[0].name], correct: false } : { correct: false } },
            { name: 'label', filter: { labels: ['hallucination'] } },
            { name: 'to_review', filter: { review: 'todo' } },
          ];
        }
        for (const [name, clients] of setup.cases) {
          const job = { origin: server.origin, token: server.token, clients, seconds, maxRequests, filters, total };
          // Warm-up: every connection's page cache, for a few seconds, not measured.
          await clientsInChild({ ...job, clients: Math.max(clients, 2 * Math.max(1, setup.readers)), seconds: Math.min(3, seconds) });
          process.stderr.write(`  ${name}: ${clients} client(s) for ${seconds} s…\n`);
          const cpu0 = process.cpuUsage();
          const main0 = mainThreadCpuMs();
          const figures = await clientsInChild(job);
          const cpu = process.cpuUsage(cpu0);
          const main1 = mainThreadCpuMs();
          cases[name] = {
            clients,
            readers: setup.readers,
            // The machine's 1-minute load average after the case: other work on the machine shows here.
            load_average: round(os.loadavg()[0]),
            ...figures,
            // The server's CPU (every thread: HTTP, writer, readers) and its main thread's, per answered request.
            server_cpu_ms_per_request: perRequest((cpu.user + cpu.system) / 1000, figures.requests),
            server_main_thread_cpu_ms_per_request: main0 === null || main1 === null ? null : perRequest(main1 - main0, figures.requests),
          };
          const f = cases[name];
          process.stderr.write(`    p50 ${f.p50_ms} ms, p95 ${f.p95_ms} ms, p99 ${f.p99_ms} ms, ${f.per_s}/s, ${f.errors} errors\n`);
        }
      } finally {
        await server.close();
      }
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  const result = {
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', node: process.version, platform: process.platform },
    measured_at: new Date().toISOString(),
    workspace,
    seconds_per_case: seconds,
    page_rows: PAGE,
    filters: Object.fromEntries(filters.map((f) => [f.name, f.filter])),
    cases,
    target: { many_clients_p95_ms: TARGET_P95_MS, met: cases.many_clients.p95_ms < TARGET_P95_MS && cases.many_clients.errors === 0 },
  };
  fs.writeSync(1, JSON.stringify(result) + '\n');
}

if (process.argv[2] === '--clients') {
  const job = JSON.parse(process.argv[3]) as ClientJob;
  setTimeout(() => process.exit(2), (job.seconds + 60) * 1000).unref();
  fs.writeSync(1, JSON.stringify(await runClients(job)) + '\n');
} else {
  await main(process.argv[2]);
}
