// The speed yardstick: the fastest plain-JavaScript discrete-event simulation of GR-style heartbeats
// we know how to write, with no simulator around it. grsim's benchmarks (kernel-heartbeat.mjs,
// full-group.mjs) run it beside themselves and report their speed as a ratio of its speed, so the
// ratios do not depend on the machine.
//
// What it models (the skeleton of XCom failure detection, docs/mysql-behaviour.md §X1–X2):
// - K nodes (default 9). Each broadcasts a heartbeat every 1 s of virtual time (alive_task), the
//   first at a random phase in [0, 1 s).
// - A broadcast schedules one delivery per peer (K-1), each after 0.1–0.3 ms of latency
//   (0.2 ms × (0.5 + uniform)).
// - A delivery records when the destination last heard from the source.
// - Each node runs a detector tick every 1 s (detector_task), at its own random phase, that counts
//   the peers it has not heard from for more than 5 s (DETECTOR_LIVE_TIMEOUT). In a healthy run
//   that count stays 0.
// That is K heartbeats + K(K-1) deliveries + K ticks = K(K+1) events per simulated second (90 for
// K = 9).
//
// How it is made fast: an event is one int (kind in the low 2 bits, node numbers above), kept in
// a binary min-heap stored in three parallel typed arrays (time, insertion sequence, event) and
// ordered by (time, sequence) so equal times pop in insertion order; sift-up and sift-down move a
// hole instead of swapping; dispatch is a switch on the kind; random numbers come from an inline
// xorshift32; nothing is allocated per event. Times are float seconds.
//
// usage: node bench/heartbeat-yardstick.mjs [--hours=24] [--nodes=9] [--seed=12345]
// prints one JSON line:
// {"bench":"heartbeat-yardstick","nodes":…,"hours":…,"events":…,"suspects":…,"secs":…,"cpuSecs":…,"eventsPerSec":…,"simSecPerWallSec":…,"simSecPerCpuSec":…}
// (cpuSecs is the process's user + system CPU time over the same span: on a shared machine it is
// far steadier than wall time, so the benches' ratios use it.)

import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: { hours: { type: 'string', default: '24' }, nodes: { type: 'string', default: '9' }, seed: { type: 'string', default: '12345' } },
});
const HOURS = Number(args.hours);
const NODES = Number(args.nodes);
const SEED = Number(args.seed);
// Node numbers take 4 bits in an event code.
if (!(Number.isInteger(NODES) && NODES >= 2 && NODES <= 16)) throw new Error(`--nodes must be an integer in 2..16, got ${args.nodes}`);
if (!(HOURS > 0)) throw new Error(`--hours must be > 0, got ${args.hours}`);

/** Heartbeat period, detector period, base one-way latency and silence threshold, in seconds. */
const HEARTBEAT_S = 1.0, DETECTOR_S = 1.0, LATENCY_S = 0.0002, SILENT_S = 5.0;
const END_S = HOURS * 3600;

// Event codes: kind in bits 0–1; for HEARTBEAT and DETECT the node in bits 2+; for DELIVER the
// destination in bits 2–5 and the source in bits 6+.
const HEARTBEAT = 0, DELIVER = 1, DETECT = 2;

// xorshift32 (Marsaglia's 13/17/5 triple): uniform in [0, 1). A zero seed would stick at zero.
let rngState = (SEED | 0) || 0x9e3779b9;
const TWO_POW_MINUS_32 = 1 / 4294967296;
function uniform() {
  rngState ^= rngState << 13;
  rngState ^= rngState >>> 17;
  rngState ^= rngState << 5;
  return (rngState >>> 0) * TWO_POW_MINUS_32;
}

// The event queue: a binary min-heap over parallel typed arrays, ordered by (time, sequence). A
// class, so that V8 sees fixed-shape fields rather than module-level variables it must re-check.
class EventQueue {
  constructor(capacity) {
    this.timeOf = new Float64Array(capacity);
    this.seqOf = new Float64Array(capacity);
    this.codeOf = new Int32Array(capacity);
    this.size = 0;
    this.nextSeq = 0;
    /** Time of the event the last pop() returned. */
    this.poppedTime = 0;
  }

