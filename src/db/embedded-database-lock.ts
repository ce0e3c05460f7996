/**
 * One process at a time on an embedded (PGlite) database folder. PGlite loads the folder into
 * the process's memory and writes it back, so a second process (a CLI command beside the
 * running server) would read a stale copy and lose its writes. The lock is a file beside the
 * database naming the process that holds it; a lock whose process is gone is taken over.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { EmbeddedDatabaseInUseError } from '../errors.js';

/** Folders this process holds, with how many open handles share each. */
const heldByThisProcess = new Map<string, number>();

export interface EmbeddedDatabaseLock {
  release(): void;
}

export function lockEmbeddedDatabase(databasePath: string): EmbeddedDatabaseLock {
  const lockPath = `${databasePath}.lock`;
  const handles = heldByThisProcess.get(lockPath) ?? 0;
  if (handles === 0) acquire(lockPath, databasePath);
  heldByThisProcess.set(lockPath, handles + 1);
  let isReleased = false;
  return {
    release() {
      if (isReleased) return;
      isReleased = true;
      const remaining = (heldByThisProcess.get(lockPath) ?? 1) - 1;
      if (remaining > 0) {
        heldByThisProcess.set(lockPath, remaining);
        return;
      }
      heldByThisProcess.delete(lockPath);
      rmSync(lockPath, { force: true });
    },
  };
}

function acquire(lockPath: string, databasePath: string): void {
  const ownRecord = JSON.stringify({ pid: process.pid, since: new Date().toISOString() });
  try {
    writeFileSync(lockPath, ownRecord, { flag: 'wx', mode: 0o600 });
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const holder = readHolder(lockPath);
  if (holder !== null && holder !== process.pid && isRunning(holder)) {
    throw new EmbeddedDatabaseInUseError(
      `The embedded database in ${databasePath} is in use by another process (pid ${holder}, usually the running server). ` +
        'Stop that process first, or make the change through the running server (its admin pages or admin API), ' +
        'or move to PostgreSQL (DATABASE_URL), where any number of processes may share the database.',
    );
  }
  writeFileSync(lockPath, ownRecord, { mode: 0o600 });
}

function readHolder(lockPath: string): number | null {
  try {
    const { pid } = JSON.parse(readFileSync(lockPath, 'utf8')) as { pid?: unknown };
    return typeof pid === 'number' && Number.isInteger(pid) ? pid : null;
  } catch {
    return null;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
