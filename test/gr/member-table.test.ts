/** MemberTable: its bit mask is always the set of slots it holds, whatever sets, deletes and clears ran. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemberTable } from '../../src/gr/member-info.js';

describe('MemberTable', () => {
  it('keeps its mask equal to its keys through set, delete and clear', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), slot: fc.nat(15) }),
      fc.record({ kind: fc.constant('delete' as const), slot: fc.nat(15) }),
      fc.record({ kind: fc.constant('clear' as const) }),
    );
    fc.assert(fc.property(fc.array(op, { minLength: 10, maxLength: 60 }), (ops) => {
      const table = new MemberTable();
      for (const o of ops) {
        if (o.kind === 'set') table.set(o.slot, { state: 'ONLINE', role: 'PRIMARY', unreachable: false });
        else if (o.kind === 'delete') table.delete(o.slot);
        else table.clear();
        let keys = 0;
        for (const slot of table.keys()) keys |= 1 << slot;
        expect(table.mask).toBe(keys);
      }
    }), { numRuns: 200 });
  });
});
