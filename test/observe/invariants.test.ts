/**
 * Every built-in invariant holds on real runs where it should, and fails on a hand-made trace
 * that breaks it (an invariant that cannot fail is a defect).
 */
import { describe, expect, it } from 'vitest';
import {
  BUILT_IN_INVARIANTS, checkInvariants, errorImpliesSuperReadOnly, expelledMemberReturnsAsNewIncarnation, invariantByName,
  livenessAfterQuietPeriod, logConsistentWithState, noExpelWithoutMajority, onePrimaryPerView, quietPeriodUs,
  requiredQuietPeriodUs, viewsAgreedAndConsecutive, writesCommitWithMajority,
} from '../../src/observe/invariants/index.js';
import { DEFAULT_START_OPTIONS } from '../../src/observe/run-record.js';
import type { SimEvent } from '../../src/index.js';
import { ev, handRecord, isolateAndHeal, minorityTimeout, primaryCrashAndSplit, recordOf, SEC } from './fixtures.js';

const runs = [
  ['isolate node3 10–60 s, multi-primary', () => recordOf(isolateAndHeal())],
  ['primary crash + restart, 2+2 split, single-primary', () => recordOf(primaryCrashAndSplit())],
  ['2+3 partition with unreachable_majority_timeout 10', () => recordOf(minorityTimeout())],
] as const;

describe('the registry', () => {
  it('names are unique kebab-case and each invariant documents its MySQL rule', () => {
    const names = BUILT_IN_INVARIANTS.map((i) => i.name);
    expect(new Set(names).size).toBe(names.length);
    for (const inv of BUILT_IN_INVARIANTS) {
      expect(inv.name).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(inv.description.length).toBeGreaterThan(40);
      expect(inv.mysqlRule).toMatch(/docs\/mysql-behaviour\.md/);
      expect(inv.mysqlRule).toMatch(/\.(cc|h)\b/);
      expect(invariantByName(inv.name)).toBe(inv);
    }
    expect(invariantByName('no-such-property')).toBeUndefined();
  });
});

describe.each(runs)('real run: %s', (_label, make) => {
  const record = make();
  it.each(BUILT_IN_INVARIANTS.map((i) => [i.name, i] as const))('%s holds', (_n, inv) => {
    expect(inv.check(record)).toBeNull();
  });
  it('is long enough for the liveness check not to be vacuous', () => {
    let lastFault = 0;
    for (const e of record.trace) if (e.type === 'network') lastFault = e.t;
    expect(record.endUs - lastFault).toBeGreaterThanOrEqual(requiredQuietPeriodUs(record));
  });
});

describe('no-expel-without-majority fails on', () => {
  it('a configuration that removes two of three nodes at once', () => {
    const v = noExpelWithoutMajority.check(handRecord([
      ev.config(1 * SEC, 'b', ['b'], 2),
    ]));
    expect(v).toMatchObject({ invariant: 'no-expel-without-majority', t: 1 * SEC, members: ['b', 'a', 'c'] });
    expect(v!.message).toContain('2 of 3 nodes');
  });
  it('a removal view installed without an agreed configuration', () => {
    const v = noExpelWithoutMajority.check(handRecord([ev.view(2 * SEC, 'a', '100:3', ['a', 'b'])]));
    expect(v).toMatchObject({ t: 2 * SEC, members: ['a', 'c'] });
  });
  it('a removal view matching only a configuration activated before the previous view', () => {
    const v = noExpelWithoutMajority.check(handRecord([
      ev.config(1 * SEC, 'a', ['a', 'b'], 2, [1, 1]),
      ev.config(2 * SEC, 'a', ['a', 'b', 'c'], 3, [1, 1, 2]),
      ev.view(3 * SEC, 'a', '100:3', ['a', 'b', 'c']),
      ev.view(4 * SEC, 'a', '100:4', ['a', 'b']),
    ]));
    expect(v).toMatchObject({ t: 4 * SEC, members: ['a', 'c'] });
  });
  it('but not on a catching-up member installing, in order, the views of configurations it activated at once', () => {
    // Removed c at 5 s (its view lags in GCS); at 10 s a backlog re-adds, removes and re-adds c.
    const v = noExpelWithoutMajority.check(handRecord([
      ev.config(5 * SEC, 'a', ['a', 'b'], 2, [1, 1]),
      ev.config(10 * SEC, 'a', ['a', 'b', 'c'], 3, [1, 1, 2]),
      ev.config(10 * SEC, 'a', ['a', 'b'], 4, [1, 1]),
      ev.config(10 * SEC, 'a', ['a', 'b', 'c'], 5, [1, 1, 3]),
      ev.view(10 * SEC + 2000, 'a', '100:2', ['a', 'b']),
      ev.view(10 * SEC + 2000, 'a', '100:3', ['a', 'b', 'c']),
      ev.view(10 * SEC + 2000, 'a', '100:4', ['a', 'b']),
      ev.view(10 * SEC + 2000, 'a', '100:5', ['a', 'b', 'c']),
    ]));
    expect(v).toBeNull();
  });
  it('but not on a catching-up member whose removal view is installed after it activated a later configuration too', () => {
    // A member that catches up activates the removal and the rejoin at once; GCS installs the
    // removal view a few ms later (engine thread, state exchange), then the rejoin view.
    const v = noExpelWithoutMajority.check(handRecord([
      ev.config(1 * SEC, 'a', ['a', 'b'], 2, [1, 1]),
      ev.config(1 * SEC, 'a', ['a', 'b', 'c'], 3, [1, 1, 2]),
      ev.view(1 * SEC + 2200, 'a', '100:3', ['a', 'b']),
      ev.view(1 * SEC + 2200, 'a', '100:4', ['a', 'b', 'c']),
    ]));
    expect(v).toBeNull();
  });
  it('but not on a member that asked to leave (MY-011711) being removed from a pair', () => {
    const v = noExpelWithoutMajority.check(handRecord([
      ev.config(1 * SEC, 'a', ['a', 'b'], 2),
      ev.log(5 * SEC, 'b', 'MY-011711'),
      ev.config(6 * SEC, 'a', ['a'], 3),
    ]));
    expect(v).toBeNull();
  });
});

