/**
 * The cap of XCom's wakeup_delay up to 8.0.26 (xcom_base.cc): a wait above 3 s is divided by
 * 1.31415926 until it is 3 s or less, with no random draw. From 8.0.27 a wait above 20 s is
 * redrawn in 10–20 s instead (Consensus.wakeupDelayUs); VersionProfile.wakeupDelayCap says which.
 */
import { EXECUTOR_MAX_WAIT_DIVIDED_US, EXECUTOR_WAIT_DIVISOR } from './constants.js';

const LN_SQRT2 = Math.LN2 / 2;
const LN_MAX_WAIT_DIVIDED = Math.log(EXECUTOR_MAX_WAIT_DIVIDED_US);
const LN_WAIT_DIVISOR = Math.log(EXECUTOR_WAIT_DIVISOR);

/** A wait above 3 s divided by 1.31415926 until it is 3 s or less (a finite wait, in µs). */
export function divideToCap(waitUs: number): number {
  let w = waitUs;
  while (w > EXECUTOR_MAX_WAIT_DIVIDED_US) w /= EXECUTOR_WAIT_DIVISOR;
  return w;
}

/**
 * The k-th wait of the legacy back-off (model.xcomRetryBackoff 0: the first wait ×√2^k, in µs)
 * under the 3 s cap. The exponent is reduced in logarithms first: √2^k overflows to an infinity
 * after about 2,000 rounds (under two hours of 3 s waits), and dividing an infinity never ends.
 */
export function legacyDividedWaitUs(firstUs: number, k: number): number {
  const over = Math.log(firstUs) + k * LN_SQRT2 - LN_MAX_WAIT_DIVIDED;
  if (over <= 0) return firstUs * Math.pow(Math.SQRT2, k);
  return divideToCap(Math.exp(LN_MAX_WAIT_DIVIDED + over - Math.ceil(over / LN_WAIT_DIVISOR) * LN_WAIT_DIVISOR));
}
