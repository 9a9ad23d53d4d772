// The export command's filter options, turned into the library's ResponseFilter (shared/api.ts), so the CLI exports
// exactly what the app's library would list with the same choices.
import { LevelSchema, MethodSchema, type ResponseFilter } from '../../../shared/api.ts';
import { CotscopeError } from '../errors.ts';

export interface ExportFilterOptions {
  runs?: string;
  levels?: string;
  methods?: string;
  labels?: string;
  domains?: string;
  annotators?: string;
  reviewedOnly?: boolean;
  correct?: boolean;
  wrong?: boolean;
  text?: string;
}

/** "a, b,,c" → ["a", "b", "c"] */
function list(v: string | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  const items = v.split(',').map((x) => x.trim()).filter(Boolean);
  return items.length ? items : undefined;
}

export function filterFromOptions(o: ExportFilterOptions): ResponseFilter {
  if (o.correct && o.wrong) throw new CotscopeError('--correct and --wrong: choose one', 'usage');
  const filter: ResponseFilter = {};
  const runs = list(o.runs);
  if (runs) filter.runs = runs;
  const levels = list(o.levels);
  if (levels) {
    filter.levels = levels.map((l) => {
      const r = LevelSchema.safeParse(l.toUpperCase() === 'TRAIN' ? 'train' : l.toUpperCase());
      if (!r.success) throw new CotscopeError(`--levels ${o.levels}: ${l} is not one of ${LevelSchema.options.join(', ')}`, 'usage');
      return r.data;
    });
  }
  const methods = list(o.methods);
  if (methods) {
    filter.methods = methods.map((m) => {
      const r = MethodSchema.safeParse(m.toLowerCase());
      if (!r.success) throw new CotscopeError(`--methods ${o.methods}: ${m} is not one of ${MethodSchema.options.join(', ')}`, 'usage');
      return r.data;
    });
  }
  const labels = list(o.labels);
  if (labels) {
    for (const l of labels) {
      if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(l)) throw new CotscopeError(`--labels ${o.labels}: ${l} is not a label key (lowercase letters, digits, dashes)`, 'usage');
    }
    filter.labels = labels;
  }
  const domains = list(o.domains);
  if (domains) filter.domains = domains;
  const by = list(o.annotators);
  if (by) filter.by = by;
  if (o.reviewedOnly) filter.reviewed = true;
  if (o.correct) filter.correct = true;
  if (o.wrong) filter.correct = false;
  if (o.text !== undefined && o.text.trim()) filter.text = o.text.trim();
  return filter;
}