describe('views-agreed-and-consecutive fails on', () => {
  it('one view id with two memberships', () => {
    const v = viewsAgreedAndConsecutive.check(handRecord([
      ev.view(1 * SEC, 'a', '100:3', ['a', 'b']),
      ev.view(1 * SEC + 5, 'b', '100:3', ['a', 'b', 'c']),
    ]));
    expect(v).toMatchObject({ invariant: 'views-agreed-and-consecutive', members: ['b'] });
  });
  it('a view number that skips one', () => {
    expect(viewsAgreedAndConsecutive.check(handRecord([ev.view(1 * SEC, 'a', '100:4', ['a', 'b'])]))?.message).toContain('rise by one');
  });
  it('another fixed part', () => {
    expect(viewsAgreedAndConsecutive.check(handRecord([ev.view(1 * SEC, 'a', '999:3', ['a', 'b'])]))).not.toBeNull();
  });
  it('a member in the group taking a new fixed part, even at :1', () => {
    expect(viewsAgreedAndConsecutive.check(handRecord([ev.view(1 * SEC, 'a', '999:1', ['a', 'b'])]))?.message).toContain('only a group of joiners');
  });
  it('a group of joiners starting a new fixed part anywhere but :1', () => {
    const v = viewsAgreedAndConsecutive.check(handRecord([ev.view(1 * SEC, 'a', '', []), ev.view(2 * SEC, 'a', '999:2', ['a'])]));
    expect(v?.message).toContain('starts at :1');
  });
});

describe('views-agreed-and-consecutive accepts', () => {
  it('a group re-formed by joiners only, under a new fixed part at :1 (get_new_view_id)', () => {
    expect(viewsAgreedAndConsecutive.check(handRecord([
      ev.view(1 * SEC, 'a', '', []), ev.view(1 * SEC, 'b', '', []),
      ev.view(5 * SEC, 'a', '999:1', ['a', 'b']), ev.view(5 * SEC + 3, 'b', '999:1', ['a', 'b']),
    ]))).toBeNull();
  });
  it('a member whose state exchange restarted skipping the view the others installed (reset_with_flush)', () => {
    expect(viewsAgreedAndConsecutive.check(handRecord([
      ev.view(1 * SEC, 'a', '100:3', ['a', 'b', 'c']), ev.view(1 * SEC, 'b', '100:3', ['a', 'b', 'c']),
      ev.view(2 * SEC, 'a', '100:4', ['a', 'b', 'c']), ev.view(2 * SEC, 'b', '100:4', ['a', 'b', 'c']),
      ev.view(2 * SEC + 5, 'c', '100:4', ['a', 'b', 'c']), // c: from :2 to :4
    ]))).toBeNull();
  });
});

