/**
 * Text a streamed report has produced but cannot write yet, because the sections before it in the
 * report are still growing (a member's error log, the report's `cache` series). The report layer
 * does no I/O: the command line backs a spool with a temporary file, tests and the API with memory.
 */
export interface Spool {
  /** Appends text. */
  write(text: string): void;
  /** Whether nothing was written. */
  readonly empty: boolean;
  /** Passes everything written so far to `out`, in order and in pieces, once writing is over. */
  drain(out: (text: string) => void): void;
}

/** A spool that keeps its text in memory (for a run whose report is held in memory anyway). */
export function memorySpool(): Spool {
  const parts: string[] = [];
  return {
    write: (text) => { if (text !== '') parts.push(text); },
    get empty() { return parts.length === 0; },
    drain: (out) => { for (const p of parts) out(p); },
  };
}
