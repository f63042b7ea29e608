import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulation } from '../../src/index.js';
import { serve, type ServeHandle } from '../../src/serve/serve.js';
import { testStatementEngine, type TestEngine } from '../helpers/test-statement-engine.js';
import { MARIADB, MARIADB_ADMIN as ADMIN, runProcess as run } from './serve-harness.js';

/**
 * Debian's mariadb command-line client (package mariadb-client; .ci/run installs it) against the
 * façade. Skipped, saying so, only where the binary is absent locally.
 */
if (MARIADB === undefined) console.warn('test/serve/mariadb-client.test.ts: skipped, no mariadb client binary (apt-get install mariadb-client; .ci/run installs it)');

describe.skipIf(MARIADB === undefined)('the mariadb command-line client', () => {
  let handle: ServeHandle;
  let engine: TestEngine;
  const args = (member: string, user = 'root', password?: string): string[] =>
    ['--protocol=TCP', '-h', '127.0.0.1', '-P', String(handle.ports[member]), '-u', user, ...(password === undefined ? [] : [`-p${password}`]), '--skip-ssl', '--batch'];

  beforeAll(async () => {
    const sim = createSimulation({ seed: 1, members: ['node1', 'node2', 'node3'] });
    engine = testStatementEngine(sim);
    handle = await serve(sim, {
      engine, portBase: 0, testDriven: true,
      accounts: [{ user: 'sha', password: 's3cret' }, { user: 'native', password: 'n4tive', plugin: 'mysql_native_password' }],
    });
  });
  afterAll(async () => { await handle.close(); });

  it('runs a query and prints the result set as tab-separated text', async () => {
    const r = await run(MARIADB!, [...args('node2'), '-e', 'SELECT * FROM t']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('id\tname\tscore\tnote\n1\tnode1\t1.5\tNULL\n2\tünïcødé ✓\t-0.25\tx\n3\t\t1e+21\t\n');
  });

  it('logs in with caching_sha2_password and with mysql_native_password accounts', async () => {
    for (const [user, password] of [['sha', 's3cret'], ['native', 'n4tive']] as const) {
      const r = await run(MARIADB!, [...args('node1', user, password), '-N', '-e', 'SELECT @@hostname']);
      expect(`${r.code} ${r.stderr}`, user).toBe('0 ');
      expect(r.stdout).toBe('node1\n');
    }
  });

  it('prints ERROR 1045 (28000) for a wrong password and exits 1', async () => {
    const r = await run(MARIADB!, [...args('node1', 'native', 'bad'), '-e', 'SELECT 1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("ERROR 1045 (28000): Access denied for user 'native'@'localhost' (using password: YES)");
  });

  it('prints the engine\'s error with its code and SQLSTATE', async () => {
    const r = await run(MARIADB!, [...args('node3'), '-e', 'SELEKT 1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("ERROR 1064 (42000) at line 1: You have an error in your SQL syntax near 'SELEKT 1'");
  });

  it('connects to a database (-D) and changes it with USE (COM_INIT_DB)', async () => {
    const before = engine.opened.length;
    const r = await run(MARIADB!, [...args('node3'), '-D', 'mysql', '-e', 'USE performance_schema; SELECT 1']);
    expect(`${r.code} ${r.stderr}`).toBe('0 ');
    expect(engine.opened.slice(before)).toMatchObject([{ member: 'node3', user: 'root', database: 'mysql' }]);
    const bad = await run(MARIADB!, [...args('node3'), '-e', 'USE nosuch']);
    expect(bad.stderr).toContain("ERROR 1049 (42000) at line 1: Unknown database 'nosuch'");
  });

  it.skipIf(ADMIN === undefined)('answers mariadb-admin ping (COM_PING)', async () => {
    const r = await run(ADMIN!, ['--protocol=TCP', '-h', '127.0.0.1', '-P', String(handle.ports.node1), '-u', 'root', '--skip-ssl', 'ping']);
    expect(`${r.code} ${r.stdout.trim()}`).toBe('0 mysqld is alive');
  });
});
