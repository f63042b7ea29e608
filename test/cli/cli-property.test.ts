import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { runCliOnText } from '../helpers/run-cli-on-text.js';
import { InvariantError } from '../../src/index.js';
import { validateReport } from '../helpers/report-schema.js';

/** Runs the CLI in-process on a scenario given as text, as `grsim run gen.yaml …`. */
const cli = (text: string, ...flags: string[]): ReturnType<typeof runCliOnText> => runCliOnText(text, 'gen.yaml', flags);

const NAMES = ['node1', 'node2', 'node3', 'node4', 'node5'];
type Raw = Record<string, unknown> & { events: Record<string, unknown>[]; members: unknown[] };

/** Valid scenario files, built from valid parts (as raw data, before YAML). */
const validScenario: fc.Arbitrary<Raw> = fc.integer({ min: 1, max: 5 }).chain((n) => {
  const names = NAMES.slice(0, n);
  const member = fc.constantFrom(...names);
  const t = fc.integer({ min: 0, max: 120 });
  const at = (s: number): string => `+${s}s`;
  const pair = n >= 2 ? fc.tuple(member, member).filter(([a, b]) => a !== b) : fc.constant(null);
  const simple: fc.Arbitrary<Record<string, unknown>>[] = [
    fc.record({ t, m: member }).map(({ t: s, m }) => ({ at: at(s), isolate: m })),
    fc.record({ t, m: fc.oneof(member, fc.constant('all')) }).map(({ t: s, m }) => ({ at: at(s), heal: m })),
    fc.record({ t }).map(({ t: s }) => ({ at: at(s), repair: 'all' })),
    fc.record({ t, m: member, count: fc.integer({ min: 1, max: 3 }) }).map(({ t: s, m, count }) => ({ at: at(s), write: count === 1 ? { member: m } : { member: m, count } })),
    fc.record({ t, m: fc.oneof(member, fc.constant('all')), v: fc.integer({ min: 0, max: 30 }) }).map(({ t: s, m, v }) => ({ at: at(s), set: { member: m, option: 'group_replication_member_expel_timeout', value: v } })),
    fc.record({ t, latency: fc.integer({ min: 0, max: 50 }), loss: fc.constantFrom(0, 0.01, 0.2) }).map(({ t: s, latency, loss }) => ({ at: at(s), link: { latency: `${latency}ms`, loss } })),
  ];
  if (n >= 2) {
    simple.push(
      fc.record({ t, p: pair }).map(({ t: s, p }) => ({ at: at(s), cut: { from: p![0], to: p![1] } })),
      fc.record({ t, p: fc.oneof(pair.map((p) => ({ from: p![0], to: p![1] })), fc.constant('all' as const)) }).map(({ t: s, p }) => ({ at: at(s), restore: p })),
      fc.record({ t, k: fc.integer({ min: 1, max: n - 1 }) }).map(({ t: s, k }) => ({ at: at(s), partition: [names.slice(0, k), names.slice(k)] })),
      fc.record({ t, p: pair }).map(({ t: s, p }) => ({ at: at(s), link: { from: p![0], to: p![1], latency: '5ms', jitter: '1ms' } })),
    );
  }
  // At most one process episode per member (freeze…thaw or crash…restart), so pairs never overlap.
  const episodes = fc.uniqueArray(fc.record({ m: member, kind: fc.constantFrom('freeze', 'crash'), t, d: fc.integer({ min: 1, max: 60 }) }), { selector: (e) => e.m, maxLength: n });
  return fc.record({
    seed: fc.integer({ min: 0, max: 1_000_000 }),
    mode: fc.constantFrom('single-primary', 'multi-primary'),
    version: fc.constantFrom('8.0.20', '8.0.21', '8.4', '9.x'),
    expel: fc.integer({ min: 0, max: 20 }),
    tries: fc.integer({ min: 0, max: 3 }),
    action: fc.constantFrom('READ_ONLY', 'OFFLINE_MODE'),
    majority: fc.constantFrom(0, 10, 40),
    hosts: fc.boolean(),
    events: fc.array(fc.oneof(...simple), { maxLength: 6 }),
    episodes,
    tail: fc.integer({ min: 0, max: 300 }),
  }).map((g): Raw => {
    const events = [...g.events];
    for (const e of g.episodes) {
      events.push({ at: at(e.t), [e.kind]: e.m }, { at: at(e.t + e.d), [e.kind === 'freeze' ? 'thaw' : 'restart']: e.m });
    }
    // Listed in time order, as the parser requires (stable: equal times keep their order).
    const seconds = (e: Record<string, unknown>): number => Number(String(e.at).slice(1, -1));
    events.sort((a, b) => seconds(a) - seconds(b));
    const last = Math.max(0, ...events.map(seconds));
    return {
      name: 'generated', seed: g.seed, mode: g.mode, version: g.version,
      members: g.hosts ? names.map((m) => ({ name: m, host: 'db.example', port: 3306 + names.indexOf(m) })) : names,
      options: { group_replication_member_expel_timeout: g.expel, group_replication_autorejoin_tries: g.tries, group_replication_unreachable_majority_timeout: g.majority },
      memberOptions: { [names[0] as string]: { group_replication_exit_state_action: g.action } },
      network: { latency: '0.3ms', jitter: '0.1ms', loss: 0 },
      events,
      until: at(last + g.tail),
    };
  });
});

