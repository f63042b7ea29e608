/**
 * Public API calls with bad arguments throw a ConfigError naming the argument, the rule and the
 * value — not a TypeError, a hang or a silent acceptance (issue 11's 156 API calls).
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, createSimulation, type Simulation, type SimulationOptions } from '../../src/index.js';

const BASE: SimulationOptions = { seed: 1, members: ['n1', 'n2', 'n3'], mode: 'multi-primary' };

function sim(extra: Partial<SimulationOptions> = {}): Simulation {
  return createSimulation({ ...BASE, ...extra });
}

/** Expects `fn` to throw a ConfigError whose field is `field` and whose message contains `fragment`. */
function refuses(fn: () => unknown, field: string, fragment: string): void {
  let caught: unknown;
  try { fn(); } catch (e) { caught = e; }
  expect(caught, 'should throw a ConfigError').toBeInstanceOf(ConfigError);
  expect((caught as ConfigError).field).toBe(field);
  expect((caught as ConfigError).message).toContain(fragment);
}

// Calls a method with arguments its TypeScript signature forbids, as a JavaScript caller may.
const loose = <T>(x: T): any => x; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('runs are bounded', () => {
  it('runFor(2**53 - 1) is refused at once instead of running for centuries', () => {
    const s = sim();
    refuses(() => s.runFor(2 ** 53 - 1), 'duration', 'must not take the simulation past 7 days');
    expect(s.nowUs).toBe(0);
    refuses(() => s.runUntil('169h'), 'runUntil', '7 days');
    refuses(() => s.runUntil(() => false, { limit: '200h' }), 'runUntil.limit', '7 days');
    refuses(() => s.at('169h', () => {}), 'at', '7 days');
  });

  it('runFor inside an at() callback is refused and the outer runFor ends where it was asked to', () => {
    const s = sim();
    let inner: unknown;
    s.at('1s', (x) => { try { x.runFor('100s'); } catch (e) { inner = e; } });
    s.runFor('5s');
    expect(inner).toBeInstanceOf(ConfigError);
    expect((inner as ConfigError).message).toContain('cannot be called while the simulation runs');
    expect(s.nowUs).toBe(5_000_000);
  });

  it('runUntil inside a listener is refused too', () => {
    const s = sim();
    let inner: unknown;
    s.on('network', (e) => { if (inner === undefined) try { s.runUntil(e.t + 1); } catch (err) { inner = err; } });
    s.at('1s', (x) => x.network.isolate('n1'));
    s.runFor('2s');
    expect((inner as ConfigError).field).toBe('runUntil');
  });
});

describe('arguments of the wrong type are ConfigErrors', () => {
  it('setLinkProfile', () => {
    const s = sim();
    refuses(() => s.network.setLinkProfile(loose(null)), 'linkProfile', 'must be an object');
    refuses(() => s.network.setLinkProfile({ latencyUs: 5 }, loose('ab')), 'links', 'must be an array of [from, to]');
    refuses(() => s.network.setLinkProfile({ latencyUs: 5 }, loose([null])), 'links[0]', 'must be a [from, to] pair');
    refuses(() => s.network.setLinkProfile({ latencyUs: 5 }, loose([['n1']])), 'links[0]', 'must be a [from, to] pair');
    refuses(() => s.network.setLinkProfile(loose({ latency: 5 })), 'linkProfile.latency', 'is not a known field');
    refuses(() => s.network.setLinkProfile({ loss: 0.1 }, [['n1', 'n1']]), 'links[0][1]', 'must differ from links[0][0]');
    s.network.setLinkProfile({ latencyUs: 1000 }, [['n1', 'n2']]);
  });

  it('runUntil with a predicate and no limit object', () => {
    const s = sim();
    refuses(() => s.runUntil(() => true, loose(null)), 'runUntil.limit', 'is required with a predicate');
    refuses(() => s.runUntil(() => true, loose({})), 'runUntil.limit', 'is required with a predicate');
  });

  it('at() without a function', () => {
    refuses(() => sim().at('5s', loose(123)), 'at', 'needs a function');
  });

  it('on() and off() with a bad type or listener', () => {
    const s = sim();
    refuses(() => s.on('log', loose(5)), 'on.listener', 'must be a function');
    refuses(() => s.on(loose('bogus'), () => {}), 'on.type', 'must be one of log, stateChange');
    refuses(() => s.off(loose('bogus'), () => {}), 'off.type', 'must be one of');
  });

  it('errorLog and logEvents verbosity', () => {
    const m = sim().member('n1');
    refuses(() => m.errorLog(loose(99)), 'verbosity', 'must be 1, 2 or 3');
    refuses(() => m.logEvents(loose(0)), 'verbosity', 'must be 1, 2 or 3');
    expect(m.errorLog(3)).toEqual([]);
  });
});