describe('one-primary-per-view fails on', () => {
  it('a member showing two PRIMARY members in single-primary mode', () => {
    const v = onePrimaryPerView.check(handRecord([
      ev.sees(0, 'a', 'b', 'ONLINE', 'PRIMARY'),
      ev.sees(0, 'a', 'c', 'ONLINE', 'SECONDARY'),
      ev.sees(1 * SEC, 'a', 'c', 'ONLINE', 'PRIMARY'),
    ], { mode: 'single-primary' }));
    expect(v).toMatchObject({ t: 1 * SEC, members: ['b', 'c'] });
  });
  it('two members acting as PRIMARY in the same view', () => {
    const v = onePrimaryPerView.check(handRecord([
      ev.self(0, 'a', 'ONLINE', 'PRIMARY'),
      ev.self(0, 'b', 'ONLINE', 'PRIMARY'),
    ], { mode: 'single-primary' }));
    expect(v?.message).toContain('both act as PRIMARY in view 100:2');
  });
  it('but not in multi-primary mode, nor after a switch to it', () => {
    const trace = [ev.self(0, 'a', 'ONLINE', 'PRIMARY'), ev.self(0, 'b', 'ONLINE', 'PRIMARY')];
    expect(onePrimaryPerView.check(handRecord(trace))).toBeNull();
    const switched = [
      { type: 'option', t: 0, member: 'a', name: 'group_replication_single_primary_mode', value: 'OFF' } as const,
      ...trace,
    ];
    expect(onePrimaryPerView.check(handRecord(switched, { mode: 'single-primary' }))).toBeNull();
  });
});

describe('writes-commit-with-majority fails on', () => {
  it('a commit on a member cut off from the majority for more than the in-flight grace', () => {
    const v = writesCommitWithMajority.check(handRecord([
      ev.write(1 * SEC, 'c', 1, 'pending'),
      ev.net(2 * SEC, 'isolate', 'c'),
      ev.write(5 * SEC, 'c', 1, 'committed'),
    ]));
    expect(v).toMatchObject({ invariant: 'writes-commit-with-majority', t: 5 * SEC, members: ['c'] });
  });
  it('a commit on a minority side of a partition (but not on the majority side)', () => {
    const base = [ev.net(1 * SEC, 'partition', '[a] [b,c]'), ev.write(3 * SEC, 'b', 1, 'pending'), ev.write(3 * SEC + 400, 'b', 1, 'committed')];
    expect(writesCommitWithMajority.check(handRecord(base))).toBeNull();
    const bad = [...base, ev.write(4 * SEC, 'a', 2, 'pending'), ev.write(4 * SEC + 400, 'a', 2, 'committed')];
    expect(writesCommitWithMajority.check(handRecord(bad))?.members).toEqual(['a']);
  });
  it('a commit of a write submitted under super_read_only', () => {
    const v = writesCommitWithMajority.check(handRecord([
      ev.flags(0, 'b', true),
      ev.write(1 * SEC, 'b', 7, 'pending'),
      ev.write(1 * SEC + 400, 'b', 7, 'committed'),
    ]));
    expect(v?.message).toContain('not writable');
  });
  it('a commit on a member in ERROR', () => {
    const v = writesCommitWithMajority.check(handRecord([
      ev.write(1 * SEC, 'b', 7, 'pending'), ev.self(2 * SEC, 'b', 'ERROR', ''), ev.write(3 * SEC, 'b', 7, 'committed'),
    ]));
    expect(v?.message).toContain('ERROR');
  });
});

