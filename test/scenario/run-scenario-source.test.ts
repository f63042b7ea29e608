/**
 * A refusal raised while a scenario runs names the file parseScenario was given, as `grsim run`
 * does, when the caller passes no `source`; an explicit `source` still wins.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario, runScenario, ScenarioError, simulationOf } from '../../src/index.js';

const TEXT = 'name: k\nseed: 1\nmembers: [a, b, c]\nevents:\n  - { at: "+5s", restart: a }\nuntil: "+10s"\n';

/** The file and line of the ScenarioError `run` throws. */
function labelOf(run: () => unknown): string {
  let thrown: unknown;
  try { run(); } catch (e) { thrown = e; }
  expect(thrown).toBeInstanceOf(ScenarioError);
  const e = thrown as ScenarioError;
  expect(e.message.startsWith(`${e.file}:${e.line}: events[0].restart names a member whose server is running`)).toBe(true);
  return `${e.file}:${e.line}`;
}

describe('the source a run-time refusal names', () => {
  it("defaults to parseScenario's file name, in runScenario and simulationOf", () => {
    expect(labelOf(() => runScenario(parseScenario(TEXT, 'k.yaml')))).toBe('k.yaml:5');
    expect(labelOf(() => simulationOf(parseScenario(TEXT, 'k.yaml')).runFor('10s'))).toBe('k.yaml:5');
  });
  it("is the caller's source when given, and 'scenario' for a scenario parsed without a name", () => {
    expect(labelOf(() => runScenario(parseScenario(TEXT, 'k.yaml'), { source: 'mine.yaml' }))).toBe('mine.yaml:5');
    expect(labelOf(() => simulationOf(parseScenario(TEXT, 'k.yaml'), 'mine.yaml').runFor('10s'))).toBe('mine.yaml:5');
    expect(labelOf(() => runScenario(parseScenario(TEXT)))).toBe('scenario:5');
  });
});
