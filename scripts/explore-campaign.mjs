#!/usr/bin/env node
// The long explore campaign behind "every built-in property holds": each built-in property that is
// not expected to fail, over random 10-minute fault schedules with fixed seeds, on 5 members and
// on 9 members. It is not a CI step (CI runs a fast sample in test/arbitraries); run it after a
// change to the simulator or an invariant, and quote its table with the commit.
//
//   npm run build && node scripts/explore-campaign.mjs [--runs5 20000] [--runs9 5000] [--jobs 2]
//        [--seed 99] [--property NAME]...
//
// Properties that explore the same fault schedules (the same `scheduleSpace`) run as one
// `grsim explore --property a,b,…` process: each schedule is simulated once and checked against all
// of them, with the same runs (same seeds) as one process per property would make. A failure stops
// that process at the failing run (the other properties of the group held until then), prints the
// shrunk scenario file of the property that failed, and writes it to explore-campaign-failures/ for
// replay with `grsim run`.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = resolve(repo, 'dist/cli/main.js');
const { values } = parseArgs({
  options: {
    runs5: { type: 'string', default: '20000' },
    runs9: { type: 'string', default: '5000' },
    jobs: { type: 'string', default: '2' },
    seed: { type: 'string', default: '99' },
    duration: { type: 'string', default: '10m' },
    property: { type: 'string', multiple: true },
  },
});

const { BUILT_IN_PROPERTIES } = await import(resolve(repo, 'dist/arbitraries/experiments.js'));
const chosen = BUILT_IN_PROPERTIES.filter((p) => p.expectedToFail === undefined && (values.property === undefined || values.property.includes(p.name)));
if (chosen.length === 0) {
  console.error(`no such property: ${values.property?.join(', ')}`);
  process.exit(2);
}

// V8 tiering for a long exploration, given at start-up as the grsim binary gives it
// (src/cli/explore-tiering.ts; docs/speed.md, "Less compilation behind one job").
const { EXPLORE_V8_FLAGS: V8_FLAGS } = await import(resolve(repo, 'dist/cli/explore-tiering.js'));

function explore(property, members, runs) {
  const args = [...V8_FLAGS, cli, 'explore', '--property', property, '--members', String(members), '--duration', values.duration,
    '--runs', String(runs), '--jobs', values.jobs, '--seed', values.seed];
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (b) => { out += b; });
    child.on('close', (code) => done({ code, out, command: `grsim ${args.slice(V8_FLAGS.length + 1).join(' ')}` }));
  });
}

// Groups in the order the properties are listed; a property without a schedule space is its own group.
const groups = [];
for (const p of chosen) {
  const g = p.scheduleSpace === undefined ? undefined : groups.find((x) => x[0].scheduleSpace === p.scheduleSpace);
  if (g === undefined) groups.push([p]);
  else g.push(p);
}

const rows = [];
let failures = 0;
for (const [members, runs] of [[5, Number(values.runs5)], [9, Number(values.runs9)]]) {
  if (runs <= 0) continue;
  for (const group of groups) {
    const name = group.map((p) => p.name).join(',');
    const started = process.hrtime.bigint();
    const r = await explore(name, members, runs);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const last = r.out.trim().split('\n').at(-1) ?? '';
    const m = /^(\d+) runs, (\d+) failed/.exec(last);
    // The property that failed is named on the first line of a combined process's report.
    const failedName = /^Property (\S+)/m.exec(r.out)?.[1];
    for (const p of group) {
      const failed = m ? (Number(m[2]) > 0 && (group.length === 1 || failedName === p.name) ? 1 : 0) : NaN;
      rows.push({ property: p.name, members, runs: m ? Number(m[1]) : NaN, failed, seconds, shared: group.length });
    }
    if (r.code !== 0) {
      failures++;
      const dir = resolve(repo, 'explore-campaign-failures');
      mkdirSync(dir, { recursive: true });
      const file = resolve(dir, `${failedName ?? group[0].name}-${members}.txt`);
      writeFileSync(file, `${r.command}\n\n${r.out}`);
      console.error(`${name} on ${members} members: exit ${r.code}; output in ${file}`);
    }
    for (const row of rows.slice(-group.length)) {
      console.error(`${row.property.padEnd(44)} ${String(members).padStart(2)} members ${String(row.runs).padStart(6)} runs ${String(row.failed).padStart(2)} failed ${seconds.toFixed(0).padStart(5)} s${group.length > 1 ? ` (one process for ${group.length} properties)` : ''}`);
    }
  }
}

console.log(`| property | members | runs | failed | wall s |\n|---|---:|---:|---:|---:|`);
for (const r of rows) console.log(`| ${r.property} | ${r.members} | ${r.runs} | ${r.failed} | ${r.seconds.toFixed(0)}${r.shared > 1 ? ` (shared by ${r.shared})` : ''} |`);
process.exit(failures === 0 ? 0 : 1);
