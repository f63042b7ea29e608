import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { OUTAGE_OUTCOMES } from '../../src/sizing/outage-run.js';
import { defaultOutagesUs, defaultSizes, sweepCache } from '../../src/sizing/sweep-cache.js';
import { OUTCOME_COLOURS, renderSweepSvg } from '../../src/sizing/sweep-svg.js';

const MIB = 1_048_576;
const input = {
  members: ['node1', 'node2', 'node3'],
  workload: [{ member: 'node1', rate: 2000, size: '1KiB' }],
  options: { group_replication_member_expel_timeout: 60 },
  seeds: [1, 2],
};

/** Minimal XML well-formedness: one root, every tag closed in order, attributes quoted, no stray `<` or `&`. */
function checkXml(xml: string): void {
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0, roots = 0;
  for (let m = tag.exec(xml); m !== null; m = tag.exec(xml)) {
    const text = xml.slice(last, m.index);
    expect(text).not.toMatch(/[<>]/);
    expect(text).not.toMatch(/&(?!amp;|lt;|gt;|quot;)/);
    last = tag.lastIndex;
    const [, close, name, , selfClose] = m;
    if (close === '/') expect(stack.pop()).toBe(name);
    else if (selfClose !== '/') {
      if (stack.length === 0) roots++;
      stack.push(name as string);
    } else if (stack.length === 0) roots++;
  }
  expect(xml.slice(last).trim()).toBe('');
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
}

describe('sweepCache', () => {
  const sizes = [128 * MIB, 144 * MIB, 192 * MIB];
  const outagesUs = [30_000_000, 50_000_000, 58_000_000, 70_000_000];
  const progress: [number, number][] = [];
  const s = sweepCache({ ...input, sizes: [...sizes].reverse(), outagesUs, onProgress: (d, t) => progress.push([d, t]) });

  it('covers the grid in ascending order, one cell per size × outage, one outcome per seed', () => {
    expect(s.sizes).toEqual(sizes);
    expect(s.outagesUs).toEqual(outagesUs);
    expect(s.cells.length).toBe(3);
    for (const [i, row] of s.cells.entries()) {
      expect(row.map((c) => c.outageUs)).toEqual(outagesUs);
      for (const c of row) {
        expect(c.cacheBytes).toBe(sizes[i]);
        expect(c.outcomes.length).toBe(2);
        expect(OUTAGE_OUTCOMES.indexOf(c.outcome)).toBe(Math.max(...c.outcomes.map((o) => OUTAGE_OUTCOMES.indexOf(o))));
      }
    }
    expect(progress.length).toBe(24);
    expect(progress.at(-1)).toEqual([24, 24]);
  });

  it('makes sense: a bigger cache is never worse at a given outage; a long outage is expelled whatever the size', () => {
    for (let j = 0; j < outagesUs.length; j++) {
      const column = s.cells.map((row) => OUTAGE_OUTCOMES.indexOf(row[j]!.outcome));
      for (let i = 1; i < column.length; i++) expect(column[i]).toBeLessThanOrEqual(column[i - 1]!);
    }
    expect(s.cells.map((row) => row[0]!.outcome)).toEqual(['caught up', 'caught up', 'caught up']); // 30 s fits in 128 MiB
    expect(s.cells[0]![2]!.outcome).toBe('evicted, rejoined'); // 58 s of silence (2.3 MiB/s) does not fit in 128 MiB
    expect(s.cells[2]![2]!.outcome).toBe('caught up'); // but fits in 192 MiB
    expect(s.cells.map((row) => row[3]!.outcome)).toEqual(['expelled by timeout', 'expelled by timeout', 'expelled by timeout']);
  });

  it('draws a well-formed SVG with labelled axes and a legend for the three outcomes', () => {
    const svg = renderSweepSvg(s);
    checkXml(svg);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain('outage (member silent), seconds');
    expect(svg).toContain('group_replication_message_cache_size');
    for (const o of OUTAGE_OUTCOMES) expect(svg).toContain(`>${o}</text>`);
    expect(svg.match(/<rect [^>]*fill="#[0-9a-f]{6}"><title>/g)?.length).toBe(12);
    for (const label of ['128 MiB', '144 MiB', '192 MiB', '30 s', '58 s', '70 s']) expect(svg).toContain(`>${label}</text>`);
    expect(svg).toContain(OUTCOME_COLOURS['evicted, rejoined']);
  });

  it('default grids: outages around the expel point, sizes from the minimum', () => {
    expect(defaultOutagesUs(5)).toEqual([5, 10, 15, 20, 25, 30].map((x) => x * 1e6));
    expect(defaultOutagesUs(60)).toEqual([16, 32, 48, 64, 80, 96].map((x) => x * 1e6));
    const d = defaultSizes(128 * MIB, 3_600_000, 60);
    expect(d[0]).toBe(128 * MIB);
    expect(d.length).toBe(5);
    expect(d[4]!).toBeGreaterThanOrEqual(3_600_000 * 65);
  });

  it('rejects sizes below the minimum and outages out of range', () => {
    expect(() => sweepCache({ ...input, sizes: [64 * MIB] })).toThrow(ConfigError);
    expect(() => sweepCache({ ...input, sizes: [64 * MIB] })).toThrow(/^sizes\[0\] must be an integer number of bytes ≥ the minimum group_replication_message_cache_size \(134217728\), got 67108864$/);
    expect(() => sweepCache({ ...input, outagesUs: [500] })).toThrow(/^outagesUs\[0\] must be an outage from 1s/);
  });
});
