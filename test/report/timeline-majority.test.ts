import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildReport, parseScenario, renderRunText, renderTimelineHtml, runScenario, type ScenarioReport } from '../../src/index.js';
import { majorityPeriods } from '../../src/report/timeline-data.js';
import { bytesTick, tickNumber } from '../../src/report/timeline-html.js';
import { seedCaseScenario } from '../helpers/seed-case.js';

/**
 * scenarios/seed-cache-experiment.yaml: node3 cut off from 11 s to 240 s with a 3600 s expel
 * timeout; at the heal it cannot catch up (evicted messages), exits, learns it was expelled
 * (MY-011505) and rejoins; the run ends at 290 s.
 */
const CACHE_EXPERIMENT = new URL('../../scenarios/seed-cache-experiment.yaml', import.meta.url);
const cacheRun = runScenario(parseScenario(readFileSync(CACHE_EXPERIMENT, 'utf8'), 'seed-cache-experiment.yaml'));
const cacheReport = buildReport(cacheRun, '0.0.0-test');
const cacheHtml = renderTimelineHtml(cacheReport);

const run = (yaml: string): ScenarioReport => buildReport(runScenario(parseScenario(yaml, 'test.yaml')), '0.0.0-test');
const isolateThen = (action: string, at: string, until: string): string =>
  `name: t\nseed: 1\nmembers: [node1, node2, node3]\nevents:\n  - { at: "+5s", isolate: node3 }\n  - { at: "${at}", ${action} }\nuntil: "${until}"\n`;

/** Attribute values of every element of `cls` that has them (in document order). */
function attr(html: string, re: RegExp): number[] {
  return [...html.matchAll(re)].map((m) => Number(m[1]));
}

describe('majority-loss periods on the timeline', () => {
  it('seed-cache-experiment: node3 is without a majority until it learns it was expelled (MY-011505), not until the run ends', () => {
    const expelLine = cacheReport.log.find((l) => l.member === 'node3' && l.code === 'MY-011505');
    expect(expelLine).toBeDefined();
    const [episode] = cacheReport.metrics.majority;
    expect(cacheReport.metrics.majority).toHaveLength(1);
    expect(episode).toMatchObject({ member: 'node3', end: 'left', regained: null });
    expect(majorityPeriods(cacheReport)).toEqual([{ member: 'node3', start: episode!.lost, end: expelLine!.t, cause: 'expelled' }]);
    expect(expelLine!.t).toBeLessThan(cacheReport.end);

    const title = /<g class="majority-loss"[^>]*><title>([^<]*)<\/title>/.exec(cacheHtml)?.[1];
    expect(title).toBe(`node3 lost the majority at ${episode!.lost} s; left the group at ${expelLine!.t} s: it learned that it was expelled (MY-011505)`);
    // The hatching (band and lane) stops before the rejoin's view line (view :4, after the expel),
    // where node3 is in the group with the majority again.
    const viewLines = attr(cacheHtml, /<line class="view-line" x1="([\d.]+)"/g);
    const rejoinViewX = Math.max(...viewLines);
    const band = /<g class="majority-loss"[^>]*><title>[^<]*<\/title><rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/.exec(cacheHtml)!;
    const lane = /<rect class="lane-majority" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/.exec(cacheHtml)!;
    for (const m of [band, lane]) expect(Number(m[1]) + Number(m[2])).toBeLessThan(rejoinViewX);
    expect(cacheHtml).toContain(`<li>node3 without a majority from ${episode!.lost} s; left the group at ${expelLine!.t} s: it learned that it was expelled (MY-011505)</li>`);
  });

  it('ends at the server stopping (crash), at the leave view (STOP), or at the regain', () => {
    const crashed = run(isolateThen('crash: node3', '+30s', '+60s'));
    const crashAt = crashed.faults.find((f) => f.kind === 'crash')!.start;
    expect(majorityPeriods(crashed)).toEqual([{ member: 'node3', start: crashed.metrics.majority[0]!.lost, end: crashAt, cause: 'stopped' }]);

    const stopped = run(isolateThen('stop: node3', '+20s', '+70s'));
    const leaveView = stopped.views.find((v) => v.member === 'node3' && v.viewId === '')!;
    expect(leaveView.t).toBeLessThan(stopped.end);
    expect(majorityPeriods(stopped)).toEqual([{ member: 'node3', start: stopped.metrics.majority[0]!.lost, end: leaveView.t, cause: 'left' }]);

    const healed = run(isolateThen('heal: node3', '+30s', '+60s').replace('members:', 'options: { group_replication_member_expel_timeout: 3600 }\nmembers:'));
    const ep = healed.metrics.majority[0]!;
    expect(ep.end).toBe('regained');
    expect(majorityPeriods(healed)).toEqual([{ member: 'node3', start: ep.lost, end: ep.regained, cause: 'regained' }]);
  });
});

