/** CPU seconds (user + system) a process has used so far, from /proc (benchmarks only, Linux). */
import { readFileSync } from 'node:fs';

const TICKS_PER_S = 100;

export function cpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
  } catch {
    return 0;
  }
}
