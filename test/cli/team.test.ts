// The teammates' commands end to end through bin/cotscope.js: import-tags from two judges, agreement (JSON and table),
// export-pack and import-pack between two workspaces.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(REPO, 'bin', 'cotscope.js');

function cotscope(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: REPO });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
let template: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cotscope-team-cli-'));
  template = path.join(dir, 'template.db');
  const built = cotscope('demo', '--db', template);
  if (built.code !== 0) throw new Error(built.stderr);
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function copy(name: string): string {
  const file = path.join(dir, name);
  fs.copyFileSync(template, file);
  return file;
}

function jsonl(name: string, lines: object[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return file;
}

// Ten rl-grpo responses rated by two judges. The label pattern is Krippendorff (2011)'s example A (α = 0.095); the
// verdicts agree on 8 of 10 with both judges at 5 yes / 5 no (κ = 0.6).
const SAMPLES = ['2051', '2107', '2233', '2318', '2405', '2472', '3120', '3188', '3247', '3301'];
const A_LABEL = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0];
const B_LABEL = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0];
const A_VERDICT = ['yes', 'yes', 'yes', 'yes', 'yes', 'no', 'no', 'no', 'no', 'no'];
const B_VERDICT = ['yes', 'yes', 'yes', 'yes', 'no', 'no', 'no', 'no', 'no', 'yes'];

function judgeFile(name: string, labels: number[], verdicts: string[], anchored: { steps: number[]; time: number[] }) {
  const lines: object[] = [];
  SAMPLES.forEach((sample_id, i) => {
    lines.push({ run: 'rl-grpo', sample_id, rollout: 0, verdict: verdicts[i] });
    if (labels[i]) lines.push({ run: 'rl-grpo', sample_id, rollout: 0, label: 'inconsistent', ...(i === 1 ? anchored : {}) });
  });
  return jsonl(name, lines);
}

