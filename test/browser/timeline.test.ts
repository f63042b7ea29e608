import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, formatLogLine, parseScenario, renderTimelineHtml, runScenario, type ScenarioReport, type ScenarioRun } from '../../src/index.js';
import { seedCaseScenario } from '../helpers/seed-case.js';
import { openBrowser, openPage } from './chromium.js';

/**
 * The HTML timeline in a real headless Chromium, opened over file://: the page must run without
 * errors or requests, draw what the JSON report holds, and its cursor must rebuild each member's
 * replication_group_members exactly as the simulation showed it at that instant.
 */
const dir = mkdtempSync(join(tmpdir(), 'grsim-timeline-'));
/** Instants of the seed case (s): detection done, after node1's expel view, mid-partition, node3 in ERROR/rejoin, healed. */
const CURSOR_TIMES = [17.5, 33, 150, 284, 286.5, 300];
const seedRun = runScenario(seedCaseScenario(), { snapshotsAtUs: CURSOR_TIMES.map((t) => t * 1e6) });
const seedReport: ScenarioReport = buildReport(seedRun, 'test');
const seedUrl = pathToFileURL(join(dir, 'seed-case.html')).href;
writeFileSync(new URL(seedUrl), renderTimelineHtml(seedReport));

/** Moves the cursor to `t` (s) through the time field and reads every member's table the page shows. */
async function cursorTables(page: Page, t: number): Promise<{ observer: string | null; rows: (string | null)[][] }[]> {
  await page.fill('#cursor-time', String(t));
  await page.dispatchEvent('#cursor-time', 'change');
  return page.locator('table.rgm').evaluateAll((tables) => tables.map((tb) => ({
    observer: tb.getAttribute('data-observer'),
    rows: [...tb.querySelectorAll('tr')].slice(1).map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
  })));
}

/** The same tables as the simulation recorded them at `t` (a `--at` snapshot). */
function snapshotTables(run: ScenarioRun, t: number): { observer: string | null; rows: (string | null)[][] }[] {
  return run.snapshots.filter((s) => s.tUs === t * 1e6).map((s) => ({
    observer: s.member,
    rows: s.table.map((r) => [r.MEMBER_ID, r.MEMBER_HOST, String(r.MEMBER_PORT), r.MEMBER_STATE, r.MEMBER_ROLE, r.MEMBER_VERSION]),
  }));
}

let context: BrowserContext;
let close: () => Promise<void>;
beforeAll(async () => { ({ context, close } = await openBrowser()); }, 60_000);
afterAll(async () => { await close(); });

