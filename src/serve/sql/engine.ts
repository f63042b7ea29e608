import type { Database } from 'sql.js';
import { ConfigError } from '../../errors.js';
import { CLIENT_ERROR_SUPER_READ_ONLY, UDF_ERROR_UUID_NOT_VALID } from '../../observe/error-codes.js';
import { defaultOptions, isOptionName, parseConsistencyLevel, parseWaitTimeout, WAIT_TIMEOUT_DEFAULT_S, WAIT_TIMEOUT_RANGE_S, type ConsistencyLevel } from '../../gr/options.js';
import type { UdfResult } from '../../gr/gr-member.js';
import type { TopologyUdf } from '../../gr/primary-election-action.js';
import type { MemberHandle, Simulation } from '../../sim/simulation.js';
import type { ClientInfo, ColumnSpec, ColumnType, SqlSession, StatementEngine, StatementOutcome } from '../statement-engine.js';
import { cteNames, definitionCollation, rewrite, selectColumnNames, sqlIdent, sqliteSchema, sqlString, UnsupportedSql, type RewriteContext, type TableReference } from './dialect.js';
import {
  DERIVED_SCHEMAS, derivedRows, derivedUuid, globalStatus, globalVariables, INFORMATION_SCHEMA, INFORMATION_SCHEMA_TABLES, isServedSchema,
  shownValue, tablesFor,
  type Row, type SqlValue, type SystemVariable,
} from './member-tables.js';
import * as E from './mysql-errors.js';
import { formatDateTime, registerMysqlFunctions } from './functions.js';
import { loadSqlEngine, sqlite } from './sqlite.js';
import { closingParen, isPunct, isWord, LexError, splitTopLevel, tokenize, type Token } from './tokenizer.js';

export { loadSqlEngine };

/**
 * The statement engine (issue 14): answers SQL at one member from the simulated state as that
 * member sees it. Each member has one in-memory SQLite database (sql.js) holding the derived
 * schemas (performance_schema, sys, mysql_innodb_cluster_metadata; rebuilt from the simulation
 * before each statement when they changed) and the user databases clients create; statements are
 * translated from MySQL's dialect by dialect.ts and run by SQLite. docs/serve-sql.md describes
 * what is supported.
 */

/** A statement the engine did not answer (ER_NOT_SUPPORTED_YET) or could not parse, kept for the operator. */
export interface LoggedStatement {
  readonly member: string;
  /** Virtual time of the statement, µs. */
  readonly atUs: number;
  readonly sql: string;
  readonly code: number;
  readonly reason: string;
}

/** The engine with its log of unanswered statements. */
export interface SimStatementEngine extends StatementEngine {
  /** Statements answered with ER_NOT_SUPPORTED_YET or ER_PARSE_ERROR, oldest first, at most LOG_LIMIT. */
  readonly log: readonly LoggedStatement[];
}

/** Most logged statements kept (oldest dropped first). */
const LOG_LIMIT = 1000;
/** Most rows one result set may carry: a bound on a statement's work and memory. */
const MAX_RESULT_ROWS = 100_000;
/** Most write statements one transaction may hold (each later statement replays them). */
const MAX_TRANSACTION_STATEMENTS = 1000;
/** Most user databases per member: SQLite attaches at most 10 databases (SQLITE_MAX_ATTACHED), three are derived. */
const MAX_USER_DATABASES = 7;
/** A statement's text kept in the log, at most this many characters. */
const LOGGED_SQL_CHARS = 2000;
/** First words of MySQL statements the engine does not answer (sql/sql_yacc.yy, simple_statement): ER_NOT_SUPPORTED_YET, not ER_PARSE_ERROR. */
const MYSQL_STATEMENTS = new Set([
  'ALTER', 'ANALYZE', 'BINLOG', 'CACHE', 'CALL', 'CHANGE', 'CHECK', 'CHECKSUM', 'CLONE', 'DEALLOCATE', 'DESC', 'DESCRIBE', 'EXECUTE',
  'EXPLAIN', 'FLUSH', 'GET', 'GRANT', 'HANDLER', 'HELP', 'IMPORT', 'INSTALL', 'KILL', 'LOAD', 'LOCK', 'OPTIMIZE', 'PREPARE', 'PURGE',
  'RELEASE', 'RENAME', 'REPAIR', 'RESET', 'RESIGNAL', 'RESTART', 'REVOKE', 'SAVEPOINT', 'SHUTDOWN', 'SIGNAL', 'TRUNCATE', 'UNINSTALL',
  'UNLOCK', 'XA', 'TABLE', 'VALUES',
]);
/** Error raised by an engine function from inside SQLite: `grsim:<code>:<sqlstate>:<message>`. */
const RAISED = /^grsim:(\d+):([0-9A-Z]{5}):(.*)$/s;

function raise(e: E.ErrorOutcome): never {
  throw new Error(`grsim:${e.code}:${e.sqlState}:${e.message}`);
}

function ok(affectedRows = 0, lastInsertId = 0, info?: string): StatementOutcome {
  return info === undefined ? { kind: 'ok', affectedRows, lastInsertId, warnings: 0 } : { kind: 'ok', affectedRows, lastInsertId, warnings: 0, info };
}

/**
 * A statement that waits for a command's outcome in the simulation (the API's StartOutcome or
 * ForceMembersOutcome, updated in place): OK once it is `success`, the client error it carries
 * once it failed (one source for the text: the API's).
 */
function waitFor(o: { readonly outcome: string; readonly error: string | null }, success: string): StatementOutcome {
  const settle = (): StatementOutcome | undefined => {
    if (o.outcome === 'pending') return undefined;
    if (o.outcome === success) return ok();
    if (o.error === null) throw new Error(`a failed command without its client error (${o.outcome})`);
    return E.fromClientError(o.error);
  };
  return settle() ?? { kind: 'pending', poll: settle };
}

/** One member's SQLite database and what the engine remembers about the member. */
class MemberDb {
  /** The derived tables' content last written (JSON), to skip rewriting unchanged tables. */
  derivedKey = '';
  /** Kernel events, trace events and open sessions when the derived tables were last rebuilt. */
  stateKey = '';
  sessionKey = '';
  readonly userDatabases = new Set<string>();
  /** The session whose statement runs now (engine functions read its variables). */
  current: Session | null = null;
  openSessions = 0;
  vars: Map<string, SystemVariable> = new Map();

  constructor(readonly db: Database, readonly member: MemberHandle) {}
}

class Engine implements SimStatementEngine {
  readonly log: LoggedStatement[] = [];
  private readonly dbs = new Map<string, MemberDb>();
  private uuidSeq = 0;

  /**
   * @param waitTimeoutS the server's wait_timeout in seconds (the sessions' until they set their own).
   * @param interactiveTimeoutS the server's interactive_timeout: an interactive client's session starts with it as its wait_timeout.
   */
  constructor(readonly sim: Simulation, readonly waitTimeoutS: number, readonly interactiveTimeoutS: number) {}

  openSession(member: string, user: string, database: string | null, client?: ClientInfo): SqlSession {
    const handle = this.sim.member(member);
    let mdb = this.dbs.get(handle.name);
    if (mdb === undefined) {
      mdb = this.createDb(handle);
      this.dbs.set(handle.name, mdb);
    }
    const s = new Session(this, mdb, user, client?.interactive === true);
    // An unknown database leaves none selected; a server that must refuse the connection as MySQL
    // does (ER_BAD_DB_ERROR) opens the session with null and calls initDb(database) itself.
    if (database !== null) s.initDb(database);
    return s;
  }

  note(member: string, sql: string, e: E.ErrorOutcome): void {
    if (this.log.length >= LOG_LIMIT) this.log.shift();
    this.log.push({ member, atUs: this.sim.nowUs, sql: sql.slice(0, LOGGED_SQL_CHARS), code: e.code, reason: e.message });
  }

  private createDb(member: MemberHandle): MemberDb {
    const SQL = sqlite();
    if (SQL === null) throw new ConfigError('createStatementEngine', 'needs SQLite loaded first: await loadSqlEngine() once before opening sessions', null);
    const db = new SQL.Database();
    const mdb = new MemberDb(db, member);
    for (const schema of DERIVED_SCHEMAS) db.run(`ATTACH ':memory:' AS ${sqlIdent(schema)}`);
    for (const t of tablesFor(this.sim.version.name)) {
      const cols = t.columns.map(([c, type, collation]) => `${sqlIdent(c)} ${type}${type === 'TEXT' ? ` COLLATE ${collation ?? 'NOCASE'}` : ''}`).join(', ');
      db.run(`CREATE TABLE ${sqliteSchema(t.schema)}.${sqlIdent(t.name)} (${cols})`);
    }
    this.registerFunctions(mdb);
    return mdb;
  }

