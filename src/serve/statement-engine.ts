/**
 * The seam between `grsim serve`'s two halves: the MySQL wire protocol (connections, handshake,
 * authentication, packets; src/serve/protocol/) and the statement engine that answers a
 * statement from the simulated state at one member (src/serve/sql/). The protocol side knows
 * nothing of SQL; the engine knows nothing of packets.
 */

/** How a result column is typed on the wire (a subset of MySQL's enum_field_types). */
export type ColumnType = 'VAR_STRING' | 'LONGLONG' | 'DOUBLE' | 'NULL';

export interface ColumnSpec {
  /** The column's name as the client sees it (its alias when the query gives one). */
  readonly name: string;
  /** The table it comes from, '' for an expression. */
  readonly table: string;
  readonly type: ColumnType;
}

/** A statement's outcome; text-protocol values are strings, or null for SQL NULL. */
export type StatementOutcome =
  | { readonly kind: 'rows'; readonly columns: readonly ColumnSpec[]; readonly rows: readonly (readonly (string | null)[])[] }
  | { readonly kind: 'ok'; readonly affectedRows: number; readonly lastInsertId: number; readonly warnings: number; readonly info?: string }
  | { readonly kind: 'error'; readonly code: number; readonly sqlState: string; readonly message: string }
  /**
   * A statement that waits for the simulated group (a COMMIT while the member is in a minority,
   * an AFTER-consistency commit). The server calls poll() after every advance of virtual time
   * and answers the client once it returns an outcome that is not 'pending'.
   */
  | { readonly kind: 'pending'; poll(): StatementOutcome | undefined };

/** One client connection's session at one member. */
export interface SqlSession {
  /** COM_QUERY: one statement (multi-statements are off). */
  execute(sql: string): StatementOutcome;
  /** COM_INIT_DB. */
  initDb(database: string): StatementOutcome;
  /** COM_QUIT or a dropped connection: an open transaction is rolled back. */
  close(): void;
  /**
   * The session's wait_timeout in seconds (SET SESSION wait_timeout): how long the connection may
   * sit idle before the server closes it with ERROR 4031. Optional: without it the server's
   * `wait_timeout` applies to every connection.
   */
  waitTimeoutS?(): number;
}

/** What the handshake says of the client. */
export interface ClientInfo {
  /**
   * CLIENT_INTERACTIVE: the session's wait_timeout starts from interactive_timeout
   * (sql/auth/sql_authentication.cc, server_mpvio_update_thd, copies net_interactive_timeout into
   * net_wait_timeout for such a client).
   */
  readonly interactive: boolean;
}

export interface StatementEngine {
  /** A new session at `member` (a member name of the simulation) for an authenticated `user`. */
  openSession(member: string, user: string, database: string | null, client?: ClientInfo): SqlSession;
}
