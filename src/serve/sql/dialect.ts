import { functionDoesNotExist, MysqlError, noDatabaseSelected, SyntaxErrorAt, tooBigPrecision, wrongParamCount } from './mysql-errors.js';
import { MAX_VARIADIC_ARGUMENTS, timestampUnit } from './functions.js';
import { closingParen, isPunct, isWord, splitTopLevel, type Token } from './tokenizer.js';

/**
 * The MySQL → SQLite rewrite: a token-by-token translation of the MySQL dialect the engine
 * answers into SQL that SQLite runs (docs/serve-sql.md, "The dialect rewrite", lists every rule).
 * Expressions keep their structure; only spellings SQLite lacks or reads differently change.
 */

/** A statement the rewrite cannot translate: the engine answers ER_NOT_SUPPORTED_YET. */
export class UnsupportedSql extends Error {
  constructor(readonly what: string) {
    super(what);
  }
}

export interface RewriteContext {
  /** The session's current database (USE db), null when none. */
  readonly database: string | null;
}

/** A table a statement reads or writes: its schema (null: unqualified, no current database) and name, lower case. */
export interface TableReference {
  readonly schema: string | null;
  readonly name: string;
}

/** SQLite string literal. */
export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * The SQLite database that holds a schema's tables: information_schema's are in `main` (it is not
 * attached: engine.ts, createDb), every other schema is the attached database of its name.
 */
export function sqliteSchema(schema: string): string {
  return schema.toLowerCase() === 'information_schema' ? 'main' : sqlIdent(schema);
}

