/**
 * SLOW (two to three minutes on the 2-core CI machine, so not part of `npm test`; run it with
 * `npm run check:package`, vitest.packaging.config.ts): packs grsim the way `npm publish` would, from a copy of the working tree
 * without `dist` (so `prepack` must build it), lints the tarball with publint and
 * @arethetypeswrong/cli, installs it into a fresh ES module project and a fresh CommonJS project
 * (npm, from the local cache where it can), and type-checks and runs the TypeScript examples of
 * README.md, docs/guide.md and docs/partition-experiments.md in both.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const DOCS_WITH_EXAMPLES = ['README.md', 'docs/guide.md', 'docs/partition-experiments.md'];

interface Example { readonly file: string; readonly code: string; readonly vitest: boolean }

/** Every ```ts block of the docs; a fragment without imports gets the import (and the `sim`) it assumes. */
function docExamples(): Example[] {
  const out: Example[] = [];
  for (const doc of DOCS_WITH_EXAMPLES) {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    let n = 0;
    for (const m of text.matchAll(/```ts\n([\s\S]*?)```/g)) {
      let code = m[1] as string;
      if (!/^import /m.test(code)) {
        const sim = /\bconst sim\b/.test(code) ? '' : "const sim = createSimulation({ seed: 1, members: ['node1', 'node2', 'node3'] });\n";
        code = `import { createSimulation } from 'grsim';\n${sim}${code}`;
      }
      const vitest = /from 'vitest'/.test(code);
      const base = `${doc.replace(/^docs\//, '').replace(/\.md$/, '').toLowerCase()}-${++n}`;
      out.push({ file: vitest ? `${base}.test.ts` : `${base}.ts`, code: `${code}\nexport {};\n`, vitest });
    }
  }
  return out;
}

/** The one ESM-only idiom in the examples, spelled as CommonJS spells it. */
function asCommonJs(code: string): string {
  return code.replace(/fileURLToPath\(import\.meta\.resolve\(([^)]*)\)\)/g, 'require.resolve($1)');
}

function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

async function sh(cmd: string, args: readonly string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(cmd, args, { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
  }
}

let work = '';
let tarball = '';
let packedFiles: string[] = [];
const examples = docExamples();

/**
 * fast-check's ESM and CommonJS builds declare Arbitrary separately; a CommonJS project whose
 * grsim types imported the ESM ones failed here with TS2345 ("separate declarations of a private
 * property"). Type-checked and run in both projects.
 */
const FAST_CHECK_PROPERTY = `import fc from 'fast-check';
import { assertReplayable, faultSchedule } from 'grsim/arbitraries';

let n = 0;
fc.assert(fc.property(faultSchedule({ members: 3, maxFaults: 2 }), (s) => { n++; return s.faults.length <= 2 && s.setup.members.length === 3; }), { seed: 1, numRuns: 20 });
try {
  assertReplayable(faultSchedule({ members: 3, minFaults: 1, maxFaults: 1 }), () => false, { seed: 1, numRuns: 1 });
} catch (e) {
  console.log((e as Error).message.split('\\n').find((l) => l.startsWith('name:')));
}
console.log(n);
`;

/**
 * The `grsim/serve` entry point: serves a group (loading sql.js's WebAssembly from the installed
 * package), reads one member's handshake over TCP, answers a statement through the default engine
 * (no client library in the fresh project: the handshake's first bytes are checked by hand), and
 * closes. Written without top-level await so that it runs as CommonJS too.
 */
const SERVE_SMOKE = `import { connect } from 'node:net';
import { createSimulation } from 'grsim';
import { serve } from 'grsim/serve';

async function main(): Promise<void> {
  const sim = createSimulation({ seed: 1, members: ['node1', 'node2', 'node3'] });
  const served = await serve(sim, { portBase: 0, testDriven: true });
  const first = await new Promise<Buffer>((resolve, reject) => {
    const socket = connect(served.ports.node2!, served.host);
    socket.once('data', (b) => { socket.destroy(); resolve(b); });
    socket.once('error', reject);
  });
  // A packet header (3 bytes length, sequence 0), then protocol version 10 and the version string.
  console.log(Object.keys(served.ports).join(','), first[3], first[4], first.subarray(5, first.indexOf(0, 5)).toString());
  await served.advance('1s');
  await served.close();
}
main().catch((e) => { console.error(e); process.exit(1); });
`;

/** A fresh project of the given module type with the tarball and the tools the examples use installed. */
async function freshProject(type: 'module' | 'commonjs'): Promise<string> {
  const dir = join(work, type === 'module' ? 'esm-project' : 'cjs-project');
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `grsim-${type}-consumer`, private: true, type }, null, 2));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      module: 'nodenext', target: 'es2022', strict: true, types: ['node'], skipLibCheck: true, rootDir: 'src', outDir: 'out',
    },
    include: ['src'],
  }, null, 2));
  for (const ex of examples) writeFileSync(join(dir, 'src', ex.file), type === 'module' ? ex.code : asCommonJs(ex.code));
  writeFileSync(join(dir, 'src', 'fast-check-property.ts'), FAST_CHECK_PROPERTY);
  writeFileSync(join(dir, 'src', 'serve-smoke.ts'), SERVE_SMOKE);
  const tools = ['typescript', '@types/node', 'fast-check', 'vitest'].map((n) => `${n}@${installedVersion(n)}`);
  await sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball, ...tools], dir);
  return dir;
}