  /** The functions the dialect rewrite calls (dialect.ts) and Group Replication's UDFs. */
  private registerFunctions(mdb: MemberDb): void {
    const db = mdb.db, sim = this.sim, m = mdb.member;
    const session = (): Session => mdb.current!;
    db.create_function('__sysvar', (name: string, scope: string) => session().sysvar(name, scope));
    db.create_function('__uservar', (name: string) => session().userVars.get(name.toLowerCase()) ?? null);
    db.create_function('__version', () => sim.version.serverVersion);
    db.create_function('__database', () => session().database);
    db.create_function('__connection_id', () => session().id);
    db.create_function('__user', () => `${session().user}@localhost`);
    // The member's virtual wall clock (UTC): NOW() and its kin, UNIX_TIMESTAMP().
    const nowEpochUs = (): number => sim.startEpochUs + sim.nowUs;
    db.create_function('__now', (digits: number) => formatDateTime(nowEpochUs(), digits));
    // From 8.0.28 a 64-bit server's UNIX_TIMESTAMP() converts times up to 3001 (before: up to 2038).
    registerMysqlFunctions(db, nowEpochUs, versionAtLeast(sim.version.serverVersion, [8, 0, 28]));
    db.create_function('__uuid', () => derivedUuid(sim, `UUID()#${++this.uuidSeq}`));
    db.create_function('__json_unquote', (v: SqlValue) => {
      if (typeof v !== 'string' || !v.startsWith('"')) return v;
      try { return String(JSON.parse(v)); } catch { return v; }
    });
    // The UDFs run as MySQL runs them: get_plugin_is_stopping before the argument checks, then the
    // rest of the init function's checks (the simulation's, in MySQL's order: ONLINE in a majority,
    // nobody RECOVERING or UNREACHABLE, a uuid of the group, set_as_primary's mode), each refusal
    // ER_CANT_INITIALIZE_UDF (1123: udf_single_primary.cc group_replication_set_as_primary_init and
    // group_replication_switch_to_single_primary_mode_init, udf_multi_primary.cc
    // group_replication_switch_to_multi_primary_mode_init); then the body, whose own checks fail
    // with ER_GRP_RPL_UDF_ERROR (3910, throw_udf_error), and whose text is the result.
    // validate_uuid_parameter (udf_utils.cc) finds the member by its uuid's exact text
    // (Group_member_info_manager::get_group_member_info): an upper-case spelling names no member.
    const slotOfUuid = (uuid: SqlValue): number => sim.members.find((x) => x.uuid === String(uuid))?.slot ?? -1;
    const run = (name: GroupReplicationUdf, args: readonly SqlValue[]): string => {
      const stopping = sim._gr(m.slot).checkUdfPluginStopping();
      if (!stopping.ok) raise(E.cantInitializeUdf(name, stopping.error));
      const wrong = udfArgumentsRefused(name, args, sim.version.serverVersion);
      if (wrong !== null) raise(E.cantInitializeUdf(name, wrong));
      const udf = name.slice(UDF_PREFIX.length) as TopologyUdf;
      if (args.length > 0 && !isServerUuidText(String(args[0]))) {
        // validate_uuid_parameter refuses text that is no uuid where it would refuse an unknown one:
        // after the checks every topology UDF shares.
        const shared = sim._gr(m.slot).checkTopologyUdf();
        raise(E.cantInitializeUdf(name, shared.ok ? UDF_ERROR_UUID_NOT_VALID : shared.error));
      }
      const target = args.length > 0 ? slotOfUuid(args[0]!) : undefined;
      const init = sim._udf(m.slot, udf, target, true);
      if (!init.ok) raise(E.cantInitializeUdf(name, init.error));
      // From 8.0.29, running_transactions_timeout (seconds): its range is checked in the body,
      // after every init check (udf_single_primary.cc, group_replication_set_as_primary). grsim's
      // election does not wait for the old primary's transactions, so the value changes nothing else.
      const timeout = args[1];
      if (udf === 'set_as_primary' && typeof timeout === 'number' && (timeout < 0 || timeout > 3600)) {
        raise(E.udfError(name, 'Valid range for running_transactions_timeout is 0 to 3600.'));
      }
      const targetName = target === undefined ? undefined : sim.members[target]!.name;
      const r = udf === 'set_as_primary' ? m.setAsPrimary(targetName!)
        : udf === 'switch_to_single_primary_mode' ? m.switchToSinglePrimaryMode(targetName)
        : m.switchToMultiPrimaryMode();
      // Refused only by a check of grsim's own (a target not ONLINE), which MySQL's init checks make first.
      if (!r.ok) raise(E.cantInitializeUdf(name, r.error));
      return r.message!;
    };
    // Each UDF is registered for every argument count up to three (a SQLite function has a fixed
    // arity), so that a wrong count gets the UDF's own refusal; more arguments: sqliteError.
    for (const name of GROUP_REPLICATION_UDFS) {
      db.create_function(name, () => run(name, []));
      db.create_function(name, (a: SqlValue) => run(name, [a]));
      db.create_function(name, (a: SqlValue, b: SqlValue) => run(name, [a, b]));
      db.create_function(name, (a: SqlValue, b: SqlValue, c: SqlValue) => run(name, [a, b, c]));
    }
  }
}

/**
 * Whether `text` parses as a uuid (binary_log::Uuid::is_valid, libbinlogevents/src/uuid.cpp,
 * Uuid::parse): 32 hexadecimal digits, or the 8-4-4-4-12 form with dashes, bare or in braces; the
 * digits in either case.
 */
function isServerUuidText(text: string): boolean {
  return /^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\})$/i.test(text);
}

/** The Group Replication UDFs the engine answers. */
type GroupReplicationUdf = 'group_replication_set_as_primary' | 'group_replication_switch_to_single_primary_mode' | 'group_replication_switch_to_multi_primary_mode';
const GROUP_REPLICATION_UDFS: readonly GroupReplicationUdf[] = ['group_replication_set_as_primary', 'group_replication_switch_to_single_primary_mode', 'group_replication_switch_to_multi_primary_mode'];
/** What each UDF's name starts with; the rest is the simulation's TopologyUdf. */
const UDF_PREFIX = 'group_replication_';

function isGroupReplicationUdf(name: string): name is GroupReplicationUdf {
  return (GROUP_REPLICATION_UDFS as readonly string[]).includes(name);
}

/**
 * The message a UDF's init function gives for arguments it does not take, or null when they are
 * right; MySQL then answers ER_CANT_INITIALIZE_UDF (plugin/group_replication/src/udf/
 * udf_single_primary.cc, group_replication_set_as_primary_init and
 * group_replication_switch_to_single_primary_mode_init; udf_multi_primary.cc,
 * group_replication_switch_to_multi_primary_mode_init; MySQL 8.0.27). A uuid must be a non-empty
 * string (arg_type STRING_RESULT, lengths[0] > 0). `args` null: more than the engine registered.
 */
function udfArgumentsRefused(name: GroupReplicationUdf, args: readonly SqlValue[] | null, serverVersion: string): string | null {
  const isUuid = (v: SqlValue | undefined): boolean => typeof v === 'string' && v.length > 0;
  switch (name) {
    case 'group_replication_set_as_primary': {
      const uuidNeeded = 'Wrong arguments: You need to specify a server uuid.';
      if (!versionAtLeast(serverVersion, [8, 0, 29])) return args !== null && args.length === 1 && isUuid(args[0]) ? null : uuidNeeded;
      // 8.0.29 added an optional integer running_transactions_timeout (group_replication_set_as_primary_init).
      if (args === null || args.length > 2) return 'Wrong arguments: UDF accepts maximum of 2 parameters.';
      if (args.length === 0 || !isUuid(args[0])) return uuidNeeded;
      const timeout = args[1];
      if (args.length === 2 && !(typeof timeout === 'number' && Number.isInteger(timeout))) {
        return 'Wrong arguments: Second parameter `running_transactions_timeout` must be type integer between 0 - 3600 (seconds).';
      }
      return null;
    }
    case 'group_replication_switch_to_single_primary_mode':
      return args !== null && (args.length === 0 || (args.length === 1 && isUuid(args[0]))) ? null : 'Wrong arguments: This function either takes no arguments or a single server uuid.';
    case 'group_replication_switch_to_multi_primary_mode':
      return args !== null && args.length === 0 ? null : 'Wrong arguments: This function takes no arguments.';
  }
}

/** Whether a server version string (`8.0.21`, `8.4.6`) is at least `min`. */
function versionAtLeast(serverVersion: string, min: readonly [number, number, number]): boolean {
  const parts = serverVersion.split(/[.-]/).slice(0, 3).map(Number);
  for (let k = 0; k < 3; k++) {
    const p = parts[k] ?? 0;
    if (p !== min[k]) return p > min[k]!;
  }
  return true;
}

/** A SET's bare DEFAULT (not the string 'DEFAULT'): the global value for SESSION, the compiled-in default for GLOBAL. */
const DEFAULT_VALUE: unique symbol = Symbol('DEFAULT');

/** The system variable whose session value decides a session's transactions' consistency (docs/mysql-behaviour.md §T5). */
const CONSISTENCY = 'group_replication_consistency';

/** A write statement of an open transaction, applied to the member's database when the group commits it. */
type TxStatement = { readonly sql: string } | { readonly createDatabase: string } | { readonly dropDatabase: string };

