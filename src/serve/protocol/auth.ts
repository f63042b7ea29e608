import { createHash, timingSafeEqual } from 'node:crypto';
/**
 * Checking a client's scrambled password against the clear password the façade knows. The
 * client proves it knows the password without sending it, by mixing it with the server's nonce.
 */

import type { AuthPluginName } from '../../scenario/scenario-accounts.js';

function digest(algorithm: 'sha1' | 'sha256', ...parts: Buffer[]): Buffer {
  const h = createHash(algorithm);
  for (const p of parts) h.update(p);
  return h.digest();
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i % b.length]!;
  return out;
}

/**
 * What a client sends for `password` under `plugin` with this nonce.
 * mysql_native_password: SHA1(pw) XOR SHA1(nonce, SHA1(SHA1(pw))) (sql/auth/password.cc, scramble / check_scramble).
 * caching_sha2_password: SHA256(pw) XOR SHA256(SHA256(SHA256(pw)), nonce) (sql/auth/sha2_password_common.cc,
 * generate_sha256_scramble / validate_sha256_scramble).
 * An empty password is sent as an empty response by both.
 */
export function expectedScramble(plugin: AuthPluginName, password: string, nonce: Buffer): Buffer {
  if (password === '') return Buffer.alloc(0);
  const pw = Buffer.from(password, 'utf8');
  if (plugin === 'mysql_native_password') {
    const stage1 = digest('sha1', pw);
    return xor(stage1, digest('sha1', nonce, digest('sha1', stage1)));
  }
  const stage1 = digest('sha256', pw);
  return xor(stage1, digest('sha256', digest('sha256', stage1), nonce));
}

/** Whether the client's `response` proves `password`. A single NUL byte counts as empty, as MySQL reads it. */
export function scrambleMatches(plugin: AuthPluginName, password: string, nonce: Buffer, response: Buffer): boolean {
  const given = response.length === 1 && response[0] === 0 ? Buffer.alloc(0) : response;
  const expected = expectedScramble(plugin, password, nonce);
  return given.length === expected.length && (expected.length === 0 || timingSafeEqual(given, expected));
}
