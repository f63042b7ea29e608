// Full-fidelity idle group benchmark: a 9-member grsim group (XCom heartbeats, detector, GCS,
// GR) over 24 h of virtual time, beside the yardstick (bench/heartbeat-yardstick.mjs), as a ratio
// of simulated seconds per CPU second (and per wall second). Target: ≥ 1.0× the yardstick, for
// the default model with the default options.
//
// The default model (flowControlStatsTraffic 1 and xcomRetryBackoff 1: GR's flow-control
// statistics go through consensus, every member proposes one value a second, every member learns
// it) with its default options, which advance a steady group a stretch at a time
// (SimulationOptions.stretch), is measured in `--pairs` alternated pairs (default 5): each pair one
// yardstick run and one grsim run, each in a fresh process, back to back, the yardstick first in
// odd pairs; the figure is the median of the pairs' ratios, printed with their range (one run of
// each side moves by ±20 % on the 2-core VM, about the distance to the target). Two runs are
// printed beside it, once each against the pairs' median yardstick: the default model event by
// event (stretch false), and the model without the statistics traffic (the XCom level of an idle
// group is heartbeats only, as before issue 15).
//
// Events go to a trace sink that counts them instead of the in-memory trace: with traffic on, an
// idle group's caches change every second and 24 h would outgrow the default trace bound.
//
// usage: npm run build && node bench/full-group.mjs [--hours=24] [--members=9] [--pairs=5]
//        node bench/full-group.mjs --only=flags-on|traffic-off [--hours=…] [--members=…] [--event-by-event]  (one model, JSON only;
//          --event-by-event: SimulationOptions.stretch false; the JSON has stretchStats)
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSimulation, DEFAULT_MODEL_PARAMETERS } from '../dist/index.js';
import { cpuSecondsSince, medianAndRange, reportTarget } from './targets.mjs';

const args = Object.fromEntries(process.argv.slice(2).map((a) => { const [k, v] = a.replace(/^--/, '').split('='); return [k, v ?? '1']; }));
const hours = Number(args.hours ?? 24);
const members = Number(args.members ?? 9);
const PAIRS = Number(args.pairs ?? 5);
if (!(PAIRS >= 1 && PAIRS <= 50 && Number.isInteger(PAIRS))) throw new Error(`--pairs must be an integer in 1..50, got ${args.pairs}`);
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
    ...(args['event-by-event'] === '1' ? { stretch: false } : {}),
  });
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  sim.runFor(`${hours}h`);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpuSecs = cpuSecondsSince(cpu0);
  return { model: name, events: sim.eventsDispatched, traceEvents: traced, logLines, secs, cpuSecs, stretch: sim.stretchStats };
}

if (args.only !== undefined) {
  console.log(JSON.stringify(measure(args.only)));
} else {
  const simSecs = hours * 3600;
  const spawn = (script, extra) => JSON.parse(execFileSync(process.execPath, [script, `--hours=${hours}`, ...extra], { encoding: 'utf8' }).trim().split('\n').pop());
  const yardstick = () => spawn(resolve(here, 'heartbeat-yardstick.mjs'), [`--nodes=${members}`]);
  const grsim = (name, eventByEvent = false) => spawn(fileURLToPath(import.meta.url), [`--only=${name}`, `--members=${members}`, ...(eventByEvent ? ['--event-by-event'] : [])]);
  const defaultName = Object.keys(MODELS).find((k) => Object.entries(MODELS[k]).every(([p, v]) => DEFAULT_MODEL_PARAMETERS[p] === v));
  if (defaultName === undefined) throw new Error('DEFAULT_MODEL_PARAMETERS matches neither measured model: no target line');
  let broken = false;
  const check = (name, r) => {
    if (r.logLines !== 0) { console.error(`an idle group (${name}) logged ${r.logLines} lines: the model is wrong`); broken = true; }
  };
  // The default model and options against the yardstick, in alternated pairs.
  const pairs = [];
  for (let k = 0; k < PAIRS; k++) {
    let y, g;
    if (k % 2 === 0) { y = yardstick(); g = grsim(defaultName); } else { g = grsim(defaultName); y = yardstick(); }
    check(defaultName, g);
    pairs.push({ grsimCpuSecs: g.cpuSecs, yardstickCpuSecs: y.cpuSecs, ratioCpu: y.cpuSecs / g.cpuSecs, ratioWall: y.secs / g.secs, events: g.events, jumpedUs: g.stretch.jumpedUs });
  }
  const cpu = medianAndRange(pairs.map((p) => p.ratioCpu)), wall = medianAndRange(pairs.map((p) => p.ratioWall));
  const yardCpu = medianAndRange(pairs.map((p) => p.yardstickCpuSecs)).median, grsimCpu = medianAndRange(pairs.map((p) => p.grsimCpuSecs));
  console.log(`full group, ${defaultName} (the default model and options; ${members} members, ${hours} h idle): ratio ${cpu.median.toFixed(3)} CPU ` +
    `[${cpu.min.toFixed(3)}–${cpu.max.toFixed(3)}] over ${PAIRS} pairs, ${wall.median.toFixed(3)} wall; ${grsimCpu.median.toFixed(3)} CPU-s ` +
    `[${grsimCpu.min.toFixed(3)}–${grsimCpu.max.toFixed(3)}], yardstick ${yardCpu.toFixed(3)} CPU-s; ${(pairs[0].jumpedUs / 1e6).toFixed(0)} of ${simSecs} s jumped over`);
  console.log(JSON.stringify({ bench: 'full-group', model: defaultName, members, hours, pairs, ratioSimSecPerCpuSec: cpu.median, ratioRange: [cpu.min, cpu.max], ratioSimSecPerWallSec: wall.median }));
  // For comparison, once each against the pairs' median yardstick.
  const others = [];
  for (const [name, eventByEvent, label] of [[defaultName, true, `${defaultName}, event by event (stretch false)`], ...Object.keys(MODELS).filter((k) => k !== defaultName).map((k) => [k, false, k])]) {
    const r = grsim(name, eventByEvent);
    check(name, r);
    const ratio = yardCpu / r.cpuSecs;
    others.push(`${label} ${ratio.toFixed(2)}×`);
    console.log(`full group, ${label} (${members} members, ${hours} h idle): ${(r.events * 24 / hours / 1e6).toFixed(2)} M events per 24 h, ${r.cpuSecs.toFixed(2)} CPU-s, ${Math.round(simSecs / r.cpuSecs)} sim-s/CPU-s; ratio ${ratio.toFixed(3)} CPU against the yardstick's median`);
    console.log(JSON.stringify({ bench: 'full-group', model: name, eventByEvent, members, hours, cpuSecs: r.cpuSecs, secs: r.secs, events: r.events, ratioSimSecPerCpuSec: ratio }));
  }
  reportTarget('idleGroup', cpu.median, `median of ${PAIRS} pairs [${cpu.min.toFixed(2)}–${cpu.max.toFixed(2)}]; ${others.join(', ')}; wall-time ratio ${wall.median.toFixed(3)}`);
  if (broken) process.exitCode = 1;
}
