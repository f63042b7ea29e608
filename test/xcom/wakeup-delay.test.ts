/**
 * wakeup_delay's cap up to 8.0.26 (xcom_base.cc, the source of 8.0.22 and 8.0.26): a wait above
 * 3 s is divided by 1.31415926 until it is 3 s or less. From 8.0.27 a wait above 20 s is redrawn
 * in 10–20 s instead; test/xcom/cut-off-member-hears-again.test.ts shows both in whole runs.
 */
import { describe, expect, it } from 'vitest';
import { divideToCap, legacyDividedWaitUs } from '../../src/xcom/wakeup-delay.js';

const SEC = 1_000_000;
const DIVISOR = 1.31415926;

describe('the 3 s cap of wakeup_delay up to 8.0.26', () => {
  it('leaves a wait of 3 s or less alone and divides a longer one until it is 3 s or less', () => {
    expect(divideToCap(2_999_999)).toBe(2_999_999);
    expect(divideToCap(3 * SEC)).toBe(3 * SEC);
    expect(divideToCap(3 * SEC + 1)).toBeCloseTo((3 * SEC + 1) / DIVISOR, 6);
    for (const w of [4 * SEC, 10 * SEC, 20 * SEC, 3600 * SEC]) {
      const times = Math.ceil(Math.log(w / (3 * SEC)) / Math.log(DIVISOR));
      expect(divideToCap(w), `${w} µs`).toBeCloseTo(w / DIVISOR ** times, 3);
    }
  });

  it('keeps a growing back-off between 3 s / 1.31415926 and 3 s once it reached the cap, with no draw', () => {
    // The executor's chain from a first wait of 0.102 s: ×√2 per round, then the cap.
    let w = 102_000, capped = false;
    for (let round = 0; round < 80; round++) {
      const grown = w * Math.SQRT2;
      w = Math.floor(divideToCap(grown));
      if (grown > 3 * SEC) capped = true;
      expect(w, `round ${round}`).toBeLessThanOrEqual(3 * SEC);
      if (capped) expect(w, `round ${round}`).toBeGreaterThan(3 * SEC / DIVISOR - 1);
    }
    expect(capped).toBe(true);
  });

  it('gives the legacy back-off (first wait ×√2^k) the same cap, for any number of rounds', () => {
    const first = 102_400;
    for (let k = 0; k <= 6000; k++) {
      const w = legacyDividedWaitUs(first, k);
      expect(Number.isFinite(w), `k ${k}`).toBe(true);
      expect(w, `k ${k}`).toBeLessThanOrEqual(3 * SEC);
      const grown = first * Math.SQRT2 ** k;
      if (grown <= 3 * SEC) expect(w, `k ${k}`).toBeCloseTo(grown, 6);
      else {
        expect(w, `k ${k}`).toBeGreaterThan(3 * SEC / DIVISOR - 1);
        if (k <= 60) expect(w / divideToCap(grown), `k ${k}`).toBeCloseTo(1, 9);
      }
    }
  });
});
