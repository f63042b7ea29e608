import { firstPerInstant, memberIndex } from '../run-record.js';
import { type Violation, type Invariant, violation } from './invariant.js';

const ERROR_SRO = 'error-implies-super-read-only';

/** A running member in ERROR always has super_read_only ON. */
export const errorImpliesSuperReadOnly: Invariant = {
  name: ERROR_SRO,
  description:
    'After all events of an instant, every member whose own state is ERROR and whose server is running has ' +
    'super_read_only ON (a stopped server, e.g. after ABORT_SERVER, is exempt).',
  mysqlRule:
    'leave_group_on_failure logs MY-011712 and sets super_read_only=ON in every failure path; READ_ONLY is applied ' +
    'always, before any exit action (docs/mysql-behaviour.md; ' +
    'src/leave_group_on_failure.cc).',
  check(record) {
    const idx = memberIndex(record);
    const n = record.members.length;
    const error = new Uint8Array(n), sro = new Uint8Array(n), running = new Uint8Array(n).fill(1);
    const touched: number[] = [];
    const flush = (batchT: number): Violation | null => {
      for (const i of touched) {
        if (error[i] === 1 && running[i] === 1 && sro[i] === 0) {
          return violation(ERROR_SRO, batchT, [record.members[i]!.name], `${record.members[i]!.name} is in ERROR with super_read_only OFF`);
        }
      }
      touched.length = 0;
      return null;
    };
    return firstPerInstant(record.trace, (e) => {
      if (e.type === 'flags') {
        const i = idx.get(e.member);
        if (i === undefined) return null;
        sro[i] = e.superReadOnly ? 1 : 0;
        running[i] = e.running ? 1 : 0;
        touched.push(i);
      } else if (e.type === 'stateChange' && e.observer === e.member) {
        const i = idx.get(e.member);
        if (i === undefined) return null;
        error[i] = e.state === 'ERROR' ? 1 : 0;
        touched.push(i);
      } else if (e.type === 'network' && (e.action === 'crash' || e.action === 'restart')) {
        const i = idx.get(e.detail);
        if (i === undefined) return null;
        running[i] = e.action === 'restart' ? 1 : 0;
        touched.push(i);
      }
      return null;
    }, flush);
  },
};
