// After adjudication, exports carry the adjudicators' verdicts beside the raters', and every format that needs one
// verdict per response (CSV's `supports`, PRM's step labels, the preference pairs, the HF card) goes by the
// adjudicator's where there is one: that is what the team settled on.
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExport, workspaceAnnotator } from '../../electron/core/export/run.ts';
import type { ExportFormat } from '../../electron/core/export/format.ts';
import type { ResponseFilter } from '../../shared/api.ts';
import { buildExportFixture, type Fixture } from './export-fixture.ts';

let fx: Fixture;
beforeAll(async () => {
  fx = await buildExportFixture('cotscope-export-adj-');
});
afterAll(() => fx.close());

let n = 0;
function exportTo(format: ExportFormat, filter: ResponseFilter = {}) {
  return runExport(fx.store.db, {
    format,
    out: path.join(fx.dir, `${format}-${++n}${format === 'hf' ? '' : format === 'parquet' ? '.parquet' : format === 'csv' ? '.csv' : '.jsonl'}`),
    filter,
    me: workspaceAnnotator(fx.store.db),
    workspace: fx.db,
    command: `cotscope --db w.db export --format ${format}`,
  });
}
const jsonl = (file: string) =>
  fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const key = (r: { run: string; level: string; sample_id: string; rollout: number }) => `${r.run}/${r.level}/${r.sample_id}/${r.rollout}`;
const as = (name: string) => fx.service.setAnnotator({ name });

describe('exports after adjudication', () => {
  it('carry the adjudicated verdicts, and go by them where the raters disagreed', async () => {
    // Bob disagrees with alice on two responses: the clean correct answer (alice yes, bob no) and the L2 one whose
    // step 1 alice tagged (alice yes, bob no). Taken together the raters now say "no" on both.
    as('bob');
    await fx.service.setVerdict({ responseId: fx.chosen.id, supports: 'no' });
    await fx.service.setVerdict({ responseId: fx.prm.id, supports: 'no' });
    let pairs = jsonl((await exportTo('pairs')).out);
    expect(pairs, 'the raters disagree: no chosen answer, no pair').toEqual([]);
    let prm = new Map(jsonl((await exportTo('prm')).out).map((l) => [key(l), l]));
    expect(prm.get(key(fx.prm))!.labels.slice(0, 2)).toEqual([0, -1]);

    // Carol adjudicates both: the reasoning supports the answer.
    as('carol');
    await fx.service.adjudicateVerdict({ responseId: fx.chosen.id, supports: 'yes' });
    await fx.service.adjudicateVerdict({ responseId: fx.prm.id, supports: 'yes' });
    as('alice');

    const lines = new Map(jsonl((await exportTo('jsonl')).out).map((l) => [key(l), l]));
    const chosen = lines.get(key(fx.chosen))!;
    expect(chosen.verdicts.map((v: any) => [v.annotator, v.supports])).toEqual([
      ['alice', 'yes'],
      ['bob', 'no'],
    ]);
    expect(chosen.adjudicated_verdicts).toEqual([
      { uuid: expect.any(String), adjudicator: 'carol', supports: 'yes', note: null, updated_at: expect.any(String) },
    ]);
    expect(lines.get(key(fx.bobs))!.adjudicated_verdicts).toEqual([]);

    // One verdict per response: the adjudicator's.
    pairs = jsonl((await exportTo('pairs')).out);
    expect(pairs).toHaveLength(1);
    expect(pairs[0].chosen_meta).toMatchObject({ run: 'sft', supports: 'yes' });
    prm = new Map(jsonl((await exportTo('prm')).out).map((l) => [key(l), l]));
    expect(prm.get(key(fx.prm))!).toMatchObject({ supports: 'yes', first_error_step: 1 });
    expect(prm.get(key(fx.prm))!.labels.slice(0, 2)).toEqual([1, -1]);

    const csv = parseCsv(fs.readFileSync((await exportTo('csv')).out, 'utf8'), { columns: true }) as Record<string, string>[];
    const csvRow = csv.find((r) => key({ ...r, rollout: Number(r.rollout) } as any) === key(fx.chosen))!;
    expect(csvRow).toMatchObject({ supports: 'yes', verdicts: 'alice=yes/done; bob=no/todo', adjudicated: 'carol=yes' });

    const file = await asyncBufferFromFile((await exportTo('parquet')).out);
    const rows = (await parquetReadObjects({ file })) as any[];
    const pq = rows.find((r) => key(r) === key(fx.chosen))!;
    expect(pq.adjudicated_verdicts).toEqual([expect.objectContaining({ adjudicator: 'carol', supports: 'yes' })]);

    const card = fs.readFileSync(path.join((await exportTo('hf')).out, 'README.md'), 'utf8');
    expect(card).toContain('`adjudicated_verdicts`');
  });

  it('keeps only the named annotators\' adjudicated verdicts, like their tags and verdicts', async () => {
    const bobOnly = new Map(jsonl((await exportTo('jsonl', { by: ['bob'] })).out).map((l) => [key(l), l]));
    expect(bobOnly.get(key(fx.chosen))!.adjudicated_verdicts).toEqual([]);
    const prm = new Map(jsonl((await exportTo('prm', { by: ['bob'] })).out).map((l) => [key(l), l]));
    expect(prm.get(key(fx.chosen))!.supports).toBe('no');
    const carolOnly = new Map(jsonl((await exportTo('jsonl', { by: ['carol'] })).out).map((l) => [key(l), l]));
    expect(carolOnly.get(key(fx.chosen))!).toMatchObject({ verdicts: [], adjudicated_verdicts: [expect.objectContaining({ adjudicator: 'carol' })] });
  });
});