  grow() {
    const t = new Float64Array(this.timeOf.length * 2); t.set(this.timeOf); this.timeOf = t;
    const s = new Float64Array(this.seqOf.length * 2); s.set(this.seqOf); this.seqOf = s;
    const c = new Int32Array(this.codeOf.length * 2); c.set(this.codeOf); this.codeOf = c;
  }

  push(time, code) {
    if (this.size === this.timeOf.length) this.grow();
    const timeOf = this.timeOf, seqOf = this.seqOf, codeOf = this.codeOf;
    const seq = this.nextSeq++;
    let hole = this.size++;
    // Sift up: move parents that come later down into the hole.
    while (hole > 0) {
      const parent = (hole - 1) >> 1;
      const pt = timeOf[parent];
      if (pt < time || (pt === time && seqOf[parent] < seq)) break;
      timeOf[hole] = pt; seqOf[hole] = seqOf[parent]; codeOf[hole] = codeOf[parent];
      hole = parent;
    }
    timeOf[hole] = time; seqOf[hole] = seq; codeOf[hole] = code;
  }

  pop() {
    const timeOf = this.timeOf, seqOf = this.seqOf, codeOf = this.codeOf;
    const code = codeOf[0];
    this.poppedTime = timeOf[0];
    const n = --this.size;
    if (n === 0) return code;
    // Sift the last element down from the root.
    const lastTime = timeOf[n], lastSeq = seqOf[n], lastCode = codeOf[n];
    const firstLeaf = n >> 1;
    let hole = 0;
    while (hole < firstLeaf) {
      let child = 2 * hole + 1;
      let ct = timeOf[child], cs = seqOf[child];
      const right = child + 1;
      if (right < n) {
        const rt = timeOf[right], rs = seqOf[right];
        if (rt < ct || (rt === ct && rs < cs)) { child = right; ct = rt; cs = rs; }
      }
      if (ct > lastTime || (ct === lastTime && cs > lastSeq)) break;
      timeOf[hole] = ct; seqOf[hole] = cs; codeOf[hole] = codeOf[child];
      hole = child;
    }
    timeOf[hole] = lastTime; seqOf[hole] = lastSeq; codeOf[hole] = lastCode;
    return code;
  }
}

/** lastHeard[dst * NODES + src]: when dst last received a heartbeat from src, in seconds. */
const lastHeard = new Float64Array(NODES * NODES);
let events = 0;
let suspects = 0;

const queue = new EventQueue(256);
const started = process.hrtime.bigint();
const cpuStarted = process.cpuUsage();
for (let node = 0; node < NODES; node++) {
  queue.push(uniform(), HEARTBEAT | (node << 2));
  queue.push(uniform(), DETECT | (node << 2));
}
while (queue.size > 0 && queue.timeOf[0] <= END_S) {
  const code = queue.pop();
  const now = queue.poppedTime;
  events++;
  switch (code & 3) {
    case HEARTBEAT: {
      const src = code >> 2;
      for (let dst = 0; dst < NODES; dst++) {
        if (dst !== src) queue.push(now + LATENCY_S * (0.5 + uniform()), DELIVER | (dst << 2) | (src << 6));
      }
      queue.push(now + HEARTBEAT_S, code);
      break;
    }
    case DELIVER:
      lastHeard[((code >> 2) & 15) * NODES + (code >> 6)] = now;
      break;
    case DETECT: {
      const node = code >> 2, row = node * NODES;
      for (let peer = 0; peer < NODES; peer++) {
        if (peer !== node && now - lastHeard[row + peer] > SILENT_S) suspects++;
      }
      queue.push(now + DETECTOR_S, code);
      break;
    }
  }
}
const secs = Number(process.hrtime.bigint() - started) / 1e9;
const cpu = process.cpuUsage(cpuStarted);
const cpuSecs = (cpu.user + cpu.system) / 1e6;
console.log(JSON.stringify({
  bench: 'heartbeat-yardstick', nodes: NODES, hours: HOURS, events, suspects, secs, cpuSecs,
  eventsPerSec: events / secs, simSecPerWallSec: END_S / secs, simSecPerCpuSec: END_S / cpuSecs,
}));
