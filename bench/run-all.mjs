// Runs every benchmark in one go (after npm run build).
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
const here = dirname(fileURLToPath(import.meta.url));
for (const b of ['kernel-heartbeat.mjs', 'full-group.mjs', 'explore.mjs', 'cache-workload.mjs']) {
  execFileSync(process.execPath, ['--expose-gc', resolve(here, b), ...process.argv.slice(2)], { stdio: 'inherit' });
}
