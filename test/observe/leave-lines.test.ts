/**
 * One table of the lines after which a member removes itself (src/observe/leave-lines.ts), read the
 * same way by the metrics (a removal after one is a leave, not an expel) and by the
 * no-expel-without-majority invariant (a node that asked to go needs nobody's majority). Each line
 * of the table is tried on both; so is XCom's die_op exit in the shipped cache experiment, where the
 * returning member asks a peer to remove it (gcs_xcom_control_interface.cc do_remove_node_from_group)
 * and nobody requests its expel.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario, simulationOf, type SimEvent } from '../../src/index.js';
import { gcsText, msg } from '../../src/observe/error-codes.js';
import { OWN_LEAVE_LINES, startsOwnLeave } from '../../src/observe/leave-lines.js';
import { noExpelWithoutMajority } from '../../src/observe/invariants/index.js';
import { summarize } from '../../src/observe/metrics.js';
import { runRecordOf } from '../../src/observe/run-record.js';
import { ev, handRecord, SEC } from './fixtures.js';

/** A message the simulation writes with `code` and that holds the line's text, if it needs one. */
const messageOf = (text: string | undefined): string => (text === undefined ? '' : msg.gcs('ERROR', gcsText.tooFarAhead(2, '2301872c', 34, 0)).message);

/** c writes `line` while in the group [a, b, c]; a then installs [a, b]. */
const metricsOf = (line: SimEvent | null) => summarize(handRecord([
  ...(line === null ? [] : [line]),
  ev.view(11 * SEC, 'a', '100:3', ['a', 'b']),
  ev.view(11 * SEC, 'b', '100:3', ['a', 'b']),
]));

/** b writes `line` in the XCom configuration [a, b]; a then activates [a]: half the pair dropped. */
const invariantOf = (line: SimEvent | null) => noExpelWithoutMajority.check(handRecord([
  ev.config(1 * SEC, 'a', ['a', 'b'], 2, [1, 1]),
  ...(line === null ? [] : [line]),
  ev.config(6 * SEC, 'a', ['a'], 3, [1]),
]));

describe('the own-leave lines: one table for the metrics and the invariant', () => {
  it('without any line, the removal is an expel for the metrics and half a pair dropped for the invariant', () => {
    expect(metricsOf(null).expels).toHaveLength(1);
    expect(metricsOf(null).leaves).toEqual([]);
    expect(invariantOf(null)?.members).toEqual(['a', 'b']);
  });

  it.each(OWN_LEAVE_LINES.map((l) => [l.code, l.name, l.text, l.cause] as const))('%s (%s) makes the removal a leave in both', (code, _name, text, cause) => {
    const message = messageOf(text);
    expect(startsOwnLeave(code, message)).toBe(true);
    const sum = metricsOf(ev.log(10 * SEC, 'c', code, message));
    expect(sum.expels).toEqual([]);
    expect(sum.falseExpels).toBe(0);
    expect(sum.leaves).toEqual([{ member: 'c', remover: 'a', askedUs: 10 * SEC, removedUs: 11 * SEC, cause }]);
    expect(invariantOf(ev.log(5 * SEC, 'b', code, message))).toBeNull();
  });

  it('another MY-011735 line (the survivors\' eviction warning) is no leave in either', () => {
    const warning = msg.gcs('Warning', gcsText.messagesEvicted('10.0.0.3:33061'));
    expect(startsOwnLeave(warning.code, warning.message)).toBe(false);
    expect(metricsOf(ev.log(10 * SEC, 'c', warning.code, warning.message)).leaves).toEqual([]);
    expect(invariantOf(ev.log(5 * SEC, 'b', warning.code, warning.message))?.members).toEqual(['a', 'b']);
  });
});

describe('scenarios/seed-cache-experiment.yaml: node3\'s die_op exit is its own removal, not a (false) expel', () => {
  const sim = simulationOf(parseScenario(readFileSync(new URL('../../scenarios/seed-cache-experiment.yaml', import.meta.url), 'utf8'), 'seed-cache-experiment.yaml'));
  sim.runFor('290s');
  const sum = summarize(runRecordOf(sim));
  const die = sim.trace.find((e) => e.type === 'log' && e.member === 'node3' && e.message.includes('since the group is too far ahead'))!;

  it('no survivor requests node3\'s expel (expel timeout 3600 s): the removal is the die line\'s request', () => {
    expect(die).toBeDefined();
    expect(sim.trace.some((e) => e.type === 'suspicion' && e.action === 'expelRequested' && e.suspect === 'node3')).toBe(false);
  });

  it('the metrics list it as node3\'s leave, asked at its die line, and count no expel', () => {
    expect(sum.expels).toEqual([]);
    expect(sum.falseExpels).toBe(0);
    expect(sum.leaves).toHaveLength(1);
    expect(sum.leaves[0]).toMatchObject({ member: 'node3', askedUs: die.t, cause: 'xcom-exit' });
    expect(sum.leaves[0]!.removedUs).toBeGreaterThan(die.t);
  });

  it('the invariant accepts the run', () => {
    expect(noExpelWithoutMajority.check(runRecordOf(sim))).toBeNull();
  });
});
