import type { SimEvent } from '../events.js';

/** Numeric part of a view id `<fixed>:<n>`; NaN when malformed. */
export function viewNumber(viewId: string): number {
  const k = viewId.lastIndexOf(':');
  return k < 0 ? NaN : Number(viewId.slice(k + 1));
}

/** Fixed part of a view id `<fixed>:<n>` (the whole id when it has no colon). */
export function viewPrefix(viewId: string): string {
  const k = viewId.lastIndexOf(':');
  return k < 0 ? viewId : viewId.slice(0, k);
}

/** Whether a `flags` or `network` event says member `name`'s server stopped (crash, ABORT_SERVER). */
export function serverStopped(e: SimEvent): string | null {
  if (e.type === 'flags' && !e.running) return e.member;
  if (e.type === 'network' && e.action === 'crash') return e.detail;
  return null;
}
