import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { faultSchedule, scheduleToYaml } from '../../src/arbitraries/index.js';
import { DEFAULT_MODEL_PARAMETERS, OPTION_NAMES, ScenarioError, SCENARIO_VERBS, parseScenario, validateScenario } from '../../src/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCENARIO_SCHEMA = JSON.parse(readFileSync(join(ROOT, 'docs/scenario.schema.json'), 'utf8')) as Record<string, unknown>;
const REPORT_SCHEMA = JSON.parse(readFileSync(join(ROOT, 'docs/report.schema.json'), 'utf8')) as Record<string, unknown>;

/** Ajv in strict mode, every warning and log line collected. */
function strictAjv(): { ajv: Ajv; messages: string[] } {
  const messages: string[] = [];
  const collect = (...args: unknown[]): void => { messages.push(args.map(String).join(' ')); };
  const ajv = new Ajv({ strict: true, allErrors: true, logger: { log: collect, warn: collect, error: collect } });
  return { ajv, messages };
}

function compileStrict(schema: Record<string, unknown>): ValidateFunction {
  const { ajv, messages } = strictAjv();
  const validate = ajv.compile(schema);
  expect(messages).toEqual([]);
  return validate;
}

const validateScenarioSchema = compileStrict(SCENARIO_SCHEMA);

/** A scenario file as an editor's YAML language server reads it (YAML 1.2, like parseScenario). */
function yamlData(text: string): unknown {
  return parse(text, { version: '1.2' });
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const rel = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...yamlFiles(rel));
    else if (/\.ya?ml$/.test(entry.name)) out.push(rel);
  }
  return out;
}

const SCENARIO_FILES = [...yamlFiles('scenarios'), ...yamlFiles('test'), ...yamlFiles('docs')];

describe('docs/report.schema.json', () => {
  it('compiles in ajv strict mode with no warning', () => {
    expect(compileStrict(REPORT_SCHEMA)).toBeTypeOf('function');
  });
});