describe('calls files refuse are refused by the API too', () => {
  it('a member named all', () => {
    refuses(() => createSimulation({ ...BASE, members: ['n1', 'all'] }), 'members[1].name', 'must not be all');
  });

  it('two members on the same host:port', () => {
    refuses(() => createSimulation({ ...BASE, members: [{ name: 'a', host: 'h', port: 3306 }, { name: 'b', host: 'h', port: 3306 }] }),
      'members[1].port', "must differ from members[0]'s (both are h:3306)");
  });

  it('members on one host without ports get consecutive ports, as in files', () => {
    const s = createSimulation({ ...BASE, members: [{ name: 'a', host: 'h' }, { name: 'b', host: 'h' }] });
    expect(s.members.map((m) => m.port)).toEqual([3306, 3307]);
  });

  it('names and hosts longer than MySQL stores', () => {
    refuses(() => createSimulation({ ...BASE, members: ['n'.repeat(65)] }), 'members[0].name', 'at most 64 characters');
    refuses(() => createSimulation({ ...BASE, members: [{ name: 'a', host: 'h'.repeat(256) }] }), 'members[0].host', 'at most 255 characters');
  });

  it('set() on a crashed member', () => {
    const s = sim();
    s.network.crash('n1');
    refuses(() => s.member('n1').set('group_replication_member_weight', 10), 'set', 'whose server is not running');
  });

  it('restore with one end only', () => {
    refuses(() => sim().network.restore('n1'), 'restore.to', 'is required with the other end');
  });

  it('freezing a frozen member', () => {
    const s = sim();
    s.network.freeze('n1');
    refuses(() => s.network.freeze('n1'), 'freeze', 'already frozen');
    s.network.thaw('n1');
    s.network.freeze('n1');
  });
});

describe('at() callbacks are freed once they run', () => {
  it('a million scheduled and run callbacks leave none held', () => {
    const s = sim({ members: ['n1'] });
    let ran = 0;
    for (let k = 0; k < 1000; k++) {
      for (let j = 0; j < 1000; j++) s.at(s.nowUs + 1 + j, () => { ran++; });
      expect(s.pendingCallbacks).toBe(1000);
      s.runFor(1001);
      expect(s.pendingCallbacks).toBe(0);
    }
    expect(ran).toBe(1_000_000);
  });
});

describe('the trace is bounded', () => {
  it('a run that would exceed maxTraceEvents stops with a ConfigError naming the limit and what to shorten', () => {
    const s = sim({ maxTraceEvents: 50, workload: [{ member: 'n1', rate: 100, size: 1000 }] });
    let caught: unknown;
    try { s.runFor('60s'); } catch (e) { caught = e; }
    expect(caught).toBeInstanceOf(ConfigError);
    const err = caught as ConfigError;
    expect(err.field).toBe('maxTraceEvents');
    expect(err.value).toBe(50);
    expect(err.message).toMatch(/maxTraceEvents was reached at \d+\.\d{6} s of virtual time/);
    expect(err.message).toContain('shorten the run or its workload');
    expect(s.trace).toHaveLength(50);
    // The half-applied event leaves the run stopped for good.
    expect(() => s.runFor('1s')).toThrow(err);
  });

  it('maxTraceEvents must be a positive integer within its bound', () => {
    refuses(() => sim({ maxTraceEvents: 0 }), 'maxTraceEvents', 'in 1..3000000');
    refuses(() => sim({ maxTraceEvents: 1e9 }), 'maxTraceEvents', 'in 1..3000000');
  });
});