class Session implements SqlSession {
  readonly id: number;
  database: string | null = null;
  readonly userVars = new Map<string, SqlValue>();
  private readonly sessionVars = new Map<string, SqlValue>();
  /** The session's group_replication_consistency: the level its transactions run with. */
  private consistency: ConsistencyLevel;
  private autocommit = true;
  private inTransaction = false;
  /**
   * The open transaction passed the server's begin hook (Transaction_ctx set_trans_begin_hook_invoked):
   * its later statements are not held again. Meaningful while a transaction is open.
   */
  private beginHookInvoked = false;
  private tx: TxStatement[] = [];
  private txAffected = 0;
  private closed = false;

  constructor(private readonly engine: Engine, private readonly mdb: MemberDb, readonly user: string, interactive: boolean) {
    // Client sessions take the server's thread ids, as the plugin's own sessions do.
    this.id = engine.sim._gr(mdb.member.slot).newThreadId();
    mdb.openSessions++;
    // A session starts with the global values (sql/sql_class.cc, THD::init copies global_system_variables);
    // group_replication_consistency is kept here because the session's writes run with it.
    this.consistency = this.member.options().group_replication_consistency;
    this.sessionVars.set(CONSISTENCY, this.consistency);
    // An interactive client's wait_timeout starts from interactive_timeout (sql/auth/sql_authentication.cc, server_mpvio_update_thd).
    if (interactive) this.sessionVars.set('wait_timeout', engine.interactiveTimeoutS);
  }

