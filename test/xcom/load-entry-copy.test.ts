// A decided 'load' entry is rewritten for a later batch once trimmed from the log (consensus.ts,
// trimLog / onDecided); a consumer that holds one past the upcall keeps copyLoadEntry's copy.
import { describe, expect, it } from 'vitest';
import { copyHeldEntry, copyLoadEntry, type LoadBatch, type LogEntry } from '../../src/xcom/log-entry.js';

function loadEntry(): LogEntry {
  const payload: LoadBatch = { transactions: 100, messages: 100, payloadBytes: 102_400, submittedSumUs: 5e8 };
  return {
    index: 7, kind: 'load', proposer: 0, decidedAtUs: 1_000, bytes: 102_400, configId: -1, mask: 0, config: null, payload,
    firstMsgno: 9, msgnos: 1, cacheSlots: 3, cacheBytes: 104_000, acceptors: 7, acceptedAtUs: 600,
  };
}

describe('copyLoadEntry', () => {
  it('keeps the values it was taken with when the original entry and its batch are rewritten', () => {
    const original = loadEntry();
    const copy = copyLoadEntry(original);
    expect(copy).toEqual(original);
    // What onDecided does to a reused entry.
    const w = original as { -readonly [K in keyof LogEntry]: LogEntry[K] };
    w.index = 4_103;
    (original.payload as { transactions: number }).transactions = 55;
    expect(copy.index).toBe(7);
    expect((copy.payload as LoadBatch).transactions).toBe(100);
    expect(copy.payload).not.toBe(original.payload);
  });
});

describe('copyHeldEntry', () => {
  it('copies any entry, and a load entry with its batch', () => {
    const stats: LogEntry = { ...loadEntry(), kind: 'gr', payload: Object.freeze({ flowControlStats: true }) };
    const copy = copyHeldEntry(stats);
    expect(copy).toEqual(stats);
    (stats as { index: number }).index = 4_103;
    expect(copy.index).toBe(7);
    expect(copy.payload).toBe(stats.payload);
    const load = loadEntry(), loadCopy = copyHeldEntry(load);
    (load.payload as { transactions: number }).transactions = 55;
    expect((loadCopy.payload as LoadBatch).transactions).toBe(100);
  });
});
