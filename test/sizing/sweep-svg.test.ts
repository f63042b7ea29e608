import { describe, expect, it } from 'vitest';
import { defaultGrid, defaultOutagesUs, defaultSizes, sweepCache, type CacheSweep, type SweepCell } from '../../src/sizing/sweep-cache.js';
import type { OutageOutcome } from '../../src/sizing/outage-run.js';
import { renderSweepSvg } from '../../src/sizing/sweep-svg.js';

const MIB = 1_048_576;

/** A hand-made 2 × 3 sweep: rows 128 and 256 MiB, outages 10, 20, 30 s; one cell where the seeds disagree. */
function sweep(answer: CacheSweep['answer']): CacheSweep {
  const sizes = [128 * MIB, 256 * MIB], outagesUs = [10e6, 20e6, 30e6];
  const outcome: OutageOutcome[][] = [['caught up', 'evicted, rejoined', 'expelled by timeout'], ['caught up', 'caught up', 'expelled by timeout']];
  const cells = sizes.map((cacheBytes, i) => outagesUs.map((outageUs, j): SweepCell => {
    const o = outcome[i]![j]!;
    // 128 MiB × 20 s: one seed caught up, the other was evicted.
    const outcomes: OutageOutcome[] = i === 0 && j === 1 ? ['caught up', 'evicted, rejoined'] : [o, o];
    return { cacheBytes, outageUs, outcome: o, outcomes };
  }));
  return { sizes, outagesUs, cells, seeds: [1, 2], silentMember: 'node3', expelTimeoutS: 5, version: '8.0.21', growthBytesPerSecond: 6 * MIB, minimumBytes: 128 * MIB, runs: 12, simulatedSeconds: 100, answer };
}

describe('renderSweepSvg marks', () => {
  it('each cell\'s tooltip names every seed with its outcome', () => {
    const svg = renderSweepSvg(sweep(null));
    const titles = [...svg.matchAll(/<rect [^>]*><title>([^<]*)<\/title><\/rect>/g)].map((m) => m[1]);
    expect(titles).toHaveLength(6);
    expect(titles).toContain('128 MiB × 20 s: seed 1: caught up; seed 2: evicted, rejoined');
    expect(titles).toContain('256 MiB × 30 s: seed 1: expelled by timeout; seed 2: expelled by timeout');
  });

  it('marks the seeds\' disagreement in its cell and explains the mark', () => {
    const svg = renderSweepSvg(sweep(null));
    expect(svg.match(/class="seeds-disagree"/g)?.length).toBe(1);
    expect(svg).toContain('seeds disagree: seed 1: caught up; seed 2: evicted, rejoined');
    expect(svg).toContain('the seeds disagree; the cell shows the worst outcome');
    expect(svg).not.toContain('mark-answer');
  });

  it('marks the computed size, the rule of thumb and the longest safe outage where they fall on the grid', () => {
    const svg = renderSweepSvg(sweep({ cacheSizeBytes: 256 * MIB, ruleOfThumbBytes: 192 * MIB, outageUs: 20e6, outageSource: 'longest-without-expel', runs: 0, simulatedSeconds: 0, warnings: [] }));
    expect(svg).toContain('>computed size 256 MiB</text>');
    expect(svg).toContain('>rule of thumb 192 MiB</text>');
    expect(svg).toContain('>longest safe outage 20 s</text>');
    // Rows are 34 px apart, top row (256 MiB) centred at y = 90 + 16: the rule of thumb lies halfway to the 128 MiB row.
    const y = (cls: string): number => Number(new RegExp(`class="${cls}"><line x1="\\d+" y1="([\\d.]+)"`).exec(svg)![1]);
    expect(y('mark-answer')).toBe(106);
    expect(y('mark-rule-of-thumb')).toBe(123);
    expect(svg).toMatch(/class="mark-outage"><line x1="214"/);
    expect(svg).toContain('class="mark-answer-cell"');
  });

  it('says when a mark lies outside the grid', () => {
    const svg = renderSweepSvg(sweep({ cacheSizeBytes: 512 * MIB, ruleOfThumbBytes: 64 * MIB, outageUs: 15e6, outageSource: 'given', runs: 0, simulatedSeconds: 0, warnings: [] }));
    expect(svg).toContain('>computed size 512 MiB (above the grid)</text>');
    expect(svg).toContain('>rule of thumb 64 MiB (below the grid)</text>');
    expect(svg).toContain('>outage sized for 15 s</text>');
    expect(svg).not.toContain('mark-answer-cell');
  });
});

describe('sweepCache with an answer', () => {
  const answer = { cacheSizeBytes: 150 * MIB, ruleOfThumbBytes: 140 * MIB, outageUs: 7_000_000, outageSource: 'longest-without-expel' as const, runs: 7, simulatedSeconds: 300, warnings: [] };
  it('the default grid contains the answer\'s size and outage', () => {
    const g = defaultGrid(128 * MIB, 200 * 1224, 5, answer);
    expect(g.sizes).toEqual([...defaultSizes(128 * MIB, 200 * 1224, 5), 150 * MIB]);
    expect(g.outagesUs).toEqual([...defaultOutagesUs(5), 7_000_000]);
    expect(defaultGrid(128 * MIB, 200 * 1224, 5, null).sizes).toEqual(defaultSizes(128 * MIB, 200 * 1224, 5));
  });

  it('keeps the answer for the chart, which outlines its cell', () => {
    const s = sweepCache({ members: ['node1', 'node2', 'node3'], workload: [{ member: 'node1', rate: 200, size: '1KiB' }], seeds: [1], answer, sizes: [150 * MIB], outagesUs: [7_000_000] });
    expect(s.answer).toEqual(answer);
    // The sweep's work counts the sizing that found the answer (7 runs, 300 s) beside its own runs.
    expect(s.runs).toBe(7 + 1 + 1);
    expect(Math.round(s.simulatedSeconds)).toBeGreaterThan(300);
    expect(renderSweepSvg(s)).toContain('class="mark-answer-cell"');
  });
});
