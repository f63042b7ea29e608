/**
 * An XCom configuration (site_def): the ordered node list of the group. Node order is join order
 * (xcom/node_list.cc add_node_list appends, remove_node_list keeps order), which is what makes the
 * oldest alive node both the detector leader and the GCS killer node.
 */
export interface XcomConfig {
  /** Increases by one with every decided configuration. */
  readonly id: number;
  /** Member slots in XCom node-number order. */
  readonly nodes: readonly number[];
  /** Incarnation of each node (parallel to `nodes`); a restarted server is a new incarnation. */
  readonly incarnations: readonly number[];
  /** Bit set of `nodes`. */
  readonly mask: number;
}

/** The incarnation every server's first XCom instance runs as (grsim's numbering; a restart or rejoin adds 1). */
export const FIRST_INCARNATION = 1;

export function makeConfig(id: number, nodes: readonly number[], incarnations: readonly number[]): XcomConfig {
  let mask = 0;
  for (const n of nodes) mask |= 1 << n;
  return { id, nodes: packedCopy(nodes), incarnations: packedCopy(incarnations), mask };
}

/**
 * A copy that is always a packed array of small integers, whatever the source's elements kind:
 * spreading keeps a holey source holey (`Array.prototype.map` results are holey once the caller is
 * optimised), and one holey node list sends every optimised reader of configurations and views
 * back to the interpreter, to be compiled again ("wrong map" deoptimisations).
 */
function packedCopy(values: readonly number[]): number[] {
  const copy: number[] = [];
  for (let k = 0; k < values.length; k++) copy.push(values[k] as number);
  return copy;
}

/** Whether `config` holds `slot` as incarnation `incarnation`. */
export function configHas(config: XcomConfig, slot: number, incarnation: number): boolean {
  // A slot outside the mask is not there; else a hand loop finds its place (indexOf is a builtin call).
  if (((config.mask >>> slot) & 1) === 0) return false;
  const nodes = config.nodes;
  for (let k = 0; k < nodes.length; k++) if (nodes[k] === slot) return config.incarnations[k] === incarnation;
  return false;
}

export function popcount(mask: number): number {
  let m = mask - ((mask >>> 1) & 0x55555555);
  m = (m & 0x33333333) + ((m >>> 2) & 0x33333333);
  return (((m + (m >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