  private get member(): MemberHandle { return this.mdb.member; }
  private get ctx(): RewriteContext { return { database: this.database }; }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.tx = [];
    this.inTransaction = false;
    this.mdb.openSessions--;
  }

  initDb(database: string): StatementOutcome {
    const lower = database.toLowerCase();
    if (!isServedSchema(lower) && !this.mdb.userDatabases.has(lower)) return E.unknownDatabase(database);
    this.database = lower;
    return ok();
  }

  execute(sql: string): StatementOutcome {
    if (this.closed) return E.notSupported('a statement on a closed session');
    this.mdb.current = this;
    try {
      return this.dispatch(sql);
    } catch (e) {
      if (e instanceof LexError) return this.logged(sql, E.parseError(e.near));
      if (e instanceof E.SyntaxErrorAt) return this.logged(sql, E.parseError(sql.slice(e.at)));
      if (e instanceof E.MysqlError) return e.outcome;
      if (e instanceof UnsupportedSql) return this.logged(sql, E.notSupported(e.what));
      throw e;
    }
  }

  private logged(sql: string, e: E.ErrorOutcome): E.ErrorOutcome {
    this.engine.note(this.member.name, sql, e);
    return e;
  }

  private unsupported(sql: string, what: string): E.ErrorOutcome {
    return this.logged(sql, E.notSupported(what));
  }

  private dispatch(sql: string): StatementOutcome {
    let tokens = tokenize(sql);
    while (tokens.length > 0 && isPunct(tokens[tokens.length - 1], ';')) tokens = tokens.slice(0, -1);
    if (tokens.length === 0) return E.emptyQuery();
    const semi = tokens.findIndex((t) => isPunct(t, ';'));
    // Multi-statements are off: a second statement is a syntax error, as in MySQL.
    if (semi >= 0) return this.logged(sql, E.parseError(sql.slice(tokens[semi + 1]!.start)));
    const w0 = tokens[0]!.kind === 'ident' ? tokens[0]!.text.toUpperCase() : tokens[0]!.text;
    const w1 = tokens[1]?.kind === 'ident' ? tokens[1].text.toUpperCase() : '';
    switch (w0) {
      case 'SELECT': case 'WITH': case '(':
        return this.query(sql, tokens);
      case 'SHOW': return this.show(sql, tokens);
      case 'SET': return this.set(sql, tokens);
      case 'USE':
        if (tokens.length !== 2 || (tokens[1]!.kind !== 'ident' && tokens[1]!.kind !== 'quoted')) return this.logged(sql, E.parseError(sql.slice(tokens[0]!.end).trim()));
        return this.initDb(tokens[1]!.text);
      case 'BEGIN': return this.begin();
      case 'START':
        if (w1 === 'TRANSACTION') return this.begin();
        if (w1 === 'GROUP_REPLICATION') {
          const refused = this.startOptionsRefused(sql, tokens);
          return refused ?? this.startGroupReplication();
        }
        return this.unsupported(sql, `START ${w1}`);
      case 'STOP':
        if (w1 === 'GROUP_REPLICATION' && tokens.length === 2) return this.stopGroupReplication();
        return this.unsupported(sql, `STOP ${w1}`);
      case 'COMMIT': return this.commit(0, 0);
      case 'ROLLBACK':
        if (tokens.some((t) => isWord(t, 'SAVEPOINT') || isWord(t, 'TO'))) return this.unsupported(sql, 'ROLLBACK TO SAVEPOINT');
        this.endTransaction();
        return ok();
      case 'INSERT': case 'UPDATE': case 'DELETE': case 'REPLACE':
        return this.write(sql, tokens);
      case 'CREATE': case 'DROP':
        return this.ddl(sql, tokens, w0, w1);
      case 'DO':
        return this.query(sql, tokens, true);
      default:
        // A statement MySQL has and the engine does not answer, or not a statement at all.
        if (MYSQL_STATEMENTS.has(w0)) return this.unsupported(sql, w1 === '' ? w0 : `${w0} ${w1}`);
        return this.logged(sql, E.parseError(sql.slice(tokens[0]!.start)));
    }
  }

  // ------------------------------------------------------------------ reads

  /** SELECT (and DO): rewritten and run by SQLite over the member's tables. */
  private query(sql: string, tokens: readonly Token[], discard = false): StatementOutcome {
    const body = discard ? tokens.slice(1) : tokens;
    // Reads only: a WITH that ends in a write, or SELECT … INTO, would change data outside the write path.
    let depth = 0;
    for (let k = 0; k < body.length; k++) {
      const t = body[k]!;
      if (isPunct(t, '(')) depth++;
      else if (isPunct(t, ')')) depth--;
      else if (depth === 0 && t.kind === 'ident' && ['INSERT', 'UPDATE', 'DELETE', 'REPLACE', 'INTO'].includes(t.text.toUpperCase())
        // REPLACE(str, from, to) and INSERT(str, pos, len, newstr) are string functions, not writes.
        && !(isPunct(body[k + 1], '(') && ['REPLACE', 'INSERT'].includes(t.text.toUpperCase()))) {
        return this.unsupported(sql, `${t.text.toUpperCase()} in a query`);
      }
    }
    const tables: TableReference[] = [];
    const text = (discard ? 'SELECT ' : '') + rewrite(body, 0, body.length, this.ctx, cteNames(body), tables);
    const missing = informationSchemaTableMissing(sql, tables);
    if (missing !== null) return missing.code === 1235 ? this.logged(sql, missing) : missing;
    return this.afterBeginHook(beginHookHolds(tables), () => this.readRows(sql, tokens, text, discard));
  }

  /** Runs a query `query` rewrote: its rows (with MySQL's column names), or OK for DO. */
  private readRows(sql: string, tokens: readonly Token[], text: string, discard: boolean): StatementOutcome {
    const r = this.run(sql, text);
    if (r.kind !== 'rows' || discard) return r.kind === 'rows' ? ok() : r;
    const names = selectColumnNames(sql, tokens);
    if (names !== null && names.length === r.columns.length) {
      return { ...r, columns: r.columns.map((c, k) => ({ ...c, name: names[k]! })) };
    }
    return r;
  }

  /** Runs SQLite SQL (within the session's open transaction, replayed and undone) and shapes the result. */
  private run(sql: string, text: string, names?: readonly string[]): StatementOutcome {
    this.refresh();
    const db = this.mdb.db;
    const replay = this.tx.length > 0;
    if (replay) {
      db.run('SAVEPOINT grsim_tx');
      for (const s of this.tx) if ('sql' in s) db.run(s.sql);
    }
    try {
      const stmt = db.prepare(text);
      try {
        const columns = stmt.getColumnNames();
        const rows: SqlValue[][] = [];
        while (stmt.step()) {
          if (rows.length >= MAX_RESULT_ROWS) {
            return this.logged(sql, E.notSupported(`a result of more than ${MAX_RESULT_ROWS} rows`));
          }
          rows.push(stmt.get().map(toSqlValue));
        }
        return shapeRows(names ?? columns, rows);
      } finally {
        stmt.free();
      }
    } catch (e) {
      return this.sqliteError(sql, e);
    } finally {
      if (replay) {
        db.run('ROLLBACK TO grsim_tx');
        db.run('RELEASE grsim_tx');
      }
    }
  }

  /** MySQL's error for an error SQLite raised. */
  private sqliteError(sql: string, e: unknown): E.ErrorOutcome {
    const message = e instanceof Error ? e.message : String(e);
    let m = RAISED.exec(message);
    if (m !== null) return { kind: 'error', code: Number(m[1]), sqlState: m[2]!, message: m[3]! };
    if ((m = /no such table: (.+)$/.exec(message)) !== null) {
      const name = m[1]!;
      if (name.includes('.')) return E.noSuchTable(name);
      return this.database === null ? E.noDatabaseSelected() : E.noSuchTable(`${this.database}.${name}`);
    }
    if ((m = /unknown database "?([^"]+)"?$/.exec(message)) !== null) return E.unknownDatabase(m[1]!);
    if ((m = /no such column: (.+)$/.exec(message)) !== null) return E.badField(m[1]!, 'field list');
    if ((m = /no such function: (.+)$/.exec(message)) !== null) return this.logged(sql, E.notSupported(`function ${m[1]!}`));
    if ((m = /wrong number of arguments to function (\w+)\(\)/.exec(message)) !== null) {
      const name = m[1]!;
      // A UDF called with more arguments than registered; any other function is one the statement names as written.
      if (isGroupReplicationUdf(name)) return E.cantInitializeUdf(name, udfArgumentsRefused(name, null, this.engine.sim.version.serverVersion)!);
      return E.wrongParamCount(name);
    }
    if ((m = /UNIQUE constraint failed: (.+)$/.exec(message)) !== null) return E.duplicateEntry(m[1]!);
    if ((m = /NOT NULL constraint failed: .*?([^.]+)$/.exec(message)) !== null) return E.columnCannotBeNull(m[1]!);
    if ((m = /table (.+) already exists/.exec(message)) !== null) return E.tableExists(m[1]!.replace(/"/g, ''));
    if (/syntax error|incomplete input|unrecognized token/.test(message)) {
      const near = /near "([^"]*)"/.exec(message)?.[1] ?? '';
      const at = near === '' ? -1 : sql.toLowerCase().indexOf(near.toLowerCase());
      return this.logged(sql, E.parseError(at >= 0 ? sql.slice(at) : near));
    }
    return this.logged(sql, E.notSupported(message));
  }

  /**
   * Rewrites the derived tables from the simulation when what they show changed. Every change of
   * simulated state is a kernel event or a trace event, so while neither count moved (and no
   * session opened or closed here) the tables are as they were and nothing is rebuilt.
   */
  private refresh(): void {
    const { sim } = this.engine;
    const mdb = this.mdb, member = this.member, db = mdb.db;
    // The user databases too: a committed CREATE DATABASE changes information_schema.SCHEMATA when it is applied.
    const stateKey = `${sim.eventsDispatched}|${sim.trace.length}|${mdb.openSessions}|${[...mdb.userDatabases].join(',')}`;
    if (stateKey !== mdb.stateKey) {
      mdb.stateKey = stateKey;
      this.rebuild();
    }
    const sessionKey = `${this.id}|${JSON.stringify([...this.sessionVars])}`;
    if (sessionKey !== mdb.sessionKey) {
      mdb.sessionKey = sessionKey;
      fill(db, 'performance_schema.session_variables', [...mdb.vars].map(([name, v]) => [name, shownValue(this.variable(name, v))]));
      fill(db, 'performance_schema.session_status', globalStatus(sim, member, mdb.openSessions));
    }
  }

  /** Rebuilds the derived tables' rows and rewrites those whose content changed. */
  private rebuild(): void {
    const { sim } = this.engine;
    const mdb = this.mdb, member = this.member, db = mdb.db;
    mdb.vars = globalVariables(sim, member, this.engine.waitTimeoutS, this.engine.interactiveTimeoutS);
    const rows = derivedRows(sim, member, mdb.vars, globalStatus(sim, member, mdb.openSessions), mdb.userDatabases);
    const key = JSON.stringify([...rows]);
    if (key !== mdb.derivedKey) {
      mdb.derivedKey = key;
      for (const [table, content] of rows) fill(db, table, content);
      mdb.sessionKey = '';
    }
  }

  /**
   * The session's wait_timeout in seconds, which bounds each wait of the begin hook and how long the
   * connection may sit idle: its SET SESSION value, else the server's (SET GLOBAL wait_timeout is
   * not supported). A value out of range is stored as given here; MySQL stores it clamped (with a
   * warning), as read.
   */
  waitTimeoutS(): number {
    const [lo, hi] = WAIT_TIMEOUT_RANGE_S;
    const v = Number(this.sessionVars.get('wait_timeout') ?? this.engine.waitTimeoutS);
    return Number.isFinite(v) ? Math.min(hi, Math.max(lo, Math.trunc(v))) : this.engine.waitTimeoutS;
  }

  /** A variable's value in this session. */
  private variable(name: string, v: SystemVariable): SystemVariable {
    if (!v.session || !this.sessionVars.has(name)) return v;
    return { ...v, value: this.sessionVars.get(name)! };
  }

  /** @@name with `scope` ('', 'session', 'global'), as a value; raises ER_UNKNOWN_SYSTEM_VARIABLE. */
  sysvar(name: string, scope: string): SqlValue {
    const lower = name.toLowerCase();
    const v = this.mdb.vars.get(lower);
    if (v === undefined) raise(E.unknownSystemVariable(lower));
    if (scope === 'session' && !v.session) raise(E.globalVariable(lower));
    return scope === 'global' ? v.value : this.variable(lower, v).value;
  }

  /** SHOW VARIABLES / STATUS / DATABASES / WARNINGS, as SELECTs over the member's tables. */
  private show(sql: string, tokens: readonly Token[]): StatementOutcome {
    let k = 1;
    let scope = 'SESSION';
    if (isWord(tokens[k], 'GLOBAL') || isWord(tokens[k], 'SESSION') || isWord(tokens[k], 'LOCAL')) {
      scope = tokens[k]!.text.toUpperCase() === 'GLOBAL' ? 'GLOBAL' : 'SESSION';
      k++;
    }
    const what = tokens[k]?.kind === 'ident' ? tokens[k]!.text.toUpperCase() : '';
    k++;
    let source: string, nameCol: string, valueCol: string | null;
    if (what === 'VARIABLES' || what === 'STATUS') {
      const table = `${scope === 'GLOBAL' ? 'global' : 'session'}_${what === 'VARIABLES' ? 'variables' : 'status'}`;
      source = `SELECT VARIABLE_NAME AS Variable_name, VARIABLE_VALUE AS Value FROM performance_schema.${table}`;
      nameCol = 'Variable_name';
      valueCol = 'Value';
    } else if ((what === 'DATABASES' || what === 'SCHEMAS') && scope === 'SESSION') {
      // What information_schema.SCHEMATA lists, as MySQL 8.0's SHOW DATABASES reads it (sql/dd/info_schema/show.cc, build_show_databases_query).
      source = `SELECT SCHEMA_NAME AS Database FROM ${sqliteSchema(INFORMATION_SCHEMA)}.SCHEMATA`;
      nameCol = 'Database';
      valueCol = null;
    } else if (what === 'WARNINGS' || what === 'ERRORS') {
      return { kind: 'rows', columns: ['Level', 'Code', 'Message'].map((name) => ({ name, table: '', type: 'VAR_STRING' as const })), rows: [] };
    } else {
      return this.unsupported(sql, `SHOW ${tokens.slice(1, k).map((t) => t.text.toUpperCase()).join(' ')}`);
    }
    let filter = '';
    if (isWord(tokens[k], 'LIKE') && tokens[k + 1]?.kind === 'string' && k + 2 === tokens.length) {
      filter = ` WHERE ${sqlIdent(nameCol)} LIKE ${sqlString(tokens[k + 1]!.text)} ESCAPE '\\'`;
    } else if (isWord(tokens[k], 'WHERE') && k + 1 < tokens.length) {
      filter = ` WHERE ${rewrite(tokens, k + 1, tokens.length, this.ctx)}`;
    } else if (k !== tokens.length) {
      return this.logged(sql, E.parseError(sql.slice(tokens[k]!.start)));
    }
    const names = valueCol === null ? [nameCol] : [nameCol, valueCol];
    return this.run(sql, `SELECT * FROM (${source})${filter} ORDER BY 1`, names);
  }

  // ------------------------------------------------------------------ SET

  private set(sql: string, tokens: readonly Token[]): StatementOutcome {
    if (isWord(tokens[1], 'NAMES') || isWord(tokens[1], 'CHARSET') || (isWord(tokens[1], 'CHARACTER') && isWord(tokens[2], 'SET'))) {
      const cs = tokens[isWord(tokens[1], 'CHARACTER') ? 3 : 2];
      if (cs === undefined) return this.logged(sql, E.parseError(''));
      for (const n of ['character_set_client', 'character_set_results', 'character_set_connection']) this.sessionVars.set(n, cs.text.toLowerCase());
      return ok();
    }
    const txAt = isWord(tokens[1], 'TRANSACTION') ? 1 : isWord(tokens[2], 'TRANSACTION') ? 2 : -1;
    if (txAt > 0) return ok(); // isolation levels and access modes: one simulated transaction model
    return this.assignFrom(sql, tokens, splitTopLevel(tokens, 1, tokens.length), 0, this.autocommit);
  }

  /**
   * A SET's assignments from the `from`-th on. One that waits (group_replication_force_members,
   * whose check function waits for the forced view) makes the statement wait; the assignments
   * after it run once it has succeeded, as MySQL runs each assignment's check in order before any
   * update (sql/set_var.cc, sql_set_variables).
   */
  private assignFrom(sql: string, tokens: readonly Token[], parts: readonly (readonly [number, number])[], from: number, autocommitBefore: boolean): StatementOutcome {
    for (let i = from; i < parts.length; i++) {
      const r = this.assign(sql, tokens, parts[i]![0], parts[i]![1]);
      if (r === null) continue;
      if (r.kind !== 'pending') return r;
      const settle = (): StatementOutcome | undefined => {
        const done = r.poll();
        return done === undefined || done.kind !== 'ok' ? done : this.assignFrom(sql, tokens, parts, i + 1, autocommitBefore);
      };
      return settle() ?? { kind: 'pending', poll: settle };
    }
    // Turning autocommit on commits the open transaction (sql/sys_vars.cc, fix_autocommit).
    if (!autocommitBefore && this.autocommit && this.tx.length > 0) { this.inTransaction = false; return this.commit(0, 0); }
    return ok();
  }

  /** One assignment of a SET; null when done, an error otherwise. */
  private assign(sql: string, tokens: readonly Token[], s: number, e: number): StatementOutcome | null {
    let k = s;
    let scope = '';
    const t = tokens[k];
    if (t === undefined) return this.logged(sql, E.parseError(''));
    let name: string;
    let userVar = false;
    if (t.kind === 'sysvar') { scope = t.scope ?? ''; name = t.text; k++; }
    else if (t.kind === 'uservar') { name = t.text; userVar = true; k++; }
    else {
      const w = t.text.toUpperCase();
      if ((w === 'GLOBAL' || w === 'SESSION' || w === 'LOCAL' || w === 'PERSIST' || w === 'PERSIST_ONLY') && t.kind === 'ident') {
        scope = w === 'LOCAL' ? 'session' : w.toLowerCase();
        k++;
      }
      const n = tokens[k];
      if (n === undefined || (n.kind !== 'ident' && n.kind !== 'quoted')) return this.logged(sql, E.parseError(sql.slice(t.start)));
      name = n.text;
      k++;
    }
    if (!(isPunct(tokens[k], '=') || isPunct(tokens[k], ':=')) || k + 1 >= e) return this.logged(sql, E.parseError(sql.slice(tokens[Math.min(k, e - 1)]!.start)));
    const value = this.evaluate(sql, tokens, k + 1, e);
    if (typeof value === 'object' && value !== null) return value;
    if (userVar) {
      // A user variable takes an expression; DEFAULT is not one (sql/sql_yacc.yy, option_value_no_option_type).
      if (value === DEFAULT_VALUE) return this.logged(sql, E.parseError(sql.slice(tokens[k + 1]!.start)));
      this.userVars.set(name.toLowerCase(), value);
      return null;
    }
    return this.setVariable(sql, name.toLowerCase(), scope, value);
  }

  /** The value of a SET's right-hand side: a bare word (ON, OFF, DEFAULT, a name) as a string, else the expression. */
  private evaluate(sql: string, tokens: readonly Token[], s: number, e: number): SqlValue | typeof DEFAULT_VALUE | E.ErrorOutcome {
    if (e - s === 1 && tokens[s]!.kind === 'ident') return isWord(tokens[s], 'DEFAULT') ? DEFAULT_VALUE : tokens[s]!.text;
    const r = this.run(sql, `SELECT ${rewrite(tokens, s, e, this.ctx)}`);
    if (r.kind === 'error') return r;
    if (r.kind !== 'rows' || r.rows.length !== 1) return E.notSupported('this SET value');
    const v = r.rows[0]![0]!;
    return r.columns[0]!.type === 'LONGLONG' && v !== null ? Number(v) : v;
  }

  private setVariable(sql: string, name: string, scope: string, given: SqlValue | typeof DEFAULT_VALUE): StatementOutcome | null {
    this.refresh();
    const v = this.mdb.vars.get(name);
    if (v === undefined) return E.unknownSystemVariable(name);
    const global = scope === 'global' || scope === 'persist' || scope === 'persist_only';
    if (!global) {
      if (!v.session) return E.globalVariable(name);
      // SET SESSION … = DEFAULT takes the global value (sql/set_var.cc, set_var::update with no value).
      const value = given === DEFAULT_VALUE ? v.value : given;
      if (name === 'autocommit') {
        const on = toBool(value);
        if (on === null) return E.wrongValueForVariable(name, String(value));
        this.autocommit = on;
        this.sessionVars.set(name, on ? 1 : 0);
        return null;
      }
      if (name === CONSISTENCY) {
        try {
          this.consistency = parseConsistencyLevel(given === DEFAULT_VALUE ? this.member.options().group_replication_consistency : value, name);
          this.sessionVars.set(name, this.consistency);
        } catch (err) {
          if (err instanceof ConfigError) return E.wrongValueForVariable(name, String(value));
          throw err;
        }
        return null;
      }
      if (v.kind === 'bool') {
        const on = toBool(value);
        if (on === null) return E.wrongValueForVariable(name, String(value));
        this.sessionVars.set(name, on ? 1 : 0);
      } else this.sessionVars.set(name, value === null ? null : v.kind === 'int' ? Number(value) : String(value));
      return null;
    }
    if (!isOptionName(name)) return this.unsupported(sql, `SET GLOBAL ${name}`);
    if (name === 'group_replication_single_primary_mode') return E.changeWhileRunning();
    // SET GLOBAL … = DEFAULT stores the compiled-in default (sql/set_var.cc, set_var::update calls
    // sys_var::set_default), this version's (docs/mysql-behaviour.md §G1.3), not the configured value.
    const value = given === DEFAULT_VALUE ? defaultOptions(this.engine.sim.version)[name] : v.kind === 'bool' ? toBool(given) : given;
    // set() throws for this one (a ConfigError, not a client error): MySQL's check function refuses
    // it before any range check with ER_DA_GRP_RPL_STARTED_AUTO_REJOIN's number and its own text
    // (plugin.cc, check_autorejoin_tries).
    if (name === 'group_replication_autorejoin_tries' && this.member.autoRejoinRunning) return E.autorejoinRunning();
    let r: UdfResult;
    try {
      r = this.member.set(name, value, scope === 'persist' ? 'PERSIST' : scope === 'persist_only' ? 'PERSIST_ONLY' : 'GLOBAL');
    } catch (err) {
      if (err instanceof ConfigError) return E.wrongValueForVariable(name, given === DEFAULT_VALUE ? 'DEFAULT' : String(given));
      throw err;
    }
    // The server refused the statement (group_replication_force_members outside a blocked minority:
    // ERROR 4118): the client gets the error the API returns.
    if (!r.ok) return E.fromClientError(r.error);
    if (name === 'group_replication_force_members' && value !== '') return this.forceMembersWait();
    return null;
  }

  /**
   * An accepted SET group_replication_force_members: its session waits in check_force_members
   * (src/plugin.cc) for the forced view, up to 120 s (Gcs_operations::force_members,
   * src/gcs_operations.cc), and fails if none comes (ERROR 1231, or 4118 on 8.4/9.x).
   */
  private forceMembersWait(): StatementOutcome {
    // This SET's own outcome, updated in place (a later SET has its own).
    return waitFor(this.engine.sim._gr(this.member.slot).forceMembers.lastOutcome()!, 'set');
  }

  // ------------------------------------------------------------------ writes and transactions

  private begin(): StatementOutcome {
    // BEGIN commits an open transaction first (sql/transaction.cc, trans_begin).
    if (this.tx.length > 0) {
      const r = this.commit(0, 0);
      this.inTransaction = true;
      return r;
    }
    // The begin hook holds BEGIN itself; the transaction's later statements pass (set_trans_begin_hook_invoked).
    return this.afterBeginHook(true, () => {
      this.inTransaction = true;
      this.beginHookInvoked = true;
      return ok();
    });
  }

  private endTransaction(): void {
    this.tx = [];
    this.txAffected = 0;
    this.inTransaction = false;
    this.beginHookInvoked = false;
  }

  /**
   * Runs `statement` once the server's begin hook lets it start: at once when the hook does not
   * hold it (`holds` false) or the open transaction already passed the hook; otherwise after
   * before_transaction_begin at the session's level (consistency_manager.cc: BEFORE's sync message
   * and applier wait, the wait behind another member's prepared AFTER transaction, a new primary's
   * hold). Levels BEFORE and above need the member ONLINE (ER_GRP_TRX_CONSISTENCY_NOT_ALLOWED).
   */
  private afterBeginHook(holds: boolean, statement: () => StatementOutcome): StatementOutcome {
    const openTransaction = this.inTransaction || !this.autocommit;
    if (!holds || (openTransaction && this.beginHookInvoked)) return statement();
    const level = this.consistency;
    if ((level === 'BEFORE' || level === 'AFTER' || level === 'BEFORE_AND_AFTER') && this.member.state !== 'ONLINE') return E.consistencyNotAllowed();
    // A statement the hook lets through inside a transaction marks it (launch_hook_trans_begin sets
    // the mark only when the hook returned no error).
    if (openTransaction) this.beginHookInvoked = true;
    let begun = false;
    let refused: StatementOutcome | undefined;
    this.engine.sim._gr(this.member.slot).consistency.beginRead(level, this.waitTimeoutS(), () => { begun = true; }, (error) => {
      refused = E.fromClientError(error);
      if (openTransaction) this.beginHookInvoked = false;
    });
    if (begun) return statement();
    if (refused !== undefined) return refused; // the hook refused at once (ER_GRP_TRX_CONSISTENCY_BEGIN_NOT_ALLOWED)
    let outcome: StatementOutcome | undefined;
    const poll = (): StatementOutcome | undefined => {
      if (outcome === undefined) {
        if (refused !== undefined) outcome = refused;
        else if (!begun) return undefined;
        else outcome = statement();
      }
      return outcome.kind === 'pending' ? outcome.poll() : outcome;
    };
    return { kind: 'pending', poll };
  }

  /** The schema a write statement changes (db.table after INTO/UPDATE/FROM), or the current database. */
  private targetSchema(tokens: readonly Token[]): string | null {
    for (let k = 1; k < tokens.length; k++) {
      const t = tokens[k]!;
      if (t.kind !== 'ident' && t.kind !== 'quoted') continue;
      if (t.kind === 'ident' && ['INTO', 'FROM', 'IGNORE', 'LOW_PRIORITY', 'QUICK', 'DELAYED', 'HIGH_PRIORITY'].includes(t.text.toUpperCase())) continue;
      return isPunct(tokens[k + 1], '.') ? t.text.toLowerCase() : this.database;
    }
    return this.database;
  }

  /** INSERT/UPDATE/DELETE/REPLACE: checked by SQLite now, committed by the group. */
  private write(sql: string, tokens: readonly Token[]): StatementOutcome {
    const schema = this.targetSchema(tokens);
    if (schema !== null && isServedSchema(schema)) return this.unsupported(sql, `writes to ${schema}`);
    if (tokens.some((t) => isWord(t, 'DUPLICATE'))) return this.unsupported(sql, 'ON DUPLICATE KEY UPDATE');
    // INSERT IGNORE is SQLite's INSERT OR IGNORE.
    const text = isWord(tokens[0], 'INSERT') && isWord(tokens[1], 'IGNORE')
      ? `INSERT OR IGNORE ${rewrite(tokens, 2, tokens.length, this.ctx)}`
      : rewrite(tokens, 0, tokens.length, this.ctx);
    // In an open transaction the begin hook runs at its first statement (a write here), and COMMIT
    // then passes without it; an autocommit write runs the hook when it commits at once.
    if (this.inTransaction || !this.autocommit) return this.afterBeginHook(true, () => this.transactional(sql, { sql: text }, text));
    return this.transactional(sql, { sql: text }, text);
  }

  /**
   * Adds a write to the session's transaction after a trial run (SQLite checks it and counts its
   * rows, then it is undone): refused under super_read_only (ER_OPTION_PREVENTS_STATEMENT, checked
   * before tables are opened: sql/sql_parse.cc, deny_updates_if_read_only_option), committed at
   * once with autocommit.
   */
  private transactional(sql: string, stmt: TxStatement, trial: string | null, countsRows = true): StatementOutcome {
    let affected = 0, lastId = 0;
    let failure: E.ErrorOutcome | null = null;
    if (trial !== null) {
      const r = this.trial(sql, trial);
      if ('kind' in r) failure = r;
      else if (countsRows) ({ affected, lastId } = r);
    }
    if (failure !== null && failure.code === 1064) return failure;
    if (this.member.superReadOnly) return E.fromClientError(CLIENT_ERROR_SUPER_READ_ONLY);
    if (failure !== null) return failure;
    if (this.tx.length >= MAX_TRANSACTION_STATEMENTS) return this.unsupported(sql, `a transaction of more than ${MAX_TRANSACTION_STATEMENTS} statements`);
    this.tx.push(stmt);
    this.txAffected += affected;
    if (!this.inTransaction && this.autocommit) return this.commit(affected, lastId);
    return ok(affected, lastId);
  }

  /** Runs `text` after the open transaction's statements and undoes all: its row count, or its error. */
  private trial(sql: string, text: string): { affected: number; lastId: number } | E.ErrorOutcome {
    this.refresh();
    const db = this.mdb.db;
    db.run('SAVEPOINT grsim_trial');
    try {
      for (const s of this.tx) if ('sql' in s) db.run(s.sql);
      db.run(text);
      const affected = db.getRowsModified();
      const lastId = Number(db.exec('SELECT last_insert_rowid()')[0]?.values[0]?.[0] ?? 0);
      return { affected, lastId };
    } catch (e) {
      return this.sqliteError(sql, e);
    } finally {
      db.run('ROLLBACK TO grsim_trial');
      db.run('RELEASE grsim_trial');
    }
  }

  /**
   * COMMIT: the transaction becomes one write of this member in the simulation; the client waits
   * until the group orders it (OK, and its statements are applied here) or it fails (the write's
   * client error: 3100 when the member leaves the group, 1290 under super_read_only...).
   */
  private commit(affected: number, lastId: number): StatementOutcome {
    const statements = this.tx;
    const begun = this.beginHookInvoked;
    this.endTransaction();
    if (statements.length === 0) return ok();
    // The transaction runs with the session's group_replication_consistency (observer_trans.cc reads
    // it at commit); a transaction that passed the begin hook at an earlier statement does not run it again.
    const w = this.engine.sim._gr(this.member.slot).write(this.consistency, this.waitTimeoutS(), begun);
    let settled: StatementOutcome | undefined;
    // Idempotent: a second poll after the outcome returns it again without applying twice.
    const settle = (): StatementOutcome | undefined => {
      if (settled !== undefined || w.outcome === 'pending') return settled;
      if (w.outcome !== 'committed') settled = E.fromClientError(w.error ?? '');
      else {
        this.apply(statements);
        settled = ok(affected, lastId);
      }
      return settled;
    };
    const now = settle();
    if (now !== undefined) return now;
    return { kind: 'pending', poll: settle };
  }

  /** Applies a committed transaction's statements to the member's database. */
  private apply(statements: readonly TxStatement[]): void {
    const db = this.mdb.db;
    for (const s of statements) {
      if ('createDatabase' in s) {
        if (!this.mdb.userDatabases.has(s.createDatabase)) {
          db.run(`ATTACH ':memory:' AS ${sqlIdent(s.createDatabase)}`);
          this.mdb.userDatabases.add(s.createDatabase);
        }
      } else if ('dropDatabase' in s) {
        if (this.mdb.userDatabases.delete(s.dropDatabase)) db.run(`DETACH ${sqlIdent(s.dropDatabase)}`);
      } else {
        // Another session's commit may have changed the rows since the trial run; what fails now is skipped.
        try { db.run(s.sql); } catch { /* the group committed it; this member's copy of the data differs */ }
      }
    }
  }

  /** CREATE/DROP DATABASE and TABLE: each its own transaction (DDL commits implicitly: sql/sql_parse.cc, stmt_causes_implicit_commit). */
  private ddl(sql: string, tokens: readonly Token[], w0: string, w1: string): StatementOutcome {
    if (w1 === 'DATABASE' || w1 === 'SCHEMA') {
      const ifClause = isWord(tokens[2], 'IF');
      const nameAt = ifClause ? (w0 === 'CREATE' ? 5 : 4) : 2;
      const nameTok = tokens[nameAt];
      if (nameTok === undefined || (nameTok.kind !== 'ident' && nameTok.kind !== 'quoted')) return this.logged(sql, E.parseError(sql.slice(tokens[1]!.end).trim()));
      const name = nameTok.text.toLowerCase();
      const exists = this.mdb.userDatabases.has(name) || isServedSchema(name) || name === 'mysql';
      if (w0 === 'CREATE') {
        if (exists) return ifClause ? ok() : E.databaseExists(name);
        if (this.mdb.userDatabases.size >= MAX_USER_DATABASES) return this.unsupported(sql, `more than ${MAX_USER_DATABASES} databases`);
        return this.implicitCommit(sql, { createDatabase: name });
      }
      if (!this.mdb.userDatabases.has(name)) return exists ? this.unsupported(sql, `DROP DATABASE ${name}`) : ifClause ? ok() : E.databaseMissing(name);
      if (this.database === name) this.database = null;
      return this.implicitCommit(sql, { dropDatabase: name });
    }
    if (w1 === 'TABLE' || (w1 === 'TEMPORARY' && w0 === 'CREATE')) {
      if (w1 === 'TEMPORARY') return this.unsupported(sql, 'CREATE TEMPORARY TABLE');
      // CREATE TABLE IF NOT EXISTS / DROP TABLE IF EXISTS: the clause is taken out for the rewrite
      // and given back to SQLite, which spells it alike. Still a write: refused under
      // super_read_only whether or not the table exists, as MySQL checks before opening tables.
      const clause = w0 === 'CREATE' ? ['IF', 'NOT', 'EXISTS'] : ['IF', 'EXISTS'];
      const hasClause = clause.every((word, k) => isWord(tokens[2 + k], word));
      const body = hasClause ? [...tokens.slice(0, 2), ...tokens.slice(2 + clause.length)] : tokens;
      const schema = this.targetSchema(body.slice(1));
      if (schema !== null && isServedSchema(schema)) return this.unsupported(sql, `${w0} TABLE in ${schema}`);
      let text = w0 === 'CREATE' ? createTableSql(body, this.ctx) : rewrite(body, 0, body.length, this.ctx);
      if (hasClause) text = text.replace(/^(CREATE|DROP) TABLE /i, `$1 TABLE ${clause.join(' ')} `);
      return this.implicitCommit(sql, { sql: text }, text);
    }
    return this.unsupported(sql, `${w0} ${w1}`);
  }

  /** A DDL statement: the open transaction's writes and it commit together as one transaction. */
  private implicitCommit(sql: string, stmt: TxStatement, trial: string | null = null): StatementOutcome {
    this.inTransaction = false;
    // DDL reports no rows (SQLite's change count would be the previous statement's).
    return this.transactional(sql, stmt, trial, false);
  }

  // ------------------------------------------------------------------ operator statements

  /**
   * START GROUP_REPLICATION: returns once it has handled its join view (the member RECOVERING), or
   * fails when the start gives up (ER_GROUP_REPLICATION_CONFIGURATION). Up to 8.0.20 a START issued
   * while another START or STOP runs first waits for it, then runs with its own checks; from 8.0.21
   * it is refused at once (ERROR 3663).
   */
  private startGroupReplication(): StatementOutcome {
    const r = this.member.startGroupReplication();
    if (!r.ok) return E.fromClientError(r.error);
    return waitFor(this.engine.sim._gr(this.member.slot).startStop.lastStartOutcome()!, 'joined');
  }

  /**
   * START GROUP_REPLICATION's options from 8.0.21: `USER='u'`, `PASSWORD='p'`, `DEFAULT_AUTH='plugin'`,
   * comma-separated (sql/sql_yacc.yy, group_replication_start_options), null when they are right or
   * absent. The simulation has no recovery channel login to use them on: accepted and ignored
   * (docs/serve-sql.md). Before 8.0.21 the statement takes none: a syntax error.
   */
  private startOptionsRefused(sql: string, tokens: readonly Token[]): E.ErrorOutcome | null {
    if (tokens.length === 2) return null;
    const syntaxError = (k: number): E.ErrorOutcome => this.logged(sql, E.parseError(sql.slice(tokens[Math.min(k, tokens.length - 1)]!.start)));
    if (!versionAtLeast(this.engine.sim.version.serverVersion, [8, 0, 21])) return syntaxError(2);
    let user: string | null = null, password: string | null = null;
    for (let k = 2; k < tokens.length; k += 4) {
      const option = tokens[k]!, equals = tokens[k + 1], value = tokens[k + 2], after = tokens[k + 3];
      if (!(isWord(option, 'USER') || isWord(option, 'PASSWORD') || isWord(option, 'DEFAULT_AUTH'))) return syntaxError(k);
      if (!isPunct(equals, '=')) return syntaxError(k + 1);
      if (value?.kind !== 'string' || value.text.includes('\n')) return syntaxError(k + 2);
      if (after !== undefined && (!isPunct(after, ',') || k + 4 >= tokens.length)) return syntaxError(k + 3);
      // The parser's own checks, as each option is read.
      if (isWord(option, 'USER')) {
        if (value.text.length === 0) return E.startUserEmpty();
        user = value.text;
      } else if (isWord(option, 'PASSWORD')) {
        if (value.text.length > 32) return E.startPasswordLength();
        password = value.text;
      }
    }
    // sql/sql_parse.cc (SQLCOM_START_GROUP_REPLICATION): a PASSWORD needs a USER.
    if (password !== null && user === null) return E.startUserMandatory();
    return null;
  }

  /** STOP GROUP_REPLICATION: returns once the member left (plugin.cc, plugin_group_replication_stop waits for the leave view). */
  private stopGroupReplication(): StatementOutcome {
    const r = this.member.stopGroupReplication();
    if (!r.ok) return E.fromClientError(r.error);
    const gr = this.engine.sim._gr(this.member.slot);
    // Its own end, not the plugin's state: a START queued behind it may run at the same instant.
    const serial = gr.startStop.stopCommandsIssued();
    const settle = (): StatementOutcome | undefined => (gr.startStop.stopCommandEnded(serial) ? ok() : undefined);
    return settle() ?? { kind: 'pending', poll: settle };
  }
}

