/**
 * How GCS reads a list of XCom addresses (Gcs_xcom_utils::process_peer_nodes and
 * validate_peer_nodes, gcs_xcom_utils.cc): spaces removed, commas split, empty entries skipped, the
 * order kept; only ' ' is removed, so an entry with a tab is not a valid address.
 */
import { describe, expect, it } from 'vitest';
import { processPeerNodes, validPeer } from '../../src/gcs/peer-nodes.js';

describe('processPeerNodes and validPeer', () => {
  it('removes spaces, splits on commas, skips empty entries and keeps order and duplicates', () => {
    expect(processPeerNodes(' b:2 , a:1,,a:1, ')).toEqual(['b:2', 'a:1', 'a:1']);
    expect(processPeerNodes('')).toEqual([]);
  });

  it('keeps a tab in its entry, which is then no valid address', () => {
    const peers = processPeerNodes('10.0.0.11:33061,\t10.0.0.12:33061');
    expect(peers).toEqual(['10.0.0.11:33061', '\t10.0.0.12:33061']);
    expect(peers.map(validPeer)).toEqual([true, false]);
  });

  it('validPeer: host:port with a port in 1..65535', () => {
    expect(['h:1', 'h:65535'].map(validPeer)).toEqual([true, true]);
    expect(['h', ':1', 'h:0', 'h:65536', 'h:x', 'h:123456'].map(validPeer)).toEqual([false, false, false, false, false, false]);
  });
});
