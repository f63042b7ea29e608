/**
 * Every input gets a clear answer: a mutated scenario file either runs (exit 0) or is refused
 * with exit 2 and one message that names the file, the line and the path — never an internal
 * error (exit 3), a crash or a hang. Runs in-process through the CLI's runCli.
 *
 * CI runs a fast sample; `node scripts/fuzz-scenarios.mjs <N>` runs a long campaign through this
 * same file (GRSIM_FUZZ_RUNS, GRSIM_FUZZ_SEED, GRSIM_FUZZ_MAX_RUN_S, GRSIM_FUZZ_CURRENT,
 * GRSIM_FUZZ_REPORT) and prints the counts by outcome.
 */
import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseScenario, type Scenario } from '../../src/index.js';
import { runCliOnText } from '../helpers/run-cli-on-text.js';
import { BASE_FILES, mutatedScenario } from '../helpers/scenario-mutations.js';

const env = process.env;
const RUNS = Number(env.GRSIM_FUZZ_RUNS ?? 150);
const SEED = Number(env.GRSIM_FUZZ_SEED ?? 20261130);
/** Longest virtual run the sample makes (a mutated `until` may ask for 7 days). */
const MAX_RUN_US = Number(env.GRSIM_FUZZ_MAX_RUN_S ?? 120) * 1_000_000;
const CURRENT = env.GRSIM_FUZZ_CURRENT;

type Outcome = 'ran' | 'refused' | 'not run (longer than the sample runs)' | 'FAILED';

/** The latest time the file's own schedule needs (an earlier --until would be refused). */
function lastScheduledUs(s: Scenario): number {
  let last = 0;
  for (const e of s.events) last = Math.max(last, e.atUs);
  for (const w of s.workload ?? []) last = Math.max(last, w.kind === 'transaction' ? w.atUs : w.fromUs);
  return last;
}

/** Runs one file as `grsim run`; throws (with the file) when the answer is not a clear one. */
async function check(text: string, format: 'text' | 'json'): Promise<Outcome> {
  if (CURRENT !== undefined) writeFileSync(CURRENT, text);
  const args = ['--format', format];
  let parsed: Scenario | undefined;
  try { parsed = parseScenario(text, 'f.yaml'); } catch { /* the CLI reports it below */ }
  if (parsed !== undefined && parsed.untilUs > MAX_RUN_US) {
    if (lastScheduledUs(parsed) > MAX_RUN_US) return 'not run (longer than the sample runs)';
    args.push('--until', `+${MAX_RUN_US}us`);
  }
  const { code, stdout, stderr } = await runCliOnText(text, 'f.yaml', args);
  const lines = text.split('\n').length;
  if (code === 0) {
    expect(stdout.length, 'a run prints a report').toBeGreaterThan(0);
    if (format === 'json') {
      // Every member is in the report, whatever its name (`__proto__` included).
      const report = JSON.parse(stdout) as { members: unknown[]; final: object };
      expect(Object.keys(report.final)).toHaveLength(report.members.length);
    }
    return 'ran';
  }
  expect(code, `exit 0 or 2, never ${code}:\n${stderr.slice(0, 3000)}\n--- file ---\n${text.slice(0, 3000)}`).toBe(2);
  const message = stderr.trimEnd();
  expect(message.split('\n'), `one line:\n${message.slice(0, 3000)}`).toHaveLength(1);
  expect(message.length, 'a message stays short').toBeLessThan(2000);
  const located = /^f\.yaml:(\d+): \S/.exec(message);
  expect(located, `names the file and the line: ${message}\n--- file ---\n${text.slice(0, 3000)}`).not.toBeNull();
  expect(Number(located![1])).toBeGreaterThanOrEqual(1);
  expect(Number(located![1])).toBeLessThanOrEqual(lines + 1);
  return 'refused';
}

describe('mutated scenario files get exit 0 or a located exit 2', () => {
  it('the base files run', async () => {
    for (const text of BASE_FILES) expect(await check(text, 'text')).toBe('ran');
  });

  it(`${RUNS} mutated files (seed ${SEED})`, async () => {
    const counts = new Map<Outcome, number>();
    try {
      await fc.assert(
        fc.asyncProperty(mutatedScenario, fc.constantFrom<'text' | 'json'>('text', 'json'), async (text, format) => {
          let outcome: Outcome = 'FAILED';
          try {
            outcome = await check(text, format);
          } finally {
            counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
          }
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
    } finally {
      if (env.GRSIM_FUZZ_REPORT !== undefined) writeFileSync(env.GRSIM_FUZZ_REPORT, JSON.stringify(Object.fromEntries(counts)));
    }
    // The mutations reach both sides: some files still run, most are refused.
    expect(counts.get('ran') ?? 0).toBeGreaterThan(0);
    expect(counts.get('refused') ?? 0).toBeGreaterThan(0);
  }, Math.max(600_000, RUNS * 5_000));
});