describe('expelled-member-returns-as-new-incarnation fails on', () => {
  const removal = [
    ev.config(1 * SEC, 'b', ['a', 'b', 'c'], 1, [1, 1, 1]),
    ev.config(20 * SEC, 'b', ['b', 'c'], 2, [1, 1]),
    ev.self(30 * SEC, 'a', 'ERROR', ''),
  ];
  it('the expelled member declaring itself ONLINE without being re-admitted', () => {
    const v = expelledMemberReturnsAsNewIncarnation.check(handRecord([...removal, ev.self(31 * SEC, 'a', 'ONLINE')]));
    expect(v).toMatchObject({ t: 31 * SEC, members: ['a'] });
  });
  it('a re-admission of the same incarnation', () => {
    const v = expelledMemberReturnsAsNewIncarnation.check(handRecord([
      ...removal, ev.config(32 * SEC, 'b', ['b', 'c', 'a'], 3, [1, 1, 1]), ev.self(33 * SEC, 'a', 'ONLINE'),
    ]));
    expect(v).not.toBeNull();
  });
  it('an observer that dropped the member showing it ONLINE again', () => {
    const v = expelledMemberReturnsAsNewIncarnation.check(handRecord([
      ...removal, ev.sees(20 * SEC + 10, 'b', 'a', null, ''), ev.sees(40 * SEC, 'b', 'a', 'ONLINE'),
    ]));
    expect(v?.members).toEqual(['a', 'b']);
  });
  it('but not a lagging member delivering its own ONLINE message before it learns of the removal', () => {
    // a's recovery-end message was decided before the removal; a executes it later, then the removal.
    const lagging = [removal[0]!, removal[1]!, ev.self(21 * SEC, 'a', 'ONLINE'), ev.self(25 * SEC, 'a', 'ERROR', '')];
    expect(expelledMemberReturnsAsNewIncarnation.check(handRecord(lagging))).toBeNull();
    // Once it went ERROR, ONLINE again without a new incarnation is a violation.
    expect(expelledMemberReturnsAsNewIncarnation.check(handRecord([...lagging, ev.self(26 * SEC, 'a', 'ONLINE')]))?.t).toBe(26 * SEC);
  });
  it('but not an observer that left (its table cleared) and, rejoining, installs an older view still listing M', () => {
    const rejoin = [
      ...removal.slice(0, 2), ev.view(21 * SEC, 'b', '', []), ev.sees(21 * SEC, 'b', 'a', null, ''),
      ev.view(25 * SEC, 'b', '100:5', ['a', 'b', 'c']), ev.sees(25 * SEC, 'b', 'a', 'ONLINE'),
    ];
    expect(expelledMemberReturnsAsNewIncarnation.check(handRecord(rejoin))).toBeNull();
  });
  it('but not when a new incarnation was admitted first', () => {
    expect(expelledMemberReturnsAsNewIncarnation.check(handRecord([
      ...removal, ev.config(32 * SEC, 'b', ['b', 'c', 'a'], 3, [1, 1, 2]), ev.self(33 * SEC, 'a', 'RECOVERING'), ev.self(34 * SEC, 'a', 'ONLINE'),
    ]))).toBeNull();
  });
});

describe('error-implies-super-read-only fails on', () => {
  it('ERROR with super_read_only OFF', () => {
    const v = errorImpliesSuperReadOnly.check(handRecord([ev.flags(0, 'c', false), ev.self(5 * SEC, 'c', 'ERROR', '')]));
    expect(v).toMatchObject({ invariant: 'error-implies-super-read-only', t: 5 * SEC, members: ['c'] });
  });
  it('but not when the flag comes at the same instant, or the server is stopped', () => {
    expect(errorImpliesSuperReadOnly.check(handRecord([ev.self(5 * SEC, 'c', 'ERROR', ''), ev.flags(5 * SEC, 'c', true)]))).toBeNull();
    expect(errorImpliesSuperReadOnly.check(handRecord([ev.self(5 * SEC, 'c', 'ERROR', ''), ev.flags(5 * SEC, 'c', false, false)]))).toBeNull();
  });
});

describe('log-consistent-with-state fails on', () => {
  it('MY-011490 without the member going ONLINE', () => {
    const v = logConsistentWithState.check(handRecord([ev.log(3 * SEC, 'c', 'MY-011490', 'This server was declared online within the replication group.')]));
    expect(v).toMatchObject({ t: 3 * SEC, members: ['c'] });
    expect(v!.message).toContain('MY-011490');
  });
  it('RECOVERING → ONLINE without MY-011490', () => {
    const v = logConsistentWithState.check(handRecord([ev.self(1 * SEC, 'c', 'RECOVERING'), ev.self(2 * SEC, 'c', 'ONLINE')]));
    expect(v?.t).toBe(2 * SEC);
  });
  it('MY-011505 without ERROR', () => {
    expect(logConsistentWithState.check(handRecord([ev.log(3 * SEC, 'c', 'MY-011505')]))?.message).toContain('ERROR');
  });
  it('MY-011493 about a peer that is not shown UNREACHABLE', () => {
    const v = logConsistentWithState.check(handRecord([ev.log(3 * SEC, 'a', 'MY-011493', 'Member with address 10.0.0.3:3306 has become unreachable.')]));
    expect(v?.message).toContain('UNREACHABLE');
    expect(logConsistentWithState.check(handRecord([
      ev.log(3 * SEC, 'a', 'MY-011493', 'Member with address 10.0.0.3:3306 has become unreachable.'), ev.sees(3 * SEC, 'a', 'c', 'UNREACHABLE'),
    ]))).toBeNull();
  });
  it('MY-011503 naming a view that was not installed', () => {
    const v = logConsistentWithState.check(handRecord([
      ev.log(3 * SEC, 'a', 'MY-011503', 'Group membership changed to 10.0.0.1:3306, 10.0.0.2:3306 on view 100:4.'),
      ev.view(3 * SEC, 'a', '100:3', ['a', 'b']),
    ]));
    expect(v?.message).toContain('100:4');
  });
});

