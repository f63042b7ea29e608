import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { Spool } from '../report/report-spool.js';

/** Characters a spool gathers before it writes them to its file (and bytes it reads back at once). */
const CHUNK = 1 << 20;

/**
 * Spools backed by files in one temporary directory, for a streamed report: a spool holds at most
 * about CHUNK characters in memory, whatever the length of the run. `dispose` closes and removes
 * them all (call it in a finally).
 */
export function fileSpools(): { spool: () => Spool; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'grsim-report-'));
  const fds: number[] = [];
  const spool = (): Spool => {
    const fd = openSync(join(dir, String(fds.length)), 'w+');
    fds.push(fd);
    let pending: string[] = [];
    let pendingChars = 0;
    let empty = true;
    const flush = (): void => {
      if (pendingChars === 0) return;
      writeSync(fd, pending.join(''));
      pending = [];
      pendingChars = 0;
    };
    return {
      write: (text) => {
        if (text === '') return;
        empty = false;
        pending.push(text);
        pendingChars += text.length;
        if (pendingChars >= CHUNK) flush();
      },
      get empty() { return empty; },
      drain: (out) => {
        flush();
        const buf = Buffer.allocUnsafe(CHUNK);
        // A UTF-8 character may straddle two reads: the decoder holds its first bytes back.
        const decoder = new StringDecoder('utf8');
        for (let pos = 0; ;) {
          const n = readSync(fd, buf, 0, CHUNK, pos);
          if (n === 0) break;
          pos += n;
          const text = decoder.write(buf.subarray(0, n));
          if (text !== '') out(text);
        }
        const rest = decoder.end();
        if (rest !== '') out(rest);
      },
    };
  };
  const dispose = (): void => {
    for (const fd of fds.splice(0)) closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  };
  return { spool, dispose };
}
