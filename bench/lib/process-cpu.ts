// CPU time of the processes a benchmark runs on, from Linux's /proc, so a
// figure can say where the machine's cores went: Postgres, Redis and the
// benchmark's own Node processes share the same 2 cores.
import { readdirSync, readFileSync } from 'node:fs';

/** Milliseconds of CPU (user + system) per process id, with the group it counts towards. */
export type CpuSnapshot = Map<number, { group: string; ms: number }>;

const TICK_MS = 10; // USER_HZ is 100 on Linux.

/** A process's parent and CPU time, from /proc/<pid>/stat. */
function statOf(pid: number): { ppid: number; ms: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command, which may itself contain spaces: ppid is the 2nd, utime and stime the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), ms: (Number(fields[11]) + Number(fields[12])) * TICK_MS };
  } catch {
    return undefined;
  }
}

/**
 * Every process's CPU time, grouped by `groupOf(pid, commandLine, ppid)`;
 * processes it returns undefined for are left out. Empty where /proc does not exist.
 */
export function cpuSnapshot(groupOf: (pid: number, commandLine: string, ppid: number) => string | undefined): CpuSnapshot {
  const snapshot: CpuSnapshot = new Map();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return snapshot;
  }
  for (const name of pids) {
    const pid = Number(name);
    let commandLine: string;
    try {
      commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      continue;
    }
    const stat = statOf(pid);
    const group = stat === undefined ? undefined : groupOf(pid, commandLine, stat.ppid);
    if (group !== undefined && stat !== undefined) snapshot.set(pid, { group, ms: stat.ms });
  }
  return snapshot;
}

/**
 * CPU milliseconds per group between two snapshots. Processes that started in
 * between count from zero; those that ended in between are missing, so a
 * group's figure is a lower bound (Postgres backends of closed connections).
 */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): Map<string, number> {
  const groups = new Map<string, number>();
  for (const [pid, { group, ms }] of after) groups.set(group, (groups.get(group) ?? 0) + ms - (before.get(pid)?.ms ?? 0));
  return groups;
}
