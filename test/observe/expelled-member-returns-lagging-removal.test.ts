/**
 * expelled-member-returns-as-new-incarnation judges a removal where the group made it, not where a
 * lagging member repeats it (docs/findings/README.md, "expelled-member-returns-as-new-incarnation,
 * flap and drop"). XCom's configurations are one order every member executes (xcom_base.cc,
 * handle_config / execute_msg: each site_def starts at its own synode), so a member whose executor
 * is behind activates an old removal after the others already re-admitted a newer incarnation.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expelledMemberReturnsAsNewIncarnation } from '../../src/observe/invariants/index.js';
import { runRecordOf } from '../../src/observe/run-record.js';
import { parseScenario, runScenario, type ConfigEvent } from '../../src/index.js';
import { ev, handRecord, SEC } from './fixtures.js';

const FILE = new URL('./scenarios/lagging-member-late-removal.yaml', import.meta.url);

describe('expelled-member-returns-as-new-incarnation and a lagging member', () => {
  it('accepts the explore run: node2 activates the removal of node4#1 after node4#2 was re-admitted', () => {
    const sim = runScenario(parseScenario(readFileSync(FILE, 'utf8'), 'lagging-member-late-removal.yaml')).sim;
    const configs = sim.trace.filter((e): e is ConfigEvent => e.type === 'config');
    const readmit = configs.find((e) => e.nodes.includes('node4') && e.incarnations![e.nodes.indexOf('node4')] === 2)!;
    const lateRemoval = configs.find((e) => e.member === 'node2' && e.configId === 2)!;
    // The faithful run: configuration 5 re-admits node4#2 on node3 and node5 before node2, lagging,
    // activates configuration 2 (which removed node4#1); node5 then shows node4 ONLINE.
    expect(readmit.configId).toBe(5);
    expect(lateRemoval.nodes).not.toContain('node4');
    expect(lateRemoval.t).toBeGreaterThan(readmit.t);
    expect(sim.trace.some((e) => e.type === 'stateChange' && e.observer === 'node5' && e.member === 'node4' &&
      e.state === 'ONLINE' && e.t > lateRemoval.t)).toBe(true);
    expect(expelledMemberReturnsAsNewIncarnation.check(runRecordOf(sim))).toBeNull();
  });

  const lagged = [
    ev.config(1 * SEC, 'b', ['a', 'b', 'c'], 1, [1, 1, 1]),
    ev.config(1 * SEC, 'c', ['a', 'b', 'c'], 1, [1, 1, 1]),
    ev.config(20 * SEC, 'b', ['b', 'c'], 2, [1, 1]),
    ev.sees(20 * SEC + 10, 'b', 'a', null, ''),
    ev.config(25 * SEC, 'b', ['b', 'c', 'a'], 3, [1, 1, 2]),
    // c lags: it activates configuration 2 only now, after b's configuration 3 admitted a#2.
    ev.config(27 * SEC, 'c', ['b', 'c'], 2, [1, 1]),
    ev.sees(28 * SEC, 'b', 'a', 'RECOVERING'),
  ];
  it('accepts a late activation of an old removal on a hand-made trace', () => {
    expect(expelledMemberReturnsAsNewIncarnation.check(handRecord([...lagged, ev.sees(29 * SEC, 'b', 'a', 'ONLINE')]))).toBeNull();
  });
  it('still rejects the new incarnation shown ONLINE after the group removed it too', () => {
    const v = expelledMemberReturnsAsNewIncarnation.check(handRecord([
      ...lagged, ev.config(30 * SEC, 'b', ['b', 'c'], 4, [1, 1]), ev.sees(30 * SEC + 10, 'b', 'a', null, ''),
      ev.sees(40 * SEC, 'b', 'a', 'ONLINE'),
    ]));
    expect(v).toMatchObject({ t: 40 * SEC, members: ['a', 'b'] });
    expect(v!.message).toContain('incarnation 2');
  });
});
