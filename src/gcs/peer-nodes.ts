/**
 * A list of XCom addresses as GCS reads it (group_replication_group_seeds,
 * group_replication_force_members): Gcs_xcom_utils::process_peer_nodes (gcs_xcom_utils.cc) removes
 * every space (' ' only: a tab stays in its entry, which validation then refuses), splits on
 * commas and skips empty entries, keeping the order given; no sorting, shuffling or
 * de-duplication.
 */
export function processPeerNodes(value: string): string[] {
  return value.replace(/ /g, '').split(',').filter((p) => p.length > 0);
}

/**
 * One peer of the list as Gcs_xcom_utils::validate_peer_nodes accepts it: `host:port`, a port in
 * 1..65535 and a host without separators.
 */
export function validPeer(peer: string): boolean {
  const colon = peer.lastIndexOf(':');
  if (colon <= 0) return false;
  const port = peer.slice(colon + 1);
  return /^[0-9]{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535 && !/[,:\s]/.test(peer.slice(0, colon));
}