describe('majority-loss periods come from the metrics fold', () => {
  /** A copy of `report` without the episodes' `ended` and `endedBy`, as a report written before they were added. */
  const older = (report: ScenarioReport): ScenarioReport => ({
    ...report,
    metrics: { ...report.metrics, majority: report.metrics.majority.map(({ ended: _e, endedBy: _b, ...rest }) => rest) },
  });

  it('reads each episode\'s recorded end and cause, not the report\'s other sections', () => {
    const [ep] = cacheReport.metrics.majority;
    expect(ep).toMatchObject({ endedBy: 'expelled' });
    const moved = { ...cacheReport, metrics: { ...cacheReport.metrics, majority: [{ ...ep!, ended: ep!.lost + 1, endedBy: 'error' as const }] } };
    expect(majorityPeriods(moved)).toEqual([{ member: 'node3', start: ep!.lost, end: ep!.lost + 1, cause: 'error' }]);
    const open = { ...cacheReport, metrics: { ...cacheReport.metrics, majority: [{ ...ep!, end: 'open' as const, ended: null, endedBy: null }] } };
    expect(majorityPeriods(open)).toEqual([{ member: 'node3', start: ep!.lost, end: cacheReport.end, cause: 'open' }]);
  });

  it('gives the same periods for a report without them (grsim 0.1.0 and later, until they came), found from states, views, flags and log', () => {
    const shipped = ['seed-case', 'runbook-stop-start', 'runbook-force-members', 'consistency-after-unreachable'].map((name) =>
      buildReport(runScenario(parseScenario(readFileSync(new URL(`../../scenarios/${name}.yaml`, import.meta.url), 'utf8'), `${name}.yaml`)), '0.0.0-test'));
    const reports = [
      cacheReport, ...shipped,
      run(isolateThen('crash: node3', '+30s', '+60s')),
      run(isolateThen('stop: node3', '+20s', '+70s')),
      run(isolateThen('heal: node3', '+30s', '+60s').replace('members:', 'options: { group_replication_member_expel_timeout: 3600 }\nmembers:')),
      run(isolateThen('heal: node3', '+90s', '+120s').replace('members:', 'options: { group_replication_unreachable_majority_timeout: 20, group_replication_member_expel_timeout: 3600 }\nmembers:')),
    ];
    const causes = new Set<string>();
    for (const r of reports) {
      expect(r.metrics.majority.length).toBeGreaterThan(0);
      const periods = majorityPeriods(r);
      for (const p of periods) causes.add(p.cause);
      expect(majorityPeriods(older(r))).toEqual(periods);
    }
    expect([...causes].sort()).toEqual(['error', 'expelled', 'left', 'regained', 'stopped']);
  });
});

describe('the timeline summary of expels and leaves', () => {
  it('seed-cache-experiment: node3\'s die_op exit is its own leave (asked at its die line), not a false expel', () => {
    const die = cacheReport.log.find((l) => l.member === 'node3' && l.message.includes('since the group is too far ahead'))!;
    expect(cacheReport.metrics.expels).toEqual([]);
    const [l] = cacheReport.metrics.leaves;
    expect(l).toMatchObject({ member: 'node3', asked: die.t });
    expect(cacheHtml).toContain(`<li>node3 left at its own request (asked at ${die.t} s), removed by ${l!.remover} at ${l!.removed} s</li>`);
    expect(cacheHtml).not.toContain('false expel');
  });

  it('says what made a false expel false', () => {
    // An expel by the failure detector (node3 isolated, expel timeout 5 s), marked false in a copy:
    // no shipped scenario has a false expel since the die_op exit counts as a leave.
    const expelled = run(isolateThen('heal: node3', '+60s', '+70s'));
    const [x] = expelled.metrics.expels;
    expect(x).toMatchObject({ member: 'node3', falseExpel: false });
    const html = (falseExpel: boolean): string =>
      renderTimelineHtml({ ...expelled, metrics: { ...expelled.metrics, expels: [{ ...x!, falseExpel }] } });
    const line = `<li>node3 expelled by ${x!.remover} at ${x!.removed} s, ${x!.timeToExpel} s after the fault`;
    expect(html(false)).toContain(`${line}</li>`);
    expect(html(true)).toContain(`${line} (false expel: outage already over)</li>`);
  });
});

describe('chart tick labels', () => {
  it('show the precision the ticks need', () => {
    expect([0, 0.5, 1].map((v) => tickNumber(v, 1))).toEqual(['0', '0.5', '1']);
    expect(tickNumber(0.8333333 / 2, 0.8333333)).toBe('0.417');
    expect(tickNumber(600, 1200)).toBe('600');
    expect(bytesTick(1536 / 2, 1536)).toBe('0.75 KiB');
    expect(bytesTick(0, 1536)).toBe('0 B');
  });

  it('seed-cache-experiment: the throughput axis reads 0, half the top, the top (not "1, 1, 0")', () => {
    const chart = cacheHtml.slice(cacheHtml.indexOf('<g class="chart throughput-chart">'));
    const labels = [...chart.matchAll(/text-anchor="end" class="muted">([^<]*)</g)].slice(0, 3).map((m) => m[1]!);
    expect(new Set(labels).size).toBe(3);
    const [zero, half, top] = labels.map(Number);
    expect(zero).toBe(0);
    expect(half! * 2).toBeCloseTo(top!, 2);
  });
});

describe('the text report\'s XCom cache line', () => {
  it('counts the slots its XCom stopping cleared apart from evictions (seed case: node3 evicted nothing)', () => {
    const seed = runScenario(seedCaseScenario());
    const text = renderRunText(seed, '0.0.0-test');
    const c = seed.sim.member('node3').xcomCache(), cleared = seed.sim.member('node3').xcomCacheCleared();
    expect(cleared).toBeGreaterThan(0);
    expect(c.evicted).toBe(cleared);
    const line = text.split('\n').find((l) => l.startsWith('node3: peak '))!;
    expect(line).toContain(`; 0 slots evicted, ${cleared} cleared when its XCom stopped; ${c.count} cached now`);
    // A small nonzero share of the limit does not read 0.0%.
    expect(line).not.toContain('(0.0%)');
    expect(line).toMatch(/limit \(0\.0\d+%\)/);
  });

  it('seed-cache-experiment: the survivors\' evictions stay evictions; node3\'s are all cleared', () => {
    for (const m of cacheRun.sim.members) {
      const c = m.xcomCache(), cleared = m.xcomCacheCleared();
      if (m.name === 'node3') expect(cleared).toBe(c.evicted);
      else { expect(cleared).toBe(0); expect(c.evicted).toBeGreaterThan(0); }
    }
  });
});
