/**
 * The repository stands alone: a clone has nothing beside it, so no tracked file (code, test,
 * doc, bench, scenario, script) may read, link or mention the development-time folder that sits
 * next to the repository. The facts grsim relies on live in docs/mysql-behaviour.md, the reference
 * case in docs/seed-case.md and test/fixtures/seed-case/, the speed yardstick in bench/.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
// Built from pieces so that this file does not contain what it looks for.
const FOLDER = 'shared';
const FORBIDDEN = [`../${FOLDER}`, `/work/${FOLDER}`, `${FOLDER}/reference`, `${FOLDER}/seeds`, `${FOLDER}/bench`];

/** Tracked files (git ls-files); outside a git checkout, every file but the ignored build trees. */
function projectFiles(): string[] {
  try {
    return execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter((f) => f !== '');
  } catch {
    const out: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (['.git', 'node_modules', 'dist'].includes(e.name)) continue;
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p); else out.push(relative(root, p));
      }
    };
    walk(root);
    return out;
  }
}

describe('self-contained repository', () => {
  const files = projectFiles();

  it('finds the project files', () => {
    expect(files).toContain('README.md');
    expect(files).toContain('docs/mysql-behaviour.md');
    expect(files).toContain('bench/heartbeat-yardstick.mjs');
    expect(files).toContain('test/fixtures/seed-case/real-error-log.txt');
  });

  it('no file points outside the repository', () => {
    const hits: string[] = [];
    for (const f of files) {
      let text: string;
      try { text = readFileSync(join(root, f), 'utf8'); } catch { continue; } // listed but deleted in the work tree
      text.split('\n').forEach((line, i) => {
        for (const bad of FORBIDDEN) if (line.includes(bad)) hits.push(`${f}:${i + 1}: ${bad}`);
      });
    }
    expect(hits).toEqual([]);
  });
});
