/**
 * A MySQL lexer, just enough for the dialect rewrite (docs/serve-sql.md): identifiers, backtick
 * identifiers, strings in either quote with MySQL's backslash escapes, numbers, `@@` system and
 * `@` user variables, operators and punctuation. Comments are dropped, except the body of a
 * versioned comment (`/*!40101 ... *\/`), which MySQL executes (sql/sql_lex.cc, lex_one_token,
 * MY_LEX_COMMENT) and so is lexed as ordinary text.
 */

export type TokenKind = 'ident' | 'quoted' | 'string' | 'number' | 'sysvar' | 'uservar' | 'op' | 'punct';

export interface Token {
  readonly kind: TokenKind;
  /** The text as the engine should see it: identifiers as written, strings and quoted identifiers decoded. */
  readonly text: string;
  /** Offsets of the token in the statement text (end exclusive). */
  readonly start: number;
  readonly end: number;
  /** For a sysvar: the scope written before the name (`@@global.x`), '' when none. */
  readonly scope?: string;
}

/** A statement the lexer cannot read (an unterminated string or comment). */
export class LexError extends Error {
  constructor(readonly near: string) {
    super(`unterminated literal near '${near}'`);
  }
}

/** MySQL's string escapes (sql/sql_lex.cc, get_text): \0 \' \" \b \n \r \t \Z \\; any other char stands for itself. */
const ESCAPES: Readonly<Record<string, string>> = { '0': '\0', b: '\b', n: '\n', r: '\r', t: '\t', Z: '\x1a' };

const TWO_CHAR_OPS = ['<=>', '<=', '>=', '<>', '!=', '||', '&&', '<<', '>>', ':=', '->>', '->'];

function isIdentStart(c: string): boolean {
  const k = c.charCodeAt(0);
  return (k >= 65 && k <= 90) || (k >= 97 && k <= 122) || k === 95 || k === 36 || k >= 0x80;
}

function isDigit(c: string | undefined): boolean {
  if (c === undefined) return false;
  const k = c.charCodeAt(0);
  return k >= 48 && k <= 57;
}

function isIdentChar(c: string): boolean {
  return isIdentStart(c) || isDigit(c);
}

