import type { SqlJsStatic } from 'sql.js';

/**
 * SQLite compiled to WebAssembly (sql.js): no native build, no network once installed. Its
 * WebAssembly module compiles asynchronously, once per process, so the engine is usable after
 * loadSqlEngine() has resolved. sql.js is imported here, on first use, so that loading grsim does
 * not load it.
 */
let loaded: SqlJsStatic | null = null;
let loading: Promise<SqlJsStatic> | null = null;

/** Loads SQLite once per process (idempotent). createStatementEngine() needs it done. */
export async function loadSqlEngine(): Promise<void> {
  if (loaded !== null) return;
  loading ??= import('sql.js').then((m) => m.default());
  loaded = await loading;
}

/** The loaded SQLite module, or null before loadSqlEngine() resolved. */
export function sqlite(): SqlJsStatic | null {
  return loaded;
}
