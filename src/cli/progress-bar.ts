/** What a progress bar needs from the process (bound in main.ts, faked in tests). */
export interface ProgressIo {
  readonly stderr: (text: string) => void;
  /** Whether stderr is a terminal: the bar draws only then (never into a pipe, a log file or CI). */
  readonly isTty: boolean;
  /** Monotonic milliseconds, for the elapsed time and the rate only (never inside a simulation). */
  readonly nowMs: () => number;
}

export interface ProgressBar {
  /** `done` of the total units are finished; `detail` (e.g. "1 failed") is shown after the count. */
  update(done: number, detail?: string): void;
  /** Draws the last state and ends the line (the bar stays on screen above what follows). */
  finish(): void;
}

/** Width of the bar in characters. */
const BAR_WIDTH = 30;
/** Redraws closer together than this are skipped (a terminal cannot show them anyway). */
const REDRAW_INTERVAL_MS = 100;

/** One line: `[#####.........] 12/100 runs, 1 failed, 3.4 s, 212 runs/min`. */
export function formatProgress(done: number, total: number, unit: string, elapsedMs: number, detail?: string): string {
  const filled = Math.min(BAR_WIDTH, Math.round((done / Math.max(1, total)) * BAR_WIDTH));
  const perMin = elapsedMs > 0 ? Math.round(done / (elapsedMs / 60_000)) : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${done}/${total} ${unit}` +
    `${detail === undefined ? '' : `, ${detail}`}, ${(elapsedMs / 1000).toFixed(1)} s, ${perMin} ${unit}/min`;
}

/** A count with no known total (`sizing: 12 runs so far, 3.4 s, 212 runs/min`): work whose length only the work finds out. */
export function formatCount(label: string, done: number, unit: string, elapsedMs: number): string {
  const perMin = elapsedMs > 0 ? Math.round(done / (elapsedMs / 60_000)) : 0;
  return `${label}: ${done} ${unit} so far, ${(elapsedMs / 1000).toFixed(1)} s, ${perMin} ${unit}/min`;
}

/**
 * The one progress bar of the command line (explore, cache-size --sweep): redraws one stderr line
 * with a carriage return while stderr is a terminal, and writes nothing at all otherwise, so
 * piped output, logs and CI stay free of it.
 */
export function startProgressBar(io: ProgressIo, total: number, unit?: string): ProgressBar;
/** With `total` null: a running count after `label` instead of a bar (formatCount). */
export function startProgressBar(io: ProgressIo, total: null, unit: string, label: string): ProgressBar;
export function startProgressBar(io: ProgressIo, total: number | null, unit = 'runs', label = ''): ProgressBar {
  const startMs = io.nowMs();
  let lastDrawMs = Number.NEGATIVE_INFINITY;
  let lastDone = 0;
  let lastDetail: string | undefined;
  /** The last update is not on screen yet (skipped to keep redraws apart), or nothing is. */
  let pending = true;
  const draw = (nowMs: number): void => {
    io.stderr(`\r${total === null ? formatCount(label, lastDone, unit, nowMs - startMs) : formatProgress(lastDone, total, unit, nowMs - startMs, lastDetail)}`);
    lastDrawMs = nowMs;
    pending = false;
  };
  return {
    update(done, detail) {
      if (!io.isTty) return;
      lastDone = done;
      lastDetail = detail;
      const nowMs = io.nowMs();
      pending = true;
      if ((total !== null && done >= total) || nowMs - lastDrawMs >= REDRAW_INTERVAL_MS) draw(nowMs);
    },
    finish() {
      if (!io.isTty) return;
      if (pending) draw(io.nowMs());
      io.stderr('\n');
    },
  };
}
