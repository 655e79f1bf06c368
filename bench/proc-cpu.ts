/** CPU time of processes on this machine, from /proc (Linux). */
import { readFileSync, readdirSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU time (user + system, ms) of a process, and of its children that have exited. */
export function cpuOf(pid: number): { own: number; reaped: number; parent: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const at = (n: number) => Number(fields[n - 3]);
  return {
    own: (at(14) + at(15)) * TICK_MS,
    reaped: (at(16) + at(17)) * TICK_MS,
    parent: at(4),
  };
}

/** CPU time of the whole PostgreSQL server: every process of it, and those that have exited. */
export function serverCpu(postmaster: number): number {
  let total = cpuOf(postmaster).own + cpuOf(postmaster).reaped;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cpu = cpuOf(Number(entry));
      if (cpu.parent === postmaster) total += cpu.own;
    } catch {
      // exited while listed: its time is in the postmaster's `reaped` from now on
    }
  }
  return total;
}

/** The process ids whose command name is `name` (as in /proc/<pid>/comm). */
export function pidsNamed(name: string): number[] {
  return readdirSync('/proc').flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      return readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name ? [Number(entry)] : [];
    } catch {
      return [];
    }
  });
}

/** CPU time (ms) of every process named `name`; 0 when there is none. */
export function cpuOfNamed(name: string): number {
  return pidsNamed(name).reduce((sum, pid) => {
    try {
      return sum + cpuOf(pid).own;
    } catch {
      return sum;
    }
  }, 0);
}
