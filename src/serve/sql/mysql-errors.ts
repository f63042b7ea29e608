import type { StatementOutcome } from '../statement-engine.js';

/**
 * The MySQL errors the statement engine returns, with MySQL's codes, SQLSTATEs and message
 * formats (share/messages_to_clients.txt, which generates include/mysqld_error.h).
 */
export type ErrorOutcome = Extract<StatementOutcome, { kind: 'error' }>;

function error(code: number, sqlState: string, message: string): ErrorOutcome {
  return { kind: 'error', code, sqlState, message };
}

/** ER_NOT_SUPPORTED_YET (1235, 42000). */
export function notSupported(what: string): ErrorOutcome {
  return error(1235, '42000', `This version of MySQL doesn't yet support '${what}'`);
}

/** ER_PARSE_ERROR (1064, 42000): `near` is the statement text from where parsing failed. */
export function parseError(near: string): ErrorOutcome {
  return error(1064, '42000', `You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '${near.slice(0, 80)}' at line 1`);
}

/** ER_NO_SUCH_TABLE (1146, 42S02). */
export function noSuchTable(qualified: string): ErrorOutcome {
  return error(1146, '42S02', `Table '${qualified}' doesn't exist`);
}

/**
 * ER_UNKNOWN_TABLE (1109, 42S02): a table information_schema does not have, as MySQL 8.0 names it
 * ("Unknown table 'GLOBAL_VARIABLES' in information_schema" after the 5.7 tables moved to performance_schema).
 */
export function unknownInformationSchemaTable(name: string): ErrorOutcome {
  return error(1109, '42S02', `Unknown table '${name}' in information_schema`);
}

/** ER_BAD_FIELD_ERROR (1054, 42S22). */
export function badField(column: string, where: string): ErrorOutcome {
  return error(1054, '42S22', `Unknown column '${column}' in '${where}'`);
}

/** ER_SP_DOES_NOT_EXIST (1305, 42000): a call of a function the server does not have, named with its database. */
export function functionDoesNotExist(qualified: string): ErrorOutcome {
  return error(1305, '42000', `FUNCTION ${qualified} does not exist`);
}

/** ER_NO_DB_ERROR (1046, 3D000). */
export function noDatabaseSelected(): ErrorOutcome {
  return error(1046, '3D000', 'No database selected');
}

/** ER_BAD_DB_ERROR (1049, 42000). */
export function unknownDatabase(db: string): ErrorOutcome {
  return error(1049, '42000', `Unknown database '${db}'`);
}

/** ER_DB_CREATE_EXISTS (1007, HY000). */
export function databaseExists(db: string): ErrorOutcome {
  return error(1007, 'HY000', `Can't create database '${db}'; database exists`);
}

/** ER_DB_DROP_EXISTS (1008, HY000). */
export function databaseMissing(db: string): ErrorOutcome {
  return error(1008, 'HY000', `Can't drop database '${db}'; database doesn't exist`);
}

/** ER_UNKNOWN_SYSTEM_VARIABLE (1193, HY000). */
export function unknownSystemVariable(name: string): ErrorOutcome {
  return error(1193, 'HY000', `Unknown system variable '${name}'`);
}

/** ER_GLOBAL_VARIABLE (1229, HY000): a GLOBAL-only variable set with SESSION scope. */
export function globalVariable(name: string): ErrorOutcome {
  return error(1229, 'HY000', `Variable '${name}' is a GLOBAL variable and should be set with SET GLOBAL`);
}

/** ER_INCORRECT_GLOBAL_LOCAL_VAR (1238, HY000): a read-only variable. */
export function readOnlyVariable(name: string): ErrorOutcome {
  return error(1238, 'HY000', `Variable '${name}' is a read only variable`);
}

/** ER_WRONG_VALUE_FOR_VAR (1231, 42000). */
export function wrongValueForVariable(name: string, value: string): ErrorOutcome {
  return error(1231, '42000', `Variable '${name}' can't be set to the value of '${value}'`);
}

/**
 * ER_GRP_TRX_CONSISTENCY_NOT_ALLOWED (3796, HY000): a transaction at BEFORE, AFTER or
 * BEFORE_AND_AFTER on a member that is not ONLINE (consistency_manager.cc, before_transaction_begin).
 */
export function consistencyNotAllowed(): ErrorOutcome {
  return error(3796, 'HY000', 'The option group_replication_consistency cannot be used on the current member state.');
}

/** ER_GROUP_REPLICATION_RUNNING (3093, HY000): single_primary_mode may not change while GR runs (plugin.cc, check_single_primary_mode). */
export function changeWhileRunning(): ErrorOutcome {
  return error(3093, 'HY000', 'Cannot change into or from single primary mode while Group Replication is running.');
}

/**
 * A MySQL error found while translating a statement (dialect.ts), thrown to the session, which
 * answers the client with `outcome`.
 */
