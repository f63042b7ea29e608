// Runs every benchmark in one go (after npm run build), then prints each speed target
// (bench/targets.mjs) with the figure measured in this run and PASS or FAIL beside it.
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
const here = dirname(fileURLToPath(import.meta.url));
const results = [];
let broken = false;
for (const b of ['kernel-heartbeat.mjs', 'full-group.mjs', 'explore.mjs', 'cache-workload.mjs']) {
  const r = spawnSync(process.execPath, ['--expose-gc', resolve(here, b), ...process.argv.slice(2)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith('target: ')) results.push(JSON.parse(line.slice('target: '.length)));
    else if (line !== '') console.log(line);
  }
  // A failed check (wrong event count, an idle group that logs, memory that grows) is not a speed miss.
  if (r.status !== 0) { broken = true; console.error(`${b} failed its checks (exit ${r.status})`); }
}
console.log('\ntargets (each measured in this run: the kernel and the idle group in CPU time against the yardstick run beside it, 10,000 tx/s and explore by the wall clock):');
for (const t of results) {
  const fig = t.unit === '×' ? t.measured.toFixed(2) : Math.round(t.measured).toLocaleString('en-US');
  const min = t.unit === '×' ? t.min.toFixed(1) : t.min.toLocaleString('en-US');
  console.log(`  ${t.pass ? 'PASS' : 'FAIL'}  ${t.name}: ${fig}${t.unit} (target ≥ ${min}${t.unit})${t.detail ? `; ${t.detail}` : ''}`);
}
if (broken) process.exitCode = 1;