/** Splits one statement into tokens. Throws LexError on an unterminated string, identifier or comment. */
export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') { i++; continue; }
    if (c === '#' || (c === '-' && sql[i + 1] === '-' && (i + 2 >= n || /\s/.test(sql[i + 2]!)))) {
      while (i < n && sql[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      if (sql[i + 2] === '!') {
        // Versioned comment: its body is executed. Skip the marker and the version digits; the
        // closing "*/" is dropped where it is met.
        i += 3;
        while (i < n && isDigit(sql[i])) i++;
        continue;
      }
      const close = sql.indexOf('*/', i + 2);
      if (close < 0) throw new LexError(sql.slice(i, i + 20));
      i = close + 2;
      continue;
    }
    if (c === '*' && sql[i + 1] === '/') { i += 2; continue; }
    const start = i;
    if (c === "'" || c === '"') {
      let text = '';
      i++;
      for (;;) {
        if (i >= n) throw new LexError(sql.slice(start, start + 20));
        const d = sql[i]!;
        if (d === '\\' && i + 1 < n) {
          const e = sql[i + 1]!;
          // \% and \_ keep their backslash, for LIKE patterns (sql_lex.cc, get_text).
          text += e === '%' || e === '_' ? `\\${e}` : ESCAPES[e] ?? e;
          i += 2;
        } else if (d === c) {
          if (sql[i + 1] === c) { text += c; i += 2; } else { i++; break; }
        } else { text += d; i++; }
      }
      out.push({ kind: 'string', text, start, end: i });
      continue;
    }
    if (c === '`') {
      let text = '';
      i++;
      for (;;) {
        if (i >= n) throw new LexError(sql.slice(start, start + 20));
        if (sql[i] === '`') {
          if (sql[i + 1] === '`') { text += '`'; i += 2; } else { i++; break; }
        } else { text += sql[i]; i++; }
      }
      out.push({ kind: 'quoted', text, start, end: i });
      continue;
    }
    if (c === '@') {
      if (sql[i + 1] === '@') {
        i += 2;
        let name = readName(sql, i);
        i += name.length;
        let scope = '';
        const lower = name.toLowerCase();
        if ((lower === 'global' || lower === 'session' || lower === 'local' || lower === 'persist' || lower === 'persist_only') && sql[i] === '.') {
          scope = lower === 'local' ? 'session' : lower;
          i++;
          name = readName(sql, i);
          i += name.length;
        }
        out.push({ kind: 'sysvar', text: name, start, end: i, scope });
        continue;
      }
      i++;
      let name: string;
      if (sql[i] === '`' || sql[i] === "'" || sql[i] === '"') {
        const q = sql[i]!;
        const close = sql.indexOf(q, i + 1);
        if (close < 0) throw new LexError(sql.slice(start, start + 20));
        name = sql.slice(i + 1, close);
        i = close + 1;
      } else {
        name = readName(sql, i, true);
        i += name.length;
      }
      out.push({ kind: 'uservar', text: name, start, end: i });
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(sql[i + 1]))) {
      if (c === '0' && (sql[i + 1] === 'x' || sql[i + 1] === 'X') && /[0-9a-fA-F]/.test(sql[i + 2] ?? '')) {
        i += 2;
        while (i < n && /[0-9a-fA-F]/.test(sql[i]!)) i++;
      } else {
        while (i < n && isDigit(sql[i])) i++;
        if (sql[i] === '.') { i++; while (i < n && isDigit(sql[i])) i++; }
        if ((sql[i] === 'e' || sql[i] === 'E') && /[-+0-9]/.test(sql[i + 1] ?? '')) {
          i += 2;
          while (i < n && isDigit(sql[i])) i++;
        }
      }
      // "1abc" is an identifier in MySQL (names may start with digits).
      if (i < n && isIdentChar(sql[i]!) && !/^0x/i.test(sql.slice(start, i))) {
        while (i < n && isIdentChar(sql[i]!)) i++;
        out.push({ kind: 'ident', text: sql.slice(start, i), start, end: i });
      } else out.push({ kind: 'number', text: sql.slice(start, i), start, end: i });
      continue;
    }
    if (isIdentStart(c)) {
      while (i < n && isIdentChar(sql[i]!)) i++;
      out.push({ kind: 'ident', text: sql.slice(start, i), start, end: i });
      continue;
    }
    const op = c === '(' || c === ')' || c === ',' ? undefined : TWO_CHAR_OPS.find((o) => sql.startsWith(o, i));
    if (op !== undefined) {
      i += op.length;
      out.push({ kind: 'op', text: op, start, end: i });
      continue;
    }
    i++;
    out.push({ kind: '(),.;'.includes(c) ? 'punct' : 'op', text: c, start, end: i });
  }
  return out;
}

function readName(sql: string, i: number, userVar = false): string {
  let j = i;
  while (j < sql.length && (isIdentChar(sql[j]!) || (userVar && sql[j] === '.'))) j++;
  return sql.slice(i, j);
}

/** Whether `t` is the keyword `word` (case-insensitive; a backtick identifier is never a keyword). */
export function isWord(t: Token | undefined, word: string): boolean {
  return t !== undefined && t.kind === 'ident' && t.text.toUpperCase() === word;
}

/** Whether `t` is the punctuation or operator `p`. */
export function isPunct(t: Token | undefined, p: string): boolean {
  return t !== undefined && (t.kind === 'punct' || t.kind === 'op') && t.text === p;
}

/** Index of the parenthesis closing the one at `open`, or -1. */
export function closingParen(tokens: readonly Token[], open: number): number {
  let depth = 0;
  for (let k = open; k < tokens.length; k++) {
    if (isPunct(tokens[k], '(')) depth++;
    else if (isPunct(tokens[k], ')')) { depth--; if (depth === 0) return k; }
  }
  return -1;
}

/** Splits tokens[from, to) at commas of depth 0. */
export function splitTopLevel(tokens: readonly Token[], from: number, to: number): [number, number][] {
  const parts: [number, number][] = [];
  let depth = 0, s = from;
  for (let k = from; k < to; k++) {
    const t = tokens[k]!;
    if (isPunct(t, '(')) depth++;
    else if (isPunct(t, ')')) depth--;
    else if (depth === 0 && isPunct(t, ',')) { parts.push([s, k]); s = k + 1; }
  }
  if (to > s) parts.push([s, to]);
  return parts;
}
