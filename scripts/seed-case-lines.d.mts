// Types for seed-case-lines.mjs (the test imports it from TypeScript).

export type Anchor = 'cut' | 'heal';
export type Phase = 'detection' | 'removal' | 'reconnection' | 'expel and rejoin';

export interface RealLine {
  readonly member: string;
  /** µs since the Unix epoch. */
  readonly timeEpochUs: number;
  readonly level: string;
  readonly code: string;
  /** The line without timestamp and thread id, view ids normalised (see bodyOf). */
  readonly body: string;
  readonly anchor: Anchor;
  readonly phase: Phase;
  /** Line number in the fixture. */
  readonly line: number;
}

export interface SimulatedLine {
  readonly member: string;
  readonly timeEpochUs: number;
  readonly code: string;
  /** The formatted error-log line. */
  readonly text: string;
}

export interface LinePair {
  readonly real: RealLine;
  readonly sim: SimulatedLine | null;
  readonly realDelayUs: number;
  readonly simDelayUs: number | null;
  readonly deltaUs: number | null;
}

export const REAL_ERROR_LOG_FILE: URL;
export const SEED_CASE_CUT_EPOCH_US: number;
export const SEED_CASE_HEAL_EPOCH_US: number;
export const PHASE_TOLERANCE_US: Readonly<Record<Phase, number>>;
export const STEP_TOLERANCE_US: number;
export function parseRealErrorLog(text: string): RealLine[];
export function readRealErrorLog(): RealLine[];
export function bodyOf(line: string): string;
export function pairLines(real: readonly RealLine[], simulated: readonly SimulatedLine[]): LinePair[];
