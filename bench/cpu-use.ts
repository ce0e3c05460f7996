/**
 * CPU seconds (user + system) processes have used so far, read from /proc, for benchmarks whose
 * server, load generator and PostgreSQL share the machine's cores: their sum per operation
 * bounds the rate.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/**
 * CPU seconds used by process `pid` (with `withEndedChildren`, also by its children that have
 * ended and been waited for); 0 once it has ended.
 */
export function processCpuSeconds(pid: number | string, withEndedChildren = false): number {
  try {
    // Fields 14-17 of /proc/PID/stat (utime, stime, cutime, cstime), counted after "comm) ".
    const fields = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
    const own = Number(fields[11]) + Number(fields[12]);
    const children = withEndedChildren ? Number(fields[13]) + Number(fields[14]) : 0;
    return (own + children) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** CPU seconds used by this process. */
export function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/**
 * CPU seconds used by PostgreSQL: its running processes (server, backends, background workers),
 * and those that ended (a closed connection's backend, an autovacuum worker), which the server
 * process counts as its ended children.
 */
export function postgresCpuSeconds(): number {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && isPostgres(entry))
    .reduce((total, pid) => total + processCpuSeconds(pid, true), 0);
}

function isPostgres(pid: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
  } catch {
    return false;
  }
}
