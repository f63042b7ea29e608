import { describe, expect, it } from 'vitest';
import { parseScenario, ScenarioError } from '../../src/index.js';
import { resolveAccounts } from '../../src/serve/serve.js';
import { ConfigError } from '../../src/errors.js';

const HEAD = 'members: [node1, node2, node3]\n';

function scenarioError(text: string): ScenarioError {
  try {
    parseScenario(text, 'serve.yaml');
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error('expected a ScenarioError');
}

describe('accounts in a scenario file (for grsim serve)', () => {
  it('are parsed, in file order, and absent when the file lists none', () => {
    const s = parseScenario(`${HEAD}accounts:\n  - { user: app, password: pw }\n  - { user: old, password: x, plugin: mysql_native_password }\n`, 'serve.yaml');
    expect(s.accounts).toEqual([{ user: 'app', password: 'pw' }, { user: 'old', password: 'x', plugin: 'mysql_native_password' }]);
    expect(parseScenario(HEAD, 'serve.yaml').accounts).toBeUndefined();
  });

  it('name the field, the rule, the value and the line of a mistake', () => {
    const plugin = scenarioError(`${HEAD}accounts:\n  - { user: app, password: pw }\n  - { user: b, password: x, plugin: sha256_password }\n`);
    expect(plugin.message).toBe('serve.yaml:4: accounts[1].plugin must be one of caching_sha2_password, mysql_native_password, got "sha256_password"');
    const twice = scenarioError(`${HEAD}accounts:\n  - { user: app, password: pw }\n  - { user: app, password: x }\n`);
    expect(twice.message).toBe('serve.yaml:4: accounts[1].user must not repeat an earlier account, got "app"');
    const long = scenarioError(`${HEAD}accounts: [{ user: ${'u'.repeat(33)}, password: '' }]\n`);
    expect(long.message).toContain("accounts[0].user must be a non-empty string of at most 32 characters (MySQL's USERNAME_CHAR_LENGTH)");
    const numeric = scenarioError(`${HEAD}accounts: [{ user: a, password: 123 }]\n`);
    expect(numeric.message).toContain("accounts[0].password must be a string ('' for no password), got 123");
  });

  it('serve() adds root with an empty password unless an account named root replaces it', () => {
    const map = resolveAccounts([{ user: 'app', password: 'pw' }], 'caching_sha2_password');
    expect([...map.values()]).toEqual([
      { user: 'root', password: '', plugin: 'caching_sha2_password' }, { user: 'app', password: 'pw', plugin: 'caching_sha2_password' },
    ]);
    expect(resolveAccounts([{ user: 'root', password: 'r', plugin: 'mysql_native_password' }], 'caching_sha2_password').get('root'))
      .toEqual({ user: 'root', password: 'r', plugin: 'mysql_native_password' });
    expect(() => resolveAccounts({ user: 'x' }, 'caching_sha2_password')).toThrow(ConfigError);
  });
});
