import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { threeMembers } from './helpers.js';

/** Fragments that make SQL-like soup: keywords, names, literals, variables, punctuation, comments. */
const FRAGMENTS = [
  'SELECT', 'FROM', 'WHERE', 'JOIN', 'USING', '(', ')', ',', '.', ';', '*', '/', '=', '<=>', '||', '&&', "'x'", '"y"', '`z`', '1', '2.5',
  '@@port', '@@GLOBAL.read_only', '@v', 'IF', 'CONCAT', 'GROUP_CONCAT', 'SEPARATOR', 'AS', 'performance_schema', 'replication_group_members',
  'member_id', 'SHOW', 'VARIABLES', 'STATUS', 'LIKE', 'SET', 'SESSION', 'GLOBAL', 'INSERT', 'INTO', 'VALUES', 'UPDATE', 'DELETE',
  'CREATE', 'TABLE', 'DATABASE', 'DROP', 'USE', 'BEGIN', 'COMMIT', 'ROLLBACK', 'START', 'STOP', 'GROUP_REPLICATION', 'WITH', 'CAST',
  'BINARY', 'LIMIT', 'ORDER', 'BY', '/*', '*/', '/*!80000', '--', '#', '\n', "'unterminated", '\\', ':=', 'DIV', 'MOD',
];

describe('the engine answers any statement with an outcome', () => {
  it('never throws on SQL-like soup, and every error carries a MySQL code and SQLSTATE', async () => {
    const { sim, engine } = await threeMembers(7);
    const sessions = sim.members.map((m) => engine.openSession(m.name, 'root', null));
    fc.assert(fc.property(
      fc.array(fc.constantFrom(...FRAGMENTS), { minLength: 1, maxLength: 14 }), fc.nat(2),
      (parts, at) => {
        const o = sessions[at]!.execute(parts.join(' '));
        expect(['rows', 'ok', 'error', 'pending']).toContain(o.kind);
        if (o.kind === 'error') {
          expect(o.code).toBeGreaterThanOrEqual(1000);
          expect(o.sqlState).toMatch(/^[0-9A-Z]{5}$/);
        }
      },
    ), { numRuns: 400, seed: 14 });
  });
});
