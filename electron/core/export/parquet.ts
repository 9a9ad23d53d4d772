// Parquet: one row per response, typed columns, nested `steps`, `tags` and `verdicts` as list<struct<…>>, written in
// row groups as the walk goes (bounded memory), with the export's filter and cotscope version in the file's key-value
// metadata (key `cotscope`). Writer: hyparquet-writer (pure JavaScript: no native build, no download at install).
// The one column description below makes the Parquet schema, the rows and the Hugging Face card's `features`.
import { ParquetWriter, fileWriter } from 'hyparquet-writer';
import type { ExportMeta, FormatContext, FormatWriter } from './format.ts';
import { tagText, type Walked } from './records.ts';

/** The writer's own schema element type (it bundles its own hyparquet for the types). */
type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]['schema'][number];

type Scalar = 'string' | 'int32' | 'float64' | 'bool';
export type Field =
  | { name: string; type: Scalar; required?: boolean }
  | { name: string; struct: Field[] }
  | { name: string; list: Field[] };

const s = (name: string, required = false): Field => ({ name, type: 'string', required });

export const RESPONSE_FIELDS: Field[] = [
  s('run', true),
  s('method', true),
  s('level', true),
  s('sample_id', true),
  { name: 'rollout', type: 'int32', required: true },
  s('domain'),
  s('task_goal'),
  s('question'),
  { name: 'options', struct: [s('A'), s('B'), s('C'), s('D')] },
  s('golden'),
  s('prediction'),
  { name: 'correct', type: 'bool', required: true },
  { name: 'format_ok', type: 'bool', required: true },
  { name: 'file_reward', type: 'float64' },
  { name: 'file_correct', type: 'bool' },
  { name: 'score_disagreement', type: 'bool', required: true },
  s('response', true),
  s('think'),
  s('answer_raw'),
  {
    name: 'steps',
    list: [
      { name: 'index', type: 'int32', required: true },
      { name: 'start', type: 'int32', required: true },
      { name: 'end', type: 'int32', required: true },
      s('text', true),
    ],
  },
  {
    name: 'tags',
    list: [
      s('uuid', true),
      s('label', true),
      s('annotator', true),
      { name: 'step_start', type: 'int32' },
      { name: 'step_end', type: 'int32' },
      { name: 'span_start', type: 'int32' },
      { name: 'span_end', type: 'int32' },
      s('text'),
      { name: 'time_start', type: 'float64' },
      { name: 'time_end', type: 'float64' },
      s('note'),
      s('severity'),
      s('origin', true),
      s('created_at', true),
      s('updated_at', true),
    ],
  },
  {
    name: 'verdicts',
    list: [s('uuid', true), s('annotator', true), s('supports'), s('review_status', true), s('note'), s('updated_at', true)],
  },
  {
    name: 'adjudicated_verdicts',
    list: [s('uuid', true), s('adjudicator', true), s('supports'), s('note'), s('updated_at', true)],
  },
];

/** A response as a Parquet row: the JSONL record with tags' ranges flattened to typed start/end columns. */
export function parquetRow(w: Walked): Record<string, unknown> {
  const r = w.record;
  return {
    ...r,
    domain: w.domain,
    tags: r.tags.map((t) => ({
      uuid: t.uuid,
      label: t.label,
      annotator: t.annotator,
      step_start: t.steps?.[0] ?? null,
      step_end: t.steps?.[1] ?? null,
      span_start: t.span?.[0] ?? null,
      span_end: t.span?.[1] ?? null,
      text: tagText(r, t),
      time_start: t.time?.[0] ?? null,
      time_end: t.time?.[1] ?? null,
      note: t.note,
      severity: t.severity,
      origin: t.origin,
      created_at: t.created_at,
      updated_at: t.updated_at,
    })),
  };
}

const PARQUET_TYPES: Record<Scalar, Partial<SchemaElement>> = {
  string: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
  int32: { type: 'INT32' },
  float64: { type: 'DOUBLE' },
  bool: { type: 'BOOLEAN' },
};

function elements(f: Field): SchemaElement[] {
  if ('type' in f) return [{ name: f.name, repetition_type: f.required ? 'REQUIRED' : 'OPTIONAL', ...PARQUET_TYPES[f.type] } as SchemaElement];
  if ('struct' in f) return [{ name: f.name, repetition_type: 'REQUIRED', num_children: f.struct.length }, ...f.struct.flatMap(elements)];
  // The standard three-level LIST (Parquet's LogicalTypes.md), which Arrow, pandas and the Hub read as list<struct>.
  return [
    { name: f.name, repetition_type: 'REQUIRED', converted_type: 'LIST', num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    { name: 'element', repetition_type: 'REQUIRED', num_children: f.list.length },
    ...f.list.flatMap(elements),
  ];
}

export function parquetSchema(fields: Field[]): SchemaElement[] {
  return [{ name: 'schema', num_children: fields.length }, ...fields.flatMap(elements)];
}

/** Rows per row group: ~10 MB of chains at a typical 1–2 KB per response, a size readers page through well. */
export const ROW_GROUP = 5000;

/** Writes rows of `fields` to one Parquet file in row groups of ROW_GROUP. */
export class ParquetRowsFile {
  private readonly writer: ParquetWriter;
  private pending: Record<string, unknown>[] = [];
  rows = 0;

  constructor(
    file: string,
    private readonly fields: Field[],
    meta: ExportMeta,
    private readonly rowGroup = ROW_GROUP,
  ) {
    this.writer = new ParquetWriter({
      writer: fileWriter(file),
      schema: parquetSchema(fields),
      kvMetadata: [
        { key: 'cotscope', value: JSON.stringify(meta) },
        { key: 'cotscope.version', value: meta.cotscope_version },
        { key: 'cotscope.filter', value: JSON.stringify(meta.filter) },
      ],
      createdBy: `cotscope version ${meta.cotscope_version}`,
    });
  }

  add(row: Record<string, unknown>): void {
    this.pending.push(row);
    if (this.pending.length >= this.rowGroup) this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    this.rows += rows.length;
    void this.writer.write({
      columnData: this.fields.map((f) => ({ name: f.name, data: rows.map((r) => r[f.name] ?? null) })),
      rowGroupSize: rows.length,
    });
  }

  finish(): void {
    this.flush();
    void this.writer.finish();
  }
}

export function parquetWriter(ctx: FormatContext): FormatWriter {
  const file = new ParquetRowsFile(ctx.tmp, RESPONSE_FIELDS, ctx.meta);
  return {
    write(batch) {
      for (const w of batch) file.add(parquetRow(w));
    },
    finish() {
      file.finish();
      return file.rows;
    },
    abort: () => {},
  };
}
