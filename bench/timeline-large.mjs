// HTML timeline of a large run (issue 12): 9 members for 24 h of virtual time with a fault every
// 3 minutes (isolate 30 s, freeze 8 s, a 2-member partition 25 s, a crash restarted after 40 s, a
// one-way cut 20 s, in turn), rendered by renderTimelineHtml and opened in headless Chromium over
// file:// (when /usr/bin/chromium or CHROMIUM_PATH exists). Prints the file size and the time from
// navigation to the first frame after the page's script ran, for three loads in one browser.
// Targets: under 5 MB, and the page open (warm browser) in under 2 s.
// usage: npm run build && node bench/timeline-large.mjs [--hours=24] [--every=180]
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildReport, parseScenario, renderTimelineHtml, runScenario } from '../dist/index.js';

const args = Object.fromEntries(process.argv.slice(2).map((a) => { const [k, v] = a.replace(/^--/, '').split('='); return [k, v ?? '1']; }));
const hours = Number(args.hours ?? 24);
const every = Number(args.every ?? 180);
const names = Array.from({ length: 9 }, (_, i) => `node${i + 1}`);
const at = (s) => `"+${s}s"`;
const events = [];
for (let t = 60, i = 0; t < hours * 3600 - 300; t += every, i++) {
  const a = names[i % 9], b = names[(i + 4) % 9];
  switch (i % 5) {
    case 0: events.push(`{ at: ${at(t)}, isolate: ${a} }`, `{ at: ${at(t + 30)}, heal: ${a} }`); break;
    case 1: events.push(`{ at: ${at(t)}, freeze: ${a} }`, `{ at: ${at(t + 8)}, thaw: ${a} }`); break;
    case 2: events.push(`{ at: ${at(t)}, partition: [[${a}, ${b}]] }`, `{ at: ${at(t + 25)}, repair: all }`); break;
    case 3: events.push(`{ at: ${at(t)}, crash: ${a} }`, `{ at: ${at(t + 40)}, restart: ${a} }`); break;
    default: events.push(`{ at: ${at(t)}, cut: { from: ${a}, to: ${b} } }`, `{ at: ${at(t + 20)}, restore: { from: ${a}, to: ${b} } }`);
  }
}
const file = `name: day-of-faults
seed: 11
start: "2024-01-01T00:00:00Z"
mode: single-primary
members: [${names.join(', ')}]
events:
${events.map((e) => `  - ${e}`).join('\n')}
until: ${at(hours * 3600 - 1)}
`;
let t0 = process.hrtime.bigint();
const run = runScenario(parseScenario(file, 'day-of-faults.yaml'));
const simS = Number(process.hrtime.bigint() - t0) / 1e9;
t0 = process.hrtime.bigint();
const report = buildReport(run, 'bench');
const html = renderTimelineHtml(report);
const renderS = Number(process.hrtime.bigint() - t0) / 1e9;
const dir = mkdtempSync(join(tmpdir(), 'grsim-timeline-bench-'));
const path = join(dir, 'day-of-faults.html');
writeFileSync(path, html);
const res = {
  hours, faults: report.faults.length, logLines: report.log.length, stateChanges: report.states.length,
  simulateS: +simS.toFixed(2), reportAndRenderS: +renderS.toFixed(2), htmlMB: +(Buffer.byteLength(html) / 1e6).toFixed(2),
};
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (existsSync(chromiumPath)) {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'grsim-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath, headless: true, viewport: { width: 1340, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  res.openMs = [];
  for (let k = 0; k < 3; k++) {
    const page = await ctx.newPage();
    const start = process.hrtime.bigint();
    await page.goto(pathToFileURL(path).href);
    await page.waitForSelector('body[data-ready="1"]');
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    res.openMs.push(Math.round(Number(process.hrtime.bigint() - start) / 1e6));
    await page.close();
  }
  await ctx.close();
  rmSync(profile, { recursive: true, force: true });
}
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify(res));