describe('docs/scenario.schema.json', () => {
  it('compiles in ajv strict mode with no warning', () => {
    expect(validateScenarioSchema).toBeTypeOf('function');
  });

  it('finds the scenario files to check', () => {
    expect(SCENARIO_FILES).toContain('scenarios/seed-case.yaml');
    expect(SCENARIO_FILES.length).toBeGreaterThanOrEqual(6);
  });

  it.each(SCENARIO_FILES)('accepts %s, which parseScenario accepts too', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    expect(() => parseScenario(text, file)).not.toThrow();
    const ok = validateScenarioSchema(yamlData(text));
    expect(validateScenarioSchema.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it.each(['PERSIST', 'persist_only', 'GLOBAL'])('accepts a set with scope %s, as parseScenario does', (scope) => {
    const text = `members: [node1, node2, node3]\nevents: [{ at: "+1s", set: { member: node1, option: group_replication_member_weight, value: 10, scope: ${scope} } }]\n`;
    expect(() => parseScenario(text, 'f.yaml')).not.toThrow();
    expect(validateScenarioSchema(yamlData(text))).toBe(true);
  });

  it('accepts every counterexample file scheduleToYaml prints', () => {
    fc.assert(fc.property(faultSchedule({ maxFaults: 6 }), fc.integer({ min: 0, max: 0x7fffffff }), (schedule, seed) => {
      const ok = validateScenarioSchema(yamlData(scheduleToYaml(schedule, seed)));
      expect(validateScenarioSchema.errors ?? []).toEqual([]);
      return ok;
    }), { seed: 11, numRuns: 300 });
  });

  const BASE = 'members: [node1, node2, node3]\n';
  /** Files the parser rejects; the schema must reject each too (rule in the comment). */
  const INVALID: readonly [string, string][] = [
    ['unknown top-level field', `${BASE}mdoe: multi-primary\n`],
    ['no members', 'events: []\n'],
    ['ten members', 'members: [a, b, c, d, e, f, g, h, i, j]\n'],
    ['member named all', 'members: [all, node2]\n'],
    ['upper-case uuid', 'members: [{ name: a, uuid: 207DB264-0192-11ED-92C9-02001700754E }]\n'],
    ['port out of range', 'members: [{ name: a, port: 70000 }]\n'],
    ['unknown option', `${BASE}options: { group_replication_expel_timeout: 5 }\n`],
    ['expel timeout above 3600', `${BASE}options: { group_replication_member_expel_timeout: 3601 }\n`],
    ['cache below 128 MiB', `${BASE}options: { group_replication_message_cache_size: 1000 }\n`],
    ['exit action misspelt', `${BASE}options: { group_replication_exit_state_action: READONLY }\n`],
    ['unknown version', `${BASE}version: "5.7"\n`],
    ['duration without a unit', `${BASE}network: { latency: 300 }\n`],
    ['loss of 1', `${BASE}network: { loss: 1 }\n`],
    ['unknown model parameter', `${BASE}model: { fooUs: 1ms }\n`],
    ['model time as a bare number', `${BASE}model: { gcsEngineDelayUs: 200 }\n`],
    ['event without at', `${BASE}events: [{ isolate: node3 }]\n`],
    ['event with two actions', `${BASE}events: [{ at: "+1s", isolate: node3, freeze: node2 }]\n`],
    ['unknown action', `${BASE}events: [{ at: "+1s", explode: node3 }]\n`],
    ['clock time 13:61:00', `${BASE}events: [{ at: "13:61:00", isolate: node3 }]\n`],
    ['time without + or clock', `${BASE}events: [{ at: 10s, isolate: node3 }]\n`],
    ['cut without to', `${BASE}events: [{ at: "+1s", cut: { from: node1 } }]\n`],
    ['repair of one member', `${BASE}events: [{ at: "+1s", repair: node1 }]\n`],
    ['set of single_primary_mode', `${BASE}events: [{ at: "+1s", set: { member: all, option: group_replication_single_primary_mode, value: OFF } }]\n`],
    ['set value out of the option range', `${BASE}events: [{ at: "+1s", set: { member: all, option: group_replication_member_weight, value: 101 } }]\n`],
    ['set with scope SESSION', `${BASE}events: [{ at: "+1s", set: { member: node1, option: group_replication_member_weight, value: 10, scope: SESSION } }]\n`],
    ['write count 0', `${BASE}events: [{ at: "+1s", write: { member: node1, count: 0 } }]\n`],
    ['link with nothing to change', `${BASE}events: [{ at: "+1s", link: { from: node1, to: node2 } }]\n`],
    ['empty partition', `${BASE}events: [{ at: "+1s", partition: [] }]\n`],
    ['stream without size', `${BASE}workload: [{ member: node1, rate: 2000/s }]\n`],
    ['size with an unknown unit', `${BASE}workload: [{ member: node1, rate: 2000/s, size: 8KiX }]\n`],
    ['negative rate', `${BASE}workload: [{ member: node1, rate: -1/s, size: 4KiB }]\n`],
    ['stream and transaction mixed', `${BASE}workload: [{ member: node1, rate: 10, size: 1, at: "+1s", transaction: { size: 1 } }]\n`],
    ['burst without rate', `${BASE}workload: [{ member: node1, rate: 10, size: 1, burst: { every: 60s, for: 5s } }]\n`],
    ['until as a duration', `${BASE}until: 5m\n`],
  ];

  it.each(INVALID)('rejects a file with %s, as parseScenario does', (_what, text) => {
    expect(() => parseScenario(text, 'bad.yaml')).toThrow(ScenarioError);
    expect(validateScenarioSchema(yamlData(text))).toBe(false);
  });

  it('lists exactly the fields, options, model parameters and actions parseScenario knows', () => {
    const known = (data: Record<string, unknown>, prefix: string): string[] => {
      try {
        validateScenario({ members: ['a'], ...data });
      } catch (e) {
        const m = /known (?:fields|options|parameters|actions) are (.*)$/.exec((e as ScenarioError).rule);
        if (m !== null && (e as ScenarioError).field.startsWith(prefix)) return (m[1] as string).split(', ');
      }
      throw new Error(`no list of known names for ${prefix}`);
    };
    const props = (schema: unknown): string[] => Object.keys((schema as { properties: Record<string, unknown> }).properties);
    const defs = SCENARIO_SCHEMA.definitions as Record<string, unknown>;
    const top = SCENARIO_SCHEMA as { properties: Record<string, unknown> };
    expect(props(SCENARIO_SCHEMA).sort()).toEqual(known({ zzz: 1 }, 'zzz').sort());
    expect(props(defs.options).sort()).toEqual([...OPTION_NAMES].sort());
    expect(props(top.properties.model).sort()).toEqual(Object.keys(DEFAULT_MODEL_PARAMETERS).sort());
    expect(props(defs.event).filter((k) => k !== 'at').sort()).toEqual([...SCENARIO_VERBS].sort());
    expect(props(top.properties.network).sort()).toEqual(known({ network: { zzz: 1 } }, 'network').sort());
  });
});
