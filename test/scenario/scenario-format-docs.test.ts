import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario, ScenarioError } from '../../src/index.js';

/**
 * docs/scenario-format.md against the validator: every top-level field and every option the
 * validator accepts has its row in the doc's tables (and the doc has no row the validator refuses),
 * so the two cannot drift apart. The lists come from the validator's own "known …" messages.
 */
const DOC = readFileSync(new URL('../../docs/scenario-format.md', import.meta.url), 'utf8');

/** The message of the ScenarioError that parsing `text` as case.yaml throws. */
function errorOf(text: string): string {
  try {
    parseScenario(text, 'case.yaml');
  } catch (e) {
    if (e instanceof ScenarioError) return e.message;
    throw e;
  }
  throw new Error('the scenario was accepted');
}

/** The names the validator lists after `known <what> are` in the error for `text`. */
function knownNames(text: string, what: string): string[] {
  const m = new RegExp(`known ${what} are (.*), got `).exec(errorOf(text));
  if (m === null) throw new Error(`no list of known ${what} in: ${errorOf(text)}`);
  return (m[1] as string).split(', ');
}

/** The first cell (`name`) of each row of the first table after the line `heading`. */
function tableRows(heading: string): string[] {
  const start = DOC.indexOf(`\n${heading}\n`);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const lines = DOC.slice(start + heading.length + 2).split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const end = lines.findIndex((l, k) => k > first && !l.startsWith('|'));
  return lines.slice(first + 2, end).map((row) => /^\| `([^`]+)` \|/.exec(row)?.[1] ?? row);
}

describe('docs/scenario-format.md lists what the validator accepts', () => {
  it('the Fields table has a row for every top-level field, and no other', () => {
    const fields = knownNames('members: [a, b, c]\nmdoe: x\n', 'fields');
    expect(fields).toContain('limits');
    expect(tableRows('## Fields').sort()).toEqual([...fields].sort());
  });

  it('the options table has a row for every option, and no other', () => {
    const options = knownNames('members: [a, b, c]\noptions: { group_replication_bogus: 1 }\n', 'options');
    expect(options).toContain('group_replication_force_members');
    expect(tableRows("**Options** use MySQL's names, units and ranges; values outside them are errors:").sort()).toEqual([...options].sort());
  });

  it('the unknown-field example under Validation is the validator\'s message', () => {
    const message = errorOf('name: t\nmembers: [a, b, c]\nuntil: "+10s"\nmdoe: multi-primary\n');
    expect(message).toMatch(/^case\.yaml:4: mdoe is not a known field; /);
    expect(DOC).toContain(`\n${message}\n`);
  });
});
