#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { renderMemberReport, renderTable } from '../report/text-report.js';
import { SEED_CASE_TIMES, seedCaseSimulation } from '../scenarios/seed-case.js';
import { formatTimestamp } from '../observe/error-log.js';

/** The command line: the only place that touches process, fs and the terminal. */

const HELP = `grsim — deterministic simulator of MySQL Group Replication failure detection

Usage:
  grsim demo [--seed N]   run the reference partition/heal case (../shared/reference/seed-case.md)
  grsim --help            this text
  grsim --version         print the version
`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function demo(seed: number): void {
  const sim = seedCaseSimulation(seed);
  const { cutUs, healUs, endUs } = SEED_CASE_TIMES;
  const ts = (us: number): string => formatTimestamp(sim.startEpochUs, us);
  const out: string[] = [];
  out.push(`grsim ${version()} — seed case: 3 members, multi-primary, MySQL ${sim.version.serverVersion} defaults, seed ${seed}`);
  out.push(`${ts(cutUs)}  node3 is cut off from node1 and node2 (iptables DROP both ways)`);
  out.push(`${ts(SEED_CASE_TIMES.writeUs)}  a DELETE is run on node3`);
  out.push(`${ts(healUs)}  the network heals\n`);
  const snap = (label: string, member: string): void => {
    out.push(`--- ${member}: replication_group_members at ${ts(sim.nowUs)} (${label}) ---`);
    out.push(renderTable(sim.member(member).replicationGroupMembers()) + '\n');
  };
  sim.runUntil(cutUs + 8_000_000);
  snap('after detection', 'node1');
  snap('after detection', 'node3');
  sim.runUntil(cutUs + 40_000_000);
  snap('after the expel', 'node1');
  snap('after the expel', 'node3');
  sim.runUntil(endUs);
  out.push(renderMemberReport(sim));
  const w = sim.writes[0];
  if (w !== undefined) out.push(`The DELETE on node3: ${w.outcome}${w.error ? ` — ${w.error}` : ''}${w.atUs !== null ? ` at ${ts(w.atUs)}` : ''}`);
  process.stdout.write(out.join('\n') + '\n');
}

function main(argv: readonly string[]): number {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(HELP);
    return cmd === undefined ? 2 : 0;
  }
  if (cmd === '--version' || cmd === '-v') {
    process.stdout.write(version() + '\n');
    return 0;
  }
  if (cmd === 'demo') {
    let seed = 7;
    for (let i = 0; i < rest.length; i++) {
      if (rest[i] === '--seed' && rest[i + 1] !== undefined && /^-?\d+$/.test(rest[i + 1] as string)) seed = Number(rest[++i]);
      else {
        process.stderr.write(`grsim demo: unknown argument ${JSON.stringify(rest[i])} (expected --seed N)\n`);
        return 2;
      }
    }
    demo(seed);
    return 0;
  }
  process.stderr.write(`grsim: unknown command ${JSON.stringify(cmd)}\n\n${HELP}`);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
