import initSqlJs, { type SqlJsStatic } from 'sql.js';

/**
 * SQLite compiled to WebAssembly (sql.js): no native build, no network once installed. Its
 * WebAssembly module compiles asynchronously, once per process, so the engine is usable after
 * loadSqlEngine() has resolved.
 */
let loaded: SqlJsStatic | null = null;
let loading: Promise<SqlJsStatic> | null = null;

/** Loads SQLite once per process (idempotent). createStatementEngine() needs it done. */
export async function loadSqlEngine(): Promise<void> {
  if (loaded !== null) return;
  loading ??= initSqlJs();
  loaded = await loading;
}

/** The loaded SQLite module, or null before loadSqlEngine() resolved. */
export function sqlite(): SqlJsStatic | null {
  return loaded;
}