/** CREATE TABLE with MySQL's column and table options SQLite lacks removed (docs/serve-sql.md). */
function createTableSql(tokens: readonly Token[], ctx: RewriteContext): string {
  const open = tokens.findIndex((t) => isPunct(t, '('));
  if (open < 0) throw new UnsupportedSql('CREATE TABLE without a column list');
  const close = closingParen(tokens, open);
  if (close < 0) throw new UnsupportedSql('CREATE TABLE with an unbalanced column list');
  const head = rewrite(tokens, 0, open, ctx);
  const items: string[] = [];
  const parts = splitTopLevel(tokens, open + 1, close);
  // MySQL's AUTO_INCREMENT column becomes SQLite's rowid alias: INTEGER PRIMARY KEY, on the column itself.
  const autoColumn = parts.find(([s, e]) => tokens.slice(s, e).some((t) => isWord(t, 'AUTO_INCREMENT')));
  const autoName = autoColumn === undefined ? null : tokens[autoColumn[0]]!.text.toLowerCase();
  const autoHasKey = autoColumn !== undefined && tokens.slice(autoColumn[0], autoColumn[1]).some((t) => isWord(t, 'PRIMARY'));
  const tableCollation = declaredCollation(tokens, close + 1, tokens.length) ?? 'NOCASE';
  for (const [s, e] of parts) {
    const first = tokens[s]!.text.toUpperCase();
    if (first === 'KEY' || first === 'INDEX' || first === 'FULLTEXT' || first === 'SPATIAL') continue;
    if (autoName !== null && !autoHasKey && first === 'PRIMARY') {
      const cols = tokens.slice(s, e).filter((t) => t.kind === 'ident' || t.kind === 'quoted').map((t) => t.text.toLowerCase()).slice(2);
      if (cols.length === 1 && cols[0] === autoName) continue; // PRIMARY KEY (id) moves onto the column
    }
    const kept: Token[] = [];
    const isAuto = autoColumn !== undefined && s === autoColumn[0];
    const typeWord = tokens[s + 1]?.kind === 'ident' ? tokens[s + 1]!.text.toUpperCase() : '';
    const isColumn = !['PRIMARY', 'UNIQUE', 'CONSTRAINT', 'FOREIGN', 'CHECK'].includes(first) && tokens[s + 1] !== undefined;
    for (let k = s; k < e; k++) {
      const t = tokens[k]!;
      const w = t.kind === 'ident' ? t.text.toUpperCase() : '';
      // BINARY(n) and VARBINARY(n) hold bytes: SQLite's BLOB (its affinity rules would read them as NUMERIC).
      if (isColumn && k === s + 1 && (w === 'BINARY' || w === 'VARBINARY')) { kept.push({ ...t, text: 'BLOB' }); continue; }
      // The BINARY attribute of a text type (`VARCHAR(10) BINARY`) is its _bin collation: declaredCollation reads it.
      if (w === 'BINARY' && k > s + 1) continue;
      if (isAuto && k === s + 1) {
        // The column's type, with any display width: INTEGER.
        kept.push({ ...t, kind: 'ident', text: 'INTEGER' });
        if (isPunct(tokens[k + 1], '(')) k = closingParen(tokens, k + 1);
        if (!autoHasKey) kept.push({ ...t, kind: 'ident', text: 'PRIMARY' }, { ...t, kind: 'ident', text: 'KEY' });
        continue;
      }
      if (w === 'AUTO_INCREMENT' || w === 'UNSIGNED' || w === 'ZEROFILL') continue;
      if (w === 'COMMENT' || w === 'COLLATE' || w === 'CHARSET') { k++; continue; }
      if (w === 'CHARACTER' && isWord(tokens[k + 1], 'SET')) { k += 2; continue; }
      if (w === 'ON' && isWord(tokens[k + 1], 'UPDATE')) {
        k += 2; // ON UPDATE CURRENT_TIMESTAMP[(fsp)]
        if (isPunct(tokens[k + 1], '(')) k = Math.max(k, closingParen(tokens, k + 1));
        continue;
      }
      // UNIQUE KEY name (cols) → UNIQUE (cols)
      if ((w === 'KEY' || w === 'INDEX') && kept.length > 0 && isWord(kept[kept.length - 1], 'UNIQUE')) { if (!isPunct(tokens[k + 1], '(')) k++; continue; }
      kept.push(t);
    }
    let text = rewrite(kept, 0, kept.length, { database: null });
    // A text column compares in its collation: the one it declares, else the table's, else the
    // server's utf8mb4_0900_ai_ci (case-insensitive: SQLite's NOCASE).
    if (isColumn && TEXT_TYPES.has(typeWord)) text += ` COLLATE ${declaredCollation(tokens, s + 2, e) ?? tableCollation}`;
    items.push(text.replace(/DEFAULT __now\(\d\)/gi, 'DEFAULT CURRENT_TIMESTAMP'));
  }
  return `${head} (${items.join(', ')})`;
}

