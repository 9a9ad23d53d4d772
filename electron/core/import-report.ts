// What an import tells its user: counts, and every skipped line with its reason.
import { CotscopeError } from './errors.ts';

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

/**
 * An import that was refused as a whole: under --strict when a line would be skipped, or when a file yields nothing to
 * import (empty, binary, or every line skipped). Nothing is recorded; it carries the skipped lines so the user sees why.
 */
export class ImportRefused extends CotscopeError {
  constructor(
    message: string,
    code: 'strict' | 'empty',
    readonly skipped: SkipLog,
  ) {
    super(message, code);
  }
}

/** The reason a record whose bytes are not all UTF-8 is skipped (RecordText.invalidUtf8). */
export function invalidUtf8Reason(offset: number): string {
  return `invalid UTF-8 at byte ${offset}`;
}
