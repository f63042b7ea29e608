import type { NetworkEvent } from './events.js';

/**
 * Replays the `network` events of a trace (the fault verbs and their inverses) into link and
 * process state, so invariants and metrics can ask "could a and b talk at time t" without the
 * simulator. It mirrors src/network/network.ts: partitions accumulate until repair(), one-way cuts
 * until restore(), isolations until heal(); crash/restart and freeze/thaw change the process.
 * Link profiles (latency, TCP-style loss) never stop packets, so they are not faults here.
 */
export class NetworkReplay {
  private readonly n: number;
  private readonly partitionDown: Uint8Array;
  private readonly oneWayDown: Uint8Array;
  private readonly isolated: Uint8Array;
  /** Process running (1) or crashed / shut down (0), by member index. */
  readonly running: Uint8Array;
  /** Process frozen (SIGSTOP), by member index. */
  readonly frozen: Uint8Array;
  /** Number of cut directed links, isolated members and frozen members: 0 means no fault is in force. */
  private faults = 0;

  constructor(private readonly index: ReadonlyMap<string, number>) {
    const n = index.size;
    this.n = n;
    this.partitionDown = new Uint8Array(n * n);
    this.oneWayDown = new Uint8Array(n * n);
    this.isolated = new Uint8Array(n);
    this.running = new Uint8Array(n).fill(1);
    this.frozen = new Uint8Array(n);
  }

  /** Whether packets flow from → to (both processes aside). */
  linkUp(from: number, to: number): boolean {
    if (from === to) return true;
    const k = from * this.n + to;
    return this.partitionDown[k] === 0 && this.oneWayDown[k] === 0 && this.isolated[from] === 0 && this.isolated[to] === 0;
  }

  /** Whether a running, unfrozen a and b can exchange messages both ways now. */
  canTalk(a: number, b: number): boolean {
    if (a === b) return this.responsive(a);
    return this.responsive(a) && this.responsive(b) && this.linkUp(a, b) && this.linkUp(b, a);
  }

  /** Running and not frozen. */
  responsive(i: number): boolean {
    return this.running[i] === 1 && this.frozen[i] === 0;
  }

  /** Whether no partition, cut, isolation or freeze is in force (crashed servers aside). */
  get linksHealed(): boolean {
    return this.faults === 0;
  }

  /** Notes a server stopped without a network verb (ABORT_SERVER: a `flags` event with running false). */
  setRunning(i: number, running: boolean): void {
    this.running[i] = running ? 1 : 0;
    if (!running && this.frozen[i] === 1) { this.frozen[i] = 0; this.faults--; }
  }

  /** Applies one network event; returns false for an action it does not know (e.g. linkProfile). */
  apply(e: NetworkEvent): boolean {
    const n = this.n;
    switch (e.action) {
      case 'partition': {
        const groupOf = new Int32Array(n).fill(-1);
        let gi = 0;
        for (const g of splitGroups(e.detail)) {
          for (const name of g) { const i = this.index.get(name); if (i !== undefined) groupOf[i] = gi; }
          gi++;
        }
        for (let a = 0; a < n; a++) {
          for (let b = 0; b < n; b++) {
            if (a !== b && groupOf[a] !== groupOf[b]) this.setCell(this.partitionDown, a * n + b, 1);
          }
        }
        return true;
      }
      case 'repair':
        for (let k = 0; k < n * n; k++) this.setCell(this.partitionDown, k, 0);
        return true;
      case 'cut':
      case 'restore': {
        const v = e.action === 'cut' ? 1 : 0;
        if (e.detail === 'all') {
          for (let k = 0; k < n * n; k++) this.setCell(this.oneWayDown, k, 0);
          return true;
        }
        const arrow = e.detail.indexOf('->');
        const a = this.index.get(e.detail.slice(0, arrow)), b = this.index.get(e.detail.slice(arrow + 2));
        if (arrow < 0 || a === undefined || b === undefined) return false;
        this.setCell(this.oneWayDown, a * n + b, v);
        return true;
      }
      case 'isolate':
      case 'heal': {
        const v = e.action === 'isolate' ? 1 : 0;
        if (e.detail === 'all' && v === 0) {
          for (let i = 0; i < n; i++) this.setCell(this.isolated, i, 0);
          return true;
        }
        const i = this.index.get(e.detail);
        if (i === undefined) return false;
        this.setCell(this.isolated, i, v);
        return true;
      }
      case 'freeze':
      case 'thaw': {
        const i = this.index.get(e.detail);
        if (i === undefined) return false;
        this.setCell(this.frozen, i, e.action === 'freeze' ? 1 : 0);
        return true;
      }
      case 'crash':
      case 'restart': {
        const i = this.index.get(e.detail);
        if (i === undefined) return false;
        if (e.action === 'crash' && this.frozen[i] === 1) this.setCell(this.frozen, i, 0);
        this.running[i] = e.action === 'crash' ? 0 : 1;
        return true;
      }
      default:
        return false;
    }
  }

  private setCell(arr: Uint8Array, k: number, v: 0 | 1): void {
    if (arr[k] === v) return;
    arr[k] = v;
    this.faults += v === 1 ? 1 : -1;
  }
}

/** `[a,b] [c]` (NetworkControl.partition's detail) → [['a','b'], ['c']]. */
function splitGroups(detail: string): string[][] {
  const out: string[][] = [];
  for (const part of detail.split('] [')) {
    const body = part.replace(/^\[/, '').replace(/\]$/, '');
    out.push(body.length === 0 ? [] : body.split(','));
  }
  return out;
}