describe('liveness-after-quiet-period', () => {
  const quiet = quietPeriodUs(DEFAULT_START_OPTIONS, 3);
  it('documents a conservative quiet period: 476 s with 8.0.21 defaults in a group of 3', () => {
    // 6 detection + 30 expel + 2 view + 33 learn + 60 failed join + 300 rejoin wait + 5 + 10 join + 30 margin
    expect(quiet).toBe(476 * SEC);
    expect(quietPeriodUs({ ...DEFAULT_START_OPTIONS, group_replication_member_expel_timeout: 40 }, 3)).toBe(quiet + 30 * SEC);
    expect(quietPeriodUs({ ...DEFAULT_START_OPTIONS, group_replication_autorejoin_tries: 0 }, 3)).toBe(quiet - 300 * SEC);
  });
  it('bounds learning the expel with the run\'s version\'s read back-off cap: 3 s up to 8.0.26, 20 s from 8.0.27', () => {
    // 33 s learn = 10 s dial back-off + the executor's longest wait + 3 s terminate delay; a record
    // that names no version takes the longest wait of any version.
    expect(quietPeriodUs(DEFAULT_START_OPTIONS, 3, '8.4')).toBe(quiet);
    expect(quietPeriodUs(DEFAULT_START_OPTIONS, 3, '9.x')).toBe(quiet);
    expect(quietPeriodUs(DEFAULT_START_OPTIONS, 3, '8.0.21')).toBe(quiet - 17 * SEC);
    expect(quietPeriodUs(DEFAULT_START_OPTIONS, 3, '8.0.20')).toBe(quiet - 17 * SEC);
    const members = [{ name: 'a' }, { name: 'b' }, { name: 'c' }];
    expect(requiredQuietPeriodUs({ trace: [], members, mode: 'multi-primary', endUs: 0, version: '8.0.20' })).toBe(quiet - 17 * SEC);
    expect(requiredQuietPeriodUs({ trace: [], members, mode: 'multi-primary', endUs: 0 })).toBe(quiet);
  });
  it('fails when a member with attempts left is not ONLINE long after the last fault', () => {
    const trace = [ev.net(1 * SEC, 'isolate', 'c'), ev.net(2 * SEC, 'heal', 'c'), ev.self(30 * SEC, 'c', 'ERROR', '')];
    const v = livenessAfterQuietPeriod.check(handRecord(trace, { endUs: 2 * SEC + quiet }));
    expect(v).toMatchObject({ invariant: 'liveness-after-quiet-period', members: ['c'] });
  });
  it('judges a run that names its version by that version\'s quiet period: 17 s shorter on 8.0.21', () => {
    const trace = [ev.net(1 * SEC, 'isolate', 'c'), ev.net(2 * SEC, 'heal', 'c'), ev.self(30 * SEC, 'c', 'ERROR', '')];
    const endUs = 2 * SEC + quiet - 17 * SEC;
    expect(livenessAfterQuietPeriod.check({ ...handRecord(trace, { endUs }), version: '8.0.21' })?.members).toEqual(['c']);
    // 8.4's 20 s read back-off, or a record that names no version, still needs the longer wait.
    expect(livenessAfterQuietPeriod.check({ ...handRecord(trace, { endUs }), version: '8.4' })).toBeNull();
    expect(livenessAfterQuietPeriod.check(handRecord(trace, { endUs }))).toBeNull();
  });
  it('fails when members are ONLINE in different views', () => {
    const trace = [ev.view(5 * SEC, 'a', '100:3', ['a', 'b', 'c']), ev.view(5 * SEC, 'b', '100:3', ['a', 'b', 'c'])];
    expect(livenessAfterQuietPeriod.check(handRecord(trace, { endUs: quiet }))?.members).toEqual(['c']);
  });
  it('holds vacuously before the quiet period, while a fault is in force, or for a member that gave up', () => {
    const trace = [ev.net(1 * SEC, 'isolate', 'c'), ev.net(2 * SEC, 'heal', 'c'), ev.self(30 * SEC, 'c', 'ERROR', '')];
    expect(livenessAfterQuietPeriod.check(handRecord(trace, { endUs: quiet }))).toBeNull();
    expect(livenessAfterQuietPeriod.check(handRecord(trace.slice(0, 1), { endUs: 10 * quiet }))).toBeNull();
    const gaveUp = [...trace, ev.log(40 * SEC, 'c', 'MY-013375', 'Auto-rejoin procedure attempt 3 of 3 finished. Member was not able to join the group.')];
    expect(livenessAfterQuietPeriod.check(handRecord(gaveUp, { endUs: 2 * SEC + quiet }))).toBeNull();
  });
  it('treats a START that timed out waiting for its view (MY-011640) as final for that incarnation, until a restart', () => {
    // c crashes and restarts; its START joins, no view comes within the wait, and the plugin gives up.
    const timedOut = ev.log(70 * SEC, 'c', 'MY-011640', 'Timeout on wait for view after joining group');
    const start = [ev.net(1 * SEC, 'crash', 'c'), ev.net(2 * SEC, 'restart', 'c'), ev.self(10 * SEC, 'c', 'RECOVERING', '')];
    const end = { endUs: 2 * SEC + quiet };
    const gaveUp = [...start, timedOut, ev.self(70 * SEC, 'c', 'OFFLINE', '')];
    expect(livenessAfterQuietPeriod.check(handRecord(gaveUp, end))).toBeNull();
    // Without the line the same OFFLINE member breaks the invariant...
    expect(livenessAfterQuietPeriod.check(handRecord(gaveUp.filter((e) => e !== timedOut), end))?.members).toEqual(['c']);
    // ...and a later restart is a new incarnation that must come back.
    const restarted = [...gaveUp, ev.net(100 * SEC, 'restart', 'c'), ev.self(101 * SEC, 'c', 'OFFLINE', '')];
    expect(livenessAfterQuietPeriod.check(handRecord(restarted, { endUs: 100 * SEC + quiet }))?.members).toEqual(['c']);
  });
  it('holds vacuously when a crashed first incarnation stays half of the configuration (no majority can remove it)', () => {
    // b crashes before any configuration change (first incarnation, 1) and restarts; a then removes
    // c, leaving [a, b#1]: b's old incarnation is half the configuration, so the group is stuck until
    // force_members, and b's START keeps failing ("Old incarnation found").
    const trace = [
      ev.net(1 * SEC, 'crash', 'b'), ev.net(1.1 * SEC, 'restart', 'b'),
      ev.config(5 * SEC, 'a', ['a', 'b'], 2, [1, 1]), ev.self(6 * SEC, 'b', 'OFFLINE', ''),
    ];
    expect(livenessAfterQuietPeriod.check(handRecord(trace, { endUs: 10 * SEC + quiet }))).toBeNull();
    // Without that configuration b's old incarnation is one of three and can be expelled: the check applies.
    const removable = [ev.net(1 * SEC, 'crash', 'b'), ev.net(1.1 * SEC, 'restart', 'b'), ev.self(6 * SEC, 'b', 'OFFLINE', '')];
    expect(livenessAfterQuietPeriod.check(handRecord(removable, { endUs: 10 * SEC + quiet }))?.members).toEqual(['b']);
  });
  describe('an incarnation whose join attempt ended before it ran', () => {
    // Four members: d crashes and restarts (its first incarnation stays configured, and its START
    // keeps being refused); c, expelled, starts an auto-rejoin attempt whose add_node waits at the
    // seed. c#2 is dead when the attempt ends before it ever runs; with d#1 that is half of the
    // configuration, so the check holds vacuously. Each case below fails if one rule is taken out.
    const names = ['a', 'b', 'c', 'd'];
    const crashD = [ev.net(1 * SEC, 'crash', 'd'), ev.net(1.1 * SEC, 'restart', 'd')];
    const expelC = [ev.view(2 * SEC, 'c', '', []), ev.self(2 * SEC, 'c', 'ERROR', '')];
    const opened = ev.log(3 * SEC, 'c', 'MY-013373', 'Started auto-rejoin procedure attempt 1 of 3');
    const ended = ev.log(63 * SEC, 'c', 'MY-013374', 'Timeout while waiting for a view change event during the auto-rejoin procedure');
    const addC = (t: number): SimEvent => ev.config(t, 'a', ['a', 'b', 'c', 'd'], 2, [1, 1, 2, 1]);
    const end = { names, endUs: 70 * SEC + quietPeriodUs(DEFAULT_START_OPTIONS, 4) };
    const check = (trace: SimEvent[]) => livenessAfterQuietPeriod.check(handRecord(trace, end));
    it('counts c#2 dead when its add_node is decided after the attempt ended', () => {
      expect(check([...crashD, ...expelC, opened, ended, addC(64 * SEC)])).toBeNull();
    });
    it('counts c#2 dead when it is decided while the attempt is open but the attempt fails before c#2 runs', () => {
      expect(check([...crashD, ...expelC, opened, addC(30 * SEC), ended])).toBeNull();
    });
    it('counts c#2 alive once it shows that it runs: a configuration of c\'s own, or its join view', () => {
      const own = ev.config(31 * SEC, 'c', ['a', 'b', 'c', 'd'], 2, [1, 1, 2, 1]);
      expect(check([...crashD, ...expelC, opened, addC(30 * SEC), own, ended])?.members).toEqual(['c']);
      expect(check([...crashD, ...expelC, opened, ended, addC(64 * SEC), own])?.members).toEqual(['c']);
      const joined = ev.view(65 * SEC, 'c', '100:5', ['a', 'b', 'c', 'd']);
      expect(check([...crashD, ...expelC, opened, ended, addC(64 * SEC), joined])?.members).toEqual(['c']);
    });
    it('takes a restart for an open START, and a START\'s retry for open again', () => {
      // d#2 added while d's START runs is alive, so only c#2 is dead: 1 of 4, the check applies.
      const addD = ev.config(5 * SEC, 'a', ['a', 'b', 'c', 'd'], 2, [1, 1, 1, 2]);
      const addBoth = ev.config(64 * SEC, 'a', ['a', 'b', 'c', 'd'], 3, [1, 1, 2, 2]);
      expect(check([...crashD, addD, ...expelC, opened, ended, addBoth])?.members).toEqual(['c']);
      // The same after a refused join: the START's GCS retries it 5 s later (a retry the error log
      // does not show), up to 10 joins in all.
      const refused = ev.log(4 * SEC, 'd', 'MY-011735', '[GCS] The member was unable to join the group. Local port: 33061');
      expect(check([...crashD, refused, addD, ...expelC, opened, ended, addBoth])?.members).toEqual(['c']);
      // After the 10th refused join the START's attempts are over and d#2 is dead too.
      const tenRefused = Array.from({ length: 10 }, () => refused);
      expect(check([...crashD, ...tenRefused, addD, ...expelC, opened, ended, addBoth])).toBeNull();
      // A START that timed out (MY-011640) is over too; a new START's first refused join is retried.
      const startTimedOut = ev.log(4 * SEC, 'd', 'MY-011640', 'Timeout on wait for view after joining group');
      expect(check([...crashD, ...tenRefused.slice(1), startTimedOut, refused, addD, ...expelC, opened, ended, addBoth])?.members).toEqual(['c']);
    });
    it('takes a GCS join failure and a crash for the end of an attempt', () => {
      const unable = ev.log(33 * SEC, 'c', 'MY-011735', '[GCS] The member was unable to join the group. Local port: 33061');
      expect(check([...crashD, ...expelC, opened, unable, addC(40 * SEC)])).toBeNull();
      // b's attempt is cut short by a crash; b#2, decided while b is down, is dead; with c#2, 2 of 4
      // (no d crash here: b#1 and d#1 crashed together would be half the configuration already).
      const b = [ev.view(2 * SEC, 'b', '', []), ev.log(3 * SEC, 'b', 'MY-013373', 'Started auto-rejoin procedure attempt 1 of 3'),
        ev.net(10 * SEC, 'crash', 'b'), ev.config(20 * SEC, 'a', ['a', 'b', 'c', 'd'], 2, [1, 2, 1, 1]), ev.net(30 * SEC, 'restart', 'b'),
        ev.self(40 * SEC, 'b', 'OFFLINE', '')];
      const lateC = ev.config(64 * SEC, 'a', ['a', 'b', 'c', 'd'], 3, [1, 2, 2, 1]);
      expect(check([...b, ...expelC, opened, ended, lateC])).toBeNull();
    });
  });
});

