/**
 * Mutated scenario files for the input fuzzer (test/validation/fuzz-scenarios.test.ts): valid
 * files with fields deleted, values swapped for other types, huge strings, Object.prototype
 * names, impossible dates, negative and huge numbers, duplicated keys and lines, and unicode.
 */
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { DEFAULT_MODEL_PARAMETERS, OPTION_NAMES, SCENARIO_VERBS } from '../../src/index.js';

/** Valid files the mutations start from: every verb, a workload, per-member options, model, limits. */
export const BASE_FILES: readonly string[] = [
  `name: seed-like
seed: 7
version: "8.0.21"
start: "2022-07-31T13:02:50Z"
mode: multi-primary
members:
  - { name: node1, host: 192.168.244.10, port: 3306, uuid: 207db264-0192-11ed-92c9-02001700754e }
  - { name: node2, host: 192.168.244.20, port: 3306 }
  - { name: node3, host: 192.168.244.30, port: 3306 }
events:
  - { at: "13:03:01", isolate: node3 }
  - { at: "13:03:20", write: { member: node3 } }
  - { at: "13:03:40", heal: node3 }
until: "13:04:00"
`,
  `seed: abc
version: "8.4"
mode: single-primary
members: [a, b, c, d, e]
options: { group_replication_member_expel_timeout: 2, group_replication_autorejoin_tries: 1, group_replication_exit_state_action: OFFLINE_MODE }
memberOptions: { b: { group_replication_member_weight: 90 }, e: { group_replication_unreachable_majority_timeout: 20 } }
network: { latency: 0.3ms, jitter: 0.1ms, loss: 0.01, blackholeClose: 30s }
model: { gcsEngineDelayUs: 300us, catchUpMsgnosPerRoundTrip: 5 }
events:
  - { at: "+5s", partition: [[a, b, c], [d, e]] }
  - { at: "+10s", cut: { from: a, to: b } }
  - { at: "+12s", set: { member: all, option: group_replication_member_expel_timeout, value: 1 } }
  - { at: "+15s", freeze: c }
  - { at: "+20s", thaw: c }
  - { at: "+25s", crash: d }
  - { at: "+30s", restore: { from: a, to: b } }
  - { at: "+31s", repair: all }
  - { at: "+40s", restart: d }
  - { at: "+45s", link: { from: a, to: b, latency: 5ms, jitter: 1ms, loss: 0.1 } }
  - { at: "+46s", restore: all }
until: "+60s"
limits: { traceEvents: 500000 }
`,
  `version: "8.0.20"
start: "2024-02-29T23:59:00Z"
mode: multi-primary
members:
  - { name: node1, host: db, xcomPort: 33061 }
  - { name: node2, host: db }
  - node3
workload:
  - { member: node1, rate: 200/s, size: 4KiB, from: "+1s", to: "+20s", burst: { every: 5s, for: 1s, rate: 400/s } }
  - { member: node2, rate: 50/s, size: { uniform: [512B, 8KiB] }, clients: 4, compressionRatio: 3 }
  - { member: node3, rate: 10, size: { list: [1KB, 2KiB] } }
  - { member: node1, at: "+10s", transaction: { size: 20MiB, compressionRatio: 1 } }
events:
  - { at: "+8s", isolate: node2 }
  - { at: "+15s", heal: all }
  - { at: "+16s", write: { member: node1, count: 3 } }
until: "+30s"
`,
];

const PROTO_NAMES = ['constructor', 'toString', 'valueOf', '__proto__', 'hasOwnProperty', 'isPrototypeOf', 'prototype', '__defineGetter__'];
const ODD_TIMES = [
  '2022-02-30T13:03:01Z', '2022-02-31T00:00:00Z', '2023-02-29T00:00:00Z', '2022-07-31T24:00:00Z', '2022-13-01T00:00:00Z',
  '9999-12-31T23:59:59Z', '0000-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '2022-07-31T13:03:01.1234567Z', '2022-07-31T13:03:60Z',
  '24:00:00', '23:59:60', '13:03:01.0000001', '+0s', '-5s', '+1e9s', '+604800s', '+604801s', '+7d', '+9007199254740993us', '+0.0000001s', '+ 5s', '13:03',
];
const ODD_NUMBERS = [-1, 0, 1, -0.5, 0.999999, 1.5, 65535, 65536, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e308, -1e308, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
const HUGE_STRINGS = ['x'.repeat(100_000), 'n'.repeat(65), 'h'.repeat(256), 'é'.repeat(64), '\u{1F600}'.repeat(40), `${'ab'.repeat(40_000)}/s`, `${'9'.repeat(400)}s`];
const KNOWN_WORDS = [
  'all', 'node1', 'node2', 'a', 'b', 'members', 'events', 'at', 'until', 'start', 'seed', 'name', 'host', 'port', 'isolate', 'heal', 'freeze',
  'thaw', 'crash', 'restart', 'set', 'write', 'link', 'member', 'count', 'option', 'value', 'rate', 'size', 'limits', 'traceEvents',
  'ABORT_SERVER', 'READ_ONLY', 'ON', 'OFF', 'multi-primary', 'single-primary', '8.0.20', '8.0.21', '8.4', '5s', '1KiB', '+1s', '+59s', '13:03:30',
  ...OPTION_NAMES, ...Object.keys(DEFAULT_MODEL_PARAMETERS), ...SCENARIO_VERBS,
];

/** A value of some other type or shape than the one it replaces. */
export const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...PROTO_NAMES),
  fc.constantFrom(...ODD_TIMES),
  fc.constantFrom(...ODD_NUMBERS),
  fc.constantFrom(...HUGE_STRINGS),
  fc.constantFrom(...KNOWN_WORDS),
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.array(fc.constantFrom(...KNOWN_WORDS, ...PROTO_NAMES), { maxLength: 3 }),
  fc.dictionary(fc.constantFrom(...PROTO_NAMES, ...KNOWN_WORDS), fc.constantFrom<unknown>(1, 'x', null, ...KNOWN_WORDS), { maxKeys: 2 }),
);

