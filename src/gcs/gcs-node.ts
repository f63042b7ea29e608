import type { VersionProfile } from '../gr/version-profiles.js';
import type { Kernel } from '../kernel/kernel.js';
import { PRIORITY } from '../kernel/kernel.js';
import type { ModelParameters } from '../model-parameters.js';
import { SUSPICION_PROCESSING_THREAD_PERIOD_US } from '../xcom/constants.js';
import type { XcomCluster } from '../xcom/xcom-cluster.js';
import type { XcomConfig } from '../xcom/xcom-config.js';
import { copyHeldEntry, type LogEntry } from '../xcom/log-entry.js';
import { SuspicionsManager, type Suspicion } from './suspicions-manager.js';
import { evictedWarningApplies } from '../xcom/message-cache.js';
import { newViewId, type StateExchanges } from './state-exchange.js';

/** An installed GCS view: the agreed membership and its view number. */
export interface GcsView {
  /** Member slots in XCom node order. */
  readonly members: readonly number[];
  /** XCom incarnation of each member, parallel to `members`: a restarted server is a new member. */
  readonly incarnations: readonly number[];
  readonly mask: number;
  /** The `<fixed>` of the view id `<fixed>:<n>`: the group's, or a fresh one when every member joined in this view. */
  readonly fixed: string;
  /** The `<n>` of `<fixed>:<n>`. */
  readonly number: number;
}

/** A membership in state exchange: installed once every member's state message has arrived. */
interface PendingExchange {
  /** The log index of the view message that started the exchange: state messages name it. */
  readonly exchange: number;
  readonly members: readonly number[];
  readonly incarnations: readonly number[];
  readonly mask: number;
}

/** A view GCS installed whose callbacks (on_view_changed) the plugin has not run yet. */
interface Installed {
  readonly view: GcsView;
  readonly left: readonly number[];
  readonly joined: readonly number[];
}

/** What GCS tells the GR plugin (Gcs_control_event_listener / Gcs_communication_event_listener). */
export interface GcsUpcalls {
  /** on_suspicions: members of the view and those of them the local view marks unreachable. */
  onSuspicions(slot: number, members: readonly number[], unreachable: readonly number[]): void;
  /** on_view_changed, after state exchange. */
  onViewChanged(slot: number, view: GcsView, left: readonly number[], joined: readonly number[]): void;
  suspicion(slot: number, suspect: number, action: 'created' | 'cleared' | 'timedOut' | 'expelRequested', nonMember: boolean): void;
  localView(slot: number, aliveMask: number, config: XcomConfig): void;
  /** WARNING MY-011735 "Messages that are needed to recover node … have been evicted …" for `suspect`. */
  messagesEvicted(slot: number, suspect: number): void;
  /** A data message (a transaction, a GR message, a workload batch) reaches the plugin. */
  data(slot: number, entry: LogEntry): void;
}

/**
 * Whether a view lists exactly these (slot, incarnation) pairs. GCS identifies a node by address
 * and by the uuid its XCom incarnation boots with (Gcs_xcom_node_information), so a server removed
 * and re-added as a new incarnation is a membership change even when the slots are the same.
 */
export function sameMembers(view: { readonly members: readonly number[]; readonly incarnations: readonly number[] }, nodes: readonly number[], incarnations: readonly number[]): boolean {
  if (view.members.length !== nodes.length) return false;
  return nodes.every((s, k) => {
    const i = view.members.indexOf(s);
    return i >= 0 && view.incarnations[i] === incarnations[k];
  });
}

/** Whether `view` lists `slot` as incarnation `incarnation`. */
function hasMember(view: GcsView, slot: number, incarnation: number): boolean {
  const i = view.members.indexOf(slot);
  return i >= 0 && view.incarnations[i] === incarnation;
}

/**
 * The GCS binding of one member (L4): views from XCom go through the GCS engine thread (a small
 * delay), feed the suspicions manager and the plugin; the suspicions thread runs on a 15 s timed
 * wait that a new member suspicion or a change of member_expel_timeout signals; global views with a
 * failed node are withheld from the plugin; membership views are installed after state exchange.
 */
