import { Worker } from 'node:worker_threads';

/**
 * Where `grsim explore` gets its worker threads. A worker costs about 0.3 s of CPU before its
 * first chunk (a Node environment of its own, then the simulator's ~80 modules), and with the
 * worker started only once explore runs, the main thread was already simulating while it loaded:
 * about 0.2–0.4 s of one core lost at the start of every exploration. The binary starts them
 * before it loads its own modules (`prestartExploreWorkers`), so both load at once.
 */
export interface ExploreWorkerSource {
  /** `count` workers, each loading its modules and then waiting for its ExploreWorkerData message. */
  take(count: number): Worker[];
}

/** A worker thread of explore (src/cli/explore-worker.ts), started now. */
function startExploreWorker(): Worker {
  return new Worker(new URL('./explore-worker.js', import.meta.url));
}

/** Starts every worker when it is asked for. */
export const FRESH_EXPLORE_WORKERS: ExploreWorkerSource = {
  take: (count) => Array.from({ length: count }, startExploreWorker),
};

/** The most --jobs explore takes. */
export const MAX_EXPLORE_JOBS = 256;

/**
 * The --jobs `explore args` asks for (the flag's default is the number of cores), or undefined
 * when the arguments do not run an exploration (--list, --help) or give --jobs in a form the
 * command's parser will refuse (it says why; this guess only decides what to start early).
 */
export function exploreJobsOf(args: readonly string[], cores: number): number | undefined {
  let text: string | undefined, given = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--list' || a === '--help' || a === '-h') return undefined;
    if (a === '--jobs') {
      given = true;
      text = args[++i];
    } else if (a.startsWith('--jobs=')) {
      given = true;
      text = a.slice('--jobs='.length);
    }
  }
  if (!given) return cores;
  const jobs = text !== undefined && /^[1-9]\d*$/.test(text) ? Number(text) : undefined;
  return jobs !== undefined && jobs <= MAX_EXPLORE_JOBS ? jobs : undefined;
}

/**
 * Starts the worker threads `explore args` will ask for (jobs − 1) right away and hands them out
 * first; more are started when asked for, and those not taken by the time explore asks are ended.
 * They are unreferenced until taken, so a command that never explores (a usage error) exits
 * without waiting for them.
 */
export function prestartExploreWorkers(args: readonly string[], cores: number): ExploreWorkerSource {
  const early = Array.from({ length: Math.max(0, (exploreJobsOf(args, cores) ?? 1) - 1) }, () => {
    const w = startExploreWorker();
    w.unref();
    return w;
  });
  return {
    take(count) {
      const taken = early.splice(0, count);
      for (const w of early.splice(0)) void w.terminate();
      for (const w of taken) w.ref();
      return [...taken, ...FRESH_EXPLORE_WORKERS.take(count - taken.length)];
    },
  };
}