/** SQLite quoted identifier. */
export function sqlIdent(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

/** Functions called with MySQL names SQLite spells otherwise, or that the engine provides (registered by engine.ts). */
const FUNCTION_NAMES: Readonly<Record<string, string>> = {
  IF: 'iif', LCASE: 'lower', UCASE: 'upper', SUBSTRING: '__substring', SUBSTR: '__substring', MID: '__substring', CHAR_LENGTH: 'length', CHARACTER_LENGTH: 'length',
  VERSION: '__version', DATABASE: '__database', SCHEMA: '__database', CONNECTION_ID: '__connection_id',
  USER: '__user', CURRENT_USER: '__user', SESSION_USER: '__user', SYSTEM_USER: '__user',
  JSON_UNQUOTE: '__json_unquote', UUID: '__uuid', LAST_INSERT_ID: 'last_insert_rowid',
  // functions.ts. LENGTH counts bytes in MySQL (SQLite's length() counts characters).
  LEFT: '__left', RIGHT: '__right', LPAD: '__lpad', RPAD: '__rpad', SUBSTRING_INDEX: '__substring_index', LOCATE: '__locate',
  INSTR: '__instr', REPEAT: '__repeat', GREATEST: '__greatest', LEAST: '__least', UNIX_TIMESTAMP: '__unix_timestamp',
  LENGTH: 'octet_length', OCTET_LENGTH: 'octet_length', DATE_FORMAT: '__date_format',
};

/**
 * How many arguments the functions FUNCTION_NAMES renames take in MySQL, so that a wrong count is
 * MySQL's error, not SQLite's naming the function the rewrite called: `native` ones are in
 * sql/item_create.cc func_array (ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT), the others are rules of
 * sql/sql_yacc.yy (a syntax error).
 */
const ARGUMENT_COUNTS: Readonly<Record<string, { readonly min: number; readonly max: number; readonly native: boolean }>> = {
  VERSION: { min: 0, max: 0, native: true }, CONNECTION_ID: { min: 0, max: 0, native: true }, UUID: { min: 0, max: 0, native: true },
  JSON_UNQUOTE: { min: 1, max: 1, native: true }, LCASE: { min: 1, max: 1, native: true }, UCASE: { min: 1, max: 1, native: true },
  CHAR_LENGTH: { min: 1, max: 1, native: true }, CHARACTER_LENGTH: { min: 1, max: 1, native: true }, LAST_INSERT_ID: { min: 0, max: 1, native: true },
  DATABASE: { min: 0, max: 0, native: false }, SCHEMA: { min: 0, max: 0, native: false }, USER: { min: 0, max: 0, native: false },
  CURRENT_USER: { min: 0, max: 0, native: false }, SESSION_USER: { min: 0, max: 0, native: false }, SYSTEM_USER: { min: 0, max: 0, native: false },
  IF: { min: 3, max: 3, native: false },
  LPAD: { min: 3, max: 3, native: true }, RPAD: { min: 3, max: 3, native: true }, SUBSTRING_INDEX: { min: 3, max: 3, native: true },
  LOCATE: { min: 2, max: 3, native: true }, INSTR: { min: 2, max: 2, native: true }, UNIX_TIMESTAMP: { min: 0, max: 1, native: true },
  GREATEST: { min: 2, max: Infinity, native: true }, LEAST: { min: 2, max: Infinity, native: true },
  LENGTH: { min: 1, max: 1, native: true }, OCTET_LENGTH: { min: 1, max: 1, native: true },
  // Rules of sql_yacc.yy (function_call_keyword, function_call_conflict, function_call_nonkeyword): a wrong count is a syntax error.
  LEFT: { min: 2, max: 2, native: false }, RIGHT: { min: 2, max: 2, native: false }, REPLACE: { min: 3, max: 3, native: false },
  REPEAT: { min: 2, max: 2, native: false }, COALESCE: { min: 1, max: Infinity, native: false },
  TIMESTAMPDIFF: { min: 3, max: 3, native: false }, TIMESTAMPADD: { min: 3, max: 3, native: false },
  DATE_ADD: { min: 2, max: 2, native: false }, DATE_SUB: { min: 2, max: 2, native: false },
  // SUBSTR and MID are SUBSTRING's synonyms (sql/lex.h); SUBSTRING(str FROM pos [FOR len]) and TRIM(… FROM str) are one argument here.
  SUBSTRING: { min: 1, max: 3, native: false }, SUBSTR: { min: 1, max: 3, native: false }, MID: { min: 1, max: 3, native: false },
  TRIM: { min: 1, max: 1, native: false }, POSITION: { min: 1, max: 1, native: false },
  LTRIM: { min: 1, max: 1, native: true }, RTRIM: { min: 1, max: 1, native: true },
  ADDDATE: { min: 2, max: 2, native: false }, SUBDATE: { min: 2, max: 2, native: false },
  DATE_FORMAT: { min: 2, max: 2, native: true },
  CURDATE: { min: 0, max: 0, native: false }, CURRENT_DATE: { min: 0, max: 0, native: false }, UTC_DATE: { min: 0, max: 0, native: false },
};

/**
 * The stored functions of MySQL 8.0's sys schema (scripts/sys_schema/functions/*.sql): a call of
 * one is ER_NOT_SUPPORTED_YET, a call of any other `sys.name()` ER_SP_DOES_NOT_EXIST, as MySQL
 * answers for a stored function that is not there.
 */
const SYS_SCHEMA_FUNCTIONS = new Set([
  'extract_schema_from_file_name', 'extract_table_from_file_name', 'format_bytes', 'format_path', 'format_statement', 'format_time',
  'list_add', 'list_drop', 'ps_is_account_enabled', 'ps_is_consumer_enabled', 'ps_is_instrument_default_enabled',
  'ps_is_instrument_default_timed', 'ps_is_thread_instrumented', 'ps_thread_account', 'ps_thread_id', 'ps_thread_stack',
  'ps_thread_trx_info', 'quote_identifier', 'sys_get_config', 'version_major', 'version_minor', 'version_patch',
]);

/** The compound units of `INTERVAL expr unit` (sql/sql_yacc.yy, interval: DAY_HOUR_SYM, …): not answered. */
const COMPOUND_INTERVAL_UNITS = new Set([
  'SECOND_MICROSECOND', 'MINUTE_MICROSECOND', 'MINUTE_SECOND', 'HOUR_MICROSECOND', 'HOUR_SECOND', 'HOUR_MINUTE',
  'DAY_MICROSECOND', 'DAY_SECOND', 'DAY_MINUTE', 'DAY_HOUR', 'YEAR_MONTH',
]);

/**
 * A call of a stored function MySQL does not find (sql/item_func.cc, Item_func_sp: the routine is
 * looked up in `schema`, the current database for an unqualified name): ER_SP_DOES_NOT_EXIST, or
 * ER_NO_DB_ERROR for an unqualified name without a current database.
 */
function missingStoredFunction(schema: string | null, name: string): MysqlError {
  return new MysqlError(schema === null ? noDatabaseSelected() : functionDoesNotExist(`${schema}.${name}`));
}

/**
 * MySQL's current-time functions (sql/sql_yacc.yy: NOW_SYM, whose synonyms CURRENT_TIMESTAMP,
 * LOCALTIME and LOCALTIMESTAMP are in sql/lex.h; SYSDATE; UTC_TIMESTAMP), each with the name its
 * errors give (func_name() of Item_func_now_local, Item_func_sysdate_local, Item_func_now_utc).
 */
const CURRENT_TIME_FUNCTIONS: Readonly<Record<string, string>> = {
  NOW: 'now', CURRENT_TIMESTAMP: 'now', LOCALTIME: 'now', LOCALTIMESTAMP: 'now', SYSDATE: 'sysdate', UTC_TIMESTAMP: 'utc_timestamp',
};
/**
 * MySQL's current-date and current-time functions (sql/sql_yacc.yy: CURDATE optional_braces, UTC_DATE_SYM
 * optional_braces, CURTIME and UTC_TIME_SYM func_datetime_precision; CURRENT_DATE and CURRENT_TIME are
 * CURDATE's and CURTIME's synonyms in sql/lex.h), each with the name its errors give.
 */
const CURRENT_DATE_FUNCTIONS: ReadonlySet<string> = new Set(['CURDATE', 'CURRENT_DATE', 'UTC_DATE']);
const CURRENT_TIME_OF_DAY_FUNCTIONS: Readonly<Record<string, string>> = { CURTIME: 'curtime', CURRENT_TIME: 'curtime', UTC_TIME: 'utc_time' };
/** DATETIME_MAX_DECIMALS (include/my_time.h): fractional digits of a time, at most. */
const DATETIME_MAX_DECIMALS = 6;

/** Keywords that end a FROM list (joins and join conditions do not: `FROM t JOIN u ON c, v` lists v too). */
const FROM_LIST_END = new Set(['WHERE', 'GROUP', 'HAVING', 'ORDER', 'LIMIT', 'UNION', 'SET', 'VALUES', 'SELECT', 'FOR', 'LOCK', 'WINDOW', 'EXCEPT', 'INTERSECT']);

/** Keywords after which the next name is a table. */
const TABLE_INTRODUCERS = new Set(['FROM', 'JOIN', 'INTO', 'UPDATE', 'TABLE']);

/** MySQL's modifiers SQLite has no use for, dropped wherever they appear. */
const DROPPED_WORDS = new Set(['SQL_CALC_FOUND_ROWS', 'SQL_NO_CACHE', 'SQL_CACHE', 'HIGH_PRIORITY', 'SQL_SMALL_RESULT', 'SQL_BIG_RESULT', 'SQL_BUFFER_RESULT', 'LOW_PRIORITY', 'DELAYED', 'QUICK']);

/** MySQL CAST/CONVERT target types → SQLite type names (SQLite's affinity rules read "binary" as NUMERIC). */
function castType(words: string[]): string {
  const w = words[0]?.toUpperCase() ?? '';
  if (w === 'SIGNED' || w === 'UNSIGNED' || w === 'INTEGER' || w === 'INT' || w === 'YEAR') return 'INTEGER';
  if (w === 'BINARY') return 'BLOB';
  if (w === 'DECIMAL' || w === 'DOUBLE' || w === 'FLOAT' || w === 'REAL') return 'REAL';
  return 'TEXT';
}

/**
 * Translates tokens[from, to) into SQLite SQL. `cte` holds names defined by a WITH clause (never
 * qualified with the current database). `tables`, when given, receives every table the tokens
 * name (the names of `cte` excepted).
 */
export function rewrite(tokens: readonly Token[], from: number, to: number, ctx: RewriteContext, cte: ReadonlySet<string> = cteNames(tokens), tables?: TableReference[]): string {
  const out: string[] = [];
  /** Per token: where its translation starts in `out`. */
  const outAt: number[] = [];
  /** `BINARY x` operands: the token after x → the BINARY token. */
  const binaryBefore = new Map<number, number>();
  /** Per parenthesis depth: whether a FROM list is open there (a comma introduces another table). */
  const fromList: boolean[] = [false];
  let expectTable = false;
  /** Where the name of a schema-qualified table stands (`db.t (cols)` is no function call). */
  let tableNameAt = -1;
  let depth = 0;
  for (let k = from; k < to; k++) {
    outAt[k] = out.length;
    const t = tokens[k]!;
    const next = tokens[k + 1];
    const upper = t.kind === 'ident' ? t.text.toUpperCase() : '';
    if (t.kind === 'punct' && t.text === '(') { depth++; fromList[depth] = false; expectTable = false; out.push('('); continue; }
    if (t.kind === 'punct' && t.text === ')') { depth--; out.push(')'); continue; }
    if (t.kind === 'punct' && t.text === ',') {
      if (fromList[depth] === true) expectTable = true;
      out.push(',');
      continue;
    }
    if (expectTable && (t.kind === 'ident' || t.kind === 'quoted')) {
      expectTable = false;
      const qualified = isPunct(next, '.');
      if (t.kind === 'ident' && (upper === 'DUAL' || upper === 'LATERAL')) {
        if (upper === 'DUAL') { out.pop(); continue; } // FROM DUAL: SQLite takes no FROM at all
      }
      if (qualified) tableNameAt = k + 2;
      const isCte = !qualified && cte.has(t.text.toLowerCase());
      if (tables !== undefined && !isCte) {
        const nameTok = qualified ? tokens[k + 2] : t;
        tables.push({ schema: qualified ? t.text.toLowerCase() : ctx.database?.toLowerCase() ?? null, name: (nameTok?.text ?? '').toLowerCase() });
      }
      if (!qualified && ctx.database !== null && !isCte) out.push(`${sqliteSchema(ctx.database)}.${sqlIdent(t.text)}`);
      else out.push(qualified ? sqliteSchema(t.text) : sqlIdent(t.text));
      continue;
    }
    expectTable = false;
    switch (t.kind) {
      case 'string': out.push(withDefaultCollation(sqlString(t.text), tokens, k)); continue;
      case 'quoted': out.push(sqlIdent(t.text)); continue;
      case 'number': out.push(t.text); continue;
      case 'sysvar': out.push(withDefaultCollation(`__sysvar(${sqlString(t.text)}, ${sqlString(t.scope ?? '')})`, tokens, k)); continue;
      case 'uservar':
        if (isPunct(next, ':=')) throw new UnsupportedSql('assignment to a user variable inside a statement');
        out.push(withDefaultCollation(`__uservar(${sqlString(t.text)})`, tokens, k));
        continue;
      case 'op':
      case 'punct':
        if (t.text === '||') out.push('OR');
        else if (t.text === '&&') out.push('AND');
        else if (t.text === '<=>') out.push('IS');
        else if (t.text === '!') out.push('NOT');
        // MySQL's "/" always divides exactly (3/2 = 1.5000); SQLite's divides integers to an integer.
        else if (t.text === '/') out.push('* 1.0 /');
        else if (t.text === ':=') throw new UnsupportedSql('assignment with :=');
        else out.push(t.text);
        continue;
      default:
        break;
    }
    // An identifier or keyword.
    if (TABLE_INTRODUCERS.has(upper) && !isPunct(next, '(')) {
      expectTable = true;
      if (upper === 'FROM') fromList[depth] = true;
      out.push(t.text);
      continue;
    }
    if (FROM_LIST_END.has(upper)) fromList[depth] = false;
    if (DROPPED_WORDS.has(upper)) continue;
    if (upper === 'RECURSIVE') throw new UnsupportedSql('WITH RECURSIVE');
    if (upper === 'FOR' && (isWord(next, 'UPDATE') || isWord(next, 'SHARE'))) { k++; continue; }
    if (upper === 'LOCK' && isWord(next, 'IN')) { k += 3; continue; } // LOCK IN SHARE MODE
    // MySQL's LIKE escapes with a backslash by default; SQLite's has no escape unless told.
    if (upper === 'LIKE' && next?.kind === 'string') {
      const pattern = sqlString(next.text);
      const negated = isWord(tokens[k - 1], 'NOT');
      /** Where the left operand ends (exclusive): at LIKE, or at its NOT. */
      const operandEnd = negated ? k - 1 : k;
      const binary = binaryBefore.get(operandEnd);
      const c0 = binary ?? columnStart(tokens, operandEnd - 1);
      k++;
      if (c0 < from || TIGHTER_THAN_LIKE.has(tokens[c0 - 1]?.text.toUpperCase() ?? '')) { out.push(`LIKE ${pattern} ESCAPE '\\'`); continue; }
      // `column [NOT] LIKE 'pattern'`, `BINARY x [NOT] LIKE 'pattern'`: SQLite's LIKE ignores
      // collations (ASCII letters always match either case); MySQL's compares in the operand's, so
      // a binary one matches case-sensitively. A column compares in its own collation with its
      // upper- and lower-case forms: both equal when it is case-insensitive (or has no letters,
      // where both kinds of LIKE agree).
      const operand = out.slice(outAt[c0], outAt[operandEnd]).join(' ');
      out.length = outAt[c0]!;
      const caseInsensitive = binary === undefined ? `${operand} = lower(${operand}) AND ${operand} = upper(${operand}) OR ` : '';
      const like = `(${operand} LIKE ${pattern} ESCAPE '\\' AND (${caseInsensitive}__like_bin(${operand}, ${pattern})))`;
      out.push(negated ? `NOT ${like}` : like);
      continue;
    }
    if (upper === 'DIV') { out.push('/'); continue; }
    if (upper === 'MOD' && !isPunct(next, '(')) { out.push('%'); continue; }
    if (upper === 'XOR') throw new UnsupportedSql('XOR');
    // `t + INTERVAL n unit` (DATE_ADD and TIMESTAMPADD are answered) and the INTERVAL(n, …) and INSERT(…) functions.
    if (upper === 'INTERVAL') throw new UnsupportedSql(isPunct(next, '(') ? 'function INTERVAL' : 'INTERVAL arithmetic');
    if (upper === 'INSERT' && isPunct(next, '(')) throw new UnsupportedSql('function INSERT');
    if (upper === 'BINARY') {
      // The BINARY operator (sql_yacc.yy simple_expr: BINARY_SYM simple_expr): its operand compares byte by byte.
      const end = primaryEnd(tokens, k + 1, to);
      if (end < 0) throw new UnsupportedSql('BINARY of this expression');
      out.push(`(${rewrite(tokens, k + 1, end, ctx, cte, tables)}) COLLATE BINARY`);
      binaryBefore.set(end, k);
      k = end - 1;
      continue;
    }
    if (upper === 'COLLATE') {
      const name = next !== undefined && (next.kind === 'ident' || next.kind === 'quoted' || next.kind === 'string') ? next.text : '';
      out.push(`COLLATE ${sqliteCollation(name)}`);
      k++;
      continue;
    }
    // CURRENT_DATE, UTC_DATE, CURRENT_TIME and UTC_TIME need no parentheses (optional_braces,
    // func_datetime_precision); SQLite would answer its own CURRENT_DATE and CURRENT_TIME from the wall clock.
    if ((upper === 'CURRENT_DATE' || upper === 'UTC_DATE') && !isPunct(next, '(') && !isPunct(tokens[k - 1], '.')) { out.push('__curdate()'); continue; }
    if ((upper === 'CURRENT_TIME' || upper === 'UTC_TIME') && !isPunct(next, '(') && !isPunct(tokens[k - 1], '.')) { out.push('__curtime(0)'); continue; }
    // CURRENT_TIMESTAMP, LOCALTIME, LOCALTIMESTAMP and UTC_TIMESTAMP need no parentheses (func_datetime_precision may be empty).
    if (upper !== 'NOW' && upper !== 'SYSDATE' && upper in CURRENT_TIME_FUNCTIONS && !isPunct(next, '(') && !isPunct(tokens[k - 1], '.')) { out.push('__now(0)'); continue; }
    if (upper === 'CURRENT_USER' && !isPunct(next, '(')) { out.push('__user()'); continue; }
    if (k !== tableNameAt && isPunct(next, '(') && isPunct(tokens[k - 1], '.') && (tokens[k - 2]?.kind === 'ident' || tokens[k - 2]?.kind === 'quoted')) {
      // schema.name(…) always calls a stored function (sql_yacc.yy function_call_generic: ident '.' ident '(').
      const schema = tokens[k - 2]!.text;
      if (schema.toLowerCase() === 'sys' && SYS_SCHEMA_FUNCTIONS.has(t.text.toLowerCase())) throw new UnsupportedSql(`function sys.${t.text}`);
      throw missingStoredFunction(schema, t.text);
    }
    if (isPunct(next, '(') && !isPunct(tokens[k - 1], '.')) {
      // The statement engine's own helpers (__now, __sysvar, …) are not MySQL functions: a client
      // that names one gets what MySQL answers for a function it does not have.
      if (t.text.startsWith('__')) throw missingStoredFunction(ctx.database, t.text);
      const close = closingParen(tokens, k + 1);
      if (close < 0 || close >= to) { out.push(t.text); continue; }
      const call = rewriteCall(tokens, k, close, ctx, cte, tables);
      if (call !== null) { out.push(call); k = close; continue; }
      out.push(FUNCTION_NAMES[upper] ?? t.text);
      continue;
    }
    out.push(t.text);
  }
  return out.join(' ');
}

/** Function calls whose arguments change shape; null for an ordinary call. */
function rewriteCall(tokens: readonly Token[], at: number, close: number, ctx: RewriteContext, cte: ReadonlySet<string>, tables: TableReference[] | undefined): string | null {
  const name = tokens[at]!.text.toUpperCase();
  const args = splitTopLevel(tokens, at + 2, close);
  const arg = (p: [number, number]): string => `(${rewrite(tokens, p[0], p[1], ctx, cte, tables)})`;
  const counts = ARGUMENT_COUNTS[name];
  if (counts !== undefined && (args.length < counts.min || args.length > counts.max)) {
    if (counts.native) throw new MysqlError(wrongParamCount(tokens[at]!.text));
    throw new SyntaxErrorAt(tokens[args.length === 0 ? close : at + 2]!.start);
  }
  if (name in CURRENT_TIME_FUNCTIONS) return `__now(${fractionalDigits(tokens, at, close, CURRENT_TIME_FUNCTIONS[name]!)})`;
  if (CURRENT_DATE_FUNCTIONS.has(name)) return '__curdate()';
  if (name in CURRENT_TIME_OF_DAY_FUNCTIONS) return `__curtime(${fractionalDigits(tokens, at, close, CURRENT_TIME_OF_DAY_FUNCTIONS[name]!)})`;
  if (name === 'LAST_INSERT_ID' && args.length === 1) throw new UnsupportedSql('LAST_INSERT_ID(expr)');
  if ((name === 'GREATEST' || name === 'LEAST') && args.length > MAX_VARIADIC_ARGUMENTS) throw new UnsupportedSql(`${name} of more than ${MAX_VARIADIC_ARGUMENTS} arguments`);
  switch (name) {
    case 'COALESCE':
      // SQLite's coalesce() takes two or more; MySQL's COALESCE(x) is x.
      return args.length === 1 ? arg(args[0]!) : null;
    case 'TIMESTAMPDIFF':
    case 'TIMESTAMPADD': {
      // TIMESTAMPDIFF(unit, a, b), TIMESTAMPADD(unit, n, t): the unit is a keyword (interval_time_stamp), anything else a syntax error.
      const [u0, u1] = args[0]!;
      const unit = u1 === u0 + 1 && tokens[u0]!.kind === 'ident' ? timestampUnit(tokens[u0]!.text) : null;
      if (unit === null) throw new SyntaxErrorAt(tokens[u0]!.start);
      return `__${name.toLowerCase()}(${sqlString(unit)}, ${arg(args[1]!)}, ${arg(args[2]!)})`;
    }
    case 'SUBSTRING':
    case 'SUBSTR':
    case 'MID': {
      // SUBSTRING(str, pos[, len]) or SUBSTRING(str FROM pos [FOR len]) (sql_yacc.yy function_call_nonkeyword).
      if (args.length > 1) return null;
      const from = topLevelWord(tokens, at + 2, close, 'FROM');
      if (from < 0) throw new SyntaxErrorAt(tokens[close]!.start);
      const forAt = topLevelWord(tokens, from + 1, close, 'FOR');
      const part = (s: number, e: number): string => `(${rewrite(tokens, s, e, ctx, cte, tables)})`;
      return forAt < 0 ? `__substring(${part(at + 2, from)}, ${part(from + 1, close)})`
        : `__substring(${part(at + 2, from)}, ${part(from + 1, forAt)}, ${part(forAt + 1, close)})`;
    }
    case 'TRIM': {
      // TRIM([BOTH | LEADING | TRAILING] [remstr] FROM str) (sql_yacc.yy function_call_keyword); TRIM(str) is SQLite's trim.
      const from = topLevelWord(tokens, at + 2, close, 'FROM');
      let k = at + 2;
      const mode = ['BOTH', 'LEADING', 'TRAILING'].find((m) => isWord(tokens[k], m));
      if (from < 0) {
        if (mode !== undefined) throw new SyntaxErrorAt(tokens[k + 1]!.start);
        return null;
      }
      if (mode !== undefined) k++;
      if (from === at + 2 || (mode === undefined && from === k) || from + 1 === close) throw new SyntaxErrorAt(tokens[from + 1 === close ? close : from]!.start);
      const remstr = from === k ? "' '" : `(${rewrite(tokens, k, from, ctx, cte, tables)})`;
      return `__trim(${sqlString(mode ?? 'BOTH')}, ${remstr}, (${rewrite(tokens, from + 1, close, ctx, cte, tables)}))`;
    }
    case 'POSITION': {
      // POSITION(substr IN str) is LOCATE(substr, str) (sql_yacc.yy function_call_nonkeyword).
      const inAt = topLevelWord(tokens, at + 2, close, 'IN');
      if (inAt < 0 || inAt === at + 2 || inAt + 1 === close) throw new SyntaxErrorAt(tokens[inAt < 0 ? close : inAt]!.start);
      return `__locate((${rewrite(tokens, at + 2, inAt, ctx, cte, tables)}), (${rewrite(tokens, inAt + 1, close, ctx, cte, tables)}))`;
    }
    case 'DATE_ADD':
    case 'DATE_SUB':
    case 'ADDDATE':
    case 'SUBDATE': {
      // DATE_ADD(t, INTERVAL n unit) (sql_yacc.yy function_call_nonkeyword); ADDDATE(t, n) adds days.
      // One-word units are TIMESTAMPADD's; the compound ones (DAY_HOUR, …) are not answered.
      const [i0, i1] = args[1]!;
      const sign = name === 'DATE_SUB' || name === 'SUBDATE' ? '-' : '';
      if (!isWord(tokens[i0], 'INTERVAL')) {
        if (name === 'DATE_ADD' || name === 'DATE_SUB') throw new SyntaxErrorAt(tokens[i0]!.start);
        return `__timestampadd('DAY', ${sign}${arg(args[1]!)}, ${arg(args[0]!)})`;
      }
      const unitTok = tokens[i1 - 1]!;
      if (i1 - i0 < 3 || unitTok.kind !== 'ident') throw new SyntaxErrorAt(unitTok.start);
      const unit = timestampUnit(unitTok.text);
      if (unit === null) {
        if (COMPOUND_INTERVAL_UNITS.has(unitTok.text.toUpperCase())) throw new UnsupportedSql(`INTERVAL … ${unitTok.text.toUpperCase()}`);
        throw new SyntaxErrorAt(unitTok.start);
      }
      return `__timestampadd(${sqlString(unit)}, ${sign}(${rewrite(tokens, i0 + 1, i1 - 1, ctx, cte, tables)}), ${arg(args[0]!)})`;
    }
    case 'CONCAT':
      // MySQL's CONCAT is NULL when any argument is NULL, as SQLite's || is (SQLite's concat() is not).
      if (args.length === 0) throw new UnsupportedSql('CONCAT()');
      return `(${args.map(arg).join(' || ')})`;
    case 'MOD':
      if (args.length !== 2) return null;
      return `(${arg(args[0]!)} % ${arg(args[1]!)})`;
    case 'CAST':
    case 'CONVERT': {
      let as = -1;
      let depth = 0;
      for (let k = at + 2; k < close; k++) {
        if (isPunct(tokens[k], '(')) depth++;
        else if (isPunct(tokens[k], ')')) depth--;
        else if (depth === 0 && isWord(tokens[k], 'AS')) as = k;
      }
      if (name === 'CONVERT' && as < 0) {
        if (args.length !== 2) return null;
        return `CAST(${arg(args[0]!)} AS ${castType(tokens.slice(args[1]![0], args[1]![1]).map((t) => t.text))})`;
      }
      if (as < 0) return null;
      return `CAST(${rewrite(tokens, at + 2, as, ctx, cte, tables)} AS ${castType(tokens.slice(as + 1, close).map((t) => t.text))})`;
    }
    case 'GROUP_CONCAT': {
      // MySQL: GROUP_CONCAT([DISTINCT] expr [ORDER BY ...] [SEPARATOR str]); SQLite: group_concat([DISTINCT] expr[, sep] [ORDER BY ...]).
      let k = at + 2;
      let distinct = '';
      if (isWord(tokens[k], 'DISTINCT')) { distinct = 'DISTINCT '; k++; }
      let order = -1, sep = -1, depth = 0;
      for (let j = k; j < close; j++) {
        if (isPunct(tokens[j], '(')) depth++;
        else if (isPunct(tokens[j], ')')) depth--;
        else if (depth === 0 && isWord(tokens[j], 'ORDER') && isWord(tokens[j + 1], 'BY') && order < 0) order = j;
        else if (depth === 0 && isWord(tokens[j], 'SEPARATOR')) sep = j;
      }
      const exprEnd = order >= 0 ? order : sep >= 0 ? sep : close;
      if (splitTopLevel(tokens, k, exprEnd).length !== 1) throw new UnsupportedSql('GROUP_CONCAT of several expressions');
      const expr = rewrite(tokens, k, exprEnd, ctx, cte, tables);
      const orderBy = order >= 0 ? ` ${rewrite(tokens, order, sep >= 0 ? sep : close, ctx, cte, tables)}` : '';
      const separator = sep >= 0 ? rewrite(tokens, sep + 1, close, ctx, cte, tables) : "','";
      if (distinct !== '' && separator !== "','") throw new UnsupportedSql('GROUP_CONCAT(DISTINCT ... SEPARATOR ...)');
      return distinct !== '' ? `group_concat(DISTINCT ${expr}${orderBy})` : `group_concat(${expr}, ${separator}${orderBy})`;
    }
    default:
      return null;
  }
}

// ------------------------------------------------------------------ collations

/**
 * MySQL collations the rewrite maps onto SQLite's (sql/sql_yacc.yy: `expr COLLATE name`): the
 * case-sensitive ones (`_bin`, `_cs`) compare byte by byte (SQLite's BINARY; a `_cs` collation
 * orders by the Unicode collation algorithm, BINARY by code point), the case-insensitive ones
 * fold ASCII letters (SQLite's NOCASE; MySQL also folds accents and other letters). Others
 * (other character sets, language collations) are not answered.
 */
const COLLATIONS: Readonly<Record<string, 'BINARY' | 'NOCASE'>> = {
  utf8mb4_bin: 'BINARY', utf8mb4_0900_bin: 'BINARY', utf8mb4_0900_as_cs: 'BINARY',
  utf8mb4_0900_ai_ci: 'NOCASE', utf8mb4_0900_as_ci: 'NOCASE', utf8mb4_general_ci: 'NOCASE', utf8mb4_unicode_ci: 'NOCASE', utf8mb4_unicode_520_ci: 'NOCASE',
};

/** The SQLite collation of a MySQL collation name; UnsupportedSql for one not mapped. */
export function sqliteCollation(name: string): 'BINARY' | 'NOCASE' {
  const c = COLLATIONS[name.toLowerCase()];
  if (c === undefined) throw new UnsupportedSql(`COLLATE ${name === '' ? 'without a name' : name}`);
  return c;
}

/**
 * The SQLite collation of a collation a table or column definition declares, in any character set
 * (dump-style DDL: `DEFAULT CHARSET=utf8 COLLATE=utf8_general_ci`, `CHARACTER SET ascii COLLATE
 * ascii_bin`): MySQL's collation names end in `_bin` or `_cs` for case-sensitive ones and `_ci`
 * for case-insensitive ones (`binary` is the binary character set's). UnsupportedSql for a name
 * that fits neither.
 */
export function definitionCollation(name: string): 'BINARY' | 'NOCASE' {
  const lower = name.toLowerCase();
  if (COLLATIONS[lower] !== undefined) return COLLATIONS[lower];
  if (lower === 'binary' || /^[a-z0-9]+_[a-z0-9_]*(?:bin|cs)$/.test(lower)) return 'BINARY';
  if (/^[a-z0-9]+_[a-z0-9_]*ci$/.test(lower)) return 'NOCASE';
  return sqliteCollation(name);
}

const COMPARISON_OPERATORS = new Set(['=', '<>', '!=', '<', '<=', '>', '>=', '<=>']);
/** Words that stand where an operand does and are no column. */
const NOT_COLUMN = new Set(['NULL', 'TRUE', 'FALSE', 'CASE', 'END', 'NOT', 'EXISTS', 'ANY', 'ALL', 'SOME', 'INTERVAL', 'DATE', 'TIME', 'TIMESTAMP',
  'CURRENT_TIMESTAMP', 'CURRENT_DATE', 'CURRENT_TIME', 'LOCALTIME', 'LOCALTIMESTAMP', 'UTC_TIMESTAMP', 'UTC_DATE', 'UTC_TIME', 'CURRENT_USER']);

function isComparison(t: Token | undefined): boolean {
  return t !== undefined && t.kind === 'op' && COMPARISON_OPERATORS.has(t.text);
}

/** Whether tokens[k] is a plain name (a column, a table or schema qualifier), not a keyword operand. */
function isName(t: Token | undefined): boolean {
  return t !== undefined && (t.kind === 'quoted' || (t.kind === 'ident' && !NOT_COLUMN.has(t.text.toUpperCase())));
}

/** Whether a column reference (`c`, `t.c`, `db.t.c`; or a BINARY operand) starts at tokens[j]. */
function columnStartsAt(tokens: readonly Token[], j: number): boolean {
  if (isWord(tokens[j], 'BINARY')) return true;
  if (!isName(tokens[j])) return false;
  while (isPunct(tokens[j + 1], '.') && isName(tokens[j + 2])) j += 2;
  return !isPunct(tokens[j + 1], '(') && !isPunct(tokens[j + 1], '.');
}

/** Where the column reference ending at tokens[j] starts, or -1 when none ends there. */
function columnStart(tokens: readonly Token[], j: number): number {
  if (!isName(tokens[j])) return -1;
  while (isPunct(tokens[j - 1], '.') && isName(tokens[j - 2])) j -= 2;
  return isPunct(tokens[j - 1], '.') || isWord(tokens[j - 1], 'CASE') || isWord(tokens[j - 1], 'BINARY') ? -1 : j;
}

function columnEndsAt(tokens: readonly Token[], j: number): boolean {
  return columnStart(tokens, j) >= 0;
}

/**
 * Operators after which a column is not LIKE's whole left operand (sql_yacc.yy precedence): those
 * that bind tighter than LIKE, and those of LIKE's own level, which associate to the left
 * (`'ONLINE' = MEMBER_STATE LIKE '1'` is `('ONLINE' = MEMBER_STATE) LIKE '1'`).
 */
const TIGHTER_THAN_LIKE = new Set(['+', '-', '*', '/', '%', '^', '|', '&', '<<', '>>', 'DIV', 'MOD', '~', 'COLLATE',
  '=', '<=>', '>=', '>', '<=', '<', '<>', '!=', 'IS', 'LIKE', 'REGEXP', 'RLIKE']);

/**
 * A literal, system or user variable at tokens[k], with MySQL's default collation
 * (utf8mb4_0900_ai_ci, case-insensitive) where it decides a comparison. MySQL compares two strings
 * in the collation of higher derivation (sql/item.cc, DTCollation::aggregate): a column's
 * (IMPLICIT) over a literal's (COERCIBLE) or a system variable's (SYSCONST). SQLite compares in an
 * explicit COLLATE first, then a column's, else BINARY; so the value is marked COLLATE NOCASE when
 * it is compared (=, <>, <, …, IN, BETWEEN, CASE … WHEN) with something that is not a column
 * reference, and left as it is against a column, whose own collation then decides, as in MySQL.
 */
function withDefaultCollation(sql: string, tokens: readonly Token[], k: number): string {
  const prev = tokens[k - 1], next = tokens[k + 1];
  if (isWord(next, 'COLLATE') || isWord(prev, 'BINARY')) return sql;
  let compared: boolean;
  if (isComparison(next)) {
    // Against a column, or an operand with its own COLLATE (`'a' = 'A' COLLATE utf8mb4_bin`), the other side decides.
    const end = primaryEnd(tokens, k + 2, tokens.length);
    compared = !columnStartsAt(tokens, k + 2) && !(end > 0 && isWord(tokens[end], 'COLLATE'));
  }
  else if (isWord(next, 'IN') || isWord(next, 'BETWEEN') || (isWord(next, 'NOT') && (isWord(tokens[k + 2], 'IN') || isWord(tokens[k + 2], 'BETWEEN')))) {
    // `x IN (SELECT column …)` compares with the subquery's column, which decides.
    const open = isWord(next, 'NOT') ? k + 3 : k + 2;
    compared = !(isPunct(tokens[open], '(') && isWord(tokens[open + 1], 'SELECT'));
  }
  else if (isComparison(prev)) compared = !columnEndsAt(tokens, k - 2);
  else if (isWord(prev, 'CASE')) compared = true;
  else if (isWord(prev, 'WHEN')) compared = !caseOperandIsColumn(tokens, k - 1);
  else compared = false;
  return compared ? `${sql} COLLATE NOCASE` : sql;
}

/** Whether the CASE whose WHEN stands at tokens[w] is `CASE column WHEN …`. */
function caseOperandIsColumn(tokens: readonly Token[], w: number): boolean {
  let depth = 0;
  for (let j = w - 1; j >= 0; j--) {
    const t = tokens[j]!;
    if (isPunct(t, ')')) depth++;
    else if (isPunct(t, '(')) { if (depth === 0) return false; depth--; }
    else if (depth === 0 && isWord(t, 'END')) return false;
    else if (depth === 0 && isWord(t, 'CASE')) return columnStartsAt(tokens, j + 1) && !isWord(tokens[j + 1], 'WHEN');
  }
  return false;
}

/**
 * Where the simple expression starting at tokens[k] ends (exclusive): a literal, variable, column
 * reference, function call or parenthesised expression (sql_yacc.yy simple_expr); -1 otherwise.
 */
function primaryEnd(tokens: readonly Token[], k: number, to: number): number {
  const t = tokens[k];
  if (t === undefined || k >= to) return -1;
  if (isPunct(t, '(')) { const c = closingParen(tokens, k); return c < 0 || c >= to ? -1 : c + 1; }
  if (t.kind === 'string' || t.kind === 'number' || t.kind === 'sysvar' || t.kind === 'uservar') return k + 1;
  if (t.kind !== 'ident' && t.kind !== 'quoted') return -1;
  let j = k;
  while (isPunct(tokens[j + 1], '.') && (tokens[j + 2]?.kind === 'ident' || tokens[j + 2]?.kind === 'quoted')) j += 2;
  if (isPunct(tokens[j + 1], '(')) { const c = closingParen(tokens, j + 1); return c < 0 || c >= to ? -1 : c + 1; }
  return j + 1 <= to ? j + 1 : -1;
}

/** The first `word` in tokens[from, to) outside parentheses, or -1. */
function topLevelWord(tokens: readonly Token[], from: number, to: number, word: string): number {
  let depth = 0;
  for (let k = from; k < to; k++) {
    if (isPunct(tokens[k], '(')) depth++;
    else if (isPunct(tokens[k], ')')) depth--;
    else if (depth === 0 && isWord(tokens[k], word)) return k;
  }
  return -1;
}

/**
 * The fractional-second digits of NOW(fsp) and its kin: none, or one integer literal up to 6
 * (sql/sql_yacc.yy func_datetime_precision: '(' ')' or '(' NUM ')'; anything else is a syntax error).
 */
function fractionalDigits(tokens: readonly Token[], at: number, close: number, func: string): number {
  if (close === at + 2) return 0;
  const t = tokens[at + 2]!;
  if (close !== at + 3 || t.kind !== 'number' || !/^\d+$/.test(t.text)) throw new SyntaxErrorAt(t.start);
  const digits = Number(t.text);
  if (digits > DATETIME_MAX_DECIMALS) throw new MysqlError(tooBigPrecision(digits, func));
  return digits;
}

/** Names a WITH clause defines. */
export function cteNames(tokens: readonly Token[]): Set<string> {
  const names = new Set<string>();
  if (!isWord(tokens[0], 'WITH')) return names;
  for (let k = 1; k + 2 < tokens.length; k++) {
    const t = tokens[k]!;
    if ((t.kind === 'ident' || t.kind === 'quoted') && isWord(tokens[k + 1], 'AS') && isPunct(tokens[k + 2], '(')) names.add(t.text.toLowerCase());
  }
  return names;
}

/** Keywords that end a select list at depth 0. */
const SELECT_LIST_END = new Set(['FROM', 'INTO', 'WHERE', 'GROUP', 'HAVING', 'ORDER', 'LIMIT', 'UNION', 'FOR', 'LOCK', 'WINDOW', 'EXCEPT', 'INTERSECT']);
const SELECT_MODIFIERS = new Set(['ALL', 'DISTINCT', 'DISTINCTROW', 'STRAIGHT_JOIN', ...DROPPED_WORDS]);
/** Keywords that are never an alias written without AS. */
const NOT_ALIAS = new Set(['END', 'NULL', 'TRUE', 'FALSE', 'AND', 'OR', 'NOT', 'IS', 'IN', 'LIKE', 'BETWEEN', 'THEN', 'ELSE', 'WHEN', 'CASE', 'DESC', 'ASC']);

/**
 * The column names MySQL gives the outermost select list of `tokens` (sql_yacc.yy select_item:
 * the alias; else a column's own name as written; else the expression's text as written), or null
 * when the list has a `*` (the engine's names, MySQL's declared ones, are right then).
 */
export function selectColumnNames(sql: string, tokens: readonly Token[]): string[] | null {
  let k = 0;
  let depth = 0;
  // The main SELECT: the first one at depth 0 (after any WITH clause's parenthesised bodies).
  for (; k < tokens.length; k++) {
    if (isPunct(tokens[k], '(')) depth++;
    else if (isPunct(tokens[k], ')')) depth--;
    else if (depth === 0 && isWord(tokens[k], 'SELECT')) break;
  }
  if (k >= tokens.length) return null;
  k++;
  while (k < tokens.length && tokens[k]!.kind === 'ident' && SELECT_MODIFIERS.has(tokens[k]!.text.toUpperCase())) k++;
  let end = k;
  depth = 0;
  for (; end < tokens.length; end++) {
    const t = tokens[end]!;
    if (isPunct(t, '(')) depth++;
    else if (isPunct(t, ')')) { if (depth === 0) break; depth--; }
    else if (depth === 0 && (isPunct(t, ';') || (t.kind === 'ident' && SELECT_LIST_END.has(t.text.toUpperCase())))) break;
  }
  const names: string[] = [];
  for (const [s, e] of splitTopLevel(tokens, k, end)) {
    const item = tokens.slice(s, e);
    const last = item[item.length - 1]!;
    if (isPunct(last, '*')) return null;
    if (item.length >= 3 && isWord(item[item.length - 2], 'AS') && (last.kind === 'ident' || last.kind === 'quoted' || last.kind === 'string')) {
      names.push(last.text);
      continue;
    }
    const prev = item[item.length - 2];
    if (item.length >= 2 && (last.kind === 'quoted' || (last.kind === 'ident' && !NOT_ALIAS.has(last.text.toUpperCase())))
      && prev !== undefined && prev.kind !== 'op' && !isPunct(prev, '.') && !(prev.kind === 'ident' && NOT_ALIAS.has(prev.text.toUpperCase()))) {
      names.push(last.text);
      continue;
    }
    const isColumnRef = item.every((t, j) => (j % 2 === 0 ? t.kind === 'ident' || t.kind === 'quoted' : isPunct(t, '.')));
    if (isColumnRef) names.push(last.text);
    else names.push(sql.slice(item[0]!.start, last.end));
  }
  return names;
}
