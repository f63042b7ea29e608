// Speed targets of `npm run bench` (issue 15) and how each bench reports against its own.
// A bench measures its figure in its own run (ratios against the yardstick spawned beside it) and
// prints one line `target: {json}`; bench/run-all.mjs gathers those lines into a PASS/FAIL table.
import { readFileSync } from 'node:fs';

/** Each target: what is measured, the threshold and its unit. */
export const TARGETS = {
  kernel: { name: 'kernel vs yardstick (9 nodes, 24 h)', min: 0.9, unit: '×' },
  idleGroup: { name: 'idle 9-member group vs yardstick (24 h)', min: 1.0, unit: '×' },
  // "Real time" is the wall clock: simulated seconds per wall second of the simulation's own steps.
  load3: { name: '3 members at 10,000 tx/s, real time', min: 5000, unit: '× real time' },
  // Defined for an idle 2-core machine: bench/explore.mjs reports it only where it runs on 2 cores.
  explore2: { name: 'explore, 2 jobs vs 1 on 2 cores', min: 1.6, unit: '×' },
};

/** USER_HZ: the unit of the CPU counters in /proc/stat and /proc/<pid>/task/<tid>/stat. */
export const TICKS_PER_S = 100;

/**
 * CPU seconds every process of the machine has used so far (all but idle and iowait in /proc/stat);
 * NaN where /proc/stat is not readable. The difference over a span, less a measured process's own
 * CPU, is what other processes took from the machine meanwhile.
 */
export function machineCpuSeconds() {
  let line;
  try { line = readFileSync('/proc/stat', 'utf8').split('\n')[0]; } catch { return NaN; }
  const f = line.trim().split(/\s+/).slice(1, 9).map(Number); // user nice system idle iowait irq softirq steal
  return (f.reduce((a, b) => a + b, 0) - f[3] - f[4]) / TICKS_PER_S;
}

/** CPU seconds (user + system) of this process since `since` (a process.cpuUsage() value). */
export function cpuSecondsSince(since) {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1e6;
}

/**
 * Prints the target line for run-all.mjs and returns whether the figure meets the target;
 * `measuredAsDefined` false: the figure was not taken in the conditions the target is defined for
 * (explore's pairs without two free cores), so it is printed but cannot pass.
 */
export function reportTarget(key, measured, detail = '', measuredAsDefined = true) {
  const t = TARGETS[key];
  const pass = measuredAsDefined && measured >= t.min;
  console.log(`target: ${JSON.stringify({ key, name: t.name, measured, min: t.min, unit: t.unit, pass, detail })}`);
  return pass;
}

/** The median, least and greatest of `values` (a non-empty array of numbers). */
export function medianAndRange(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1] };
}
