import { ConfigError } from '../errors.js';

/**
 * Accounts `grsim serve` accepts besides root, as a scenario file or serve() lists them. Only the
 * façade uses them; a run ignores them.
 */

/** Authentication plugins the façade speaks, named as MySQL names them. */
export type AuthPluginName = 'caching_sha2_password' | 'mysql_native_password';
export const AUTH_PLUGIN_NAMES: readonly AuthPluginName[] = ['caching_sha2_password', 'mysql_native_password'];

export function isAuthPluginName(name: unknown): name is AuthPluginName {
  return (AUTH_PLUGIN_NAMES as readonly unknown[]).includes(name);
}

/** An account clients may log in as. */
export interface ServeAccount {
  readonly user: string;
  /** The clear password ('' for none). */
  readonly password: string;
  /** The plugin the account authenticates with. @defaultValue the server's default plugin (caching_sha2_password) */
  readonly plugin?: AuthPluginName;
}

/** MySQL's longest user name in characters (include/mysql_com.h, USERNAME_CHAR_LENGTH). */
export const USERNAME_CHAR_LENGTH = 32;

/** Checks one account; errors name `field.user`, `field.password` or `field.plugin`. */
export function checkAccount(value: unknown, field: string): ServeAccount {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(field, 'must be an object { user, password, plugin? }', value);
  const { user, password, plugin, ...rest } = value as Record<string, unknown>;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) throw new ConfigError(`${field}.${extra}`, 'is not a known field; known fields are user, password, plugin', rest[extra]);
  if (typeof user !== 'string' || user.length === 0 || [...user].length > USERNAME_CHAR_LENGTH) {
    throw new ConfigError(`${field}.user`, `must be a non-empty string of at most ${USERNAME_CHAR_LENGTH} characters (MySQL's USERNAME_CHAR_LENGTH)`, user);
  }
  if (typeof password !== 'string') throw new ConfigError(`${field}.password`, "must be a string ('' for no password)", password);
  if (plugin !== undefined && !isAuthPluginName(plugin)) throw new ConfigError(`${field}.plugin`, `must be one of ${AUTH_PLUGIN_NAMES.join(', ')}`, plugin);
  return plugin === undefined ? { user, password } : { user, password, plugin };
}

/** Position of the first account whose user an earlier one has, -1 when none. */
export function firstRepeatedUser(accounts: readonly ServeAccount[]): number {
  const seen = new Set<string>();
  return accounts.findIndex((a) => (seen.has(a.user) ? true : (seen.add(a.user), false)));
}

/** Checks a list of accounts: each as checkAccount does, no user twice. */
export function checkAccounts(value: unknown, field: string): ServeAccount[] {
  if (!Array.isArray(value)) throw new ConfigError(field, 'must be a list of { user, password, plugin? }', value);
  const accounts = (value as unknown[]).map((item, i) => checkAccount(item, `${field}[${i}]`));
  const at = firstRepeatedUser(accounts);
  if (at >= 0) throw new ConfigError(`${field}[${at}].user`, 'must not repeat an earlier account', accounts[at]!.user);
  return accounts;
}
