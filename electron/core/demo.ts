// The embedded demo workspace: the sample SEED-Bench-R1 data root shipped in demo/, with its RL and SFT runs.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Method } from '../../shared/types.ts';
import { importBenchmark, type ImportBenchmarkResult } from './import-benchmark.ts';
import type { ImportProgress } from './import-report.ts';
import { importRun, type ImportRunResult } from './import-run.ts';
import type { Store } from './store.ts';

export const DEMO_DIR = fileURLToPath(new URL('../../demo/', import.meta.url));
export const DEMO_DATA_ROOT = path.join(DEMO_DIR, 'seed-bench-r1');

/** The runs of the demo workspace: RL from infer.py files, SFT from GRPO-CARE files, and an RL run with rollouts. */
export const DEMO_RUNS: { name: string; method: Method; files: string[] }[] = [
  {
    name: 'rl-grpo',
    method: 'rl',
    files: ['L1', 'L2', 'L3'].map((l) => `runs/rl-grpo/eval_results_for_validation_${l}.jsonl`),
  },
  {
    name: 'sft',
    method: 'sft',
    files: ['L1', 'L2', 'L3'].map((l) => `runs/sft/eval_16frames_seed_bench_r1_${l}_results.json`),
  },
  { name: 'rl-grpo-k4', method: 'rl', files: ['runs/rl-grpo-k4/rollouts_validation_L1.jsonl'] },
];

export interface DemoResult {
  benchmark: ImportBenchmarkResult;
  runs: ImportRunResult[];
}

/**
 * Imports the demo data root and runs. `checks: false` imports the runs without the automatic checks (a workspace as
 * versions before the checks made it: the migration tests' older workspaces, and tests about other things).
 */
export async function buildDemo(store: Store, onProgress?: (p: ImportProgress) => void, opts: { checks?: boolean } = {}): Promise<DemoResult> {
  const annotations = path.join(DEMO_DATA_ROOT, 'annotations');
  const files = fs
    .readdirSync(annotations)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((f) => path.join(annotations, f));
  const benchmark = await importBenchmark(store, files, { dataRoot: DEMO_DATA_ROOT, onProgress });
  const runs: ImportRunResult[] = [];
  for (const run of DEMO_RUNS) {
    for (const f of run.files) {
      runs.push(await importRun(store, path.join(DEMO_DIR, f), { name: run.name, method: run.method, onProgress, checks: opts.checks }));
    }
  }
  return { benchmark, runs };
}
