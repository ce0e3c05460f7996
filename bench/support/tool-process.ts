/**
 * The tool as a process of its own, started the way `npm start` starts it: the build in dist/
 * run by node with the flags of package.json's start script. Benchmarks measure what is
 * deployed, not tsx's on-the-fly compilation (which costs memory and CPU of its own).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const projectRoot = path.resolve(import.meta.dirname, '..', '..');

/** Brings dist/ up to date (as the prestart script does); a no-op when nothing changed. */
export function buildTool(): void {
  execFileSync(process.execPath, [TSC, '--build', 'tsconfig.build.json'], {
    cwd: projectRoot,
    stdio: 'inherit',
  });
}

const TSC = path.join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc');

/** The node flags of package.json's start script (`node --max-semi-space-size=16 ...`). */
export function startFlags(): string[] {
  const { scripts } = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  return scripts.start.split(/\s+/).filter((word) => word.startsWith('--'));
}

/** Settings of one benchmark tool: a scratch data folder, a fresh secret, a random port. */
export interface ToolEnvironment {
  readonly env: NodeJS.ProcessEnv;
  readonly url: string;
  /** Removes the data folder. */
  remove(): void;
}

export function toolEnvironment(
  databaseUrl: string | undefined,
  port = 4000 + Math.floor(Math.random() * 2000),
): ToolEnvironment {
  const url = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'microcred-bench-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MICROCRED_DATA_DIR: dataDir,
    MICROCRED_LOG_LEVEL: 'error',
    MICROCRED_SECRET: randomBytes(32).toString('hex'),
    PORT: String(port),
    MICROCRED_PUBLIC_URL: url,
  };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  else delete env.DATABASE_URL;
  return { env, url, remove: () => rmSync(dataDir, { recursive: true, force: true }) };
}

/** Runs `microcred <args>` (the built CLI) and resolves with what it printed. */
export function runCli(env: NodeJS.ProcessEnv, args: readonly string[]): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/src/cli/main.js', ...args], {
      cwd: projectRoot,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`microcred ${args.join(' ')} exited ${code}`)),
    );
  });
}

/** Creates an xAPI credential (`microcred xapi credentials create`), bound to `platform` if given. */
export async function createBenchKey(
  env: NodeJS.ProcessEnv,
  platform?: string,
): Promise<{ key: string; secret: string }> {
  const printed = await runCli(env, [
    'xapi',
    'credentials',
    'create',
    '--name',
    'bench',
    ...(platform === undefined ? [] : ['--platform', platform]),
  ]);
  return JSON.parse(printed.trim().split('\n').at(-1) ?? '{}') as { key: string; secret: string };
}

/** Creates an xAPI credential and gives its Basic Authorization header. */
export async function createBenchCredential(
  env: NodeJS.ProcessEnv,
  platform?: string,
): Promise<string> {
  const { key, secret } = await createBenchKey(env, platform);
  return `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
}

/**
 * Starts the built tool and waits until /health answers. `nodeFlags` come before the start
 * script's (BENCH_PROFILE=tool adds a CPU profile in bench/profiles/).
 */
export async function startTool(
  environment: ToolEnvironment,
  nodeFlags: readonly string[] = [],
): Promise<ChildProcess> {
  const profile =
    process.env.BENCH_PROFILE === 'tool' ? ['--cpu-prof', '--cpu-prof-dir=bench/profiles'] : [];
  const tool = spawn(
    process.execPath,
    [...profile, ...nodeFlags, ...startFlags(), 'dist/src/main.js'],
    { cwd: projectRoot, env: environment.env, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  try {
    await waitForHealth(environment.url, tool);
  } catch (error) {
    await stopTool(tool);
    throw error;
  }
  return tool;
}

/** Ends the tool with SIGTERM, as a service manager would, and waits for its exit. */
export async function stopTool(tool: ChildProcess): Promise<void> {
  if (tool.exitCode !== null || tool.signalCode !== null) return;
  const exited = new Promise((resolve) => tool.once('exit', resolve));
  tool.kill('SIGTERM');
  await exited;
}

/** Resolves once `url`/health answers 200; throws if `child` exits first or after 60 s. */
export async function waitForHealth(
  url: string,
  child: ChildProcess,
  pollMs = 250,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the tool exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  throw new Error('the tool did not become healthy');
}

/**
 * The process's resident memory now (VmRSS) and its peak so far (VmHWM), in MB, read from
 * /proc; 0 for a process that never started or has ended, so a sampler outlives the tool.
 */
export function residentMemoryMb(pid: number | undefined): { now: number; peak: number } {
  const status = pid === undefined ? '' : processStatus(pid);
  const field = (name: string) =>
    Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? '0') / 1024;
  return { now: field('VmRSS'), peak: field('VmHWM') };
}

/** /proc/<pid>/status, or '' once the process has ended. */
function processStatus(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return '';
  }
}