/** One corrupted field: the mutation and the path the error must name. */
interface Corruption { readonly apply: (r: Raw) => Raw; readonly path: string }
function corruptions(r: Raw): Corruption[] {
  const out: Corruption[] = [
    { apply: (x) => ({ ...x, colour: 'red' }), path: 'colour is not a known field' },
    { apply: (x) => ({ ...x, mode: 'multi' }), path: 'mode must be' },
    { apply: (x) => ({ ...x, version: '5.7' }), path: 'version must be one of' },
    { apply: (x) => ({ ...x, seed: 1.5 }), path: 'seed must be' },
    { apply: (x) => ({ ...x, members: [] }), path: 'members must be a list of 1..9' },
    { apply: (x) => ({ ...x, options: { ...(x.options as object), group_replication_member_expel_timeout: 3601 } }), path: 'options.group_replication_member_expel_timeout must be an integer in 0..3600' },
    { apply: (x) => ({ ...x, options: { ...(x.options as object), group_replication_autorejoin_tries: -1 } }), path: 'options.group_replication_autorejoin_tries must be an integer in 0..2016' },
    { apply: (x) => ({ ...x, network: { latency: '-1ms' } }), path: 'network.latency must be a duration' },
    { apply: (x) => ({ ...x, until: 'whenever' }), path: 'until must be a clock time' },
  ];
  r.events.forEach((e, i) => {
    out.push({ apply: (x) => ({ ...x, events: x.events.map((y, k) => (k === i ? { ...y, at: 'soon' } : y)) }), path: `events[${i}].at must be` });
    out.push({ apply: (x) => ({ ...x, events: x.events.map((y, k) => (k === i ? { ...y, why: 1 } : y)) }), path: `events[${i}].why is not a known action` });
    const verb = Object.keys(e).find((k) => k !== 'at') as string;
    const v = e[verb];
    if (typeof v === 'string' && v !== 'all') {
      out.push({ apply: (x) => ({ ...x, events: x.events.map((y, k) => (k === i ? { at: y.at, [verb]: 'ghost' } : y)) }), path: `events[${i}].${verb} must name a member` });
    }
    if (Number(String(e.at).slice(1, -1)) > 0) {
      out.push({ apply: (x) => ({ ...x, until: '+0s' }), path: 'must not be after until' });
    }
  });
  return out;
}

describe('scenario files generated from valid parts', () => {
  it('run to completion and yield a report that parses and satisfies the schema', async () => {
    await fc.assert(fc.asyncProperty(validScenario, async (raw) => {
      const r = await cli(stringify(raw), '--format', 'json');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const report = JSON.parse(r.stdout) as { end: number; members: unknown[] };
      expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
      expect(report.members).toHaveLength(raw.members.length);
      expect(report.end).toBe(Number(String(raw.until).slice(1, -1)));
    }), { seed: 20261121, numRuns: 40 });
  });

  it('with any single corrupted field are rejected with exit code 2 and the path, never a crash', async () => {
    const withCorruption = validScenario.chain((raw) => fc.constantFrom(...corruptions(raw)).map((c) => ({ raw, c })));
    await fc.assert(fc.asyncProperty(withCorruption, async ({ raw, c }) => {
      const r = await cli(stringify(c.apply(raw)), '--format', 'json');
      expect(r.stdout).toBe('');
      expect(r.code).toBe(2);
      expect(r.stderr.startsWith('gen.yaml:')).toBe(true);
      expect(r.stderr).toContain(c.path);
    }), { seed: 20261121, numRuns: 150 });
  });
});

describe('runCli exit code 3', () => {
  it('reports an internal error with the seed that reproduces it', async () => {
    let stderr = '';
    const code = await runCli(['run', 'x.yaml'], {
      stdout: () => { throw new InvariantError('report writer failed'); },
      stderr: (t) => { stderr += t; },
      readFile: () => 'seed: 42\nmembers: [a]\nuntil: "+1s"\n', version: 'test', seedCasePath: '', isTty: false, nowMs: () => 0,
    });
    expect(code).toBe(3);
    expect(stderr).toContain('grsim: internal error (InvariantError): report writer failed');
    expect(stderr).toContain('(seed 42)');
  });
});
