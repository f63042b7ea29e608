// Full-fidelity idle group benchmark: a 9-member grsim group (XCom heartbeats, detector, GCS,
// GR) over 24 h of virtual time, printed beside the yardstick (bench/heartbeat-yardstick.mjs)
// as a ratio of simulated seconds per CPU second (and per wall second). Target: ≥ 1.0× the yardstick.
// usage: npm run build && node bench/full-group.mjs [--hours=24] [--members=9]
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSimulation } from '../dist/index.js';
import { cpuSecondsSince, reportTarget } from './targets.mjs';

const args = Object.fromEntries(process.argv.slice(2).map((a) => { const [k, v] = a.replace(/^--/, '').split('='); return [k, v ?? '1']; }));
const hours = Number(args.hours ?? 24);
const members = Number(args.members ?? 9);
const here = dirname(fileURLToPath(import.meta.url));
const yardstickPath = resolve(here, 'heartbeat-yardstick.mjs');
const yard = JSON.parse(execFileSync(process.execPath, [yardstickPath, `--hours=${hours}`, `--nodes=${members}`], { encoding: 'utf8' }).trim().split('\n').pop());

const sim = createSimulation({ seed: 12345, members: Array.from({ length: members }, (_, i) => `node${i + 1}`), mode: 'multi-primary' });
const t0 = process.hrtime.bigint();
const cpu0 = process.cpuUsage();
sim.runFor(`${hours}h`);
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
const cpuSecs = cpuSecondsSince(cpu0);
const simSecs = hours * 3600;
const events = sim.eventsDispatched;
const unexpected = sim.trace.filter((e) => e.type === 'log').length;
const res = {
  bench: 'full-group', members, hours, events, secs, cpuSecs,
  eventsPerSec: events / secs, simSecPerWallSec: simSecs / secs, simSecPerCpuSec: simSecs / cpuSecs,
  yardstickSimSecPerWallSec: yard.simSecPerWallSec, yardstickSimSecPerCpuSec: yard.simSecPerCpuSec, yardstickEventsPerSec: yard.eventsPerSec,
  ratioSimSecPerWallSec: simSecs / secs / yard.simSecPerWallSec,
  ratioSimSecPerCpuSec: simSecs / cpuSecs / yard.simSecPerCpuSec,
  logLinesInIdleRun: unexpected,
};
console.log(`full group (${members} members, ${hours} h idle): ${(events / secs / 1e6).toFixed(2)} M events/s, ` +
  `${Math.round(simSecs / secs)} sim-s/wall-s; yardstick ${Math.round(yard.simSecPerWallSec)} sim-s/wall-s; ` +
  `ratio ${res.ratioSimSecPerWallSec.toFixed(3)} wall, ${res.ratioSimSecPerCpuSec.toFixed(3)} CPU`);
console.log(JSON.stringify(res));
reportTarget('idleGroup', res.ratioSimSecPerCpuSec, `wall-time ratio ${res.ratioSimSecPerWallSec.toFixed(3)}`);
if (unexpected !== 0) { console.error('an idle group logged something: the model is wrong'); process.exitCode = 1; }