export class MysqlError extends Error {
  constructor(readonly outcome: ErrorOutcome) {
    super(outcome.message);
  }
}

/**
 * A syntax error MySQL's parser reports at character `at` of the statement (ER_PARSE_ERROR, near
 * the text from there), thrown to the session while translating it.
 */
export class SyntaxErrorAt extends Error {
  constructor(readonly at: number) {
    super(`syntax error at ${at}`);
  }
}

/** ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT (1582, 42000): a built-in function called with the wrong number of arguments (sql/item_create.cc). */
export function wrongParamCount(name: string): ErrorOutcome {
  return error(1582, '42000', `Incorrect parameter count in the call to native function '${name}'`);
}

/** ER_TOO_BIG_PRECISION (1426, 42000): NOW(7) and the like (sql/item_timefunc.cc, Item_temporal_func::check_precision; the maximum is DATETIME_MAX_DECIMALS, 6). */
export function tooBigPrecision(precision: number, func: string): ErrorOutcome {
  return error(1426, '42000', `Too-big precision ${precision} specified for '${func}'. Maximum is 6.`);
}

/**
 * ER_GRP_RPL_UDF_ERROR (3910, HY000): a Group Replication UDF failed while it ran, after its init
 * function accepted the call (plugin/group_replication/src/udf/udf_utils.cc, throw_udf_error).
 */
export function udfError(udf: string, why: string): ErrorOutcome {
  return error(3910, 'HY000', `The function '${udf}' failed. ${why}`);
}

/** ER_CANT_INITIALIZE_UDF (1123, HY000): a UDF's init function refused its call (sql/item_func.cc, udf_handler::fix_fields). */
export function cantInitializeUdf(udf: string, why: string): ErrorOutcome {
  return error(1123, 'HY000', `Can't initialize function '${udf}'; ${why}`);
}

/** ER_GROUP_REPLICATION_USER_EMPTY_MSG (3970, HY000): START GROUP_REPLICATION USER='' (sql/sql_yacc.yy, group_replication_user). */
export function startUserEmpty(): ErrorOutcome {
  return error(3970, 'HY000', 'The START GROUP_REPLICATION command failed since the username provided for recovery channel is empty.');
}

/** ER_GROUP_REPLICATION_USER_MANDATORY_MSG (3971, HY000): START GROUP_REPLICATION PASSWORD without USER (sql/sql_parse.cc, SQLCOM_START_GROUP_REPLICATION). */
export function startUserMandatory(): ErrorOutcome {
  return error(3971, 'HY000', 'The START GROUP_REPLICATION command failed since the USER option was not provided with PASSWORD for recovery channel.');
}

/** ER_GROUP_REPLICATION_PASSWORD_LENGTH (3972, HY000): a PASSWORD longer than 32 characters (sql/sql_yacc.yy, group_replication_password). */
export function startPasswordLength(): ErrorOutcome {
  return error(3972, 'HY000', 'The START GROUP_REPLICATION command failed since the password provided for the recovery channel exceeds the maximum length of 32 characters.');
}

/**
 * SET GLOBAL group_replication_autorejoin_tries during an auto-rejoin: my_message with
 * ER_DA_GRP_RPL_STARTED_AUTO_REJOIN's number (3916, HY000) and its own text (plugin.cc, check_autorejoin_tries).
 */
export function autorejoinRunning(): ErrorOutcome {
  return error(3916, 'HY000', 'Cannot update the number of auto-rejoin retry attempts when an auto-rejoin process is already running.');
}

/** ER_EMPTY_QUERY (1065, 42000). */
export function emptyQuery(): ErrorOutcome {
  return error(1065, '42000', 'Query was empty');
}

/** ER_DUP_ENTRY (1062, 23000); SQLite names the key's columns, not the duplicate value. */
export function duplicateEntry(key: string): ErrorOutcome {
  return error(1062, '23000', `Duplicate entry for key '${key}'`);
}

/** ER_BAD_NULL_ERROR (1048, 23000). */
export function columnCannotBeNull(column: string): ErrorOutcome {
  return error(1048, '23000', `Column '${column}' cannot be null`);
}

/** ER_TABLE_EXISTS_ERROR (1050, 42S01). */
export function tableExists(table: string): ErrorOutcome {
  return error(1050, '42S01', `Table '${table}' already exists`);
}

/**
 * A client error as grsim's write records carry it ("ERROR 3100 (HY000): message", the format of
 * src/observe/error-codes.ts) turned into an error outcome.
 */
export function fromClientError(text: string): ErrorOutcome {
  const m = /^ERROR (\d+) \(([0-9A-Z]{5})\): (.*)$/s.exec(text);
  if (m === null) return error(3100, 'HY000', text);
  return error(Number(m[1]), m[2]!, m[3]!);
}