describe('liveness-after-quiet-period: survivors stranded behind exited XCom instances', () => {
  // Five members. b's second incarnation was added in configuration 3 [a, c, d, e, b#2] and never
  // executed further; c and d activated configuration 4 [c, d, b#2]. Members that log MY-011505
  // were expelled: their XCom instance executed its removal and exited (xcom_base.cc
  // executor_task, terminate_and_exit), so it is dead in every configuration that still lists it.
  // b stays ONLINE in view 100:4 alone.
  const names = ['a', 'b', 'c', 'd', 'e'];
  const expel = (t: number, m: string): SimEvent[] => [
    ev.log(t, m, 'MY-011505', 'Member was expelled from the group due to network failures, changing member status to ERROR.'),
    ev.view(t, m, '', []), ev.self(t, m, 'ERROR', ''),
  ];
  const base: SimEvent[] = [
    ev.net(1 * SEC, 'isolate', 'b'), ev.net(2 * SEC, 'heal', 'b'),
    // b#1 expelled, b's auto-rejoin runs b#2, which shows that it runs at its join view.
    ...expel(5 * SEC, 'b'), ev.log(5 * SEC, 'b', 'MY-013373', 'Started auto-rejoin procedure attempt 1 of 3'),
    ev.config(10 * SEC, 'a', ['a', 'c', 'd', 'e', 'b'], 3, [1, 1, 1, 1, 2]),
    ev.config(10 * SEC, 'c', ['a', 'c', 'd', 'e', 'b'], 3, [1, 1, 1, 1, 2]),
    ...names.map((m) => ev.view(11 * SEC, m, '100:4', names)), ev.self(12 * SEC, 'b', 'ONLINE'),
    ev.config(100 * SEC, 'c', ['c', 'd', 'b'], 4, [1, 1, 2]),
    ev.config(100 * SEC, 'd', ['c', 'd', 'b'], 4, [1, 1, 2]),
  ];
  const end = { names, endUs: 103 * SEC + quietPeriodUs(DEFAULT_START_OPTIONS, 5) };
  const check = (trace: SimEvent[]) => livenessAfterQuietPeriod.check(handRecord(trace, end));
  it('holds vacuously when every member still in a group has half or more of its own configuration exited', () => {
    // b's own configuration is 3: a, c, d, e exited, 4 of 5 dead.
    expect(check([...base, ...['a', 'c', 'd', 'e'].flatMap((m) => expel(103 * SEC, m))])).toBeNull();
    // c, d, e exited: 3 of 5, still no majority.
    expect(check([...base, ...['c', 'd', 'e'].flatMap((m) => expel(103 * SEC, m)), ev.self(104 * SEC, 'a', 'ERROR', ''), ev.view(104 * SEC, 'a', '', [])]))
      .toBeNull();
  });
  it('applies when the configuration keeps a live majority', () => {
    // Only d and e exited: 2 of 5 in b's configuration, a and c still live and ONLINE elsewhere.
    const v = check([...base, ...['d', 'e'].flatMap((m) => expel(103 * SEC, m)),
      ev.view(104 * SEC, 'a', '100:5', ['a', 'c']), ev.view(104 * SEC, 'c', '100:5', ['a', 'c'])]);
    expect(v).toMatchObject({ invariant: 'liveness-after-quiet-period', members: ['a'] });
    expect(v!.message).toContain('misses some of a, b, c');
  });
  it('applies when a live member has executed further, into a configuration with a live majority', () => {
    // a, d, e exited: b is stranded in configuration 3 (3 of 5 dead), but c runs configuration 4
    // [c, d, b#2] with one dead of three, and c is still in a group: b could learn from it.
    const v = check([...base, ...['a', 'd', 'e'].flatMap((m) => expel(103 * SEC, m)), ev.view(104 * SEC, 'c', '100:5', ['c', 'b'])]);
    expect(v).toMatchObject({ invariant: 'liveness-after-quiet-period', members: ['a'] });
    expect(v!.message).toContain('a is ERROR');
  });
  it('needs the exit (MY-011505): members out of the group without it do not make a configuration dead', () => {
    const quietOut = (t: number, m: string): SimEvent[] => [ev.view(t, m, '', []), ev.self(t, m, 'ERROR', '')];
    expect(check([...base, ...['a', 'c', 'd', 'e'].flatMap((m) => quietOut(103 * SEC, m))])?.members).toEqual(['a']);
  });
});

describe('checkInvariants', () => {
  it('reports one violation per broken invariant', () => {
    const v = checkInvariants(handRecord([ev.self(0, 'c', 'ERROR', ''), ev.flags(0, 'c', false), ev.log(1, 'c', 'MY-011490')]));
    expect(v.map((x) => x.invariant).sort()).toEqual(['error-implies-super-read-only', 'log-consistent-with-state']);
  });
});