export class GcsNode {
  view: GcsView | null = null;
  readonly manager: SuspicionsManager;
  /** member_expel_timeout in microseconds. */
  expelTimeoutUs: number;
  /**
   * m_cache_last_removed: the newest evicted entry XCom reported with the latest delivered data
   * message (gcs_xcom_interface.cc), -1 before any.
   */
  cacheLastRemoved = -1;
  private threadGen = 0;
  /** The GCS engine's queue: views and state messages, in the order XCom delivered them. */
  private readonly queue: { global: boolean; alive: number; config: XcomConfig; viewIndex: number }[] = [];

  constructor(
    readonly slot: number,
    private readonly kernel: Kernel,
    private readonly xcom: XcomCluster,
    private readonly params: ModelParameters,
    private readonly up: GcsUpcalls,
    private readonly exchanges: StateExchanges,
    private readonly handlers: { view: number; thread: number; install: number; exchange: number },
    suspicionRules: Pick<VersionProfile, 'countsExpelsInProgress' | 'forgetsExpelsOfAliveNodes'>,
    expelTimeoutS: number,
  ) {
    this.manager = new SuspicionsManager(suspicionRules);
    this.expelTimeoutUs = expelTimeoutS * 1_000_000;
  }

  /** Starts GCS with an installed view (bootstrap, or after a join completes) and arms the 15 s thread. */
  start(view: GcsView | null): void {
    this.view = view;
    this.pending = null;
    this.installs.length = 0;
    this.installGen++;
    this.exchangeTimerArmed = false;
    this.buffered.length = 0;
    this.globalViewsIn = this.globalViewsOut = 0;
    this.manager.suspicions.clear();
    this.manager.expelsInProgress.length = 0;
    this.manager.hasMajority = true;
    this.queue.length = 0;
    this.viewsQueued = this.viewsProcessed = 0;
    this.leaveQueuedAfter = -1;
    this.armThread(SUSPICION_PROCESSING_THREAD_PERIOD_US);
  }

  /** Stops GCS (leave, expel, crash): pending views and thread wake-ups are dropped. */
  stop(): void {
    this.view = null;
    this.pending = null;
    this.installs.length = 0;
    this.installGen++;
    this.exchangeTimerArmed = false;
    this.cacheLastRemoved = -1;
    this.buffered.length = 0;
    this.globalViewsIn = this.globalViewsOut = 0;
    this.queue.length = 0;
    this.viewsQueued = this.viewsProcessed = 0;
    this.leaveQueuedAfter = -1;
    this.threadGen++;
    this.manager.suspicions.clear();
    this.manager.expelsInProgress.length = 0;
  }

  /**
   * Whether this member's GCS is at rest in an installed view: no view queued, in exchange or
   * waiting to be installed, no data buffered behind a view, no suspicion or expel in progress,
   * no leave asked for (the steady predicate of src/sim/stretch.ts).
   */
  atRest(): boolean {
    return this.view !== null && this.pending === null && this.installs.length === 0 && this.queue.length === 0 &&
      this.buffered.length === 0 && this.globalViewsIn === this.globalViewsOut && !this.exchangeTimerArmed &&
      this.manager.suspicions.size === 0 && this.manager.expelsInProgress.length === 0 && this.leaveQueuedAfter < 0;
  }

  /** The argument of the suspicions thread's live timer (a queued one with another argument is stale). */
  threadTimerArg(): number {
    return this.threadArg();
  }

  private threadArg(): number {
    return this.slot | ((this.threadGen & 0x1fffff) << 4);
  }

  private armThread(delayUs: number): void {
    this.threadGen++;
    this.scheduleThread(delayUs);
  }

  /** Schedules the suspicions thread's tick of the current generation `delayUs` from now. */
  private scheduleThread(delayUs: number): void {
    this.kernel.schedule(delayUs, this.handlers.thread, this.threadArg(), PRIORITY.late);
  }

  /**
   * @internal The suspicions thread's tick of the timer with `arg` when it has nothing to time out,
   * warn about or expel (the pass would change nothing, and allocate): it moves to its next
   * generation, and its caller schedules the next tick (threadTimerArg) when this returns true.
   * False, changing nothing: the timer is stale, the process stopped, or a suspicion is held. A
   * replay of steady seconds (SteadyReplay) calls it in the tick's place.
   */
  threadTickAtRest(arg: number): boolean {
    if (arg >>> 4 !== (this.threadGen & 0x1fffff) || !this.xcom.net.isResponsive(this.slot) || this.manager.suspicions.size !== 0) return false;
    this.threadGen++;
    return true;
  }

