import { ConfigError } from '../errors.js';

/** Per-link delivery characteristics. */
export interface LinkProfile {
  /** One-way latency in microseconds. */
  latencyUs: number;
  /** Extra uniform random delay in microseconds, [0, jitterUs). */
  jitterUs: number;
  /**
   * Probability that a message's first transmission is lost. XCom runs over TCP, so a loss is
   * not a dropped message: it is retransmitted after an RTO (200 ms, Linux's minimum) that
   * doubles, up to 120 s, while further draws also lose, and later messages on the same TCP
   * connection wait behind it (a new connection on the link does not).
   */
  loss: number;
}

/** Network settings of a simulation. */
export interface NetworkOptions extends LinkProfile {
  /**
   * Microseconds a TCP connection survives after its path starts dropping packets before the
   * kernel reports an error and XCom closes it. The reference marks the OS-dependent part as
   * uncertain (docs/mysql-behaviour.md §X3 "What closes a connection"); the default is Linux's tcp_retries2=15
   * (≈924.6 s), which keeps connections up through the seed case's 4.5-minute partition as the
   * case's sub-second "reachable again" shows.
   * @defaultValue 924_600_000
   */
  blackholeCloseUs: number;
}

export const DEFAULT_NETWORK: NetworkOptions = {
  latencyUs: 200,
  jitterUs: 100,
  loss: 0,
  blackholeCloseUs: 924_600_000,
};

/** TCP's minimum retransmission timeout on Linux (TCP_RTO_MIN, include/net/tcp.h). */
export const TCP_RTO_MIN_US = 200_000;

/**
 * TCP's maximum retransmission timeout on Linux (TCP_RTO_MAX, include/net/tcp.h): the doubling RTO
 * stops at 120 s (the same cap that makes tcp_retries2 = 15 last ≈924.6 s, see blackholeCloseUs).
 */
export const TCP_RTO_MAX_US = 120_000_000;

export function validateLinkProfile(p: Partial<LinkProfile>, field: string): void {
  if (p.latencyUs !== undefined && (!Number.isInteger(p.latencyUs) || p.latencyUs < 0 || p.latencyUs > 60_000_000)) {
    throw new ConfigError(`${field}.latencyUs`, 'must be an integer number of microseconds in 0..60000000', p.latencyUs);
  }
  if (p.jitterUs !== undefined && (!Number.isInteger(p.jitterUs) || p.jitterUs < 0 || p.jitterUs > 60_000_000)) {
    throw new ConfigError(`${field}.jitterUs`, 'must be an integer number of microseconds in 0..60000000', p.jitterUs);
  }
  if (p.loss !== undefined && (typeof p.loss !== 'number' || !(p.loss >= 0 && p.loss < 1))) {
    throw new ConfigError(`${field}.loss`, 'must be a probability in [0, 1) (use partition or cut for a total loss)', p.loss);
  }
}

export function resolveNetworkOptions(input: unknown): NetworkOptions {
  if (input === undefined) return { ...DEFAULT_NETWORK };
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ConfigError('network', 'must be an object { latencyUs, jitterUs, loss, blackholeCloseUs }', input);
  }
  const known = new Set(['latencyUs', 'jitterUs', 'loss', 'blackholeCloseUs']);
  for (const key of Object.keys(input)) {
    if (!known.has(key)) throw new ConfigError(`network.${key}`, `is not a known field; known fields are ${[...known].join(', ')}`, (input as Record<string, unknown>)[key]);
  }
  const p = input as Partial<NetworkOptions>;
  validateLinkProfile(p, 'network');
  if (p.blackholeCloseUs !== undefined && (!Number.isInteger(p.blackholeCloseUs) || p.blackholeCloseUs < 1_000_000)) {
    throw new ConfigError('network.blackholeCloseUs', 'must be an integer number of microseconds ≥ 1000000', p.blackholeCloseUs);
  }
  return { ...DEFAULT_NETWORK, ...p };
}