describe('seed case timeline in Chromium', () => {
  it('opens with no console error and no network request', async () => {
    const { page, errors, requests } = await openPage(context, seedUrl);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });

  it('draws one swimlane per member, one tick per log line, one bar per fault, one line per view', async () => {
    const { page } = await openPage(context, seedUrl);
    expect(await page.locator('.swimlane').count()).toBe(seedReport.members.length);
    expect(await page.locator('.swimlane').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-member')))).toEqual(seedReport.members.map((m) => m.name));
    expect(await page.locator('.ticks rect').count()).toBe(seedReport.log.length);
    for (const m of seedReport.members) {
      const lane = page.locator(`.swimlane[data-member="${m.name}"]`);
      expect(await lane.locator('.ticks rect').count()).toBe(seedReport.log.filter((l) => l.member === m.name).length);
    }
    expect(await page.locator('.fault').count()).toBe(seedReport.faults.length);
    expect(await page.locator('.view-line').count()).toBe(new Set(seedReport.views.filter((v) => v.viewId !== '').map((v) => v.viewId)).size);
    expect(await page.locator('.majority-loss').count()).toBe(seedReport.metrics.majority.length);
    await page.close();
  });

  it('hovering or clicking a tick shows the exact error-log line', async () => {
    const { page } = await openPage(context, seedUrl);
    const epoch = Date.parse(seedReport.start) * 1000;
    // node1's first Warning: the MY-011493 for node3.
    const line = seedReport.log.find((l) => l.member === 'node1' && l.level === 'Warning')!;
    const expected = `node1: ${formatLogLine(epoch, { type: 'log', t: Math.round(line.t * 1e6), member: line.member, level: line.level, code: line.code, message: line.message })}`;
    const tick = page.locator('.swimlane[data-member="node1"] .lv-W rect').first();
    await tick.hover();
    expect(await page.locator('#tip').textContent()).toBe(expected);
    await tick.click();
    expect(await page.locator('#log-line').textContent()).toBe(expected);
    await page.close();
  });

  it('hovering a suspicion or an UNREACHABLE row shows its exact times from the report', async () => {
    const { page } = await openPage(context, seedUrl);
    const made = seedReport.suspicions.find((s) => s.member === 'node1' && s.action === 'created')!;
    const timedOut = seedReport.suspicions.find((s) => s.member === 'node1' && s.action === 'timedOut')!;
    const expel = seedReport.suspicions.find((s) => s.member === 'node1' && s.action === 'expelRequested')!;
    // A suspicion is a 2 px line, which Playwright calls invisible (its box has no height).
    await page.locator('.swimlane[data-member="node1"] path.sus').first().hover({ force: true });
    expect(await page.locator('#tip').textContent()).toBe(`node1 suspects node3 from ${made.t} s, timed out at ${timedOut.t} s; expel requested at ${expel.t} s`);
    const unreachable = seedReport.states.find((s) => s.observer === 'node3' && s.member === 'node1' && s.state === 'UNREACHABLE')!;
    const next = seedReport.states.find((s) => s.observer === 'node3' && s.member === 'node1' && s.t > unreachable.t)!;
    // The row's transparent hit area lies over its stretches: point at the middle of the orange one.
    const box = (await page.locator('.pair[data-observer="node3"][data-member="node1"] path.unreachable').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    expect(await page.locator('#tip').textContent()).toBe(`node3 shows node1: UNREACHABLE from ${unreachable.t} s to ${next.t} s`);
    await page.close();
  });

  it('the cursor shows each member\'s replication_group_members as the simulation showed it then', async () => {
    const { page } = await openPage(context, seedUrl);
    for (const t of CURSOR_TIMES) expect(await cursorTables(page, t), `cursor at ${t} s`).toEqual(snapshotTables(seedRun, t));
    // At 17.5 s node3 shows node1 and node2 UNREACHABLE (the seed case's story).
    await page.fill('#cursor-time', '17.5');
    await page.dispatchEvent('#cursor-time', 'change');
    expect(await page.locator('table.rgm[data-observer="node3"] td.s-UNREACHABLE').count()).toBe(2);
    await page.close();
  });

  it('moves the cursor where the chart is clicked', async () => {
    const { page } = await openPage(context, seedUrl);
    const box = (await page.locator('#timeline').boundingBox())!;
    await page.mouse.click(box.x + 700, box.y + 300);
    const t = Number(await page.locator('#cursor-tables').getAttribute('data-t'));
    expect(t).toBeGreaterThan(0);
    expect(t).toBeLessThan(seedReport.end);
    const x = Number(await page.locator('#cursor-line').getAttribute('x1'));
    expect(Math.abs(x - 700)).toBeLessThan(1.5);
    await page.close();
  });
});

/**
 * A single-primary group through a crash and restart, a freeze, a partition that leaves a minority
 * and a workload: the cursor must follow restarts (empty table while down), primary changes and
 * members leaving tables; the cache and throughput charts appear.
 */
const ROUGH = `name: rough-day
seed: 21
mode: single-primary
members: [node1, node2, node3, node4, node5]
workload:
  - { member: node1, rate: 300/s, size: 2KiB }
events:
  - { at: "+10s", crash: node1 }
  - { at: "+60s", restart: node1 }
  - { at: "+130s", freeze: node4 }
  - { at: "+140s", thaw: node4 }
  - { at: "+170s", partition: [[node2, node3]] }
  - { at: "+200s", repair: all }
until: "+300s"
`;

describe('crash, freeze, partition and workload in Chromium', () => {
  const times = [5, 12.5, 25, 45, 70, 95, 135, 150, 180, 190, 205, 230, 290];
  const run = runScenario(parseScenario(ROUGH, 'rough.yaml'), { snapshotsAtUs: times.map((t) => t * 1e6) });
  const report = buildReport(run, 'test');
  const url = pathToFileURL(join(dir, 'rough.html')).href;
  writeFileSync(new URL(url), renderTimelineHtml(report));

  it('the cursor rebuilds every member\'s table at thirteen instants', async () => {
    // The instants cover what makes the rebuild hard: a server down (no rows), a new primary.
    const snap = (t: number, m: string) => run.snapshots.find((s) => s.tUs === t * 1e6 && s.member === m)!;
    const primaryOf = (t: number) => snap(t, 'node2').table.find((r) => r.MEMBER_ROLE === 'PRIMARY')?.MEMBER_HOST;
    expect(snap(12.5, 'node1').table).toEqual([]);
    expect(primaryOf(70)).not.toBe(primaryOf(5));
    expect(snap(180, 'node2').table.some((r) => r.MEMBER_STATE === 'UNREACHABLE')).toBe(true);
    const { page, errors, requests } = await openPage(context, url);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    for (const t of times) expect(await cursorTables(page, t), `cursor at ${t} s`).toEqual(snapshotTables(run, t));
    await page.close();
  });

  it('draws the faults, the ticks and the cache and throughput charts', async () => {
    const { page } = await openPage(context, url);
    expect(await page.locator('.fault').count()).toBe(report.faults.length);
    expect(report.faults.map((f) => f.kind)).toEqual(['crash', 'freeze', 'partition']);
    expect(await page.locator('.ticks rect').count()).toBe(report.log.length);
    expect(await page.locator('.cache-chart path').count()).toBeGreaterThan(1);
    expect(await page.locator('.throughput-chart path').count()).toBeGreaterThanOrEqual(1);
    await page.close();
  });
});

describe('user-supplied strings in Chromium', () => {
  it('a member named like markup is shown as text and runs nothing', async () => {
    // At most 64 characters: member names are bounded like MySQL identifiers (NAME_CHAR_LEN).
    const evil = '<img src=x onerror="__pwned=1"><script>__pwned=2</script>';
    const file = `name: "<script>window.__pwned=3</script>"
seed: 5
members: [${JSON.stringify(evil)}, "a&b\\"c'd", plain]
events:
  - { at: "+5s", isolate: ${JSON.stringify(evil)} }
  - { at: "+40s", heal: all }
until: "+60s"
`;
    const report = buildReport(runScenario(parseScenario(file, 'names.yaml')), 'test');
    const url = pathToFileURL(join(dir, 'names.html')).href;
    writeFileSync(new URL(url), renderTimelineHtml(report));
    const { page, errors, requests, dialogs } = await openPage(context, url);
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(await page.locator('.member-name').allTextContents()).toEqual([evil, 'a&b"c\'d', 'plain']);
    expect(await page.locator('h1').textContent()).toBe('<script>window.__pwned=3</script>');
    expect(await page.locator('table.rgm caption').first().textContent()).toContain(evil);
    await page.close();
  });
});