  /** @internal A jump over steady seconds (SteadyReplay.jump): `ticks` suspicions-thread ticks at rest (threadTickAtRest) it did not run. */
  jumpThreadTicks(ticks: number): void {
    this.threadGen += ticks;
  }

  /** Signals the suspicions thread (new member suspicion, expel-timeout change). */
  signalThread(): void {
    this.armThread(this.params.suspicionThreadWakeUs);
  }

  /** Changes member_expel_timeout (SET GLOBAL → gcs reconfigure → wake_suspicions_processing_thread). */
  setExpelTimeout(seconds: number): void {
    this.expelTimeoutUs = seconds * 1_000_000;
    this.signalThread();
  }

  onThreadTimer(arg: number): void {
    if (this.threadTickAtRest(arg)) {
      this.scheduleThread(SUSPICION_PROCESSING_THREAD_PERIOD_US);
      return;
    }
    if (arg >>> 4 !== (this.threadGen & 0x1fffff)) return;
    if (!this.xcom.net.isResponsive(this.slot)) {
      // A stopped process runs no thread; look again shortly after it resumes.
      if (this.xcom.net.frozen[this.slot] === 1) this.kernel.schedule(100_000, this.handlers.thread, arg, PRIORITY.late);
      return;
    }
    const { timedOut, expel } = this.manager.processSuspicions(this.slot, this.kernel.nowUs, this.expelTimeoutUs);
    for (const s of timedOut) this.up.suspicion(this.slot, s.slot, 'timedOut', !s.isMember);
    // Suspects still waiting out the expel timeout: warn once if XCom has evicted beyond the
    // max_synode recorded when the suspicion was created.
    for (const sus of this.manager.suspicions.values()) {
      if (evictedWarningApplies({
        isMember: sus.isMember, timedOut: false, alreadyWarned: sus.cacheWarned,
        cacheLastRemovedSlot: this.cacheLastRemoved, suspicionMaxSynodeSlot: sus.maxSynode,
      })) {
        sus.cacheWarned = true;
        this.up.messagesEvicted(this.slot, sus.slot);
      }
    }
    if (expel.length > 0 && this.xcom.consensus.proposeRemove(this.slot, expel)) {
      // Every expelled suspect is one whose suspicion timed out just now (killer node), or this
      // node itself after its own suspicion did (force_remove): it keeps that suspicion's kind.
      for (const s of expel) this.up.suspicion(this.slot, s, 'expelRequested', timedOut.some((t) => t.slot === s && !t.isMember));
    }
    this.armThread(SUSPICION_PROCESSING_THREAD_PERIOD_US);
  }

  /**
   * The plugin asked GCS to leave. Gcs_xcom_control::leave pushes do_leave onto the GCS engine
   * queue, and do_leave runs on the engine thread, which handles one notification at a time
   * (gcs_xcom_notification.cc, Gcs_xcom_engine::process): it requests the removal and blocks in
   * xcom_wait_exit until XCom exits or 30 s pass (gcs_xcom_control_interface.cc, do_leave). Views,
   * state messages and data messages XCom delivers after the request wait behind it, and once XCom
   * has stopped they are rejected (gcs_xcom_interface.cc, do_cb_xcom_receive_global_view and
   * do_cb_xcom_receive_data: "The group communication engine has already stopped"). So a leaving
   * member installs no view and takes part in no state exchange: it sends no state, and the
   * members it is still configured with wait for one until a newer view leaves it out.
   */
  beginLeave(): void {
    if (this.leaveQueuedAfter < 0) this.leaveQueuedAfter = this.viewsQueued;
  }

  /** Whether do_leave holds the engine: every view queued before the leave request has been handled. */
  private engineHeldByLeave(): boolean {
    return this.leaveQueuedAfter >= 0 && this.viewsProcessed >= this.leaveQueuedAfter;
  }

  /** Views XCom delivered and views the engine took off the queue since the last start/stop. */
  private viewsQueued = 0;
  private viewsProcessed = 0;
  /** The count of views queued when the plugin asked to leave, or -1 when it has not. */
  private leaveQueuedAfter = -1;

