import { describe, expect, it } from 'vitest';
import { exploreJobsOf, MAX_EXPLORE_JOBS } from '../../src/cli/explore-workers.js';

describe('exploreJobsOf: the --jobs the binary starts explore workers for before parsing the command line', () => {
  it('reads --jobs N and --jobs=N, the last one given winning as in the parser', () => {
    expect(exploreJobsOf(['--property', 'one-primary-per-view', '--jobs', '3'], 2)).toBe(3);
    expect(exploreJobsOf(['--jobs=4', '--runs', '100'], 2)).toBe(4);
    expect(exploreJobsOf(['--jobs', '3', '--jobs=5'], 2)).toBe(5);
    expect(exploreJobsOf(['--jobs=5', '--jobs', '1'], 2)).toBe(1);
  });
  it('takes the number of cores when --jobs is not given, as the flag\'s default', () => {
    expect(exploreJobsOf(['--property', 'one-primary-per-view'], 7)).toBe(7);
    expect(exploreJobsOf([], 2)).toBe(2);
  });
  it('starts nothing for a command that does not explore or a --jobs the parser refuses', () => {
    expect(exploreJobsOf(['--list'], 2)).toBeUndefined();
    expect(exploreJobsOf(['--property', 'x', '--help'], 2)).toBeUndefined();
    expect(exploreJobsOf(['-h'], 2)).toBeUndefined();
    for (const bad of ['0', 'many', '-1', '2.5', String(MAX_EXPLORE_JOBS + 1), '']) expect(exploreJobsOf(['--jobs', bad], 2)).toBeUndefined();
    expect(exploreJobsOf(['--jobs'], 2)).toBeUndefined();
    expect(exploreJobsOf(['--jobs=', '--runs', '5'], 2)).toBeUndefined();
    expect(exploreJobsOf(['--jobs', String(MAX_EXPLORE_JOBS)], 2)).toBe(MAX_EXPLORE_JOBS);
  });
});
