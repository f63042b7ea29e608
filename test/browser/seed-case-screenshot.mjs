// Regenerates docs/timeline-seed-case.png: the seed case's HTML timeline in headless Chromium.
// usage: npm run build && node test/browser/seed-case-screenshot.mjs
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { buildReport, parseScenario, renderTimelineHtml, runScenario } from '../../dist/index.js';

const root = new URL('../../', import.meta.url);
const version = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')).version;
const scenario = parseScenario(readFileSync(new URL('scenarios/seed-case.yaml', root), 'utf8'), 'seed-case.yaml');
const html = renderTimelineHtml(buildReport(runScenario(scenario), version), { replayCommand: 'grsim run scenarios/seed-case.yaml --seed 7' });
const dir = mkdtempSync(join(tmpdir(), 'grsim-shot-'));
const file = join(dir, 'seed-case.html');
writeFileSync(file, html);
const ctx = await chromium.launchPersistentContext(join(dir, 'profile'), {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, viewport: { width: 1320, height: 900 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await ctx.newPage();
await page.goto(pathToFileURL(file).href);
await page.waitForSelector('body[data-ready="1"]');
// Point at node1's first warning so the picture shows a log line too.
await page.locator('.swimlane[data-member="node1"] .lv-W rect').first().click();
await page.mouse.move(2, 2);
await page.screenshot({ path: new URL('docs/timeline-seed-case.png', root).pathname, fullPage: true });
await ctx.close();
rmSync(dir, { recursive: true, force: true });
