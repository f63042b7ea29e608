/**
 * A compiled fault schedule cuts exactly the links its faults cut, at every instant, although
 * `heal` restores every link of its member (issue 11): an isolation that overlaps another fault
 * touching the same member must not end that fault early.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { faultSchedule, scheduleToScenario, type Fault, type FaultSchedule, type GroupSetup } from '../../src/arbitraries/index.js';
import { LinkFaults } from '../../src/network/link-faults.js';
import type { ScenarioAction } from '../../src/scenario/scenario.js';

const S = 1_000_000;
const setup4: GroupSetup = { members: ['node1', 'node2', 'node3', 'node4'], mode: 'multi-primary', version: '8.0.21', options: {} };

/** The links an isolate, split or one-way fault cuts (written out here, independently of the compiler). */
function intendedCut(f: Fault, names: readonly string[], from: string, to: string): boolean {
  switch (f.kind) {
    case 'isolate': return from === f.member || to === f.member;
    case 'split': return f.side.includes(from) !== f.side.includes(to);
    case 'one-way': return from === f.from && to === f.to;
    default: return false;
  }
}

function apply(links: LinkFaults, names: readonly string[], a: ScenarioAction): void {
  const i = (m: string): number => names.indexOf(m);
  if ('isolate' in a) links.isolate(i(a.isolate));
  else if ('heal' in a) { if (a.heal === 'all') links.healAll(); else links.heal(i(a.heal)); }
  else if ('cut' in a) links.cut(i(a.cut.from), i(a.cut.to));
  else if ('restore' in a) { if (a.restore === 'all') links.restoreAll(); else links.restore(i(a.restore.from), i(a.restore.to)); }
  else if ('partition' in a) links.partition(a.partition.map((g) => g.map(i)));
  else if ('repair' in a) links.repair();
}

/** Checks the compiled scenario's links after every instant with events against the faults in force. */
function checkLinks(schedule: FaultSchedule): void {
  const names = schedule.setup.members;
  const scenario = scheduleToScenario(schedule, 1);
  const links = new LinkFaults(names.length);
  const times = [...new Set(scenario.events.map((e) => e.atUs))];
  for (const t of times) {
    for (const e of scenario.events) if (e.atUs === t) apply(links, names, e.action);
    for (const from of names) {
      for (const to of names) {
        if (from === to) continue;
        const cut = schedule.faults.some((f) => f.atUs <= t && t < f.atUs + f.durationUs && intendedCut(f, names, from, to));
        expect(links.isUp(names.indexOf(from), names.indexOf(to)), `${from} → ${to} at ${t / S} s`).toBe(!cut);
      }
    }
  }
}

describe('scheduleToScenario with heal restoring every link of its member', () => {
  it('an isolation inside a split of the same member is counted link by link: the split outlives it', () => {
    const faults: Fault[] = [
      { kind: 'split', side: ['node1', 'node2'], atUs: 10 * S, durationUs: 30 * S },
      { kind: 'isolate', member: 'node3', atUs: 15 * S, durationUs: 10 * S },
    ];
    const schedule = { setup: setup4, faults, durationUs: 60 * S };
    const actions = scheduleToScenario(schedule, 1).events.map((e) => e.action);
    expect(actions.some((a) => 'heal' in a)).toBe(false);
    checkLinks(schedule);
  });

  it('an isolation that no other fault touches stays an isolate/heal pair', () => {
    const faults: Fault[] = [
      { kind: 'one-way', from: 'node1', to: 'node2', atUs: 10 * S, durationUs: 30 * S },
      { kind: 'isolate', member: 'node3', atUs: 15 * S, durationUs: 10 * S },
    ];
    const actions = scheduleToScenario({ setup: setup4, faults, durationUs: 60 * S }, 1).events.map((e) => e.action);
    expect(actions).toContainEqual({ isolate: 'node3' });
    expect(actions).toContainEqual({ heal: 'node3' });
  });

  it('any schedule of isolations, splits and one-way cuts cuts exactly the intended links at every event', () => {
    const arb = faultSchedule({ setup: setup4, kinds: ['isolate', 'split', 'one-way'], durationUs: 60 * S, maxDurationUs: 30 * S, maxFaults: 6 });
    fc.assert(fc.property(arb, (schedule) => { checkLinks(schedule); }), { seed: 11, numRuns: 300 });
  });
});
