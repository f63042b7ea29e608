/**
 * `grsim/serve`: every member of a simulation answers the MySQL protocol (docs/serve.md). A
 * subpath of its own so that the core entry stays free of sockets.
 */
export { serve, resolveAccounts, ListenError } from './serve.js';
export type { ServeHandle, ServeOptions, ServeAccount, AuthPluginName } from './serve.js';
export type { Account } from './protocol/connection.js';
export type { ClientInfo, StatementEngine, SqlSession, StatementOutcome, ColumnSpec, ColumnType } from './statement-engine.js';
