import { describe, expect, it } from 'vitest';
import { createSimulation, type SimEvent } from '../../src/index.js';

const SEC = 1_000_000;

/** A 3-member group whose node3 crashes at 10 s and restarts at 50 s: log lines and cache events all along. */
function group(untraced: readonly ('cache' | 'log')[] = []) {
  const sim = createSimulation({ seed: 7, members: ['node1', 'node2', 'node3'], untracedEventTypes: [...untraced] });
  sim.at(10 * SEC, (s) => s.network.crash('node3'));
  sim.at(50 * SEC, (s) => s.network.restart('node3'));
  return sim;
}

describe('Simulation.on and off', () => {
  it('a listener gets the events of its type while registered, none after off, and again after a second on', () => {
    const sim = group();
    const heard: SimEvent[] = [];
    const listener = (e: SimEvent): void => { heard.push(e); };
    const start = sim.trace.length;
    sim.on('log', listener);
    sim.runUntil(20 * SEC);
    const firstSpan = sim.trace.slice(start).filter((e) => e.type === 'log');
    expect(firstSpan.length).toBeGreaterThan(0);
    expect(heard).toEqual(firstSpan);
    sim.off('log', listener);
    sim.runUntil(45 * SEC);
    expect(heard).toEqual(firstSpan); // nothing while off, though the crash's aftermath logs on
    expect(sim.trace.slice(start).filter((e) => e.type === 'log').length).toBeGreaterThan(firstSpan.length);
    const before = sim.trace.length;
    sim.on('log', listener);
    sim.runUntil(90 * SEC);
    const thirdSpan = sim.trace.slice(before).filter((e) => e.type === 'log');
    expect(thirdSpan.length).toBeGreaterThan(0);
    expect(heard).toEqual([...firstSpan, ...thirdSpan]);
  });

  it('removing one of two listeners leaves the other one called', () => {
    const sim = group();
    let a = 0, b = 0;
    const la = (): void => { a++; };
    const lb = (): void => { b++; };
    const start = sim.trace.length;
    sim.on('log', la).on('stateChange', lb);
    sim.runUntil(20 * SEC);
    sim.off('log', la);
    const bAtOff = b;
    sim.runUntil(90 * SEC);
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(bAtOff);
    expect(b).toBe(sim.trace.slice(start).filter((e) => e.type === 'stateChange').length);
  });

  it('an untraced cache event still reaches a cache listener, and only while one is registered', () => {
    const traced = group();
    const start = traced.trace.length;
    traced.runUntil(30 * SEC);
    const expected = traced.trace.slice(start).filter((e) => e.type === 'cache');
    expect(expected.length).toBeGreaterThan(0);

    const sim = group(['cache']);
    const heard: SimEvent[] = [];
    const listener = (e: SimEvent): void => { heard.push(e); };
    sim.on('cache', listener);
    sim.runUntil(30 * SEC);
    expect(sim.trace.some((e) => e.type === 'cache')).toBe(false);
    expect(heard).toEqual(expected);
    sim.off('cache', listener);
    sim.runUntil(60 * SEC);
    expect(heard).toEqual(expected);
  });
});
