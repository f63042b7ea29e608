/**
 * `npm run docs:api` (typedoc.json: warnings are errors) builds the API reference from the public
 * entry points: a type the public API names but does not export, or a broken doc link, fails it.
 * Built into a temporary directory, so the check leaves docs/api alone.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const out = mkdtempSync(join(tmpdir(), 'grsim-api-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the API reference (typedoc)', () => {
  it('builds with no warning and documents MemberHandle\'s methods', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typedoc/bin/typedoc'), '--out', out], { cwd: ROOT, encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/\[warning\]|\[error\]/);
    expect(r.status).toBe(0);
    const page = readFileSync(join(out, 'classes/index.MemberHandle.html'), 'utf8');
    for (const method of ['startGroupReplication', 'stopGroupReplication', 'lastStartOutcome', 'replicationGroupMembers']) expect(page).toContain(method);
  });
});