/** One change to the parsed tree; `where` picks a node among all of them, modulo their count. */
type TreeMutation =
  | { readonly kind: 'replace'; readonly where: number; readonly value: unknown }
  | { readonly kind: 'delete'; readonly where: number }
  | { readonly kind: 'addKey'; readonly where: number; readonly key: string; readonly value: unknown }
  | { readonly kind: 'duplicateItem'; readonly where: number }
  | { readonly kind: 'copy'; readonly where: number; readonly from: number };

/** One change to the file's text after the tree is printed. */
type TextMutation =
  | { readonly kind: 'duplicateLine'; readonly where: number }
  | { readonly kind: 'deleteLine'; readonly where: number }
  | { readonly kind: 'truncate'; readonly where: number }
  | { readonly kind: 'insert'; readonly where: number; readonly text: string };

const where = fc.nat({ max: 10_000 });
const treeMutation: fc.Arbitrary<TreeMutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('replace' as const), where, value: oddValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), where }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('addKey' as const), where, key: fc.oneof(fc.constantFrom(...PROTO_NAMES, ...KNOWN_WORDS), fc.string({ maxLength: 6 })), value: oddValue }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicateItem' as const), where }) },
  // Another node's value of the same file: a member name where a time was, an event in the members list.
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('copy' as const), where, from: where }) },
);
const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  fc.record({ kind: fc.constant('duplicateLine' as const), where }),
  fc.record({ kind: fc.constant('deleteLine' as const), where }),
  fc.record({ kind: fc.constant('truncate' as const), where }),
  fc.record({ kind: fc.constant('insert' as const), where, text: fc.oneof(fc.constantFrom(':', '- ', '{', ']', '"', '&a ', '*a', '!!binary ', '\t', '%YAML 1.1\n', 'x'.repeat(100_000)), fc.string({ unit: 'grapheme', maxLength: 4 })) }),
);

/** A mutated file: a base file, some tree mutations, sometimes some text mutations. */
export const mutatedScenario: fc.Arbitrary<string> = fc.record({
  base: fc.nat({ max: BASE_FILES.length - 1 }),
  tree: fc.array(treeMutation, { minLength: 0, maxLength: 5 }),
  text: fc.array(textMutation, { maxLength: 2 }),
  json: fc.boolean(),
}).map(({ base, tree, text, json }) => {
  const data = parse(BASE_FILES[base]!, { version: '1.2' }) as unknown;
  let root = data;
  for (const m of tree) root = applyTree(root, m);
  let out = json ? JSON.stringify(root, null, 1) ?? 'null' : stringify(root, { version: '1.2', lineWidth: 0 });
  for (const m of text) out = applyText(out, m);
  return out;
});

interface Slot {
  readonly parent: Record<string, unknown> | unknown[] | null;
  readonly key: string | number;
  readonly value: unknown;
}

/** Every node of the tree (the root first), with where it hangs. */
function slots(root: unknown): Slot[] {
  const out: Slot[] = [{ parent: null, key: '', value: root }];
  for (let k = 0; k < out.length; k++) {
    const v = out[k]!.value;
    if (Array.isArray(v)) v.forEach((item, i) => out.push({ parent: v, key: i, value: item }));
    else if (v !== null && typeof v === 'object') for (const key of Object.keys(v)) out.push({ parent: v as Record<string, unknown>, key, value: (v as Record<string, unknown>)[key] });
  }
  return out;
}

function put(parent: Record<string, unknown> | unknown[], key: string | number, value: unknown): void {
  // defineProperty, so that a key named __proto__ becomes a field as YAML would make it.
  Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
}

function applyTree(root: unknown, m: TreeMutation): unknown {
  const all = slots(root);
  const s = all[m.where % all.length]!;
  if (m.kind === 'replace') {
    if (s.parent === null) return m.value;
    put(s.parent, s.key, m.value);
  } else if (m.kind === 'delete') {
    if (s.parent === null) return root;
    if (Array.isArray(s.parent)) s.parent.splice(s.key as number, 1);
    else delete s.parent[s.key as string];
  } else if (m.kind === 'addKey') {
    const target = [s, ...all].find((x) => x.value !== null && typeof x.value === 'object' && !Array.isArray(x.value));
    if (target !== undefined) put(target.value as Record<string, unknown>, m.key, m.value);
  } else if (m.kind === 'copy') {
    if (s.parent !== null) put(s.parent, s.key, structuredClone(all[m.from % all.length]!.value));
  } else {
    const list = [s, ...all].find((x) => Array.isArray(x.value) && x.value.length > 0);
    if (list !== undefined) {
      const arr = list.value as unknown[];
      arr.push(structuredClone(arr[m.where % arr.length]));
    }
  }
  return root;
}

function applyText(text: string, m: TextMutation): string {
  const lines = text.split('\n');
  const i = m.where % Math.max(1, lines.length);
  if (m.kind === 'duplicateLine') lines.splice(i, 0, lines[i] ?? '');
  else if (m.kind === 'deleteLine') lines.splice(i, 1);
  else if (m.kind === 'truncate') return text.slice(0, m.where % (text.length + 1));
  else {
    const at = m.where % (text.length + 1);
    return text.slice(0, at) + m.text + text.slice(at);
  }
  return lines.join('\n');
}
