import { describe, expect, it } from 'vitest';
import { formatProgress, startProgressBar } from '../../src/cli/progress-bar.js';

function fakeIo(isTty: boolean, stepMs: number): { io: Parameters<typeof startProgressBar>[0]; out: () => string } {
  let text = '', clock = 0;
  return { io: { stderr: (t) => { text += t; }, isTty, nowMs: () => (clock += stepMs) }, out: () => text };
}

describe('progress bar', () => {
  it('formats the bar, the count, the detail, the elapsed time and the rate', () => {
    expect(formatProgress(50, 100, 'runs', 30_000, '1 failed')).toBe(`[${'#'.repeat(15)}${'.'.repeat(15)}] 50/100 runs, 1 failed, 30.0 s, 100 runs/min`);
    expect(formatProgress(0, 4, 'runs', 0)).toBe(`[${'.'.repeat(30)}] 0/4 runs, 0.0 s, 0 runs/min`);
  });

  it('writes nothing at all when stderr is not a terminal', () => {
    const { io, out } = fakeIo(false, 1000);
    const bar = startProgressBar(io, 3);
    for (let k = 1; k <= 3; k++) bar.update(k, `${k} failed`);
    bar.finish();
    expect(out()).toBe('');
  });

  it('on a terminal redraws one line with \\r, at most every 100 ms, always the last state, then ends the line', () => {
    const { io, out } = fakeIo(true, 30);
    const bar = startProgressBar(io, 10);
    for (let k = 1; k <= 8; k++) bar.update(k);
    bar.finish();
    const frames = out().split('\r').slice(1);
    expect(out().startsWith('\r')).toBe(true);
    expect(out().endsWith('\n')).toBe(true);
    // 8 updates 30 ms apart: 1 is drawn, 5 once 100 ms have passed, 8 (skipped when it came) at finish.
    expect(frames.map((f) => /\] (\d+)\/10 runs/.exec(f)![1])).toEqual(['1', '5', '8']);
  });

  it('draws the final count once even when it is reached between redraws', () => {
    const { io, out } = fakeIo(true, 1);
    const bar = startProgressBar(io, 2);
    bar.update(1);
    bar.update(2);
    bar.finish();
    expect(out().split('\r').slice(1).map((f) => /\] (\d)\/2/.exec(f)![1])).toEqual(['1', '2']);
  });
});