/** MySQL's text column types (the character string types; ENUM and SET values compare as their strings). */
const TEXT_TYPES = new Set(['CHAR', 'VARCHAR', 'TINYTEXT', 'TEXT', 'MEDIUMTEXT', 'LONGTEXT', 'ENUM', 'SET', 'NCHAR', 'NVARCHAR', 'NATIONAL', 'CHARACTER', 'VARCHARACTER', 'LONG']);

/**
 * The SQLite collation tokens[from, to) of a column or table definition declare: `COLLATE [=] name`,
 * `CHARACTER SET binary` / `CHARSET binary` and the BINARY attribute (a text type's _bin collation)
 * compare byte by byte; null when they declare none.
 */
function declaredCollation(tokens: readonly Token[], from: number, to: number): 'BINARY' | 'NOCASE' | null {
  let collation: 'BINARY' | 'NOCASE' | null = null;
  for (let k = from; k < to; k++) {
    const t = tokens[k]!;
    if (isWord(t, 'COLLATE')) {
      const name = tokens[isPunct(tokens[k + 1], '=') ? k + 2 : k + 1];
      collation = definitionCollation(name?.text ?? '');
    } else if (isWord(t, 'BINARY') && !isPunct(tokens[k + 1], '(')) collation = 'BINARY';
    else if (isWord(t, 'CHARSET') || (isWord(t, 'CHARACTER') && isWord(tokens[k + 1], 'SET'))) {
      let v = k + (isWord(t, 'CHARSET') ? 1 : 2);
      if (isPunct(tokens[v], '=')) v++;
      if (tokens[v]?.text.toLowerCase() === 'binary') collation = 'BINARY';
    }
  }
  return collation;
}

