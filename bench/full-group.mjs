// Full-fidelity idle group benchmark: a 9-member grsim group (XCom heartbeats, detector, GCS,
// GR) over 24 h of virtual time, printed beside the yardstick (bench/heartbeat-yardstick.mjs)
// as a ratio of simulated seconds per CPU second (and per wall second). Target: ≥ 1.0× the
// yardstick, for the default model.
//
// Two models run, each in a fresh process of its own, against the same yardstick run:
// - flags on: flowControlStatsTraffic 1 and xcomRetryBackoff 1 (GR's flow-control statistics go
//   through consensus: every member proposes one value a second, every member learns it);
// - traffic off: both 0 (the XCom level of an idle group is heartbeats only, as before issue 15).
// The target line is the one of the model whose flags DEFAULT_MODEL_PARAMETERS has; both ratios
// are printed so that the docs can quote them from one run. The default model runs a third time
// with SimulationOptions.stretch on (off by default), printed beside the others but not the target.
//
// Events go to a trace sink that counts them instead of the in-memory trace: with traffic on, an
// idle group's caches change every 0.1 s tick and 24 h would outgrow the default trace bound.
//
// usage: npm run build && node bench/full-group.mjs [--hours=24] [--members=9]
//        node bench/full-group.mjs --only=flags-on|traffic-off [--hours=…] [--members=…] [--stretch]  (one model, JSON only;
//          --stretch: with SimulationOptions.stretch, and its stretchStats in the JSON)
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSimulation, DEFAULT_MODEL_PARAMETERS } from '../dist/index.js';
import { cpuSecondsSince, reportTarget } from './targets.mjs';

const args = Object.fromEntries(process.argv.slice(2).map((a) => { const [k, v] = a.replace(/^--/, '').split('='); return [k, v ?? '1']; }));
const hours = Number(args.hours ?? 24);
const members = Number(args.members ?? 9);
const here = dirname(fileURLToPath(import.meta.url));

/** The two models measured, by the name `--only` takes. */
const MODELS = {
  'flags-on': { flowControlStatsTraffic: 1, xcomRetryBackoff: 1 },
  'traffic-off': { flowControlStatsTraffic: 0, xcomRetryBackoff: 0 },
};

/** Runs the idle group with `model` in this process and returns its figures. */
function measure(name) {
  const model = MODELS[name];
  if (model === undefined) throw new Error(`--only must be one of ${Object.keys(MODELS).join(', ')}, got ${name}`);
  let traced = 0, logLines = 0;
  const sim = createSimulation({
    seed: 12345, members: Array.from({ length: members }, (_, i) => `node${i + 1}`), mode: 'multi-primary', model,
    traceSink: (e) => { traced++; if (e.type === 'log') logLines++; },
    ...(args.stretch === '1' ? { stretch: true } : {}),
  });
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  sim.runFor(`${hours}h`);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpuSecs = cpuSecondsSince(cpu0);
  return { model: name, events: sim.eventsDispatched, traceEvents: traced, logLines, secs, cpuSecs, ...(args.stretch === '1' ? { stretch: sim.stretchStats } : {}) };
}

if (args.only !== undefined) {
  console.log(JSON.stringify(measure(args.only)));
} else {
  const simSecs = hours * 3600;
  const yard = JSON.parse(execFileSync(process.execPath, [resolve(here, 'heartbeat-yardstick.mjs'), `--hours=${hours}`, `--nodes=${members}`], { encoding: 'utf8' }).trim().split('\n').pop());
  const defaultName = Object.keys(MODELS).find((k) => Object.entries(MODELS[k]).every(([p, v]) => DEFAULT_MODEL_PARAMETERS[p] === v));
  let broken = false;
  const rows = {};
  const runs = [...Object.keys(MODELS).map((name) => ({ name, stretch: false })), ...(defaultName === undefined ? [] : [{ name: defaultName, stretch: true }])];
  for (const { name, stretch } of runs) {
    const r = JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), `--only=${name}`, `--hours=${hours}`, `--members=${members}`, ...(stretch ? ['--stretch'] : [])], { encoding: 'utf8' }).trim().split('\n').pop());
    const res = {
      bench: 'full-group', ...r, default: name === defaultName && !stretch, members, hours,
      eventsPerSec: r.events / r.secs, eventsPer24h: Math.round(r.events * 24 / hours),
      simSecPerWallSec: simSecs / r.secs, simSecPerCpuSec: simSecs / r.cpuSecs,
      yardstickSimSecPerWallSec: yard.simSecPerWallSec, yardstickSimSecPerCpuSec: yard.simSecPerCpuSec, yardstickEventsPerSec: yard.eventsPerSec,
      ratioSimSecPerWallSec: simSecs / r.secs / yard.simSecPerWallSec,
      ratioSimSecPerCpuSec: simSecs / r.cpuSecs / yard.simSecPerCpuSec,
    };
    if (!stretch) rows[name] = res;
    const label = stretch ? `${name}, stretched (the default model with SimulationOptions.stretch)` : `${name}${res.default ? ' (the default model)' : ''}`;
    console.log(`full group, ${label} (${members} members, ${hours} h idle): ` +
      `${(res.eventsPer24h / 1e6).toFixed(2)} M events per 24 h, ${r.cpuSecs.toFixed(2)} CPU-s, ${Math.round(res.simSecPerCpuSec)} sim-s/CPU-s; ` +
      `yardstick ${Math.round(yard.simSecPerCpuSec)} sim-s/CPU-s; ratio ${res.ratioSimSecPerCpuSec.toFixed(3)} CPU, ${res.ratioSimSecPerWallSec.toFixed(3)} wall`);
    console.log(JSON.stringify(res));
    if (r.logLines !== 0) { console.error(`an idle group (${name}) logged ${r.logLines} lines: the model is wrong`); broken = true; }
  }
  const other = Object.keys(MODELS).filter((k) => k !== defaultName).map((k) => `${k} ${rows[k].ratioSimSecPerCpuSec.toFixed(2)}×`).join(', ');
  if (defaultName === undefined) console.error('DEFAULT_MODEL_PARAMETERS matches neither measured model: no target line');
  else reportTarget('idleGroup', rows[defaultName].ratioSimSecPerCpuSec, `default model ${defaultName}; ${other}; wall-time ratio ${rows[defaultName].ratioSimSecPerWallSec.toFixed(3)}`);
  if (broken) process.exitCode = 1;
}
