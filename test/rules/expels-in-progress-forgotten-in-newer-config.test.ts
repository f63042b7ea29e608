/**
 * Expels in progress are forgotten only once a newer configuration is installed (issue 10 item 4).
 * GCS remembers each expel it issues with the XCom configuration of the view that triggered it, and
 * drops it for a node that left or is alive again only when the current configuration is newer
 * (gcs_xcom_expels_in_progress.cc, Gcs_xcom_expels_in_progress::forget_expels_that_have_taken_effect,
 * `synode_lt(expel config, current config)`; "alive again" only from 8.0.41 and in 8.4, where
 * process_view passes the members under effect rather than the members that left); until then the majority test of
 * Gcs_suspicions_manager::process_view counts it with the suspects
 * (number_of_expels_not_about_suspects). grsim used to forget an expel as soon as the node looked
 * alive, in the same configuration.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario, runScenario, type SimEvent } from '../../src/index.js';
import { SuspicionsManager } from '../../src/gcs/suspicions-manager.js';
import { VERSION_PROFILES } from '../../src/gr/version-profiles.js';
import type { VersionName } from '../../src/types.js';
import { SEC } from './helpers.js';

const FILE = new URL('./fixtures/expels-in-progress.yaml', import.meta.url);

type SuspicionEvent = Extract<SimEvent, { type: 'suspicion' }>;

describe('an expel in progress counts until a newer configuration is installed', () => {
  const run = runScenario(parseScenario(readFileSync(FILE, 'utf8'), 'expels-in-progress.yaml'));
  const node1 = run.sim.trace.filter((e): e is SuspicionEvent => e.type === 'suspicion' && e.member === 'node1');

  it('node1 refuses to expel node3 and node4 while its expel of node5 is still in progress', () => {
    // 14.49 s: node1 (killer) expels node4 and node5 (2 of 5). node5 is healed at 15.5 s and looks
    // alive again at 16.36 s, in the same configuration. node1 then times out node3 and node4:
    // 2 suspects + node5's expel = 3 of 5, no majority, no expel.
    const early = node1.filter((e) => e.action === 'expelRequested' && e.t < 15 * SEC).map((e) => e.suspect);
    expect(early).toEqual(['node4', 'node5']);
    const timedOut = node1.filter((e) => e.action === 'timedOut' && e.t > 16.3 * SEC && e.t < 16.4 * SEC).map((e) => e.suspect);
    expect(timedOut).toEqual(['node3', 'node4']);
    expect(node1.some((e) => e.action === 'expelRequested' && e.t > 15 * SEC && e.t < 17 * SEC)).toBe(false);
  });

  it('once the removal of node4 and node5 is installed, node3 alone is expelled with a majority', () => {
    const later = node1.filter((e) => e.action === 'expelRequested' && e.t >= 17 * SEC && e.t < 30 * SEC).map((e) => e.suspect);
    expect(later).toEqual(['node3']);
  });
});

describe('SuspicionsManager expels-in-progress bookkeeping', () => {
  const nodes = [0, 1, 2, 3, 4];
  const all = 0b11111;
  const view = (configId: number, aliveMask: number, configNodes = nodes) =>
    ({ self: 0, configNodes, aliveMask, viewMask: all, configId, maxSynode: 0, nowUs: 0 });

  it('keeps counting an expelled node that is alive again in the same configuration', () => {
    for (const version of ['8.0.21', '8.4'] as const) {
      const m = new SuspicionsManager(VERSION_PROFILES[version]);
      m.processView(view(1, all & ~(1 << 4)));
      expect(m.processSuspicions(0, 1, 0).expel).toEqual([4]);
      m.processView(view(1, all)); // node 4 alive again, configuration 1 still
      expect(m.expelsInProgress).toEqual([{ slot: 4, configId: 1 }]);
      m.processView(view(1, all & ~(1 << 2) & ~(1 << 3))); // two suspects + the expel in progress: 3 of 5
      expect(m.hasMajority).toBe(false);
    }
  });

  /** Node 4 expelled in configuration 1, then a view of configuration 2 with `aliveMask` over `configNodes`. */
  function expelThenNewerConfig(version: VersionName, aliveMask: number, configNodes = nodes): SuspicionsManager {
    const m = new SuspicionsManager(VERSION_PROFILES[version]);
    m.processView(view(1, all & ~(1 << 4)));
    m.processSuspicions(0, 1, 0);
    m.processView(view(2, aliveMask, configNodes));
    return m;
  }

  it('forgets it once a newer configuration no longer has the node, in every version', () => {
    for (const version of ['8.0.21', '8.4'] as const) {
      expect(expelThenNewerConfig(version, 0b01111, [0, 1, 2, 3]).expelsInProgress, version).toEqual([]);
    }
  });

  it('forgets it when a newer configuration shows the node alive from 8.0.41 (8.4), not before (members_that_left)', () => {
    // A newer configuration (another node added, say) in which node 4 is alive.
    expect(expelThenNewerConfig('8.4', all).expelsInProgress).toEqual([]);
    expect(expelThenNewerConfig('8.0.21', all).expelsInProgress).toEqual([{ slot: 4, configId: 1 }]);
    expect(expelThenNewerConfig('8.0.20', all).expelsInProgress).toEqual([{ slot: 4, configId: 1 }]);
  });

  it('up to 8.0.39 an expel of a node never in the view (a joiner) is never forgotten: it never "left" (build_left_members)', () => {
    const joiner = (version: VersionName) => {
      const m = new SuspicionsManager(VERSION_PROFILES[version]);
      const v = (configId: number, configNodes: number[], aliveMask: number) =>
        ({ self: 0, configNodes, aliveMask, viewMask: 0b0111, configId, maxSynode: 0, nowUs: 0 });
      m.processView(v(1, [0, 1, 2, 3], 0b0111)); // node 3 joining: in XCom's configuration, not in the view
      expect(m.processSuspicions(0, 61_000_000, 5_000_000).expel).toEqual([3]);
      m.processView(v(2, [0, 1, 2], 0b0011)); // node 3 gone from the configuration; node 2 a suspect
      return m;
    };
    const old = joiner('8.0.21');
    expect(old.expelsInProgress).toEqual([{ slot: 3, configId: 1 }]);
    expect(old.hasMajority).toBe(false); // 1 suspect + 1 expel in progress of 3 nodes
    expect(joiner('8.4').expelsInProgress).toEqual([]);
  });
});