let esm = '';
let cjs = '';

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'grsim-pack-'));
  // A clean clone of the working tree: tracked and new files, nothing ignored (no dist, no docs/api).
  const clone = join(work, 'clone');
  const { stdout } = await sh('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], ROOT);
  for (const f of stdout.split('\0').filter((x) => x !== '' && existsSync(join(ROOT, x)))) {
    mkdirSync(dirname(join(clone, f)), { recursive: true });
    cpSync(join(ROOT, f), join(clone, f));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');
  const packed = JSON.parse((await sh('npm', ['pack', '--json', '--pack-destination', work], clone)).stdout.replace(/^[^[]*/, '')) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, (packed[0] as { filename: string }).filename);
  packedFiles = (packed[0] as { files: { path: string }[] }).files.map((f) => f.path);
  [esm, cjs] = await Promise.all([freshProject('module'), freshProject('commonjs')]);
}, 300_000);

afterAll(() => {
  if (work !== '' && process.env.GRSIM_KEEP_PACK === undefined) rmSync(work, { recursive: true, force: true });
}, 60_000);

describe('the packed tarball (slow: npm pack, publint, attw, two npm installs)', () => {
  it('ships both builds, the CLI, the docs, the schemas, LICENSE and CHANGELOG, built by prepack', () => {
    for (const f of [
      'package.json', 'LICENSE', 'CHANGELOG.md', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/arbitraries/index.js',
      'dist/cjs/package.json', 'dist/cjs/index.js', 'dist/cjs/index.d.ts', 'dist/cjs/arbitraries/index.d.ts', 'dist/cli/main.js',
      'dist/serve/index.js', 'dist/serve/index.d.ts', 'dist/cjs/serve/index.js', 'dist/cjs/serve/index.d.ts', 'docs/serve.md', 'docs/failover-example.md', 'serve/package.json', 'arbitraries/package.json',
      'docs/scenario.schema.json', 'docs/report.schema.json', 'scenarios/seed-case.yaml',
    ]) expect(packedFiles, f).toContain(f);
    expect(packedFiles.filter((f) => /^(src|test|bench|docs\/api)\/|\.map$/.test(f))).toEqual([]);
  });

  it('passes publint (strict) with no message', async () => {
    const { publint } = await import('publint');
    const { formatMessage } = await import('publint/utils');
    const buffer = readFileSync(tarball);
    const tar = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
    const { messages, pkg } = await publint({ pack: { tarball: tar }, strict: true, level: 'suggestion' });
    expect(messages.map((m) => formatMessage(m, pkg))).toEqual([]);
  });

  it('passes @arethetypeswrong/cli for node10, node16 (CommonJS and ESM) and bundler resolution', async () => {
    const attw = join(ROOT, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');
    // Wildcard subpaths (the scenario files) and the JSON schemas carry no types to check.
    const { stdout } = await sh('node', [attw, tarball, '--format', 'ascii', '--no-color', '--no-emoji', '--entrypoints', '.', './arbitraries', './serve'], work);
    expect(stdout).toMatch(/No problems found/);
  });

  it('type-checks every doc example in a fresh ES module project and in a fresh CommonJS project', async () => {
    expect(examples.length).toBeGreaterThan(8);
    const tsc = join('node_modules', 'typescript', 'bin', 'tsc');
    await Promise.all([sh('node', [tsc, '-p', '.'], esm), sh('node', [tsc, '-p', '.'], cjs)]);
    // The CommonJS project's output really is CommonJS and requires the CommonJS build.
    const readme = readFileSync(join(cjs, 'out', 'readme-1.js'), 'utf8');
    expect(readme).toMatch(/require\("grsim"\)/);
  }, 180_000);

  it('runs every non-vitest example under node in both projects with the same output', async () => {
    let printed = '';
    for (const ex of examples.filter((e) => !e.vitest)) {
      const js = ex.file.replace(/\.ts$/, '.js');
      const a = await sh('node', [join('out', js)], esm);
      const b = await sh('node', [join('out', js)], cjs);
      expect(b.stdout, ex.file).toBe(a.stdout);
      printed += a.stdout;
    }
    // The seed-case example prints node1's error log with the expel (MY-011499) and node3 back ONLINE.
    expect(printed).toContain('MY-011499');
    expect(printed).toMatch(/^ONLINE [0-9a-f:]+:4$/m);
  }, 120_000);

  it('loads the ES module build through import and the CommonJS build through require', async () => {
    const imported = await sh('node', ['--input-type=module', '-e', "console.log(import.meta.resolve('grsim'), import.meta.resolve('grsim/arbitraries'), import.meta.resolve('grsim/serve'))"], esm);
    expect(imported.stdout).toMatch(/node_modules\/grsim\/dist\/index\.js .*node_modules\/grsim\/dist\/arbitraries\/index\.js .*node_modules\/grsim\/dist\/serve\/index\.js/);
    const required = await sh('node', ['-e', "console.log(require.resolve('grsim'), require.resolve('grsim/arbitraries'), require.resolve('grsim/serve'))"], cjs);
    expect(required.stdout).toMatch(/node_modules\/grsim\/dist\/cjs\/index\.js .*node_modules\/grsim\/dist\/cjs\/arbitraries\/index\.js .*node_modules\/grsim\/dist\/cjs\/serve\/index\.js/);
  });

  it('serves a group through grsim/serve in both projects (sql.js loads from the installed package)', async () => {
    for (const dir of [esm, cjs]) {
      const { stdout } = await sh('node', [join('out', 'serve-smoke.js')], dir);
      expect(stdout).toBe('node1,node2,node3 0 10 8.0.21\n');
    }
  });

  it('runs fc.property(faultSchedule()) in both projects, each against its own fast-check build', async () => {
    for (const dir of [esm, cjs]) {
      const { stdout } = await sh('node', [join('out', 'fast-check-property.js')], dir);
      expect(stdout).toBe('name: counterexample\n20\n');
    }
  });

  it('runs the vitest examples with vitest in the ES module project', async () => {
    const { stdout } = await sh('node', [join('node_modules', 'vitest', 'vitest.mjs'), 'run', '--dir', 'src'], esm);
    expect(stdout).toMatch(/Tests\s+\d+ passed/);
  }, 120_000);

  it('runs the CLI through npx in both projects', async () => {
    const version = await sh('npx', ['grsim', '--version'], cjs);
    expect(version.stdout.trim()).toContain(PKG.version);
    const { stdout } = await sh('npx', ['grsim', 'run', 'node_modules/grsim/scenarios/seed-case.yaml', '--format', 'json'], esm);
    const report = JSON.parse(stdout) as { scenario: string; log: { code: string }[] };
    expect(report.scenario).toBe('seed-case');
    expect(report.log.some((l) => l.code === 'MY-011499')).toBe(true);
  });
});
