// What an import tells its user: counts, and every skipped line with its reason.

export interface SkippedLine {
  file: string;
  line: number;
  field: string | null;
  reason: string;
}

export interface ImportProgress {
  file: string;
  bytesRead: number;
  bytesTotal: number;
  records: number;
}

/** Keeps every skipped line's count but holds at most `limit` of them in memory (the rest go to the store). */
export class SkipLog {
  readonly kept: SkippedLine[] = [];
  count = 0;
  constructor(private readonly limit = 1000) {}

  add(s: SkippedLine): void {
    this.count++;
    if (this.kept.length < this.limit) this.kept.push(s);
  }
}

export function formatSkip(s: SkippedLine): string {
  return `${s.file}:${s.line}: ${s.reason}`;
}
