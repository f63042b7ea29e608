import { describe, expect, it } from 'vitest';
import { ConfigError, createSimulation, metricsFold, runRecordOf, summarize, traceHash, type SimEvent } from '../../src/index.js';

const OPTIONS = { seed: 4, members: ['a', 'b', 'c'], mode: 'multi-primary' as const, workload: [{ member: 'a', rate: 50, size: 1000 }] };

function isolateAndHeal(sim: ReturnType<typeof createSimulation>): void {
  sim.at('10s', (s) => s.network.isolate('c'));
  sim.at('40s', (s) => s.network.heal('c'));
  sim.runUntil('90s');
}

describe('createSimulation({ traceSink })', () => {
  it('hands every event to the sink, those of time zero included, in the order a kept trace has them, and keeps none', () => {
    const kept = createSimulation(OPTIONS);
    isolateAndHeal(kept);
    const seen: SimEvent[] = [];
    const sunk = createSimulation({ ...OPTIONS, traceSink: (e) => { seen.push(e); } });
    isolateAndHeal(sunk);
    expect(sunk.trace).toHaveLength(0);
    expect(seen.length).toBe(kept.trace.length);
    expect(traceHash(seen)).toBe(traceHash(kept.trace));
  });

  it('is not bounded by maxTraceEvents, which bounds a kept trace', () => {
    const bounded = createSimulation({ ...OPTIONS, maxTraceEvents: 100 });
    expect(() => bounded.runUntil('60s')).toThrow(/maxTraceEvents was reached/);
    let n = 0;
    const sunk = createSimulation({ ...OPTIONS, maxTraceEvents: 100, traceSink: () => { n++; } });
    sunk.runUntil('60s');
    expect(n).toBeGreaterThan(100);
  });

  it('must be a function', () => {
    expect(() => createSimulation({ ...OPTIONS, traceSink: 'stdout' as unknown as () => void })).toThrow(ConfigError);
    expect(() => createSimulation({ ...OPTIONS, traceSink: 'stdout' as unknown as () => void })).toThrow(/traceSink must be a function/);
  });
});

describe('createSimulation({ untracedEventTypes })', () => {
  it('leaves those types out of the trace, keeps every other event in order, and runs the same', () => {
    const kept = createSimulation(OPTIONS);
    isolateAndHeal(kept);
    const cacheSeen: SimEvent[] = [];
    const lean = createSimulation({ ...OPTIONS, untracedEventTypes: ['cache', 'workload'] });
    isolateAndHeal(lean);
    const others = kept.trace.filter((e) => e.type !== 'cache' && e.type !== 'workload');
    expect(kept.trace.length - others.length).toBeGreaterThan(100);
    expect(traceHash(lean.trace)).toBe(traceHash(others));
    expect(lean.eventsDispatched).toBe(kept.eventsDispatched);
    // A listener still gets them (the samples are built for it).
    const listened = createSimulation({ ...OPTIONS, untracedEventTypes: ['cache'] });
    listened.on('cache', (e) => { cacheSeen.push(e); });
    isolateAndHeal(listened);
    expect(traceHash(cacheSeen)).toBe(traceHash(kept.trace.filter((e) => e.type === 'cache')));
    expect(listened.trace.some((e) => e.type === 'cache')).toBe(false);
  });

  it('applies to a trace sink too', () => {
    const seen: SimEvent[] = [];
    const sunk = createSimulation({ ...OPTIONS, untracedEventTypes: ['cache'], traceSink: (e) => { seen.push(e); } });
    isolateAndHeal(sunk);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.some((e) => e.type === 'cache')).toBe(false);
  });

  it('must name event types', () => {
    expect(() => createSimulation({ ...OPTIONS, untracedEventTypes: ['caches'] as unknown as ['cache'] })).toThrow(/untracedEventTypes must be an array of event types \(log, /);
    expect(() => createSimulation({ ...OPTIONS, untracedEventTypes: 'cache' as unknown as ['cache'] })).toThrow(ConfigError);
  });
});

describe('metricsFold', () => {
  it('folded as the run goes, gives what summarize gives from the kept trace', () => {
    const kept = createSimulation(OPTIONS);
    isolateAndHeal(kept);
    const expected = summarize(runRecordOf(kept));
    let fold: ReturnType<typeof metricsFold> | null = null;
    const early: SimEvent[] = [];
    const sunk = createSimulation({ ...OPTIONS, traceSink: (e) => { if (fold === null) early.push(e); else fold.observe(e); } });
    fold = metricsFold({ members: sunk.atStart.members, initialViewId: sunk.atStart.viewId });
    for (const e of early) fold.observe(e);
    isolateAndHeal(sunk);
    const record = runRecordOf(sunk);
    const got = fold.finish(record.endUs, record.workload);
    expect(got).toEqual(expected);
    expect(got.expels.length).toBeGreaterThan(0);
    expect(() => fold!.finish(record.endUs, record.workload)).toThrow(/called twice/);
  });
});
