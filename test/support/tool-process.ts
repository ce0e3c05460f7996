import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { projectRoot } from '../../src/config/project-root.js';
import type { TestStorage } from './test-database.js';
import { freePort } from './test-tool.js';

/** A tool started as `npm start` starts it, in a process of its own. */
export interface ToolProcess {
  /** Where this process listens, past any proxy. */
  readonly url: string;
  readonly pid: number;
  /** What the process wrote to stderr so far (its error log). */
  readonly stderr: () => string;
  /** What the process wrote to stdout so far (its log below the error level). */
  readonly stdout: () => string;
  /** Sends `signal` and resolves with the exit code once the process has ended (null: killed). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * The settings of a tool process on `storage` behind a load balancer at
 * https://microcred.example.org: the tests talk to the process itself, as the balancer does.
 */
export function balancedToolEnvironment(storage: TestStorage): Record<string, string> {
  return {
    DATABASE_URL: storage.databaseUrl ?? '',
    MICROCRED_DATA_DIR: storage.dataDir,
    MICROCRED_SECRET: randomBytes(32).toString('hex'),
    MICROCRED_PUBLIC_URL: 'https://microcred.example.org',
  };
}

/**
 * Starts `src/main.ts` (the entry of `npm start`, through tsx, with the V8 flags `npm start`
 * gives) on a free port of 127.0.0.1 with `env` added to this process's environment, and
 * resolves once `/health/ready` answers 200: the database is reachable and migrated. Processes
 * started together on a fresh PostgreSQL database migrate it one after the other.
 */
export async function startToolProcess(env: Record<string, string>): Promise<ToolProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--max-semi-space-size=16', '--heap-growing-percent=50', '--import', 'tsx', 'src/main.ts'],
    {
      cwd: projectRoot,
      env: { ...process.env, MICROCRED_LOG_LEVEL: 'error', ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  // A loaded machine can take half a minute to start tsx and migrate.
  for (const startedAt = Date.now(); ;) {
    if (child.exitCode !== null)
      throw new Error(`The tool exited with ${child.exitCode}:\n${stderr}`);
    if (Date.now() - startedAt > 90_000) {
      child.kill('SIGKILL');
      throw new Error(`The tool was not ready within 90 s:\n${stderr}`);
    }
    const isReady = await fetch(`${url}/health/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (isReady) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    pid: child.pid ?? 0,
    stderr: () => stderr,
    stdout: () => stdout,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
