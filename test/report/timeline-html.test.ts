import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildReport, parseScenario, renderTimelineHtml, runScenario } from '../../src/index.js';
import { appliedFaults } from '../../src/report/report-faults.js';
import { runLength } from '../../src/report/timeline-data.js';
import { DEFAULT_NETWORK } from '../../src/network/network-options.js';
import { seedCaseScenario } from '../helpers/seed-case.js';

const GOLDEN = new URL('./fixtures/seed-case-timeline.html', import.meta.url);

/** The seed case's report with a fixed grsim version, so the golden file does not change with releases. */
export function seedCaseTimeline(): string {
  return renderTimelineHtml(buildReport(runScenario(seedCaseScenario()), '0.0.0-golden'), { replayCommand: 'grsim run scenarios/seed-case.yaml --seed 7' });
}

describe('renderTimelineHtml', () => {
  it('renders the seed case byte for byte as the golden file (UPDATE_GOLDEN=1 rewrites it)', () => {
    const html = seedCaseTimeline();
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, html);
    expect(html).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('is deterministic: two runs of the same scenario give identical bytes', () => {
    expect(seedCaseTimeline()).toBe(seedCaseTimeline());
  });

  it('is self-contained: no URL other than the SVG namespace, no external font', () => {
    const html = seedCaseTimeline();
    const urls = html.match(/(https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}[^\s"')]*/gi) ?? [];
    expect(urls.filter((u) => u !== 'http://www.w3.org/2000/svg')).toEqual([]);
    expect(html).not.toMatch(/@font-face|<link\b|\bsrc=/i);
  });

  it('escapes every user-supplied string: names with markup appear only as text', () => {
    const file = `name: "a <b>bold</b> & 'quoted' \\"run\\""
seed: 3
members: ["<img src=x onerror=alert(1)>", "a&b\\"c'd", plain]
events:
  - { at: "+5s", isolate: "<img src=x onerror=alert(1)>" }
  - { at: "+40s", heal: all }
until: "+60s"
`;
    const html = renderTimelineHtml(buildReport(runScenario(parseScenario(file, 'names.yaml')), 'test'));
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>bold');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('a&amp;b&quot;c&#39;d');
    // Inside the embedded JSON, < is written \\u003c so no </script> can end the element early.
    const json = html.slice(html.indexOf('id="timeline-data">'), html.indexOf('</script>'));
    expect(json).not.toContain('<img');
    expect(json).toContain('\\u003cimg');
  });
});

describe('runLength', () => {
  it('merges equal neighbours, drops empty stretches and ends at the run end', () => {
    expect(runLength([[0, 'A'], [1, 'A'], [2, 'B'], [2, 'C'], [5, 'A']], 8)).toEqual([
      { start: 0, end: 2, value: 'A' }, { start: 2, end: 5, value: 'C' }, { start: 5, end: 8, value: 'A' },
    ]);
  });
});

describe('report faults', () => {
  const names = ['n1', 'n2', 'n3'];
  const net = (t: number, action: string, detail: string) => ({ type: 'network' as const, t, action, detail });
  it('pairs each verb with the one that undid it, resolving "all" targets', () => {
    const faults = appliedFaults([
      net(1, 'isolate', 'n1'), net(2, 'isolate', 'n2'), net(3, 'heal', 'all'),
      net(4, 'partition', '[n1,n2] [n3]'), net(6, 'repair', 'all'),
      net(7, 'cut', 'n1->n3'), net(8, 'restore', 'all'),
      net(9, 'freeze', 'n2'), net(10, 'crash', 'n2'), net(12, 'restart', 'n2'),
      net(13, 'linkProfile', JSON.stringify({ profile: { loss: 0.2 }, links: 'all' })),
      net(15, 'linkProfile', JSON.stringify({ profile: { loss: 0 }, links: 'all' })),
      net(16, 'crash', 'n3'),
    ], names, DEFAULT_NETWORK);
    expect(faults.map((f) => [f.kind, f.startUs, f.endUs, f.members.join(',')])).toEqual([
      ['isolate', 1, 3, 'n1'], ['isolate', 2, 3, 'n2'], ['partition', 4, 6, 'n1,n2,n3'], ['cut', 7, 8, 'n1,n3'],
      ['freeze', 9, 10, 'n2'], ['crash', 10, 12, 'n2'], ['link', 13, 15, 'n1,n2,n3'], ['crash', 16, null, 'n3'],
    ]);
    expect(faults[2]!.detail).toBe('[n1,n2] | [n3]');
  });

  it('a heal ends every cut its member is in, whatever verb made it: isolation, one-way cuts, and a partition once it separates nobody else', () => {
    const four = ['n1', 'n2', 'n3', 'n4'];
    const faults = appliedFaults([
      net(1, 'partition', '[n1] [n2] [n3,n4]'), net(1, 'cut', 'n4->n2'), net(1, 'cut', 'n3->n4'),
      net(2, 'heal', 'n1'), // the partition still separates n2 from n3, n4; n1 was in no one-way cut
      net(3, 'heal', 'n2'), // now only [n3,n4] is left: the partition is over; so is n4->n2
      net(4, 'partition', '[n1,n2] [n3,n4]'), net(4, 'isolate', 'n1'),
      net(5, 'heal', 'all'), // ends the cut n3->n4, the second partition and the isolation
    ], four, DEFAULT_NETWORK);
    expect(faults.map((f) => [f.kind, f.startUs, f.endUs, f.members.join(',')])).toEqual([
      ['partition', 1, 3, 'n1,n2,n3,n4'], ['cut', 1, 3, 'n4,n2'], ['cut', 1, 5, 'n3,n4'],
      ['partition', 4, 5, 'n1,n2,n3,n4'], ['isolate', 4, 5, 'n1'],
    ]);
  });

  it('the seed case lists one isolation of node3 from 11 s to 280 s, and metrics in seconds', () => {
    const r = buildReport(runScenario(seedCaseScenario()), 'test');
    expect(r.faults).toEqual([{ kind: 'isolate', start: 11, end: 280, members: ['node3'], detail: 'node3 cut off from everyone' }]);
    expect(r.metrics.expels.map((x) => [x.member, x.remover])).toEqual([['node3', 'node1']]);
    expect(r.metrics.expels[0]!.removed).toBeCloseTo(31.93, 1);
  });

  it('the summary tells a voluntary leave from an expel (scenarios/runbook-stop-start.yaml)', () => {
    const file = new URL('../../scenarios/runbook-stop-start.yaml', import.meta.url);
    const html = renderTimelineHtml(buildReport(runScenario(parseScenario(readFileSync(file, 'utf8'), 'runbook-stop-start.yaml')), '0.0.0-test'));
    expect(html).toContain('node4 left at its own request (asked at 5 s), removed by node1 at 6.119288 s');
    expect(html).not.toContain('node4 expelled');
    expect(html).toContain('node3 expelled by node1');
  });
});