function toBool(v: SqlValue | boolean): boolean | null {
  if (typeof v === 'boolean') return v;
  if (v === 1 || v === '1') return true;
  if (v === 0 || v === '0') return false;
  const s = typeof v === 'string' ? v.toUpperCase() : '';
  if (s === 'ON' || s === 'TRUE') return true;
  if (s === 'OFF' || s === 'FALSE') return false;
  return null;
}

function toSqlValue(v: unknown): SqlValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  return String(v);
}

/** A result set: text values, each column typed by what it holds (integers LONGLONG, other numbers DOUBLE, else strings). */
function shapeRows(names: readonly string[], rows: readonly SqlValue[][]): StatementOutcome {
  const columns: ColumnSpec[] = names.map((name, c) => {
    let type: ColumnType | null = null;
    for (const r of rows) {
      const v = r[c];
      if (v === null || v === undefined) continue;
      const t: ColumnType = typeof v === 'number' ? (Number.isInteger(v) ? 'LONGLONG' : 'DOUBLE') : 'VAR_STRING';
      type = type === null || type === t ? t : type === 'VAR_STRING' || t === 'VAR_STRING' ? 'VAR_STRING' : 'DOUBLE';
    }
    return { name, table: '', type: type ?? (rows.length > 0 ? 'NULL' : 'VAR_STRING') };
  });
  return { kind: 'rows', columns, rows: rows.map((r) => r.map((v) => (v === null ? null : String(v)))) };
}

