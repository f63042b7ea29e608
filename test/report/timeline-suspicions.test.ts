// A suspicion on a timeline swimlane ends no later than its member's GCS stops. GCS drops every
// suspicion it holds then without an event of its own (a leave's do_remove_node_from_group calls
// Gcs_suspicions_manager::clear_suspicions; a stopped process holds nothing), so the lane must end
// it at the member's leave view or server stop rather than draw it to the end of the run.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildReport, parseScenario, runScenario, type Scenario } from '../../src/index.js';
import type { ScenarioReport } from '../../src/report/json-report.js';
import { memberLanes } from '../../src/report/timeline-data.js';
import { seedCaseScenario } from '../helpers/seed-case.js';

/** The times a member's GCS stopped: its leave view (empty view id) and its server stopping. */
function gcsStops(report: ScenarioReport, member: string): number[] {
  const out: number[] = [];
  for (const v of report.views) if (v.member === member && v.viewId === '') out.push(v.t);
  for (const f of report.flags) if (f.member === member && !f.running) out.push(f.t);
  return out.sort((a, b) => a - b);
}

/** Checks every lane suspicion against its member's GCS stops; returns how many ended at one. */
function checkLanes(report: ScenarioReport, label: string): number {
  let left = 0;
  for (const lane of memberLanes(report)) {
    const stops = gcsStops(report, lane.name);
    for (const s of lane.suspicions) {
      const where = `${label}: ${lane.name} suspects ${s.suspect} from ${s.start} to ${s.end} (${s.outcome})`;
      // No suspicion outlives a stop of its member's GCS.
      expect(stops.filter((t) => t > s.start && t < s.end), where).toEqual([]);
      if (s.outcome === 'left') {
        left++;
        expect(stops.includes(s.end), where).toBe(true);
      }
      if (s.outcome === 'open') {
        expect(s.end, where).toBe(report.end);
        expect(stops.filter((t) => t >= s.start), where).toEqual([]);
      }
    }
  }
  return left;
}

/** Every scenario file shipped or tested with. */
function scenarioFiles(): { name: string; scenario: Scenario }[] {
  const out: { name: string; scenario: Scenario }[] = [];
  for (const dir of ['scenarios', 'test/observe/scenarios', 'test/rules/fixtures', 'docs/findings']) {
    const url = new URL(`../../${dir}/`, import.meta.url);
    for (const f of readdirSync(url).filter((x) => x.endsWith('.yaml')).sort()) {
      out.push({ name: `${dir}/${f}`, scenario: parseScenario(readFileSync(new URL(f, url), 'utf8'), f) });
    }
  }
  return out;
}

describe('timeline suspicions end when the member GCS stops', () => {
  it("seed case: node3's suspicion of itself (the majority's global view marks it failed) ends at its expel", () => {
    const report = buildReport(runScenario(seedCaseScenario()), '0.0.0-test');
    const created = report.suspicions.filter((s) => s.member === 'node3' && s.suspect === 'node3' && s.action === 'created');
    expect(created.length).toBeGreaterThan(0);
    const node3 = memberLanes(report).find((l) => l.name === 'node3')!;
    const self = node3.suspicions.filter((s) => s.suspect === 'node3');
    expect(self.length).toBe(created.length);
    // The expel's leave view (MY-011505 and the empty view at the same instant).
    const expelled = report.log.find((l) => l.member === 'node3' && l.code === 'MY-011505' && l.t > self[0]!.start)!.t;
    expect(self[0]).toMatchObject({ start: created[0]!.t, end: expelled, outcome: 'left' });
    expect(expelled).toBeLessThan(report.end);
    checkLanes(report, 'seed case');
  });

  it('seed case over 40 seeds: no lane suspicion spans a stop of its member', () => {
    let left = 0;
    for (let seed = 1; seed <= 40; seed++) left += checkLanes(buildReport(runScenario(seedCaseScenario(seed)), '0.0.0-test'), `seed ${seed}`);
    // The property is not vacuous: suspicions held when GCS stopped occur in these runs.
    expect(left).toBeGreaterThan(0);
  }, 300_000);

  it('every scenario file: no lane suspicion spans a stop of its member', () => {
    let left = 0;
    for (const { name, scenario } of scenarioFiles()) left += checkLanes(buildReport(runScenario(scenario), '0.0.0-test'), name);
    expect(left).toBeGreaterThan(0);
  }, 600_000);
});
