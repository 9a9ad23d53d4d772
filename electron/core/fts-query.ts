// Turns what a user types into the search box into an FTS5 query that cannot raise a syntax error. FTS5's own syntax
// treats `'`, `.`, `:`, `-`, `(`, `"` and bare AND/OR/NOT as operators, so "can't", "C." or a lone quote would fail.
//
// What the search box understands:
//   words        each word is searched as text (quoted), words are ANDed: `kettle boiling`
//   "a phrase"   a double-quoted phrase stays a phrase; an unbalanced quote is ignored
//   prefix*      a trailing * searches for words starting with the prefix
//   OR, NOT      upper-case OR / NOT between two terms keep their FTS5 meaning; AND between terms is the default;
//                anywhere else (alone, first, last) they are plain words
// Everything else is text. Characters the tokenizer drops (punctuation) only split words, as in the indexed chains.

interface Term {
  kind: 'term';
  text: string;
  prefix: boolean;
}
interface Operator {
  kind: 'op';
  op: 'AND' | 'OR' | 'NOT';
}
type Token = Term | Operator;

/** Letters, digits and private-use characters: what FTS5's unicode61 tokenizer keeps as token characters. */
const SEARCHABLE = /[\p{L}\p{N}\p{Co}]/u;

function lex(input: string): (Term | { kind: 'word'; text: string })[] {
  const out: (Term | { kind: 'word'; text: string })[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"') {
      const close = input.indexOf('"', i + 1);
      if (close < 0) {
        i++; // an unbalanced quote is dropped; what follows is read as words
        continue;
      }
      let j = close + 1;
      let prefix = false;
      while (input[j] === '*') {
        prefix = true;
        j++;
      }
      out.push({ kind: 'term', text: input.slice(i + 1, close), prefix });
      i = j;
      continue;
    }
    let j = i;
    while (j < input.length && !/\s/.test(input[j]) && input[j] !== '"') j++;
    out.push({ kind: 'word', text: input.slice(i, j) });
    i = j;
  }
  return out;
}

/**
 * The FTS5 query for a search box input, or null when nothing searchable is left (empty input, only punctuation or
 * quotes): the caller then leaves the text filter out.
 */
export function ftsQuery(input: string): string | null {
  const raw: Token[] = [];
  for (const t of lex(input)) {
    if (t.kind === 'word' && (t.text === 'AND' || t.text === 'OR' || t.text === 'NOT')) {
      raw.push({ kind: 'op', op: t.text });
      continue;
    }
    if (t.kind === 'word') {
      const m = /^(.*?)(\*+)$/s.exec(t.text);
      raw.push({ kind: 'term', text: m ? m[1] : t.text, prefix: m !== null });
    } else raw.push(t);
  }
  // An operator counts only between two searchable terms; elsewhere (first, last, alone, next to another operator)
  // it is the word itself.
  const parts: string[] = [];
  let prevIsTerm = false;
  for (let k = 0; k < raw.length; k++) {
    const t = raw[k];
    if (t.kind === 'term') {
      if (!SEARCHABLE.test(t.text)) continue;
      parts.push(quote(t.text, t.prefix));
      prevIsTerm = true;
      continue;
    }
    const next = raw.slice(k + 1).find((n) => n.kind === 'op' || SEARCHABLE.test(n.text));
    if (prevIsTerm && next?.kind === 'term') {
      if (t.op !== 'AND') parts.push(t.op); // AND is what juxtaposition means anyway
      prevIsTerm = false;
    } else {
      parts.push(quote(t.op, false));
      prevIsTerm = true;
    }
  }
  return parts.length ? parts.join(' ') : null;
}

function quote(text: string, prefix: boolean): string {
  return `"${text.replace(/"/g, '""')}"${prefix ? '*' : ''}`;
}