  /**
   * XCom delivered a data message. GCS hands messages and views to the plugin from one engine queue,
   * in delivery order, and buffers data messages while a view change (its state exchange) is in
   * progress (gcs_xcom_communication_interface.cc buffer_incoming_packets): a message that comes
   * after a global view in the total order reaches the plugin after that view is installed.
   */
  deliverData(entry: LogEntry, cacheLastRemoved: number): void {
    // Once the plugin has asked to leave, what XCom delivers queues behind do_leave on the engine
    // thread and is rejected when do_leave returns, XCom having stopped (gcs_xcom_interface.cc,
    // do_cb_xcom_receive_data: "The group communication engine has already stopped"), before the
    // suspicions manager learns the cache's last removed slot (update_last_removed).
    if (this.leaveQueuedAfter >= 0) return;
    this.cacheLastRemoved = cacheLastRemoved;
    // A buffered entry is copied: consensus reuses some entries' objects once they leave the log (see LogEntry).
    if (this.globalViewsIn > this.globalViewsOut) this.buffered.push({ entry: copyHeldEntry(entry), after: this.globalViewsIn });
    else this.up.data(this.slot, entry);
  }

  /** A global view was installed or dropped: deliver the data messages that were waiting for it. */
  private globalViewDone(): void {
    // (A view counted before the last start/stop is not counted again.)
    if (this.globalViewsOut < this.globalViewsIn) this.globalViewsOut++;
    while (this.buffered.length > 0 && (this.buffered[0] as { after: number }).after <= this.globalViewsOut) {
      this.up.data(this.slot, (this.buffered.shift() as { entry: LogEntry }).entry);
    }
  }

  /** XCom delivered a view; `viewIndex` is the log index of a global view's message (its synode). */
  enqueueView(global: boolean, alive: number, config: XcomConfig, viewIndex = -1): void {
    if (global) this.globalViewsIn++;
    this.viewsQueued++;
    this.queue.push({ global, alive, config, viewIndex });
    this.kernel.schedule(this.params.gcsEngineDelayUs, this.handlers.view, this.slot, PRIORITY.timer);
  }

  onViewTimer(): void {
    if (this.engineHeldByLeave()) return;
    const v = this.queue.shift();
    if (v === undefined) return;
    this.viewsProcessed++;
    if (this.view === null && !v.global) return;
    // A global view either goes to the state exchange (done when installed) or is dropped here.
    if (!this.processView(v.global, v.alive, v.config, v.viewIndex) && v.global) this.globalViewDone();
    // A view filtered here may have been what an exchange in progress waited to see go by.
    if (v.global) this.checkExchange();
  }

  /** Processes a view; returns whether a global view went to the state exchange (installed later). */
  private processView(global: boolean, alive: number, config: XcomConfig, viewIndex: number): boolean {
    // Views of a configuration this node is not in are rejected (VOID_NODE_NO).
    if ((config.mask & (1 << this.slot)) === 0) return false;
    if (this.view !== null) {
      const r = this.manager.processView({
        self: this.slot, configNodes: config.nodes, aliveMask: alive, viewMask: this.view.mask, configId: config.id,
        maxSynode: this.xcom.consensus.maxSynode(this.slot), nowUs: this.kernel.nowUs,
      });
      for (const s of r.cleared) this.up.suspicion(this.slot, s.slot, 'cleared', !s.isMember);
      for (const s of r.created) this.up.suspicion(this.slot, s.slot, 'created', !s.isMember);
      if (r.signal) this.signalThread();
    }
    if (!global) {
      this.up.localView(this.slot, alive, config);
      if (this.view === null) return false;
      const members = config.nodes.filter((s) => (this.view as GcsView).mask & (1 << s));
      const unreachable = members.filter((s) => ((alive >>> s) & 1) === 0);
      this.up.onSuspicions(this.slot, members, unreachable);
      return false;
    }
    // Global view: withheld from the plugin while any node is failed, or when membership is unchanged.
    if ((alive & config.mask) !== config.mask) return false;
    // Unchanged compared with the last view accepted, which may still be in its state exchange: a node
    // catching up can deliver an add and a remove within those milliseconds, and both change it.
    const last = this.pending ?? this.view;
    if (last !== null && sameMembers(last, config.nodes, config.incarnations)) return false;
    // A newer view restarts the exchange in progress (xcom_receive_global_view: reset_with_flush):
    // that view is never installed here, and states sent for it no longer count. MySQL discards
    // what a joiner buffered there; grsim delivers it.
    if (this.pending !== null) {
      this.pending = null;
      this.globalViewDone();
    }
    this.pending = { exchange: viewIndex, members: [...config.nodes], incarnations: [...config.incarnations], mask: config.mask };
    // This member's state message carries the view id it has installed, or a fresh one; it takes
    // its place in the total order after every value decided so far (broadcast_state).
    const viewId = this.view === null ? this.exchanges.freshViewId() : { fixed: this.view.fixed, monotonic: this.view.number };
    this.exchanges.send(viewIndex, this.slot, {
      incarnation: this.xcom.incarnation[this.slot] as number, viewId, position: this.xcom.consensus.logEnd,
    });
    return true;
  }