describe('cotscope teammates commands', () => {
  it('has --help for export-pack, import-pack, import-tags and agreement', () => {
    const top = cotscope('--help');
    for (const cmd of ['export-pack', 'import-pack', 'import-tags', 'agreement']) {
      expect(top.stdout).toContain(cmd);
      const help = cotscope(cmd, '--help');
      expect(help.code, cmd).toBe(0);
      expect(help.stdout, cmd).toMatch(new RegExp(`Usage: cotscope ${cmd}`));
    }
  });

  it('import-tags from two judges, then agreement --json gives the textbook κ and α', () => {
    const db = copy('judges.db');
    // Response 2 (3 steps): a tags step 0 over 1–3 s, b steps 0–1 over 2–4 s → step κ 0.4, time IoU 1/3.
    const a = judgeFile('judge-a.jsonl', A_LABEL, A_VERDICT, { steps: [0], time: [1, 3] });
    const b = judgeFile('judge-b.jsonl', B_LABEL, B_VERDICT, { steps: [0, 1], time: [2, 4] });
    const ra = cotscope('--db', db, 'import-tags', a, '--annotator', 'judge-a');
    expect(ra.code).toBe(0);
    expect(ra.stdout).toMatch(/as new judge "judge-a": tags 2 added, 0 updated, 0 unchanged; verdicts 10 added/);
    expect(cotscope('--db', db, 'import-tags', b, '--annotator', 'judge-b').code).toBe(0);
    expect(cotscope('--db', db, 'import-tags', a, '--annotator', 'judge-a').stdout).toMatch(/tags 0 added, 0 updated, 2 unchanged; verdicts 0 added, 0 updated, 10 unchanged/);

    const r = cotscope('--db', db, 'agreement', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.pairs).toHaveLength(1);
    const p = out.pairs[0];
    expect(Object.keys(p).slice(0, 5)).toEqual(['annotators', 'responses', 'kappa', 'verdict_kappa', 'alpha']);
    expect(p.annotators).toEqual(['judge-a', 'judge-b']);
    expect(p.responses).toBe(10);
    expect(Object.keys(p.kappa)).toEqual(['inconsistent']);
    // p_o 0.6, p_e 0.2·0.4 + 0.8·0.6 = 0.56 → κ = 0.04 / 0.44.
    expect(p.kappa.inconsistent).toBeCloseTo(0.04 / 0.44, 12);
    expect(p.verdict_kappa).toBeCloseTo(0.6, 12);
    expect(p.alpha).toBeCloseTo(0.095, 3);
    expect(p.step_kappa).toBeCloseTo(0.4, 12);
    expect(p.time_iou).toBeCloseTo(1 / 3, 12);

    const table = cotscope('--db', db, 'agreement');
    expect(table.stdout).toMatch(/judge-a × judge-b: 10 response\(s\) both reviewed/);
    expect(table.stdout).toMatch(/Krippendorff's α \(labels, nominal\)\s+0\.095/);
    expect(table.stdout).toMatch(/inconsistent\s+0\.091/);
    // Narrowed to one annotator: no pair.
    expect(JSON.parse(cotscope('--db', db, 'agreement', '--json', '--annotators', 'judge-a').stdout)).toEqual({ pairs: [] });
  });

  it('import-tags reports bad lines by number and field, and still imports the rest', () => {
    const db = copy('bad.db');
    const file = jsonl('bad.jsonl', [
      { run: 'rl-grpo', sample_id: '2051', verdict: 'no' },
      { run: 'rl-grpo', sample_id: '2051', label: 'inconsistent', steps: [9] },
      { run: 'rl-grpo', sample_id: '2051', verdict: 'nope' },
    ]);
    const r = cotscope('--db', db, 'import-tags', file, '--annotator', 'judge');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/verdicts 1 added/);
    expect(r.stdout).toMatch(/bad\.jsonl:2: field `steps`: step 9 is out of range/);
    expect(r.stdout).toMatch(/bad\.jsonl:3: field `verdict`: expected yes, no or unclear/);
    const missing = cotscope('--db', db, 'import-tags', file);
    expect(missing.code).toBe(2);
  });

  it('import-tags refuses a file with nothing usable, and --strict refuses any bad line, recording nothing (as import-run does)', () => {
    const db = copy('refuse.db');
    const count = (sql: string) => {
      const d = new Database(db, { readonly: true });
      try {
        return d.prepare(sql).pluck().get() as number;
      } finally {
        d.close();
      }
    };
    const before = count('SELECT COUNT(*) FROM imports');

    const empty = path.join(dir, 'empty.jsonl');
    fs.writeFileSync(empty, '\n\n');
    const e = cotscope('--db', db, 'import-tags', empty, '--annotator', 'ghost');
    expect(e.code).toBe(1);
    expect(e.stderr).toBe(`cotscope: ${empty}: no records found; nothing imported\n`);

    const allBad = jsonl('all-bad.jsonl', [
      { run: 'rl-grpo', sample_id: '2051', verdict: 'nope' },
      { run: 'no-such-run', sample_id: '2051', verdict: 'no' },
    ]);
    const b = cotscope('--db', db, 'import-tags', allBad, '--annotator', 'ghost');
    expect(b.code).toBe(1);
    expect(b.stdout).toMatch(/all-bad\.jsonl:1: field `verdict`/);
    expect(b.stdout).toMatch(/all-bad\.jsonl:2: field `run`: unknown run "no-such-run"/);
    expect(b.stderr).toBe(`cotscope: ${allBad}: no valid lines (2 skipped); nothing imported\n`);

    const mixed = jsonl('mixed.jsonl', [
      { run: 'rl-grpo', sample_id: '2051', verdict: 'no' },
      { run: 'rl-grpo', sample_id: '2051', verdict: 'nope' },
    ]);
    const strict = cotscope('--db', db, 'import-tags', mixed, '--annotator', 'ghost', '--strict');
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/mixed\.jsonl:2: field `verdict`/);
    expect(strict.stderr).toBe(`cotscope: ${mixed}: 1 line(s) would be skipped; nothing imported (--strict)\n`);

    // Nothing of the three refused imports is in the workspace: no import entry, no "ghost" judge, no verdict.
    expect(count('SELECT COUNT(*) FROM imports')).toBe(before);
    expect(count("SELECT COUNT(*) FROM annotators WHERE name = 'ghost'")).toBe(0);
    const ok = cotscope('--db', db, 'import-tags', mixed, '--annotator', 'ghost');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/as new judge "ghost": .*verdicts 1 added/);

    // A pack with a bad line: merged without it, or under --strict refused as a whole.
    const pack = path.join(dir, 'strict.pack');
    expect(cotscope('--db', db, 'export-pack', '--out', pack, '--annotator', 'ghost').code).toBe(0);
    fs.appendFileSync(pack, '{"type":"verdict","uuid":"x"}\n');
    const lines = fs.readFileSync(pack, 'utf8').trimEnd().split('\n').length;
    const other = copy('refuse-2.db');
    const refused = cotscope('--db', other, 'import-pack', pack, '--strict');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(new RegExp(`strict\\.pack:${lines}: `));
    expect(refused.stderr).toBe(`cotscope: ${pack}: 1 line(s) would be skipped; nothing imported (--strict)\n`);
    expect(cotscope('--db', other, 'import-pack', pack).stdout).toMatch(/verdicts: 1 added/);
  });

  it('import-tags and import-pack name each line whose bytes are not UTF-8, with its byte offset; a damaged pack header refuses the pack', () => {
    const db = copy('bytes.db');
    const good = Buffer.from(JSON.stringify({ run: 'rl-grpo', sample_id: '2051', verdict: 'no' }) + '\n');
    const bad = Buffer.concat([Buffer.from('{"run":"rl-grpo","sample_id":"2107","label":"inconsistent","note":"'), Buffer.from([0x80]), Buffer.from('"}\n')]);
    const file = path.join(dir, 'bytes.jsonl');
    fs.writeFileSync(file, Buffer.concat([good, bad]));
    const r = cotscope('--db', db, 'import-tags', file, '--annotator', 'judge');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/verdicts 1 added/);
    expect(r.stdout).toContain(`bytes.jsonl:2: invalid UTF-8 at byte ${good.length + bad.indexOf(0x80)}`);

    const pack = path.join(dir, 'bytes.pack');
    expect(cotscope('--db', db, 'export-pack', '--out', pack).code).toBe(0);
    const [header, ...rest] = fs.readFileSync(pack, 'utf8').trimEnd().split('\n');
    const damaged = Buffer.concat([Buffer.from(header.slice(0, -1) + ',"x":"'), Buffer.from([0xff]), Buffer.from('"}\n' + rest.join('\n') + '\n')]);
    fs.writeFileSync(pack, damaged);
    const refused = cotscope('--db', copy('bytes-2.db'), 'import-pack', pack);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`cotscope: ${pack}:1: not a cotscope pack: its header has invalid UTF-8 at byte ${damaged.indexOf(0xff)}; nothing imported\n`);
  });

  it('check re-runs the automatic checks and reports them; export --origin suggestion writes only their tags', () => {
    const db = copy('checks.db');
    const r = cotscope('--db', db, 'check', '--run', 'sft', '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { runs: { name: string; responses: number; suggestions: number }[]; checks: { suggestions: number }[]; suggestions: number };
    expect(report.runs.map((x) => x.name)).toEqual(['sft']);
    expect(report.checks.reduce((n, c) => n + c.suggestions, 0)).toBe(report.suggestions);
    expect(cotscope('--db', db, 'check', '--checks', 'nope').stderr).toMatch(/unknown check\(s\) "nope"/);

    const out = path.join(dir, 'suggested.jsonl');
    expect(cotscope('--db', db, 'export', '--out', out, '--origin', 'suggestion').code).toBe(0);
    const tags = fs.readFileSync(out, 'utf8').trim().split('\n').flatMap((l) => JSON.parse(l).tags as { origin: string; annotator: string }[]);
    expect(tags.length).toBeGreaterThan(0);
    expect(tags.every((t) => t.origin === 'suggestion' && t.annotator.startsWith('auto:'))).toBe(true);
  });

  it("export-pack and import-pack carry a teammate's work, and the second import changes nothing", () => {
    const theirs = copy('theirs.db');
    const tags = jsonl('their-tags.jsonl', [
      { run: 'sft', sample_id: '2107', label: 'hallucination', steps: [1], note: 'no drawer in the clip' },
      { run: 'sft', sample_id: '2107', verdict: 'no' },
    ]);
    expect(cotscope('--db', theirs, 'import-tags', tags, '--annotator', 'zoe').code).toBe(0);
    const pack = path.join(dir, 'zoe.pack');
    const ex = cotscope('--db', theirs, 'export-pack', '--out', pack);
    expect(ex.code).toBe(0);
    expect(ex.stdout).toMatch(/wrote pack .*zoe\.pack: 1 tag\(s\), 1 verdict\(s\), 0 adjudication decision\(s\), 0 adjudicated verdict\(s\) by zoe/);

    const mine = copy('mine.db');
    const first = cotscope('--db', mine, 'import-pack', pack);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/tags: 1 added, 0 updated, 0 deleted, 0 unchanged/);
    expect(first.stdout).toMatch(/verdicts: 1 added/);
    expect(first.stdout).toMatch(/new annotators: zoe/);
    const second = cotscope('--db', mine, 'import-pack', pack, '--json');
    expect(JSON.parse(second.stdout).tags).toEqual({ added: 0, updated: 0, deleted: 0, unchanged: 1, tombstones: 0 });

    const again = path.join(dir, 'mine.pack');
    expect(cotscope('--db', mine, 'export-pack', '--out', again, '--annotator', 'zoe').code).toBe(0);
    expect(fs.readFileSync(again, 'utf8').split('\n').slice(1)).toEqual(fs.readFileSync(pack, 'utf8').split('\n').slice(1));

    // An existing pack is replaced only with --force.
    const kept = cotscope('--db', mine, 'export-pack', '--out', again);
    expect(kept.code).toBe(1);
    expect(kept.stderr).toBe(`cotscope: ${again} exists: not replaced (choose another name, or --force to replace it)\n`);
    expect(cotscope('--db', mine, 'export-pack', '--out', again, '--force').code).toBe(0);

    const none = cotscope('--db', mine, 'import-pack', path.join(dir, 'nope.pack'));
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^cotscope: .*nope\.pack: no such file\n$/);
    // A folder given as the file is named as one, by both commands.
    const folder = cotscope('--db', mine, 'import-pack', dir);
    expect(folder.code).toBe(1);
    expect(folder.stderr).toBe(`cotscope: ${dir}: is a folder, not a file\n`);
    expect(cotscope('--db', mine, 'import-tags', dir, '--annotator', 'judge').stderr).toBe(`cotscope: ${dir}: is a folder, not a file\n`);
  });
});
