/** Memory of other processes, read from /proc, for benchmarks that run the tool apart. */
import { readFileSync } from 'node:fs';

/** Resident memory (VmRSS) of process `pid` in MB; 0 once it has ended. */
export function residentMemoryMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? '0') / 1024;
  } catch {
    return 0;
  }
}