/** Fills a derived table with `rows`. */
function fill(db: Database, table: string, rows: readonly Row[]): void {
  const [schema, name] = table.split('.') as [string, string];
  const q = `${sqliteSchema(schema)}.${sqlIdent(name)}`;
  db.run(`DELETE FROM ${q}`);
  if (rows.length === 0) return;
  const stmt = db.prepare(`INSERT INTO ${q} VALUES (${rows[0]!.map(() => '?').join(', ')})`);
  try {
    for (const r of rows) stmt.run(r as SqlValue[]);
  } finally {
    stmt.free();
  }
}

/**
 * The statement engine of a simulation. SQLite must be loaded first (`await loadSqlEngine()`, once
 * per process): sessions are opened synchronously.
 */
/**
 * The SQL engine over `sim`. `options.waitTimeoutS`: the server's wait_timeout in seconds, each
 * session's until it sets its own (`grsim serve` passes its `wait_timeout`);
 * `options.interactiveTimeoutS`: its interactive_timeout, the starting wait_timeout of a session
 * whose client said CLIENT_INTERACTIVE. @defaultValue 28800 each
 */
export function createStatementEngine(sim: Simulation, options: { readonly waitTimeoutS?: number; readonly interactiveTimeoutS?: number } = {}): SimStatementEngine {
  if (sqlite() === null) throw new ConfigError('createStatementEngine', 'needs SQLite loaded first: await loadSqlEngine() once before creating the engine', null);
  const waitTimeoutS = options.waitTimeoutS === undefined ? WAIT_TIMEOUT_DEFAULT_S : parseWaitTimeout(options.waitTimeoutS, 'waitTimeoutS');
  const interactiveTimeoutS = options.interactiveTimeoutS === undefined ? WAIT_TIMEOUT_DEFAULT_S : parseWaitTimeout(options.interactiveTimeoutS, 'interactiveTimeoutS');
  return new Engine(sim, waitTimeoutS, interactiveTimeoutS);
}

/**
 * Tables of MySQL 8.0's information_schema the engine does not serve
 * (https://dev.mysql.com/doc/refman/8.0/en/information-schema-table-reference.html; INNODB_* too):
 * a query of one is ER_NOT_SUPPORTED_YET, not the error for a table MySQL does not have.
 */
const UNSERVED_INFORMATION_SCHEMA_TABLES = new Set([
  'ADMINISTRABLE_ROLE_AUTHORIZATIONS', 'APPLICABLE_ROLES', 'CHARACTER_SETS', 'CHECK_CONSTRAINTS', 'COLLATIONS',
  'COLLATION_CHARACTER_SET_APPLICABILITY', 'COLUMNS', 'COLUMNS_EXTENSIONS', 'COLUMN_PRIVILEGES', 'COLUMN_STATISTICS', 'ENABLED_ROLES',
  'ENGINES', 'EVENTS', 'FILES', 'KEYWORDS', 'KEY_COLUMN_USAGE', 'OPTIMIZER_TRACE', 'PARAMETERS', 'PARTITIONS', 'PROCESSLIST',
  'PROFILING', 'REFERENTIAL_CONSTRAINTS', 'RESOURCE_GROUPS', 'ROLE_COLUMN_GRANTS', 'ROLE_ROUTINE_GRANTS', 'ROLE_TABLE_GRANTS',
  'ROUTINES', 'SCHEMATA_EXTENSIONS', 'SCHEMA_PRIVILEGES', 'STATISTICS', 'ST_GEOMETRY_COLUMNS', 'ST_SPATIAL_REFERENCE_SYSTEMS',
  'ST_UNITS_OF_MEASURE', 'TABLES', 'TABLESPACES', 'TABLESPACES_EXTENSIONS', 'TABLES_EXTENSIONS', 'TABLE_CONSTRAINTS',
  'TABLE_CONSTRAINTS_EXTENSIONS', 'TABLE_PRIVILEGES', 'TRIGGERS', 'USER_ATTRIBUTES', 'USER_PRIVILEGES', 'VIEWS',
  'VIEW_ROUTINE_USAGE', 'VIEW_TABLE_USAGE',
]);

/**
 * The error for a query naming an information_schema table the engine does not serve:
 * ER_NOT_SUPPORTED_YET for a table MySQL 8.0 has, ER_UNKNOWN_TABLE for one it does not; null
 * when every such table is served.
 */
function informationSchemaTableMissing(sql: string, tables: readonly TableReference[]): E.ErrorOutcome | null {
  for (const t of tables) {
    if (t.schema !== INFORMATION_SCHEMA) continue;
    const upper = t.name.toUpperCase();
    if (INFORMATION_SCHEMA_TABLES.has(upper)) continue;
    if (UNSERVED_INFORMATION_SCHEMA_TABLES.has(upper) || upper.startsWith('INNODB_')) return E.notSupported(`information_schema.${upper}`);
    // The name as the statement spells it.
    const written = /^\w+$/.test(t.name) ? new RegExp(`\\b${t.name}\\b`, 'i').exec(sql)?.[0] ?? t.name : t.name;
    return E.unknownInformationSchemaTable(written);
  }
  return null;
}

/**
 * Whether the server's begin hook holds a query that names `tables` (sql/rpl_handler.cc,
 * launch_hook_trans_begin): a SELECT or DO without tables passes, and so does one whose every table
 * is in performance_schema or sys, or is information_schema.PROCESSLIST; any other table (a user
 * table, the InnoDB Cluster metadata) holds it.
 */
function beginHookHolds(tables: readonly TableReference[]): boolean {
  return tables.some((t) => !(t.schema === 'performance_schema' || t.schema === 'sys' || (t.schema === 'information_schema' && t.name === 'processlist')));
}
