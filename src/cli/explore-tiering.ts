import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/**
 * V8 tiering for `grsim explore` (issue 15; docs/speed.md, "Less compilation
 * behind one job"). An exploration runs the simulator thousands of times per thread, and with V8's
 * default tiering its compiler threads run for a large share of the main thread's time, so with two
 * jobs on two cores each job's compilation takes time from the other. Inlining at most 460
 * bytecodes into an optimised function (default 920) and a 4× interrupt budget (a function runs
 * longer before it is optimised) leave the results the same and, on the idle 2-core machine, took
 * `bench/explore.mjs` from 3,578 to 4,359–4,782 runs/min with one job and from 5,443 to
 * 6,317–6,844 with two (docs/speed.md). `--always-sparkplug` compiles each
 * function to Sparkplug's baseline code on its first call instead of interpreting its bytecode
 * first: every job warms up on its own, so the interpreted warm-up is paid once per job, and with
 * two jobs it cost them 6–8 % more CPU in all than baseline code from the start; with the flag two
 * jobs ran about 10 % more runs per minute on the quiet 2-core VM (1.58× one job on the means of
 * six pairs, from 1.43×) and one job as many as before (docs/speed.md, "Baseline
 * code from the first call").
 * Node takes V8 flags only at
 * start-up (changing them later with `v8.setFlagsFromString` is documented as possibly
 * unpredictable), so the binary runs explore in a child node process started with them; the
 * library's `explore` leaves its caller's process alone.
 */
export const EXPLORE_V8_FLAGS: readonly string[] = ['--max-inlined-bytecode-size-cumulative=460', '--interrupt-budget=270336', '--always-sparkplug'];

/** Whether this process was started with the explore tiering flags. */
export function hasExploreTiering(execArgv: readonly string[]): boolean {
  return EXPLORE_V8_FLAGS.every((f) => execArgv.includes(f));
}

const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Runs `script args` in a child node process with the tiering flags and resolves with its exit
 * status (128 + the signal's number when a signal ended it, as a shell reports it). The child gets
 * its own process group, so a Ctrl-C in the terminal reaches this process alone, which passes each
 * signal on once: explore's graceful stop (finish the chunk, complete the --out file) is not cut
 * short by a second copy of the same signal.
 */
export function rerunWithExploreTiering(script: string, args: readonly string[], onError: (message: string) => void): Promise<number> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [...process.execArgv, ...EXPLORE_V8_FLAGS, script, ...args], { stdio: 'inherit', detached: true });
    const handlers = FORWARDED_SIGNALS.map((signal) => {
      const pass = (): void => { child.kill(signal); };
      process.on(signal, pass);
      return { signal, pass };
    });
    const finish = (status: number): void => {
      for (const h of handlers) process.off(h.signal, h.pass);
      done(status);
    };
    child.once('error', (e) => {
      onError(`grsim explore: could not start node (${process.execPath}) with the explore tiering flags: ${e.message}\n`);
      finish(1);
    });
    child.once('exit', (code, signal) => {
      finish(code ?? (signal === null ? 1 : 128 + (constants.signals[signal] ?? 0)));
    });
  });
}
