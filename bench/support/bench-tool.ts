/**
 * What the benchmarks that run the whole tool share: a fresh database on the PostgreSQL server at
 * DATABASE_URL, the tool's environment, its CLI, starting it, cleaning up, and percentiles.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** The value that `fraction` of the sorted values lie below (nearest rank); 0 for none. */
export function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0;
}

export interface BenchTool {
  /** The benchmark's own database. */
  readonly databaseUrl: string;
  /** Runs a `microcred` command on the database and gives its standard output. */
  cli(args: readonly string[]): Promise<string>;
  /** A new xAPI credential (`microcred xapi credentials create`). */
  createXapiCredential(): Promise<{ key: string; secret: string }>;
  /** Starts the server with these Node flags and waits until /health answers. */
  start(nodeFlags: readonly string[]): Promise<ChildProcess>;
  /** Stops the server, drops the database (kept with KEEP_DATABASE=1) and the data folder. */
  close(): Promise<void>;
}

/**
 * A tool on a fresh database of the PostgreSQL server at DATABASE_URL, served at
 * http://127.0.0.1:<port>. Without DATABASE_URL the benchmark stops with exit code 2.
 */
export async function openBenchTool(port: number): Promise<BenchTool> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    process.stderr.write('Set DATABASE_URL to a PostgreSQL server: the benchmark runs on it.\n');
    process.exit(2);
  }
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const name = `microcred_bench_${randomBytes(4).toString('hex')}`;
  await admin.query(`create database ${name}`);
  const databaseUrl = new URL(serverUrl);
  databaseUrl.pathname = `/${name}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'microcred-bench-'));
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl.toString(),
    MICROCRED_DATA_DIR: dataDir,
    MICROCRED_LOG_LEVEL: 'error',
    MICROCRED_SECRET: randomBytes(32).toString('hex'),
    PORT: String(port),
    MICROCRED_PUBLIC_URL: `http://127.0.0.1:${port}`,
  };
  const root = path.resolve(import.meta.dirname, '../..');
  let tool: ChildProcess | undefined;

  const cli = (args: readonly string[]) =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
        cwd: root,
        env,
      });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`cli ${code}`))));
    });

  return {
    databaseUrl: databaseUrl.toString(),
    cli,
    createXapiCredential: async () =>
      JSON.parse(
        (await cli(['xapi', 'credentials', 'create', '--name', 'bench']))
          .trim()
          .split('\n')
          .at(-1) ?? '{}',
      ) as { key: string; secret: string },
    start: async (nodeFlags) => {
      const started = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', 'src/main.ts'], {
        cwd: root,
        env,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      tool = started;
      await waitForHealth(env.MICROCRED_PUBLIC_URL, started);
      return started;
    },
    close: async () => {
      if (tool && tool.exitCode === null) {
        const exited = new Promise((resolve) => tool!.once('exit', resolve));
        tool.kill('SIGTERM');
        await exited;
      }
      if (process.env.KEEP_DATABASE === '1') {
        process.stderr.write(`kept database ${name}\n`);
      } else {
        await admin.query(`drop database if exists ${name} with (force)`);
      }
      await admin.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 240; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`the tool exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('the tool did not become healthy');
}
