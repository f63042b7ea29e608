import { LinkFaults } from '../network/link-faults.js';
import type { NetworkEvent } from './events.js';

/**
 * Replays the `network` events of a trace (the fault verbs and their inverses) into link and
 * process state, so invariants and metrics can ask "could a and b talk at time t" without the
 * simulator. Links live in the same LinkFaults the simulated network uses, so the verbs and their
 * inverses mean here exactly what they meant in the run (heal undoes every cut touching its member,
 * `heal all` every cut); crash/restart and freeze/thaw change the process.
 * Link profiles (latency, TCP-style loss) never stop packets, so they are not faults here.
 */
export class NetworkReplay {
  /** The links each verb cut, as in the run. */
  readonly links: LinkFaults;
  /** Process running (1) or crashed / shut down (0), by member index. */
  readonly running: Uint8Array;
  /** Process frozen (SIGSTOP), by member index. */
  readonly frozen: Uint8Array;
  /** Number of frozen members. */
  private frozenCount = 0;

  constructor(private readonly index: ReadonlyMap<string, number>) {
    const n = index.size;
    this.links = new LinkFaults(n);
    this.running = new Uint8Array(n).fill(1);
    this.frozen = new Uint8Array(n);
  }

  /** Whether packets flow from → to (both processes aside). */
  linkUp(from: number, to: number): boolean {
    return this.links.isUp(from, to);
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
    return this.links.allUp && this.frozenCount === 0;
  }

  /** Notes a server stopped without a network verb (ABORT_SERVER: a `flags` event with running false). */
  setRunning(i: number, running: boolean): void {
    this.running[i] = running ? 1 : 0;
    if (!running) this.setFrozen(i, 0);
  }

  /** Applies one network event; returns false for an action it does not know (e.g. linkProfile). */
  apply(e: NetworkEvent): boolean {
    switch (e.action) {
      case 'partition': {
        const groups: number[][] = [];
        for (const g of splitGroups(e.detail)) {
          const slots: number[] = [];
          for (const name of g) { const i = this.index.get(name); if (i !== undefined) slots.push(i); }
          groups.push(slots);
        }
        this.links.partition(groups);
        return true;
      }
      case 'repair':
        this.links.repair();
        return true;
      case 'cut':
      case 'restore': {
        if (e.detail === 'all') {
          if (e.action === 'cut') return false;
          this.links.restoreAll();
          return true;
        }
        const arrow = e.detail.indexOf('->');
        const a = this.index.get(e.detail.slice(0, arrow)), b = this.index.get(e.detail.slice(arrow + 2));
        if (arrow < 0 || a === undefined || b === undefined) return false;
        if (e.action === 'cut') this.links.cut(a, b);
        else this.links.restore(a, b);
        return true;
      }
      case 'isolate':
      case 'heal': {
        if (e.detail === 'all' && e.action === 'heal') {
          this.links.healAll();
          return true;
        }
        const i = this.index.get(e.detail);
        if (i === undefined) return false;
        if (e.action === 'isolate') this.links.isolate(i);
        else this.links.heal(i);
        return true;
      }
      case 'freeze':
      case 'thaw': {
        const i = this.index.get(e.detail);
        if (i === undefined) return false;
        this.setFrozen(i, e.action === 'freeze' ? 1 : 0);
        return true;
      }
      case 'crash':
      case 'restart': {
        const i = this.index.get(e.detail);
        if (i === undefined) return false;
        if (e.action === 'crash') this.setFrozen(i, 0);
        this.running[i] = e.action === 'crash' ? 0 : 1;
        return true;
      }
      default:
        return false;
    }
  }

  private setFrozen(i: number, v: 0 | 1): void {
    if (this.frozen[i] === v) return;
    this.frozen[i] = v;
    this.frozenCount += v === 1 ? 1 : -1;
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