  /**
   * Whether the exchange in progress is complete: the state of every member of the awaited
   * configuration is in (process_member_state) and this member has delivered everything ordered
   * before the last of them, so a newer view decided in between has restarted the exchange here as
   * on every member. Then GCS installs the view now (install_view sets the current view before it
   * notifies the plugin), so a next exchange starts from it, and the plugin's callbacks run
   * `stateExchangeUs` later, in order.
   */
  checkExchange(): void {
    const p = this.pending;
    if (p === null) return;
    // A member whose XCom executed its own removal delivers nothing ordered after it (execute_msg
    // stops at the new site's start), states included: its exchange never completes.
    if (this.xcom.consensus.exiting[this.slot] === 1) return;
    // Nor does one whose engine is held by do_leave (beginLeave).
    if (this.leaveQueuedAfter >= 0) return;
    const states = this.exchanges.statesOf(p.exchange, p.members, p.incarnations);
    if (states === null) return;
    let last = 0;
    for (const st of states.values()) last = Math.max(last, st.position);
    const behind = this.xcom.consensus.executedIndex(this.slot) < last || this.queue.some((q) => q.global && q.viewIndex < last);
    if (behind) {
      // Look again once this member's executor and engine have moved on.
      if (this.exchangeTimerArmed) return;
      this.exchangeTimerArmed = true;
      this.kernel.schedule(this.params.gcsEngineDelayUs, this.handlers.exchange, this.slot | ((this.installGen & 0x1fffff) << 4), PRIORITY.timer);
      return;
    }
    this.pending = null;
    const id = newViewId(states, this.exchanges.address);
    const view: GcsView = { members: p.members, incarnations: p.incarnations, mask: p.mask, fixed: id.fixed, number: id.monotonic };
    const old = this.view;
    if (old !== null && sameMembers(old, view.members, view.incarnations)) {
      this.installs.push(null);
    } else {
      this.view = view;
      // A slot back as a new incarnation both left (the old one) and joined (the new one).
      const left = old === null ? [] : old.members.filter((s, j) => !hasMember(view, s, old.incarnations[j] as number));
      const joined = view.members.filter((s, j) => old === null || !hasMember(old, s, view.incarnations[j] as number));
      this.installs.push({ view, left, joined });
    }
    this.kernel.schedule(this.params.stateExchangeUs, this.handlers.install, this.slot | ((this.installGen & 0x1fffff) << 4), PRIORITY.timer);
  }

  /** The exchange re-check timer (armed while this member is behind the last state). */
  onExchangeTimer(arg: number): void {
    if (arg >>> 4 !== (this.installGen & 0x1fffff)) return;
    this.exchangeTimerArmed = false;
    this.checkExchange();
  }

  private exchangeTimerArmed = false;

  /** The membership in state exchange, installed once every member's state message has arrived. */
  private pending: PendingExchange | null = null;

  /** Bumped by start and stop: an install timer armed before belongs to views dropped since. */
  private installGen = 0;

  /** Views installed whose plugin callbacks are due (null: one that changed nothing), oldest first. */
  private readonly installs: (Installed | null)[] = [];

  onInstallTimer(arg: number): void {
    if (arg >>> 4 !== (this.installGen & 0x1fffff) || this.installs.length === 0) return;
    const done = this.installs.shift() as Installed | null;
    if (!this.xcom.booted[this.slot]) return;
    if (done !== null) this.up.onViewChanged(this.slot, done.view, done.left, done.joined);
    this.globalViewDone();
  }

  /** Data messages waiting for a view change to complete, with the count of global views they follow. */
  private readonly buffered: { entry: LogEntry; after: number }[] = [];
  private globalViewsIn = 0;
  private globalViewsOut = 0;

  suspicionsList(): Suspicion[] {
    return [...this.manager.suspicions.values()];
  }
}
