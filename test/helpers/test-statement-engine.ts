import type { Simulation } from '../../src/index.js';
import type { ClientInfo, ColumnSpec, SqlSession, StatementEngine, StatementOutcome } from '../../src/serve/statement-engine.js';

/**
 * A statement engine for the wire-protocol tests only: it knows a handful of fixed statements, so
 * the tests exercise packets, not SQL. The real engine lives in src/serve/sql.
 *
 * - `SELECT 1` → one LONGLONG column `1`, one row.
 * - `select @@version_comment limit 1` → what the mysql/mariadb command-line clients ask first.
 * - `SELECT * FROM t` → the fixed table FIXED_TABLE (strings, numbers, a NULL).
 * - `SELECT @@hostname` → the member's name (which member a port reaches).
 * - `SELECT member_state` → the member's own GR state, read from the simulation.
 * - `COMMIT WAIT 5s` → pending until five virtual seconds have passed, then OK with info.
 * - `SELECT REPEAT` → one row holding a 20,000,000-character string (a split result packet).
 * - `THROW` → the engine throws (a bug), for the onError path.
 * - anything else → ERROR 1064 (42000).
 * - COM_INIT_DB `nosuch` → ERROR 1049 (42000); any other name → OK.
 */
export const FIXED_TABLE: { readonly columns: readonly ColumnSpec[]; readonly rows: readonly (readonly (string | null)[])[] } = {
  columns: [
    { name: 'id', table: 't', type: 'LONGLONG' },
    { name: 'name', table: 't', type: 'VAR_STRING' },
    { name: 'score', table: 't', type: 'DOUBLE' },
    { name: 'note', table: 't', type: 'VAR_STRING' },
  ],
  rows: [
    ['1', 'node1', '1.5', null],
    ['2', 'ünïcødé ✓', '-0.25', 'x'],
    ['3', '', '1e+21', ''],
  ],
};

export interface TestEngine extends StatementEngine {
  /** Sessions opened: member, user, database, and whether the client said CLIENT_INTERACTIVE. */
  readonly opened: { member: string; user: string; database: string | null; interactive: boolean }[];
  /** Sessions closed so far. */
  closedCount: number;
  /** Every statement each member received, in order. */
  readonly statements: { member: string; sql: string }[];
}

export function testStatementEngine(sim: Simulation): TestEngine {
  const engine: TestEngine = {
    opened: [],
    closedCount: 0,
    statements: [],
    openSession(member: string, user: string, database: string | null, client?: ClientInfo): SqlSession {
      engine.opened.push({ member, user, database, interactive: client?.interactive === true });
      let open = true;
      return {
        execute(sql: string): StatementOutcome {
          if (!open) throw new Error('statement on a closed session');
          engine.statements.push({ member, sql });
          const s = sql.trim();
          if (s === 'SELECT 1') return { kind: 'rows', columns: [{ name: '1', table: '', type: 'LONGLONG' }], rows: [['1']] };
          if (/^select @@version_comment limit 1$/i.test(s)) {
            return { kind: 'rows', columns: [{ name: '@@version_comment', table: '', type: 'VAR_STRING' }], rows: [['grsim test engine']] };
          }
          if (s === 'SELECT * FROM t') return { kind: 'rows', ...FIXED_TABLE };
          if (s === 'SELECT @@hostname') return { kind: 'rows', columns: [{ name: '@@hostname', table: '', type: 'VAR_STRING' }], rows: [[member]] };
          if (s === 'SELECT member_state') return { kind: 'rows', columns: [{ name: 'member_state', table: '', type: 'VAR_STRING' }], rows: [[sim.member(member).state]] };
          if (s === 'SELECT REPEAT') return { kind: 'rows', columns: [{ name: 'r', table: '', type: 'VAR_STRING' }], rows: [['y'.repeat(20_000_000)]] };
          if (s === 'THROW') throw new Error('test engine asked to fail');
          if (s === 'COMMIT WAIT 5s') {
            const doneUs = sim.nowUs + 5_000_000;
            return {
              kind: 'pending',
              poll: () => (sim.nowUs >= doneUs ? { kind: 'ok', affectedRows: 0, lastInsertId: 0, warnings: 0, info: `committed at ${sim.nowUs}` } : undefined),
            };
          }
          return { kind: 'error', code: 1064, sqlState: '42000', message: `You have an error in your SQL syntax near '${s.slice(0, 80)}'` };
        },
        initDb(database: string): StatementOutcome {
          if (database === 'nosuch') return { kind: 'error', code: 1049, sqlState: '42000', message: `Unknown database '${database}'` };
          return { kind: 'ok', affectedRows: 0, lastInsertId: 0, warnings: 0 };
        },
        close(): void {
          if (open) engine.closedCount++;
          open = false;
        },
      };
    },
  };
  return engine;
}
