import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';

/**
 * docs/report.schema.json is the consumers' schema: it accepts fields it does not describe and
 * requires only what a reportVersion 1 report has always had (docs/report-format.md, "Additions").
 * The project's own tests check grsim's output with a stricter copy (`strictReportSchema`): every
 * object that lists its properties is closed (`additionalProperties: false`), so a field grsim
 * writes but the schema does not describe fails, and the fields added since reportVersion 1 first
 * shipped are required again, since grsim always writes them now.
 */
export const REPORT_SCHEMA = JSON.parse(readFileSync(new URL('../../docs/report.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;

/** A field added to the report after reportVersion 1 first shipped (grsim 0.1.0): optional in the shipped schema. */
export interface LaterField {
  /** Path of the object schema that declares it, as keys into docs/report.schema.json. */
  readonly schema: readonly string[];
  readonly field: string;
  /** Where the field sits in a report: `[]` an array's items, `{}` a map's values. */
  readonly report: readonly string[];
  /** The commit that added it to the schema. */
  readonly commit: string;
}

const later = (schema: readonly string[], report: readonly string[], commit: string, ...fields: string[]): LaterField[] =>
  fields.map((field) => ({ schema, field, report, commit }));

/**
 * Every field whose object was in the report before the field was (git log -p docs/report.schema.json;
 * grsim 0.1.0 is b9b9508). Fields of an object that arrived whole after 0.1.0 (the members of
 * `faults[]`, of `metrics`…) stay required inside it.
 */
export const LATER_FIELDS: readonly LaterField[] = [
  ...later([], [''], '07af88c', 'faults', 'metrics', 'flags', 'suspicions'),
  ...later(['properties', 'cache', 'items'], ['cache[]'], '07af88c', 'limit'),
  ...later([], [''], '838923b', 'warnings'),
  ...later(['properties', 'metrics', 'properties', 'writes'], ['metrics.writes'], '2f604f7', 'workload'),
  ...later(['definitions', 'memberStatus'], ['snapshots[]', 'final{}'], 'c8d3e4c', 'memberStats', 'communicationInformation'),
  ...later(['definitions', 'memberStatus'], ['snapshots[]', 'final{}'], 'a5192f3', 'gtidExecuted'),
  ...later(['properties', 'metrics'], ['metrics'], 'a5192f3', 'failovers', 'timeToWritable'),
  ...later(['properties', 'cache', 'items'], ['cache[]'], 'ece6e09', 'peakBytes'),
  ...later(['properties', 'writes', 'items'], ['writes[]'], 'b0f781a', 'consistency'),
  ...later(['properties', 'workload', 'additionalProperties'], ['workload{}'], '5489a7d', 'rolledBack'),
  ...later(['properties', 'metrics', 'properties', 'writes', 'properties', 'workload'], ['metrics.writes.workload'], '5489a7d', 'rolledBack'),
  ...later(['properties', 'metrics'], ['metrics'], 'bd63d45', 'leaves'),
  ...later(['properties', 'metrics'], ['metrics'], '46022ad', 'groupWriteUnavailable'),
  ...later(['properties', 'metrics', 'properties', 'majority', 'items'], ['metrics.majority[]'], '9ff4a87', 'ended', 'endedBy'),
  ...later(['properties', 'metrics', 'properties', 'leaves', 'items'], ['metrics.leaves[]'], '5db0508', 'cause'),
];

type Json = Record<string, unknown>;

export function schemaAt(schema: Json, path: readonly string[]): Json {
  let node: unknown = schema;
  for (const key of path) node = (node as Json)[key];
  if (node === null || typeof node !== 'object') throw new Error(`no object schema at ${path.join('/')}`);
  return node as Json;
}

/** The definition a `{ $ref: "#/definitions/x" }` names. */
function definition(root: Json, ref: unknown): Json {
  const m = typeof ref === 'string' ? /^#\/definitions\/([^/]+)$/.exec(ref) : null;
  if (m === null) throw new Error(`unexpected $ref ${String(ref)}`);
  return schemaAt(root, ['definitions', m[1]!]);
}

/** Each object schema in `node`, depth first (children before their parent, so an `allOf` inlines its closed parts' lists). */
function eachSchema(node: unknown, visit: (s: Json) => void): void {
  if (Array.isArray(node)) { for (const x of node) eachSchema(x, visit); return; }
  if (node === null || typeof node !== 'object') return;
  for (const value of Object.values(node)) eachSchema(value, visit);
  visit(node as Json);
}

/** The shipped schema with the later fields required and every object with listed properties closed. */
export function strictReportSchema(shipped: Json = REPORT_SCHEMA): Json {
  const root = structuredClone(shipped);
  for (const f of LATER_FIELDS) {
    const object = schemaAt(root, f.schema);
    object.required = [...new Set([...(object.required as string[] | undefined ?? []), f.field])];
  }
  eachSchema(root, (s) => {
    if (s.properties === undefined || typeof s.properties !== 'object') return;
    // An object built from a definition (`allOf: [{ $ref }]` plus its own properties): draft-07 can
    // only close it once the definition's properties and required fields are its own.
    if (Array.isArray(s.allOf)) {
      for (const part of s.allOf as Json[]) {
        const d = definition(root, part.$ref);
        s.properties = { ...(d.properties as Json), ...(s.properties as Json) };
        s.required = [...new Set([...(d.required as string[] | undefined ?? []), ...(s.required as string[] | undefined ?? [])])];
      }
      delete s.allOf;
    }
    if (s.additionalProperties === undefined) s.additionalProperties = false;
  });
  return root;
}

/** grsim's own reports: checked against the strict copy. */
export const validateReport: ValidateFunction = new Ajv({ allErrors: true }).compile(strictReportSchema());

/** A consumer's check: the shipped schema as it is. */
export const validateShippedReport: ValidateFunction = new Ajv({ allErrors: true }).compile(REPORT_SCHEMA);

/** A copy of `report` without the field at `path` (`[]` every item of an array, `{}` every value of a map). */
export function withoutField(report: unknown, path: string, field: string): unknown {
  const copy = structuredClone(report);
  const steps = path === '' ? [] : path.split(/(?=\[\]|\{\})|\./).filter((s) => s !== '');
  const drop = (node: unknown, i: number): void => {
    if (node === null || typeof node !== 'object') return;
    if (i === steps.length) { delete (node as Json)[field]; return; }
    const step = steps[i]!;
    if (step === '[]') for (const x of node as unknown[]) drop(x, i + 1);
    else if (step === '{}') for (const x of Object.values(node)) drop(x, i + 1);
    else drop((node as Json)[step], i + 1);
  };
  drop(copy, 0);
  return copy;
}
