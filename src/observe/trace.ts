import type { SimEvent } from './events.js';

/** Serialises a trace one JSON object per line; the same seed and inputs give the same bytes. */
export function traceToJsonLines(events: readonly SimEvent[]): string {
  let out = '';
  for (const e of events) out += JSON.stringify(e) + '\n';
  return out;
}

/** FNV-1a 32-bit hash of the serialised trace: a cheap determinism fingerprint. */
export function traceHash(events: readonly SimEvent[]): string {
  const s = traceToJsonLines(events);
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
