import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { Spool } from '../report/report-spool.js';

/**
 * Characters a spool gathers before it writes them to its file. They are held as the small strings
 * they were written in (a report entry's JSON re-indented into a rope of slices, and its separator),
 * about five bytes of heap per character: 64 Ki characters keep a spool under about 350 KB, where
 * 1 Mi kept up to 5 MB each and a streamed report's heap rose and fell by up to 20 MB with the
 * seven spools' fill (bench/long-run-memory.mjs, docs/speed.md).
 */
const WRITE_CHUNK = 1 << 16;
/** Bytes a spool reads back from its file at once when it drains. */
const READ_CHUNK = 1 << 20;

/**
 * Spools backed by temporary files, for a streamed report: a spool holds at most about WRITE_CHUNK
 * characters in memory, whatever the length of the run. Each file is unlinked as soon as it is
 * open (it lives on through its descriptor), so a run killed by a signal, which runs no cleanup,
 * leaves nothing behind; where an open file cannot be unlinked (Windows) it is removed by
 * `dispose`, which closes them all (call it in a finally).
 */
export function fileSpools(): { spool: () => Spool; dispose: () => void } {
  const fds: number[] = [];
  const leftovers: string[] = [];
  const spool = (): Spool => {
    const dir = mkdtempSync(join(tmpdir(), 'grsim-report-'));
    const file = join(dir, 'spool');
    const fd = openSync(file, 'w+');
    fds.push(fd);
    try {
      rmSync(dir, { recursive: true });
    } catch {
      leftovers.push(dir);
    }
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
        if (pendingChars >= WRITE_CHUNK) flush();
      },
      get empty() { return empty; },
      drain: (out) => {
        flush();
        const buf = Buffer.allocUnsafe(READ_CHUNK);
        // A UTF-8 character may straddle two reads: the decoder holds its first bytes back.
        const decoder = new StringDecoder('utf8');
        for (let pos = 0; ;) {
          const n = readSync(fd, buf, 0, READ_CHUNK, pos);
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
    for (const dir of leftovers.splice(0)) rmSync(dir, { recursive: true, force: true });
  };
  return { spool, dispose };
}
