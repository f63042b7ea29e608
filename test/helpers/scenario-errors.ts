import { expect } from 'vitest';
import { parseScenario, ScenarioError } from '../../src/index.js';

/** Parses `text` as file `f.yaml`, expecting a ScenarioError; returns it. */
export function rejects(text: string): ScenarioError {
  try {
    parseScenario(text, 'f.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return e as ScenarioError;
  }
  throw new Error('the scenario was accepted');
}
