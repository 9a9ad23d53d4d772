// The library's filter in words, for the export dialog: what the export will hold.
import type { ResponseFilter } from '../../../../shared/api.ts';

const list = (xs: readonly string[]) => xs.join(', ');

export function describeFilter(f: ResponseFilter): string[] {
  const parts: string[] = [];
  if (f.levels?.length) parts.push(`levels ${list(f.levels)}`);
  if (f.runs?.length) parts.push(`runs ${list(f.runs)}`);
  if (f.methods?.length) parts.push(`methods ${list(f.methods)}`);
  if (f.domains?.length) parts.push(`domains ${list(f.domains)}`);
  if (f.correct !== undefined) parts.push(f.correct ? 'correct answers' : 'wrong answers');
  if (f.formatOk !== undefined) parts.push(f.formatOk ? 'format ok' : 'format errors');
  if (f.disagreement !== undefined) parts.push(f.disagreement ? 'score disagreements' : 'no score disagreement');
  if (f.labels?.length) parts.push(`labelled ${list(f.labels)}`);
  if (f.allLabels?.length) parts.push(`labelled all of ${list(f.allLabels)}`);
  if (f.verdict) parts.push(f.verdict === 'none' ? 'no verdict of yours yet' : `your verdict ${f.verdict}`);
  if (f.review) parts.push(`your review ${f.review}`);
  if (f.annotator) parts.push(`annotated by ${f.annotator}`);
  if (f.undecided) parts.push('with undecided suggestions');
  if (f.consensus) parts.push(`verdicts together: ${f.consensus}`);
  if (f.reviewed !== undefined) parts.push(f.reviewed ? 'reviewed' : 'not reviewed');
  if (f.firstStep) parts.push(`first tagged step in ${f.firstStep[0]}–${f.firstStep[1]} of the chain`);
  if (f.sampleId) parts.push(`sample ${f.sampleId}`);
  if (f.text) parts.push(`chains matching “${f.text}”`);
  if (f.by?.length) parts.push(`tags and verdicts of ${list(f.by)} only`);
  return parts;
}
